"""Interrupted sweeps lose no finished run. A real ``sweep`` command runs in a subprocess
with 2 workers; it is killed part-way (SIGKILL to the parent; SIGINT; SIGKILL to one
worker). Every run on disk stays as it was, the chunks on disk are all whole, the workers
of a killed parent end themselves, and ``--resume`` runs exactly the missing runs, after
which the results equal an uninterrupted sweep's."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from negotiation_sim.sweep import load_results, run_sweep, sweep
from negotiation_sim.sweep.store import SweepStore

psutil = pytest.importorskip("psutil")

RUN = {"name": "interrupt", "samples": 400, "replicates": 2, "rounds": 4, "seed": 5}
TOTAL = 800
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def command() -> list[str]:
    """The real command line: ``python -m negotiation_sim`` once cli.py registers the
    sweep commands, else the same handlers through ``python -m negotiation_sim.sweep``."""
    from negotiation_sim import cli

    parser = cli.build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if subs and "sweep" in subs[0].choices:
        return [sys.executable, "-m", "negotiation_sim"]
    return [sys.executable, "-m", "negotiation_sim.sweep"]


@pytest.fixture(scope="module")
def spec_file(sweep_specs, tmp_path_factory) -> Path:
    noise = {**sweep_specs.noise, "range": [0.0, 0.1]}
    params = [sweep_specs.stockpile, sweep_specs.elasticity, noise]
    return sweep_specs.write(tmp_path_factory.mktemp("spec"), params, file="interrupt.toml", **RUN)


@pytest.fixture(scope="module")
def reference(spec_file, tmp_path_factory) -> pd.DataFrame:
    """The same sweep, uninterrupted."""
    frame = sweep(spec_file, tmp_path_factory.mktemp("ref") / "sweep", workers=2, progress=False)
    assert len(frame) == TOTAL
    return frame


def start(spec_file: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *command(),
            "sweep",
            str(spec_file),
            "--out",
            str(out),
            "--workers",
            "2",
            "--chunk-size",
            "10",
            "--flush-seconds",
            "0.2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )


def wait_for_chunks(out: Path, count: int, proc: subprocess.Popen, timeout: float = 120):
    store = SweepStore(out)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the sweep ended before it could be interrupted: {proc.communicate()}")
        if (out / "manifest.json").exists() and len(store.parts()) >= count:
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no chunks appeared")


def workers_of(proc: subprocess.Popen) -> list:
    """The pool's worker processes: children of the fork server, itself a child of the
    sweep (the resource tracker is a child without children)."""
    me = psutil.Process(proc.pid)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [p for p in me.children(recursive=True) if p.ppid() != proc.pid]
        if len(found) >= 2:
            return found
        time.sleep(0.05)
    return [p for p in me.children(recursive=True) if p.ppid() != proc.pid]


def end(processes) -> list:
    """Wait for processes to end by themselves; kill (by pid) any left; return those."""
    _, alive = psutil.wait_procs(processes, timeout=15)
    for p in alive:
        p.kill()
    return alive


def assert_kept(before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Every run in ``before`` is in ``after``, unchanged."""
    again = after.set_index("run").loc[before["run"]].reset_index()
    pd.testing.assert_frame_equal(again, before.reset_index(drop=True))


def test_sigkill_to_the_parent_loses_no_saved_run(spec_file, reference, tmp_path):
    out = tmp_path / "sweep"
    proc = start(spec_file, out)
    wait_for_chunks(out, 3, proc)
    family = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.communicate()
    saved = load_results(out)  # every chunk on disk is whole and readable
    assert 0 < len(saved) < TOTAL
    assert saved["run"].is_unique
    assert not end(family), "workers of a killed sweep must end themselves"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "running"  # it never got to say otherwise
    assert manifest["runs"]["done"] <= len(saved)

    summary = run_sweep(spec_file, out, resume=True, workers=2, progress=False)
    assert summary.status == "complete"
    assert summary.ran == TOTAL - len(saved)  # only what was missing
    final = load_results(out)
    assert_kept(saved, final)
    pd.testing.assert_frame_equal(final, reference)


def test_sigint_stops_in_order_and_resume_finishes(spec_file, reference, tmp_path):
    out = tmp_path / "sweep"
    proc = start(spec_file, out)
    wait_for_chunks(out, 3, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err and "--resume" in err
    saved = load_results(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted"
    assert manifest["runs"]["done"] == len(saved) < TOTAL
    assert manifest["runs"]["pending"] == TOTAL - len(saved)
    assert f"{len(saved):,} of {TOTAL:,} runs saved" in err
    assert not list(out.rglob("*.tmp"))

    resumed = subprocess.run(
        [*command(), "sweep", str(spec_file), "--out", str(out), "--resume", "--workers", "2"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{TOTAL - len(saved):,} run now" in resumed.stdout
    final = load_results(out)
    assert_kept(saved, final)
    pd.testing.assert_frame_equal(final, reference)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "complete"]


def test_a_killed_worker_is_replaced_and_no_run_is_lost(spec_file, reference, tmp_path):
    out = tmp_path / "sweep"
    proc = start(spec_file, out)
    wait_for_chunks(out, 2, proc)
    victims = workers_of(proc)
    assert victims, "no worker process found"
    victims[0].send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "a worker process died; restarting the pool" in err
    pd.testing.assert_frame_equal(load_results(out), reference)

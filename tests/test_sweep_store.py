"""A sweep's store under damage: truncated, emptied and altered chunks are named, set
aside and run again on resume (the resumed store equals an uninterrupted one) and refused
by ``analyze``; a manifest of the wrong JSON types, a design too big for memory, a lost
lock race, an unwritable or full output directory and too many workers are clear errors
(exit 2 from the command line), never tracebacks."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_sweep_run import RUN, write_spec

from negotiation_sim.runs.execution import max_workers
from negotiation_sim.sweep import SweepError, analyze, load_results, loads_spec, run_sweep, sweep
from negotiation_sim.sweep.store import SweepStore

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "negotiation_sim"]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


@pytest.fixture(scope="module")
def spec_file(sweep_specs, tmp_path_factory) -> Path:
    return write_spec(sweep_specs, tmp_path_factory.mktemp("spec"))


@pytest.fixture(scope="module")
def reference(spec_file, tmp_path_factory) -> pd.DataFrame:
    return sweep(spec_file, tmp_path_factory.mktemp("ref") / "sweep", workers=1, progress=False)


def chunked(spec_file: Path, out: Path) -> SweepStore:
    """The small sweep in 8 chunks of 3 runs."""
    run_sweep(spec_file, out, workers=1, progress=False, chunk_size=3, flush_seconds=0)
    store = SweepStore(out)
    assert len(store.parts()) == 8
    return store


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=ENV, timeout=300, **kwargs
    )


def altered_but_readable(path: Path) -> None:
    """Flip one bit inside ``path`` so that it still reads as Parquet, with other
    values: the silent corruption a checksum must catch."""
    data = path.read_bytes()
    before = pq.read_table(path)
    for offset in range(4, len(data) - 8):
        trial = bytearray(data)
        trial[offset] ^= 0x01
        try:
            after = pq.read_table(io.BytesIO(bytes(trial)))
        except Exception:
            continue
        if after.schema == before.schema and not after.equals(before):
            path.write_bytes(bytes(trial))
            return
    pytest.fail("no bit changes the values and keeps the file readable")


def test_truncated_and_empty_chunks_are_set_aside_and_run_again(spec_file, reference, tmp_path):
    out = tmp_path / "sweep"
    store = chunked(spec_file, out)
    parts = dict(store.parts())
    half = parts[2].read_bytes()
    parts[2].write_bytes(half[: len(half) // 2])  # truncated
    parts[5].write_bytes(b"")  # empty
    said: list[str] = []
    summary = run_sweep(spec_file, out, resume=True, workers=1, progress=False, say=said.append)
    assert summary.status == "complete"
    assert summary.ran == 6  # exactly the runs of the two chunks
    pd.testing.assert_frame_equal(load_results(out), reference)
    notes = "\n".join(said)
    assert "runs/part-000002.parquet: damaged" in notes and "truncated" in notes
    assert "runs/part-000005.parquet: damaged (empty file" in notes
    assert sorted(p.name for p in (out / "damaged" / "runs").iterdir()) == [
        "part-000002.parquet",
        "part-000005.parquet",
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["sessions"][-1]["notes"]) == 2
    assert "runs/part-000002.parquet" not in manifest["files"]
    assert manifest["runs"] == {"total": 24, "done": 24, "pending": 0, "failed": 0}
    analyze(out, report=False)  # sound again


def test_analyze_refuses_damaged_chunks_and_names_them(spec_file, tmp_path):
    out = tmp_path / "sweep"
    store = chunked(spec_file, out)
    parts = dict(store.parts())
    altered_but_readable(parts[4])
    parts[6].write_bytes(parts[6].read_bytes()[:100])
    with pytest.raises(SweepError) as info:
        analyze(out, report=False)
    messages = info.value.messages
    assert len(messages) == 2
    assert "part-000004.parquet: damaged (3 runs): its contents changed" in messages[0]
    assert "part-000006.parquet: damaged (3 runs)" in messages[1]
    assert "--resume" in messages[0]
    with pytest.raises(SweepError, match=r"part-000004\.parquet: damaged"):
        load_results(out)
    done = cli("analyze", str(out), "--no-plots")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "part-000004.parquet: damaged" in done.stderr
    assert "part-000006.parquet: damaged" in done.stderr


def test_an_altered_chunk_is_run_again_on_resume(spec_file, reference, tmp_path):
    out = tmp_path / "sweep"
    store = chunked(spec_file, out)
    altered_but_readable(dict(store.parts())[1])
    summary = run_sweep(spec_file, out, resume=True, workers=2, progress=False, say=print)
    assert summary.ran == 3
    pd.testing.assert_frame_equal(load_results(out), reference)


def test_a_damaged_trajectory_chunk_reruns_its_runs(sweep_specs, tmp_path):
    spec_file = write_spec(
        sweep_specs, tmp_path, file="t.toml", trajectories=True, trajectory_columns=["tariff_us_cn"]
    )
    ref = tmp_path / "ref"
    run_sweep(spec_file, ref, workers=1, progress=False)
    out = tmp_path / "sweep"
    store = chunked(spec_file, out)
    traj = dict(store.parts("trajectories"))
    traj[3].write_bytes(traj[3].read_bytes()[:-40])
    summary = run_sweep(spec_file, out, resume=True, workers=1, progress=False, say=print)
    assert summary.ran == 3
    pd.testing.assert_frame_equal(load_results(out), load_results(ref))
    from negotiation_sim.sweep import load_trajectories

    pd.testing.assert_frame_equal(load_trajectories(out), load_trajectories(ref))


def test_a_manifest_of_wrong_types_is_a_clear_error(spec_file, tmp_path):
    out = tmp_path / "sweep"
    run_sweep(spec_file, out, workers=1, progress=False)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["runs"] = [24]
    manifest["scenario"] = "us_china_2025"
    manifest["spec"]["parameters"] = [{"name": 3}]
    manifest["sessions"] = {}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    for call in (
        lambda: run_sweep(spec_file, out, resume=True, progress=False),
        lambda: analyze(out, report=False),
    ):
        with pytest.raises(SweepError) as info:
            call()
        text = "\n".join(info.value.messages)
        assert "runs: expected an object, got an array [24]" in text
        assert "scenario: expected an object, got a string 'us_china_2025'" in text
        assert "spec.parameters[0].name: expected a string, got a whole number 3" in text
        assert "sessions: expected an array, got an object" in text
    for args in (
        ("sweep", str(spec_file), "--out", str(out), "--resume"),
        ("analyze", str(out)),
    ):
        done = cli(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "runs: expected an object" in done.stderr


def test_a_manifest_nested_100000_deep_is_a_clear_error(spec_file, tmp_path):
    out = tmp_path / "sweep"
    run_sweep(spec_file, out, workers=1, progress=False)
    path = out / "manifest.json"
    text = path.read_text(encoding="utf-8").rstrip()
    path.write_text(text[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = cli("analyze", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "manifest.json: unreadable manifest: nested too deeply; allowed: at most" in done.stderr
    assert "recursion" not in done.stderr


def test_a_design_too_big_for_memory_is_refused_up_front(sweep_specs, tmp_path):
    params = [sweep_specs.stockpile, sweep_specs.elasticity, sweep_specs.strategy]
    text = sweep_specs.text(params, **(RUN | {"samples": 100_000_000}))
    with pytest.raises(SweepError) as info:
        loads_spec(text, base_dir=ROOT)
    (message,) = info.value.messages
    assert "sweep.samples: the design would have 100,000,000 points x 3 parameters" in message
    assert "GiB of memory; at most 2 GiB" in message
    spec_file = tmp_path / "huge.toml"
    spec_file.write_text(text, encoding="utf-8")
    for extra in (["--dry-run"], ["--out", str(tmp_path / "out")]):
        done = cli("sweep", str(spec_file), *extra)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "GiB of memory" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_sweep_that_loses_the_lock_race_writes_nothing(spec_file, monkeypatch, tmp_path):
    """Two sweeps start in the same new directory at once. The other one arrives while
    this one builds its design; whoever holds the lock owns the directory, and the loser
    leaves the winner's spec.toml as it is."""
    from negotiation_sim.sweep import runner

    out = tmp_path / "race"
    real = runner.build_design
    winner = SweepStore(out)
    won: list[bool] = []

    def racing(spec):
        out.mkdir(parents=True, exist_ok=True)
        try:
            winner.lock()
        except SweepError:
            won.append(False)  # this sweep holds the lock already: the other one loses
        else:
            won.append(True)
            (out / "spec.toml").write_text("# the winner's spec\n", encoding="utf-8")
        return real(spec)

    monkeypatch.setattr(runner, "build_design", racing)
    try:
        try:
            run_sweep(spec_file, out, workers=1, progress=False)
        except SweepError as exc:  # this sweep lost the race: it must leave all as it was
            assert won == [True]
            assert "another sweep" in str(exc)
            assert (out / "spec.toml").read_text(encoding="utf-8") == "# the winner's spec\n"
            assert not (out / "manifest.json").exists()
            return
        assert won == [False]  # this sweep held the lock first: the other one lost
        ours = spec_file.read_text(encoding="utf-8")
        assert (out / "spec.toml").read_text(encoding="utf-8") == ours
    finally:
        winner.unlock()


def test_an_unwritable_output_directory_is_bad_input(spec_file, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SweepError, match="cannot write the sweep"):
        run_sweep(spec_file, blocker / "out", workers=1, progress=False)
    done = cli("sweep", str(spec_file), "--out", str(blocker / "out"), "--workers", "1")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "cannot write the sweep" in done.stderr and "nothing was run" in done.stderr


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_stops_the_sweep_cleanly_and_resume_finishes(sweep_specs, tmp_path):
    """No file may grow past a limit (as on a disk that fills up): first one that the
    first chunk does not fit under, then one that the manifest outgrows part-way."""
    spec_file = write_spec(
        sweep_specs, tmp_path, file="t.toml", trajectories=True, trajectory_columns=["tariff_us_cn"]
    )
    flags = ["--workers", "1", "--chunk-size", "1", "--flush-seconds", "0.001"]
    ref = tmp_path / "ref"
    assert cli("sweep", str(spec_file), "--out", str(ref), *flags).returncode == 0
    sizes = {p.relative_to(ref).as_posix(): p.stat().st_size for p in ref.rglob("*")}
    chunks = [v for k, v in sizes.items() if k.startswith("runs/part-")]
    assert len(chunks) == 24
    # full at the first chunk: nothing saved, the directory as a resume needs it
    first = min(chunks) - 256
    assert first > max(sizes["design.parquet"], sizes["spec.toml"], 6_000)
    out = tmp_path / "sweep"
    command = ["sweep", str(spec_file), "--out", str(out), *flags]
    done = cli(*command, preexec_fn=_limit_file_size(first))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "cannot write the sweep: File too large" in done.stderr
    assert "0 of 24 runs are saved" in done.stderr and "--resume" in done.stderr
    assert load_results(out).empty
    assert not list(out.rglob("*.tmp"))
    # full part-way: the manifest, which lists every chunk, outgrows what chunks fit in
    later = max(v for k, v in sizes.items() if k != "manifest.json") + 256
    assert sizes["manifest.json"] > later + 512  # outgrown a few chunks before the end
    done = cli(*command, "--resume", preexec_fn=_limit_file_size(later))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "runs are saved" in done.stderr
    saved = load_results(out)  # what is on disk is whole
    assert 0 < len(saved) < 24
    assert not list(out.rglob("*.tmp"))
    summary = run_sweep(spec_file, out, resume=True, workers=1, progress=False)
    assert summary.status == "complete" and summary.ran == 24 - len(saved)
    pd.testing.assert_frame_equal(load_results(out), load_results(ref))


def test_too_many_workers_are_refused(spec_file, tmp_path):
    with pytest.raises(SweepError, match=f"--workers: must be from 1 to {max_workers()}"):
        run_sweep(spec_file, tmp_path / "out", workers=10_000, progress=False)
    done = cli("sweep", str(spec_file), "--out", str(tmp_path / "out"), "--workers", "10000")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"must be from 1 to {max_workers()}" in done.stderr
    assert not (tmp_path / "out").exists()

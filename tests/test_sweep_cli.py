"""The ``sweep`` and ``analyze`` commands: ``register`` adds them to any argparse parser;
bad input gets exit code 2 and a clear message without a traceback; a real sweep and its
analysis run end to end from the command line; the progress bar is quiet off a terminal."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from negotiation_sim.cli.common import max_workers
from negotiation_sim.cli.sweep import cmd_analyze, cmd_sweep, register
from negotiation_sim.sweep.__main__ import main
from negotiation_sim.sweep.progress import Progress

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
RUN = {"name": "cli", "samples": 8, "rounds": 3, "seed": 1}


@pytest.fixture
def write(sweep_specs):
    """Writes the small sweep of these tests (noise up to ``high``) into a folder."""

    def write(folder: Path, high: float = 0.2, name: str = "spec.toml") -> Path:
        params = [sweep_specs.elasticity, {**sweep_specs.noise, "range": [0.0, high]}]
        return sweep_specs.write(folder, params, file=name, **RUN)

    return write


def run(argv, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, err: str, *expected: str) -> None:
    assert code == 2
    assert err.startswith("negotiation-sim: error:") or err.startswith("usage:"), err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, (text, err)


def test_register_adds_sweep_and_analyze_to_any_parser():
    parser = argparse.ArgumentParser(prog="negotiation-sim")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(
        ["sweep", "s.toml", "--out", "d", "--workers", "3", "--resume", "--chunk-size", "7"]
    )
    assert args.func is cmd_sweep
    assert (args.spec, args.out, args.workers, args.resume, args.chunk_size) == (
        Path("s.toml"),
        Path("d"),
        3,
        True,
        7,
    )
    assert args.scheduler is None and args.flush_seconds == 10.0
    args = parser.parse_args(["analyze", "d", "--heatmap", "a", "b", "--target", "deal"])
    assert args.func is cmd_analyze and args.heatmap == ["a", "b"] and args.targets == ["deal"]


def test_a_bad_spec_exits_2_with_every_problem_and_writes_nothing(write, tmp_path, capsys):
    spec = write(tmp_path, high=1.5)
    code, _, err = run(["sweep", spec, "--out", tmp_path / "out"], capsys)
    assert_bad_input(
        code,
        err,
        "parameters[1].range[1]: out of range for negotiation.implementation_noise: got 1.5",
        "allowed: a finite number >= 0 and <= 1",
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["sweep", "{tmp}/missing.toml", "--out", "{tmp}/o"], ["no such sweep file"]),
        (["sweep", "{spec}"], ["--out DIR is required"]),
        (["sweep", "{spec}", "--out", "{tmp}/o", "--workers", "0"], ["must be from 1 to"]),
        (
            ["sweep", "{spec}", "--out", "{tmp}/o", "--workers", "10000"],
            [f"must be from 1 to {max_workers()} (4 per core on this machine), got 10,000"],
        ),
        (["sweep", "{spec}", "--out", "{tmp}/o", "--chunk-size", "10001"], ["must be from 1"]),
        (["analyze", "{tmp}", "--bins", "101"], ["must be from 1 to 100"]),
        (
            ["sweep", "{spec}", "--out", "{tmp}/o", "--workers", "2", "--scheduler", "tcp://x:1"],
            ["--workers is for local runs"],
        ),
        (["sweep", "{spec}", "--out", "{tmp}/o", "--resume"], ["no such directory to resume"]),
        (["analyze", "{tmp}/nowhere"], ["no such directory"]),
        (["analyze", "{tmp}"], ["no sweep here (manifest.json not found)"]),
        (["sweep", "{spec}", "--out", "{tmp}/o", "--flush-seconds", "-1"], ["more than 0"]),
        (["sweep", "{spec}", "--out", "{tmp}/o", "--flush-seconds", "inf"], ["at most 86400"]),
    ],
)
def test_bad_input_exits_2(argv, expected, write, tmp_path, capsys):
    spec = write(tmp_path)
    argv = [a.format(tmp=tmp_path, spec=spec) for a in argv]
    code, _, err = run(argv, capsys)
    assert_bad_input(code, err, *expected)


def test_dry_run_prints_the_plan(write, tmp_path, capsys):
    code, out, err = run(["sweep", write(tmp_path), "--dry-run"], capsys)
    assert code == 0 and not err
    assert "latin_hypercube, 8 points x 1 replicates = 8 runs" in out
    assert "negotiation.implementation_noise: uniform [0, 0.2]" in out


def test_sweep_resume_and_analyze_in_process(write, tmp_path, capsys):
    spec = write(tmp_path)
    out_dir = tmp_path / "o"
    code, out, err = run(["sweep", spec, "--out", out_dir, "--workers", "1"], capsys)
    assert code == 0, err
    assert "Sweep complete: 8 of 8 runs" in out
    code, _, err = run(["sweep", spec, "--out", out_dir, "--workers", "1"], capsys)
    assert_bad_input(code, err, "already holds a sweep; finish it with --resume")
    other = write(tmp_path, high=0.3, name="other.toml")
    code, _, err = run(["sweep", other, "--out", out_dir, "--resume"], capsys)
    assert_bad_input(code, err, "cannot resume", "changed: parameters")
    code, out, _ = run(["sweep", spec, "--out", out_dir, "--resume", "-q"], capsys)
    assert code == 0 and out == ""
    code, _, err = run(["analyze", out_dir, "--heatmap", "economy.elasticity", "x"], capsys)
    assert_bad_input(code, err, "--heatmap x: unknown parameter")
    code, out, err = run(["analyze", out_dir, "--no-plots"], capsys)
    assert code == 0, err
    assert "Outcomes (share of finished runs, 95% Wilson interval)" in out
    assert (out_dir / "report" / "probabilities.csv").is_file()
    assert not (out_dir / "report" / "index.html").exists()


def command() -> list[str]:
    """The real command line."""
    return [sys.executable, "-m", "negotiation_sim"]


def test_the_real_command_line_end_to_end(write, tmp_path):
    spec = write(tmp_path)
    out_dir = tmp_path / "o"
    swept = subprocess.run(
        [*command(), "sweep", str(spec), "--out", str(out_dir), "--workers", "2"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert swept.returncode == 0, swept.stderr
    assert "Sweep complete: 8 of 8 runs" in swept.stdout
    assert "\r" not in swept.stderr  # no progress bar off a terminal
    analysed = subprocess.run(
        [*command(), "analyze", str(out_dir)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert analysed.returncode == 0, analysed.stderr
    assert "Report:" in analysed.stdout
    assert (out_dir / "report" / "index.html").is_file()


def test_the_hook_in_negotiation_sim_cli():
    from negotiation_sim import cli

    parser = cli.build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"sweep", "analyze"} <= set(subs[0].choices)
    done = subprocess.run(
        [sys.executable, "-m", "negotiation_sim", "sweep", "--help"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert done.returncode == 0 and "--scheduler ADDRESS" in done.stdout


def test_a_shipped_sweep_spec_runs_by_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # found as package data, not relative to the checkout
    code, out, err = run(["sweep", "strategies_grid", "--dry-run"], capsys)
    assert code == 0, err
    assert "Sweep:      strategies_grid (" in out
    assert "grid, 32 points x 8 replicates = 256 runs" in out


def test_text_from_the_spec_cannot_reach_the_terminal_as_escape_codes(write, tmp_path, capsys):
    spec = write(tmp_path)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace('name = "cli"', 'name = "\\u001b[2Jcli"'), encoding="utf-8")
    code, out, err = run(["sweep", spec, "--dry-run"], capsys)
    # refused by the spec's schema, and the name is shown escaped, never raw
    assert code == 2, err
    assert "\x1b" not in out + err and "\\x1b[2Jcli" in err


def test_progress_bar_shows_rate_and_time_left_only_on_a_terminal():
    stream = io.StringIO()
    bar = Progress(100, 10, enabled=True, stream=stream, interval=0)
    bar.started -= 2.0  # two seconds ago
    bar.update(30, errors=1)
    bar.close()
    text = stream.getvalue()
    assert "30/100" in text and "30.0%" in text and "runs/s" in text and "left 00:0" in text
    assert "errors 1" in text and text.startswith("\r") and text.endswith("\n")
    quiet = io.StringIO()  # not a terminal
    bar = Progress(100, enabled=None, stream=quiet)
    bar.update(50, force=True)
    bar.close()
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    ("blocked", "reason"),
    [
        ("index.html", "Is a directory"),  # the HTML page
        ("outcomes.png", "Is a directory"),  # a plot
        (".", "File exists"),  # the report directory itself is a file (report / "." is report)
    ],
)
def test_a_report_that_cannot_be_written_exits_2_naming_the_path(
    blocked, reason, write, tmp_path, capsys
):
    out_dir = tmp_path / "o"
    code, _, err = run(["sweep", write(tmp_path), "--out", out_dir, "--workers", "1", "-q"], capsys)
    assert code == 0, err
    report = tmp_path / "report"
    target = report / blocked
    if blocked == ".":
        report.write_text("a file, not a folder", encoding="utf-8")
    else:
        target.mkdir(parents=True)  # a folder where the file must go
    code, out, err = run(["analyze", out_dir, "--report", report], capsys)
    assert_bad_input(code, err, f"{target}: cannot write the report: {reason}")
    assert out == ""

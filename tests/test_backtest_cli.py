"""``negotiation-sim backtest`` and ``calibrate`` end to end, through the real console
script, on a tiny episode (``tests/data/tiny_episode.toml``: ten rounds of the US–Mexico
scenario); the simulated statistics are checked against runs made here directly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim.backtest.episode import load_episode
from negotiation_sim.backtest.simulate import backtest
from negotiation_sim.backtest.targets import struck_kind
from negotiation_sim.run import run_simulation
from negotiation_sim.runs.seeds import derive_seed

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_episode.toml"
SCRIPT = Path(sys.executable).parent / "negotiation-sim"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def cli(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *map(str, argv)], capture_output=True, text=True, env=ENV, timeout=600
    )


def expected(episode, runs: int, seed: int) -> dict[str, float]:
    """The tiny episode's statistics computed here, run by run, from the trajectories."""
    frames = [
        run_simulation(episode.scenario, derive_seed(seed, i), stage_game=False).trajectory
        for i in range(runs)
    ]
    struck = [[struck_kind(n, d) for n, d in zip(f.deal_news, f.deal, strict=True)] for f in frames]
    by_id = {t.id: t for t in episode.targets}
    t = by_id["level_june"]
    out = {t.id: float(np.median([f.tariff_us_mx.iloc[t.round - 1] for f in frames]))}
    for tid in ("agreement_early", "no_agreement_late"):
        t = by_id[tid]
        hits = [any(k in t.kinds for k in s[t.first - 1 : t.last]) for s in struck]
        out[tid] = sum(hits) / runs
    t = by_id["mexico_low"]
    low = [f.tariff_mx_us.iloc[t.first - 1 : t.last].max() <= t.value for f in frames]
    out[t.id] = sum(low) / runs
    t = by_id["deal_in_july"]
    out[t.id] = sum(f.outcome.iloc[t.round - 1] in t.outcomes for f in frames) / runs
    return out


def test_backtest_json_matches_the_runs():
    done = cli("backtest", TINY, "--json", "--runs", "5", "--seed", "11")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (ep,) = report["episodes"]
    assert (ep["episode"], ep["runs"], ep["seed"], ep["rounds"]) == ("tiny_episode", 5, 11, 10)
    want = expected(load_episode(TINY), 5, 11)
    got = {t["id"]: t["simulated"] for t in ep["targets"]}
    assert got == pytest.approx(want)
    passed = sum(t["passed"] for t in ep["targets"])
    assert ep["score"]["passed"] == passed == report["score"]["passed"]
    assert ep["score"]["total"] == 5
    distances = [t["distance"] for t in ep["targets"]]
    assert ep["score"]["distance"] == pytest.approx(np.mean(distances), abs=1e-6)
    for t in ep["targets"]:
        assert (t["distance"] == 0) == t["passed"]
        assert 0 <= t["distance"] <= 1


def test_backtest_text_names_every_target():
    done = cli("backtest", TINY)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    ep = load_episode(TINY)
    assert ep.name in text and "6 runs, seed 7" in text
    for target in ep.targets:
        assert f"{target.id} ({target.kind})" in text
    assert text.count("PASS") + text.count("FAIL") == len(ep.targets)
    assert "Score: " in text and "targets passed" in text


def test_the_record_does_not_depend_on_workers():
    episode = load_episode(TINY)
    one = backtest(episode, runs=4, workers=1)
    two = backtest(episode, runs=4, workers=2)
    for column, values in one.record.values.items():
        np.testing.assert_array_equal(values, two.record.values[column])
    assert (one.record.agreement == two.record.agreement).all()
    assert (one.record.outcome == two.record.outcome).all()
    assert one.score.to_dict() == two.score.to_dict()


def test_a_bad_episode_exits_2_with_every_problem_and_no_traceback():
    done = cli("backtest", TINY, DATA / "bad_episode.toml", "does_not_exist")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "7 problems" in done.stderr
    for field in (
        "episode.colour",
        "observed[1].date",
        "observed[0].column",
        "observed[1].source",
        "targets[0].date",
        "targets[1].kind",
    ):
        assert f"bad_episode.toml: {field}: " in done.stderr
    assert "does_not_exist: no such episode file" in done.stderr


def test_bad_options_exit_2():
    for argv in (["backtest", TINY, "--runs", "0"], ["backtest"], ["calibrate", "x"]):
        done = cli(*argv)
        assert done.returncode == 2 and "Traceback" not in done.stderr, argv


def test_calibrate_end_to_end(tmp_path):
    out = tmp_path / "fit"
    spec = DATA / "tiny_calibration.toml"
    done = cli("calibrate", spec, "--out", out, "--final-runs", "3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [g["t"] for g in result["generations"]] == [0, 1][: len(result["generations"])]
    assert result["generations"][0]["epsilon"] == 1.0  # the first generation is the prior
    (row,) = result["posterior"]
    assert row["parameter"] == "negotiation.perception_noise"
    assert 0.0 <= row["q05"] <= row["q50"] <= row["q95"] <= 0.3
    assert result["point"] == {"negotiation.perception_noise": pytest.approx(row["mean"])}
    assert set(result["scores"]) == {"fitted", "holdout"}
    roles = {e["episode"]: e["role"] for e in result["episodes"]}
    assert roles == {"tiny_episode": "fitted", "tiny_holdout": "holdout"}
    # "before" is the plain back-test of the episode with the same runs
    before = backtest(load_episode(TINY), runs=3).score.to_dict()
    assert result["episodes"][0]["before"] == before
    for name in ("history.db", "posterior.csv", "calibration.json"):
        assert (out / name).is_file()
    (plot,) = result["plots"]
    assert Path(plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with sqlite3.connect(out / "history.db") as db:
        populations = db.execute("select count(*) from populations where t >= 0").fetchone()[0]
    assert populations == len(result["generations"])
    assert json.loads((out / "calibration.json").read_text())["posterior"] == result["posterior"]


def test_a_bad_calibration_spec_exits_2(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text(
        """
[calibration]
name = "bad"
episodes = ["nowhere"]
runs = 0

[[parameters]]
path = "economy.colour"
range = [1.0, 0.5]
""",
        encoding="utf-8",
    )
    done = cli("calibrate", spec, "--out", tmp_path / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    for text in (
        "calibration.runs: out of range",
        "parameters[0].path",
        "parameters[0].range",
        "calibration.episodes[0]: nowhere: no such episode file",
    ):
        assert text in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_validate_checks_episodes_and_calibration_specs():
    done = cli("validate", "us_china_2018", "china_mexico", TINY, DATA / "bad_episode.toml")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "OK  us_china_2018 (back-test episode)" in done.stdout
    assert "OK  china_mexico (calibration spec)" in done.stdout
    assert f"OK  {TINY} (back-test episode)" in done.stdout
    assert "bad_episode.toml: targets[1].kind: unknown kind" in done.stderr
    assert "1 of 4 files invalid" in done.stderr


def test_a_dask_cluster_gives_the_same_record():
    distributed = pytest.importorskip("distributed")
    episode = load_episode(TINY)
    here = backtest(episode, runs=4)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        there = backtest(episode, runs=4, scheduler=cluster.scheduler_address)
    for column, values in here.record.values.items():
        np.testing.assert_array_equal(values, there.record.values[column])
    assert (here.record.agreement == there.record.agreement).all()
    assert here.score.to_dict() == there.score.to_dict()


def test_an_unreachable_scheduler_exits_2():
    done = cli("backtest", TINY, "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "127.0.0.1:9" in done.stderr

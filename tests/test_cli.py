"""Tests for the ``negotiation-sim`` command line, run as the real console script.

Every command starts a fresh interpreter (~2 s of imports), so the commands are few and
named in ``COMMANDS``; the ``results`` fixture starts them all at once in a thread pool
(run serially) or each on first use (under pytest-xdist, whose workers share the load).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "negotiation-sim"
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
DEFAULT = "us_china_2025"
OUTCOMES = {"ongoing", "truce", "deal", "trade_war", "stalemate"}
SUMMARY_KEYS = {"scenario", "seed", "rounds", "outcome", "outcome_round", "peak_tariffs", "welfare"}
ESCALATE_BOTH = [
    "--set",
    "governments.us.strategy=AlwaysEscalate",
    "--set",
    "governments.cn.strategy=AlwaysEscalate",
]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}

# A small valid scenario (two countries, one firm group each, one summit). Its broken copy
# applies the edits of PLANTED; BAD_FIELDS says what validate must report for each.
MINIMAL = """\
[scenario]
name = "Minimal CLI test scenario"
start_date = 2025-01-06
rounds = 10
parties = ["aa", "bb"]

[economy]
elasticity = 2.0
pass_through = 1.0
reroute_cost = 10.0
rare_earth_cut = [0.0, 0.3, 0.6, 0.9]
chip_cut = [0.0, 0.2, 0.5, 0.8]
substitution_weeks = 100.0

[outcomes]
trade_war_escalation = 0.6

[negotiation]
truce_rounds = 4

[governments.aa]
name = "Country A"
strategy = "TitForTat"
instruments = ["tariff"]
tariffs = { bb = 10.0 }

[governments.bb]
name = "Country B"
strategy = "TitForTat"
instruments = ["tariff", "rare_earth"]
tariffs = { aa = 10.0 }

[firms.aa_makers]
country = "aa"
sector = "machinery"
partner = "bb"
count = 5
revenue = 50.0
margin = 0.1
exports = 5.0
rare_earth_dependence = 0.5
stockpile_weeks = 4.0

[firms.bb_makers]
country = "bb"
sector = "machinery"
partner = "aa"
count = 5
revenue = 50.0
margin = 0.1
exports = 5.0

[[calendar]]
date = 2025-01-20
type = "summit"
label = "Test summit"
"""
PLANTED = [  # (text, replacement)
    ("tariffs = { bb = 10.0 }", "tariffs = { bb = -5.0 }"),
    ("substitution_weeks = 100.0", "substitution_weeks = 100.0\nbogus_key = 1"),
    ("truce_rounds = 4", "truce_rounds = 4\nperception_noise = 1.5"),
    ("stockpile_weeks = 4.0", "stockpile_weeks = nan"),
]
BAD_FIELDS = {  # field path: (what is wrong, bad value shown, text of what is allowed)
    "governments.aa.tariffs.bb": ("out of range", "-5.0", ">= 0"),
    "economy.bogus_key": ("unknown key", "1", "one of the keys elasticity"),
    "negotiation.perception_noise": ("out of range", "1.5", "<= 1"),
    "firms.aa_makers.stockpile_weeks": ("not finite", "nan", "a finite number"),
}


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # shown when an assertion on a result fails
        return (
            f"$ {' '.join(self.args)}\n(exit {self.returncode})\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )

    def json(self):
        return json.loads(self.stdout)


def invoke(cwd: Path, *args: str, prog: tuple[str, ...]) -> Result:
    proc = subprocess.run(
        [*prog, *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    return Result((*prog, *args), proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Working directory of every command (not the repository: scenario names must
    resolve from anywhere), holding the scenario files the tests write."""
    work = tmp_path_factory.mktemp("cli")
    (work / "minimal.toml").write_text(MINIMAL, encoding="utf-8")
    bad = MINIMAL
    for old, new in PLANTED:
        assert old in bad
        bad = bad.replace(old, new, 1)
    (work / "bad.toml").write_text(bad, encoding="utf-8")
    (work / "broken.toml").write_text("[scenario\nname = 1\n", encoding="utf-8")
    return work


COMMANDS: dict[str, list[str]] = {
    "module_help": ["--help"],  # run as python -m negotiation_sim
    "run": ["run", str(ROOT / "scenarios" / f"{DEFAULT}.toml")],
    # the same seed twice, writing the trajectory in two formats: stdout must not change
    "json_a": ["run", DEFAULT, "--rounds", "8", "--seed", "7", "--json", "--out", "out_csv"],
    "json_b": [
        *("run", DEFAULT, "--rounds", "8", "--seed", "7", "--json"),
        *("--out", "out_json", "--format", "json"),
    ],
    "war": [
        *("run", DEFAULT, "--rounds", "8", *ESCALATE_BOTH, "--json"),
        *("--out", "out/parquet", "--format", "parquet"),
    ],
    "validate_shipped": ["validate", *map(str, SHIPPED)],
    "validate_mixed": ["validate", "minimal.toml", "bad.toml", "broken.toml", "missing.toml"],
    "set_abc": ["run", DEFAULT, "--rounds", "8", "--set", "economy.elasticity=abc"],
    "set_nosuch": ["run", DEFAULT, "--rounds", "8", "--set", "nosuch.path=1"],
    "set_strategy": ["run", DEFAULT, "--set", "governments.us.strategy=NoSuchStrategy"],
    "set_human": ["run", DEFAULT, "--set", "governments.cn.strategy=Human"],
    "unknown_scenario": ["describe", "no_such_scenario"],
    "rounds_zero": ["run", DEFAULT, "--rounds", "0"],
    "list": ["list"],
    "list_json": ["list", "--json"],
    "describe": ["describe", DEFAULT],
    "schema": ["schema"],
    "ensemble": [
        *("ensemble", DEFAULT, "--runs", "6", "--rounds", "6", "--workers", "1", "--json"),
        *("--set", "governments.us.strategy=Random", "--out", "ens"),
    ],
    "ensemble_text": ["ensemble", DEFAULT, "--runs", "4", "--rounds", "4", "--workers", "1"],
}


class Results:
    """``results[name]``: the ``Result`` of ``COMMANDS[name]``, started on first use or
    all at once by ``start_all``."""

    def __init__(self, work: Path, pool: ThreadPoolExecutor) -> None:
        self.work, self.pool = work, pool
        self.futures: dict[str, Future[Result]] = {}

    def start(self, name: str) -> Future[Result]:
        if name not in self.futures:
            prog = (sys.executable, "-m", "negotiation_sim") if name == "module_help" else None
            args = COMMANDS[name]
            self.futures[name] = self.pool.submit(
                invoke, self.work, *args, prog=prog or (str(SCRIPT),)
            )
        return self.futures[name]

    def start_all(self) -> None:
        for name in COMMANDS:
            self.start(name)

    def __getitem__(self, name: str) -> Result:
        return self.start(name).result()


@pytest.fixture(scope="module")
def results(work: Path) -> Iterator[Results]:
    jobs = max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        found = Results(work, pool)
        if "PYTEST_XDIST_WORKER" not in os.environ:
            found.start_all()
        yield found


def scenario_toml(name: str = DEFAULT) -> dict:
    return tomllib.loads((ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8"))


def assert_bad_input(result: Result, *expected: str) -> None:
    """Exit 2, the expected texts on stderr, and no traceback."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result
    for text in expected:
        assert text in result.stderr, result


# ---------------------------------------------------------------------------- run
def test_console_script_exists() -> None:
    assert SCRIPT.exists(), f"console script not installed at {SCRIPT}"


def test_python_m_help(results: Results) -> None:
    result = results["module_help"]
    assert result.returncode == 0, result
    for command in ("run", "validate", "list", "describe", "schema"):
        assert command in result.stdout


def test_run_prints_readable_summary(results: Results) -> None:
    result = results["run"]  # the scenario given as a path
    assert result.returncode == 0, result
    out = result.stdout
    meta = scenario_toml()["scenario"]
    assert meta["name"] in out
    assert re.search(r"Seed:\s+0\b", out)
    match = re.search(r"Outcome:\s+(\w+) \(reached in round (\d+), (\d{4}-\d\d-\d\d)\)", out)
    assert match, result
    outcome, outcome_round, date = match[1], int(match[2]), match[3]
    assert outcome in OUTCOMES
    assert 1 <= outcome_round <= meta["rounds"]
    expected = meta["start_date"] + dt.timedelta(days=(outcome_round - 1) * meta["round_days"])
    assert date == expected.isoformat()
    for text in ("Tariffs (%)", "peak", "final", "us on cn", "cn on us", "Export controls"):
        assert text in out
    assert "Cumulative welfare ($bn)" in out
    assert re.search(r"Deals:\s+\d+ struck, \d+ broken", out)


def test_run_json_has_summary_keys_in_range(results: Results) -> None:
    result = results["json_a"]
    assert result.returncode == 0, result
    summary = result.json()
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["scenario"] == DEFAULT
    assert summary["seed"] == 7
    assert summary["rounds"] == 8
    assert summary["outcome"] in OUTCOMES
    assert 1 <= summary["outcome_round"] <= 8
    max_tariff = scenario_toml()["economy"]["max_tariff"]
    assert set(summary["peak_tariffs"]) == {"us_on_cn", "cn_on_us"}
    for value in summary["peak_tariffs"].values():
        assert 0.0 <= value <= max_tariff
    assert {"us", "cn"} <= summary["welfare"].keys()
    assert all(math.isfinite(v) for v in summary["welfare"].values())
    for key in ("final_tariffs", "final_controls", "deals_struck", "deals_broken"):
        assert key in summary  # run_simulation's summary keys are all kept


def test_same_seed_gives_identical_json(results: Results) -> None:
    a, b = results["json_a"], results["json_b"]
    assert a.returncode == b.returncode == 0, (a, b)
    assert a.stdout == b.stdout


def test_both_always_escalate_is_trade_war(results: Results) -> None:
    result = results["war"]
    assert result.returncode == 0, result
    summary = result.json()
    assert summary["outcome"] == "trade_war"
    assert summary["peak_tariffs"]["us_on_cn"] > 100.0
    assert any("AlwaysEscalate" in item for item in summary["overrides"])


@pytest.mark.parametrize(
    ("name", "folder", "file"),
    [
        ("json_a", "out_csv", "trajectory.csv"),
        ("json_b", "out_json", "trajectory.json"),
        ("war", "out/parquet", "trajectory.parquet"),
    ],
)
def test_run_out_writes_trajectory_and_summary(
    results: Results, work: Path, name: str, folder: str, file: str
) -> None:
    result = results[name]
    assert result.returncode == 0, result
    path = work / folder / file
    assert path.is_file(), result
    if file.endswith(".csv"):
        frame = pd.read_csv(path)
    elif file.endswith(".parquet"):
        frame = pd.read_parquet(path)
    else:
        frame = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    assert len(frame) == 8
    assert list(frame["round"]) == list(range(1, 9))
    summary = json.loads((work / folder / "summary.json").read_text(encoding="utf-8"))
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["rounds"] == 8
    assert frame["outcome"].iloc[-1] == summary["outcome"]
    assert result.json() == summary  # stdout stays pure JSON: file notices go to stderr


# ---------------------------------------------------------------------------- validate
def test_validate_every_shipped_scenario(results: Results) -> None:
    assert any(p.stem == DEFAULT for p in SHIPPED)
    result = results["validate_shipped"]
    assert result.returncode == 0, result
    for path in SHIPPED:
        assert f"OK  {path}" in result.stdout


def test_validate_reports_every_error_of_every_file(results: Results) -> None:
    result = results["validate_mixed"]
    assert_bad_input(result)
    assert "OK  minimal.toml" in result.stdout
    assert "bad.toml" not in result.stdout
    problems = [line for line in result.stderr.splitlines() if line.startswith("bad.toml: ")]
    assert len(problems) == len(BAD_FIELDS), result  # all errors of the file, together
    for path, (what, value, allowed) in BAD_FIELDS.items():
        line = next((p for p in problems if f": {path}: " in p), None)
        assert line is not None, f"no error for {path}\n{result}"
        assert what in line
        assert f"got {value};" in line
        assert allowed in line.split("allowed: ", 1)[1]
    assert "broken.toml: not valid TOML" in result.stderr
    assert "missing.toml: no such scenario file" in result.stderr
    assert "3 of 4 files invalid" in result.stderr


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("set_abc", ["economy.elasticity", "'abc'", "allowed: a finite number"]),
        ("set_nosuch", ["nosuch.path", "unknown override path"]),
        ("set_strategy", ["governments.us.strategy", "NoSuchStrategy", "AlwaysEscalate"]),
        ("set_human", ["Human", "fallback"]),
        ("unknown_scenario", ["no_such_scenario", "no such scenario file", DEFAULT]),
        ("rounds_zero", ["usage:", "--rounds"]),
    ],
)
def test_bad_input_exits_2_without_traceback(
    results: Results, name: str, expected: list[str]
) -> None:
    result = results[name]
    assert_bad_input(result, *expected)
    assert result.stdout == ""


# ---------------------------------------------------------------------------- list
def test_list_shows_scenarios_and_strategies(results: Results) -> None:
    result = results["list"]
    assert result.returncode == 0, result
    for path in SHIPPED:
        assert re.search(rf"^\s+{re.escape(path.stem)}\s", result.stdout, re.M), path.stem
    assert scenario_toml()["scenario"]["name"] in result.stdout
    strategies = re.findall(r"^  (\w+)  \[(?:deterministic|stochastic)", result.stdout, re.M)
    assert len(strategies) >= 12
    assert {"TitForTat", "AlwaysEscalate", "DeadlineBrinkmanship"} <= set(strategies)
    assert "window = 1 (range 0 to 52, whole number)" in result.stdout


def test_list_json(results: Results) -> None:
    result = results["list_json"]
    assert result.returncode == 0, result
    data = result.json()
    names = [s["name"] for s in data["scenarios"]]
    assert {p.stem for p in SHIPPED} <= set(names)
    titles = {s["name"]: s["title"] for s in data["scenarios"]}
    assert titles[DEFAULT] == scenario_toml()["scenario"]["name"]
    assert len(data["strategies"]) >= 12
    for strategy in data["strategies"]:
        assert {"name", "classifier", "params", "description"} <= strategy.keys()
        assert strategy["description"]
        assert "stochastic" in strategy["classifier"]
        for param in strategy["params"].values():
            assert param["low"] <= param["default"] <= param["high"]


# ---------------------------------------------------------------------------- describe
def test_describe_shows_calendar_and_parties(results: Results) -> None:
    result = results["describe"]
    assert result.returncode == 0, result
    data = scenario_toml()
    out = result.stdout
    assert data["scenario"]["name"] in out
    assert data["scenario"]["start_date"].isoformat() in out
    for event in data["calendar"]:
        assert event["label"] in out
    for gov in data["governments"].values():
        assert gov["name"] in out
    for group in data["firms"]:
        assert group in out
    for section in ("Governments", "Firm groups", "Calendar", "Economy"):
        assert re.search(rf"^{section}\b", out, re.M)
    assert re.search(r"^\s+elasticity\s+\S+", out, re.M)
    first = data["calendar"][0]["label"]
    assert re.search(r"\bround \d+\s+\w+\s+" + re.escape(first), out)


# ---------------------------------------------------------------------------- schema
def test_schema_is_json_schema(results: Results) -> None:
    result = results["schema"]
    assert result.returncode == 0, result
    schema = result.json()
    assert "properties" in schema
    assert {"scenario", "economy", "governments"} <= schema["properties"].keys()


def test_ensemble_reports_probabilities_that_add_up(results: Results, work: Path) -> None:
    result = results["ensemble"]
    assert result.returncode == 0, result
    report = result.json()
    assert report["runs"] == 6
    probabilities = {row["outcome"]: row["probability"] for row in report["outcomes"]}
    assert set(probabilities) == set(OUTCOMES)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    for row in report["outcomes"]:
        assert row["ci_low"] <= row["probability"] <= row["ci_high"]
    rows = (work / "ens" / "summaries.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 7  # header + 6 runs
    text = results["ensemble_text"]
    assert text.returncode == 0, text
    assert "95% interval" in text.stdout and "runs/s" in text.stdout

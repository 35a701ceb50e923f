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
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
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
SESSION = """\
[session]
name = "CLI test session"
scenario = "us_china_2025"
mode = "computer"
rounds = 5
"""
SWEEP = """\
[sweep]
scenario = "us_china_2025"
design = "latin_hypercube"
samples = 4
rounds = 3

[[parameters]]
path = "economy.elasticity"
range = [1.0, 5.0]
"""
SESSIONS = sorted((ROOT / "scenarios" / "sessions").glob("*.toml"))
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))


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
    evil = MINIMAL.replace(
        'name = "Minimal CLI test scenario"', 'name = "Evil \\u001b[31mred\\u001b[0m \\u202e"'
    ).replace("substitution_weeks = 100.0", 'substitution_weeks = 100.0\n"\\u001b[2J" = 1')
    (work / "evil.toml").write_text(evil, encoding="utf-8")
    (work / "evil_ok.toml").write_text(evil.replace('"\\u001b[2J" = 1', ""), encoding="utf-8")
    (work / "session.toml").write_text(SESSION, encoding="utf-8")
    (work / "bad_session.toml").write_text(
        SESSION.replace('mode = "computer"', 'mode = "solo"'), encoding="utf-8"
    )
    (work / "sweep.toml").write_text(SWEEP, encoding="utf-8")
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
    "ensemble_help": ["ensemble", "--help"],
    "ensemble_human": [
        *("ensemble", DEFAULT, "--runs", "2", "--rounds", "2", "--workers", "1"),
        *("--set", "governments.cn.strategy=Human"),
    ],
    "set_unknown_field": ["run", DEFAULT, "--set", "economy.elastic=3"],
    "escapes_run": ["run", "evil_ok.toml", "--rounds", "2"],
    "escapes_describe": ["describe", "evil_ok.toml"],
    "escapes_validate": ["validate", "evil.toml"],
    "validate_kinds": [
        *("validate", *map(str, SESSIONS), *map(str, SWEEPS)),
        *("session.toml", "sweep.toml", "tariff_dilemma", "strategies_grid"),
    ],
    "validate_bad_session": ["validate", "bad_session.toml", "sweep.toml"],
    "validate_wrong_kind": [
        *("validate", "--kind", "session", "minimal.toml", "sweep.toml", "session.toml"),
    ],
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
        noise = re.compile(r"\d\.\d*(?:0{9}|9{9})\d")  # e.g. 55.00000000000001
        assert not noise.search(path.read_text(encoding="utf-8")), "float noise in the CSV"
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


# ---------------------------------------------------------------------------- issue 10 fixes
def test_ensemble_help_shows_a_plain_percent_sign(results: Results) -> None:
    result = results["ensemble_help"]
    assert result.returncode == 0, result
    assert "95% Wilson intervals" in result.stdout
    assert "%%" not in result.stdout


def test_an_unknown_set_path_is_named_with_the_fields_allowed_there(results: Results) -> None:
    result = results["set_unknown_field"]
    assert_bad_input(result, "--set economy.elastic", "no field 'elastic' in economy")
    assert "allowed there: elasticity, pass_through" in result.stderr
    assert "got 3" not in result.stderr  # the value is not the problem


def test_ensemble_with_a_human_player_is_bad_input(results: Results) -> None:
    result = results["ensemble_human"]
    assert_bad_input(result, "cn: the Human strategy needs a person", "computer strategy")
    assert "--set governments.cn.strategy=TitForTat" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["escapes_run", "escapes_describe", "escapes_validate"])
def test_escape_codes_from_files_never_reach_the_terminal(results: Results, name: str) -> None:
    result = results[name]
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\u202e" not in stream, result
    if name == "escapes_validate":
        assert_bad_input(result, "economy.\\x1b[2J: unknown key")
    else:  # the schema refuses control characters in names, shown escaped
        assert_bad_input(result, "scenario.name: control character")
        assert "Evil \\x1b[31mred\\x1b[0m \\u202e" in result.stderr


def test_validate_checks_session_configs_and_sweep_specs(results: Results) -> None:
    result = results["validate_kinds"]
    assert result.returncode == 0, result
    assert SESSIONS and SWEEPS
    for path in SESSIONS:
        assert f"OK  {path} (session config)" in result.stdout
    for path in SWEEPS:
        assert f"OK  {path} (sweep spec)" in result.stdout
    for name, kind in [
        ("session.toml", "session config"),
        ("sweep.toml", "sweep spec"),
        ("tariff_dilemma", "session config"),  # shipped files by name
        ("strategies_grid", "sweep spec"),
    ]:
        assert f"OK  {name} ({kind})" in result.stdout


def test_validate_reports_problems_of_each_kind_with_its_own_loader(results: Results) -> None:
    result = results["validate_bad_session"]
    assert_bad_input(result, "bad_session.toml: session.mode", "'solo'", "1 of 2 files invalid")
    assert "OK  sweep.toml (sweep spec)" in result.stdout


def test_validate_says_when_a_file_is_another_kind_than_asked(results: Results) -> None:
    result = results["validate_wrong_kind"]
    assert_bad_input(result, "2 of 3 files invalid")
    assert "minimal.toml: this looks like a scenario (it has [scenario], [governments], " in (
        result.stderr
    )
    assert "not a session config" in result.stderr and "--kind scenario" in result.stderr
    assert "sweep.toml: this looks like a sweep spec (it has [sweep], [parameters])" in (
        result.stderr
    )
    assert "unknown key" not in result.stderr  # one message, not every key as unknown
    assert "OK  session.toml (session config)" in result.stdout
    # the loaders' own wording (config.kinds), with the way out on the command line
    assert "not a session config; a session config has the tables [session]; check it with " in (
        result.stderr
    )


def test_validate_has_a_kind_choice_for_every_kind_of_file() -> None:
    from negotiation_sim.cli.validate import KINDS
    from negotiation_sim.config import kinds

    assert sorted(KINDS.values()) == sorted(kinds.MARKERS)


# ---------------------------------------------------------------------------- limits
def test_runs_have_their_own_limit(capsys) -> None:
    from negotiation_sim.cli import build_parser, main

    args = build_parser().parse_args(["ensemble", DEFAULT, "--runs", "50000"])
    assert args.runs == 50_000  # above the 10,000 rounds limit once reused for runs
    from negotiation_sim.cli.common import MAX_RUNS

    assert main(["ensemble", DEFAULT, "--runs", str(MAX_RUNS + 1)]) == 2
    err = capsys.readouterr().err
    assert f"--runs: must be from 1 to {MAX_RUNS:,}" in err and "sweep" in err


def test_workers_are_limited_per_core(capsys) -> None:
    from negotiation_sim.cli import build_parser, main
    from negotiation_sim.runs.execution import default_workers as cores

    limit = 4 * cores()
    assert build_parser().parse_args(["ensemble", DEFAULT, "--workers", str(limit)]).workers
    assert main(["ensemble", DEFAULT, "--workers", "10000"]) == 2
    err = capsys.readouterr().err
    assert f"--workers: must be from 1 to {limit:,} (4 per core on this machine)" in err


# ---------------------------------------------------------------------------- app, teach
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_servers_run_in_production_mode_without_telemetry(monkeypatch) -> None:
    from negotiation_sim.cli import serve

    args = serve.solara_args("negotiation_sim.app", "127.0.0.1", 8765)
    assert args[:2] == ["run", "negotiation_sim.app"]
    assert {"--production", "--no-open", "--no-check-version"} <= set(args)
    monkeypatch.delenv(serve.TELEMETRY, raising=False)
    assert serve.environment({"X": "1"}) == {"X": "1", serve.TELEMETRY: "false"}
    monkeypatch.setenv(serve.TELEMETRY, "true")  # a user's own choice stands
    assert serve.environment({})[serve.TELEMETRY] == "true"


def test_the_app_command_serves_one_page_at_the_root() -> None:
    """``solara run`` of a package makes a page of every submodule with a ``Page``:
    serving ``negotiation_sim.app`` put a second copy of the app at /page, behind a
    Home/Page tab bar. The served module gives Solara's router (the same call as
    ``solara run``) the app once, at the root."""
    import importlib

    import solara.autorouting

    from negotiation_sim.app import Page
    from negotiation_sim.cli import serve

    routes = solara.autorouting.generate_routes(importlib.import_module(serve.APP))
    assert [(r.path, r.component, r.children) for r in routes] == [("/", Page, [])]
    classroom = solara.autorouting.generate_routes(importlib.import_module(serve.CLASSROOM))
    assert [r.path for r in classroom] == ["/"]
    assert [r.path for r in classroom[0].children] == ["/", "room", "instructor"]


def test_a_busy_port_is_bad_input(capsys) -> None:
    from negotiation_sim.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        for command in ("app", "teach"):
            assert main([command, "--host", "127.0.0.1", "--port", str(port)]) == 2
            assert f"--port {port}: cannot listen there" in capsys.readouterr().err
    assert main(["teach", "--sessions-dir", "/no/such/dir"]) == 2
    assert "--sessions-dir /no/such/dir: no such directory" in capsys.readouterr().err


def test_a_classroom_database_that_cannot_be_used_is_bad_input(capsys) -> None:
    from negotiation_sim.cli import main
    from negotiation_sim.cli.serve import ENV_DATABASE_URL as CLI_ENV
    from negotiation_sim.teaching.database import ENV_DATABASE_URL

    assert CLI_ENV == ENV_DATABASE_URL
    assert main(["teach", "--database-url", "mysql://u@h/db"]) == 2
    err = capsys.readouterr().err
    assert (
        "--database-url" in err and "'mysql' is not supported; allowed: sqlite, postgresql" in err
    )
    assert main(["teach", "--database-url", "postgresql://ann:secret@127.0.0.1:1/class"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to postgresql+psycopg://ann:***@127.0.0.1:1/class" in err
    assert "secret" not in err and "Traceback" not in err


def test_teach_keeps_the_classroom_in_postgresql_when_given_a_database_url(work: Path) -> None:
    import postgres_support
    from sqlalchemy import create_engine, inspect

    with postgres_support.server() as server, postgres_support.fresh_database(server) as url:
        port = free_port()
        command = ["teach", "--port", str(port), "--database-url", url]
        page = serve_once(command, work, f"http://127.0.0.1:{port}/")
        assert "solara.production = true" in page
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            tables = set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
        assert {"rooms", "players", "events", "games", "classes"} <= tables


def serve_once(command: list[str], cwd: Path, url: str) -> str:
    """Start a server command, return the page at ``url``, stop the server (by pid)."""
    proc = subprocess.Popen(
        [str(SCRIPT), *command],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, f"{url} did not answer"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_app_and_teach_serve_from_any_folder(work: Path) -> None:
    port = free_port()
    page = serve_once(["app", "--port", str(port)], work, f"http://127.0.0.1:{port}/")
    assert "solara.production = true" in page
    sessions = work / "sessions"
    sessions.mkdir(exist_ok=True)
    (sessions / "extra.toml").write_text(SESSION, encoding="utf-8")
    port = free_port()
    command = ["teach", "--port", str(port), "--sessions-dir", str(sessions)]
    command += ["--data-dir", str(work / "games")]
    page = serve_once(command, work, f"http://127.0.0.1:{port}/instructor")
    assert "solara.production = true" in page


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--runs", "9" * 5000], "--runs: must be from 1 to 100,000, got a 5,000-digit number"),
        (["--seed", "x" * 500], "--seed: expected a whole number, got 'xxxxxxxxxx"),
        (["--seed", "-1"], "--seed: must be from 0 to"),
    ],
)
def test_bad_numbers_get_short_clear_messages(argv: list[str], expected: str, capsys) -> None:
    from negotiation_sim.cli import main

    assert main(["ensemble", DEFAULT, *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err) < 2000 and "Traceback" not in err


def test_ensemble_says_when_every_seed_is_the_same_negotiation(work: Path) -> None:
    """As the app's page does: with deterministic strategies, fixed resolve and no noise
    the shares measure the firm draw, not uncertainty, and the command says so."""
    fixed = []
    for gid in ("us", "cn"):
        for key, value in (("cost_tolerance", 5.0), ("audience_sensitivity", 1.0),
                           ("grievance", 0.0)):  # fmt: skip
            fixed += ["--set", f"governments.{gid}.resolve.{key}=[{value}, {value}]"]
    args = ["ensemble", "us_china_2025", "--runs", "3", "--workers", "1"]
    same = invoke(work, *args, *fixed, prog=(str(SCRIPT),))
    assert same.returncode == 0, same.stderr
    assert "Note: Nothing in the negotiation is left to chance" in same.stdout
    drawn = invoke(work, *args, prog=(str(SCRIPT),))
    assert drawn.returncode == 0 and "Note:" not in drawn.stdout
    as_json = invoke(work, *args, *fixed, "--json", prog=(str(SCRIPT),)).json()
    assert as_json["note"].startswith("Nothing in the negotiation")

"""The ``negotiation-sim`` command line: run, validate, list, describe and schema.

Exit codes: 0 on success, 2 on bad input (unknown scenario, invalid file, bad ``--set``,
bad option values or usage), with the reason on stderr and no traceback. Anything else
that goes wrong is a bug and surfaces with its traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import textwrap
import tomllib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from negotiation_sim.game.calendar import event_round

PROG = "negotiation-sim"
EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_ROUNDS = 10_000  # the scenario schema's upper bound on scenario.rounds
FORMATS = ("csv", "parquet", "json")
WIDTH = 100


class CliError(Exception):
    """Bad input found by the command line itself; ``messages`` go to stderr."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(messages))


# ---------------------------------------------------------------------------- parser
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_ROUNDS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_ROUNDS}, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _version() -> str:
    # From the installed metadata, not ``negotiation_sim.__version__``: the CLI imports
    # only submodules, so it also works when the package is importable as a namespace.
    try:
        return metadata.version("negotiation-sim")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Agent-based simulator of a tariff and export-control standoff between "
        "governments and the firms that lobby them.",
        epilog="Exit codes: 0 success, 2 bad input. "
        f"Run '{PROG} COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="run one simulation and print its outcome",
        description="Run one seeded simulation of a scenario and print a summary.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/")
    run.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    run.add_argument(
        "--rounds",
        type=_positive_int,
        default=None,
        help="number of rounds (default: the scenario's horizon)",
    )
    _add_set(run)
    run.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="write the trajectory and summary.json into DIR (created if needed)",
    )
    run.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="trajectory file format with --out (default: csv)",
    )
    run.add_argument(
        "--json", action="store_true", help="print the summary as JSON instead of text"
    )
    run.set_defaults(func=cmd_run)

    validate = sub.add_parser(
        "validate",
        help="check scenario files",
        description="Validate scenario files; print OK or every problem found. "
        "Exits 2 if any file is invalid.",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", help="scenario files (or names)")
    validate.set_defaults(func=cmd_validate)

    listing = sub.add_parser(
        "list",
        help="list scenarios and strategies",
        description="List the shipped scenarios and the registered strategies.",
    )
    listing.add_argument("--json", action="store_true", help="print the lists as JSON")
    listing.set_defaults(func=cmd_list)

    describe = sub.add_parser(
        "describe",
        help="describe a scenario",
        description="Describe a scenario: dates, governments, firms, calendar and economy.",
    )
    describe.add_argument(
        "scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/"
    )
    _add_set(describe)
    describe.set_defaults(func=cmd_describe)

    ens = sub.add_parser(
        "ensemble",
        help="run many seeds of one setting and print outcome probabilities",
        description="Run N seeded runs of one setting in parallel (run i uses a seed "
        "derived from --seed and i, so results do not depend on --workers) and print "
        "outcome probabilities with 95%% Wilson intervals and runs per second.",
    )
    ens.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/")
    ens.add_argument("--runs", type=_positive_int, default=100, help="number of runs (default 100)")
    ens.add_argument("--seed", type=_seed, default=0, help="base seed (default: 0)")
    ens.add_argument(
        "--workers", type=_positive_int, default=None, help="processes (default: cores)"
    )
    ens.add_argument("--rounds", type=_positive_int, default=None, help="rounds per run")
    _add_set(ens)
    ens.add_argument("--out", metavar="DIR", type=Path, help="write summaries.csv into DIR")
    ens.add_argument("--json", action="store_true", help="print the result as JSON")
    ens.set_defaults(func=cmd_ensemble)

    schema = sub.add_parser(
        "schema",
        help="print the scenario JSON Schema",
        description="Print the JSON Schema of the scenario file format.",
    )
    schema.add_argument("--out", metavar="FILE", type=Path, help="write the schema to FILE")
    schema.set_defaults(func=cmd_schema)

    from negotiation_sim.sweep.commands import register as register_sweep

    register_sweep(sub)  # sweep and analyze (docs/sweeps.md)
    return parser


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        metavar="PATH=VALUE",
        action="append",
        default=[],
        help="override a scenario field, e.g. economy.elasticity=3 or "
        "governments.us.strategy=TitForTat (repeatable; values are read as TOML)",
    )


# ---------------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    from negotiation_sim.scenario import ScenarioError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (argparse exits 2)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        return args.func(args)
    except (ScenarioError, CliError) as exc:
        _error(*exc.messages)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `negotiation-sim list | head`
        _silence_stdout()
        return EXIT_OK


def _error(*messages: str) -> None:
    if len(messages) == 1:
        print(f"{PROG}: error: {messages[0]}", file=sys.stderr)
        return
    print(f"{PROG}: error: {len(messages)} problems:", file=sys.stderr)
    for message in messages:
        print(f"  {message}", file=sys.stderr)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _load(name: str, overrides: list[str] | None = None):
    """Load and validate a scenario with ``--set`` overrides (``ScenarioError`` if bad)."""
    from negotiation_sim.scenario import load_scenario

    return load_scenario(name, overrides or None)


# ---------------------------------------------------------------------------- run
def cmd_run(args: argparse.Namespace) -> int:
    from negotiation_sim.run import run_simulation
    from negotiation_sim.strategies import MoveRequired

    if args.format is not None and args.out is None:
        raise CliError("--format needs --out DIR")
    scenario = _load(args.scenario, args.overrides)
    human = [
        gid
        for gid, gov in scenario.data["governments"].items()
        if str(gov["strategy"]).strip().lower() == "human"
        and not (gov["strategy_params"] or {}).get("fallback")
    ]
    if human:
        raise CliError(
            f"{', '.join(human)}: the Human strategy takes its moves from outside (the app), "
            "so the command line cannot play it. Give it a computer fallback, e.g. "
            f"--set governments.{human[0]}.strategy_params.fallback=TitForTat"
        )
    try:
        result = run_simulation(scenario, args.seed, args.rounds)
    except MoveRequired as exc:  # a Human strategy without a move (guarded above)
        raise CliError(f"a Human player must move: {exc}") from None
    report = build_report(scenario, result)
    written: list[Path] = []
    if args.out is not None:
        written = write_outputs(result, report, args.out, args.format or "csv")
    if args.json:
        print(json.dumps(report, indent=2, default=_json_default))
        for path in written:
            print(f"wrote {path}", file=sys.stderr)
    else:
        print(format_report(scenario, report))
        if written:
            print()
            for path in written:
                print(f"Wrote {path}")
    return EXIT_OK


def cmd_ensemble(args: argparse.Namespace) -> int:
    from negotiation_sim.ensemble import run_ensemble

    scenario = _load(args.scenario, args.overrides)
    result = run_ensemble(
        scenario, args.runs, args.seed, rounds=args.rounds, workers=args.workers, series=False
    )
    table = result.outcome_table()
    rate = len(result.summaries) / result.elapsed if result.elapsed > 0 else float("inf")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        result.summaries.to_csv(args.out / "summaries.csv", index=False)
    if args.json:
        report = {
            "scenario": scenario.stem,
            "runs": len(result.summaries),
            "seed": args.seed,
            "elapsed_s": round(result.elapsed, 3),
            "runs_per_s": round(rate, 2),
            "outcomes": table.to_dict(orient="records"),
        }
        print(json.dumps(report, indent=2))
        return EXIT_OK
    runs = len(result.summaries)
    print(f"Scenario: {scenario.name} ({scenario.stem}); {runs} runs, seed {args.seed}")
    print(f"{'outcome':<12}{'runs':>6}{'probability':>13}   95% interval")
    for row in table.itertuples():
        print(
            f"{row.outcome:<12}{row.runs:>6}{row.probability:>12.1%}   "
            f"{row.ci_low:.1%} - {row.ci_high:.1%}"
        )
    print(f"{result.elapsed:.2f} s, {rate:.1f} runs/s")
    return EXIT_OK


def build_report(scenario, result) -> dict[str, Any]:
    """``run_simulation``'s summary with every key kept, plus the scenario title, the
    overrides, the dates of the outcome and first deal, and the package version."""
    report = dict(result.summary)
    report.setdefault("scenario", result.scenario)
    report.setdefault("seed", result.seed)
    report.setdefault("rounds", result.rounds)
    report["title"] = scenario.name
    report["source"] = scenario.source
    report["overrides"] = list(scenario.overrides)
    report["start_date"] = _date_of(scenario, 1)
    report["round_days"] = scenario.data["scenario"]["round_days"]
    report["outcome_date"] = _date_of(scenario, report.get("outcome_round", 0))
    report["first_deal_date"] = _date_of(scenario, report.get("first_deal_round", 0))
    report["version"] = _version()
    return report


def _date_of(scenario, round_: int) -> str | None:
    """ISO date on which round ``round_`` (1-based) starts, or ``None`` for round 0."""
    if not round_ or round_ < 1:
        return None
    meta = scenario.data["scenario"]
    try:
        date = meta["start_date"] + dt.timedelta(days=(round_ - 1) * meta["round_days"])
    except OverflowError:
        return None
    return date.isoformat()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_outputs(result, report: dict[str, Any], out: Path, fmt: str) -> list[Path]:
    """Write ``trajectory.<fmt>`` and ``summary.json`` into ``out``; return the paths."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        if result.trajectory is not None:
            path = out / f"trajectory.{fmt}"
            frame = result.trajectory
            if fmt == "csv":
                frame.to_csv(path, index=False)
            elif fmt == "parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_json(path, orient="records", indent=2, force_ascii=False)
            paths.append(path)
        path = out / "summary.json"
        path.write_text(
            json.dumps(report, indent=2, ensure_ascii=False, default=_json_default) + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write: {exc}") from None
    return paths


def format_report(scenario, report: dict[str, Any]) -> str:
    """The run summary as readable text."""
    lines = [
        f"Scenario:   {report['title']} ({report['scenario']})",
        f"Seed:       {report['seed']}",
        f"Rounds:     {report['rounds']} of {report['round_days']} days from "
        f"{report['start_date']}",
    ]
    if report["overrides"]:
        lines.append(f"Overrides:  {', '.join(report['overrides'])}")
    lines.append("")
    outcome_round = report.get("outcome_round", 0)
    when = f"reached in round {outcome_round}" if outcome_round else "no round played"
    if report.get("outcome_date"):
        when += f", {report['outcome_date']}"
    lines.append(f"Outcome:    {report['outcome']} ({when})")
    deal = report.get("deal") or "none"
    lines.append(
        f"Deals:      {report.get('deals_struck', 0)} struck, "
        f"{report.get('deals_broken', 0)} broken; in force at the end: {deal}"
    )
    if report.get("first_deal_round"):
        lines.append(
            f"First deal: round {report['first_deal_round']} ({report['first_deal_date']})"
        )
    if report.get("purchases"):
        lines.append(f"Purchases:  ${report['purchases']:,.1f}bn/yr committed")

    lines += ["", f"{'Tariffs (%)':<24}{'peak':>10}{'final':>10}"]
    final = report.get("final_tariffs", {})
    for key, peak in report.get("peak_tariffs", {}).items():
        end = final.get(key)
        shown = f"{end:>10.1f}" if isinstance(end, int | float) else f"{'-':>10}"
        lines.append(f"  {key.replace('_on_', ' on '):<22}{peak:>10.1f}{shown}")
    escalation = report.get("final_escalation", {})
    if escalation:
        lines.append(
            "  final escalation index: " + ", ".join(f"{g} {v:.2f}" for g, v in escalation.items())
        )

    controls = report.get("final_controls", {})
    if controls:
        lines += ["", f"{'Export controls (0-3)':<24}{'final':>10}"]
        for (gid, name), level in _split_controls(scenario, controls):
            lines.append(f"  {gid + ' ' + name:<22}{level:>10}")

    lines += ["", "Cumulative welfare ($bn)"]
    for country, value in report.get("welfare", {}).items():
        lines.append(f"  {country:<22}{value:>10,.2f}")
    return "\n".join(lines)


def _split_controls(scenario, controls: dict[str, Any]) -> list[tuple[tuple[str, str], Any]]:
    """``{"us_chips": 2}`` to ``[(("us", "chips"), 2)]``, using the scenario to split ids
    that contain underscores."""
    known = {
        f"{gid}_{inst}": (gid, inst)
        for gid, gov in scenario.data["governments"].items()
        for inst in gov["instruments"]
        if inst != "tariff"
    }
    return [(known.get(key, (key, "")), level) for key, level in controls.items()]


# ---------------------------------------------------------------------------- validate
def cmd_validate(args: argparse.Namespace) -> int:
    from negotiation_sim.scenario import ScenarioError, load_scenario

    bad = 0
    for name in args.files:
        try:
            load_scenario(name)
        except ScenarioError as exc:
            bad += 1
            for message in exc.messages:
                print(message, file=sys.stderr)
        else:
            print(f"OK  {name}")
    if bad:
        print(f"{PROG}: {bad} of {len(args.files)} files invalid", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


# ---------------------------------------------------------------------------- list
def scenario_entries() -> list[dict[str, Any]]:
    """Shipped scenarios: name, title (``[scenario].name``) and path. Read without
    validation, so a broken file still lists (``validate`` says what is wrong)."""
    from negotiation_sim.scenario import list_scenarios, resolve_path

    out = []
    for name in list_scenarios():
        path = resolve_path(name)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            title = raw.get("scenario", {}).get("name", "")
            title = title if isinstance(title, str) else str(title)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            title = "(unreadable: run validate)"
        out.append({"name": name, "title": title, "path": str(path)})
    return out


def strategy_entries() -> list[dict[str, Any]]:
    """Registered strategies: name, classifier, parameters and description."""
    from negotiation_sim.strategies import STRATEGIES

    out = []
    for name, cls in STRATEGIES.items():
        classifier = {k: _finite(v) for k, v in cls.classifier.items()}
        params = {
            key: {
                "default": p.default,
                "low": p.low,
                "high": p.high,
                "integer": p.integer,
                "doc": p.doc,
            }
            for key, p in cls.params.items()
        }
        out.append(
            {
                "name": name,
                "classifier": classifier,
                "params": params,
                "description": cls.describe(),
            }
        )
    return out


def _finite(value: Any) -> Any:
    """JSON has no infinity: an infinite memory depth is written as the string "inf"."""
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _flags(classifier: dict[str, Any]) -> str:
    flags = ["stochastic" if classifier.get("stochastic") else "deterministic"]
    depth = classifier.get("memory_depth")
    if depth is not None:
        flags.append(f"memory {depth}")
    if classifier.get("uses_payoffs"):
        flags.append("uses payoffs")
    if classifier.get("human"):
        flags.append("human")
    known = {"stochastic", "memory_depth", "uses_payoffs", "human"}
    flags += [f"{k}={v}" for k, v in classifier.items() if k not in known]
    return ", ".join(flags)


def _num(value: float) -> str:
    return f"{value:g}"


def cmd_list(args: argparse.Namespace) -> int:
    scenarios = scenario_entries()
    strategies = strategy_entries()
    if args.json:
        print(json.dumps({"scenarios": scenarios, "strategies": strategies}, indent=2))
        return EXIT_OK
    lines = ["Scenarios:"]
    width = max((len(s["name"]) for s in scenarios), default=0)
    lines += [f"  {s['name']:<{width}}  {s['title']}" for s in scenarios] or ["  (none)"]
    lines += ["", f"Strategies ({len(strategies)}):"]
    for s in strategies:
        lines.append(f"  {s['name']}  [{_flags(s['classifier'])}]")
        for key, p in s["params"].items():
            kind = ", whole number" if p["integer"] else ""
            doc = f": {p['doc']}" if p["doc"] else ""
            lines.append(
                f"      {key} = {_num(p['default'])} "
                f"(range {_num(p['low'])} to {_num(p['high'])}{kind}){doc}"
            )
        lines += _wrap(s["description"], " " * 6, " " * 6)
    print("\n".join(lines))
    return EXIT_OK


# ---------------------------------------------------------------------------- describe
def cmd_describe(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario, args.overrides)
    print(format_description(scenario))
    return EXIT_OK


def format_description(scenario) -> str:
    """A scenario as readable text: title, description, dates, governments, firm groups,
    calendar (with the round of each event) and the economy and protocol parameters."""
    data = scenario.data
    meta = data["scenario"]
    start: dt.date = meta["start_date"]
    days, rounds = meta["round_days"], meta["rounds"]
    try:
        end = (start + dt.timedelta(days=rounds * days - 1)).isoformat()
    except OverflowError:
        end = "beyond year 9999"
    parties = meta["parties"]
    govs = data["governments"]

    lines = [meta["name"], "=" * len(meta["name"]), f"File: {scenario.source}"]
    if scenario.overrides:
        lines += _wrap("Overrides: " + ", ".join(scenario.overrides), "", "  ")
    if meta["description"]:
        lines += ["", *_wrap(meta["description"], "", "")]
    lines += [
        "",
        f"Dates:    {start.isoformat()} to {end}",
        f"Horizon:  {rounds} rounds of {days} days",
        "Parties:  " + " vs ".join(f"{p} ({govs[p]['name']})" if p in govs else p for p in parties),
    ]

    lines += ["", "Governments"]
    pad = " " * 6
    for gid, gov in govs.items():
        role = "party" if gid in parties else "third country"
        lines.append(f"  {gid}: {gov['name']} ({role})")
        params = gov["strategy_params"] or {}
        shown = ", ".join(f"{k}={_show(v)}" for k, v in params.items())
        lines.append(f"{pad}strategy:     {gov['strategy']}" + (f"({shown})" if shown else ""))
        lines.append(f"{pad}instruments:  {', '.join(gov['instruments']) or 'none'}")
        tariffs = ", ".join(f"on {p} {_num(v)}%" for p, v in gov["tariffs"].items())
        lines.append(f"{pad}tariffs:      {tariffs or 'none'}")
        for partner, by_sector in gov["sector_tariffs"].items():
            sectors = ", ".join(f"{s} {_num(v)}%" for s, v in by_sector.items())
            lines += _wrap(f"by sector on {partner}: {sectors}", pad, pad + "  ")
        controls = ", ".join(f"{k} {v}" for k, v in gov["controls"].items())
        lines.append(f"{pad}controls:     {controls or 'none'}")
        if gid in parties:
            text = (
                f"tariff floor {_num(gov['tariff_floor'])}%, step {_num(gov['tariff_step'])} pp; "
                f"lobby weight {_num(gov['lobby_weight'])}; "
                f"audience cost ${_num(gov['audience_cost'])}bn; "
                f"coercion weight {_num(gov['coercion_weight'])}; "
                f"deal value ${_num(gov['deal_value'])}bn/round"
                + ("; public threat made" if gov["public_threat"] else "")
            )
            lines += _wrap(text, pad, pad)
        elif gov["transship_enforcement"]:
            lines.append(f"{pad}transshipment enforcement {_num(gov['transship_enforcement'])}")

    firms = data["firms"]
    total = sum(g["count"] for g in firms.values())
    counts = f"{_plural(len(firms), 'group')}, {_plural(total, 'firm')}"
    lines += ["", f"Firm groups ({counts}; money in $bn/yr)"]
    if firms:
        rows = [
            (
                name,
                f"{g['country']}->{g['partner']}",
                g["sector"],
                str(g["count"]),
                _num(g["revenue"]),
                _num(g["exports"]),
                "; ".join(
                    f"{label} {_num(g[key])}"
                    for key, label in (
                        ("imports", "imports"),
                        ("tech_exports", "tech exports"),
                        ("rare_earth_exports", "rare-earth exports"),
                        ("import_competing", "import-competing"),
                    )
                    if g[key]
                ),
            )
            for name, g in firms.items()
        ]
        head = ("group", "trade", "sector", "firms", "revenue", "exports", "")
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]
        right = (False, False, False, True, True, True)
        for row in [head, *rows]:
            cells = [
                c.rjust(w) if r else c.ljust(w)
                for c, w, r in zip(row[:6], widths, right, strict=True)
            ]
            lines.append(("  " + "  ".join(cells) + ("  " + row[6] if row[6] else "")).rstrip())

    typed = scenario.config.calendar
    calendar = sorted(data["calendar"], key=lambda e: e["date"])
    order = sorted(range(len(typed)), key=lambda i: typed[i].date)
    lines += ["", f"Calendar ({_plural(len(calendar), 'event')} and the round each falls in)"]
    kind_width = max((len(e["type"]) for e in calendar), default=0)
    for i, event in zip(order, calendar, strict=True):
        r = event_round(typed[i], start, days)
        where = f"round {r}" if r <= rounds else "after horizon"
        head = f"  {event['date'].isoformat()}  {where:<13}  {event['type']:<{kind_width}}  "
        lines.append(head + event["label"])
        detail = _event_detail(event)
        if detail:
            lines += _wrap(f"({detail})", " " * len(head), " " * (len(head) + 1))

    for title, key in (
        ("Economy", "economy"),
        ("Negotiation", "negotiation"),
        ("Outcome rules", "outcomes"),
    ):
        lines += ["", title]
        width = max(len(k) for k in data[key])
        for name, value in data[key].items():
            lines.append(f"  {name:<{width}}  {_show(value)}")
    return "\n".join(lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest) or [first]


def _event_detail(event: dict[str, Any]) -> str:
    kind = event["type"]
    parts = []
    if kind == "tariff_threat":
        parts.append(f"{event['government']} +{_num(event['increase'])} pp")
    elif kind == "truce_expiry":
        parts.append(f"snap-back +{_num(event['snapback'])} pp")
    elif kind == "control_rule":
        parts.append(f"{event['government']} {event['instrument']} to level {event['level']}")
    if kind in ("meeting", "summit") and event["deal_bonus"]:
        parts.append(f"deal bonus ${_num(event['deal_bonus'])}bn")
    if kind in ("tariff_threat", "control_rule") and event["unless_deal"]:
        parts.append("skipped if a deal is in force")
    if event["deadline"]:
        parts.append("deadline")
    return "; ".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    return str(value)


# ---------------------------------------------------------------------------- schema
def cmd_schema(args: argparse.Namespace) -> int:
    from negotiation_sim.scenario import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if args.out is None:
        print(text)
        return EXIT_OK
    try:
        args.out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"--out {args.out}: cannot write: {exc}") from None
    print(f"Wrote {args.out}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``run`` and ``ensemble`` commands: one seeded run of a scenario with its report
(text, JSON, trajectory files), and outcome probabilities over many seeds."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from negotiation_sim.cli import common
from negotiation_sim.cli.common import EXIT_OK, CliError, add_set, echo, load
from negotiation_sim.scenario.seats import human_seats
from negotiation_sim.views import csv_text

FORMATS = ("csv", "parquet", "json")


def add_run(sub: Any) -> None:
    run = sub.add_parser(
        "run",
        help="run one simulation and print its outcome",
        description="Run one seeded simulation of a scenario and print a summary.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/")
    run.add_argument("--seed", type=common.seed, default=0, help="random seed (default: 0)")
    run.add_argument(
        "--rounds",
        type=common.rounds,
        default=None,
        help="number of rounds (default: the scenario's horizon)",
    )
    add_set(run)
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


def add_ensemble(sub: Any) -> None:
    ens = sub.add_parser(
        "ensemble",
        help="run many seeds of one setting and print outcome probabilities",
        description="Run N seeded runs of one setting in parallel (run i uses a seed "
        "derived from --seed and i, so results do not depend on --workers) and print "
        "outcome probabilities with 95% Wilson intervals and runs per second.",
    )
    ens.add_argument("scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/")
    ens.add_argument(
        "--runs",
        type=common.runs,
        default=100,
        help=f"number of runs (default 100, at most {common.MAX_RUNS:,}: the summaries stay "
        "in memory; a sweep streams more to disk)",
    )
    ens.add_argument("--seed", type=common.seed, default=0, help="base seed (default: 0)")
    ens.add_argument(
        "--workers",
        type=common.workers,
        default=None,
        help=common.workers_help("processes (default: cores)"),
    )
    ens.add_argument("--rounds", type=common.rounds, default=None, help="rounds per run")
    add_set(ens)
    ens.add_argument("--out", metavar="DIR", type=Path, help="write summaries.csv into DIR")
    ens.add_argument("--json", action="store_true", help="print the result as JSON")
    ens.set_defaults(func=cmd_ensemble)


# ---------------------------------------------------------------------------- run
def cmd_run(args: argparse.Namespace) -> int:
    from negotiation_sim.run import run_simulation
    from negotiation_sim.strategies import MoveRequired

    if args.format is not None and args.out is None:
        raise CliError("--format needs --out DIR")
    scenario = load(args.scenario, args.overrides)
    human = human_seats(scenario.data["governments"])
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
        echo(json.dumps(report, indent=2, default=_json_default))
        for path in written:
            echo(f"wrote {path}", err=True)
    else:
        echo(format_report(scenario, report))
        if written:
            echo()
            for path in written:
                echo(f"Wrote {path}")
    return EXIT_OK


def cmd_ensemble(args: argparse.Namespace) -> int:
    from negotiation_sim.runs.ensemble import run_ensemble
    from negotiation_sim.views.scenario import seed_variation

    scenario = load(args.scenario, args.overrides)
    human = human_seats(scenario.data["governments"])
    if human:
        raise CliError(
            f"{', '.join(human)}: the Human strategy needs a person to make its moves (in "
            "the app or the classroom), and an ensemble plays every run by computer. Give "
            f"it a computer strategy, e.g. --set governments.{human[0]}.strategy=TitForTat, "
            f"or a computer fallback: --set governments.{human[0]}.strategy_params."
            "fallback=TitForTat"
        )
    result = run_ensemble(
        scenario, args.runs, args.seed, rounds=args.rounds, workers=args.workers, series=False
    )
    table = result.outcome_table()
    rate = len(result.summaries) / result.elapsed if result.elapsed > 0 else float("inf")
    note = seed_variation(scenario.config).note  # every seed the same negotiation?
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
            "note": note,
        }
        echo(json.dumps(report, indent=2))
        return EXIT_OK
    runs = len(result.summaries)
    echo(f"Scenario: {scenario.name} ({scenario.stem}); {runs} runs, seed {args.seed}")
    echo(f"{'outcome':<12}{'runs':>6}{'probability':>13}   95% interval")
    for row in table.itertuples():
        echo(
            f"{row.outcome:<12}{row.runs:>6}{row.probability:>12.1%}   "
            f"{row.ci_low:.1%} - {row.ci_high:.1%}"
        )
    echo(f"{result.elapsed:.2f} s, {rate:.1f} runs/s")
    if note:
        echo(f"Note: {note}")
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
    report["version"] = common.version()
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
            if fmt == "csv":  # floats to 12 significant digits: no 55.00000000000001
                path.write_text(csv_text(frame), encoding="utf-8")
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
        f"{report.get('deals_broken', 0)} broken, "
        f"{report.get('truce_extensions', 0)} truce extensions; in force at the end: {deal}"
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

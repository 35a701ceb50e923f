"""The ``backtest`` and ``calibrate`` commands of ``negotiation-sim``.

``register(subparsers)`` adds both; each handler returns the exit code: 0 done (failed
targets are results, not errors), 2 bad input (a bad episode or spec file, bad options),
with every problem on stderr and no traceback. Heavy modules load only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

MAX_RUNS = 100_000
MAX_WORKERS = 128
MAX_SEED = 2**63 - 1


def _whole(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, got {value:,}")
        return value

    parse.__name__ = "whole number"
    return parse


def register(subparsers: Any) -> None:
    """Add ``backtest`` and ``calibrate`` to ``subparsers`` (from ``add_subparsers``)."""
    bt = subparsers.add_parser(
        "backtest",
        help="score the model against historical episodes",
        description="Run each episode's seeded ensemble and print, per target, what was "
        "observed against what the ensemble did, pass or fail, and the score (share of "
        "targets passed; distance 0 = all pass, 1 = all as far off as can be). Run i uses a "
        "seed derived from the episode's seed and i, so results do not depend on --workers. "
        "See docs/validation.md.",
        epilog="Exit codes: 0 done (whatever the score), 2 bad input.",
    )
    bt.add_argument(
        "episodes", metavar="EPISODE", nargs="+", help="episode file, or a name in episodes/"
    )
    bt.add_argument(
        "--runs", type=_whole(1, MAX_RUNS), default=None, help="runs per episode (default: its own)"
    )
    bt.add_argument(
        "--seed", type=_whole(0, MAX_SEED), default=None, help="base seed (default: its own)"
    )
    bt.add_argument(
        "--workers", type=_whole(1, MAX_WORKERS), default=1, help="processes (default 1)"
    )
    bt.add_argument("--json", action="store_true", help="print the result as JSON")
    bt.set_defaults(func=cmd_backtest)

    cal = subparsers.add_parser(
        "calibrate",
        help="fit scenario parameters to episodes (ABC-SMC)",
        description="Fit the parameters of a calibration spec (episodes/calibration/*.toml) "
        "to its episodes with pyabc's ABC-SMC, the back-test distance as the ABC distance; "
        "then score every fitted and held-out episode before and after (at the posterior "
        "mean). Writes OUT/history.db (pyabc's SQLite history, replaced), "
        "OUT/posterior.csv, OUT/posterior_<parameter>.png and OUT/calibration.json. "
        "See docs/validation.md.",
        epilog="Exit codes: 0 done, 2 bad input.",
    )
    cal.add_argument(
        "spec", metavar="SPEC", help="calibration spec, or a name in episodes/calibration/"
    )
    cal.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    cal.add_argument(
        "--population", type=_whole(2, 100_000), default=None, help="particles per generation"
    )
    cal.add_argument(
        "--generations", type=_whole(1, 1_000), default=None, help="generations at most"
    )
    cal.add_argument(
        "--runs", type=_whole(1, MAX_RUNS), default=None, help="runs per episode per candidate"
    )
    cal.add_argument(
        "--final-runs",
        type=_whole(1, MAX_RUNS),
        default=None,
        help="runs per episode for the before/after scores (default: each episode's own)",
    )
    cal.add_argument("--seed", type=_whole(0, 2**32 - 1), default=None, help="sampler seed")
    cal.add_argument(
        "--workers", type=_whole(1, MAX_WORKERS), default=1, help="local processes (default 1)"
    )
    cal.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="evaluate candidates on a running Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    cal.add_argument("--json", action="store_true", help="print the result as JSON")
    cal.set_defaults(func=cmd_calibrate)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def cmd_backtest(args: argparse.Namespace) -> int:
    from negotiation_sim.backtest.episode import EpisodeError, load_episode
    from negotiation_sim.backtest.report import backtests_dict, format_backtests
    from negotiation_sim.backtest.simulate import backtest

    episodes, messages = [], []
    for name in args.episodes:
        try:
            episodes.append(load_episode(name))
        except EpisodeError as exc:
            messages += exc.messages
    if messages:
        raise EpisodeError(messages)
    results = [backtest(ep, args.runs, args.seed, args.workers) for ep in episodes]
    if args.json:
        _print_json(backtests_dict(results))
    else:
        print(format_backtests(results))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from negotiation_sim.backtest.calibrate import calibrate
    from negotiation_sim.backtest.spec import load_calibration

    if args.scheduler and args.workers > 1:
        from negotiation_sim.backtest.episode import EpisodeError

        raise EpisodeError(
            ["calibrate: --workers is for local runs; with --scheduler the cluster's workers run"]
        )
    spec = load_calibration(args.spec)
    result = calibrate(
        spec,
        args.out,
        population=args.population,
        generations=args.generations,
        runs=args.runs,
        final_runs=args.final_runs,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        say=lambda text: print(text, file=sys.stderr, flush=True),
    )
    if args.json:
        _print_json(result.to_dict())
    else:
        from negotiation_sim.backtest.report import format_calibration

        print(format_calibration(result))
    return 0

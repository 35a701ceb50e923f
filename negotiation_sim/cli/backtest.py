"""The ``backtest`` and ``calibrate`` commands of ``negotiation-sim`` (docs/validation.md):
their options; the work is done in ``negotiation_sim.backtest.commands``.

Exit codes (``common``): 0 done, whatever the score (a failed target is a result, not an
error); 2 bad input (a bad episode or spec file, bad options), every problem on stderr and
no traceback. Heavy modules load only when a command runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from negotiation_sim.cli import common
from negotiation_sim.cli.common import EXIT_OK, CliError, echo

population = common.whole_number(2, 100_000)
generations = common.whole_number(1, 1_000)
sampler_seed = common.whole_number(0, 2**32 - 1, "numpy's global seed, which pyabc draws from")


def register(subparsers: Any) -> None:
    """Add ``backtest`` and ``calibrate`` to ``subparsers`` (from ``add_subparsers``)."""
    bt = subparsers.add_parser(
        "backtest",
        help="score the model against historical episodes",
        description="Run each episode's seeded ensemble and print, per target, what was "
        "observed against what the ensemble did, pass or fail, and the score (share of "
        "targets passed; distance 0 = all pass, 1 = all as far off as can be). Run i uses a "
        "seed derived from the episode's seed and i, so results do not depend on --workers.",
        epilog="Exit codes: 0 done (whatever the score), 2 bad input. See docs/validation.md.",
    )
    bt.add_argument(
        "episodes", metavar="EPISODE", nargs="+", help="episode file, or a name in episodes/"
    )
    bt.add_argument("--runs", type=common.runs, help="runs per episode (default: its own)")
    bt.add_argument("--seed", type=common.seed, help="base seed (default: the episode's)")
    bt.add_argument(
        "--workers",
        type=common.workers,
        default=1,
        help=common.workers_help("local processes (default 1)"),
    )
    bt.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="send the runs to a running Dask scheduler, e.g. tcp://10.0.0.5:8786",
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
        "OUT/posterior.csv, OUT/posterior_<parameter>.png and OUT/calibration.json.",
        epilog="Exit codes: 0 done, 2 bad input. See docs/validation.md.",
    )
    cal.add_argument(
        "spec", metavar="SPEC", help="calibration spec, or a name in episodes/calibration/"
    )
    cal.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    cal.add_argument("--population", type=population, help="particles per generation")
    cal.add_argument("--generations", type=generations, help="generations at most")
    cal.add_argument("--runs", type=common.runs, help="runs per episode for each candidate")
    cal.add_argument(
        "--final-runs",
        type=common.runs,
        help="runs per episode for the before/after scores (default: each episode's own)",
    )
    cal.add_argument("--seed", type=sampler_seed, help="seed of the sampler's proposals")
    cal.add_argument(
        "--workers",
        type=common.workers,
        default=1,
        help=common.workers_help("local processes evaluating candidates (default 1)"),
    )
    cal.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="evaluate candidates on a running Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    cal.add_argument("--json", action="store_true", help="print the result as JSON")
    cal.set_defaults(func=cmd_calibrate)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def cmd_backtest(args: argparse.Namespace) -> int:
    from negotiation_sim.backtest.commands import backtest_episodes
    from negotiation_sim.backtest.report import backtests_dict, format_backtests
    from negotiation_sim.runs.execution import ExecutionError

    if args.scheduler and args.workers > 1:
        raise CliError("backtest: --workers is for local runs; with --scheduler the cluster's run")
    try:
        results = backtest_episodes(
            args.episodes, args.runs, args.seed, args.workers, args.scheduler
        )
    except ExecutionError as exc:  # an unreachable scheduler: nothing was run
        raise CliError(*exc.messages) from None
    echo(_json(backtests_dict(results)) if args.json else format_backtests(results))
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from negotiation_sim.backtest.commands import calibrate_spec
    from negotiation_sim.backtest.report import format_calibration

    if args.scheduler and args.workers > 1:
        raise CliError("calibrate: --workers is for local runs; with --scheduler the cluster's run")
    result = calibrate_spec(
        args.spec,
        args.out,
        population=args.population,
        generations=args.generations,
        runs=args.runs,
        final_runs=args.final_runs,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        say=lambda text: echo(text, err=True, flush=True),
    )
    echo(_json(result.to_dict()) if args.json else format_calibration(result))
    return EXIT_OK

"""The ``sweep`` and ``analyze`` commands of ``negotiation-sim`` (docs/sweeps.md).

``register(subparsers)`` adds both to an argparse subparsers object; each handler (set as
``func``, run through ``common.dispatch``) returns the exit code: 0 success, 1 sweep
stopped because workers kept dying (finished runs kept), 2 bad input (message on stderr,
no traceback), 130 interrupted (finished runs kept; ``--resume`` finishes the rest).
Heavy modules are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from negotiation_sim.cli import common
from negotiation_sim.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STOPPED,
    PROG,
    CliError,
    echo,
)

MAX_CHUNK = 10_000  # --chunk-size: runs per task sent to a worker
MAX_BINS = 100  # --bins: heatmap bins per axis


def register(subparsers: Any) -> None:
    """Add the ``sweep`` and ``analyze`` subcommands to ``subparsers`` (the object
    returned by ``ArgumentParser.add_subparsers``)."""
    run = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep (many seeded runs over a design)",
        description="Run the sweep described in SPEC (a TOML file; see docs/sweeps.md) "
        "and stream one row per run to Parquet files in --out DIR. An interrupted sweep "
        "keeps its finished runs; run it again with --resume to finish it.",
        epilog="Exit codes: 0 done, 1 stopped (workers kept dying; finished runs kept), "
        "2 bad input, 130 interrupted (finished runs kept).",
    )
    run.add_argument(
        "spec", metavar="SPEC", type=Path, help="sweep file (TOML), or a shipped sweep's name"
    )
    run.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="directory for the results (new or empty; with --resume the sweep's own)",
    )
    run.add_argument(
        "--workers",
        metavar="N",
        type=common.workers,
        help=common.workers_help(
            "local worker processes (default: the number of cores; 1 runs in this process)"
        ),
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="send the runs to a running Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    run.add_argument(
        "--resume",
        action="store_true",
        help="finish the sweep in --out DIR: run only what is missing",
    )
    run.add_argument(
        "--chunk-size",
        metavar="N",
        type=common.whole_number(1, MAX_CHUNK),
        help=f"runs per task sent to a worker (default: automatic, at most 32; {MAX_CHUNK:,} "
        "at most)",
    )
    run.add_argument(
        "--flush-seconds",
        metavar="S",
        type=common.seconds(),
        default=10.0,
        help="write finished runs to disk at least this often (default: 10; at most a day)",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="validate SPEC and print the size of the sweep without running it",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    run.set_defaults(func=cmd_sweep)

    report = subparsers.add_parser(
        "analyze",
        help="analyse a sweep: probabilities, sensitivity, scenario discovery, plots",
        description="Analyse the sweep in DIR and write a report (HTML page, PNG plots and "
        "CSV tables) to DIR/report: outcome probabilities per design point with Wilson "
        "intervals, sensitivity indices of each outcome measure (Sobol' or Morris with "
        "SALib, as the design allows), the parameter boxes where a trade war or a deal is "
        "most likely (PRIM), a heatmap of deal probability over two parameters and "
        "tornado charts.",
        epilog="Exit codes: 0 done, 2 bad input (no sweep in DIR, unknown parameter, a "
        "report that cannot be written).",
    )
    report.add_argument("dir", metavar="DIR", type=Path, help="directory of a sweep")
    report.add_argument(
        "--report", metavar="OUT", type=Path, help="report directory (default: DIR/report)"
    )
    report.add_argument(
        "--heatmap",
        nargs=2,
        metavar=("X", "Y"),
        help="parameters of the heatmaps (default: the two that matter most for a deal)",
    )
    report.add_argument(
        "--bins",
        metavar="N",
        type=common.whole_number(1, MAX_BINS),
        help="heatmap bins per axis (default: about 4 design points per cell, 3 to 10; "
        f"{MAX_BINS} at most)",
    )
    report.add_argument(
        "--target",
        dest="targets",
        action="append",
        metavar="OUTCOME",
        help="outcome for scenario discovery (repeatable; default: trade_war and deal)",
    )
    report.add_argument("--no-plots", action="store_true", help="tables only, no PNG or HTML")
    report.set_defaults(func=cmd_analyze)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a sweep runs, so ``kill PID`` also saves."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------------------- sweep
def cmd_sweep(args: argparse.Namespace) -> int:
    from negotiation_sim.sweep.execution import WorkersLost
    from negotiation_sim.sweep.runner import run_sweep
    from negotiation_sim.sweep.spec import load_spec

    spec = load_spec(args.spec)
    if args.dry_run:
        echo(describe_plan(spec))
        return EXIT_OK
    if args.out is None:
        raise CliError("sweep: --out DIR is required (where the results go)")
    if args.scheduler and args.workers:
        raise CliError(
            "sweep: --workers is for local runs; with --scheduler the Dask cluster's "
            "workers run the sweep"
        )
    say = (lambda _m: None) if args.quiet else (lambda m: echo(m, err=True, flush=True))
    try:
        with _terminate_as_interrupt():
            summary = run_sweep(
                spec,
                args.out,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                progress=False if args.quiet else None,
                chunk_size=args.chunk_size,
                flush_seconds=args.flush_seconds,
                say=say,
            )
    except KeyboardInterrupt:
        echo(f"{PROG}: interrupted; {_saved(args.out)}", err=True)
        return EXIT_INTERRUPTED
    except WorkersLost as exc:
        echo(f"{PROG}: sweep stopped: {exc}; {_saved(args.out)}", err=True)
        return EXIT_STOPPED
    if not args.quiet:
        failed = f" ({summary.failed:,} failed: see analyze)" if summary.failed else ""
        echo(
            f"Sweep {summary.status}: {summary.done:,} of {summary.total:,} runs{failed}; "
            f"{summary.ran:,} run now in {summary.elapsed:.1f} s "
            f"({summary.rate:,.1f} runs/s, {summary.backend}, {summary.workers} workers)"
        )
        echo(f"Results in {summary.out}; next: {PROG} analyze {summary.out}")
    return EXIT_OK


def _saved(out: Path) -> str:
    from negotiation_sim.sweep.store import SweepStore

    try:
        runs = SweepStore(out).read_manifest()["runs"]
    except Exception:
        return f"finished runs are kept in {out}; finish with --resume"
    return (
        f"{runs['done']:,} of {runs['total']:,} runs saved in {out}; "
        f"finish the other {runs['pending']:,} with --resume"
    )


def describe_plan(spec) -> str:
    lines = [
        f"Sweep:      {spec.name} ({spec.source})",
        f"Scenario:   {spec.scenario.name} ({spec.scenario.source}), {spec.horizon} rounds per run",
        f"Design:     {spec.design}, {spec.n_points:,} points x {spec.replicates} "
        f"replicates = {spec.n_runs:,} runs",
        f"Seed:       {spec.seed} ({spec.seeds})",
    ]
    if spec.fixed:
        lines.append("Fixed:      " + ", ".join(f"{k}={v!r}" for k, v in spec.fixed.items()))
    lines.append("Parameters:")
    for p in spec.parameters:
        if p.kind == "values":
            what = "values " + ", ".join(repr(v) for v in p.values)
        else:
            bounds = f"[{p.low:g}, {p.high:g}]" if p.bounded else "unbounded"
            what = f"{p.distribution} {bounds}"
            if p.mean is not None:
                what += f" mean {p.mean:g} sd {p.sd:g}"
            if p.integer:
                what += ", whole numbers"
        scale = " (x scenario value)" if p.scale else ""
        lines.append(f"  {p.name}: {what}{scale} -> {', '.join(p.paths)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- analyze
def cmd_analyze(args: argparse.Namespace) -> int:
    from negotiation_sim.sweep.analysis import analyze

    if not args.dir.exists():
        raise CliError(f"analyze: {args.dir}: no such directory")
    result = analyze(
        args.dir,
        report_dir=args.report,
        heatmap=tuple(args.heatmap) if args.heatmap else None,
        targets=tuple(args.targets) if args.targets else ("trade_war", "deal"),
        bins=args.bins,
        plots=not args.no_plots,
    )
    echo(result.text())
    return EXIT_OK

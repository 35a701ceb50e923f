"""The ``negotiation-sim`` program: its argument parser and ``main`` (the console script's
entry point; ``python -m negotiation_sim`` runs it too). Exit codes: ``common``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from negotiation_sim.cli import backtest, catalog, common, run, serve, sweep, validate
from negotiation_sim.cli.common import PROG


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Agent-based simulator of a tariff and export-control standoff between "
        "governments and the firms that lobby them.",
        epilog="Exit codes: 0 success, 2 bad input. "
        f"Run '{PROG} COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {common.version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run.add_run(sub)
    validate.add_validate(sub)
    catalog.add_list(sub)
    catalog.add_describe(sub)
    run.add_ensemble(sub)
    validate.add_schema(sub)
    sweep.register(sub)  # sweep and analyze (docs/sweeps.md)
    backtest.register(sub)  # backtest and calibrate (docs/validation.md)
    serve.add_app(sub)
    serve.add_teach(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args = common.parse(build_parser(), argv)
    return args if isinstance(args, int) else common.dispatch(args.func, args)


if __name__ == "__main__":
    raise SystemExit(main())

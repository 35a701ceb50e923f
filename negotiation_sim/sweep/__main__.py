"""``python -m negotiation_sim.sweep sweep|analyze ...``: the sweep commands on their own
(the same handlers as ``negotiation-sim sweep`` and ``negotiation-sim analyze``, which
live with the other commands in ``negotiation_sim.cli``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from negotiation_sim.cli.common import dispatch, parse
from negotiation_sim.cli.sweep import register


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m negotiation_sim.sweep",
        description="Parameter sweeps of negotiation-sim scenarios and their analysis.",
        epilog="Exit codes: 0 success, 1 sweep stopped (workers lost), 2 bad input, "
        "130 interrupted.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register(sub)
    args = parse(parser, argv)
    return args if isinstance(args, int) else dispatch(args.func, args)


if __name__ == "__main__":
    sys.exit(main())

"""The ``negotiation-sim`` command line: ``main`` runs it, ``build_parser`` builds its
argument parser (``program``). What every command shares is in ``common``; the commands
are grouped by family: ``run`` (run, ensemble), ``validate`` (validate, schema),
``catalog`` (list, describe), ``sweep`` (sweep, analyze) and ``serve`` (app, teach)."""

from negotiation_sim.cli.program import build_parser, main

__all__ = ["build_parser", "main"]

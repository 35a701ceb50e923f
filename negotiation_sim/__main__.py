"""``python -m negotiation_sim`` runs the command-line interface."""

from negotiation_sim.cli import main

raise SystemExit(main())

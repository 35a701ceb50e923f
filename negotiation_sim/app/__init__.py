"""The browser app (Solara): watch one run of the negotiation, run ensembles, compare
settings, export data and charts. ``solara run app.py`` serves ``Page``; see docs/app.md.
"""

from negotiation_sim.app.page import Page
from negotiation_sim.ui.server import configure_server

configure_server("Trade negotiation simulator")

__all__ = ["Page"]

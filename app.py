"""The browser app for ``solara run app.py`` from a checkout (see docs/app.md). The page
lives in the package (``negotiation_sim.app.Page``), so an installed package serves it with
``negotiation-sim app``; every browser page builds its own session inside ``Page`` and
nothing here holds state."""

from negotiation_sim.app import Page

__all__ = ["Page"]

"""The browser app: ``solara run app.py`` (see docs/app.md). Every browser page builds its
own session inside ``Page``; nothing here holds state."""

from negotiation_sim.app import Page

__all__ = ["Page"]

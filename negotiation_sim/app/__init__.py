"""The browser app (Solara): watch one run of the negotiation, run ensembles, compare
settings, export data and charts. ``solara run app.py`` serves ``Page``; see docs/app.md.
"""

from negotiation_sim.app.page import Page


def _configure_server() -> None:
    """No "runs on Solara" badge over the charts, and a page title of our own."""
    try:
        import solara.server.settings as settings
    except ImportError:  # solara without its server (e.g. in a notebook)
        return
    settings.theme.show_banner = False
    settings.theme.title = "Trade negotiation simulator"


_configure_server()

__all__ = ["Page"]

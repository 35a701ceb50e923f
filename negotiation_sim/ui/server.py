"""Server settings shared by the Solara front ends."""

from __future__ import annotations

import warnings

#: Solara warns on every page served over plain http at an address other than
#: "localhost" that its session cookie falls back from SameSite=None to SameSite=Lax.
#: The fallback is right for these apps (they are not embedded in cross-site iframes),
#: so the warning says nothing to act on; docs/app.md explains how to serve over https.
COOKIE_WARNING = "Cookies with samesite=none require https"


def configure_server(title: str) -> None:
    """No "runs on Solara" badge, the page title, and no samesite-cookie warning."""
    warnings.filterwarnings("ignore", message=COOKIE_WARNING, category=UserWarning)
    try:
        import solara.server.settings as settings
    except ImportError:  # solara without its server (e.g. in a notebook)
        return
    settings.theme.show_banner = False
    settings.theme.title = title

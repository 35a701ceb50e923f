"""Teaching mode served on its own: ``solara run negotiation_sim.teaching.standalone``.

``routes`` holds the three pages: ``/`` (play: start or join a game; ``?code=ABCDE`` fills
in a class code), ``/room?code=ABCDE`` (a seat, held by the browser that took it; a
hand-back link adds a one-time ``&key=...``) and ``/instructor`` (token-protected). To
mount them in a larger app, put them under a route of their own, e.g.
``solara.Route("teach", children=teaching.standalone.routes)``; the pages work out their
prefix from the address.

Importing it configures the Solara server as the app does (``ui.server.configure_server``:
the page title ``pages.TITLE``, no "runs on Solara" badge, no samesite-cookie warning).

Environment: ``NEGOTIATION_SIM_INSTRUCTOR_TOKEN`` (instructor passphrase),
``NEGOTIATION_SIM_DATA_DIR`` (the classroom database), ``NEGOTIATION_SIM_SESSIONS_DIR`` (extra
session configs). On an offline machine fill Solara's asset cache first
(``python -m negotiation_sim.app_assets``).
"""

from __future__ import annotations

import solara

from negotiation_sim.teaching.pages import (
    TITLE,
    InstructorPage,
    PlayPage,
    RoomPage,
    TeachingLayout,
)
from negotiation_sim.ui.server import configure_server

configure_server(TITLE)

routes = [
    solara.Route(path="/", component=PlayPage, label="Play", layout=TeachingLayout),
    solara.Route(path="room", component=RoomPage, label="Room"),
    solara.Route(path="instructor", component=InstructorPage, label="Instructor"),
]

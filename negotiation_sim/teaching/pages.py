"""Solara pages of teaching mode: ``PlayPage`` (start a game or join one), ``RoomPage``
(play a seat, then the debrief) and ``InstructorPage`` (the class monitor), in the
``TeachingLayout``.

The pages are the view around the game logic: everything shared (rooms, class
sessions, saved games) lives in the process-wide ``TeachingService``; everything about
one browser session (form fields) lives in component state. A seat and an instructor
login belong to the browser (its session cookie), never to an address. Pages poll the
service twice a second from a background thread and re-render when their room changed,
which is also how a student sees the other seat's move land and the timer count down.
"""

from __future__ import annotations

import html

import solara

from negotiation_sim.teaching.instructor_page import InstructorPage
from negotiation_sim.teaching.play_page import PlayPage
from negotiation_sim.teaching.room_page import RoomPage
from negotiation_sim.teaching.service import startup_problem
from negotiation_sim.teaching.widgets import CLASSROOM_CSS, TITLE, Html, base_path
from negotiation_sim.ui.components import KitStyle

__all__ = ["TITLE", "InstructorPage", "PlayPage", "RoomPage", "TeachingLayout"]


@solara.component
def TeachingLayout(children: list | None = None):
    router = solara.use_router()
    base = base_path(router.path)
    with solara.Column(gap="0px", style={"min-height": "100vh"}) as main:
        KitStyle()
        solara.Style(CLASSROOM_CSS)
        Html(
            f'<div class="teach-header"><span class="teach-title">{html.escape(TITLE)}</span>'
            f'<a href="{html.escape(base or "/")}">Play</a>'
            f'<a href="{html.escape(base)}/instructor">Instructor</a></div>'
        )
        with solara.Column(classes=["teach-page"]):
            problem = startup_problem()
            if problem:
                solara.Error(problem, classes=["teach-startup-error"])
            else:
                for child in children or []:
                    solara.display(child)
    return main

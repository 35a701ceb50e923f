"""The shared Solara kit (``negotiation_sim.ui``) as the classroom uses it: the stage
matrix from a seat that may not see the partner's payoffs, and the kit's CSS."""

from __future__ import annotations

import re
import unittest.mock

import ipyvue
import numpy as np
import solara

from negotiation_sim.teaching import widgets
from negotiation_sim.teaching.game import Game
from negotiation_sim.teaching.pages import TeachingLayout
from negotiation_sim.teaching.panels import StagePanel
from negotiation_sim.ui import html as uh
from negotiation_sim.ui.css import CSS
from negotiation_sim.views import seat_stage

MINE = np.array([[-2.17, -2.15, -2.15], [-1.42, -1.40, -1.40], [-2.03, -2.01, -2.01]])
THEIRS = np.array([[-1.0, -0.5, 0.2], [-0.9, -0.4, 0.1], [-0.8, -0.3, 0.0]])


def cells(text: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", text)


def test_a_blind_seat_sees_its_payoffs_and_best_replies_only():
    text = uh.stage_matrix(seat_stage("us", "cn", MINE), "You", "China", marks=False)
    assert len(cells(text)) == 9
    assert " / " not in "".join(cells(text))  # no partner payoffs anywhere
    starred = [i for i, c in enumerate(cells(text)) if "★" in c]
    assert starred == [3, 4, 5]  # hold is the best reply to every move
    assert "-1.42" in cells(text)[3] and "ns-best" in text
    assert "Nash" not in text and "played" not in text and "ns-matrix-note" not in text


def test_the_partner_payoffs_and_the_corner_when_shown():
    stage = seat_stage("us", "cn", MINE, THEIRS)
    text = uh.stage_matrix(stage, "You", "China", marks=False, corner="You ↓ / China →")
    assert "<th>You ↓ / China →</th>" in text
    assert "-2.17</span> / <span" in cells(text)[0] and "-1.00" in cells(text)[0]
    assert "<th>You / China</th>" in uh.stage_matrix(stage, "You", "China")  # the default


def test_the_classroom_css_is_layout_on_top_of_the_kit():
    """The classroom renders the kit's CSS and adds only its own layout classes: no rule
    of its own for what the kit styles (tables, chips, bars, the stage matrix)."""
    classes = set(re.findall(r"\.([a-zA-Z][\w-]*)", widgets.CLASSROOM_CSS))
    assert classes and all(c.startswith(("teach-", "v-")) for c in classes), classes
    for kit_thing in ("chip", "bar", "best", "muted", "matrix", "escalate", "concede"):
        assert f"teach-{kit_thing}" not in classes
    for styled in (".ns-table", ".ns-chip", ".ns-meter", ".ns-matrix", ".ns-muted", "td.num"):
        assert styled in CSS
    assert widgets.chip("escalate") == uh.lobby_chip("escalate")
    assert 'class="ns-table teach-table' in widgets.table(["a"], [[1]])

    class Router:
        path, search = "/", ""

    with unittest.mock.patch("solara.use_router", return_value=Router()):
        _, rc = solara.render(TeachingLayout(children=[]), handle_error=False)
    styles = " ".join(str(w.template) for w in rc.find(ipyvue.VueTemplate).widgets)
    assert styles.index(".ns-matrix") < styles.index(".teach-page")  # the kit's, then ours


def test_the_seat_stage_panel_is_the_kit_matrix():
    """The classroom's 'What each choice pays' card is the kit's stage matrix from the
    seat, with best replies starred and the partner's payoffs only when shown."""
    game = Game("classroom_basic", seed=3, human_seats=["south"], opponent="TitForTat")
    game.submit("south", "escalate")
    for partner_stage in (False, True):
        seat = game.seat_view("south", partner_stage=partner_stage)
        _, rc = solara.render(StagePanel(seat), handle_error=False)
        text = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
        assert "ns-matrix" in text and f"You ↓ / {seat.partner_name} →" in text
        starred = [i for i, c in enumerate(cells(text)) if "★" in c]
        mine = np.array(seat.stage_mine)
        best = [
            3 * i + j for i in range(3) for j in range(3) if mine[i, j] >= mine[:, j].max() - 1e-9
        ]
        assert starred == best
        assert (" / <span" in text) is partner_stage

"""Teaching mode, the pages without a browser: routes, the mount prefix, addresses with
no secret in them, escaped tables, the QR code, and the Play page's checks."""

from __future__ import annotations

import pytest

from negotiation_sim.teaching import pages, standalone, widgets
from negotiation_sim.teaching.instructor_page import qr_svg
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.play_page import play_config


def test_routes_serve_play_room_and_instructor():
    assert [r.path for r in standalone.routes] == ["/", "room", "instructor"]
    assert standalone.routes[0].layout is pages.TeachingLayout


def test_pages_find_their_prefix_when_mounted():
    assert widgets.base_path("/") == ""
    assert widgets.base_path("/room") == ""
    assert widgets.base_path("/instructor") == ""
    assert widgets.base_path("/teach") == "/teach"
    assert widgets.base_path("/teach/room") == "/teach"
    assert widgets.base_path("/teach/instructor?token=x") == "/teach"


def test_a_room_address_holds_no_secret_unless_it_is_a_hand_back_link():
    assert widgets.room_path("/teach", "ABCDE") == "/teach/room?code=ABCDE"
    assert widgets.room_path("", "ABCDE", "k y") == "/room?code=ABCDE&key=k+y"


def test_tables_escape_text_and_scroll_inside_their_card():
    html = widgets.table(["a"], [["<script>"], [widgets.Raw("<b>ok</b>")], [1.5], [2]])
    assert "&lt;script&gt;" in html and "<b>ok</b>" in html
    assert '<td class="num">1.50</td>' in html and '<td class="num">2</td>' in html
    assert html.startswith('<div class="teach-scroll">')


def test_the_join_qr_code_is_an_svg_of_the_link():
    svg = qr_svg("http://classroom.local:8765/?code=ABCDE")
    assert svg.startswith("<svg") and "path" in svg


def test_the_play_page_builds_a_checked_config():
    config = play_config("classroom_basic", "computer", "TitForTat", True, 4, 3)
    assert (config.rounds, config.seed, config.opponent, config.show.opponent_strategy) == (
        4,
        3,
        "TitForTat",
        False,
    )
    assert play_config("classroom_basic", "pair", "TitForTat", True, 0, 1).rounds is None


@pytest.mark.parametrize(
    ("rounds", "seed", "needle"),
    [
        (97_000, 1, "session.rounds"),
        (1_000_000, 1, "session.rounds"),
        (5, -1, "session.seed"),
        (None, 1, "Rounds: type a whole number"),
        (5, None, "Seed: type a whole number"),
    ],
)
def test_the_play_page_refuses_rounds_and_seeds_a_session_file_may_not_have(rounds, seed, needle):
    with pytest.raises(TeachingError) as err:
        play_config("classroom_basic", "computer", "TitForTat", True, rounds, seed)
    assert needle in str(err.value)
    assert err.value.code == "bad_config"

"""Teaching mode, the pages module without a browser: routes and the mount prefix."""

from __future__ import annotations

from negotiation_sim.teaching import pages, standalone


def test_routes_serve_play_room_and_instructor():
    assert [r.path for r in standalone.routes] == ["/", "room", "instructor"]
    assert standalone.routes[0].layout is pages.TeachingLayout


def test_pages_find_their_prefix_when_mounted():
    assert pages._base("/") == ""
    assert pages._base("/room") == ""
    assert pages._base("/instructor") == ""
    assert pages._base("/teach") == "/teach"
    assert pages._base("/teach/room") == "/teach"
    assert pages._base("/teach/instructor?token=x") == "/teach"
    assert pages._room_path("/teach", "ABCDE", "k y") == "/teach/room?code=ABCDE&key=k+y"


def test_tables_escape_text():
    html = pages._table(["a"], [["<script>"], [pages.Raw("<b>ok</b>")], [1.5], [2]])
    assert "&lt;script&gt;" in html and "<b>ok</b>" in html
    assert '<td class="num">1.50</td>' in html and '<td class="num">2</td>' in html

"""Teaching mode, the pages without a browser: routes, the mount prefix, addresses with
no secret in them, escaped tables, the QR code, and the Play page's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from negotiation_sim.teaching import pages, standalone, widgets
from negotiation_sim.teaching.instructor_page import qr_svg
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.play_page import play_config


def test_routes_serve_play_room_and_instructor():
    assert [r.path for r in standalone.routes] == ["/", "room", "instructor"]
    assert standalone.routes[0].layout is pages.TeachingLayout


def test_the_classroom_server_is_configured_as_the_app_is(monkeypatch):
    import importlib
    import warnings

    import solara.server.settings as settings

    from negotiation_sim.ui.server import COOKIE_WARNING

    monkeypatch.setattr(settings.theme, "show_banner", True)
    monkeypatch.setattr(settings.theme, "title", "Solara")
    monkeypatch.setattr(warnings, "filters", [])
    importlib.reload(standalone)  # what `solara run negotiation_sim.teaching.standalone` does
    assert settings.theme.show_banner is False
    assert settings.theme.title == standalone.TITLE == "Negotiation classroom"
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn(COOKIE_WARNING, UserWarning, stacklevel=1)
    assert caught == []


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


def test_the_instructor_sees_games_the_disk_could_not_take(tmp_path):
    """Rendered with Solara's test renderer: a full store shows a red warning, and the
    game it could not write is still in the results, marked."""
    import ipyvuetify as v
    import solara
    from sqlalchemy import text

    from negotiation_sim.teaching import service as svc
    from negotiation_sim.teaching.bots import Bot, play_room, tit_for_tat
    from negotiation_sim.teaching.instructor_page import ClassResults, StoreHealth
    from negotiation_sim.teaching.sessions import adhoc_config

    service = svc.TeachingService(tmp_path, "t")
    svc.set_service(service)
    try:
        bot = Bot(service.registry, "Ann", tit_for_tat).create(
            adhoc_config("classroom_basic", rounds=20)
        )
        service.store._cap_pages(service.store._rows(text("PRAGMA page_count"))[0][0])
        play_room([bot])
        _, rc = solara.render(StoreHealth(), handle_error=False)
        warning = " ".join(str(c) for w in rc.find(v.Alert).widgets for c in w.children)
        assert "Not saved to disk yet: 1 finished games" in warning
        assert "database or disk is full" in warning and str(tmp_path) in warning
        assert "free disk space or fix the folder" in warning
        _, rc = solara.render(ClassResults(None), handle_error=False)
        html = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
        assert "(not saved yet)" in html and bot.code in html
        service.store._cap_pages(None)
        service.registry.tick()
        _, rc = solara.render(StoreHealth(), handle_error=False)
        assert rc.find(v.Alert).widgets == []
    finally:
        svc.set_service(None)


def test_a_debrief_without_a_rank_shows_each_strategys_whole_game():
    """A student who never moved: no rank, no "You" row, and the table gives each
    strategy's payoff over the whole game (not over zero rounds)."""
    import solara

    from negotiation_sim.teaching.bots import Bot, play_room, tit_for_tat
    from negotiation_sim.teaching.debrief import build_debrief
    from negotiation_sim.teaching.debrief_page import DebriefView
    from negotiation_sim.teaching.registry import RoomRegistry
    from negotiation_sim.teaching.sessions import adhoc_config

    registry = RoomRegistry()
    a = Bot(registry, "Ann", tit_for_tat).create(
        adhoc_config("classroom_basic", mode="pair", rounds=3)
    )
    b = Bot(registry, "Bob", tit_for_tat).join(a.code)
    registry.leave(b.code, b.token)
    play_room([a])
    d = build_debrief(registry.room(a.code).record, "south", ensemble_seeds=0)
    assert d.rank is None
    _, rc = solara.render(DebriefView(d), handle_error=False)
    html = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
    assert "No rank" in html and ">You<" not in html
    for c in d.counterfactuals:
        assert f'<td class="num">{c.payoff:.2f}</td>' in html


def test_offer_slider_end_labels_are_rounded_and_as_many_as_solaras():
    """The own-offer tariff sliders name their ends to one decimal, in as many tick
    positions as Solara's ``end_points`` would give."""
    from solara.components.slider import _produce_tick_labels

    from negotiation_sim.teaching.room_page import end_labels

    for top in (55.00000000000001, 33.139372822299656, 0.5, 20.0):
        ours = end_labels(0.0, top, 0.5)
        assert len(ours) == len(_produce_tick_labels("end_points", 0.0, top, 0.5))
        assert ours[0] == "0.0" and ours[-1] == f"{top:.1f}" and not any(ours[1:-1])
    assert end_labels(0.0, 55.00000000000001, 0.5)[-1] == "55.0"


def test_the_title_is_written_once():
    from negotiation_sim.teaching import pages, standalone, widgets

    assert standalone.TITLE is pages.TITLE is widgets.TITLE
    for module in (pages, standalone):
        assert "Negotiation classroom" not in Path(module.__file__).read_text()


def test_a_database_url_that_cannot_be_used_is_shown_on_every_page(monkeypatch, tmp_path):
    """NEGOTIATION_SIM_DATABASE_URL is input too: every page (the layout) says what is
    wrong with it instead of failing with a server traceback."""
    import ipyvuetify as v
    import solara

    from negotiation_sim.teaching import service as svc
    from negotiation_sim.teaching.pages import TeachingLayout

    def alerts() -> str:
        _, rc = solara.render(TeachingLayout(children=[]), handle_error=False)
        return " ".join(str(c) for w in rc.find(v.Alert).widgets for c in w.children)

    monkeypatch.setenv("NEGOTIATION_SIM_DATA_DIR", str(tmp_path))
    try:
        monkeypatch.setenv("NEGOTIATION_SIM_DATABASE_URL", "mysql://teacher@db/class")
        svc.set_service(None)
        assert "'mysql' is not supported; allowed: sqlite, postgresql" in svc.startup_problem()
        assert "The classroom cannot start: NEGOTIATION_SIM_DATABASE_URL" in alerts()
        monkeypatch.delenv("NEGOTIATION_SIM_DATABASE_URL")
        svc.set_service(None)
        assert svc.startup_problem() == "" and "cannot start" not in alerts()
    finally:
        svc.set_service(None)


def test_a_stacked_table_names_each_cell_for_the_phone_layout():
    from negotiation_sim.teaching.widgets import table

    out = table(["Round", 'Say "hi"'], [[3, "a < b"]], "t", stack=True)
    assert 'class="ns-table teach-table t teach-stacked"' in out
    assert '<td class="num" data-label="Round">3</td>' in out
    assert '<td data-label="Say &quot;hi&quot;">a &lt; b</td>' in out
    assert "data-label" not in table(["Round"], [[3]])  # only stacked tables carry labels

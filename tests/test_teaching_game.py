"""Teaching mode, the game core: seats, simultaneous moves, validation, takeover, the
stage-game estimate, firm reports, own offers and the record."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.strategies import get_strategy
from negotiation_sim.teaching.game import Game, TeachingError, library_strategies


def solo(rounds: int = 5, seat: str = "north", opponent: str = "TitForTat", **kw) -> Game:
    return Game(
        "classroom_basic", seed=3, human_seats=[seat], opponent=opponent, rounds=rounds, **kw
    )


def test_solo_game_plays_to_the_end_and_matches_the_same_moves_played_by_a_strategy():
    game = solo(rounds=5)
    for _ in range(5):
        assert game.submit("north", "escalate") is True
    assert game.finished and game.rounds_played == 5
    # AlwaysEscalate in the same seat, same seed and opponent, gives the same game
    model = NegotiationModel(
        "classroom_basic",
        rng=3,
        rounds=5,
        overrides={
            "governments.north.strategy": "AlwaysEscalate",
            "governments.south.strategy": "TitForTat",
        },
    )
    while model.running:
        model.step()
    assert game.payoff("north") == pytest.approx(sum(model.governments["north"].payoffs))
    assert game.outcome == model.outcome
    record = game.record()
    north = record["seats"][0]
    assert [m["action"] for m in north["moves"]] == ["escalate"] * 5
    assert north["human"] and north["takeover_round"] is None
    assert len(record["trajectory"]) == 5


def test_a_round_waits_for_every_student_seat_and_hides_the_pending_move():
    game = Game("classroom_basic", seed=1, human_seats=["north", "south"], rounds=3)
    assert game.submit("north", "escalate") is False
    assert game.round == 1 and game.waiting_for() == ["south"]
    south = game.seat_view("south")
    assert south.partner_moved is True
    assert south.my_pending is None and south.history == []
    assert "escalate" not in repr(south).lower()
    north = game.seat_view("north")
    assert north.my_pending == "escalate:tariff"
    assert game.submit("south", "hold") is True
    assert game.round == 2 and game.pending == {}
    last = game.seat_view("south").last
    assert (last.my_move, last.partner_move) == ("hold", "escalate:tariff")


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda g: g.submit("south", "hold"), "wrong_seat"),  # the computer's seat
        (lambda g: g.submit("west", "hold"), "wrong_seat"),
        (lambda g: g.submit("north", "surrender"), "bad_move"),
        (lambda g: g.submit("north", "escalate", "chips"), "bad_move"),
    ],
)
def test_bad_moves_are_refused_with_a_message_and_change_nothing(call, code):
    game = solo()
    with pytest.raises(TeachingError) as err:
        call(game)
    assert err.value.code == code and str(err.value)
    assert game.round == 1 and game.pending == {}


def test_double_move_and_move_after_the_end():
    game = Game("classroom_basic", seed=1, human_seats=["north", "south"], rounds=1)
    game.submit("north", "hold")
    with pytest.raises(TeachingError, match="already moved in round 1") as err:
        game.submit("north", "escalate")
    assert err.value.code == "double_move"
    assert str(game.pending["north"]) == "hold"
    game.submit("south", "hold")
    assert game.finished
    with pytest.raises(TeachingError, match="over") as err:
        game.submit("north", "hold")
    assert err.value.code == "game_over"


def test_offers_go_with_concessions_only_and_are_checked():
    game = solo()
    offer = game.make_offer("north", my_tariff=0.0, partner_tariff=0.0)
    assert offer.kind == "comprehensive" and offer.proposer == "north"
    # a lasting package that keeps a tariff is partial (it was labelled a truce, and so
    # struck as a 13-round truce, before 2026-12-02)
    assert game.make_offer("north", my_tariff=10.0, partner_tariff=0.0).kind == "partial"
    with pytest.raises(TeachingError) as err:
        game.submit("north", "hold", offer=offer)
    assert err.value.code == "bad_offer"
    with pytest.raises(TeachingError):
        game.make_offer("north", my_tariff=-5.0, partner_tariff=0.0)
    with pytest.raises(TeachingError):
        game.make_offer("north", my_tariff=5.0, partner_tariff=0.0, my_controls={"chips": 1})
    with pytest.raises(TeachingError) as err:
        game.submit("north", "concede", offer=game.make_offer("south", 0.0, 0.0))
    assert err.value.code == "wrong_seat"
    assert game.pending == {}
    game.submit("north", "concede", offer=offer)
    assert "comprehensive by north" in game.seat_view("north").last.my_offer


def test_takeover_keeps_a_submitted_move_and_plays_on():
    game = Game("classroom_basic", seed=1, human_seats=["north", "south"], rounds=4)
    game.submit("north", "escalate")
    assert game.takeover("south", "AlwaysConcede", reason="timed out") is True
    assert game.round == 2 and game.seats["south"].takeover_round == 1
    # the submitted move stands when the seat is taken over after moving
    game.submit("north", "concede")
    assert game.takeover("north", "AlwaysHold", reason="left") is True
    assert game.seats["north"].takeover_round == 3  # its round-2 move was in
    assert game.finished  # no student left: the computer plays out the game
    moves = [m["action"] for m in game.record()["seats"][0]["moves"]]
    assert moves == ["escalate", "concede", "hold", "hold"]
    assert [m["action"] for m in game.record()["seats"][1]["moves"]] == ["concede"] * 4
    with pytest.raises(TeachingError) as err:
        game.submit("north", "hold")
    assert err.value.code == "game_over"


def test_takeover_of_a_seat_with_a_pending_move_counts_from_the_next_round():
    game = Game("classroom_basic", seed=1, human_seats=["north", "south"], rounds=3)
    game.submit("south", "escalate")
    game.takeover("south", "TitForTat")
    assert game.seats["south"].takeover_round == 2
    assert game.round == 1  # still waiting for north
    game.submit("north", "hold")
    assert game.seat_view("north").last.partner_move == "escalate:tariff"


def test_the_stage_estimate_is_the_game_the_computer_faces():
    """In classroom_basic nothing happens between rounds but the moves, so the estimate a
    student sees before moving equals the stage game recorded when the round is played."""
    game = solo(rounds=4)
    for action in ("escalate", "hold", "concede", "hold"):
        mine, theirs = game.stage_from("north")
        ua, ub = game.stage()
        np.testing.assert_allclose(mine, ua)
        game.submit("north", action)
        recorded = game.model.datacollector.tables["rounds"]["stage_payoffs"][-1]
        cells = np.array([[float(x) for x in c.split(",")] for c in recorded.split(";")])
        np.testing.assert_allclose(cells[:, 0].reshape(3, 3), ua, atol=1e-3)
        np.testing.assert_allclose(cells[:, 1].reshape(3, 3), ub, atol=1e-3)
    south = Game("classroom_basic", seed=3, human_seats=["south"], rounds=2)
    ua, ub = south.stage()
    mine, theirs = south.stage_from("south")
    np.testing.assert_allclose(mine, ub.T)
    np.testing.assert_allclose(theirs, ua.T)


def test_firms_report_who_pushes_which_way_and_why():
    game = solo(rounds=3)
    assert game.seat_view("north").firms == []  # firms report after the first round
    game.submit("north", "escalate")
    firms = {f.label.split(" ")[0]: f for f in game.seat_view("north").firms}
    assert firms["Textiles"].verdict == "escalate"
    assert "shields them" in " ".join(firms["Textiles"].reasons)
    assert firms["Machinery"].verdict == "concede"
    assert "South's 10% tariff" in " ".join(firms["Machinery"].reasons)


def test_us_china_view_shows_the_calendar_and_controls():
    game = Game("us_china_2025", seed=1, human_seats=["cn"], rounds=8)
    view = game.seat_view("cn")
    labels = [e.label for e in view.upcoming]
    assert "Threatened +100% US tariff" in labels
    assert view.rounds_to_deadline == 2  # the summit, round 3
    assert view.my_controls == {"rare_earth": 1} and view.partner_controls == {"chips": 2}
    assert game.seats["us"].strategy == "CrisisBargainer"  # the scenario default
    assert game.seats["us"].params == {}
    game.submit("cn", "escalate", "rare_earth")
    assert game.seat_view("cn").my_controls == {"rare_earth": 2}
    offer = game.make_offer("cn", 21.2, 20.8, {"rare_earth": 0}, {"chips": 0}, purchases=50.0)
    assert offer.purchases == 50.0
    with pytest.raises(TeachingError):
        game.make_offer("cn", 21.2, 20.8, purchases=500.0)


def test_unknown_scenario_and_strategy_read_as_teaching_errors():
    with pytest.raises(TeachingError, match="no such scenario"):
        Game("no_such_scenario")
    with pytest.raises(TeachingError, match="unknown strategy"):
        Game("classroom_basic", human_seats=["north"], opponent="Nope")
    with pytest.raises(TeachingError, match="no side"):
        Game("classroom_basic", human_seats=["east"])


def test_library_strategies_are_the_computer_ones():
    names = library_strategies()
    assert "Human" not in names and "TitForTat" in names
    assert all(get_strategy(n) for n in names)


def test_the_standard_offer_is_the_protocols_at_the_seats_pressure():
    """The offer shown to a student is the one the mechanism would build (N1): at the
    point of the seat's concession curve that its pressure (pain and time) has reached,
    not at the elapsed share of the horizon."""
    game = solo(rounds=12, opponent="AlwaysEscalate")
    for _ in range(6):
        game.submit("north", "hold")
    gov = game.model.governments["north"]
    assert gov.pressure > 0.0
    offer = game.standard_offer("north")
    assert offer.aspiration == pytest.approx(gov.strategy.aspiration(gov.pressure))
    assert offer.aspiration != pytest.approx(gov.strategy.aspiration(6 / 11))


def test_the_seat_reads_the_model_through_the_views():
    """The classroom's seat view, offer bounds and record take the kit's read models
    (``views.seat_view``, ``views.firm_reports``, ``views.deal_counts``), and no
    classroom module reads a party's configuration or the mechanism itself."""
    from pathlib import Path

    from negotiation_sim import teaching, views

    game = Game("us_china_2025", seed=2, human_seats=["us"], opponent="TitForTat", rounds=6)
    for move in ("escalate", "hold", "concede"):
        game.submit("us", move)
    for gid in game.parties:
        kit = views.seat_view(game.model, gid)
        seat = game.seat_view(gid)
        assert (seat.my_floor, seat.partner_floor, seat.tariff_step, seat.max_tariff) == (
            kit.floor_pct,
            kit.partner_floor_pct,
            kit.step_pp,
            kit.max_tariff_pct,
        )
        assert seat.firms == list(kit.firms) == game.firm_reports(gid)
        terms = game.offer_terms(gid)
        assert (terms["my_floor"], terms["partner_floor"]) == (kit.floor_pct, kit.partner_floor_pct)
    deals = views.deal_counts(game.model)
    record = game.record()
    assert (record["deals_struck"], record["deals_broken"]) == (deals.struck, deals.broken)
    folder = Path(teaching.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text()
        assert "party.config" not in text and ".mechanism." not in text, path.name

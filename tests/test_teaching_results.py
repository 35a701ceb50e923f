"""Teaching mode, what outlives a game: session configs, the store (atomic, reloaded after
a restart), the class CSV, the debrief (narrative, counterfactuals, ensemble) and the
instructor token."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from negotiation_sim.strategies import CrisisBargainer, TitForTat
from negotiation_sim.teaching.bots import Bot, play_class, play_room, random_policy, tit_for_tat
from negotiation_sim.teaching.debrief import (
    build_debrief,
    counterfactuals,
    ensemble_comparison,
    narrate,
    play,
    seat_strategy,
)
from negotiation_sim.teaching.game import Game, library_strategies
from negotiation_sim.teaching.rooms import RoomRegistry
from negotiation_sim.teaching.service import TeachingService
from negotiation_sim.teaching.sessions import (
    SESSIONS_DIR,
    SessionError,
    adhoc_config,
    load_sessions,
    loads_session,
)
from negotiation_sim.teaching.store import GameStore

ROOT = Path(__file__).resolve().parents[1]


def finished_record(rounds=4, seats=("north",), moves=None, **kw) -> dict:
    game = Game("classroom_basic", seed=2, human_seats=seats, rounds=rounds, **kw)
    moves = moves or ["escalate", "hold", "concede", "concede", "hold", "escalate"]
    k = 0
    while not game.finished:
        for seat in seats:
            if not game.finished and seat in game.waiting_for():
                game.submit(seat, moves[k % len(moves)])
        k += 1
    record = game.record()
    record.update(game_id=f"g{rounds}{len(seats)}", takeover_strategy="TitForTat")
    return record


# ---------------------------------------------------------------------- sessions
def test_shipped_session_configs_are_valid_and_have_their_exercises():
    configs, errors = load_sessions([SESSIONS_DIR])
    assert errors == []
    assert {"tariff_dilemma", "rare_earth_leverage", "deadlines_summits"} <= set(configs)
    scenarios = {c.scenario for c in configs.values()}
    assert {"classroom_basic", "us_china_2025"} <= scenarios
    for config in configs.values():
        assert config.exercise and (ROOT / config.exercise).is_file(), config.id
        assert config.mode in ("computer", "pair")
    assert configs["tariff_dilemma"].show.opponent_strategy is False
    assert configs["tariff_dilemma_pairs"].mode == "pair"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[session]\nname="x"\nscenario="classroom_basic"\nmood=1', "session.mood: unknown key"),
        ('[session]\nname="x"\nscenario="classroom_basic"\nmode="trio"', "session.mode"),
        ('[session]\nname="x"\nscenario="nope"', "no such scenario file"),
        ('[session]\nname="x"\nscenario="classroom_basic"\nseats=["us"]', "session.seats[0]"),
        (
            '[session]\nname="x"\nscenario="classroom_basic"\n[opponent]\nstrategy="Nope"',
            "opponent.strategy: unknown strategy: got 'Nope'",
        ),
        (
            '[session]\nname="x"\nscenario="classroom_basic"\n[opponent]\nstrategy="Random"\n'
            "params={p_escalate=7}",
            "opponent.params.p_escalate",
        ),
        (
            '[session]\nname="x"\nscenario="classroom_basic"\n[timing]\ntakeover_strategy="Human"',
            "timing.takeover_strategy: not a computer strategy",
        ),
        (
            '[session]\nname="x"\nscenario="classroom_basic"\n[timing]\nmove_time_limit=-1',
            "timing.move_time_limit: out of range: got -1",
        ),
        (
            '[session]\nname="x"\nscenario="classroom_basic"\noverrides=["economy.nope=1"]',
            "unknown override path",
        ),
        ("[session\n", "not valid TOML"),
    ],
)
def test_session_config_errors_name_file_field_value_and_what_is_allowed(text, needle):
    with pytest.raises(SessionError) as err:
        loads_session(text, source="class.toml")
    assert needle in str(err.value)
    assert str(err.value).startswith("class.toml")


def test_a_session_config_reads_with_defaults():
    config = loads_session('[session]\nname="Mine"\nscenario="classroom_basic"\n', "x.toml")
    assert config.parties == ("north", "south") and config.seat_choices() == config.parties
    assert config.mode == "computer" and config.rounds is None and config.opponent == ""
    assert config.takeover == "TitForTat" and config.show.stage_game


# ---------------------------------------------------------------------- results
def test_class_csv_has_one_row_per_game_with_each_pairs_payoffs(tmp_path):
    service = TeachingService(tmp_path, instructor_token="t")
    klass = service.registry.launch(adhoc_config("classroom_basic", mode="pair", rounds=3))
    play_class(service.registry, klass.code, 4, [tit_for_tat, random_policy(5)])
    solo = Bot(service.registry, "Solo").create(adhoc_config("classroom_basic", rounds=2))
    play_room([solo])
    rows = list(csv.DictReader(io.StringIO(service.store.class_csv(klass.code))))
    games = service.results(klass.code)
    assert len(rows) == len(games) == 2
    for row, game in zip(rows, games, strict=True):
        assert row["room"] == game["room"] and row["class_code"] == klass.code
        assert row["outcome"] == game["outcome"]
        for i, seat in enumerate(game["seats"], 1):
            assert row[f"player_{i}"] == seat["player"] and row[f"played_by_{i}"] == "bot"
            assert float(row[f"payoff_{i}"]) == pytest.approx(seat["payoff"])
    every = list(csv.DictReader(io.StringIO(service.store.class_csv())))
    assert len(every) == 3 and every[-1]["played_by_2"] == "computer"


def test_a_restarted_service_keeps_finished_games_and_class_codes(tmp_path):
    first = TeachingService(tmp_path, instructor_token="t")
    klass = first.launch("tariff_dilemma")
    bot = Bot(first.registry, "Ann", tit_for_tat).join(klass.code)
    unfinished = Bot(first.registry, "Bob").join(klass.code)
    play_room([bot])
    second = TeachingService(tmp_path, instructor_token="t")  # the server restarted
    assert [g["room"] for g in second.results()] == [bot.code]
    assert [k.code for k in second.registry.classes()] == [klass.code]
    again = Bot(second.registry, "Ann again").join(klass.code)
    assert again.code not in (bot.code, unfinished.code)
    assert second.registry.new_code() != bot.code


# ---------------------------------------------------------------------- instructor token
def test_the_instructor_token_is_required_and_exact(tmp_path):
    assert not TeachingService(tmp_path / "a").instructor_enabled
    assert not TeachingService(tmp_path / "a").check_token("")
    service = TeachingService(tmp_path / "b", instructor_token="class-of-2026")
    assert service.check_token("class-of-2026")
    for wrong in ("", None, "class-of-202", "class-of-2026 ", "CLASS-OF-2026"):
        assert not service.check_token(wrong)


# ---------------------------------------------------------------------- debrief
def test_replaying_the_recorded_moves_reproduces_the_payoffs():
    record = finished_record(rounds=6, seats=("north", "south"))
    strategies = {g: seat_strategy(record, g) for g in record["parties"]}
    model = play(record, strategies)
    for seat in record["seats"]:
        gov = model.governments[seat["gid"]]
        assert sum(gov.payoffs) == pytest.approx(seat["payoff"], abs=1e-5)


def test_replay_after_a_takeover_hands_over_to_the_strategy():
    registry = RoomRegistry()
    a = Bot(registry, "A", random_policy(2)).create(
        adhoc_config("classroom_basic", mode="pair", rounds=6)
    )
    b = Bot(registry, "B", tit_for_tat).join(a.code)
    a.act()
    b.act()
    a.act()
    registry.leave(b.code, b.token)
    play_room([a])
    record = registry.room(a.code).record
    assert record["seats"][1]["takeover_round"] == 2
    model = play(record, {g: seat_strategy(record, g) for g in record["parties"]})
    for seat in record["seats"]:
        assert sum(model.governments[seat["gid"]].payoffs) == pytest.approx(
            seat["payoff"], abs=1e-5
        )


def test_counterfactuals_put_each_library_strategy_in_the_seat():
    record = finished_record(rounds=5)
    table = counterfactuals(record, "north")
    assert sorted(c.strategy for c in table) == sorted(library_strategies())
    assert [c.payoff for c in table] == sorted((c.payoff for c in table), reverse=True)
    # the same strategy in the same seat, same seed, same opponent, run directly
    direct = play(record, {"north": TitForTat(), "south": CrisisBargainer()})
    tft = next(c for c in table if c.strategy == "TitForTat")
    assert tft.payoff == pytest.approx(sum(direct.governments["north"].payoffs))


def test_ensemble_comparison_places_the_game_among_computer_played_games():
    record = finished_record(rounds=5)
    e = ensemble_comparison(record, "north", seeds_per_strategy=2)
    assert e.runs == 2 * len(library_strategies())
    assert 0.0 <= e.welfare_percentile <= 1.0 and 0.0 <= e.outcome_share <= 1.0
    assert e.table["probability"].sum() == pytest.approx(1.0)
    assert set(e.by_strategy["strategy"]) == set(library_strategies())
    assert e.partner_strategy == "CrisisBargainer"  # the scenario default


def test_the_narrative_tells_what_happened_from_the_events():
    game = Game("us_china_2025", seed=1, human_seats=["us"], rounds=5)
    for action in ("hold", "concede", "concede", "hold", "hold"):
        game.submit("us", action)
    record = game.record()
    summary, paragraphs, moments = narrate(record, "us")
    text = " ".join(paragraphs + moments)
    assert summary.startswith("The game ended in")
    assert summary not in text  # the headline, not said again in the story
    assert "Negotiators meet in Malaysia" in text and "Leaders' summit" in text
    assert "China" in text and "Your moves:" in text
    assert any(m.startswith("Round 2 (20 Oct 2025)") for m in moments)
    if record["outcome"] in ("deal", "truce"):
        assert "was struck in round" in text


def test_build_debrief_ranks_the_student():
    record = finished_record(rounds=4)
    d = build_debrief(record, "north", ensemble_seeds=1)
    assert d.rank is not None and 1 <= d.rank <= len(library_strategies()) + 1
    assert d.opponent == "the computer, playing CrisisBargainer"
    assert d.ensemble is not None and d.ensemble.runs == len(library_strategies())
    quick = build_debrief(record, "north", with_counterfactuals=False, ensemble_seeds=0)
    assert quick.counterfactuals == [] and quick.ensemble is None


# ---------------------------------------------------------------------- after a takeover
def taken_over_record(leave_after: int) -> dict:
    """A pair game in which South's student plays ``leave_after`` rounds, then leaves."""
    registry = RoomRegistry()
    a = Bot(registry, "Ann", random_policy(4)).create(
        adhoc_config("classroom_basic", mode="pair", rounds=5)
    )
    b = Bot(registry, "Bob", tit_for_tat).join(a.code)
    for _ in range(leave_after):
        a.act()
        b.act()
    registry.leave(b.code, b.token)
    play_room([a])
    return registry.room(a.code).record


def test_the_debrief_after_a_takeover_tells_it_and_ranks_only_the_students_rounds():
    record = taken_over_record(2)
    assert record["seats"][1]["takeover_round"] == 3
    d = build_debrief(record, "south", ensemble_seeds=0)
    text = " ".join(d.paragraphs + d.moments)
    assert "The computer played your seat from round 3 (Bob left the game)" in text
    assert "rounds 1 to 2 were yours" in text
    assert (
        "Your moves (rounds 1 to 2):" in text and "the computer's for you (rounds 3 to 5)" in text
    )
    assert "Round 3 (" in text and "the computer took over your seat" in text
    assert "Your seat's payoff over the game" in text
    assert d.takeover_round == 3 and d.own_rounds == 2
    pays = record["seats"][1]["round_payoffs"]
    assert d.own_payoff == pytest.approx(sum(pays[:2]))
    # the rank compares the student's two rounds with each strategy's first two rounds
    better = sum(c.payoff_over(2) > d.own_payoff + 1e-9 for c in d.counterfactuals)
    assert d.rank == better + 1
    full = [c.payoff for c in d.counterfactuals]
    assert [c.payoff_over(None) for c in d.counterfactuals] == full


def test_a_student_who_never_moved_gets_no_rank():
    record = taken_over_record(0)
    d = build_debrief(record, "south", ensemble_seeds=0)
    text = " ".join(d.paragraphs + d.moments)
    assert "from round 1 (Bob left the game): you made no move of your own" in text
    assert "Your moves" not in text and "you held" not in text
    assert d.rank is None and d.counterfactuals  # the table, without a rank
    assert (
        "Bob (a bot), then the computer (TitForTat) from round 1"
        in build_debrief(record, "north", with_counterfactuals=False, ensemble_seeds=0).opponent
    )


# ---------------------------------------------------------------------- exports
def test_dropouts_and_bots_are_labelled_and_dropouts_do_not_count(tmp_path):
    service = TeachingService(tmp_path, "t")
    klass = service.registry.launch(adhoc_config("classroom_basic", rounds=3))
    room, token = service.registry.join(klass.code, "Drop")  # a student ...
    service.registry.leave(room.code, token)  # ... who leaves before moving
    play_class(service.registry, klass.code, 2, [tit_for_tat])
    games = service.results(klass.code)
    assert len(games) == 3
    rows = list(csv.DictReader(io.StringIO(service.store.class_csv(klass.code))))
    by_player = {r["player_1"] or r["player_2"]: r for r in rows}
    drop = by_player["Drop"]
    assert drop["counted"] == "no"
    assert "dropout (Drop left the game)" in (drop["played_by_1"] + drop["played_by_2"])
    assert by_player["Bot 1"]["counted"] == "yes"
    assert "bot" in (by_player["Bot 1"]["played_by_1"] + by_player["Bot 1"]["played_by_2"])
    assert sum(service.outcome_counts(klass.code).values()) == 2  # the chart leaves it out


def test_the_round_csv_has_one_row_per_seat_per_round(tmp_path):
    record = finished_record(rounds=4)
    record.update(game_id="g", room="RRRRR", class_code="CCCCC", session="s")
    store = GameStore(tmp_path)
    store.save(record)
    rows = list(csv.DictReader(io.StringIO(store.rounds_csv())))
    assert len(rows) == 2 * 4
    assert [(r["round"], r["side"]) for r in rows[:4]] == [
        ("1", "north"),
        ("1", "south"),
        ("2", "north"),
        ("2", "south"),
    ]
    north = [r for r in rows if r["side"] == "north"]
    assert [r["move"].split(":")[0] for r in north] == ["escalate", "hold", "concede", "concede"]
    assert [r["played_by"] for r in north] == ["student"] * 4
    assert {r["played_by"] for r in rows if r["side"] == "south"} == {"computer"}
    pays = record["seats"][0]["round_payoffs"]
    assert [float(r["payoff"]) for r in north] == pytest.approx(pays)
    assert sum(pays) == pytest.approx(record["seats"][0]["payoff"], abs=1e-5)
    assert north[0]["partner_move"] == rows[1]["move"]  # South's move in round 1
    assert {r["room"] for r in rows} == {"RRRRR"} and {r["counted"] for r in rows} == {"yes"}


# ---------------------------------------------------------------------- shadow games
@pytest.mark.parametrize("leave_after", [None, 2, 0])
def test_counterfactuals_played_alongside_a_pair_game_equal_those_from_its_record(leave_after):
    """The shadow games follow the game round by round (and a takeover), and end where
    the counterfactuals computed from the finished record end."""
    from negotiation_sim.teaching.shadow import ShadowWorker

    worker = ShadowWorker()
    registry = RoomRegistry()
    registry.on_round = worker.follow  # in this thread, after every round
    a = Bot(registry, "Ann", random_policy(4)).create(
        adhoc_config("classroom_basic", mode="pair", rounds=5)
    )
    b = Bot(registry, "Bob", random_policy(9)).join(a.code)
    k = 0
    while not registry.room(a.code).game.finished:
        if leave_after is not None and k == leave_after:
            registry.leave(b.code, b.token)
            play_room([a])
            break
        a.act()
        b.act()
        k += 1
    record = dict(registry.room(a.code).record)
    for gid in record["parties"]:
        shadow = worker._shadows[(record["game_id"], gid)]
        # every round was played along with the game: nothing is left for the debrief
        assert all(not m.running for m in shadow.models.values())
        assert worker.finish(record, gid) == counterfactuals(record, gid)
    assert worker.finish(record, "north") is None  # handed over once

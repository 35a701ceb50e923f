"""Teaching mode, rooms: codes, seats, secrecy, bad input, time limits and takeover,
class sessions, isolation under concurrency, and bots playing rooms end to end."""

from __future__ import annotations

import threading

import pytest

from negotiation_sim.teaching.bots import (
    Bot,
    always,
    best_reply,
    play_class,
    play_room,
    random_policy,
    sequence,
    stall,
    tit_for_tat,
)
from negotiation_sim.teaching.game import TeachingError
from negotiation_sim.teaching.rooms import ALPHABET, CODE_LENGTH, RoomRegistry
from negotiation_sim.teaching.sessions import adhoc_config


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def finished() -> list[dict]:
    return []


@pytest.fixture
def registry(clock, finished) -> RoomRegistry:
    return RoomRegistry(on_finish=finished.append, clock=clock)


def pair_config(**kw):
    return adhoc_config("classroom_basic", mode="pair", rounds=kw.pop("rounds", 3), **kw)


def solo_config(**kw):
    return adhoc_config("classroom_basic", mode="computer", opponent="TitForTat", **kw)


def test_codes_are_short_unambiguous_and_unique(registry):
    codes = {registry.new_code() for _ in range(300)}
    assert len(codes) == 300
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01ILO") & set(ALPHABET)


def test_solo_room_plays_against_the_computer_and_saves_once(registry, finished):
    room, token = registry.create_room(solo_config(rounds=3), "Ann", "south")
    assert room.state == "playing"
    view = registry.view(room.code.lower(), token)  # codes are case-insensitive
    assert view.me == "south" and view.seat.name == "South"
    assert [s.kind for s in view.seats] == ["computer", "student"]
    assert view.seats[0].strategy == "TitForTat"  # shown (not blind)
    for _ in range(3):
        registry.submit(room.code, token, "south", "hold")
    assert registry.view(room.code, token).finished
    assert len(finished) == 1
    record = finished[0]
    assert record["room"] == room.code and record["seats"][1]["player"] == "Ann"
    assert record["outcome"] in ("stalemate", "deal", "truce", "trade_war")


def test_blind_play_hides_the_strategy_until_the_end(registry):
    config = adhoc_config("classroom_basic", opponent="GrimTrigger", blind=True, rounds=2)
    room, token = registry.create_room(config, "Ann", "north")
    assert registry.view(room.code, token).seats[1].strategy == "hidden"
    assert "GrimTrigger" not in repr(registry.view(room.code, token).seats)
    assert registry.view(room.code, instructor=True).seats[1].strategy == "GrimTrigger"
    registry.submit(room.code, token, "north", "hold")
    registry.submit(room.code, token, "north", "hold")
    assert registry.view(room.code, token).seats[1].strategy == "GrimTrigger"


def test_pair_room_joins_by_code_and_keeps_moves_secret(registry, finished):
    room, ann = registry.create_room(pair_config(), "Ann", "north")
    assert registry.view(room.code, ann).state == "waiting"
    with pytest.raises(TeachingError) as err:
        registry.submit(room.code, ann, "north", "hold")
    assert err.value.code == "not_started"
    joined, bob = registry.join(f"  {room.code.lower()} ", "Bob")
    assert joined is room and registry.view(room.code, bob).me == "south"
    with pytest.raises(TeachingError) as err:
        registry.join(room.code, "Cy")
    assert err.value.code == "room_full"
    registry.submit(room.code, ann, "north", "escalate")
    seen_by_bob = registry.view(room.code, bob)
    assert seen_by_bob.seats[0].moved is True
    assert seen_by_bob.seat.my_pending is None
    assert "escalate" not in repr(seen_by_bob).lower()
    assert seen_by_bob.waiting_for == ["South"]
    registry.submit(room.code, bob, "south", "concede")
    after = registry.view(room.code, bob)
    assert after.seat.last.partner_move == "escalate:tariff"
    assert after.seat.last.my_move == "concede:tariff"
    for _ in range(2):
        registry.submit(room.code, ann, "north", "hold")
        registry.submit(room.code, bob, "south", "hold")
    assert len(finished) == 1 and {s["player"] for s in finished[0]["seats"]} == {"Ann", "Bob"}


def test_bad_input_gets_a_clear_message_and_changes_nothing(registry):
    room, ann = registry.create_room(pair_config(rounds=1), "Ann", "north")
    _, bob = registry.join(room.code, "Bob")
    cases = [
        (lambda: registry.view("ZZZZZ", ann), "unknown_room", "no room with code ZZZZZ"),
        (lambda: registry.submit("ZZZZZ", ann, "north", "hold"), "unknown_room", "ZZZZZ"),
        (lambda: registry.submit(room.code, "forged", "north", "hold"), "not_seated", "seat"),
        (lambda: registry.submit(room.code, ann, "south", "hold"), "wrong_seat", "You play North"),
        (lambda: registry.submit(room.code, ann, "north", "maybe"), "bad_move", "escalate, hold"),
    ]
    for call, code, text in cases:
        with pytest.raises(TeachingError) as err:
            call()
        assert err.value.code == code
        assert text.lower() in str(err.value).lower()
    assert room.game.pending == {} and room.game.round == 1
    registry.submit(room.code, ann, "north", "hold")
    with pytest.raises(TeachingError) as err:
        registry.submit(room.code, ann, "north", "escalate")
    assert err.value.code == "double_move"
    assert str(room.game.pending["north"]) == "hold"
    registry.submit(room.code, bob, "south", "hold")
    version = room.version
    with pytest.raises(TeachingError) as err:
        registry.submit(room.code, bob, "south", "hold")
    assert err.value.code == "game_over"
    assert room.version == version


def test_a_student_who_stalls_is_replaced_and_the_game_carries_on(registry, clock, finished):
    room, ann = registry.create_room(pair_config(rounds=3, move_time_limit=30), "Ann", "north")
    _, bob = registry.join(room.code, "Bob")
    registry.submit(room.code, ann, "north", "hold")
    clock.advance(20)
    registry.tick()
    assert room.game.seats["south"].human
    assert registry.view(room.code, ann).time_left is None  # Ann has moved
    assert registry.view(room.code, bob).time_left == pytest.approx(10)
    clock.advance(11)
    registry.tick()
    assert not room.game.seats["south"].human
    assert room.game.round == 2  # the round resolved with the computer's move
    bob_view = registry.view(room.code, bob)
    assert bob_view.seat.computer_plays_me
    assert "did not move within 30 seconds" in bob_view.seats[1].takeover
    with pytest.raises(TeachingError) as err:
        registry.submit(room.code, bob, "south", "hold")
    assert err.value.code == "taken_over"
    registry.submit(room.code, ann, "north", "escalate")
    registry.submit(room.code, ann, "north", "escalate")
    assert room.state == "finished"
    south = finished[0]["seats"][1]
    assert south["takeover_round"] == 1 and south["strategy"] == "TitForTat"


def test_a_student_whose_page_is_gone_is_replaced(registry, clock):
    config = pair_config(rounds=2).with_changes(absent_after=15.0)
    room, ann = registry.create_room(config, "Ann", "north")
    registry.join(room.code, "Bob")
    clock.advance(10)
    registry.touch(room.code, ann)  # Ann's page is open; Bob's is not
    clock.advance(6)
    registry.tick()
    assert room.game.seats["north"].human and not room.game.seats["south"].human
    assert "page closed" in room.game.seats["south"].takeover_reason


def test_leaving_hands_the_seat_to_the_computer(registry):
    room, ann = registry.create_room(pair_config(rounds=2), "Ann", "north")
    _, bob = registry.join(room.code, "Bob")
    registry.leave(room.code, bob)
    assert "Bob left the game" in room.game.seats["south"].takeover_reason
    registry.submit(room.code, ann, "north", "hold")
    registry.submit(room.code, ann, "north", "hold")
    assert room.state == "finished"


def test_waiting_rooms_fill_with_the_computer(registry, clock):
    room, _ = registry.create_room(pair_config(join_time_limit=60.0), "Ann", "north")
    clock.advance(61)
    registry.tick()
    assert room.state == "playing" and not room.game.seats["south"].human
    other, cy = registry.create_room(pair_config(), "Cy", "south")
    registry.play_computer_now(other.code, cy)
    assert other.state == "playing" and not other.game.seats["north"].human


def test_class_sessions_pair_students_by_arrival_and_balance_sides(registry):
    pairs = registry.launch(pair_config(rounds=2))
    rooms = [registry.join(pairs.code, name)[0] for name in ("A", "B", "C", "D", "E")]
    assert rooms[0] is rooms[1] and rooms[2] is rooms[3] and rooms[4] not in rooms[:4]
    assert rooms[0].state == "playing" and rooms[4].state == "waiting"
    assert all(r.class_code == pairs.code for r in rooms)
    solos = registry.launch(solo_config(rounds=2))
    seats = [registry.join(solos.code, n)[0].players for n in ("A", "B", "C", "D")]
    sides = [next(iter(p)) for p in seats]
    assert sorted(sides) == ["north", "north", "south", "south"]
    registry.close_class(solos.code)
    with pytest.raises(TeachingError) as err:
        registry.join(solos.code, "Late")
    assert err.value.code == "closed"
    with pytest.raises(TeachingError, match="class code"):
        registry.view(solos.code)


def test_names_are_cleaned(registry):
    room, _ = registry.create_room(solo_config(rounds=1), "<b>Ann</b> *x*", "north")
    assert room.players["north"].name == "bAnn/b x"
    room2, _ = registry.create_room(solo_config(rounds=1), "   ", "north")
    assert room2.players["north"].name == "Student"


def test_bots_play_solo_and_pair_rooms_to_the_end(registry, finished):
    solo_bot = Bot(registry, "Solo", best_reply).create(solo_config(rounds=4), "north")
    assert play_room([solo_bot]).finished
    a = Bot(registry, "A", random_policy(3)).create(pair_config(rounds=6))
    b = Bot(registry, "B", tit_for_tat).join(a.code)
    final = play_room([a, b])
    assert final.finished and a.errors == [] and b.errors == []
    assert a.moves == b.moves == 6
    record = finished[-1]
    # tit for tat as a bot: south copies north's previous move
    north = [m["action"] for m in record["seats"][0]["moves"]]
    south = [m["action"] for m in record["seats"][1]["moves"]]
    assert south == ["hold", *north[:-1]]


def test_a_stalling_bot_is_taken_over_by_the_clock(registry, clock):
    a = Bot(registry, "A", always("escalate")).create(pair_config(rounds=3, move_time_limit=5))
    b = Bot(registry, "B", stall).join(a.code)
    a.act()
    clock.advance(6)
    final = play_room([a, b])
    assert final.finished
    assert final.seats[1].kind == "computer" and "did not move" in final.seats[1].takeover


def test_play_class_fills_a_session_with_bots(registry, finished):
    klass = registry.launch(pair_config(rounds=3))
    finals = play_class(registry, klass.code, 5, [tit_for_tat, random_policy(1)])
    assert len(finals) == 3 and all(f.finished for f in finals)
    assert len(finished) == 3 and {g["class_code"] for g in finished} == {klass.code}
    odd = [g for g in finished if any(not s["human"] for s in g["seats"])]
    assert len(odd) == 1  # the fifth student played the computer


def test_rooms_are_isolated_under_concurrent_play(registry, finished):
    """Eight rooms played at once from threads give the same games as played one by one."""
    script = {i: ["escalate", "hold", "concede", "hold"][i % 4 :] + ["hold"] * 4 for i in range(8)}

    def play(i: int, out: dict) -> None:
        a = Bot(registry, f"A{i}", sequence(script[i])).create(pair_config(rounds=4))
        b = Bot(registry, f"B{i}", tit_for_tat).join(a.code)
        out[i] = play_room([a, b]).code

    codes: dict[int, str] = {}
    threads = [threading.Thread(target=play, args=(i, codes)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(codes.values())) == 8 and len(finished) == 8
    by_room = {g["room"]: g for g in finished}
    alone = RoomRegistry(on_finish=lambda r: None)
    for i, code in codes.items():
        a = Bot(alone, "A", sequence(script[i])).create(pair_config(rounds=4))
        b = Bot(alone, "B", tit_for_tat).join(a.code)
        play_room([a, b])
        expected = alone.room(a.code).record
        got = by_room[code]
        assert [s["payoff"] for s in got["seats"]] == [s["payoff"] for s in expected["seats"]]
        assert got["trajectory"] == expected["trajectory"]


def test_students_arriving_at_the_same_moment_are_paired(registry):
    """Twenty students join a pair session at once (from threads): ten rooms of two."""
    klass = registry.launch(pair_config(rounds=2))
    start = threading.Event()
    rooms: list = []

    def arrive(i: int) -> None:
        start.wait()
        rooms.append(registry.join(klass.code, f"S{i}")[0])

    threads = [threading.Thread(target=arrive, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join()
    assert len({r.code for r in rooms}) == 10
    assert all(r.state == "playing" and len(r.players) == 2 for r in rooms)

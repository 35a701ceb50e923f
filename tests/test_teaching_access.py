"""Teaching mode, access: the brake on guessing the instructor token, logins held by the
browser (and kept over a restart), seats bound to the browser that took them, and the
instructor's one-time hand-back key."""

from __future__ import annotations

import pytest

from negotiation_sim.teaching.access import MAX_DELAY, InstructorAccess, Throttle
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.registry import RoomRegistry
from negotiation_sim.teaching.service import TeachingService
from negotiation_sim.teaching.sessions import adhoc_config
from negotiation_sim.teaching.store import GameStore


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_each_wrong_try_doubles_the_wait_for_that_client():
    clock = Clock()
    throttle = Throttle(clock, budget=1000)
    assert throttle.wait("a") == 0
    assert [throttle.failed("a") for _ in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert throttle.wait("b") == 0  # another client is not slowed down
    clock.t += 5
    assert throttle.wait("a") == pytest.approx(3.0)
    for _ in range(20):
        throttle.failed("a")
    assert throttle.wait("a") == MAX_DELAY
    throttle.succeeded("a")
    assert throttle.wait("a") == 0


def test_many_wrong_tries_from_many_clients_slow_down_everyone():
    clock = Clock()
    throttle = Throttle(clock, window=60.0, budget=5)
    for i in range(5):  # a guesser who drops its cookie each time
        throttle.failed(f"fresh-{i}")
        clock.t += 1
    assert throttle.wait("someone-new") == pytest.approx(55.0)
    clock.t += 55
    assert throttle.wait("someone-new") == 0


def test_a_login_is_held_by_the_browser_and_kept_over_a_restart(tmp_path):
    service = TeachingService(tmp_path, "class-of-2026")
    assert not service.is_instructor("teacher-cookie")
    wrong = service.login("guess", "student-cookie")
    assert (
        not wrong.ok
        and "Wrong instructor token" in wrong.message
        and wrong.wait == pytest.approx(1.0, abs=0.01)
    )
    blocked = service.login("class-of-2026", "student-cookie")  # within the wait: unchecked
    assert not blocked.ok and "Too many wrong tokens" in blocked.message
    assert not service.is_instructor("student-cookie")
    assert service.login("class-of-2026", "teacher-cookie").ok
    assert service.is_instructor("teacher-cookie") and not service.is_instructor("other")
    service.store.close()
    again = TeachingService(tmp_path, "class-of-2026")
    assert again.is_instructor("teacher-cookie")  # the server restarted; the login stayed
    again.access.logout("teacher-cookie")
    assert not again.is_instructor("teacher-cookie")
    assert not TeachingService(tmp_path / "off").login("", "x").ok  # no token: no view


def test_the_same_wrong_token_twice_is_answered_alike_and_counted_once(tmp_path):
    # A page that opens a ?token= link twice (a reconnect under load) asked twice with
    # one wrong token: the second answer must say "wrong", not "too many", and the wait
    # must not double. A different guess within the wait is still not even checked.
    clock = Clock()
    access = InstructorAccess("class-of-2026", GameStore(tmp_path), clock=clock)
    first = access.login("guess", "browser")
    again = access.login("guess", "browser")
    assert "Wrong instructor token" in first.message and first.wait == pytest.approx(1.0)
    assert again.message == first.message and again.wait == pytest.approx(1.0)
    assert "Too many" in access.login("guess-2", "browser").message
    clock.t += 1.0
    assert access.login("guess-2", "browser").wait == pytest.approx(2.0)  # counted: 2nd
    assert "Too many" in access.login("guess", "browser").message  # not the last one
    clock.t += 2.0
    assert access.login("class-of-2026", "browser").ok
    access.store.close()


def test_a_seat_is_held_by_its_browser_and_handed_back_once():
    registry = RoomRegistry()
    config = adhoc_config("classroom_basic", rounds=3)
    room, token = registry.create_room(config, "Ann", "north", browser="ann-laptop")
    assert registry.view(room.code, "ann-laptop").me == "north"
    assert registry.view(room.code, token).me == "north"  # the seat's token works too
    with pytest.raises(TeachingError, match="seats were taken from other browsers"):
        registry.view(room.code, "ann-phone")
    with pytest.raises(TeachingError) as err:
        registry.join(room.code, "Ann again", browser="ann-laptop")
    assert err.value.code in ("room_full", "already_seated")
    key = registry.hand_back(room.code, "north")
    registry.claim(room.code, key, "ann-phone")
    assert registry.view(room.code, "ann-phone").me == "north"
    registry.claim(room.code, key, "ann-phone")  # the same browser again: still fine
    with pytest.raises(TeachingError, match="not hold a seat"):
        registry.view(room.code, "ann-laptop")  # the old browser lost the seat
    with pytest.raises(TeachingError) as err:
        registry.claim(room.code, key, "someone-else")
    assert err.value.code == "bad_claim"
    registry.submit(room.code, "ann-phone", "north", "hold")
    assert room.game.round == 2


def test_a_browser_holds_one_seat_of_a_room():
    registry = RoomRegistry()
    room, _ = registry.create_room(
        adhoc_config("classroom_basic", mode="pair", rounds=2), "Ann", "north", browser="b1"
    )
    with pytest.raises(TeachingError) as err:
        registry.join(room.code, "Ann's twin", browser="b1")
    assert err.value.code == "already_seated"
    registry.join(room.code, "Bob", browser="b2")
    assert registry.view(room.code, "b2").me == "south"

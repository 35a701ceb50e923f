"""Bot players, in the spirit of oTree's bots: they join rooms and move through the same
``RoomRegistry`` calls the browser pages make, seeing only what a student sees.

A policy maps the student's ``SeatView`` to a decision ``(action, instrument, offer)``,
or to ``None`` to stall (no move this time, for testing time limits)::

    bot = Bot(registry, "Ann", tit_for_tat)
    bot.join(code)
    while not bot.done():
        bot.act()

``play_room`` drives the bots of one room to the end; ``play_class`` fills a launched
class session with bots and plays every game (also the instructor view's demo button).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from negotiation_sim.core import Package
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.registry import RoomRegistry
from negotiation_sim.teaching.room import Room, RoomView
from negotiation_sim.teaching.seatview import SeatView
from negotiation_sim.teaching.sessions import SessionConfig

#: (action, instrument or None, offer: a Package, the terms of Game.make_offer, or None)
Decision = tuple[str, str | None, Package | dict | None]
Policy = Callable[[SeatView], Decision | None]


# ---------------------------------------------------------------------- policies
def always(action: str, instrument: str | None = None) -> Policy:
    def policy(view: SeatView) -> Decision:
        return action, instrument, None

    policy.__name__ = f"always_{action}"
    return policy


def sequence(actions: Sequence[str], then: str = "hold") -> Policy:
    """Play ``actions[k]`` in round k + 1, then ``then``."""

    def policy(view: SeatView) -> Decision:
        k = view.round - 1
        return (actions[k] if k < len(actions) else then), None, None

    return policy


def tit_for_tat(view: SeatView) -> Decision:
    """Hold first, then copy the partner's last move (as seen)."""
    if not view.history:
        return "hold", None, None
    return view.history[-1].partner_move.split(":")[0], None, None


def best_reply(view: SeatView) -> Decision:
    """Best reply in this round's stage-game estimate to the partner's last move."""
    if view.stage_mine is None:
        return "hold", None, None
    last = view.history[-1].partner_move.split(":")[0] if view.history else "hold"
    col = ("escalate", "hold", "concede").index(last)
    values = [row[col] for row in view.stage_mine]
    return ("escalate", "hold", "concede")[values.index(max(values))], None, None


def random_policy(seed: int = 0) -> Policy:
    """Random moves; a concession comes with the bot's own offer half the time (its
    tariff one step down, the partner's back to its floor)."""
    rng = random.Random(seed)

    def policy(view: SeatView) -> Decision:
        action = rng.choice(["escalate", "hold", "concede"])
        instrument = rng.choice([None, *view.instruments]) if action != "hold" else None
        offer = None
        if action == "concede" and rng.random() < 0.5:
            offer = {
                "my_tariff": max(view.my_floor, view.my_tariff - view.tariff_step),
                "partner_tariff": view.partner_floor,
            }
        return action, instrument, offer

    return policy


def stall(view: SeatView) -> None:
    """Never moves."""
    return None


POLICIES: dict[str, Policy] = {
    "tit_for_tat": tit_for_tat,
    "best_reply": best_reply,
    "always_escalate": always("escalate"),
    "always_hold": always("hold"),
    "always_concede": always("concede"),
}


# ---------------------------------------------------------------------- the bot
@dataclass
class Bot:
    registry: RoomRegistry
    name: str
    policy: Policy = tit_for_tat
    code: str = ""
    token: str = ""
    seat: str = ""
    moves: int = 0
    errors: list[str] = field(default_factory=list)
    seen: list[RoomView] = field(default_factory=list)

    def _seated(self, room: Room, token: str) -> Bot:
        self.code, self.token = room.code, token
        self.seat = room.player_for(token).seat  # type: ignore[union-attr]
        return self

    def create(self, config: SessionConfig, seat: str | None = None) -> Bot:
        room, token = self.registry.create_room(config, self.name, seat, kind="bot")
        return self._seated(room, token)

    def join(self, code: str, seat: str | None = None) -> Bot:
        room, token = self.registry.join(code, self.name, seat, kind="bot")
        return self._seated(room, token)

    def view(self) -> RoomView:
        view = self.registry.view(self.code, self.token)
        self.seen.append(view)
        return view

    def done(self) -> bool:
        view = self.registry.view(self.code, self.token)
        return view.finished or (view.seat is not None and view.seat.computer_plays_me)

    def act(self) -> bool:
        """Move if the room waits for this bot's move; True if it moved."""
        self.registry.touch(self.code, self.token)
        view = self.view()
        seat = view.seat
        if view.state != "playing" or seat is None or seat.computer_plays_me:
            return False
        if seat.my_pending is not None:
            return False
        decision = self.policy(seat)
        if decision is None:
            return False
        action, instrument, offer = decision
        try:
            self.registry.submit(self.code, self.token, self.seat, action, instrument, offer)
        except TeachingError as exc:
            self.errors.append(str(exc))
            return False
        self.moves += 1
        return True

    def leave(self) -> None:
        self.registry.leave(self.code, self.token)


def play_room(bots: Iterable[Bot], max_turns: int = 100_000) -> RoomView:
    """Let the bots of one room move in turn until its game ends; returns the last view.
    Raises ``RuntimeError`` if the game cannot end (every bot stalls without a time limit)."""
    bots = list(bots)
    idle = 0
    for _ in range(max_turns):
        moved = False
        for bot in bots:
            moved |= bot.act()
        view = bots[0].registry.view(bots[0].code, bots[0].token)
        if view.finished:
            return view
        idle = 0 if moved else idle + 1
        if idle > 3:
            bots[0].registry.tick()
            if idle > 50:
                raise RuntimeError(f"room {view.code} is stuck waiting for {view.waiting_for}")
    raise RuntimeError("too many turns")


def play_class(
    registry: RoomRegistry,
    class_code: str,
    students: int,
    policies: Sequence[Policy] = (tit_for_tat,),
    prefix: str = "Bot",
) -> list[RoomView]:
    """Join ``students`` bots to a class session (pairing them if the session pairs) and
    play every game they are in to the end. Returns the final view of each room."""
    bots = []
    for i in range(students):
        bot = Bot(registry, f"{prefix} {i + 1}", policies[i % len(policies)])
        bots.append(bot.join(class_code))
    by_room: dict[str, list[Bot]] = {}
    for bot in bots:
        by_room.setdefault(bot.code, []).append(bot)
    finals = []
    for code, members in by_room.items():
        room = registry.room(code)
        if room.state == "waiting":  # an odd student out plays the computer
            registry.play_computer_now(code, members[0].token)
        finals.append(play_room(members))
    return finals

"""Counterfactual games played alongside a two-student game, round by round.

In a pair game the counterfactuals of a seat replay the partner's moves, so they cannot
be shared with other games; computed at the end, a class of pairs finishing together
would queue up for them. ``Shadow`` plays them while the game goes on instead: one
model per library strategy in the seat, the partner replaying the student's moves as
each round resolves (and, after a takeover, the takeover strategy). When the game is
over ``finish(record)`` plays what is left from the record and returns exactly what
``debrief.counterfactuals(record, gid)`` would (or ``None`` if the record does not
continue what the shadow saw). ``ShadowWorker`` advances the shadows of every pair game
from one background thread after each round.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.core import Move
from negotiation_sim.strategies import get_strategy
from negotiation_sim.teaching.debrief import Counterfactual, base_scenario
from negotiation_sim.teaching.moves import (
    ReplayStrategy,
    library_strategies,
    move_from_dict,
    move_to_dict,
)

if TYPE_CHECKING:
    from negotiation_sim.teaching.room import Room

logger = logging.getLogger(__name__)


class Shadow:
    """The counterfactual games of seat ``gid`` of a game whose setting ``record`` gives
    (``Game.record()`` at any point: scenario, overrides, seed, rounds, parties)."""

    def __init__(self, record: Mapping[str, Any], gid: str) -> None:
        self.gid = gid
        self.partner = next(g for g in record["parties"] if g != gid)
        spec = base_scenario(record)
        self.seen: list[Move] = []  # the partner student's moves fed so far
        self.replays: dict[str, ReplayStrategy] = {}
        self.models: dict[str, NegotiationModel] = {}
        for name in library_strategies():
            model = NegotiationModel(
                spec, rng=record["seed"], rounds=record["rounds"], record_stage_game=False,
                record=False,
            )  # fmt: skip
            replay = ReplayStrategy([])
            model.governments[gid].replace_strategy(get_strategy(name))
            model.governments[self.partner].replace_strategy(replay)
            self.models[name], self.replays[name] = model, replay
        self.then: tuple[str, dict[str, Any]] | None = None  # the takeover strategy

    def advance(self, moves: list[Move], then: tuple[str, dict[str, Any]] | None) -> None:
        """Feed the partner student's moves so far (and the takeover strategy, once the
        computer plays the partner's seat); play every round they settle."""
        if moves[: len(self.seen)] != self.seen:
            raise ValueError("the partner's moves do not continue what was seen")
        self.seen = list(moves)
        for replay in self.replays.values():
            replay.moves = list(moves)
        if then is not None and self.then is None:
            self.then = then
            for replay in self.replays.values():
                replay.then = get_strategy(then[0], **dict(then[1]))
        for model in self.models.values():
            while model.running and (self.then is not None or model.round < len(self.seen)):
                model.step()

    def finish(self, record: Mapping[str, Any]) -> list[Counterfactual] | None:
        """The counterfactuals of the finished game ``record`` (best first), or None if
        the record is not the game the shadow followed."""
        seat = next(s for s in record["seats"] if s["gid"] == self.partner)
        if not seat.get("human"):
            return None
        moves = [move_from_dict(m) for m in seat["moves"]]
        k = seat.get("takeover_round")
        then = None
        if k is not None:
            moves, then = moves[: k - 1], (seat["strategy"], dict(seat.get("params") or {}))
        if [move_to_dict(m) for m in moves[: len(self.seen)]] != [
            move_to_dict(m) for m in self.seen
        ]:
            return None
        if self.then is not None and self.then != then:
            return None
        self.advance(moves, then)
        out = []
        for name, model in self.models.items():
            if model.running:
                return None
            gov = model.governments[self.gid]
            out.append(
                Counterfactual(
                    name,
                    float(sum(gov.payoffs)),
                    model.outcome,
                    float(model.cumulative_welfare[gov.index]),
                    tuple(float(p) for p in gov.payoffs),
                )
            )
        return sorted(out, key=lambda c: -c.payoff)


class ShadowWorker:
    """Advances the shadows of every two-student game from one background thread, after
    each round (``Room.on_round``); ``finish`` hands a seat's result to its debrief."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shadows: dict[tuple[str, str], Shadow] = {}
        self._busy: dict[tuple[str, str], threading.Lock] = {}
        self._queue: queue.SimpleQueue[Room | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def round_played(self, room: Room) -> None:
        """A round of ``room`` resolved: queue its shadows (pair games only)."""
        if room.mode != "pair":
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="teaching-shadows", daemon=True
                )
                self._thread.start()
        self._queue.put(room)

    def _run(self) -> None:
        while True:
            room = self._queue.get()
            if room is None:
                return
            try:
                self.follow(room)
            except Exception:  # only a head start: the debrief computes what is missing
                logger.exception("shadow games of room %s failed", room.code)

    def follow(self, room: Room) -> None:
        """Bring the shadows of ``room``'s seats up to the rounds played."""
        with room.lock:
            game = room.game
            if any(g not in room.humans for g in game.parties):
                return
            state = {}
            for gid in game.parties:
                partner = game.partner_of(gid)
                pseat = game.seats[partner]
                moves = list(game.model.governments[partner].moves)
                then = None
                if not pseat.human and pseat.takeover_round is not None:
                    moves = moves[: pseat.takeover_round - 1]
                    then = (pseat.strategy or "", dict(pseat.params))
                state[gid] = (moves, then)
            setting = (
                None if all((room.game_id, g) in self._shadows for g in state) else (game.record())
            )
        for gid, (moves, then) in state.items():
            key = (room.game_id, gid)
            with self._lock:
                lock = self._busy.setdefault(key, threading.Lock())
            with lock:
                shadow = self._shadows.get(key)
                if shadow is None and game.finished:
                    continue  # its debrief took it (or will compute it)
                if shadow is None:
                    assert setting is not None
                    shadow = self._shadows[key] = Shadow(setting, gid)
                shadow.advance(moves, then)

    def finish(self, record: Mapping[str, Any], gid: str) -> list[Counterfactual] | None:
        """The shadow's counterfactuals for seat ``gid`` of the finished game, or None."""
        key = (record.get("game_id", ""), gid)
        with self._lock:
            lock = self._busy.setdefault(key, threading.Lock())
        with lock:
            shadow = self._shadows.get(key)
            if shadow is None:
                return None
            try:
                result = shadow.finish(record)
            except ValueError:
                result = None
            with self._lock:
                self._shadows.pop(key, None)
            return result

    def stop(self) -> None:
        self._queue.put(None)

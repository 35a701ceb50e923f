"""A room: one game and the people in it, the controller around a ``Game``.

As oTree's pages do, the room waits for every student seat to move, then calls the game
logic once (``Game.submit_move`` resolves the round when the last move arrives). Each
room has its own re-entrant lock; every read a page makes goes through ``Room.view``,
a snapshot built under that lock, so pages never see a half-played round.

A seat is held through a secret: the token handed out when it was taken (bots, the
API), or the browser that took it (its Solara session cookie; pages pass it as the
token). The room code alone lets nobody move, and the room's address carries no secret.
The instructor can hand a seat to another browser with a one-time key (``hand_back``).

Every change is told to the ``journal`` (the store) in the order it was applied, so that
``RoomRegistry.restore`` can rebuild the room after a restart by replaying it.

Takeover: if a student's move is overdue (``move_time_limit``), or their page has not
been seen for ``absent_after`` seconds, or they leave, the computer plays their seat with
the session's takeover strategy and the game carries on.
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from negotiation_sim.core import Move, Package
from negotiation_sim.teaching.game import Game
from negotiation_sim.teaching.moves import (
    TeachingError,
    move_from_dict,
    move_to_dict,
    strategy_label,
)
from negotiation_sim.teaching.seats import (
    PLAYER_KINDS,
    Player,
    RoomView,
    SeatSummary,
    clean_name,
    config_from_dict,
    config_to_dict,
    now_iso,
)
from negotiation_sim.teaching.sessions import SessionConfig
from negotiation_sim.teaching.store import secret_hash

__all__ = [
    "Journal",
    "Player",
    "Room",
    "RoomView",
    "SeatSummary",
    "clean_name",
    "config_from_dict",
    "config_to_dict",
    "now_iso",
]

logger = logging.getLogger(__name__)


class Journal(Protocol):
    """Where a room writes its changes (``GameStore``)."""

    def room_opened(self, row: dict[str, Any]) -> bool: ...
    def player_saved(self, room: str, player: dict[str, Any]) -> bool: ...
    def event(self, room: str, kind: str, gid: str, data: dict[str, Any]) -> bool: ...
    def archive_rooms(self, class_code: str) -> bool: ...


class Room:
    """One game and the people in it. Use through ``RoomRegistry``."""

    def __init__(
        self,
        code: str,
        config: SessionConfig,
        clock: Callable[[], float],
        human_seats: list[str],
        class_code: str = "",
        on_finish: Callable[[dict[str, Any]], Any] | None = None,
        journal: Journal | None = None,
        game_id: str | None = None,
        created_at: str | None = None,
    ) -> None:
        self.code = code
        self.config = config
        self.mode = config.mode
        self.class_code = class_code
        self.clock = clock
        self.lock = threading.RLock()
        self.on_finish = on_finish
        self.journal = journal
        self.game_id = game_id or uuid.uuid4().hex
        self.created = clock()
        self.created_at = created_at or now_iso()
        self.humans = list(human_seats)
        self.players: dict[str, Player] = {}
        self.game = Game(
            config.scenario,
            seed=config.seed,
            human_seats=human_seats,
            opponent=config.opponent or None,
            opponent_params=config.opponent_params,
            rounds=config.rounds,
            overrides=list(config.overrides) or None,
        )
        self.round_started: float | None = None
        self.version = 0
        self.notices: list[str] = []
        self.record: dict[str, Any] | None = None
        self._replaying = False
        #: called (under the room's lock) after each round a move or takeover resolved
        self.on_round: Callable[[Room], Any] | None = None
        self._claimed: dict[str, tuple[Player, str]] = {}  # used hand-back keys

    # ------------------------------------------------------------------ journal
    def _log(self, kind: str, gid: str, data: dict[str, Any]) -> None:
        if self.journal is not None and not self._replaying:
            self.journal.event(self.code, kind, gid, data)

    def _save_player(self, player: Player) -> None:
        if self.journal is not None and not self._replaying:
            self.journal.player_saved(self.code, player.row())

    def opened(self) -> None:
        """Tell the journal that the room exists (before its first seat is saved)."""
        if self.journal is not None:
            self.journal.room_opened(
                {
                    "code": self.code,
                    "game_id": self.game_id,
                    "class_code": self.class_code,
                    "config": config_to_dict(self.config),
                    "humans": self.humans,
                    "created_at": self.created_at,
                }
            )

    # ------------------------------------------------------------------ state
    @property
    def parties(self) -> tuple[str, str]:
        return self.game.parties

    def open_seats(self) -> list[str]:
        """Student seats nobody has taken yet."""
        return [g for g in self.game.human_seats() if g not in self.players]

    @property
    def state(self) -> str:
        if self.game.finished:
            return "finished"
        if self.open_seats():
            return "waiting"
        return "playing"

    def _changed(self, notice: str = "") -> None:
        if notice:
            self.notices.append(notice)
        self.version += 1
        if self.state == "playing" and self.round_started is None:
            self.round_started = self.clock()
        if self.game.finished and self.record is None:
            self._finish()

    def _round_resolved(self) -> None:
        self.round_started = self.clock()
        if self.on_round is not None:
            self.on_round(self)

    def _finish(self) -> None:
        record = self.game.record()
        for seat in record["seats"]:
            player = self.players.get(seat["gid"])
            seat["player"] = player.name if player else ""
            seat["player_kind"] = player.kind if player else ""
            if player is None:  # a seat no student ever took: the computer's from round 1
                seat["human"] = False
                seat["takeover_round"] = None
        record.update(
            {
                "game_id": self.game_id,
                "room": self.code,
                "class_code": self.class_code,
                "session": self.config.id,
                "session_name": self.config.name,
                "mode": self.mode,
                "opponent_shown": self.config.show.opponent_strategy,
                "takeover_strategy": self.config.takeover,
                "takeover_params": dict(self.config.takeover_params),
                "counterfactuals": self.config.counterfactuals,
                "ensemble_seeds": self.config.ensemble_seeds,
                "created_at": self.created_at,
                "finished_at": now_iso(),
            }
        )
        self.record = record
        self.notices.append(f"The game is over: {record['outcome'].replace('_', ' ')}.")
        if self.on_finish is not None:
            try:
                self.on_finish(record)
            except Exception:  # the store keeps unsaved games itself; keep the room readable
                logger.exception(
                    "saving finished game %s of room %s failed", self.game_id, self.code
                )

    def player_for(self, token: str | None) -> Player | None:
        """The player whose seat ``token`` (a seat token or a browser secret) holds."""
        if not token:
            return None
        hashed = secret_hash(str(token))
        return next((p for p in self.players.values() if p.holds(hashed)), None)

    def _seated(self, token: str | None) -> Player:
        player = self.player_for(token)
        if player is None:
            if self.open_seats():
                hint = "Join it with its code first."
            else:
                hint = (
                    "Its seats were taken from other browsers; if one is yours, ask your "
                    "teacher for a hand-back link."
                )
            raise TeachingError(f"You do not hold a seat in room {self.code}. {hint}", "not_seated")
        return player

    # ------------------------------------------------------------------ seats
    def seat_player(
        self, name: str, seat: str | None = None, browser: str = "", kind: str = "student"
    ) -> Player:
        """Seat a student (or bot) in ``seat`` (the first open one if None), held by a new
        token (``player.token``) and by ``browser`` if given."""
        with self.lock:
            if self.game.finished:
                raise TeachingError(f"The game in room {self.code} is already over.", "game_over")
            mine = self.player_for(browser) if browser else None
            if mine is not None:
                raise TeachingError(
                    f"This browser already plays {self._name(mine.seat)} in room {self.code}.",
                    "already_seated",
                )
            open_seats = self.open_seats()
            if not open_seats:
                raise TeachingError(f"Room {self.code} is full.", "room_full")
            if seat is not None and seat not in open_seats:
                self.game.check_seat(seat)
                raise TeachingError(
                    f"The {self._name(seat)} seat in room {self.code} "
                    f"is taken; {self._name(open_seats[0])} is free.",
                    "seat_taken",
                )
            gid = seat or open_seats[0]
            now = self.clock()
            token = secrets.token_urlsafe(16)
            player = Player(
                gid,
                clean_name(name),
                secret_hash(token),
                now,
                now,
                kind=kind if kind in PLAYER_KINDS else "student",
                browser_hash=secret_hash(browser) if browser else "",
                token=token,
            )
            self.players[gid] = player
            self._save_player(player)
            self._changed(f"{player.name} plays {self._name(gid)}.")
            return player

    def hand_back(self, gid: str) -> str:
        """A one-time key that moves seat ``gid`` to the browser that opens the room with
        it (the instructor's hand-back, e.g. for a student on a new device)."""
        with self.lock:
            self.game.check_seat(gid)
            player = self.players.get(gid)
            if player is None:
                raise TeachingError(
                    f"Nobody has taken the {self._name(gid)} seat yet.", "open_seat"
                )
            key = secrets.token_urlsafe(12)
            player.claim_hash = secret_hash(key)
            self._save_player(player)
            return key

    def claim(self, key: str, browser: str) -> Player:
        """Move the seat whose hand-back key is ``key`` to ``browser`` (the key is used up)."""
        with self.lock:
            hashed = secret_hash(key)
            player = next(
                (
                    p
                    for p in self.players.values()
                    if p.claim_hash and secrets.compare_digest(p.claim_hash, hashed)
                ),
                None,
            )
            if player is None:
                used = self._claimed.get(hashed)  # the same browser opening it again
                if used is not None and used[1] == secret_hash(browser):
                    return used[0]
                raise TeachingError(
                    "This hand-back link was already used or is not valid; ask your teacher "
                    "for a new one.",
                    "bad_claim",
                )
            for other in self.players.values():  # a browser holds one seat per room
                if other is not player and other.browser_hash == secret_hash(browser):
                    other.browser_hash = ""
                    self._save_player(other)
            player.browser_hash, player.claim_hash = secret_hash(browser), ""
            self._claimed[hashed] = (player, player.browser_hash)
            player.last_seen = self.clock()
            self._save_player(player)
            self._changed(
                f"{player.name}'s seat ({self._name(player.seat)}) moved to a new browser."
            )
            return player

    def _name(self, gid: str) -> str:
        return self.game.model.governments[gid].name

    def _take_over(self, gid: str, why: str) -> None:
        strategy, params = self.config.takeover, dict(self.config.takeover_params)
        label = strategy_label(strategy, params)
        played = self.game.takeover(gid, strategy, params, reason=why)
        self._log("takeover", gid, {"strategy": strategy, "params": params, "reason": why})
        if played:
            self._round_resolved()
        self._changed(f"{self._name(gid)}: {why}; the computer ({label}) plays this seat now.")

    def fill_open_seats(self, why: str) -> None:
        with self.lock:
            for gid in self.open_seats():
                self._take_over(gid, why)

    # ------------------------------------------------------------------ actions
    def submit(
        self,
        token: str | None,
        seat: str,
        action: str,
        instrument: str | None = None,
        offer: Package | Mapping[str, Any] | None = None,
    ) -> bool:
        """Submit the seat's move; ``offer`` is a ``Package`` or the terms of
        ``Game.make_offer`` as a dict. True if the round resolved."""
        with self.lock:
            player = self._seated(token)
            if seat != player.seat:
                self.game.check_seat(seat)
                raise TeachingError(
                    f"You play {self._name(player.seat)}; you cannot move for {self._name(seat)}.",
                    "wrong_seat",
                )
            if self.game.finished:
                raise TeachingError(
                    f"The game in room {self.code} is over; no more moves.", "game_over"
                )
            if not self.game.seats[seat].human:
                raise TeachingError(
                    "The computer plays your seat now "
                    f"({self.game.seats[seat].takeover_reason or 'taken over'}).",
                    "taken_over",
                )
            if self.open_seats():
                raise TeachingError(
                    "The game has not started: waiting for a second player to join.",
                    "not_started",
                )
            player.last_seen = self.clock()
            if isinstance(offer, Mapping):
                offer = self.game.make_offer(seat, **offer)
            move = self.game.make_move(seat, action, instrument, offer)
            return self._play(seat, move)

    def _play(self, gid: str, move: Move) -> bool:
        round_ = self.game.round
        resolved = self.game.submit_move(gid, move)  # raises before anything changes
        self._log("move", gid, {"round": round_, "move": move_to_dict(move)})
        if resolved:
            self._round_resolved()
        self._changed()
        return resolved

    def replay(self, events: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Apply stored moves and takeovers in order (after a restart), without writing
        them again: the same seed gives the same game."""
        with self.lock:
            self._replaying = True
            try:
                for kind, gid, data in events:
                    if kind == "move":
                        self.game.submit_move(gid, move_from_dict(data["move"]))
                    elif kind == "takeover":
                        self.game.takeover(gid, data["strategy"], data["params"], data["reason"])
            finally:
                self._replaying = False
            now = self.clock()
            for player in self.players.values():  # a grace period: pages reconnect
                player.last_seen = now
            self.round_started = None
            self._changed()

    def leave(self, token: str | None) -> None:
        with self.lock:
            player = self._seated(token)
            if self.game.finished or not self.game.seats[player.seat].human:
                return
            if player.seat in self.open_seats():
                return
            self._take_over(player.seat, f"{player.name} left the game")

    def touch(self, token: str | None) -> None:
        """The student's page is open (heartbeat)."""
        with self.lock:
            player = self.player_for(token)
            if player is not None:
                player.last_seen = self.clock()

    def tick(self, now: float | None = None) -> None:
        """Apply the time limits: join wait, move time limit, absence."""
        with self.lock:
            if self.game.finished:
                return
            now = self.clock() if now is None else now
            cfg = self.config
            if self.open_seats():
                if cfg.join_time_limit > 0 and now - self.created >= cfg.join_time_limit:
                    self.fill_open_seats("no partner joined in time")
                return
            for gid in self.game.waiting_for():
                if self.game.finished:
                    break
                if not self.game.seats[gid].human or gid in self.game.pending:
                    continue
                player = self.players.get(gid)
                started = self.round_started if self.round_started is not None else now
                if cfg.move_time_limit > 0 and now - started >= cfg.move_time_limit:
                    who = player.name if player else self._name(gid)
                    self._take_over(
                        gid, f"{who} did not move within {cfg.move_time_limit:g} seconds"
                    )
                elif player is not None and now - player.last_seen >= cfg.absent_after:
                    self._take_over(gid, f"{player.name} left (page closed)")

    def time_left(self, gid: str, now: float | None = None) -> float | None:
        cfg = self.config
        if (
            cfg.move_time_limit <= 0
            or self.round_started is None
            or self.state != "playing"
            or gid in self.game.pending
            or not self.game.seats[gid].human
        ):
            return None
        now = self.clock() if now is None else now
        return max(0.0, cfg.move_time_limit - (now - self.round_started))

    # ------------------------------------------------------------------ views
    def _summary(self, gid: str, me: str | None, instructor: bool) -> SeatSummary:
        game, show = self.game, self.config.show
        st = game.seats[gid]
        p = self.players.get(gid)
        if st.human:
            kind = p.kind if p else "open"
            strategy = ""
        else:
            kind = "computer"
            strategy = st.label
            hidden = (
                not show.opponent_strategy
                and not instructor
                and gid != me
                and st.takeover_round is None
                and not game.finished
            )
            if hidden:
                strategy = "hidden"
        return SeatSummary(
            gid,
            self._name(gid),
            p.name if p else "",
            kind,
            strategy,
            gid in game.pending,
            st.takeover_reason,
            p.kind if p else "",
        )

    def view(self, token: str | None = None, instructor: bool = False) -> RoomView:
        """What the holder of ``token`` sees (a seat view), or the instructor's summary."""
        with self.lock:
            player = self.player_for(token)
            if player is None and not instructor:
                self._seated(token)  # raises
            me = player.seat if player else None
            game = self.game
            show = self.config.show
            seats = [self._summary(gid, me, instructor) for gid in game.parties]
            seat_view = None
            if me is not None:
                seat_view = game.seat_view(
                    me, stage=show.stage_game, partner_stage=show.partner_payoffs
                )
            return RoomView(
                code=self.code,
                class_code=self.class_code,
                session=self.config.name,
                state=self.state,
                mode=self.mode,
                config=self.config,
                me=me,
                player=player.name if player else "",
                seat=seat_view,
                seats=seats,
                round=min(game.round, game.horizon),
                horizon=game.horizon,
                waiting_for=[self._name(g) for g in game.waiting_for()]
                if self.state == "playing"
                else [],
                time_left=self.time_left(me) if me else None,
                notices=list(self.notices[-6:]),
                version=self.version,
                game_id=self.game_id,
                outcome=game.outcome,
            )

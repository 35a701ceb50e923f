"""Rooms: one game each, with short codes, seats, move timers and computer takeover.

``RoomRegistry`` is the shared state of a teaching server (one per process, guarded by
locks). Each ``Room`` has its own re-entrant lock; every read a page makes goes through
``Room.view(token)``, a snapshot built under that lock, so pages never see a half-played
round and rooms never share state.

A student holds a seat through a secret token (handed out when they create or join a
room); the room code alone lets nobody move. Every action checks, in order: the room
exists, the token holds a seat, the seat is the one named, the game has not ended, the
seat has not moved yet this round; otherwise a ``TeachingError`` explains what went wrong
and nothing changes.

Takeover: if a student's move is overdue (``move_time_limit``), or their page has not been
seen for ``absent_after`` seconds, or they leave, the computer plays their seat with the
session's takeover strategy and the game carries on.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from negotiation_sim.core import Package
from negotiation_sim.teaching.game import Game, SeatView, TeachingError, strategy_label
from negotiation_sim.teaching.sessions import SessionConfig

logger = logging.getLogger(__name__)

#: code alphabet without look-alikes (no I, L, O, 0, 1)
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def normalize_code(code: str) -> str:
    return "".join(str(code).split()).upper()


@dataclass
class Player:
    seat: str
    name: str
    token: str
    joined: float
    last_seen: float


@dataclass
class ClassSession:
    """A session config launched for a class: students join it with its code."""

    code: str
    config: SessionConfig
    created_at: str = field(default_factory=now_iso)
    open: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "config": self.config.id,
            "source": self.config.source,
            "created_at": self.created_at,
            "open": self.open,
        }


@dataclass(frozen=True)
class SeatSummary:
    gid: str
    name: str
    player: str  # student's name ("" for an open seat or the computer)
    kind: str  # "student", "computer" or "open"
    strategy: str  # computer strategy label, "hidden", or ""
    moved: bool  # has moved this round (never which move)
    takeover: str  # "" or why the computer took over


@dataclass
class RoomView:
    """A snapshot of a room from one seat (``me``), or for the instructor (``me`` None)."""

    code: str
    class_code: str
    session: str
    state: str  # "waiting", "playing" or "finished"
    mode: str
    config: SessionConfig
    me: str | None
    player: str
    seat: SeatView | None
    seats: list[SeatSummary]
    round: int
    horizon: int
    waiting_for: list[str]
    time_left: float | None
    notices: list[str]
    version: int
    game_id: str
    outcome: str

    @property
    def finished(self) -> bool:
        return self.state == "finished"


class Room:
    """One game and the people in it. Use through ``RoomRegistry``."""

    def __init__(
        self,
        code: str,
        config: SessionConfig,
        clock: Callable[[], float],
        human_seats: list[str],
        class_code: str = "",
        on_finish: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.code = code
        self.config = config
        self.mode = config.mode
        self.class_code = class_code
        self.clock = clock
        self.lock = threading.RLock()
        self.on_finish = on_finish
        self.game_id = uuid.uuid4().hex
        self.created = clock()
        self.created_at = now_iso()
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
        self.debriefs: dict[str, Any] = {}
        self.debrief_lock = threading.Lock()

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

    def _finish(self) -> None:
        record = self.game.record()
        for seat in record["seats"]:
            player = self.players.get(seat["gid"])
            seat["player"] = player.name if player else ""
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
            except Exception:  # the game is over either way; keep the room readable
                logger.exception(
                    "saving finished game %s of room %s failed", self.game_id, self.code
                )

    def player_for(self, token: str | None) -> Player | None:
        if not token:
            return None
        return next(
            (p for p in self.players.values() if secrets.compare_digest(p.token, str(token))),
            None,
        )

    def _seated(self, token: str | None) -> Player:
        player = self.player_for(token)
        if player is None:
            raise TeachingError(
                f"You do not hold a seat in room {self.code}. Join it with its code first.",
                "not_seated",
            )
        return player

    # ------------------------------------------------------------------ seats
    def seat_player(self, name: str, seat: str | None = None) -> Player:
        with self.lock:
            if self.game.finished:
                raise TeachingError(f"The game in room {self.code} is already over.", "game_over")
            open_seats = self.open_seats()
            if not open_seats:
                raise TeachingError(f"Room {self.code} is full.", "room_full")
            if seat is not None and seat not in open_seats:
                self.game.check_seat(seat)
                raise TeachingError(
                    f"The {self.game.model.governments[seat].name} seat in room {self.code} "
                    f"is taken; {self._name(open_seats[0])} is free.",
                    "seat_taken",
                )
            gid = seat or open_seats[0]
            now = self.clock()
            player = Player(gid, _clean_name(name), secrets.token_urlsafe(12), now, now)
            self.players[gid] = player
            self._changed(f"{player.name} plays {self._name(gid)}.")
            return player

    def _name(self, gid: str) -> str:
        return self.game.model.governments[gid].name

    def _computer_for(self, gid: str) -> tuple[str, dict[str, float]]:
        return self.config.takeover, dict(self.config.takeover_params)

    def _take_over(self, gid: str, why: str) -> None:
        strategy, params = self._computer_for(gid)
        label = strategy_label(strategy, params)
        played = self.game.takeover(gid, strategy, params, reason=why)
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
            resolved = self.game.submit(seat, action, instrument, offer)
            if resolved:
                self._round_resolved()
            self._changed()
            return resolved

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
    def view(self, token: str | None = None, instructor: bool = False) -> RoomView:
        """What the holder of ``token`` sees (a seat view), or the instructor's summary."""
        with self.lock:
            player = self.player_for(token)
            if player is None and not instructor:
                self._seated(token)  # raises
            me = player.seat if player else None
            game = self.game
            show = self.config.show
            seats = []
            for gid in game.parties:
                st = game.seats[gid]
                p = self.players.get(gid)
                if st.human:
                    kind = "student" if p else "open"
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
                seats.append(
                    SeatSummary(
                        gid,
                        self._name(gid),
                        p.name if p else "",
                        kind,
                        strategy,
                        gid in game.pending,
                        st.takeover_reason,
                    )
                )
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


def _clean_name(name: str) -> str:
    """A display name: one line, at most 40 characters, no markup characters."""
    text = "".join(c for c in str(name or "") if c not in "<>&\"'`\\*_[]#|")
    text = " ".join(text.split())[:40]
    return text or "Student"


class RoomRegistry:
    """All rooms and class sessions of one server. Thread-safe.

    ``on_finish(record)`` is called once per finished game (the store saves it);
    ``on_classes(list_of_dicts)`` whenever class sessions change.
    """

    def __init__(
        self,
        on_finish: Callable[[dict[str, Any]], None] | None = None,
        on_classes: Callable[[list[dict[str, Any]]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        reserved_codes: set[str] | None = None,
    ) -> None:
        self.on_finish = on_finish
        self.on_classes = on_classes
        self.clock = clock
        self._lock = threading.RLock()
        self._rooms: dict[str, Room] = {}
        self._classes: dict[str, ClassSession] = {}
        self._reserved = set(reserved_codes or ())
        self._clock_thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ codes
    def new_code(self) -> str:
        with self._lock:
            for _ in range(1000):
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                taken = code in self._rooms or code in self._classes or code in self._reserved
                if not taken:
                    self._reserved.add(code)
                    return code
        raise RuntimeError("no free room code")  # pragma: no cover - 31**5 codes

    # ------------------------------------------------------------------ rooms
    def room(self, code: str) -> Room:
        key = normalize_code(code)
        with self._lock:
            room = self._rooms.get(key)
        if room is None:
            if key in self._classes:
                raise TeachingError(
                    f"{key} is a class code, not a room: join it from the start page.",
                    "unknown_room",
                )
            raise TeachingError(
                f"There is no room with code {key or '(empty)'}. Check the code with your "
                "partner or teacher.",
                "unknown_room",
            )
        return room

    def rooms(self, class_code: str | None = None) -> list[Room]:
        with self._lock:
            rooms = list(self._rooms.values())
        if class_code:
            rooms = [r for r in rooms if r.class_code == class_code]
        return rooms

    def create_room(
        self,
        config: SessionConfig,
        player: str,
        seat: str | None = None,
        class_code: str = "",
    ) -> tuple[Room, str]:
        """A new room with ``player`` in ``seat`` (the first allowed seat if None).
        In computer mode the other seat is the computer's; in pair mode it waits for a
        second student. Returns the room and the player's secret token."""
        choices = config.parties if config.mode == "pair" else config.seat_choices()
        if seat in (None, ""):
            seat = self._balanced_seat(config, class_code)
        if seat not in choices:
            names = dict(zip(config.parties, config.party_names, strict=True))
            allowed = " or ".join(f"{names.get(s, s)} ({s})" for s in choices)
            raise TeachingError(f"You cannot play {seat!r} here; choose {allowed}.", "wrong_seat")
        humans = [seat] if config.mode == "computer" else list(config.parties)
        code = self.new_code()
        room = Room(code, config, self.clock, humans, class_code, self.on_finish)
        taken = room.seat_player(player, seat)
        with self._lock:
            self._rooms[code] = room
        return room, taken.token

    def _balanced_seat(self, config: SessionConfig, class_code: str) -> str:
        choices = config.parties if config.mode == "pair" else config.seat_choices()
        if not class_code:
            return choices[0]
        counts = dict.fromkeys(choices, 0)
        for room in self.rooms(class_code):
            for gid in room.players:
                if gid in counts:
                    counts[gid] += 1
        return min(choices, key=lambda g: (counts[g], choices.index(g)))

    def join(self, code: str, player: str, seat: str | None = None) -> tuple[Room, str]:
        """Join with a code: a class code puts the student in a game of that session; a
        room code takes the free seat of a two-student room."""
        key = normalize_code(code)
        with self._lock:
            klass = self._classes.get(key)
        if klass is not None:
            return self.join_class(key, player, seat)
        room = self.room(key)
        taken = room.seat_player(player, seat or None)
        return room, taken.token

    def join_class(self, code: str, player: str, seat: str | None = None) -> tuple[Room, str]:
        key = normalize_code(code)
        with self._lock:
            klass = self._classes.get(key)
            if klass is None:
                raise TeachingError(f"There is no class session with code {key}.", "unknown_room")
            if not klass.open:
                raise TeachingError(
                    f"Class session {key} ({klass.config.name}) is closed; ask your teacher.",
                    "closed",
                )
            config = klass.config
            if config.mode == "pair":
                for room in self.rooms(key):
                    with room.lock:
                        free = room.open_seats()
                        if room.state == "waiting" and free and (not seat or seat in free):
                            taken = room.seat_player(player, seat or free[0])
                            return room, taken.token
        return self.create_room(config, player, seat or None, class_code=key)

    def _act(self, code: str) -> Room:
        room = self.room(code)
        room.tick()
        return room

    def submit(
        self,
        code: str,
        token: str | None,
        seat: str,
        action: str,
        instrument: str | None = None,
        offer: Package | Mapping[str, Any] | None = None,
    ) -> bool:
        return self._act(code).submit(token, seat, action, instrument, offer)

    def leave(self, code: str, token: str | None) -> None:
        self.room(code).leave(token)

    def play_computer_now(self, code: str, token: str | None) -> None:
        """A student waiting for a partner plays the computer instead."""
        room = self.room(code)
        with room.lock:
            room._seated(token)
            room.fill_open_seats("no partner joined; the student chose to play the computer")

    def touch(self, code: str, token: str | None) -> None:
        self.room(code).touch(token)

    def view(self, code: str, token: str | None = None, instructor: bool = False) -> RoomView:
        return self._act(code).view(token, instructor=instructor)

    def tick(self) -> None:
        for room in self.rooms():
            try:
                room.tick()
            except Exception:  # one broken room must not stop the clock for the others
                logger.exception("tick failed for room %s", room.code)

    # ------------------------------------------------------------------ class sessions
    def launch(self, config: SessionConfig, code: str | None = None) -> ClassSession:
        with self._lock:
            klass = ClassSession(code or self.new_code(), config)
            self._classes[klass.code] = klass
        self._classes_changed()
        return klass

    def restore_class(self, data: Mapping[str, Any], config: SessionConfig) -> ClassSession:
        with self._lock:
            klass = ClassSession(data["code"], config, data.get("created_at", now_iso()))
            klass.open = bool(data.get("open", True))
            self._classes[klass.code] = klass
            self._reserved.add(klass.code)
        return klass

    def close_class(self, code: str, open_: bool = False) -> None:
        key = normalize_code(code)
        with self._lock:
            klass = self._classes.get(key)
            if klass is None:
                raise TeachingError(f"There is no class session with code {key}.", "unknown_room")
            klass.open = open_
        self._classes_changed()

    def classes(self) -> list[ClassSession]:
        with self._lock:
            return list(self._classes.values())

    def _classes_changed(self) -> None:
        if self.on_classes is not None:
            self.on_classes([k.to_dict() for k in self.classes()])

    # ------------------------------------------------------------------ clock
    def start_clock(self, interval: float = 1.0) -> None:
        """Tick every room every ``interval`` seconds from a daemon thread, so that time
        limits apply even when no page is polling."""
        with self._lock:
            if self._clock_thread is not None:
                return
            self._stop.clear()

            def run() -> None:
                while not self._stop.wait(interval):
                    self.tick()

            self._clock_thread = threading.Thread(target=run, name="teaching-clock", daemon=True)
            self._clock_thread.start()

    def stop_clock(self) -> None:
        self._stop.set()
        thread, self._clock_thread = self._clock_thread, None
        if thread is not None:
            thread.join(timeout=5)

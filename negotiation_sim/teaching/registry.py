"""``RoomRegistry``: all rooms and class sessions of one teaching server (thread-safe).

Room and class codes are five characters without look-alikes. A class session is a
session config launched for a class: students join it with its code (``join``), are
seated in a game of their own (computer mode) or paired by arrival (pair mode). A class
code can be closed (no more joins), reopened, or archived once the class is over (its
rooms leave the live view; its games stay in the results). ``restore`` rebuilds the
rooms the store holds after a restart.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from negotiation_sim.core import Package
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.room import (
    Journal,
    Player,
    Room,
    RoomView,
    config_from_dict,
    now_iso,
)
from negotiation_sim.teaching.sessions import SessionConfig
from negotiation_sim.teaching.store import StoredRoom

logger = logging.getLogger(__name__)

#: code alphabet without look-alikes (no I, L, O, 0, 1)
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def normalize_code(code: str) -> str:
    return "".join(str(code).split()).upper()


@dataclass
class ClassSession:
    """A session config launched for a class: students join it with its code."""

    code: str
    config: SessionConfig
    created_at: str = field(default_factory=now_iso)
    open: bool = True
    archived: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "config": self.config.id,
            "source": self.config.source,
            "created_at": self.created_at,
            "open": self.open,
            "archived": self.archived,
        }


class RoomRegistry:
    """All rooms and class sessions of one server. Thread-safe.

    ``on_finish(record)`` is called once per finished game (the store saves it);
    ``on_classes(list_of_dicts)`` whenever class sessions change; ``journal`` (the
    store) gets every room's changes, for ``restore``.
    """

    def __init__(
        self,
        on_finish: Callable[[dict[str, Any]], Any] | None = None,
        on_classes: Callable[[list[dict[str, Any]]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        reserved_codes: set[str] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.on_finish = on_finish
        self.on_classes = on_classes
        self.clock = clock
        self.journal = journal
        self._lock = threading.RLock()
        self._rooms: dict[str, Room] = {}
        self._classes: dict[str, ClassSession] = {}
        self._reserved = set(reserved_codes or ())
        self._clock_thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.on_tick: list[Callable[[], Any]] = []
        #: given to every room: called after each resolved round (the shadow games)
        self.on_round: Callable[[Room], Any] | None = None

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
        browser: str = "",
        kind: str = "student",
    ) -> tuple[Room, str]:
        """A new room with ``player`` in ``seat`` (the first allowed seat if None), held
        by ``browser`` if given. In computer mode the other seat is the computer's; in
        pair mode it waits for a second student. Returns the room and the seat's token."""
        choices = config.parties if config.mode == "pair" else config.seat_choices()
        if seat in (None, ""):
            seat = self._balanced_seat(config, class_code)
        if seat not in choices:
            names = dict(zip(config.parties, config.party_names, strict=True))
            allowed = " or ".join(f"{names.get(s, s)} ({s})" for s in choices)
            raise TeachingError(f"You cannot play {seat!r} here; choose {allowed}.", "wrong_seat")
        humans = [seat] if config.mode == "computer" else list(config.parties)
        code = self.new_code()
        room = Room(
            code, config, self.clock, humans, class_code, self.on_finish, journal=self.journal
        )
        room.on_round = self.on_round
        room.opened()
        taken = room.seat_player(player, seat, browser=browser, kind=kind)
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

    def join(
        self,
        code: str,
        player: str,
        seat: str | None = None,
        browser: str = "",
        kind: str = "student",
    ) -> tuple[Room, str]:
        """Join with a code: a class code puts the student in a game of that session; a
        room code takes the free seat of a two-student room."""
        key = normalize_code(code)
        with self._lock:
            klass = self._classes.get(key)
        if klass is not None:
            return self.join_class(key, player, seat, browser=browser, kind=kind)
        room = self.room(key)
        taken = room.seat_player(player, seat or None, browser=browser, kind=kind)
        return room, taken.token

    def join_class(
        self,
        code: str,
        player: str,
        seat: str | None = None,
        browser: str = "",
        kind: str = "student",
    ) -> tuple[Room, str]:
        key = normalize_code(code)
        with self._lock:
            klass = self._classes.get(key)
            if klass is None or klass.archived:
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
                        mine = browser and room.player_for(browser) is not None
                        ready = room.state == "waiting" and free and not mine
                        if ready and (not seat or seat in free):
                            taken = room.seat_player(
                                player, seat or free[0], browser=browser, kind=kind
                            )
                            return room, taken.token
            # still under the lock: a second student arriving now finds this room
            return self.create_room(
                config, player, seat or None, class_code=key, browser=browser, kind=kind
            )

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

    def hand_back(self, code: str, gid: str) -> str:
        """The instructor's one-time key that moves a seat to a new browser."""
        return self.room(code).hand_back(gid)

    def claim(self, code: str, key: str, browser: str) -> Player:
        return self.room(code).claim(key, browser)

    def tick(self) -> None:
        for room in self.rooms():
            try:
                room.tick()
            except Exception:  # one broken room must not stop the clock for the others
                logger.exception("tick failed for room %s", room.code)
        for hook in list(self.on_tick):
            try:
                hook()
            except Exception:
                logger.exception("clock hook failed")

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
            klass.archived = bool(data.get("archived", False))
            self._classes[klass.code] = klass
            self._reserved.add(klass.code)
        return klass

    def _klass(self, code: str) -> ClassSession:
        key = normalize_code(code)
        klass = self._classes.get(key)
        if klass is None:
            raise TeachingError(f"There is no class session with code {key}.", "unknown_room")
        return klass

    def close_class(self, code: str, open_: bool = False) -> None:
        with self._lock:
            self._klass(code).open = open_
        self._classes_changed()

    def archive_class(self, code: str) -> None:
        """The class is over: no more joins, and its rooms leave the server (finished
        games stay in the results; games still in progress are dropped). Its code is
        never handed out again."""
        with self._lock:
            klass = self._klass(code)
            klass.open, klass.archived = False, True
            for room in [r for r in self._rooms.values() if r.class_code == klass.code]:
                del self._rooms[room.code]
                self._reserved.add(room.code)
        if self.journal is not None:
            self.journal.archive_rooms(klass.code)
        self._classes_changed()

    def classes(self, archived: bool = False) -> list[ClassSession]:
        """Class sessions (the archived ones only with ``archived=True``)."""
        with self._lock:
            return [k for k in self._classes.values() if archived or not k.archived]

    def _classes_changed(self) -> None:
        if self.on_classes is not None:
            self.on_classes([k.to_dict() for k in self.classes(archived=True)])

    # ------------------------------------------------------------------ restart
    def restore(self, stored: list[StoredRoom], saved: Callable[[str], dict | None]) -> list[str]:
        """Rebuild rooms from the store: seats as they were (held by the same tokens and
        browsers), moves and takeovers replayed with the same seed. ``saved(game_id)``
        gives a finished game's stored record. Returns a note per room that failed."""
        notes = []
        for s in stored:
            try:
                room = self._rebuild(s, saved(s.game_id))
            except Exception as exc:  # a room that cannot be rebuilt must not stop the rest
                logger.exception("cannot restore room %s", s.code)
                notes.append(f"room {s.code} could not be restored: {exc}")
                continue
            with self._lock:
                self._rooms[room.code] = room
                self._reserved.add(room.code)
        return notes

    def _rebuild(self, s: StoredRoom, record: dict | None) -> Room:
        config = config_from_dict(s.config)
        room = Room(
            s.code,
            config,
            self.clock,
            s.humans,
            s.class_code,
            self.on_finish,
            journal=self.journal,
            game_id=s.game_id,
            created_at=s.created_at,
        )
        room.on_round = self.on_round
        now = self.clock()
        for p in s.players:
            room.players[p["gid"]] = Player(
                p["gid"],
                p["name"],
                p["token_hash"],
                now,
                now,
                kind=p["kind"],
                browser_hash=p["browser_hash"],
                claim_hash=p["claim_hash"],
                joined_at=p["joined_at"],
            )
        room.record = record
        room.replay(s.events)
        if not room.game.finished:
            room.notices.append("The server restarted; the game goes on where it was.")
        return room

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

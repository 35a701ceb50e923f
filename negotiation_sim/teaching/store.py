"""The classroom's database: rooms, seats, moves, class sessions and finished games in
SQLite (standard ``sqlite3``), so that a server restart mid-class loses no game.

``GameStore(data_dir)`` keeps ``<data_dir>/classroom.sqlite3`` (``NEGOTIATION_SIM_DATA_DIR``).
Every change a room makes (a room opened, a seat taken, a move, a takeover, a finished
game) is one transaction, written before the call that made it returns. A game in
progress is rebuilt after a restart by replaying its stored moves with the same seed
(``RoomRegistry.restore``): the model is deterministic for a seed.

When a write fails (disk full, file unwritable), nothing is dropped: the change stays in
memory, in order, and is written again at the next change and at every ``retry()`` (the
server's clock calls it each second); ``health()`` tells the instructor view how many
changes and finished games wait, and why. Finished games are served from memory
meanwhile, so the results and the CSV stay complete.

SQLite only, not PostgreSQL: a classroom server is one process that holds its rooms in
memory (the Solara pages share them), so a database server would add a service to run
and gain nothing; SQLite is in the standard library and needs no setup.

On first start the JSON-lines files of the earlier store (``finished_games.jsonl``,
``class_sessions.json``) are imported (``legacy``) and renamed ``*.migrated``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiation_sim.teaching import legacy
from negotiation_sim.teaching.export import class_csv, class_rows, rounds_csv

logger = logging.getLogger(__name__)

DB_FILE = "classroom.sqlite3"
GAMES_FILE = legacy.GAMES_FILE
ENV_DATA_DIR = "NEGOTIATION_SIM_DATA_DIR"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS classes (
  code TEXT PRIMARY KEY, config_id TEXT NOT NULL, source TEXT NOT NULL,
  created_at TEXT NOT NULL, open INTEGER NOT NULL DEFAULT 1,
  archived INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS rooms (
  code TEXT PRIMARY KEY, game_id TEXT NOT NULL, class_code TEXT NOT NULL,
  config TEXT NOT NULL, humans TEXT NOT NULL, created_at TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS players (
  room TEXT NOT NULL, gid TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  token_hash TEXT NOT NULL, browser_hash TEXT NOT NULL DEFAULT '',
  claim_hash TEXT NOT NULL DEFAULT '', joined_at TEXT NOT NULL,
  PRIMARY KEY (room, gid));
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, kind TEXT NOT NULL,
  gid TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_room ON events (room, id);
CREATE TABLE IF NOT EXISTS games (
  game_id TEXT PRIMARY KEY, room TEXT NOT NULL, class_code TEXT NOT NULL,
  finished_at TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logins (secret_hash TEXT PRIMARY KEY, expires REAL NOT NULL);
"""

Op = tuple[str, tuple[Any, ...]]


def default_data_dir() -> Path:
    """``NEGOTIATION_SIM_DATA_DIR`` if set, else ``$XDG_DATA_HOME/negotiation-sim/teaching``
    (``~/.local/share/...``)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "negotiation-sim" / "teaching"


def secret_hash(secret: str) -> str:
    """What the database keeps of a secret (a seat token, a browser's session id)."""
    return hashlib.sha256(str(secret).encode()).hexdigest() if secret else ""


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class Health:
    """Whether everything is on disk: ``waiting`` changes and ``unsaved_games`` finished
    games are kept in memory until a write succeeds; ``error`` says why the last failed."""

    path: Path
    waiting: int
    unsaved_games: int
    error: str
    failing_since: float | None

    @property
    def ok(self) -> bool:
        return self.waiting == 0 and not self.error


@dataclass
class StoredRoom:
    """A room as the database holds it, for ``RoomRegistry.restore``."""

    code: str
    game_id: str
    class_code: str
    config: dict[str, Any]
    humans: list[str]
    created_at: str
    finished: bool
    players: list[dict[str, Any]]
    events: list[tuple[str, str, dict[str, Any]]]


class GameStore:
    """The classroom database under ``data_dir`` (thread-safe). Finished games are kept
    in memory too (``games``), saved or not yet."""

    def __init__(self, data_dir: str | Path | None = None, clock=time.time) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.path = self.data_dir / DB_FILE
        self.clock = clock
        self.problems: list[str] = []
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._backlog: deque[tuple[list[Op], str]] = deque()  # (ops, game_id or "")
        self._error = ""
        self._failing_since: float | None = None
        self._games: list[dict[str, Any]] = []
        self._ids: set[str] = set()
        self._unsaved: set[str] = set()
        self._max_pages: int | None = None  # tests: make the database "full"
        self._open()

    # ------------------------------------------------------------------ connection
    def _open(self) -> bool:
        """Open (and create, migrate) the database; False (and the error noted) if not."""
        if self._conn is not None:
            return True
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a committed change survives a crash
            conn.execute("PRAGMA busy_timeout=5000")
            conn.executescript(SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except (sqlite3.Error, OSError) as exc:
            self._failed(f"cannot open {self.path}: {exc}")
            return False
        self._conn = conn
        legacy.remove_stale_temporaries(self.data_dir)
        done = conn.execute("SELECT 1 FROM meta WHERE key = 'migrated_jsonl'").fetchone()
        if done is None:
            self.problems += legacy.migrate(self.data_dir, self._migrate_ops)
        self._load_games()
        return True

    def _migrate_ops(self, games: list[dict], classes: list[dict]) -> None:
        ops = [self._game_op(g) for g in games] + [self._class_op(k) for k in classes]
        ops.append(("INSERT OR REPLACE INTO meta VALUES ('migrated_jsonl', ?)", (_now(),)))
        self._execute(ops)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _execute(self, ops: list[Op]) -> None:
        """Run ``ops`` in one transaction (raises on failure, after rolling back)."""
        assert self._conn is not None
        conn = self._conn
        if self._max_pages is not None:
            conn.execute(f"PRAGMA max_page_count={int(self._max_pages)}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in ops:
                conn.execute(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _failed(self, message: str) -> None:
        if message != self._error:
            logger.error("classroom store: %s (kept in memory, retrying)", message)
        self._error = message
        if self._failing_since is None:
            self._failing_since = self.clock()

    def _write(self, ops: list[Op], game_id: str = "") -> bool:
        """Queue ``ops`` as one transaction and write every waiting one, in order.
        True if everything is on disk now."""
        with self._lock:
            self._backlog.append((ops, game_id))
            return self._flush()

    def _flush(self) -> bool:
        if not self._open():
            return False
        while self._backlog:
            ops, game_id = self._backlog[0]
            try:
                self._execute(ops)
            except (sqlite3.Error, OSError) as exc:
                self._failed(f"cannot write to {self.path}: {exc}")
                return False
            self._backlog.popleft()
            self._unsaved.discard(game_id)
        if self._error:
            logger.warning("classroom store: writing again after: %s", self._error)
        self._error, self._failing_since = "", None
        return True

    def retry(self) -> bool:
        """Write what waits (the server's clock calls this every second)."""
        with self._lock:
            return self._flush()

    def health(self) -> Health:
        with self._lock:
            return Health(
                self.path,
                len(self._backlog),
                len(self._unsaved),
                self._error,
                self._failing_since,
            )

    # ------------------------------------------------------------------ finished games
    def _load_games(self) -> None:
        assert self._conn is not None
        rows = self._conn.execute("SELECT record FROM games ORDER BY rowid").fetchall()
        stored = []
        for (text,) in rows:
            game = json.loads(text)
            if game.get("game_id") not in self._ids:
                stored.append(game)
                self._ids.add(game.get("game_id"))
        self._games = stored + self._games  # games finished while the file could not open

    @staticmethod
    def _game_op(game: dict[str, Any]) -> Op:
        return (
            "INSERT OR IGNORE INTO games VALUES (?, ?, ?, ?, ?)",
            (
                str(game.get("game_id", "")),
                str(game.get("room", "")),
                str(game.get("class_code", "")),
                str(game.get("finished_at", "")),
                _json(game),
            ),
        )

    def save(self, game: dict[str, Any]) -> bool:
        """Add a finished game (the same ``game_id`` twice keeps the first). It is in
        ``games()`` at once; True if it is on disk too (else it is retried)."""
        gid = str(game.get("game_id", ""))
        with self._lock:
            if gid in self._ids:
                return gid not in self._unsaved and self._flush()
            game = json.loads(_json(game))
            self._games.append(game)
            self._ids.add(gid)
            self._unsaved.add(gid)
            ops = [self._game_op(game)]
            if game.get("room"):
                ops.append(("UPDATE rooms SET finished = 1 WHERE code = ?", (game["room"],)))
            return self._write(ops, gid)

    def games(self, class_code: str | None = None) -> list[dict[str, Any]]:
        """Finished games, oldest first; only those of one class session if given."""
        with self._lock:
            games = list(self._games)
        if class_code:
            games = [g for g in games if g.get("class_code") == class_code]
        return games

    def get(self, game_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next((g for g in self._games if g.get("game_id") == game_id), None)

    def unsaved(self) -> set[str]:
        """Ids of finished games not yet on disk."""
        with self._lock:
            return set(self._unsaved)

    def codes(self) -> set[str]:
        """Room and class codes already used (not to be handed out again)."""
        with self._lock:
            used = {g.get("room", "") for g in self._games}
            used |= {g.get("class_code", "") for g in self._games}
            if self._conn is not None:
                for table in ("rooms", "classes"):
                    used |= {c for (c,) in self._conn.execute(f"SELECT code FROM {table}")}
        return used - {""}

    # ------------------------------------------------------------------ class sessions
    @staticmethod
    def _class_op(klass: dict[str, Any]) -> Op:
        return (
            "INSERT OR REPLACE INTO classes VALUES (?, ?, ?, ?, ?, ?)",
            (
                klass["code"],
                str(klass.get("config", "")),
                str(klass.get("source", "")),
                str(klass.get("created_at", "")),
                int(bool(klass.get("open", True))),
                int(bool(klass.get("archived", False))),
            ),
        )

    def save_class(self, klass: dict[str, Any]) -> bool:
        return self._write([self._class_op(klass)])

    def save_sessions(self, sessions: Iterable[dict[str, Any]]) -> None:
        """Save every class session given (``RoomRegistry(on_classes=...)``)."""
        self._write([self._class_op(k) for k in sessions])

    def load_sessions(self) -> list[dict[str, Any]]:
        """Class sessions, oldest first (archived ones too, marked)."""
        with self._lock:
            if not self._open():
                return []
            rows = self._conn.execute(  # type: ignore[union-attr]
                "SELECT code, config_id, source, created_at, open, archived FROM classes "
                "ORDER BY rowid"
            ).fetchall()
        keys = ("code", "config", "source", "created_at", "open", "archived")
        return [
            {**dict(zip(keys, r, strict=True)), "open": bool(r[4]), "archived": bool(r[5])}
            for r in rows
        ]

    # ------------------------------------------------------------------ rooms in progress
    def room_opened(self, row: dict[str, Any]) -> bool:
        return self._write(
            [
                (
                    "INSERT OR REPLACE INTO rooms VALUES (?, ?, ?, ?, ?, ?, 0)",
                    (
                        row["code"],
                        row["game_id"],
                        row["class_code"],
                        _json(row["config"]),
                        _json(row["humans"]),
                        row["created_at"],
                    ),
                )
            ]
        )

    def player_saved(self, room: str, p: dict[str, Any]) -> bool:
        """A seat taken, or its browser or hand-back secret changed."""
        return self._write(
            [
                (
                    "INSERT OR REPLACE INTO players VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        room,
                        p["gid"],
                        p["name"],
                        p["kind"],
                        p["token_hash"],
                        p["browser_hash"],
                        p["claim_hash"],
                        p["joined_at"],
                    ),
                )
            ]
        )

    def event(self, room: str, kind: str, gid: str, data: dict[str, Any]) -> bool:
        """A move or a takeover, in the order the room applied them."""
        return self._write(
            [
                (
                    "INSERT INTO events (room, kind, gid, data) VALUES (?, ?, ?, ?)",
                    (room, kind, gid, _json(data)),
                )
            ]
        )

    def archive_rooms(self, class_code: str) -> bool:
        return self._write([("UPDATE rooms SET finished = 2 WHERE class_code = ?", (class_code,))])

    def rooms(self) -> list[StoredRoom]:
        """Rooms to rebuild after a restart: every room not archived, with its seats and
        its moves and takeovers in order."""
        with self._lock:
            if not self._open():
                return []
            conn = self._conn
            assert conn is not None
            rows = conn.execute(
                "SELECT code, game_id, class_code, config, humans, created_at, finished "
                "FROM rooms WHERE finished < 2 ORDER BY rowid"
            ).fetchall()
            keys = ("gid", "name", "kind", "token_hash", "browser_hash", "claim_hash")
            out = []
            for code, game_id, klass, config, humans, created, finished in rows:
                players = [
                    dict(zip((*keys, "joined_at"), p, strict=True))
                    for p in conn.execute(
                        "SELECT gid, name, kind, token_hash, browser_hash, claim_hash, "
                        "joined_at FROM players WHERE room = ? ORDER BY rowid",
                        (code,),
                    )
                ]
                events = [
                    (k, g, json.loads(d))
                    for k, g, d in conn.execute(
                        "SELECT kind, gid, data FROM events WHERE room = ? ORDER BY id", (code,)
                    )
                ]
                out.append(
                    StoredRoom(
                        code,
                        game_id,
                        klass,
                        json.loads(config),
                        json.loads(humans),
                        created,
                        bool(finished),
                        players,
                        events,
                    )
                )
        return out

    # ------------------------------------------------------------------ instructor logins
    def save_login(self, secret: str, expires: float) -> bool:
        return self._write(
            [("INSERT OR REPLACE INTO logins VALUES (?, ?)", (secret_hash(secret), expires))]
        )

    def logins(self) -> dict[str, float]:
        """Instructor logins (hashed browser secrets) still valid, with their expiry."""
        with self._lock:
            if not self._open():
                return {}
            now = self.clock()
            rows = self._conn.execute("SELECT secret_hash, expires FROM logins").fetchall()  # type: ignore[union-attr]
        return {h: e for h, e in rows if e > now}

    # ------------------------------------------------------------------ export
    def class_rows(self, class_code: str | None = None) -> list[dict[str, Any]]:
        """One flat row per finished game (the CSV's rows)."""
        return class_rows(self.games(class_code))

    def class_csv(self, class_code: str | None = None) -> str:
        return class_csv(self.games(class_code))

    def rounds_csv(self, class_code: str | None = None) -> str:
        """One row per seat per round (as oTree exports)."""
        return rounds_csv(self.games(class_code))


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

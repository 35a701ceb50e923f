"""The classroom's database: rooms, seats, moves, class sessions and finished games, so that
a server restart mid-class loses no game.

``GameStore(data_dir)`` keeps ``<data_dir>/classroom.sqlite3`` (``NEGOTIATION_SIM_DATA_DIR``);
``GameStore(data_dir, url="postgresql://...")`` (``NEGOTIATION_SIM_DATABASE_URL``) keeps the
same tables in PostgreSQL instead (``teaching/database.py``, SQLAlchemy Core). Every change a
room makes (a room opened, a seat taken, a move, a takeover, a finished game) is one
transaction, committed before the call that made it returns. A game in progress is rebuilt
after a restart by replaying its stored moves with the same seed (``RoomRegistry.restore``):
the model is deterministic for a seed.

When a write fails (disk full, file unwritable, database server gone), nothing is dropped:
the change stays in memory, in order, and is written again at the next change and at every
``retry()`` (the server's clock calls it each second); ``health()`` tells the instructor
view how many changes and finished games wait, and why. Finished games are served from
memory meanwhile, so the results and the CSV stay complete.

On first start the JSON-lines files of the earlier store (``finished_games.jsonl``,
``class_sessions.json``) in the data folder are imported (``legacy``) and renamed
``*.migrated``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import Executable

from negotiation_sim.teaching import legacy
from negotiation_sim.teaching.database import (
    DB_FILE,
    ENV_DATABASE_URL,
    classes,
    create_schema,
    database_url,
    engine_for,
    events,
    failure_reason,
    games,
    logins,
    meta,
    players,
    rooms,
    shown,
    upsert,
)
from negotiation_sim.teaching.export import class_csv, class_rows, rounds_csv

logger = logging.getLogger(__name__)

__all__ = ["DB_FILE", "ENV_DATABASE_URL", "ENV_DATA_DIR", "GameStore", "Health", "StoredRoom"]

GAMES_FILE = legacy.GAMES_FILE
ENV_DATA_DIR = "NEGOTIATION_SIM_DATA_DIR"
UNCAPPED_PAGES = 1073741823  # SQLite's largest max_page_count

Op = Executable


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
    """Whether everything is stored: ``waiting`` changes and ``unsaved_games`` finished
    games are kept in memory until a write succeeds; ``error`` says why the last failed.
    ``where`` is the database (file, or URL without its password); ``folder`` the data
    folder of a SQLite file (None for a database server)."""

    where: str
    folder: Path | None
    waiting: int
    unsaved_games: int
    error: str
    failing_since: float | None

    @property
    def ok(self) -> bool:
        return self.waiting == 0 and not self.error

    @property
    def advice(self) -> str:
        """What the instructor can do about a failing write."""
        if self.folder is not None:
            return f"free disk space or fix the folder ({self.folder})"
        return f"check that the database server is running and reachable ({self.where})"


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
    """The classroom database (thread-safe): SQLite under ``data_dir``, or the database
    at ``url`` (``NEGOTIATION_SIM_DATABASE_URL``; raises ``DatabaseUrlError`` for one that
    cannot be used). Finished games are kept in memory too (``games``), saved or not yet."""

    def __init__(
        self, data_dir: str | Path | None = None, clock=time.time, url: str | None = None
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.url = database_url(url, self.data_dir)
        self.backend = self.url.get_backend_name()
        self.path = Path(self.url.database or "") if self.backend == "sqlite" else None
        self.where = str(self.path) if self.path is not None else shown(self.url)
        self.clock = clock
        self.problems: list[str] = []
        self._lock = threading.RLock()
        self._engine: Engine | None = None
        self._backlog: deque[tuple[list[Op], str]] = deque()  # (ops, game_id or "")
        self._error = ""
        self._failing_since: float | None = None
        self._games: list[dict[str, Any]] = []
        self._ids: set[str] = set()
        self._unsaved: set[str] = set()
        self._max_pages: int | None = None  # tests: make a SQLite database "full"
        self._open()

    # ------------------------------------------------------------------ connection
    def _open(self) -> bool:
        """Open (and create, migrate) the database; False (and the error noted) if not."""
        if self._engine is not None:
            return True
        engine = None
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            engine = engine_for(self.url)
            create_schema(engine)
            with engine.connect() as conn:
                done = conn.execute(
                    select(meta.c.value).where(meta.c.key == "migrated_jsonl")
                ).first()
        except (SQLAlchemyError, OSError) as exc:
            if engine is not None:  # retried every second while it fails: no pool left behind
                engine.dispose()
            self._failed(f"cannot open {self.where}: {failure_reason(exc)}")
            return False
        self._engine = engine
        if self.data_dir.is_dir():
            legacy.remove_stale_temporaries(self.data_dir)
            if done is None:
                self.problems += legacy.migrate(self.data_dir, self._migrate_ops)
        self._load_games()
        return True

    def _migrate_ops(self, games: list[dict], classes: list[dict]) -> None:
        ops = [self._game_op(g) for g in games] + [self._class_op(k) for k in classes]
        ops.append(upsert(self.backend, meta, {"key": "migrated_jsonl", "value": _now()}))
        self._execute(ops)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _rows(self, query: Executable) -> list[Any]:
        assert self._engine is not None
        with self._engine.connect() as conn:
            return list(conn.execute(query))

    def _execute(self, ops: list[Op]) -> None:
        """Run ``ops`` in one transaction (raises on failure, after rolling back)."""
        assert self._engine is not None
        with self._engine.begin() as conn:
            if self._max_pages is not None:
                conn.exec_driver_sql(f"PRAGMA max_page_count={int(self._max_pages)}")
            for op in ops:
                conn.execute(op)

    def _cap_pages(self, pages: int | None) -> None:
        """Tests: make a SQLite database "full" (no page may be added, as on a full disk:
        SQLITE_FULL), or lift the cap (None)."""
        self._max_pages = pages if pages is not None else UNCAPPED_PAGES

    def _failed(self, message: str) -> None:
        if message != self._error:
            logger.error("classroom store: %s (kept in memory, retrying)", message)
        self._error = message
        if self._failing_since is None:
            self._failing_since = self.clock()

    def _write(self, ops: list[Op], game_id: str = "") -> bool:
        """Queue ``ops`` as one transaction and write every waiting one, in order.
        True if everything is stored now."""
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
            except (SQLAlchemyError, OSError) as exc:
                self._failed(f"cannot write to {self.where}: {failure_reason(exc)}")
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
                self.where,
                self.path.parent if self.path is not None else None,
                len(self._backlog),
                len(self._unsaved),
                self._error,
                self._failing_since,
            )

    # ------------------------------------------------------------------ finished games
    def _load_games(self) -> None:
        stored = []
        for (text,) in self._rows(select(games.c.record).order_by(games.c.seq)):
            game = json.loads(text)
            if game.get("game_id") not in self._ids:
                stored.append(game)
                self._ids.add(game.get("game_id"))
        self._games = stored + self._games  # games finished while the file could not open

    def _game_op(self, game: dict[str, Any]) -> Op:
        row = {
            "game_id": str(game.get("game_id", "")),
            "room": str(game.get("room", "")),
            "class_code": str(game.get("class_code", "")),
            "finished_at": str(game.get("finished_at", "")),
            "record": _json(game),
        }
        return upsert(self.backend, games, row, replace=False)

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
                ops.append(update(rooms).where(rooms.c.code == game["room"]).values(finished=1))
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
            if self._engine is not None:
                for table in (rooms, classes):
                    used |= {c for (c,) in self._rows(select(table.c.code))}
        return used - {""}

    # ------------------------------------------------------------------ class sessions
    def _class_op(self, klass: dict[str, Any]) -> Op:
        row = {
            "code": klass["code"],
            "config_id": str(klass.get("config", "")),
            "source": str(klass.get("source", "")),
            "created_at": str(klass.get("created_at", "")),
            "open": int(bool(klass.get("open", True))),
            "archived": int(bool(klass.get("archived", False))),
        }
        return upsert(self.backend, classes, row)

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
            c = classes.c
            rows = self._rows(
                select(c.code, c.config_id, c.source, c.created_at, c.open, c.archived).order_by(
                    c.seq
                )
            )
        keys = ("code", "config", "source", "created_at", "open", "archived")
        return [
            {**dict(zip(keys, r, strict=True)), "open": bool(r[4]), "archived": bool(r[5])}
            for r in rows
        ]

    # ------------------------------------------------------------------ rooms in progress
    def room_opened(self, row: dict[str, Any]) -> bool:
        values = {
            "code": row["code"],
            "game_id": row["game_id"],
            "class_code": row["class_code"],
            "config": _json(row["config"]),
            "humans": _json(row["humans"]),
            "created_at": row["created_at"],
            "finished": 0,
        }
        return self._write([upsert(self.backend, rooms, values)])

    def player_saved(self, room: str, p: dict[str, Any]) -> bool:
        """A seat taken, or its browser or hand-back secret changed."""
        keys = ("gid", "name", "kind", "token_hash", "browser_hash", "claim_hash", "joined_at")
        values = {"room": room, **{k: p[k] for k in keys}}
        return self._write([upsert(self.backend, players, values)])

    def event(self, room: str, kind: str, gid: str, data: dict[str, Any]) -> bool:
        """A move or a takeover, in the order the room applied them."""
        row = {"room": room, "kind": kind, "gid": gid, "data": _json(data)}
        return self._write([events.insert().values(row)])

    def archive_rooms(self, class_code: str) -> bool:
        return self._write(
            [update(rooms).where(rooms.c.class_code == class_code).values(finished=2)]
        )

    def rooms(self) -> list[StoredRoom]:
        """Rooms to rebuild after a restart: every room not archived, with its seats and
        its moves and takeovers in order."""
        with self._lock:
            if not self._open():
                return []
            r, p, e = rooms.c, players.c, events.c
            rows = self._rows(
                select(
                    r.code, r.game_id, r.class_code, r.config, r.humans, r.created_at, r.finished
                )
                .where(r.finished < 2)
                .order_by(r.seq)
            )
            keys = ("gid", "name", "kind", "token_hash", "browser_hash", "claim_hash")
            out = []
            for code, game_id, klass, config, humans, created, finished in rows:
                seats = select(
                    p.gid, p.name, p.kind, p.token_hash, p.browser_hash, p.claim_hash, p.joined_at
                )
                players_ = [
                    dict(zip((*keys, "joined_at"), row, strict=True))
                    for row in self._rows(seats.where(p.room == code).order_by(p.seq))
                ]
                moves = select(e.kind, e.gid, e.data).where(e.room == code).order_by(e.id)
                events_ = [(k, g, json.loads(d)) for k, g, d in self._rows(moves)]
                out.append(
                    StoredRoom(
                        code,
                        game_id,
                        klass,
                        json.loads(config),
                        json.loads(humans),
                        created,
                        bool(finished),
                        players_,
                        events_,
                    )
                )
        return out

    # ------------------------------------------------------------------ instructor logins
    def save_login(self, secret: str, expires: float) -> bool:
        row = {"secret_hash": secret_hash(secret), "expires": float(expires)}
        return self._write([upsert(self.backend, logins, row)])

    def logins(self) -> dict[str, float]:
        """Instructor logins (hashed browser secrets) still valid, with their expiry."""
        with self._lock:
            if not self._open():
                return {}
            now = self.clock()
            rows = self._rows(select(logins.c.secret_hash, logins.c.expires))
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

"""Where the classroom's database lives and what its tables are (SQLAlchemy Core).

SQLite by default, a file under the data folder; PostgreSQL when a database URL is given
(``NEGOTIATION_SIM_DATABASE_URL`` or ``negotiation-sim teach --database-url``), through the
``psycopg`` driver (``pip install 'negotiation-sim[postgres]'``). One set of tables and
one set of statements serve both: inserts that keep or replace a row are the two
dialects' ``INSERT ... ON CONFLICT``, and rows are kept in the order they were first
written by a ``seq`` column (SQLite's ``rowid`` has no PostgreSQL equivalent).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.sql.expression import Executable

DB_FILE = "classroom.sqlite3"
ENV_DATABASE_URL = "NEGOTIATION_SIM_DATABASE_URL"
SCHEMA_VERSION = 2  # 2: the seq column (order of first write) in classes, rooms, players, games
BACKENDS = ("sqlite", "postgresql")
POSTGRES_DRIVER = "psycopg"

metadata = MetaData()
meta = Table(
    "meta", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False)
)
classes = Table(
    "classes",
    metadata,
    Column("code", Text, primary_key=True),
    Column("config_id", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("open", Integer, nullable=False, server_default="1"),
    Column("archived", Integer, nullable=False, server_default="0"),
    Column("seq", Integer, nullable=False, server_default="0"),
)
rooms = Table(
    "rooms",
    metadata,
    Column("code", Text, primary_key=True),
    Column("game_id", Text, nullable=False),
    Column("class_code", Text, nullable=False),
    Column("config", Text, nullable=False),
    Column("humans", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("finished", Integer, nullable=False, server_default="0"),  # 2: archived
    Column("seq", Integer, nullable=False, server_default="0"),
)
players = Table(
    "players",
    metadata,
    Column("room", Text, primary_key=True),
    Column("gid", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("token_hash", Text, nullable=False),
    Column("browser_hash", Text, nullable=False, server_default=""),
    Column("claim_hash", Text, nullable=False, server_default=""),
    Column("joined_at", Text, nullable=False),
    Column("seq", Integer, nullable=False, server_default="0"),
)
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("gid", Text, nullable=False),
    Column("data", Text, nullable=False),
    sqlite_autoincrement=True,
)
Index("events_room", events.c.room, events.c.id)
games = Table(
    "games",
    metadata,
    Column("game_id", Text, primary_key=True),
    Column("room", Text, nullable=False),
    Column("class_code", Text, nullable=False),
    Column("finished_at", Text, nullable=False),
    Column("record", Text, nullable=False),
    Column("seq", Integer, nullable=False, server_default="0"),
)
logins = Table(
    "logins",
    metadata,
    Column("secret_hash", Text, primary_key=True),
    Column("expires", Float, nullable=False),
)
ORDERED = (classes, rooms, players, games)  # tables whose rows keep their first-write order


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used (the message says why and what is allowed)."""


def database_url(url: str | None, data_dir: Path) -> URL:
    """The URL to use: ``url`` (or ``NEGOTIATION_SIM_DATABASE_URL``) if given, else the
    SQLite file ``<data_dir>/classroom.sqlite3``. ``postgresql://`` means the psycopg
    driver. Raises ``DatabaseUrlError`` for another database or a missing driver."""
    raw = url if url is not None else os.environ.get(ENV_DATABASE_URL, "")
    if not raw.strip():
        return URL.create("sqlite", database=str(data_dir / DB_FILE))
    try:
        parsed = make_url(raw.strip())
    except ArgumentError:
        raise DatabaseUrlError(
            f"database URL {shown(raw)!r} is not a URL; allowed: "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH"
        ) from None
    if parsed.drivername == "postgres":  # Heroku-style spelling
        parsed = parsed.set(drivername="postgresql")
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DatabaseUrlError(
            f"database URL {shown(raw)!r}: {backend!r} is not supported; allowed: "
            + ", ".join(BACKENDS)
        )
    if backend == "postgresql":
        if "+" not in parsed.drivername:  # postgresql:// or postgres://: psycopg 3
            parsed = parsed.set(drivername=f"postgresql+{POSTGRES_DRIVER}")
        try:
            parsed.get_dialect().import_dbapi()
        except (ImportError, NoSuchModuleError):
            raise DatabaseUrlError(
                f"database URL {shown(raw)!r}: PostgreSQL needs the {POSTGRES_DRIVER} driver: "
                "pip install 'negotiation-sim[postgres]'"
            ) from None
    elif not parsed.database or parsed.database == ":memory:":
        raise DatabaseUrlError(
            f"database URL {shown(raw)!r}: SQLite needs a file (sqlite:///PATH); an "
            "in-memory database would lose every game at a restart"
        )
    return parsed


def shown(url: str | URL) -> str:
    """A URL as messages show it: without its password."""
    try:
        parsed = url if isinstance(url, URL) else make_url(str(url).strip())
    except ArgumentError:
        return str(url)[:200]
    return parsed.render_as_string(hide_password=True)


def failure_reason(exc: BaseException) -> str:
    """The driver's own words for a failure, on one line (SQLAlchemy's message adds the
    statement and a link)."""
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig if orig is not None else exc).split())[:500]


def engine_for(url: URL) -> Engine:
    """An engine for ``url``. SQLite: write-ahead log, every commit synced to disk (a
    committed change survives a crash), a 5 s wait for another writer, and ``BEGIN
    IMMEDIATE`` so that a transaction holds the write lock from its start."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's recipe: we emit BEGIN ourselves
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_schema(engine: Engine) -> None:
    """Create the tables that are missing and bring an earlier schema up to date (the
    first SQLite store had no ``seq`` column: its rows keep their ``rowid`` order)."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        for table in ORDERED:
            columns = {c["name"] for c in inspect(conn).get_columns(table.name)}
            if "seq" not in columns:  # schema 1 (SQLite only)
                conn.exec_driver_sql(
                    f"ALTER TABLE {table.name} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0"
                )
                conn.exec_driver_sql(f"UPDATE {table.name} SET seq = rowid")
        version = {"key": "schema_version", "value": str(SCHEMA_VERSION)}
        conn.execute(upsert(engine.url.get_backend_name(), meta, version))


def upsert(backend: str, table: Table, values: dict[str, Any], replace: bool = True) -> Executable:
    """Insert a row (for ``backend``, one of ``BACKENDS``); if its key exists, replace its
    other columns (``replace``) or keep it. A new row of an ordered table goes last
    (``seq``); a replaced one keeps its place."""
    dialect = sqlite if backend == "sqlite" else postgresql
    row = dict(values)
    if "seq" in table.c:
        row["seq"] = select(func.coalesce(func.max(table.c.seq), 0) + 1).scalar_subquery()
    statement = dialect.insert(table).values(row)
    keys = [c.name for c in table.primary_key.columns]
    if not replace:
        return statement.on_conflict_do_nothing(index_elements=keys)
    changed = {k: statement.excluded[k] for k in values if k not in keys}
    return statement.on_conflict_do_update(index_elements=keys, set_=changed)


def ping(url: URL) -> None:
    """Connect once and create the tables (raises what the driver raises)."""
    engine = engine_for(url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()

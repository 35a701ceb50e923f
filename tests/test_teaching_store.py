"""Teaching mode, the classroom database: finished games and games in progress survive a
restart (and a SIGKILL), a full or unwritable disk or an absent database server loses
nothing, the earlier JSON-lines store is migrated, class codes can be archived. The tests
marked ``backend`` run on SQLite and on PostgreSQL (``postgres_support``)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import postgres_support
import pytest
from sqlalchemy import create_engine, text

from negotiation_sim.teaching.bots import Bot, play_room, sequence, tit_for_tat
from negotiation_sim.teaching.database import DatabaseUrlError, database_url
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.registry import RoomRegistry
from negotiation_sim.teaching.service import TeachingService
from negotiation_sim.teaching.sessions import adhoc_config
from negotiation_sim.teaching.store import GameStore

ROOT = Path(__file__).resolve().parents[1]
SCRIPT_A = ["escalate", "hold", "concede", "hold", "escalate", "concede"]
SCRIPT_B = ["hold", "concede", "hold", "escalate", "hold", "hold"]


@pytest.fixture(scope="module")
def postgres_server():
    with postgres_support.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Where the store keeps its tables: None (SQLite under the data folder) or the URL
    of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_support.fresh_database(request.getfixturevalue("postgres_server")) as url:
        yield url


def pair_config(rounds=6, **kw):
    return adhoc_config("classroom_basic", mode="pair", rounds=rounds, **kw)


def game(gid: str, room: str = "", **kw) -> dict:
    """A finished game's record, as large as a real one (several kB)."""
    return {"game_id": gid, "room": room, "outcome": "deal", "seats": [], "pad": "x" * 6000, **kw}


def fill(store: GameStore) -> None:
    """Make the database full, as a full disk does: from now on no page may be added
    (a write that needs one fails with SQLITE_FULL, "database or disk is full")."""
    store._cap_pages(store._rows(text("PRAGMA page_count"))[0][0])


def expected_record(script_a, script_b, rounds=6) -> dict:
    """The game the scripts give when nothing interrupts it (no store at all)."""
    registry = RoomRegistry()
    a = Bot(registry, "A", sequence(script_a)).create(pair_config(rounds))
    b = Bot(registry, "B", sequence(script_b)).join(a.code)
    play_room([a, b])
    return registry.room(a.code).record


# ---------------------------------------------------------------------- finished games
def test_finished_games_are_saved_once_and_reloaded_after_a_restart(tmp_path, db):
    store = GameStore(tmp_path, url=db)
    assert store.save(game("a", "AAAAA"))
    assert store.save(game("b", "BBBBB", outcome="stalemate"))
    store.save(game("a", "AAAAA", outcome="trade_war"))  # again: the first stays
    store.close()
    again = GameStore(tmp_path, url=db)
    assert [(g["game_id"], g["outcome"]) for g in again.games()] == [
        ("a", "deal"),
        ("b", "stalemate"),
    ]
    assert {"AAAAA", "BBBBB"} <= again.codes()
    assert again.health().ok
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_a_full_disk_loses_no_finished_game_and_the_instructor_is_told(tmp_path):
    store = GameStore(tmp_path)
    store.save(game("before"))
    fill(store)
    for i in range(12):
        assert store.save(game(f"g{i}")) is False  # not on disk yet ...
    assert len(store.games()) == 13  # ... but served from memory, all of them
    health = store.health()
    assert not health.ok and health.unsaved_games == 12 and health.waiting == 12
    assert "full" in health.error and str(tmp_path) in health.error
    assert store.retry() is False  # still full
    store._cap_pages(None)
    assert store.retry() is True  # space again: everything is written, in order
    assert store.health().ok and store.unsaved() == set()
    store.close()
    assert [g["game_id"] for g in GameStore(tmp_path).games()] == [
        "before",
        *[f"g{i}" for i in range(12)],
    ]


def test_an_unusable_data_folder_keeps_games_in_memory_and_says_why(tmp_path):
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be")
    store = GameStore(blocked)
    assert store.save(game("a")) is False
    assert [g["game_id"] for g in store.games()] == ["a"]
    health = store.health()
    assert not health.ok and health.unsaved_games == 1 and "cannot open" in health.error
    blocked.unlink()  # the teacher fixes the folder: the next retry writes the game
    assert store.retry() is True
    assert [g["game_id"] for g in GameStore(blocked).games()] == ["a"]


def test_a_room_finished_while_the_disk_is_full_reaches_the_results_and_the_disk(tmp_path):
    service = TeachingService(tmp_path, "t")
    a = Bot(service.registry, "A", tit_for_tat).create(pair_config(20))
    fill(service.store)
    b = Bot(service.registry, "B", tit_for_tat).join(a.code)
    play_room([a, b])
    assert [g["room"] for g in service.results()] == [a.code]
    assert service.store.health().unsaved_games == 1
    service.store._cap_pages(None)
    service.registry.tick()  # the server's clock retries
    assert service.store.health().ok
    assert [g["room"] for g in TeachingService(tmp_path, "t").results()] == [a.code]


# ---------------------------------------------------------------------- games in progress
def test_games_in_progress_resume_after_a_restart_as_if_nothing_happened(tmp_path, db):
    first = TeachingService(tmp_path, "t", database_url=db)
    a = Bot(first.registry, "A", sequence(SCRIPT_A)).create(pair_config())
    b = Bot(first.registry, "B", sequence(SCRIPT_B)).join(a.code)
    for _ in range(3):
        a.act()
        b.act()
    a.act()  # round 4: A has moved, B has not
    first.registry.stop_clock()
    first.store.close()

    second = TeachingService(tmp_path, "t", database_url=db)  # the server restarted
    room = second.registry.room(a.code)
    assert room.game.round == 4 and list(room.game.pending) == ["north"]
    assert room.players["south"].name == "B"
    # the bots carry on with the tokens they were given
    a2 = Bot(second.registry, "A", sequence(SCRIPT_A), code=a.code, token=a.token, seat=a.seat)
    b2 = Bot(second.registry, "B", sequence(SCRIPT_B), code=b.code, token=b.token, seat=b.seat)
    play_room([a2, b2])
    got = room.record
    want = expected_record(SCRIPT_A, SCRIPT_B)
    assert got["trajectory"] == want["trajectory"]
    assert [s["payoff"] for s in got["seats"]] == [s["payoff"] for s in want["seats"]]
    assert [s["moves"] for s in got["seats"]] == [s["moves"] for s in want["seats"]]


def test_a_takeover_and_a_browser_seat_survive_a_restart(tmp_path, db):
    first = TeachingService(tmp_path, "t", database_url=db)
    room, _ = first.registry.create_room(pair_config(4), "Ann", "north", browser="ann-cookie")
    _, bob = first.registry.join(room.code, "Bob")
    first.registry.submit(room.code, "ann-cookie", "north", "escalate")
    first.registry.leave(room.code, bob)  # the computer plays Bob's seat: round 1 resolves
    assert room.game.round == 2
    first.store.close()

    second = TeachingService(tmp_path, "t", database_url=db)
    view = second.registry.view(room.code, "ann-cookie")  # Ann's browser still holds North
    assert view.me == "north" and view.round == 2
    assert view.seats[1].kind == "computer" and "Bob left the game" in view.seats[1].takeover
    with pytest.raises(TeachingError, match="do not hold a seat"):
        second.registry.view(room.code, "someone-else")
    for _ in range(3):
        second.registry.submit(room.code, "ann-cookie", "north", "hold")
    record = second.registry.room(room.code).record
    assert record["seats"][1]["takeover_round"] == 1
    assert [m["action"] for m in record["seats"][0]["moves"]] == [
        "escalate",
        "hold",
        "hold",
        "hold",
    ]


def test_finished_rooms_come_back_with_their_stored_record(tmp_path, db):
    first = TeachingService(tmp_path, "t", database_url=db)
    a = Bot(first.registry, "A", tit_for_tat).create(adhoc_config("classroom_basic", rounds=2))
    play_room([a])
    stored = first.registry.room(a.code).record
    first.store.close()
    second = TeachingService(tmp_path, "t", database_url=db)
    room = second.registry.room(a.code)
    assert room.state == "finished" and room.record == stored
    assert len(second.results()) == 1  # not saved twice


def test_archived_classes_leave_the_server_and_keep_their_results(tmp_path, db):
    first = TeachingService(tmp_path, "t", database_url=db)
    klass = first.launch("tariff_dilemma", prepare=False)
    done = Bot(first.registry, "A", tit_for_tat).join(klass.code)
    play_room([done])
    busy = Bot(first.registry, "B", tit_for_tat).join(klass.code)
    first.registry.archive_class(klass.code)
    assert first.registry.rooms(klass.code) == [] and first.registry.classes() == []
    with pytest.raises(TeachingError, match="no class session"):
        first.registry.join(klass.code, "Late")
    first.store.close()
    second = TeachingService(tmp_path, "t", database_url=db)
    assert second.registry.rooms() == [] and second.registry.classes() == []
    assert [k.code for k in second.registry.classes(archived=True)] == [klass.code]
    assert [g["room"] for g in second.results(klass.code)] == [done.code]
    assert klass.code in second.store.codes() and busy.code in second.store.codes()


# ---------------------------------------------------------------------- the earlier store
def test_the_json_lines_store_is_migrated_once_with_damaged_lines_reported(tmp_path, db):
    lines = [json.dumps(game("a", "AAAAA")), "{not json", json.dumps(game("b", "BBBBB"))]
    (tmp_path / "finished_games.jsonl").write_text("\n".join(lines) + "\n")
    klass = {"code": "KKKKK", "config": "tariff_dilemma", "source": "", "open": False}
    (tmp_path / "class_sessions.json").write_text(json.dumps([klass]))
    for n in range(3):  # what the earlier store's failed writes left behind
        (tmp_path / f".finished_games.jsonl.x{n}.tmp").write_text("partial")
    store = GameStore(tmp_path, url=db)
    assert [g["game_id"] for g in store.games()] == ["a", "b"]
    assert any("damaged line" in p for p in store.problems)
    assert any("imported 2 finished games and 1 class sessions" in p for p in store.problems)
    assert [(k["code"], k["open"]) for k in store.load_sessions()] == [("KKKKK", False)]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "finished_games.jsonl.migrated" in names and "finished_games.jsonl" not in names
    assert not [n for n in names if n.endswith(".tmp")]
    store.close()
    assert [g["game_id"] for g in GameStore(tmp_path, url=db).games()] == ["a", "b"]  # not twice


def test_every_change_is_one_committed_transaction(tmp_path, db):
    service = TeachingService(tmp_path, "t", database_url=db)
    a = Bot(service.registry, "A", sequence(SCRIPT_A)).create(pair_config(3))
    Bot(service.registry, "B", sequence(SCRIPT_B)).join(a.code)
    a.act()
    # another connection (another process) sees the move at once: it was committed
    other = create_engine(database_url(db, tmp_path))
    with other.connect() as conn:
        query = text("SELECT kind, gid FROM events WHERE room = :room")
        rows = [tuple(r) for r in conn.execute(query, {"room": a.code})]
        players = [tuple(r) for r in conn.execute(text("SELECT gid, token_hash FROM players"))]
    other.dispose()
    assert rows == [("move", "north")]
    assert {g for g, _ in players} == {"north", "south"}
    assert a.token not in {h for _, h in players}  # only a hash of the seat's secret


# ---------------------------------------------------------------------- SIGKILL
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from negotiation_sim.teaching.bots import Bot, sequence
    from negotiation_sim.teaching.service import TeachingService
    from negotiation_sim.teaching.sessions import adhoc_config

    data, out, url = sys.argv[1], sys.argv[2], sys.argv[3] or None
    service = TeachingService(data, "t", database_url=url)
    config = adhoc_config("classroom_basic", mode="pair", rounds=6)
    A = {A}
    B = {B}
    bots = []
    for i in range(4):
        a = Bot(service.registry, f"A{{i}}", sequence(A)).create(config)
        b = Bot(service.registry, f"B{{i}}", sequence(B)).join(a.code)
        bots.append((a, b))
        for _ in range(i + 1):  # room i is stopped after i + 1 rounds
            a.act(); b.act()
        if i % 2:
            a.act()  # and in odd rooms North has moved in the next round
    with open(out, "w") as fh:
        json.dump([[a.code, a.token, b.token] for a, b in bots], fh)
    print("ready", flush=True)
    time.sleep(600)
    """
)


def test_a_server_killed_with_sigkill_resumes_every_game_in_progress(tmp_path, db):
    script = CHILD.format(A=SCRIPT_A, B=SCRIPT_B)
    tokens = tmp_path / "tokens.json"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "data"), str(tokens), db or ""],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        line = child.stdout.readline()
        assert line.strip() == "ready", line
        assert time.monotonic() < deadline
        os.kill(child.pid, signal.SIGKILL)  # mid-game, no chance to clean up
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    service = TeachingService(tmp_path / "data", "t", database_url=db)
    rooms = json.loads(tokens.read_text())
    assert len(service.registry.rooms()) == 4
    want = expected_record(SCRIPT_A, SCRIPT_B)
    for i, (code, ta, tb) in enumerate(rooms):
        room = service.registry.room(code)
        assert room.game.round == i + 2 and list(room.game.pending) == (["north"] if i % 2 else [])
        a = Bot(service.registry, "A", sequence(SCRIPT_A), code=code, token=ta, seat="north")
        b = Bot(service.registry, "B", sequence(SCRIPT_B), code=code, token=tb, seat="south")
        play_room([a, b])
        assert room.record["trajectory"] == want["trajectory"]
        assert [s["player"] for s in room.record["seats"]] == [f"A{i}", f"B{i}"]
    assert len(service.results()) == 4


# ---------------------------------------------------------------------- the database URL
def test_an_absent_database_keeps_games_in_memory_and_writes_them_when_it_is_there(
    tmp_path, postgres_server
):
    with postgres_support.fresh_database(postgres_server) as url:
        missing = url + "_not_yet"
        store = GameStore(tmp_path, url=missing)
        assert store.save(game("a")) is False  # the database does not exist (yet)
        assert [g["game_id"] for g in store.games()] == ["a"]
        health = store.health()
        assert not health.ok and health.unsaved_games == 1 and "cannot open" in health.error
        assert health.folder is None and "database server" in health.advice
        assert "_not_yet" in health.where
        postgres_support.create_database(postgres_server, missing)
        try:
            assert store.retry() is True  # the server is there again: the game is written
            assert [g["game_id"] for g in GameStore(tmp_path, url=missing).games()] == ["a"]
        finally:
            store.close()
            postgres_support.drop_database(postgres_server, missing)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u@h/db", "'mysql' is not supported; allowed: sqlite, postgresql"),
        ("not a url", "is not a URL; allowed: postgresql://"),
        ("sqlite://", "SQLite needs a file"),
        ("sqlite:///:memory:", "in-memory database would lose every game"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_refused_with_what_is_allowed(tmp_path, url, words):
    with pytest.raises(DatabaseUrlError, match=re.escape(words)):
        GameStore(tmp_path, url=url)


def test_postgres_urls_mean_the_psycopg_driver_and_messages_hide_the_password(tmp_path):
    for given in (
        "postgresql://ann:secret@127.0.0.1:1/class",
        "postgres://ann:secret@127.0.0.1:1/class",
    ):
        url = database_url(given, tmp_path)
        assert url.drivername == "postgresql+psycopg"
        store = GameStore(tmp_path, url=given)  # nothing listens on port 1
        assert store.save(game("a")) is False
        health = store.health()
        assert "secret" not in health.error + health.where + health.advice
        assert "ann:***@127.0.0.1:1/class" in health.where
    assert database_url("", tmp_path).database == str(tmp_path / "classroom.sqlite3")


SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE classes (code TEXT PRIMARY KEY, config_id TEXT NOT NULL, source TEXT NOT NULL,
  created_at TEXT NOT NULL, open INTEGER NOT NULL DEFAULT 1, archived INTEGER NOT NULL DEFAULT 0);
CREATE TABLE rooms (code TEXT PRIMARY KEY, game_id TEXT NOT NULL, class_code TEXT NOT NULL,
  config TEXT NOT NULL, humans TEXT NOT NULL, created_at TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0);
CREATE TABLE players (room TEXT NOT NULL, gid TEXT NOT NULL, name TEXT NOT NULL,
  kind TEXT NOT NULL, token_hash TEXT NOT NULL, browser_hash TEXT NOT NULL DEFAULT '',
  claim_hash TEXT NOT NULL DEFAULT '', joined_at TEXT NOT NULL, PRIMARY KEY (room, gid));
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL,
  kind TEXT NOT NULL, gid TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE games (game_id TEXT PRIMARY KEY, room TEXT NOT NULL, class_code TEXT NOT NULL,
  finished_at TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE logins (secret_hash TEXT PRIMARY KEY, expires REAL NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1'), ('migrated_jsonl', '2026-11-30');
"""


def test_a_database_of_the_first_sqlite_schema_is_upgraded_in_place(tmp_path):
    """The first store (schema 1) ordered rows by SQLite's rowid; its file keeps its games
    and classes, in their order, and new rows go after them."""
    with sqlite3.connect(tmp_path / "classroom.sqlite3") as old:
        old.executescript(SCHEMA_1)
        for gid in ("z", "a", "m"):  # not alphabetical: the order is the rowid's
            record = json.dumps(game(gid, class_code="K"), sort_keys=True)
            old.execute("INSERT INTO games VALUES (?, '', 'K', '', ?)", (gid, record))
        old.execute("INSERT INTO classes VALUES ('QQQQQ', 'tariff_dilemma', '', '', 1, 0)")
        old.execute("INSERT INTO classes VALUES ('BBBBB', 'tariff_dilemma', '', '', 0, 0)")
    store = GameStore(tmp_path)
    assert [g["game_id"] for g in store.games()] == ["z", "a", "m"]
    store.save(game("b"))
    store.save_class({"code": "AAAAA", "config": "tariff_dilemma"})
    store.save_class({"code": "QQQQQ", "config": "tariff_dilemma", "open": False})  # again
    store.close()
    again = GameStore(tmp_path)
    assert [g["game_id"] for g in again.games()] == ["z", "a", "m", "b"]
    assert [(k["code"], k["open"]) for k in again.load_sessions()] == [
        ("QQQQQ", False),  # changed, and still first: a saved class keeps its place
        ("BBBBB", False),
        ("AAAAA", True),
    ]
    assert again.problems == []  # the JSON-lines import had been done: not again

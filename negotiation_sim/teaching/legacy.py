"""The earlier classroom store (JSON lines), read once to move its games into SQLite.

Before the SQLite store, finished games were kept one JSON object a line in
``finished_games.jsonl`` and launched class sessions in ``class_sessions.json``, each
rewritten through a temporary file (``.<name>.<random>.tmp``). ``migrate`` imports both
into the database on first start and renames them ``*.migrated`` (kept, never deleted);
``remove_stale_temporaries`` deletes temporary files that a crash or a full disk left.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

GAMES_FILE = "finished_games.jsonl"
SESSIONS_FILE = "class_sessions.json"
MIGRATED = ".migrated"


def read_games(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The games of a JSON-lines file, and a note per damaged line (skipped)."""
    games, problems, seen = [], [], set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                game = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{n}: skipped a damaged line ({exc})")
                continue
            if isinstance(game, dict) and game.get("game_id") not in seen:
                games.append(game)
                seen.add(game.get("game_id"))
    return games, problems


def read_sessions(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [f"{path}: ignored ({exc})"]
    if not isinstance(data, list):
        return [], [f"{path}: ignored (not a list of class sessions)"]
    return [s for s in data if isinstance(s, dict) and s.get("code")], []


def migrate(
    data_dir: Path, write: Callable[[list[dict[str, Any]], list[dict[str, Any]]], None]
) -> list[str]:
    """Import the JSON-lines store under ``data_dir`` with ``write(games, classes)`` (one
    transaction), then rename its files. Returns notes for the instructor (damaged lines,
    or why nothing was imported)."""
    games_path, sessions_path = data_dir / GAMES_FILE, data_dir / SESSIONS_FILE
    if not games_path.exists() and not sessions_path.exists():
        return []
    notes: list[str] = []
    games: list[dict[str, Any]] = []
    classes: list[dict[str, Any]] = []
    if games_path.exists():
        games, problems = read_games(games_path)
        notes += problems
    if sessions_path.exists():
        classes, problems = read_sessions(sessions_path)
        notes += problems
    try:
        write(games, classes)
    except Exception as exc:  # the old files stay; the import runs again next start
        notes.append(f"{games_path}: not imported yet ({exc}); will try again at the next start")
        return notes
    for path in (games_path, sessions_path):
        if path.exists():
            try:
                path.rename(path.with_name(path.name + MIGRATED))
            except OSError as exc:
                notes.append(f"{path}: imported, but could not be renamed ({exc})")
    msg = f"imported {len(games)} finished games and {len(classes)} class sessions"
    logger.info("classroom store: %s from %s", msg, data_dir)
    notes.append(f"{data_dir}: {msg} from the earlier JSON-lines store")
    for note in notes:
        logger.warning(note)
    return notes


def remove_stale_temporaries(data_dir: Path) -> list[str]:
    """Delete the earlier store's temporary files (``.finished_games.jsonl.*.tmp``);
    returns their names."""
    removed = []
    for name in (GAMES_FILE, SESSIONS_FILE):
        for tmp in data_dir.glob(f".{name}.*.tmp"):
            try:
                tmp.unlink()
                removed.append(tmp.name)
            except OSError:
                pass
    if removed:
        logger.info("classroom store: removed %d stale temporary files", len(removed))
    return removed

"""Finished games on disk, so that a server restart during class loses none of them.

``GameStore(data_dir)`` keeps every finished game as one JSON line in
``<data_dir>/finished_games.jsonl``. The file is rewritten atomically on each save (a
temporary file in the same folder, flushed and fsynced, then ``os.replace``), so a crash
leaves either the old file or the new one, never half a line. Launched class sessions
are kept the same way in ``class_sessions.json``. The store reloads both at start.

``class_csv()`` exports class results: one row per game with each side's player, who
played it (student, computer, or student then computer) and the payoffs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

GAMES_FILE = "finished_games.jsonl"
SESSIONS_FILE = "class_sessions.json"
ENV_DATA_DIR = "NEGOTIATION_SIM_DATA_DIR"

CSV_COLUMNS = [
    "finished_at",
    "class_code",
    "session",
    "room",
    "mode",
    "scenario",
    "seed",
    "rounds",
    "outcome",
    "outcome_round",
    "deals_struck",
]
SEAT_COLUMNS = ["side", "government", "player", "played_by", "strategy", "payoff", "welfare"]


def default_data_dir() -> Path:
    """``NEGOTIATION_SIM_DATA_DIR`` if set, else ``$XDG_DATA_HOME/negotiation-sim/teaching``
    (``~/.local/share/...``)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "negotiation-sim" / "teaching"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def played_by(seat: dict[str, Any]) -> str:
    """``student``, ``computer`` or ``student, then computer from round k``."""
    if not seat.get("human"):
        return "computer"
    if seat.get("takeover_round") is not None:
        why = f" ({seat['takeover_reason']})" if seat.get("takeover_reason") else ""
        return f"student, then computer from round {seat['takeover_round']}{why}"
    return "student"


class GameStore:
    """Finished games (dicts, one per game) saved under ``data_dir``; thread-safe."""

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.path = self.data_dir / GAMES_FILE
        self.sessions_path = self.data_dir / SESSIONS_FILE
        self._lock = threading.Lock()
        self._games: list[dict[str, Any]] = []
        self._ids: set[str] = set()
        self.problems: list[str] = []
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    game = json.loads(line)
                except json.JSONDecodeError as exc:
                    msg = f"{self.path}:{n}: skipped a damaged line ({exc})"
                    logger.warning(msg)
                    self.problems.append(msg)
                    continue
                if isinstance(game, dict) and game.get("game_id") not in self._ids:
                    self._games.append(game)
                    self._ids.add(game.get("game_id"))

    def save(self, game: dict[str, Any]) -> None:
        """Add a finished game (saving the same ``game_id`` twice keeps the first)."""
        line = json.dumps(game, sort_keys=True, default=str)
        with self._lock:
            if game.get("game_id") in self._ids:
                return
            games = [*self._games, json.loads(line)]
            text = "".join(json.dumps(g, sort_keys=True, default=str) + "\n" for g in games)
            atomic_write(self.path, text)
            self._games = games
            self._ids.add(game.get("game_id"))

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

    def codes(self) -> set[str]:
        """Room and class codes already used by saved games (not to be handed out again)."""
        with self._lock:
            return {g.get("room", "") for g in self._games} | {
                g.get("class_code", "") for g in self._games
            }

    # ------------------------------------------------------------ class sessions
    def save_sessions(self, sessions: Iterable[dict[str, Any]]) -> None:
        text = json.dumps(list(sessions), indent=1, sort_keys=True, default=str)
        with self._lock:
            atomic_write(self.sessions_path, text)

    def load_sessions(self) -> list[dict[str, Any]]:
        if not self.sessions_path.exists():
            return []
        try:
            data = json.loads(self.sessions_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            msg = f"{self.sessions_path}: ignored ({exc})"
            logger.warning(msg)
            self.problems.append(msg)
            return []
        return [s for s in data if isinstance(s, dict)] if isinstance(data, list) else []

    # ------------------------------------------------------------ export
    def class_rows(self, class_code: str | None = None) -> list[dict[str, Any]]:
        """One flat row per finished game (the CSV's rows)."""
        rows = []
        for game in self.games(class_code):
            row = {key: game.get(key, "") for key in CSV_COLUMNS}
            row["session"] = game.get("session", "")
            for i, seat in enumerate(game.get("seats", []), 1):
                row[f"side_{i}"] = seat.get("gid", "")
                row[f"government_{i}"] = seat.get("name", "")
                row[f"player_{i}"] = seat.get("player", "")
                row[f"played_by_{i}"] = played_by(seat)
                row[f"strategy_{i}"] = seat.get("strategy", "")
                row[f"payoff_{i}"] = seat.get("payoff", "")
                row[f"welfare_{i}"] = seat.get("welfare", "")
            rows.append(row)
        return rows

    def class_csv(self, class_code: str | None = None) -> str:
        columns = CSV_COLUMNS + [f"{c}_{i}" for i in (1, 2) for c in SEAT_COLUMNS]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in self.class_rows(class_code):
            writer.writerow(row)
        return out.getvalue()

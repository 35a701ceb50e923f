"""The teaching server's shared state: rooms, class sessions, saved games, debriefs.

One ``TeachingService`` per server process (``get_service()``), configured from the
environment when it is first used:

* ``NEGOTIATION_SIM_INSTRUCTOR_TOKEN``: the passphrase of the instructor view (the view is
  off when it is unset or empty);
* ``NEGOTIATION_SIM_DATA_DIR``: where finished games are saved (see ``store``);
* ``NEGOTIATION_SIM_SESSIONS_DIR``: extra folders of session configs.

This is deliberate module-level state shared by every browser session: the rooms of a
class must be visible to every student's page. Everything in it is guarded by locks.
Per-student UI state lives in the pages, never here.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from negotiation_sim.teaching.debrief import Debrief, build_debrief
from negotiation_sim.teaching.rooms import RoomRegistry
from negotiation_sim.teaching.sessions import (
    SessionConfig,
    SessionError,
    load_session,
    load_sessions,
)
from negotiation_sim.teaching.store import GameStore

logger = logging.getLogger(__name__)

ENV_TOKEN = "NEGOTIATION_SIM_INSTRUCTOR_TOKEN"


class TeachingService:
    def __init__(
        self,
        data_dir: str | Path | None = None,
        instructor_token: str | None = None,
        session_dirs: list[Path] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = GameStore(data_dir)
        self.instructor_token = instructor_token or ""
        self.registry = RoomRegistry(
            on_finish=self.store.save,
            on_classes=self.store.save_sessions,
            clock=clock,
            reserved_codes=self.store.codes(),
        )
        self.session_dirs = session_dirs
        self.configs, self.config_errors = load_sessions(session_dirs)
        self._debriefs: dict[tuple[str, str], Debrief] = {}
        self._debrief_locks: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()
        self._restore_classes()

    def _restore_classes(self) -> None:
        for data in self.store.load_sessions():
            config = self.configs.get(data.get("config", ""))
            if config is None and data.get("source"):
                try:
                    config = load_session(data["source"])
                except SessionError as exc:
                    self.config_errors.extend(exc.messages)
            if config is not None and data.get("code"):
                self.registry.restore_class(data, config)

    def reload_configs(self) -> None:
        self.configs, self.config_errors = load_sessions(self.session_dirs)

    # ------------------------------------------------------------------ instructor
    @property
    def instructor_enabled(self) -> bool:
        return bool(self.instructor_token)

    def check_token(self, given: str | None) -> bool:
        """True only for the exact instructor token (compared in constant time)."""
        if not self.instructor_token or not given:
            return False
        return hmac.compare_digest(str(given).encode(), self.instructor_token.encode())

    def launch(self, config_id: str):
        config = self.configs.get(config_id)
        if config is None:
            from negotiation_sim.teaching.game import TeachingError

            raise TeachingError(f"No session config {config_id!r}.", "unknown_config")
        return self.registry.launch(config)

    # ------------------------------------------------------------------ results
    def results(self, class_code: str | None = None) -> list[dict[str, Any]]:
        return self.store.games(class_code or None)

    def outcome_counts(self, class_code: str | None = None) -> Counter:
        return Counter(g["outcome"] for g in self.results(class_code))

    def debrief(self, record: dict[str, Any], gid: str) -> Debrief:
        """The debrief of seat ``gid`` in a finished game, computed once and cached."""
        key = (record["game_id"], gid)
        with self._lock:
            done = self._debriefs.get(key)
            if done is not None:
                return done
            lock = self._debrief_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                done = self._debriefs.get(key)
            if done is None:
                done = build_debrief(record, gid)
                with self._lock:
                    self._debriefs[key] = done
            return done


_service: TeachingService | None = None
_service_lock = threading.Lock()


def get_service() -> TeachingService:
    """The server's ``TeachingService``, created from the environment on first use (with
    a clock thread that applies time limits every second)."""
    global _service
    with _service_lock:
        if _service is None:
            _service = TeachingService(instructor_token=os.environ.get(ENV_TOKEN, ""))
            _service.registry.start_clock(1.0)
            logger.info("teaching data dir: %s", _service.store.data_dir)
        return _service


def set_service(service: TeachingService | None) -> None:
    """Replace the server's service (tests)."""
    global _service
    with _service_lock:
        if _service is not None and _service is not service:
            _service.registry.stop_clock()
        _service = service


def session_config(config_id: str) -> SessionConfig | None:
    return get_service().configs.get(config_id)

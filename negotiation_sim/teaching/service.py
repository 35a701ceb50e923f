"""The teaching server's shared state: rooms, class sessions, the store, access and the
shared debrief results.

One ``TeachingService`` per server process (``get_service()``), configured from the
environment when it is first used:

* ``NEGOTIATION_SIM_INSTRUCTOR_TOKEN``: the passphrase of the instructor view (the view is
  off when it is unset or empty);
* ``NEGOTIATION_SIM_DATA_DIR``: the classroom database (see ``store``);
* ``NEGOTIATION_SIM_SESSIONS_DIR``: extra folders of session configs.

At start the service rebuilds every class session and room the store holds (games in
progress replayed from their moves). This is deliberate module-level state shared by
every browser session: the rooms of a class must be visible to every student's page.
Everything in it is guarded by locks. Per-student UI state lives in the pages.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from negotiation_sim.teaching.access import InstructorAccess, LoginResult
from negotiation_sim.teaching.database import ENV_DATABASE_URL, DatabaseUrlError
from negotiation_sim.teaching.debrief import Debrief, DebriefCache, build_debrief
from negotiation_sim.teaching.export import counted
from negotiation_sim.teaching.game import Game
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.registry import ClassSession, RoomRegistry
from negotiation_sim.teaching.sessions import (
    SessionConfig,
    SessionError,
    load_session,
    load_sessions,
)
from negotiation_sim.teaching.shadow import ShadowWorker
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
        database_url: str | None = None,
    ) -> None:
        self.store = GameStore(data_dir, url=database_url)
        self.access = InstructorAccess(instructor_token or "", self.store, clock)
        self.registry = RoomRegistry(
            on_finish=self.store.save,
            on_classes=self.store.save_sessions,
            clock=clock,
            reserved_codes=self.store.codes(),
            journal=self.store,
        )
        self.registry.on_tick.append(self.store.retry)
        self.session_dirs = session_dirs
        self.configs, self.config_errors = load_sessions(session_dirs)
        self.cache = DebriefCache()
        self.shadows = ShadowWorker()
        self.cache.shadow = self.shadows.finish
        self.registry.on_round = self.shadows.round_played
        self._debriefs: dict[tuple[str, str], Debrief] = {}
        self._lock = threading.Lock()
        self.problems: list[str] = list(self.store.problems)
        self._restore()

    def _restore(self) -> None:
        for data in self.store.load_sessions():
            config = self.configs.get(data.get("config", ""))
            if config is None and data.get("source"):
                try:
                    config = load_session(data["source"])
                except SessionError as exc:
                    self.config_errors.extend(exc.messages)
            if config is not None and data.get("code"):
                self.registry.restore_class(data, config)
        self.problems += self.registry.restore(self.store.rooms(), self.store.get)

    def reload_configs(self) -> None:
        self.configs, self.config_errors = load_sessions(self.session_dirs)

    # ------------------------------------------------------------------ instructor
    @property
    def instructor_token(self) -> str:
        return self.access.token

    @property
    def instructor_enabled(self) -> bool:
        return self.access.enabled

    def check_token(self, given: str | None) -> bool:
        """True only for the exact instructor token (compared in constant time)."""
        return self.access.check_token(given)

    def login(self, given: str | None, browser: str) -> LoginResult:
        return self.access.login(given, browser)

    def is_instructor(self, browser: str) -> bool:
        return self.access.logged_in(browser)

    def launch(self, config_id: str, prepare: bool = True) -> ClassSession:
        """Launch a session config for a class; with ``prepare`` the debrief results
        every student will share are computed in the background now."""
        config = self.configs.get(config_id)
        if config is None:
            raise TeachingError(f"No session config {config_id!r}.", "unknown_config")
        klass = self.registry.launch(config)
        if prepare:
            threading.Thread(
                target=self.prepare, args=(config,), name="teaching-prepare", daemon=True
            ).start()
        return klass

    def prepare(self, config: SessionConfig) -> None:
        """Compute the shared debrief parts of a session ahead of its games: the ensemble
        of each seat, and in computer mode the counterfactuals (the same for every
        student against the same computer)."""
        try:
            for gid in config.seat_choices():
                record = blank_record(config, gid)
                if config.counterfactuals and config.mode == "computer":
                    self.cache.counterfactuals(record, gid)
                if config.ensemble_seeds:
                    self.cache.ensemble(record, gid, config.ensemble_seeds)
        except Exception:  # only a head start: the debrief computes what is missing
            logger.exception("preparing the debriefs of %s failed", config.id)

    # ------------------------------------------------------------------ results
    def results(self, class_code: str | None = None) -> list[dict[str, Any]]:
        return self.store.games(class_code or None)

    def outcome_counts(self, class_code: str | None = None) -> Counter:
        """Outcomes of the games that count (not dropouts, not computer-only games)."""
        return Counter(g["outcome"] for g in self.results(class_code) if counted(g))

    def debrief(self, record: dict[str, Any], gid: str) -> Debrief:
        """The debrief of seat ``gid`` in a finished game, computed once and cached; its
        counterfactuals and ensemble are shared with every game that has the same."""
        key = (record["game_id"], gid)
        with self._lock:
            done = self._debriefs.get(key)
        if done is None:
            done = build_debrief(record, gid, cache=self.cache)
            with self._lock:
                self._debriefs[key] = done
        return done


def blank_record(config: SessionConfig, gid: str) -> dict[str, Any]:
    """The record fields a debrief's shared parts depend on, for a game of ``config``
    with a student in ``gid`` before anyone has moved."""
    humans = [gid] if config.mode == "computer" else list(config.parties)
    game = Game(
        config.scenario,
        seed=config.seed,
        human_seats=humans,
        opponent=config.opponent or None,
        opponent_params=config.opponent_params,
        rounds=config.rounds,
        overrides=list(config.overrides) or None,
    )
    record = game.record()
    record.update(takeover_strategy=config.takeover, takeover_params=dict(config.takeover_params))
    return record


_service: TeachingService | None = None
_service_lock = threading.Lock()


def startup_problem() -> str:
    """Why the classroom cannot start (a ``NEGOTIATION_SIM_DATABASE_URL`` it cannot use),
    for every page to show instead of a traceback; "" when it can."""
    try:
        get_service()
    except DatabaseUrlError as exc:
        return f"The classroom cannot start: {ENV_DATABASE_URL}: {exc}."
    return ""


def get_service() -> TeachingService:
    """The server's ``TeachingService``, created from the environment on first use (with
    a clock thread that applies time limits and retries unsaved writes every second)."""
    global _service
    with _service_lock:
        if _service is None:
            _service = TeachingService(instructor_token=os.environ.get(ENV_TOKEN, ""))
            _service.registry.start_clock(1.0)
            logger.info("teaching data: %s", _service.store.where)
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

"""Per-browser-session state: the scenario, the settings, the live run, play/pause, and the
background ensemble jobs.

``Page`` creates one ``Session`` with ``solara.use_memo`` for each browser page, so every
user has their own model, charts and jobs. The one thing shared by the sessions of a
server process is the warm pool of worker processes their ensembles run on
(``runs.execution.shared_pool``): it is started when the first session starts, a
cancelled job leaves it to the others, and a worker that dies is replaced. Threads
started from a session (play, ensembles) inherit the session's Solara context, so
setting a reactive value from them re-renders that session's page only.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field, replace

import solara

from negotiation_sim.app import settings as st
from negotiation_sim.app.firms_chart import FirmsChart
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.timeline_chart import TimelineChart
from negotiation_sim.runs.ensemble import EnsembleResult, run_ensemble
from negotiation_sim.runs.execution import shared_pool
from negotiation_sim.scenario import Scenario, ScenarioError, list_scenarios
from negotiation_sim.scenario.seats import human_seats
from negotiation_sim.views.episode import Episode, list_episodes, load_episode

log = logging.getLogger(__name__)

DEFAULT_SCENARIO = "us_china_2025"
#: play speeds offered, rounds per second (0 = as fast as the server draws)
SPEEDS = (1.0, 2.0, 5.0, 10.0, 0.0)
MAX_ENSEMBLE_RUNS = 5000
#: seconds between progress updates of a running ensemble: each update re-renders the
#: page in the server process, on the cores the workers need (four a second cost about
#: 1 s of a 200-run ensemble of 3 s on this 2-core machine; benchmarks/bench_app.py)
PROGRESS_SECONDS = 1.0
UPLOAD_PREFIX = "uploaded: "
#: prefix of a back-test episode's entry in the scenario list, and the episode menu's
#: entry for no episode
EPISODE_PREFIX = "episode: "
NO_EPISODE = "none"


def warm_pool(workers: int | None = None) -> None:
    """Start the server's shared worker processes in the background (a no-op once they
    run), so that the first ensemble does not wait for them."""
    pool = shared_pool(workers)
    threading.Thread(target=pool.warm, name="warm-pool", daemon=True).start()


@dataclass(frozen=True)
class Setting:
    """One ensemble's setting: a label, its validated scenario and what produced it (and
    the back-test episode whose observations its charts show, if any)."""

    label: str
    scenario: Scenario
    settings: st.Settings
    episode: Episode | None = None


@dataclass(frozen=True)
class JobState:
    status: str = "idle"  # idle | running | cancelling | done | cancelled | error
    done: int = 0
    total: int = 0
    runs: int = 0
    base_seed: int = 0
    workers: int = 1
    settings: tuple[Setting, ...] = ()
    results: tuple[EnsembleResult, ...] = ()
    error: str = ""
    elapsed: float = 0.0
    started: float = 0.0

    @property
    def busy(self) -> bool:
        return self.status in ("running", "cancelling")


class EnsembleJob:
    """Runs one or more ensembles one after the other in a background thread, with
    progress and cancel, for one session."""

    def __init__(self) -> None:
        self.state: solara.Reactive[JobState] = solara.reactive(JobState())
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_progress = 0.0

    def start(
        self, settings: list[Setting], runs: int, base_seed: int, workers: int, wait=False
    ) -> None:
        if self.state.peek().busy:
            return
        humans = sorted({g for s in settings for g in human_seats(s.scenario.data["governments"])})
        if humans:  # a person must play these seats: an ensemble cannot (no traceback)
            self.state.value = JobState(
                status="error",
                error=f"{', '.join(humans)}: the Human strategy takes its moves from a "
                "person, so an ensemble cannot play it. Choose a computer strategy, or give "
                "the seat a fallback (strategy_params.fallback).",
            )
            return
        self._cancel = threading.Event()
        self.state.value = JobState(
            status="running",
            total=runs * len(settings),
            runs=runs,
            base_seed=base_seed,
            workers=workers,
            settings=tuple(settings),
            started=time.perf_counter(),
        )
        self._thread = threading.Thread(
            target=self._run,
            args=(list(settings), runs, base_seed, workers, self._cancel),
            name="ensemble",
            daemon=True,
        )
        self._thread.start()
        if wait:
            self._thread.join()

    def cancel(self) -> None:
        if self.state.peek().status == "running":
            self._cancel.set()
            self.state.value = replace(self.state.peek(), status="cancelling")

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(
        self,
        settings: list[Setting],
        runs: int,
        base_seed: int,
        workers: int,
        cancel: threading.Event,
    ) -> None:
        results: list[EnsembleResult] = []
        start = time.perf_counter()
        try:
            for k, setting in enumerate(settings):
                offset = k * runs

                def progress(done: int, total: int, offset: int = offset) -> None:
                    now = time.perf_counter()
                    if now - self._last_progress >= PROGRESS_SECONDS or done == total:
                        self._last_progress = now
                        state = self.state.peek()
                        if state.busy:
                            self.state.value = replace(state, done=offset + done)

                result = run_ensemble(
                    setting.scenario,
                    runs,
                    base_seed=base_seed,
                    workers=workers,
                    series=True,
                    progress=progress,
                    cancel=cancel,
                    # one worker: in this process; more: the server's warm pool
                    backend=shared_pool(workers) if workers > 1 else None,
                )
                results.append(result)
                if result.cancelled or cancel.is_set():
                    break
            status = "cancelled" if cancel.is_set() else "done"
            self.state.value = replace(
                self.state.peek(),
                status=status,
                done=sum(len(r.summaries) for r in results),
                results=tuple(results),
                elapsed=time.perf_counter() - start,
            )
        except Exception as exc:  # shown in the page; the app keeps working
            log.exception("ensemble failed")
            self.state.value = replace(
                self.state.peek(),
                status="error",
                error=f"{type(exc).__name__}: {exc}",
                elapsed=time.perf_counter() - start,
            )


@dataclass
class Session:
    """Everything one browser page owns."""

    choices: solara.Reactive[list[str]] = field(
        default_factory=lambda: solara.reactive(list_scenarios())
    )
    choice: solara.Reactive[str] = field(default_factory=lambda: solara.reactive(""))
    base: solara.Reactive[Scenario | None] = field(default_factory=lambda: solara.reactive(None))
    draft: solara.Reactive[st.Settings] = field(
        default_factory=lambda: solara.reactive(st.Settings())
    )
    applied: solara.Reactive[st.Settings] = field(
        default_factory=lambda: solara.reactive(st.Settings())
    )
    scenario: solara.Reactive[Scenario | None] = field(
        default_factory=lambda: solara.reactive(None)
    )
    settings_errors: solara.Reactive[list[str]] = field(default_factory=lambda: solara.reactive([]))
    upload_errors: solara.Reactive[list[str]] = field(default_factory=lambda: solara.reactive([]))
    upload_note: solara.Reactive[str] = field(default_factory=lambda: solara.reactive(""))
    #: the shipped back-test episodes, and the one whose scenario is loaded (or None)
    episode_choices: list[str] = field(default_factory=list_episodes)
    episode: solara.Reactive[Episode | None] = field(default_factory=lambda: solara.reactive(None))
    run: solara.Reactive[LiveRun | None] = field(default_factory=lambda: solara.reactive(None))
    rounds: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))
    playing: solara.Reactive[bool] = field(default_factory=lambda: solara.reactive(False))
    speed: solara.Reactive[float] = field(default_factory=lambda: solara.reactive(5.0))
    run_error: solara.Reactive[str] = field(default_factory=lambda: solara.reactive(""))
    ensemble: EnsembleJob = field(default_factory=EnsembleJob)
    compare: EnsembleJob = field(default_factory=EnsembleJob)
    compare_a: solara.Reactive[st.Settings | None] = field(
        default_factory=lambda: solara.reactive(None)
    )
    compare_b: solara.Reactive[st.Settings | None] = field(
        default_factory=lambda: solara.reactive(None)
    )
    uploads: dict[str, Scenario] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)  # choice -> loaded episode
    timeline: TimelineChart = field(default_factory=TimelineChart)
    firms: FirmsChart = field(default_factory=FirmsChart)
    islands: dict = field(default_factory=dict)  # name -> render context (widgets.Island)
    _play_token: int = 0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------------ scenario
    def start(self, name: str = DEFAULT_SCENARIO) -> None:
        """Load the default scenario and create the first run; warm the worker pool."""
        if self.run.peek() is None:
            self.select(name)
            warm_pool()

    def select(self, choice: str) -> None:
        """Switch to a shipped or uploaded scenario, or an episode's (``select_episode``);
        settings return to its own values."""
        try:
            if choice in self.episodes:
                base = self.episodes[choice].scenario
            elif choice in self.uploads:
                base = self.uploads[choice]
            else:
                base = st.load_named(choice)
        except ScenarioError as exc:  # a broken file in scenarios/: say so, keep the run
            self.settings_errors.value = list(exc.messages)
            return
        self.stop()
        self.choice.value = choice
        self.base.value = base
        self.episode.value = self.episodes.get(choice)
        seed = self.draft.peek().seed if self.run.peek() is not None else 1
        fresh = st.settings_for(base, seed=seed)
        self.draft.value = fresh
        self.compare_a.value = None
        self.compare_b.value = None
        self.reset()

    def upload(self, filename: str, data: bytes) -> None:
        """Validate an uploaded scenario file; show its problems or switch to it."""
        try:
            scenario = st.parse_upload(filename, data)
        except ScenarioError as exc:
            self.upload_errors.value = list(exc.messages)
            self.upload_note.value = ""
            return
        key = UPLOAD_PREFIX + filename
        self.uploads[key] = scenario
        if key not in self.choices.peek():
            self.choices.value = [*self.choices.peek(), key]
        self.upload_errors.value = []
        self.upload_note.value = f"{filename}: OK, loaded as “{scenario.name}”."
        self.select(key)

    def select_episode(self, name: str) -> None:
        """Switch to a shipped back-test episode's scenario (with the episode's overrides
        and horizon, ``views.episode``), whose observations the ensemble charts then
        show; ``NO_EPISODE`` returns to the plain scenario the episode names."""
        current = self.episode.peek()
        if name == NO_EPISODE:
            if current is not None:
                stem = current.scenario.stem
                self.select(stem if stem in self.choices.peek() else DEFAULT_SCENARIO)
            return
        key = EPISODE_PREFIX + name
        if key not in self.episodes:
            try:
                self.episodes[key] = load_episode(name)
            except ScenarioError as exc:  # a broken file in episodes/: say so, keep the run
                self.settings_errors.value = list(exc.messages)
                return
        if key not in self.choices.peek():
            self.choices.value = [*self.choices.peek(), key]
        self.select(key)

    # ------------------------------------------------------------------ live run
    def reset(self) -> bool:
        """Apply the settings being edited and start a new run; False (and the problems
        shown) if the settings are not valid."""
        self.stop()
        base = self.base.peek()
        if base is None:
            return False
        draft = self.draft.peek()
        try:
            scenario = st.apply(base, draft)
        except ScenarioError as exc:
            self.settings_errors.value = list(exc.messages)
            return False
        self.settings_errors.value = []
        self.run_error.value = ""
        with self._lock:
            run = LiveRun(scenario, draft.seed)
            self.scenario.value = scenario
            self.applied.value = draft
            self.run.value = run
            self.rounds.value = 0
        if self.compare_a.peek() is None or self.compare_b.peek() is None:
            self.compare_a.value = draft
            more = replace(draft, stockpile_scale=3.0)
            self.compare_b.value = more if st.rare_earth_groups(base) else draft
        return True

    def step(self) -> None:
        run = self.run.peek()
        if run is None or self.playing.peek():
            return
        self._advance(run)

    def _advance(self, run: LiveRun) -> int:
        n = run.step()
        if run.error:
            self.run_error.value = run.error
        if run is self.run.peek():
            self.rounds.value = n
        return n

    def play(self) -> None:
        run = self.run.peek()
        if run is None or self.playing.peek() or run.finished:
            return
        with self._lock:
            self._play_token += 1
            token = self._play_token
        self.playing.value = True
        threading.Thread(
            target=self._play_loop, args=(run, token), name="play", daemon=True
        ).start()

    def pause(self) -> None:
        self.stop()

    def stop(self) -> None:
        with self._lock:
            self._play_token += 1
        if self.playing.peek():
            self.playing.value = False

    def _play_loop(self, run: LiveRun, token: int) -> None:
        try:
            while token == self._play_token and run is self.run.peek():
                started = time.perf_counter()
                self._advance(run)
                if run.finished:
                    break
                speed = self.speed.peek()
                if speed > 0:
                    time.sleep(max(0.0, 1.0 / speed - (time.perf_counter() - started)))
                else:
                    time.sleep(0.001)  # let the server breathe
        except Exception:  # the page went away, or a bug: stop playing
            log.exception("play loop stopped")
        finally:
            if token == self._play_token:
                with contextlib.suppress(Exception):  # the session's context may be closed
                    self.playing.value = False

    def close(self) -> None:
        """The page went away: stop playing and cancel running ensembles."""
        self.stop()
        for job in (self.ensemble, self.compare):
            with contextlib.suppress(Exception):  # the session's context may be closed
                job.cancel()

    # ------------------------------------------------------------------ ensembles
    def current_setting(self, label: str = "current settings") -> Setting | None:
        scenario = self.scenario.peek()
        if scenario is None:
            return None
        return Setting(label, scenario, self.applied.peek(), self.episode.peek())

    def make_setting(self, label: str, settings: st.Settings) -> Setting:
        base = self.base.peek()
        assert base is not None
        return Setting(label, st.apply(base, settings), settings)


def new_session(scenario: str = DEFAULT_SCENARIO) -> Session:
    """A session with ``scenario`` loaded and its first run ready."""
    session = Session()
    session.start(scenario)
    return session

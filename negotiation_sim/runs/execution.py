"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

One implementation for ensembles, sweeps and the app. A *job* is a top-level function
and its context, ``fn(context, task) -> result``; the context (a scenario, a sweep's
parameters) reaches each worker once, the tasks (chunks of runs) stream past it. Every
backend's ``run(job, tasks, on_result, tick, cancel)`` calls ``on_result(task, result)``
in the calling thread as chunks finish and ``tick()`` at least every fraction of a
second, so progress and periodic flushing go on while runs are long. At most
``INFLIGHT_PER_SLOT`` chunks per worker are in flight, so memory does not grow with the
number of runs. Results never depend on the backend: each run's seed depends only on the
base seed and its index (``runs.seeds``).

- ``InProcess``: one chunk after another in this process.
- ``LocalPool``: a ``ProcessPoolExecutor`` started with a multiprocessing *context*
  ("forkserver" where available, else "spawn"; the global start method is never
  changed). A worker that dies (killed, out of memory) breaks the pool; the unfinished
  chunks go to a new pool, up to ``max_restarts`` times per ``run``. Workers ignore
  SIGINT (the parent stops them in order) and end themselves if the parent dies. A pool
  can be *shared* by threads (the app's warm pool, ``shared_pool``): setting a job's
  ``cancel`` event stops that job only, and the workers stay up for the next one.
- ``DaskBackend`` (``runs.dask``): a running Dask cluster at a scheduler address.

On Ctrl-C (``KeyboardInterrupt``) a backend stops submitting, keeps the chunks that finish
within a grace period (a second Ctrl-C stops at once), ends its workers and re-raises.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol

from negotiation_sim.config.toml import ConfigError

#: the most worker processes a local pool may have: this many per core of the machine
#: (``max_workers``). The runs are CPU-bound, so more processes than cores give no speed
#: and only cost memory, about ``WORKER_MIB`` each (the simulator, numpy, pandas and Mesa
#: loaded). The command line's ``--workers`` uses the same limit.
WORKERS_PER_CORE = 4
WORKER_MIB = 150
#: runs per chunk at most, and about this many chunks per worker (``chunk_size``)
MAX_CHUNK = 32
TASKS_PER_SLOT = 8
#: chunks in flight per worker: one running, one waiting in the queue
INFLIGHT_PER_SLOT = 2
GRACE_SECONDS = 30.0
TICK_SECONDS = 0.2

OnResult = Callable[[Any, Any], None]
Tick = Callable[[], None]
Say = Callable[[str], None]


class ExecutionError(ConfigError):
    """Bad execution settings (worker count, scheduler address, an unreachable cluster):
    nothing was run. ``messages`` lists the problems."""


class WorkersLost(RuntimeError):
    """Workers died more often than a run allows (finished chunks were handed over)."""


def default_workers() -> int:
    """The cores this process may use (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most worker processes a local pool may have here: ``WORKERS_PER_CORE`` per
    core."""
    return WORKERS_PER_CORE * default_workers()


def check_workers(workers: Any, name: str = "--workers") -> list[str]:
    """Problems with a local worker count (empty if it is a whole number from 1 to
    ``max_workers()``)."""
    if isinstance(workers, bool) or not isinstance(workers, int):
        return [f"{name}: expected a whole number of worker processes, got {workers!r}"]
    if not 1 <= workers <= max_workers():
        return [
            f"{name}: must be from 1 to {max_workers()} ({WORKERS_PER_CORE} per core on this "
            f"machine; each worker process takes about {WORKER_MIB} MiB), got {workers:,}"
        ]
    return []


def chunk_size(runs: int, slots: int) -> int:
    """Runs per chunk: about ``TASKS_PER_SLOT`` chunks per worker to balance the load, at
    most ``MAX_CHUNK`` runs so that progress, flushing and cancelling stay lively (a chunk
    of the default scenario takes about a second)."""
    return max(1, min(MAX_CHUNK, math.ceil(runs / (TASKS_PER_SLOT * max(1, slots)))))


def start_method() -> str:
    """ "forkserver" where available, else "spawn" — or "fork" when this program's main
    module cannot be re-imported by a fresh process (a script read from stdin), as the
    other two methods need."""
    methods = multiprocessing.get_all_start_methods()
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if spec is None and path is not None and not os.path.isfile(path) and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@dataclass(frozen=True)
class Job:
    """``fn(context, task)`` for every task; ``fn`` must be a module-level function (it is
    sent by reference). ``token`` names the context in the workers' cache."""

    fn: Callable[[Any, Any], Any]
    context: Any
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


class Backend(Protocol):
    name: str
    slots: int

    def start(self) -> None: ...

    def close(self) -> None: ...

    def run(
        self,
        job: Job,
        tasks: Iterable[Any],
        on_result: OnResult,
        tick: Tick | None = None,
        cancel: threading.Event | None = None,
    ) -> bool: ...


def _quiet(_: str) -> None:
    pass


def _noop() -> None:
    pass


def _cancelled(cancel: threading.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


class InProcess:
    """Runs chunks one after another in this process."""

    slots = 1
    name = "in-process"

    def __init__(self, say: Say = _quiet) -> None:
        self.say = say

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def run(self, job, tasks, on_result, tick=None, cancel=None) -> bool:
        """Returns False if ``cancel`` stopped it before the last chunk."""
        tick = tick or _noop
        for task in tasks:
            if _cancelled(cancel):
                return False
            on_result(task, job.fn(job.context, task))
            tick()
        return True


# ---------------------------------------------------------------------------- workers
_CONTEXTS: OrderedDict[str, Any] = OrderedDict()
_CONTEXTS_KEPT = 4


def _init_worker(parent_pid: int, preload: tuple[str, ...]) -> None:
    """Initializer of a pool's worker: leave Ctrl-C to the parent (which stops the work in
    order), import what the jobs need, and exit if the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for module in preload:
        __import__(module)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _call(fn: Callable[[Any, Any], Any], token: str, payload: bytes, task: Any) -> Any:
    """Worker side of one chunk: the job's context is unpickled once per worker and kept
    (by token) for the chunks that follow."""
    context = _CONTEXTS.get(token)
    if context is None:
        context = pickle.loads(payload)  # made by the parent process, not read from a file
        _CONTEXTS[token] = context
        while len(_CONTEXTS) > _CONTEXTS_KEPT:
            _CONTEXTS.popitem(last=False)
    else:
        _CONTEXTS.move_to_end(token)
    return fn(context, task)


def _ready() -> int:
    """A task that only starts a worker (warming a pool)."""
    return os.getpid()


def _watch_parent(pid: int, every: float = 0.5) -> None:
    """End this worker once the parent process is gone (killed with SIGKILL, say): its
    queues would otherwise keep it waiting forever. A dead parent shows as a new parent
    process id (we are re-parented at once, even while the dead one is a zombie) or, for
    a fork server's child, as the parent's pid no longer existing."""
    ppid = os.getppid()
    while True:
        time.sleep(every)
        if os.getppid() != ppid:
            os._exit(0)
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            os._exit(0)


# ---------------------------------------------------------------------------- local pool
class LocalPool:
    """``workers`` processes. The processes start with the first chunk (or ``warm()``)
    and stay up across ``run`` calls until ``close()``. ``shared=True``: several threads
    may run jobs at once (the app's sessions); an error, a cancel or Ctrl-C in one job
    leaves the workers to the others."""

    name = "local pool"

    def __init__(
        self,
        workers: int,
        *,
        method: str | None = None,
        max_restarts: int = 3,
        say: Say = _quiet,
        grace: float = GRACE_SECONDS,
        preload: tuple[str, ...] = (),
        shared: bool = False,
    ) -> None:
        problems = check_workers(workers)
        if problems:
            raise ExecutionError(problems)
        self.slots = workers
        self.method = method or start_method()
        self.max_restarts = max_restarts
        self.say = say
        self.grace = grace
        self.preload = tuple(preload)
        self.shared = shared
        self.restarts = 0  # over the pool's life
        self.completed = 0
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._users = 0
        self._retired = False

    def start(self) -> None:
        pass  # the processes start with the first chunk

    def close(self) -> None:
        """End the workers (after the chunks in flight when no job is running)."""
        with self._lock:
            executor, self._executor = self._executor, None
            self._generation += 1
        if executor is not None:
            if self._users:
                _terminate(executor)
            else:
                executor.shutdown(wait=True, cancel_futures=True)

    def retire(self) -> None:
        """Close once the jobs now running are done."""
        with self._lock:
            self._retired = True
            idle = self._users == 0
        if idle:
            self.close()

    def warm(self) -> None:
        """Start every worker now (in the background), so the first job finds them ready."""
        executor, _ = self._current()
        with contextlib.suppress(BrokenProcessPool, RuntimeError):
            for _ in range(self.slots):
                executor.submit(_ready)

    def pids(self) -> list[int]:
        """Process ids of the current workers (for tests and diagnostics)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.is_alive()]

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.method)
        if self.method == "forkserver" and self.preload:
            # the fork server imports the simulator once; workers fork from it ready to run
            context.set_forkserver_preload(list(self.preload))
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(), self.preload),
        )

    def _current(self) -> tuple[ProcessPoolExecutor, int]:
        with self._lock:
            if self._executor is None:
                self._executor = self._new_executor()
                self._generation += 1
            return self._executor, self._generation

    def _replace(self, generation: int) -> None:
        """Drop a broken (or interrupted) executor, once, whichever job notices first."""
        with self._lock:
            if generation != self._generation or self._executor is None:
                return
            executor, self._executor = self._executor, None
        _terminate(executor)

    def run(
        self,
        job: Job,
        tasks: Iterable[Any],
        on_result: OnResult,
        tick: Tick | None = None,
        cancel: threading.Event | None = None,
        *,
        limit: int | None = None,
    ) -> bool:
        """Run every task; returns False if ``cancel`` was set first (the chunks still
        running are left to finish in the workers, their results dropped). ``limit``:
        chunks in flight at most (default ``INFLIGHT_PER_SLOT`` per worker)."""
        tick = tick or _noop
        limit = limit or INFLIGHT_PER_SLOT * self.slots
        payload = pickle.dumps(job.context, protocol=pickle.HIGHEST_PROTOCOL)
        source = iter(tasks)
        sequence = 0
        retry: list[tuple[int, Any]] = []
        exhausted = False
        restarts = 0

        def next_task() -> tuple[int, Any] | None:
            nonlocal exhausted, sequence
            if retry:
                return retry.pop(0)
            if exhausted:
                return None
            task = next(source, None)
            if task is None:
                exhausted = True
                return None
            sequence += 1
            return sequence, task

        with self._lock:
            self._users += 1
        try:
            while True:
                executor, generation = self._current()
                inflight: dict[Future, tuple[int, Any]] = {}
                broken = False
                try:
                    while True:
                        if _cancelled(cancel):
                            for future in inflight:
                                future.cancel()
                            return False
                        while len(inflight) < limit:
                            item = next_task()
                            if item is None:
                                break
                            try:
                                future = executor.submit(_call, job.fn, job.token, payload, item[1])
                            except (BrokenProcessPool, RuntimeError):  # died since last look
                                retry.insert(0, item)
                                broken = True
                                break
                            inflight[future] = item
                        if broken or not inflight:
                            break
                        done, _ = wait(inflight, timeout=TICK_SECONDS, return_when=FIRST_COMPLETED)
                        for future in sorted(done, key=lambda f: inflight[f][0]):
                            item = inflight.pop(future)
                            exc = future.exception()
                            if isinstance(exc, BrokenProcessPool):
                                broken = True
                                retry.append(item)
                            elif exc is not None:
                                raise exc
                            else:
                                self.completed += 1
                                on_result(item[1], future.result())
                        tick()
                        if broken:
                            break
                except KeyboardInterrupt:
                    self._drain(inflight, on_result)
                    if not self.shared:
                        self._replace(generation)
                    raise
                except BaseException:
                    for future in inflight:
                        future.cancel()
                    if not self.shared:
                        self._replace(generation)
                    raise
                if not broken:
                    return True
                # a worker died: keep what finished, retry the rest in a new pool
                for future, item in inflight.items():
                    if future.done() and not future.cancelled() and future.exception() is None:
                        self.completed += 1
                        on_result(item[1], future.result())
                    else:
                        retry.append(item)
                self._replace(generation)
                restarts += 1
                self.restarts += 1
                if restarts > self.max_restarts:
                    hint = "killed, or out of memory?"
                    if not self.completed:
                        hint = (
                            "none finished a chunk: if this runs from a script, call it under "
                            "`if __name__ == '__main__':` (see the worker errors above)"
                        )
                    raise WorkersLost(f"worker processes died {restarts} times ({hint})")
                retry.sort(key=lambda item: item[0])
                self.say(f"a worker process died; restarting the pool ({restarts})")
        finally:
            with self._lock:
                self._users -= 1
                retire = self._retired and self._users == 0
            if retire:
                self.close()

    def _drain(self, inflight: dict[Future, tuple[int, Any]], on_result: OnResult) -> None:
        for future in inflight:
            future.cancel()
        running = {f: item for f, item in inflight.items() if not f.cancelled()}
        if not running:
            return
        self.say(
            f"interrupted: finishing {len(running)} running chunks "
            f"(at most {self.grace:.0f} s; Ctrl-C again to stop now)"
        )
        deadline = time.monotonic() + self.grace
        try:
            while running and time.monotonic() < deadline:
                done, _ = wait(running, timeout=TICK_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    if future.exception() is None:
                        on_result(item[1], future.result())
        except KeyboardInterrupt:
            pass


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel queued chunks and end its processes."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        with contextlib.suppress(Exception):  # already shut down
            terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


# ---------------------------------------------------------------------------- warm pool
_SHARED: LocalPool | None = None
_SHARED_LOCK = threading.Lock()
#: what an ensemble's workers (and the warm pool's) import before their first chunk
ENSEMBLE_PRELOAD = ("negotiation_sim.runs.ensemble",)


def shared_pool(workers: int | None = None) -> LocalPool:
    """This process's warm pool of ``workers`` processes (default: one per core), shared
    by every caller (the app's sessions). Asking for another size replaces it; the old
    pool closes when the jobs running on it finish."""
    global _SHARED
    workers = workers or default_workers()
    with _SHARED_LOCK:
        pool = _SHARED
        if pool is not None and pool.slots == workers:
            return pool
        _SHARED = LocalPool(workers, shared=True, preload=ENSEMBLE_PRELOAD)
        if pool is not None:
            pool.retire()
        return _SHARED


def close_shared_pool() -> None:
    """End the warm pool's workers (at exit; tests)."""
    global _SHARED
    with _SHARED_LOCK:
        pool, _SHARED = _SHARED, None
    if pool is not None:
        pool.close()


def backend_for(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    say: Say = _quiet,
    method: str | None = None,
    preload: tuple[str, ...] = (),
    scheduler_timeout: float = 20.0,
) -> Backend:
    """The backend for a worker count or a scheduler address: a Dask cluster if
    ``scheduler`` is given, else in this process for 1 worker, else a new local pool
    (``workers`` default: one per core). Raises ``ExecutionError`` for a bad count."""
    if scheduler:
        from negotiation_sim.runs.dask import DaskBackend

        return DaskBackend(scheduler, say=say, connect_timeout=scheduler_timeout)
    n = default_workers() if workers is None else workers
    problems = check_workers(n)
    if problems:
        raise ExecutionError(problems)
    if n == 1:
        return InProcess(say=say)
    return LocalPool(n, say=say, method=method, preload=preload)

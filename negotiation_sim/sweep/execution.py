"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Each backend takes an iterator of tasks (chunks of runs) and calls ``on_result(task,
result)`` in this process as chunks finish, and ``tick()`` at least every fraction of a
second so that progress and periodic flushing go on while runs are long. Only a bounded
number of chunks is in flight at a time, so memory does not grow with the sweep.

On Ctrl-C (``KeyboardInterrupt``) a backend stops submitting, keeps the chunks that finish
within a grace period (a second Ctrl-C stops at once), ends its workers and re-raises.

The local pool uses a multiprocessing *context* ("forkserver" where available, else
"spawn"); the global start method is never changed. Workers ignore SIGINT (the parent
stops them in order) and end themselves if the parent dies.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from negotiation_sim.sweep.spec import SweepError
from negotiation_sim.sweep.worker import (
    RunContext,
    Task,
    init_local_worker,
    run_chunk,
    run_local_chunk,
    worker_versions,
)

OnResult = Callable[[Task, dict], None]
Tick = Callable[[], None]
Say = Callable[[str], None]
GRACE_SECONDS = 30.0
TICK_SECONDS = 0.2


class WorkersLost(RuntimeError):
    """Workers died more often than the sweep allows (finished runs are kept)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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


def _quiet(_: str) -> None:
    pass


class InProcess:
    """Runs chunks one after another in this process (``--workers 1``)."""

    slots = 1
    name = "in-process"

    def __init__(self, ctx: RunContext, say: Say = _quiet) -> None:
        self.ctx = ctx
        self.say = say

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def run(self, tasks: Iterator[Task], on_result: OnResult, tick: Tick) -> None:
        for task in tasks:
            on_result(task, run_chunk(self.ctx, *task))
            tick()


class LocalPool:
    """A ``ProcessPoolExecutor`` of ``workers`` processes. A worker that dies (killed, out
    of memory) breaks the pool; its unfinished chunks go to a new pool, up to
    ``max_restarts`` times."""

    name = "local pool"

    def __init__(
        self,
        ctx: RunContext,
        workers: int,
        *,
        method: str | None = None,
        max_restarts: int = 3,
        say: Say = _quiet,
        grace: float = GRACE_SECONDS,
    ) -> None:
        self.ctx = ctx
        self.slots = workers
        self.method = method or start_method()
        self.max_restarts = max_restarts
        self.say = say
        self.grace = grace
        self.restarts = 0
        self.completed = 0

    def start(self) -> None:
        pass  # the pool starts with the first chunk

    def close(self) -> None:
        pass

    def _pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            # the fork server imports the simulator once; workers fork from it ready to run
            context.set_forkserver_preload(["negotiation_sim.sweep.worker"])
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=context,
            initializer=init_local_worker,
            initargs=(self.ctx, os.getpid()),
        )

    def run(self, tasks: Iterator[Task], on_result: OnResult, tick: Tick) -> None:
        retry: list[Task] = []
        exhausted = False

        def next_task() -> Task | None:
            nonlocal exhausted
            if retry:
                return retry.pop(0)
            if exhausted:
                return None
            task = next(tasks, None)
            exhausted = task is None
            return task

        while True:
            pool = self._pool()
            inflight: dict[Future, Task] = {}
            broken = False
            try:
                while True:
                    while len(inflight) < 2 * self.slots:
                        task = next_task()
                        if task is None:
                            break
                        try:
                            inflight[pool.submit(run_local_chunk, *task)] = task
                        except BrokenProcessPool:  # a worker died since the last check
                            retry.insert(0, task)
                            broken = True
                            break
                    if broken or not inflight:
                        break
                    done, _ = wait(inflight, timeout=TICK_SECONDS, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = inflight.pop(future)
                        exc = future.exception()
                        if isinstance(exc, BrokenProcessPool):
                            broken = True
                            retry.append(task)
                        elif exc is not None:
                            raise exc
                        else:
                            self.completed += 1
                            on_result(task, future.result())
                    tick()
                    if broken:
                        break
            except KeyboardInterrupt:
                self._drain(inflight, on_result)
                _terminate(pool)
                raise
            except BaseException:
                _terminate(pool)
                raise
            if not broken:
                pool.shutdown(wait=True)
                return
            # a worker died: keep what finished, retry the rest in a new pool
            for future, task in inflight.items():
                if future.done() and future.exception() is None:
                    on_result(task, future.result())
                else:
                    retry.append(task)
            _terminate(pool)
            self.restarts += 1
            if self.restarts > self.max_restarts:
                hint = "killed, or out of memory?"
                if not self.completed:
                    hint = (
                        "none finished a chunk: if sweep() runs from a script, call it under "
                        "`if __name__ == '__main__':` (see the worker errors above)"
                    )
                raise WorkersLost(f"worker processes died {self.restarts} times ({hint})")
            retry.sort(key=lambda t: t[0][0])
            self.say(f"a worker process died; restarting the pool ({self.restarts})")

    def _drain(self, inflight: dict[Future, Task], on_result: OnResult) -> None:
        for future in inflight:
            future.cancel()
        running = {f: t for f, t in inflight.items() if not f.cancelled()}
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
                    task = running.pop(future)
                    if future.exception() is None:
                        on_result(task, future.result())
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


class DaskBackend:
    """Runs chunks on a running Dask cluster (``--scheduler tcp://HOST:PORT``).

    The sweep's context is scattered to every worker once; each task is a chunk of runs.
    Workers must run the same version of negotiation-sim (checked first). Dask retries a
    task whose worker died; a task that still fails stops the sweep (finished runs kept).
    """

    name = "dask"

    def __init__(
        self,
        ctx: RunContext,
        address: str,
        *,
        say: Say = _quiet,
        grace: float = GRACE_SECONDS,
        connect_timeout: float = 20.0,
        worker_timeout: float = 120.0,
    ) -> None:
        self.ctx = ctx
        self.address = address
        self.say = say
        self.grace = grace
        self.connect_timeout = connect_timeout
        self.worker_timeout = worker_timeout
        self.slots = 0
        self.client = None

    def start(self) -> None:
        """Connect, wait for a worker and check versions (before anything is written)."""
        if self.client is None:
            self.client = self.connect()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def connect(self):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency
            raise SweepError(
                ["--scheduler needs Dask distributed: pip install 'dask[distributed]'"]
            ) from None
        try:
            client = Client(self.address, timeout=f"{self.connect_timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(
                [f"--scheduler {self.address}: cannot reach a Dask scheduler: {exc}"]
            ) from None
        try:
            client.wait_for_workers(1, timeout=self.worker_timeout)
        except (TimeoutError, OSError) as exc:
            client.close()
            raise SweepError(
                [
                    f"--scheduler {self.address}: no Dask worker joined within "
                    f"{self.worker_timeout:.0f} s ({exc})"
                ]
            ) from None
        self._check_versions(client)
        self.slots = max(1, sum(client.nthreads().values()))
        return client

    def _check_versions(self, client) -> None:
        import negotiation_sim

        try:
            found = client.run(worker_versions)
        except Exception as exc:
            client.close()
            raise SweepError(
                [
                    f"--scheduler {self.address}: Dask workers cannot run negotiation-sim "
                    f"({type(exc).__name__}: {exc}); install it on every worker"
                ]
            ) from None
        wrong = {
            addr: v["negotiation_sim"]
            for addr, v in found.items()
            if v["negotiation_sim"] != negotiation_sim.__version__
        }
        if wrong:
            client.close()
            raise SweepError(
                [
                    f"--scheduler {self.address}: worker {addr} runs negotiation-sim {version}, "
                    f"this sweep {negotiation_sim.__version__}"
                    for addr, version in wrong.items()
                ]
            )

    def run(self, tasks: Iterator[Task], on_result: OnResult, tick: Tick) -> None:
        self.start()
        client = self.client
        try:
            ctx_future = client.scatter(self.ctx, broadcast=True, hash=False)
            inflight: dict[str, tuple[Any, Task]] = {}

            def submit() -> bool:
                task = next(tasks, None)
                if task is None:
                    return False
                future = client.submit(run_chunk, ctx_future, *task, pure=False)
                inflight[future.key] = (future, task)
                return True

            while len(inflight) < 2 * self.slots and submit():
                pass
            try:
                while inflight:
                    ready = [f for f, _ in inflight.values() if f.done()]
                    if not ready:
                        time.sleep(0.05)
                        tick()
                        continue
                    for future in ready:
                        _, task = inflight.pop(future.key)
                        if future.status != "finished":
                            exc = future.exception()
                            raise WorkersLost(f"a Dask task failed: {type(exc).__name__}: {exc}")
                        on_result(task, future.result())
                        future.release()
                    while len(inflight) < 2 * self.slots and submit():
                        pass
                    tick()
            except KeyboardInterrupt:
                self.say(
                    f"interrupted: collecting running chunks (at most {self.grace:.0f} s; "
                    "Ctrl-C again to stop now)"
                )
                deadline = time.monotonic() + self.grace
                with contextlib.suppress(KeyboardInterrupt):
                    while time.monotonic() < deadline and not all(
                        f.done() for f, _ in inflight.values()
                    ):
                        time.sleep(0.05)
                for future, task in inflight.values():
                    if future.status == "finished":
                        on_result(task, future.result())
                client.cancel([f for f, _ in inflight.values()])
                raise
        finally:
            self.close()

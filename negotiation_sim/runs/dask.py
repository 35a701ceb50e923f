"""The Dask backend of the execution layer (``runs.execution``): chunks of runs on a
running Dask cluster, reached at a scheduler address (``tcp://HOST:PORT``). Imported only
when a scheduler is given; ``distributed`` itself only when connecting."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from negotiation_sim.runs.execution import (
    GRACE_SECONDS,
    INFLIGHT_PER_SLOT,
    ExecutionError,
    Say,
    WorkersLost,
    _cancelled,
    _noop,
    _quiet,
)


def worker_versions() -> dict[str, str]:
    """Versions a Dask worker runs (checked against ours before any run)."""
    import platform

    import negotiation_sim

    return {"negotiation_sim": negotiation_sim.__version__, "python": platform.python_version()}


class DaskBackend:
    """Runs chunks on a running Dask cluster (``tcp://HOST:PORT``).

    The job's context is scattered to every worker once; each task is a chunk of runs.
    Workers must run the same version of negotiation-sim (checked first). Dask retries a
    task whose worker died; a task that still fails stops the run (``WorkersLost``)."""

    name = "dask"

    def __init__(
        self,
        address: str,
        *,
        say: Say = _quiet,
        grace: float = GRACE_SECONDS,
        connect_timeout: float = 20.0,
        worker_timeout: float = 120.0,
    ) -> None:
        self.address = address
        self.say = say
        self.grace = grace
        self.connect_timeout = connect_timeout
        self.worker_timeout = worker_timeout
        self.slots = 0
        self.client = None

    def start(self) -> None:
        """Connect, wait for a worker and check versions (before anything is run)."""
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
            raise ExecutionError(
                ["--scheduler needs Dask distributed: pip install 'dask[distributed]'"]
            ) from None
        try:
            client = Client(self.address, timeout=f"{self.connect_timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutionError(
                [f"--scheduler {self.address}: cannot reach a Dask scheduler: {exc}"]
            ) from None
        try:
            client.wait_for_workers(1, timeout=self.worker_timeout)
        except (TimeoutError, OSError) as exc:
            client.close()
            raise ExecutionError(
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
            raise ExecutionError(
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
            raise ExecutionError(
                [
                    f"--scheduler {self.address}: worker {addr} runs negotiation-sim {version}, "
                    f"this run {negotiation_sim.__version__}"
                    for addr, version in wrong.items()
                ]
            )

    def run(self, job, tasks, on_result, tick=None, cancel=None) -> bool:
        tick = tick or _noop
        self.start()
        client = self.client
        source: Iterator[Any] = iter(tasks)
        ctx_future = client.scatter(job.context, broadcast=True, hash=False)
        inflight: dict[str, tuple[Any, Any]] = {}
        limit = INFLIGHT_PER_SLOT * self.slots

        def submit() -> bool:
            task = next(source, None)
            if task is None:
                return False
            future = client.submit(job.fn, ctx_future, task, pure=False)
            inflight[future.key] = (future, task)
            return True

        while len(inflight) < limit and submit():
            pass
        try:
            while inflight:
                if _cancelled(cancel):
                    client.cancel([f for f, _ in inflight.values()])
                    return False
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
                while len(inflight) < limit and submit():
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
        return True

"""The sweep on the execution layer (``negotiation_sim.runs.execution``): the backend for
``--workers`` / ``--scheduler`` with the sweep's worker function, and the sweep's own
error type for bad execution settings.

The backends, the chunk rule, ``default_workers`` and the worker limit are defined once
in ``runs.execution``; their names are re-exported here for the sweep's modules.
"""

from __future__ import annotations

from collections.abc import Callable

from negotiation_sim.runs.dask import DaskBackend
from negotiation_sim.runs.execution import (
    WORKERS_PER_CORE,
    ExecutionError,
    InProcess,
    LocalPool,
    WorkersLost,
    backend_for,
    chunk_size,
    default_workers,
    max_workers,
)
from negotiation_sim.sweep.spec import SweepError

__all__ = [
    "WORKERS_PER_CORE",
    "DaskBackend",
    "InProcess",
    "LocalPool",
    "WorkersLost",
    "chunk_size",
    "default_workers",
    "max_workers",
    "sweep_backend",
]

#: what the fork server imports once, so that workers start ready to run
PRELOAD = ("negotiation_sim.sweep.worker",)


def sweep_backend(
    workers: int | None,
    scheduler: str | None,
    say: Callable[[str], None],
    *,
    method: str | None = None,
    scheduler_timeout: float = 20.0,
) -> InProcess | LocalPool | DaskBackend:
    """The started backend of a sweep: a Dask scheduler that cannot be reached, or a bad
    worker count, is a ``SweepError`` before anything is written."""
    try:
        backend = backend_for(
            workers,
            scheduler,
            say=say,
            method=method,
            preload=PRELOAD,
            scheduler_timeout=scheduler_timeout,
        )
        backend.start()
    except ExecutionError as exc:
        raise SweepError(list(exc.messages)) from None
    return backend

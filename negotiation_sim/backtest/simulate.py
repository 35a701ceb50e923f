"""Running an episode's seeded ensemble and keeping what its targets read.

Run ``i`` uses the seed ``derive_seed(seed, i)`` (the ensembles' rule, ``runs.seeds``), and
the runs go through the one execution layer (``runs.execution``: in this process, a local
pool or a Dask cluster), so a back-test gives the same record, and the same score, for any
number of workers and wherever they run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from negotiation_sim.backtest.episode import Episode
from negotiation_sim.backtest.targets import EnsembleRecord, Score, evaluate, score, trace_of
from negotiation_sim.run import run_simulation
from negotiation_sim.runs.execution import Job, backend_for, chunk_size
from negotiation_sim.runs.seeds import derive_seed
from negotiation_sim.scenario import Scenario

Trace = dict[str, np.ndarray]


@dataclass(frozen=True)
class TraceContext:
    """What every chunk of an episode's ensemble needs."""

    scenario: Scenario
    seed: int
    rounds: int
    columns: tuple[str, ...]


def trace_chunk(ctx: TraceContext, indices: Sequence[int]) -> list[tuple[int, Trace]]:
    """Worker: the traces of runs ``indices`` (module level, so that it pickles)."""
    out = []
    for i in indices:
        result = run_simulation(
            ctx.scenario, derive_seed(ctx.seed, i), rounds=ctx.rounds, stage_game=False
        )
        out.append((i, trace_of(result.trajectory, ctx.columns)))
    return out


@dataclass(frozen=True)
class Backtest:
    """An episode's ensemble record and its verdict."""

    episode: Episode
    runs: int
    seed: int
    record: EnsembleRecord
    score: Score
    elapsed: float


def simulate(
    episode: Episode,
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> EnsembleRecord:
    """The per-round record of ``runs`` seeded runs of the episode (default: its own
    ``runs`` and ``seed``) on ``workers`` local processes (1: in this process) or on the
    Dask cluster at ``scheduler``. Raises ``ExecutionError`` for bad settings."""
    runs = episode.runs if runs is None else runs
    seed = episode.seed if seed is None else seed
    ctx = TraceContext(episode.scenario, int(seed), episode.rounds, episode.columns())
    rows: list[tuple[int, Trace]] = []
    backend = backend_for(None if scheduler else min(workers, runs), scheduler)
    try:
        backend.start()
        size = chunk_size(runs, backend.slots or 1)
        chunks = (list(range(i, min(i + size, runs))) for i in range(0, runs, size))
        backend.run(Job(trace_chunk, ctx), chunks, lambda _task, part: rows.extend(part))
    finally:
        backend.close()
    rows.sort(key=lambda item: item[0])
    return EnsembleRecord.from_rows([trace for _, trace in rows], episode.rounds)


def backtest(
    episode: Episode,
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> Backtest:
    """Run the episode's ensemble (``simulate``) and evaluate its targets."""
    runs = episode.runs if runs is None else runs
    seed = episode.seed if seed is None else seed
    start = time.perf_counter()
    record = simulate(episode, runs, seed, workers, scheduler)
    verdict = score([evaluate(t, record) for t in episode.targets])
    return Backtest(episode, runs, seed, record, verdict, time.perf_counter() - start)

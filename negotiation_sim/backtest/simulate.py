"""Running an episode's seeded ensemble and keeping what its targets read.

Run ``i`` uses the seed ``derive_seed(seed, i)`` (the ensembles' rule), so a back-test
gives the same record, and the same score, for any number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

from negotiation_sim.backtest.episode import Episode
from negotiation_sim.backtest.targets import EnsembleRecord, Score, evaluate, score, trace_of
from negotiation_sim.ensemble import derive_seed
from negotiation_sim.run import run_simulation
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
    episode: Episode, runs: int | None = None, seed: int | None = None, workers: int = 1
) -> EnsembleRecord:
    """The per-round record of ``runs`` seeded runs of the episode (default: its own
    ``runs`` and ``seed``) on ``workers`` processes (1: in this process)."""
    runs = episode.runs if runs is None else runs
    seed = episode.seed if seed is None else seed
    ctx = TraceContext(episode.scenario, int(seed), episode.rounds, episode.columns())
    workers = max(1, min(workers, runs))
    size = max(1, min(32, -(-runs // (8 * workers))))
    chunks = [list(range(i, min(i + size, runs))) for i in range(0, runs, size)]
    rows: list[tuple[int, Trace]] = []
    if workers == 1:
        for chunk in chunks:
            rows += trace_chunk(ctx, chunk)
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            for part in pool.map(trace_chunk, [ctx] * len(chunks), chunks):
                rows += part
    rows.sort(key=lambda item: item[0])
    return EnsembleRecord.from_rows([trace for _, trace in rows], episode.rounds)


def backtest(
    episode: Episode, runs: int | None = None, seed: int | None = None, workers: int = 1
) -> Backtest:
    """Run the episode's ensemble and evaluate its targets."""
    runs = episode.runs if runs is None else runs
    seed = episode.seed if seed is None else seed
    start = time.perf_counter()
    record = simulate(episode, runs, seed, workers)
    verdict = score([evaluate(t, record) for t in episode.targets])
    return Backtest(episode, runs, seed, record, verdict, time.perf_counter() - start)

"""Ensembles: many seeded runs of one setting, in parallel, with progress and cancel.

Used by the CLI's ``ensemble`` command, the browser app's ensemble and compare views and
the classroom's debrief. Run ``i`` of an ensemble with base seed ``s`` uses the seed
``derive_seed(s, i)`` (``runs.seeds``), so results do not depend on the number of
workers, nor on where they run (``runs.execution``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from negotiation_sim.abm.model import NegotiationModel, Overrides, as_scenario
from negotiation_sim.core import OUTCOMES
from negotiation_sim.run import run_simulation, summarize
from negotiation_sim.runs.execution import (
    ENSEMBLE_PRELOAD,
    Backend,
    ExecutionError,
    Job,
    backend_for,
    check_workers,
    chunk_size,
    default_workers,
)
from negotiation_sim.runs.seeds import derive_seed
from negotiation_sim.scenario import Scenario

#: per-round columns kept for fan charts and phase plots (``{a}``/``{b}`` = the parties)
SERIES = ("tariff_{a}_{b}", "tariff_{b}_{a}", "escalation_{a}", "escalation_{b}")

#: one finished run: its index, its flat summary row, its series (or None)
RunRow = tuple[int, dict[str, Any], dict[str, np.ndarray] | None]


def flatten_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """One flat row from a run summary: nested dicts become ``key.sub`` columns."""
    row: dict[str, Any] = {}
    for key, value in summary.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                row[f"{key}.{sub}"] = inner
        else:
            row[key] = value
    return row


@dataclass(frozen=True)
class EnsembleContext:
    """What every chunk of an ensemble needs (sent to each worker once)."""

    scenario: Scenario
    base_seed: int
    rounds: int | None
    series: bool


def run_with_series(
    scenario: Scenario, seed: int, rounds: int | None
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """One run's summary and its ``SERIES`` (plus ``outcome_code``), read from the model
    after every round: the same values as those columns of ``run_simulation``'s
    trajectory (tested), without recording the whole per-round table, which costs about
    as much again as the run."""
    model = NegotiationModel(
        scenario, rng=seed, rounds=rounds, record_stage_game=False, record=False
    )
    a, b = model.party_ids
    rows: list[tuple[float, float, float, float, int]] = []
    while model.running:
        model.step()
        tariffs, escalations = model.tariff_levels, model.escalations
        rows.append(
            (tariffs[a], tariffs[b], escalations[a], escalations[b], OUTCOMES.index(model.outcome))
        )
    values = np.array(rows, dtype=float).reshape(-1, 5)
    names = [s.format(a=a, b=b) for s in SERIES]
    series = {name: values[:, k] for k, name in enumerate(names)}
    series["outcome_code"] = values[:, 4].astype(np.int8)
    return summarize(model), series


def run_chunk(ctx: EnsembleContext, indices: Sequence[int]) -> list[RunRow]:
    """Worker: run a chunk of the ensemble (module level so that it pickles)."""
    out: list[RunRow] = []
    for i in indices:
        seed = derive_seed(ctx.base_seed, i)
        traj = None
        if ctx.series:
            summary, traj = run_with_series(ctx.scenario, seed, ctx.rounds)
        else:
            result = run_simulation(
                ctx.scenario, seed, rounds=ctx.rounds, trajectory=False, stage_game=False
            )
            summary = result.summary
        row = flatten_summary(summary)
        row["run"] = i
        out.append((i, row, traj))
    return out


@dataclass
class EnsembleResult:
    """Summaries (one row per run, ordered by run index) and per-round series
    (runs x rounds arrays) of the runs that finished."""

    summaries: pd.DataFrame
    series: dict[str, np.ndarray] = field(default_factory=dict)
    cancelled: bool = False
    elapsed: float = 0.0

    def outcome_table(self, level: float = 0.95) -> pd.DataFrame:
        return outcome_table(self.summaries["outcome"], level)


def run_ensemble(
    scenario: Scenario | str | Path,
    runs: int,
    base_seed: int = 0,
    overrides: Overrides = None,
    rounds: int | None = None,
    workers: int | None = None,
    series: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    chunk: int | None = None,
    *,
    scheduler: str | None = None,
    backend: Backend | None = None,
) -> EnsembleResult:
    """Run ``runs`` seeds of one setting. ``workers`` processes (default: one per core; 1
    runs in this process), or the Dask cluster at ``scheduler``, or a running ``backend``
    (the app's warm pool; left running). ``progress(done, total)`` is called as chunks
    finish; setting ``cancel`` stops the ensemble and returns the finished runs.
    Raises ``ExecutionError`` for a bad worker count or an unreachable scheduler."""
    spec = as_scenario(scenario, overrides)
    own = backend is None
    if backend is None:
        n = default_workers() if workers is None else workers
        problems = [] if scheduler else check_workers(n)
        if problems:
            raise ExecutionError(problems)
        backend = backend_for(min(n, max(runs, 1)), scheduler, preload=ENSEMBLE_PRELOAD)
    start = time.perf_counter()
    results: list[RunRow] = []
    done = 0

    def on_result(_task: list[int], rows: list[RunRow]) -> None:
        nonlocal done
        results.extend(rows)
        done += len(rows)
        if progress:
            progress(done, runs)

    finished = True
    try:
        backend.start()
        size = chunk or chunk_size(runs, backend.slots or 1)
        batches = (list(range(i, min(i + size, runs))) for i in range(0, runs, size))
        job = Job(run_chunk, EnsembleContext(spec, int(base_seed), rounds, series))
        finished = backend.run(job, batches, on_result, cancel=cancel)
    finally:
        if own:
            backend.close()
    cancelled = not finished
    results.sort(key=lambda item: item[0])
    summaries = pd.DataFrame([row for _, row, _ in results])
    stacked: dict[str, np.ndarray] = {}
    if series and results:
        for name in results[0][2]:
            stacked[name] = np.stack([traj[name] for _, _, traj in results])
    return EnsembleResult(summaries, stacked, cancelled, time.perf_counter() - start)


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927), from scipy."""
    if n == 0:
        return 0.0, 1.0
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(level, method="wilson")
    return max(0.0, float(ci.low)), min(1.0, float(ci.high))


def outcome_table(outcomes: Sequence[str] | pd.Series, level: float = 0.95) -> pd.DataFrame:
    """Outcome probabilities with Wilson confidence intervals, one row per outcome state
    (all five, in fixed order); probabilities add up to 1."""
    values = list(outcomes)
    n = len(values)
    rows = []
    for name in OUTCOMES:
        count = values.count(name)
        lo, hi = wilson_interval(count, n, level)
        rows.append(
            {
                "outcome": name,
                "runs": count,
                "probability": count / n if n else 0.0,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)

"""Ensembles: many seeded runs of one setting, in parallel, with progress and cancel.

Used by the CLI's ``ensemble`` command and the browser app's ensemble and compare
views. Run ``i`` of an ensemble with base seed ``s`` uses the seed
``derive_seed(s, i)``, so results do not depend on the number of workers.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from negotiation_sim.abm.model import Overrides, as_scenario
from negotiation_sim.core import OUTCOMES
from negotiation_sim.run import run_simulation
from negotiation_sim.scenario import Scenario

#: per-round columns kept for fan charts and phase plots (``{a}``/``{b}`` = the parties)
SERIES = ("tariff_{a}_{b}", "tariff_{b}_{a}", "escalation_{a}", "escalation_{b}")


def derive_seed(base_seed: int, index: int) -> int:
    """The seed of run ``index``: a 63-bit integer from ``SeedSequence([base, index])``."""
    state = np.random.SeedSequence([int(base_seed), int(index)]).generate_state(2, np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


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


def _run_chunk(
    scenario: Scenario, base_seed: int, indices: list[int], rounds: int | None, series: bool
) -> list[tuple[int, dict[str, Any], dict[str, np.ndarray] | None]]:
    """Worker: run a chunk of the ensemble (top level so it pickles)."""
    out = []
    a, b = scenario.parties
    names = [s.format(a=a, b=b) for s in SERIES]
    for i in indices:
        result = run_simulation(
            scenario, derive_seed(base_seed, i), rounds=rounds, trajectory=series, stage_game=False
        )
        row = flatten_summary(result.summary)
        row["run"] = i
        traj = None
        if series:
            traj = {n: result.trajectory[n].to_numpy(dtype=float) for n in names}
            traj["outcome_code"] = (
                result.trajectory["outcome"].map(OUTCOMES.index).to_numpy(dtype=np.int8)
            )
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
) -> EnsembleResult:
    """Run ``runs`` seeds of one setting. ``workers`` processes (default: all cores; 1 runs
    in this process). ``progress(done, total)`` is called as chunks finish; setting
    ``cancel`` stops scheduling new work and returns the finished runs."""
    spec = as_scenario(scenario, overrides)
    workers = max(1, min(workers or os.cpu_count() or 1, runs))
    chunk = chunk or max(1, min(50, math.ceil(runs / (workers * 8))))
    batches = [list(range(i, min(i + chunk, runs))) for i in range(0, runs, chunk)]
    start = time.perf_counter()
    results: list[tuple[int, dict[str, Any], dict[str, np.ndarray] | None]] = []
    done = 0
    cancelled = False
    if workers == 1:
        for batch in batches:
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            results += _run_chunk(spec, base_seed, batch, rounds, series)
            done += len(batch)
            if progress:
                progress(done, runs)
    else:
        # "spawn" keeps workers independent of the caller's threads (the app's server)
        context = get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending = {
                pool.submit(_run_chunk, spec, base_seed, batch, rounds, series) for batch in batches
            }
            for future in as_completed(pending):
                results += future.result()
                done += len(future.result())
                if progress:
                    progress(done, runs)
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    for other in pending:
                        other.cancel()
                    break
    results.sort(key=lambda item: item[0])
    summaries = pd.DataFrame([row for _, row, _ in results])
    stacked: dict[str, np.ndarray] = {}
    if series and results:
        for name in results[0][2]:
            stacked[name] = np.stack([traj[name] for _, _, traj in results])
    return EnsembleResult(summaries, stacked, cancelled, time.perf_counter() - start)


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927)."""
    if n == 0:
        return 0.0, 1.0
    z = _normal_quantile(0.5 + level / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _normal_quantile(q: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = (
        -39.69683028665376,
        220.9460984245205,
        -275.9285104469687,
        138.3577518672690,
        -30.66479806614716,
        2.506628277459239,
    )
    b = (
        -54.47609879822406,
        161.5858368580409,
        -155.6989798598866,
        66.80131188771972,
        -13.28068155288572,
    )
    c = (
        -7.784894002430293e-03,
        -0.3223964580411365,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    )
    d = (7.784695709041462e-03, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
    if q < 0.02425:
        r = math.sqrt(-2 * math.log(q))
        return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / (
            (((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1
        )
    if q > 1 - 0.02425:
        return -_normal_quantile(1 - q)
    r = (q - 0.5) ** 2
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * (q - 0.5)) / (
        ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
    )


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

"""Timing helpers and the individual benchmarks behind ``benchmarks/run_all.py``.

Every benchmark times with ``time.perf_counter``, runs warm-up runs first, uses a new
seed for every timed run and reports the median with p10/p90. The scenario is loaded
(and any overrides applied) once, outside the timed region, as a sweep does.
Nothing here asserts: benchmarks report, tests decide.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.economy import build_world
from negotiation_sim.run import run_simulation
from negotiation_sim.scenario import Scenario

SCENARIO = "us_china_2025"

#: the three configurations of item 1: (key, trajectory, stage_game, label)
CONFIGS = (
    (
        "sweep",
        False,
        False,
        "sweep config: trajectory=False, stage_game=False "
        "(no per-round table; stage-game equilibria: computed on demand only)",
    ),
    (
        "record",
        True,
        False,
        "full record: trajectory=True, stage_game=False "
        "(per-round table; stage-game equilibria: computed on demand only)",
    ),
    (
        "record_stage_game",
        True,
        True,
        "full record + stage game: trajectory=True, stage_game=True "
        "(per-round table; stage-game equilibria: every round)",
    ),
)


# ---------------------------------------------------------------------- statistics
@dataclass
class Stats:
    """Median and p10/p90 of a sample (same unit as the sample)."""

    n: int
    median: float
    p10: float
    p90: float
    mean: float
    min: float
    max: float

    @classmethod
    def of(cls, values: list[float] | np.ndarray) -> Stats:
        a = np.asarray(values, dtype=float)
        p10, p50, p90 = np.percentile(a, [10, 50, 90])
        return cls(
            n=int(a.size),
            median=float(p50),
            p10=float(p10),
            p90=float(p90),
            mean=float(a.mean()),
            min=float(a.min()),
            max=float(a.max()),
        )

    def scaled(self, factor: float) -> Stats:
        """The same statistics in another unit (e.g. seconds -> ms)."""
        return Stats(
            self.n,
            self.median * factor,
            self.p10 * factor,
            self.p90 * factor,
            self.mean * factor,
            self.min * factor,
            self.max * factor,
        )

    def fmt(self, unit: str, digits: int = 2) -> str:
        d = digits
        return (
            f"median {self.median:.{d}f} {unit}  "
            f"(p10 {self.p10:.{d}f}, p90 {self.p90:.{d}f}; n={self.n})"
        )

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) if isinstance(v, float) else v for k, v in vars(self).items()}


def settle() -> None:
    """Collect garbage between samples, outside the timed region."""
    gc.collect()


# ---------------------------------------------------------------------- environment
def environment() -> dict[str, Any]:
    import pandas as pd

    threads = {
        k: os.environ.get(k, "")
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "blas_threads_env": threads,
    }


# ---------------------------------------------------------------------- scenario scaling
def total_firms(scenario: Scenario) -> int:
    return sum(int(g["count"]) for g in scenario.data["firms"].values())


def n_governments(scenario: Scenario) -> int:
    return len(scenario.data["governments"])


def scaled_counts(scenario: Scenario, target: int) -> dict[str, int]:
    """Overrides scaling every firm group's ``count`` proportionally so the total is
    exactly ``target`` (largest-remainder rounding, at least one firm per group)."""
    counts = {name: int(g["count"]) for name, g in scenario.data["firms"].items()}
    base = sum(counts.values())
    exact = {k: c * target / base for k, c in counts.items()}
    new = {k: max(1, math.floor(v)) for k, v in exact.items()}
    short = target - sum(new.values())
    by_remainder = sorted(exact, key=lambda k: exact[k] - math.floor(exact[k]), reverse=True)
    for k in by_remainder[: max(0, short)]:
        new[k] += 1
    return {f"firms.{k}.count": v for k, v in new.items()}


def scaled_scenario(scenario: Scenario, target: int) -> Scenario:
    if target == total_firms(scenario):
        return scenario
    return scenario.with_overrides(scaled_counts(scenario, target))


# ---------------------------------------------------------------------- interleaved sampling
@dataclass
class Case:
    """One thing to time: ``sample(seed)`` returns a dict of measurements (seconds)."""

    name: str
    sample: Callable[[int], dict[str, Any]]
    runs: int
    warmup: int
    seed0: int


def interleave(cases: list[Case]) -> dict[str, list[dict[str, Any]]]:
    """Warm every case up, then take the timed samples round-robin (case A run 1, case B
    run 1, ..., case A run 2, ...), so a burst of load from other processes on the
    machine hits every case alike instead of one case's whole sample."""
    for case in cases:
        for i in range(case.warmup):
            case.sample(case.seed0 - 1 - i)
    out: dict[str, list[dict[str, Any]]] = {case.name: [] for case in cases}
    for i in range(max(case.runs for case in cases)):
        for case in cases:
            if i < case.runs:
                settle()
                out[case.name].append(case.sample(case.seed0 + i))
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def cpu_share(samples: list[dict[str, Any]]) -> float:
    """Median CPU time / wall time of the samples: well below 1 means this process was
    waiting for the CPU (other load on the machine) during timing."""
    return float(np.median([s["cpu"] / s["wall"] for s in samples if s["wall"] > 0]))


# ---------------------------------------------------------------------- item 1: whole runs
def run_case(
    name: str,
    scenario: Scenario,
    *,
    trajectory: bool,
    stage_game: bool,
    runs: int,
    warmup: int = 3,
    seed0: int = 10_000,
) -> Case:
    """Wall time of ``run_simulation`` (construction + all rounds + summary), one seed a run."""

    def sample(seed: int) -> dict[str, Any]:
        w0, c0 = _clock()
        result = run_simulation(scenario, seed, trajectory=trajectory, stage_game=stage_game)
        w1, c1 = _clock()
        return {"wall": w1 - w0, "cpu": c1 - c0, "outcome": result.outcome, "rounds": result.rounds}

    return Case(name, sample, runs, warmup, seed0)


def run_summary(scenario: Scenario, samples: list[dict[str, Any]], **config: Any) -> dict:
    ms = Stats.of([s["wall"] for s in samples]).scaled(1e3)
    rounds = samples[-1]["rounds"]
    outcomes: dict[str, int] = {}
    for s in samples:
        outcomes[s["outcome"]] = outcomes.get(s["outcome"], 0) + 1
    return {
        **config,
        "rounds": rounds,
        "firms": total_firms(scenario),
        "ms_per_run": ms.as_dict(),
        "cpu_ms_per_run": Stats.of([s["cpu"] for s in samples]).scaled(1e3).as_dict(),
        "cpu_share": round(cpu_share(samples), 3),
        "runs_per_s_one_core": round(1e3 / ms.median, 3),
        "ms_per_round": round(ms.median / rounds, 4),
        "outcomes": outcomes,
    }


# ---------------------------------------------------------------------- item 2: scaling
def model_case(
    name: str,
    scenario: Scenario,
    *,
    runs: int,
    warmup: int,
    record: bool = False,
    stage_game: bool = False,
    seed0: int = 20_000,
) -> Case:
    """Construction and stepping timed separately: ``NegotiationModel(...)`` then
    ``step()`` until the horizon. Then ``build_world`` alone (firm table draw and the
    dense one-hot maps): the part of construction that is not Mesa agent creation."""

    def sample(seed: int) -> dict[str, Any]:
        w0, c0 = _clock()
        model = NegotiationModel(scenario, rng=seed, record=record, record_stage_game=stage_game)
        w1 = time.perf_counter()
        while model.running:
            model.step()
        w2, c2 = _clock()
        rounds = model.round
        del model
        settle()
        rng = np.random.default_rng(seed)
        w3 = time.perf_counter()
        build_world(scenario.config.economy_spec(), rng)
        w4 = time.perf_counter()
        return {
            "init": w1 - w0,
            "step": w2 - w1,
            "wall": w2 - w0,
            "cpu": c2 - c0,
            "rounds": rounds,
            "world": w4 - w3,
        }

    return Case(name, sample, runs, warmup, seed0)


def model_summary(
    scenario: Scenario, samples: list[dict[str, Any]], record: bool = False
) -> dict[str, Any]:
    firms = total_firms(scenario)
    agents = firms + n_governments(scenario)
    init_ms = Stats.of([s["init"] for s in samples]).scaled(1e3)
    world_ms = Stats.of([s["world"] for s in samples]).scaled(1e3)
    round_ms = Stats.of([s["step"] / s["rounds"] for s in samples]).scaled(1e3)
    return {
        "firms": firms,
        "agents": agents,
        "rounds": samples[-1]["rounds"],
        "record": record,
        "construction_ms": init_ms.as_dict(),
        "build_world_ms": world_ms.as_dict(),
        "construction_other_ms": round(init_ms.median - world_ms.median, 4),
        "stepping_ms": Stats.of([s["step"] for s in samples]).scaled(1e3).as_dict(),
        "ms_per_round": round_ms.as_dict(),
        "cpu_share": round(cpu_share(samples), 3),
        "us_per_firm_round": round(round_ms.median * 1e3 / firms, 4),
        "us_per_agent_round": round(round_ms.median * 1e3 / agents, 4),
        "construction_us_per_firm": round(init_ms.median * 1e3 / firms, 4),
    }


def scaling_summary(points: dict[int, dict[str, Any]], small: int, mid: int, big: int):
    """Slope, intercept and linearity of per-round time against firm count."""
    t = {k: points[k]["ms_per_round"]["median"] for k in (small, mid, big)}
    n = {k: points[k]["firms"] for k in (small, mid, big)}
    slope_ms = (t[big] - t[mid]) / (n[big] - n[mid])  # ms per firm-round
    intercept_ms = t[mid] - slope_ms * n[mid]
    init = {k: points[k]["construction_ms"]["median"] for k in (small, mid, big)}
    init_slope = (init[big] - init[mid]) / (n[big] - n[mid])
    return {
        "marginal_us_per_firm_round": round(slope_ms * 1e3, 4),
        "fixed_ms_per_round": round(intercept_ms, 4),
        "us_per_firm_round_at_mid": round(t[mid] * 1e3 / n[mid], 4),
        "marginal_construction_us_per_firm": round(init_slope * 1e3, 4),
        "ratios": {
            f"{small}->{mid}": {
                "firms": round(n[mid] / n[small], 3),
                "ms_per_round": round(t[mid] / t[small], 3),
                "construction": round(init[mid] / init[small], 3),
            },
            f"{mid}->{big}": {
                "firms": round(n[big] / n[mid], 3),
                "ms_per_round": round(t[big] / t[mid], 3),
                "construction": round(init[big] / init[mid], 3),
            },
        },
    }


def linearity_verdict(firm_ratio: float, time_ratio: float) -> str:
    """Plain words for a ratio of per-round times against the ratio of firm counts."""
    share = time_ratio / firm_ratio
    if share >= 0.85:
        return "about linear" if share <= 1.15 else "super-linear"
    if time_ratio <= 1.5:
        return "flat (fixed per-round overhead dominates)"
    return "sub-linear (fixed per-round overhead still visible)"


# ---------------------------------------------------------------------- item 3: Boltzmann
def _boltzmann_classes():
    from mesa.examples import BoltzmannWealth
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario

    return BoltzmannWealth, BoltzmannScenario


def boltzmann_case(
    *, n: int = 1000, steps: int = 100, runs: int, warmup: int = 1, seed0: int = 30_000
) -> Case:
    """Mesa's bundled Boltzmann wealth model: ``n`` agents on the default grid, ``steps``
    calls of ``model.step()`` (which also runs its DataCollector every step)."""
    boltzmann, scenario_cls = _boltzmann_classes()

    def sample(seed: int) -> dict[str, Any]:
        w0, c0 = _clock()
        model = boltzmann(scenario_cls(n=n, rng=seed))
        w1 = time.perf_counter()
        for _ in range(steps):
            model.step()
        w2, c2 = _clock()
        return {"init": w1 - w0, "step": w2 - w1, "wall": w2 - w0, "cpu": c2 - c0}

    return Case("boltzmann", sample, runs, warmup, seed0)


def boltzmann_summary(
    samples: list[dict[str, Any]], *, n: int = 1000, steps: int = 100, seed: int = 40_000
) -> dict[str, Any]:
    boltzmann, scenario_cls = _boltzmann_classes()
    defaults = scenario_cls()
    step_ms = Stats.of([s["step"] for s in samples]).scaled(1e3)
    return {
        "model": "mesa.examples.BoltzmannWealth",
        "agents": n,
        "steps": steps,
        "grid": [defaults.width, defaults.height],
        "construction_ms": Stats.of([s["init"] for s in samples]).scaled(1e3).as_dict(),
        "stepping_ms": step_ms.as_dict(),
        "ms_per_step": step_ms.scaled(1 / steps).as_dict(),
        "us_per_agent_step": step_ms.scaled(1e3 / (steps * n)).as_dict(),
        "cpu_share": round(cpu_share(samples), 3),
        "breakdown": _boltzmann_breakdown(boltzmann, scenario_cls, n, steps, seed),
    }


def _boltzmann_breakdown(boltzmann, scenario_cls, n, steps, seed, runs: int = 3):
    """Share of Boltzmann's step spent in the agents' own steps vs its DataCollector."""

    class Timed(boltzmann):
        t_agents = 0.0
        t_collect = 0.0

        def step(self):
            t0 = time.perf_counter()
            self.agents.shuffle_do("step")
            t1 = time.perf_counter()
            self.datacollector.collect(self)
            t2 = time.perf_counter()
            self.t_agents += t1 - t0
            self.t_collect += t2 - t1

    agents, collect, total = [], [], []
    for i in range(runs):
        settle()
        model = Timed(scenario_cls(n=n, rng=seed + i))
        t0 = time.perf_counter()
        for _ in range(steps):
            model.step()
        total.append(time.perf_counter() - t0)
        agents.append(model.t_agents)
        collect.append(model.t_collect)
    other = [t - a - c for t, a, c in zip(total, agents, collect, strict=True)]
    scale = 1e6 / (steps * n)
    return {
        "us_per_agent_step_agents_only": round(float(np.median(agents)) * scale, 4),
        "us_per_agent_step_datacollector": round(float(np.median(collect)) * scale, 4),
        "us_per_agent_step_other": round(float(np.median(other)) * scale, 4),
        "us_per_agent_step_total": round(float(np.median(total)) * scale, 4),
        "runs": runs,
    }


def timed_load(fn, *args):
    """``fn(*args)`` and its wall time in seconds (used once, for the scenario load)."""
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0

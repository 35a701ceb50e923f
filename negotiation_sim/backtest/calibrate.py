"""Calibration: fit scenario parameters to episodes with pyabc's ABC-SMC.

The simulator of the ABC is a back-test: a candidate parameter set (drawn from uniform
priors over the spec's ranges) is applied to every fitted episode's scenario, each
episode's ensemble of ``runs`` runs is run with the episode's own seeds (common random
numbers: the distance is a deterministic function of the parameters) and the ABC
distance is the back-test distance (``targets.combine``: the mean over episodes of the
mean normalised target error; 0 when every target passes). The first generation accepts
every draw (initial epsilon 1, the largest distance), so it is a sample of the prior;
each later one keeps the best half (pyabc's ``QuantileEpsilon``, alpha 0.5).

The fit is reported as the back-test score of every fitted and held-out episode at the
scenario's own values ("before") and at the posterior mean ("after"). pyabc's history
(SQLite) is written to ``OUT/history.db``.

Proposals come from numpy's global generator, seeded with the spec's ``seed``: with one
worker a calibration is reproducible. pyabc's parallel samplers reseed their workers
from the operating system, so with ``workers > 1`` or a Dask scheduler the particles
differ from run to run (each candidate's distance does not).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from negotiation_sim.backtest.episode import Episode
from negotiation_sim.backtest.posterior import effective_sample_size, plot_marginals, rounded
from negotiation_sim.backtest.posterior import posterior_table as make_table
from negotiation_sim.backtest.simulate import Backtest, backtest
from negotiation_sim.backtest.spec import Calibration
from negotiation_sim.backtest.targets import Score, combine
from negotiation_sim.scenario import ScenarioError
from negotiation_sim.scenario.load import raw_value

HISTORY = "history.db"
Say = Callable[[str], None]


class CalibrationError(ScenarioError):
    """Bad calibration settings (an unreachable scheduler): nothing was fitted."""


@dataclass(frozen=True)
class Objective:
    """The ABC's model: a parameter set to ``{"distance": d}`` (picklable, for pyabc's
    parallel samplers)."""

    episodes: tuple[Episode, ...]
    calibration: Calibration
    runs: int

    def __call__(self, params: Any) -> dict[str, float]:
        values = {p.path: float(params[p.path]) for p in self.calibration.parameters}
        return {
            "distance": fit_score(
                self.episodes, self.calibration.overrides(values), self.runs
            ).distance
        }


def fit_score(episodes: Sequence[Episode], overrides: dict[str, Any], runs: int) -> Score:
    """The combined back-test score of ``episodes`` with ``overrides``, ``runs`` runs each,
    in this process."""
    return combine([backtest(ep.with_overrides(overrides), runs).score for ep in episodes])


def abc_distance(simulated: dict[str, float], observed: dict[str, float]) -> float:
    """The ABC distance: the back-test distance computed by the model (observed is 0)."""
    return float(simulated["distance"]) - float(observed["distance"])


@dataclass
class CalibrationResult:
    calibration: Calibration
    out: Path
    settings: dict[str, Any]
    generations: list[dict[str, Any]]
    posterior: list[dict[str, Any]]
    point: dict[str, Any]
    before: list[Backtest]
    after: list[Backtest]
    plots: list[Path] = field(default_factory=list)
    elapsed: float = 0.0

    def scores(self) -> dict[str, dict[str, Any]]:
        """Combined scores before and after, on the fitted and the held-out episodes."""
        fitted = {ep.source for ep in self.calibration.episodes}
        out: dict[str, dict[str, Any]] = {}
        for label, results in (("before", self.before), ("after", self.after)):
            for group, keep in (("fitted", True), ("holdout", False)):
                chosen = [b.score for b in results if (b.episode.source in fitted) == keep]
                if chosen:
                    out.setdefault(group, {})[label] = combine(chosen).to_dict()
        return out

    def to_dict(self) -> dict[str, Any]:
        cal = self.calibration
        fitted = {ep.source for ep in cal.episodes}
        episodes = []
        for b0, b1 in zip(self.before, self.after, strict=True):
            episodes.append(
                {
                    "episode": b0.episode.stem,
                    "role": "fitted" if b0.episode.source in fitted else "holdout",
                    "runs": b0.runs,
                    "before": b0.score.to_dict(),
                    "after": b1.score.to_dict(),
                    "targets": [
                        {
                            "id": r0.target.id,
                            "before": r0.passed,
                            "after": r1.passed,
                            "distance_before": round(r0.distance, 6),
                            "distance_after": round(r1.distance, 6),
                        }
                        for r0, r1 in zip(b0.score.results, b1.score.results, strict=True)
                    ],
                }
            )
        return {
            "calibration": cal.stem,
            "name": cal.name,
            "file": cal.source,
            "out": str(self.out),
            "settings": self.settings,
            "parameters": [
                {"path": p.path, "range": [p.low, p.high], "integer": p.integer}
                for p in cal.parameters
            ],
            "generations": self.generations,
            "posterior": self.posterior,
            "point": self.point,
            "scores": self.scores(),
            "episodes": episodes,
            "plots": [str(p) for p in self.plots],
            "history": str(self.out / HISTORY),
            "elapsed_s": round(self.elapsed, 3),
        }


def _sampler(workers: int, scheduler: str | None):
    import pyabc

    if scheduler:
        try:
            from distributed import Client

            client = Client(scheduler, timeout=5)
        except (OSError, ValueError, TypeError) as exc:
            raise CalibrationError([f"--scheduler {scheduler}: cannot connect: {exc}"]) from None
        return pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1), client
    if workers > 1:
        return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), None
    return pyabc.sampler.SingleCoreSampler(), None


def calibrate(
    cal: Calibration,
    out: Path,
    *,
    population: int | None = None,
    generations: int | None = None,
    runs: int | None = None,
    final_runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    say: Say = lambda _: None,
) -> CalibrationResult:
    """Run the ABC-SMC of ``cal`` (sizes from the spec unless given), then score every
    episode before and after with ``final_runs`` runs (default: each episode's own)."""
    import pyabc

    start = time.perf_counter()
    population = population or cal.population
    generations = generations or cal.generations
    runs = runs or cal.runs
    seed = cal.seed if seed is None else seed
    out.mkdir(parents=True, exist_ok=True)
    db = out / HISTORY
    db.unlink(missing_ok=True)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    prior = pyabc.Distribution(
        **{p.path: pyabc.RV("uniform", p.low, p.high - p.low) for p in cal.parameters}
    )
    sampler, client = _sampler(workers, scheduler)
    try:
        abc = pyabc.ABCSMC(
            Objective(cal.episodes, cal, runs),
            prior,
            abc_distance,
            population_size=population,
            eps=pyabc.epsilon.QuantileEpsilon(initial_epsilon=1.0, alpha=0.5),
            sampler=sampler,
        )
        np.random.seed(seed)  # pyabc draws its proposals from numpy's global generator
        history = abc.new(f"sqlite:///{db}", {"distance": 0.0})
        say(
            f"calibrate: {len(cal.parameters)} parameters, population {population}, "
            f"up to {generations} generations, {runs} runs per episode per candidate"
        )
        history = abc.run(minimum_epsilon=0.0, max_nr_populations=generations)
    finally:
        if client is not None:
            client.close()
    table = history.get_all_populations()
    gens = [
        {"t": int(r.t), "epsilon": float(r.epsilon), "simulations": int(r.samples)}
        for r in table.itertuples()
        if r.t >= 0
    ]
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    paths = [p.path for p in cal.parameters]
    posterior = make_table(particles, weights, paths)
    point = cal.overrides({row["parameter"]: row["mean"] for row in posterior})
    best = min(history.get_population(t=history.max_t).particles, key=lambda p: p.distance)
    best_point = cal.overrides({p.path: float(best.parameter[p.path]) for p in cal.parameters})
    defaults = {p: _default(cal.episodes[0], p) for p in paths}
    reference = {
        "point": {p: _default_value(cal.episodes, p) for p in paths},
        "distance": fit_score(cal.episodes, {}, runs).distance,
        "best_point": best_point,
        "best_distance": float(best.distance),
    }
    say(f"calibrate: scoring every episode before and after at {rounded(point)}")
    everything = (*cal.episodes, *cal.holdout)
    before = [backtest(ep, final_runs, workers=workers) for ep in everything]
    after = [backtest(ep.with_overrides(point), final_runs, workers=workers) for ep in everything]
    plots = plot_marginals(
        particles,
        weights,
        {p.path: (p.low, p.high) for p in cal.parameters},
        defaults,
        out,
        title=f"{cal.name}: posterior after {len(gens)} generations",
    )
    frame = particles.copy()
    frame["weight"] = np.asarray(weights)
    frame.to_csv(out / "posterior.csv", index=False)
    settings = {
        "population": population,
        "generations": generations,
        "runs": runs,
        "final_runs": final_runs,
        "seed": seed,
        "workers": workers,
        "scheduler": scheduler,
        "sampler": type(sampler).__name__,
        "effective_sample_size": round(effective_sample_size(weights), 3),
        "simulations": int(sum(g["simulations"] for g in gens)),
        "reference": reference,
    }
    result = CalibrationResult(
        cal,
        out,
        settings,
        gens,
        posterior,
        point,
        before,
        after,
        plots,
        time.perf_counter() - start,
    )
    (out / "calibration.json").write_text(
        json.dumps(result.to_dict(), indent=2, default=str) + "\n", encoding="utf-8"
    )
    return result


def _default_value(episodes: Sequence[Episode], path: str) -> list[float | None]:
    """The value of ``path`` in each episode's scenario (they may differ)."""
    return [_default(ep, path) for ep in episodes]


def _default(episode: Episode, path: str) -> float | None:
    value = raw_value(episode.scenario.data, path)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

"""Back-test reports: per target, what was observed against what the ensemble did, with
pass or fail, and the scores; as text for people and as JSON-ready data for machines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from negotiation_sim.backtest.posterior import rounded
from negotiation_sim.backtest.simulate import Backtest
from negotiation_sim.backtest.targets import Score, TargetResult, combine, observed_text

if TYPE_CHECKING:
    from negotiation_sim.backtest.calibrate import CalibrationResult


def simulated_text(result: TargetResult) -> str:
    """The ensemble's statistic in words: a median with its 10-90% band, or a share of
    runs with its 95% interval."""
    if result.runs == 0 or not math.isfinite(result.simulated):
        return result.note or "no runs"
    if result.target.kind == "level":
        return f"median {result.simulated:.2f} (10-90%: {result.low:.2f} to {result.high:.2f})"
    return f"share {result.simulated:.2f} (95%: {result.low:.2f} to {result.high:.2f})"


def score_text(s: Score) -> str:
    return (
        f"{s.passed} of {s.total} targets passed ({s.share:.0%}); "
        f"distance {s.distance:.3f} (0 = all pass, 1 = every target as far off as it can be)"
    )


def format_backtest(b: Backtest) -> str:
    ep = b.episode
    lines = [
        ep.name,
        "=" * len(ep.name),
        f"File:      {ep.source}",
        f"Scenario:  {ep.scenario.stem}, {ep.rounds} rounds of {ep.round_days} days from "
        f"{ep.start} to {ep.last_day}",
        f"Ensemble:  {b.runs} runs, seed {b.seed}, {b.record.distinct_runs()} distinct in what "
        f"the targets read ({b.elapsed:.1f} s)",
    ]
    if ep.overrides:
        lines.append("Overrides: " + ", ".join(f"{k}={v!r}" for k, v in ep.overrides))
    lines.append("")
    for r in b.score.results:
        t = r.target
        verdict = "PASS" if r.passed else "FAIL"
        lines.append(f"  {verdict}  {t.id} ({t.kind})")
        lines.append(f"        observed:  {observed_text(t)}")
        extra = "" if r.passed else f"; distance {r.distance:.3f}"
        lines.append(f"        simulated: {simulated_text(r)}{extra}")
    lines += ["", "Score: " + score_text(b.score)]
    return "\n".join(lines)


def format_backtests(results: Sequence[Backtest]) -> str:
    parts = [format_backtest(b) for b in results]
    if len(results) > 1:
        parts.append("Overall: " + score_text(combine([b.score for b in results])))
    return "\n\n".join(parts)


def backtest_dict(b: Backtest) -> dict[str, Any]:
    ep = b.episode
    return {
        "episode": ep.stem,
        "name": ep.name,
        "file": ep.source,
        "scenario": ep.scenario.stem,
        "rounds": ep.rounds,
        "start_date": ep.start.isoformat(),
        "round_days": ep.round_days,
        "overrides": {k: v for k, v in ep.overrides},
        "runs": b.runs,
        "seed": b.seed,
        "distinct_runs": b.record.distinct_runs(),
        "elapsed_s": round(b.elapsed, 3),
        "targets": [r.to_dict() for r in b.score.results],
        "score": b.score.to_dict(),
    }


def backtests_dict(results: Sequence[Backtest]) -> dict[str, Any]:
    return {
        "episodes": [backtest_dict(b) for b in results],
        "score": combine([b.score for b in results]).to_dict(),
    }


def format_calibration(result: CalibrationResult) -> str:
    """A calibration's posterior table and its fit, before and after."""
    cal = result.calibration
    s = result.settings
    lines = [
        cal.name,
        "=" * len(cal.name),
        f"File:        {cal.source}",
        "Fitted on:   " + ", ".join(ep.stem for ep in cal.episodes),
        "Held out:    " + (", ".join(ep.stem for ep in cal.holdout) or "none"),
        f"ABC-SMC:     population {s['population']}, {len(result.generations)} of at most "
        f"{s['generations']} generations, {s['simulations']} candidates simulated, "
        f"{s['runs']} runs per episode each; sampler {s['sampler']}, seed {s['seed']}",
        "Epsilon:     " + ", ".join(f"{g['epsilon']:.3f}" for g in result.generations),
        f"Output:      {result.out} ({result.elapsed:.0f} s)",
        "",
        f"Posterior (weighted; effective sample size {s['effective_sample_size']:.1f})",
    ]
    head = f"  {'parameter':<34}" + "".join(f"{h:>11}" for h in ("mean", "sd", "5%", "50%", "95%"))
    lines.append(head)
    for row in result.posterior:
        cells = [row[k] for k in ("mean", "sd", "q05", "q50", "q95")]
        lines.append(f"  {row['parameter']:<34}" + "".join(f"{c:>11.4g}" for c in cells))
    ref = s["reference"]
    lines += [
        "",
        f"ABC distance ({s['runs']} runs per episode): {ref['distance']:.3f} at the episodes' "
        f"own values; best particle {ref['best_distance']:.3f} at {rounded(ref['best_point'])}",
    ]
    lines += ["", "Fit (before: the episodes' own values; after: the posterior mean)"]
    fitted = {ep.source for ep in cal.episodes}
    for b0, b1 in zip(result.before, result.after, strict=True):
        role = "fitted" if b0.episode.source in fitted else "held out"
        lines.append(
            f"  {b0.episode.stem:<24}{role:<10}before {b0.score.passed}/{b0.score.total} "
            f"(distance {b0.score.distance:.3f})   after {b1.score.passed}/{b1.score.total} "
            f"(distance {b1.score.distance:.3f})   {b0.runs} runs"
        )
    for group, scores in result.scores().items():
        before, after = scores["before"], scores["after"]
        lines.append(
            f"  all {group:<20}          before {before['passed']}/{before['total']} "
            f"(distance {before['distance']:.3f})   after {after['passed']}/{after['total']} "
            f"(distance {after['distance']:.3f})"
        )
    lines += ["", "Plots: " + ", ".join(str(p) for p in result.plots)]
    return "\n".join(lines)

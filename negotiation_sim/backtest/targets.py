"""Evaluating an episode's targets on an ensemble's per-round record (pure numpy).

An ``EnsembleRecord`` holds, for every run and round, the numeric columns the targets
read, the outcome label and the kind of agreement struck in that round. Each target gives
a ``TargetResult``: the simulated statistic, pass or fail, and a *distance* in [0, 1]
that is 0 when the target passes and grows with the miss (calibration minimises it):

* ``level``: excess / (excess + tolerance), where excess = max(0, |median - observed| -
  tolerance): 0.5 when the median misses by twice the tolerance, 1 with no tolerance.
* shares (``deal_struck``, ``max_level``, ``outcome``): (min_share - share) / min_share
  below the band, (share - max_share) / (1 - max_share) above it: 1 at share 0 (or 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from negotiation_sim.backtest.episode import Target
from negotiation_sim.core import is_lasting
from negotiation_sim.runs.ensemble import wilson_interval

#: ``deal_news`` endings that mean an agreement was made in the round
STRUCK_NEWS = ("struck", "extended")
#: quantiles shown around a level target's median
LEVEL_BAND = (0.1, 0.9)
_EPS = 1e-12


def agreement_kind(deal: str) -> str:
    """The kind of agreement a ``deal`` record value is: "truce" (time-limited) stays
    "truce", any other non-empty kind (partial, comprehensive, ...) is a lasting "deal"
    (``core.is_lasting``, the rule of ``Package.lasting``)."""
    deal = (deal or "").strip()
    if not deal:
        return ""
    return "deal" if is_lasting(deal) else "truce"


def struck_kind(deal_news: str, deal: str) -> str:
    """The kind of agreement struck (or extended) in a round, or "" if none: read from
    the round's ``deal_news`` and ``deal`` columns (the news names the kind if the deal
    column is empty)."""
    news = (deal_news or "").strip()
    if not news.endswith(STRUCK_NEWS):
        return ""
    return agreement_kind(deal or news.rsplit(" ", 1)[0])


@dataclass(frozen=True)
class EnsembleRecord:
    """Runs x rounds arrays: ``values[column]`` (floats, NaN after a run's last round),
    ``outcome`` (labels, "" after the last round) and ``agreement`` (the kind struck in
    the round: "truce", "deal" or "")."""

    values: Mapping[str, np.ndarray]
    outcome: np.ndarray
    agreement: np.ndarray

    @property
    def runs(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def rounds(self) -> int:
        return int(self.outcome.shape[1])

    def distinct_runs(self) -> int:
        """How many runs differ from each other in what the targets read (1: every seed
        gave the same run, so shares can only be 0 or 1)."""
        if self.runs == 0:
            return 0
        parts = [np.nan_to_num(v, nan=-1e300) for v in self.values.values()]
        keys = {
            (
                tuple(np.concatenate([p[i] for p in parts]).tolist()) if parts else (),
                tuple(self.outcome[i].tolist()),
                tuple(self.agreement[i].tolist()),
            )
            for i in range(self.runs)
        }
        return len(keys)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, np.ndarray]], rounds: int) -> EnsembleRecord:
        """Stack per-run traces (``trace_of``) into an ensemble record of ``rounds``."""
        columns = [k for k in (rows[0] if rows else {}) if k not in ("outcome", "agreement")]
        values = {c: np.stack([_pad(r[c], rounds, np.nan) for r in rows]) for c in columns}
        labels = {
            key: np.stack([_pad(r[key], rounds, "") for r in rows])
            if rows
            else np.empty((0, rounds), dtype=object)
            for key in ("outcome", "agreement")
        }
        return cls(values, labels["outcome"], labels["agreement"])

    @classmethod
    def from_trajectories(
        cls, frames: Iterable[pd.DataFrame], columns: Sequence[str], rounds: int
    ) -> EnsembleRecord:
        return cls.from_rows([trace_of(f, columns) for f in frames], rounds)


def trace_of(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """What the targets read from one run's record: ``columns`` as floats, the outcome
    label and the agreement struck, per round."""
    out = {c: frame[c].to_numpy(dtype=float) for c in columns}
    out["outcome"] = frame["outcome"].astype(str).to_numpy(dtype=object)
    out["agreement"] = np.array(
        [struck_kind(n, d) for n, d in zip(frame["deal_news"], frame["deal"], strict=True)],
        dtype=object,
    )
    return out


def _pad(values: np.ndarray, rounds: int, fill: object) -> np.ndarray:
    values = np.asarray(values)[:rounds]
    if len(values) == rounds:
        return values
    dtype = float if isinstance(fill, float) else object
    out = np.full(rounds, fill, dtype=dtype)
    out[: len(values)] = values
    return out


@dataclass(frozen=True)
class TargetResult:
    """A target's verdict. ``simulated`` is the ensemble median (``level``) or the share
    of runs (the others); ``low``..``high`` its 10-90% band or 95% Wilson interval;
    ``runs`` how many runs it was computed from."""

    target: Target
    simulated: float
    low: float
    high: float
    runs: int
    passed: bool
    distance: float
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        t = self.target
        return {
            "id": t.id,
            "kind": t.kind,
            "target": target_fields(t),
            "observed": observed_text(t),
            "simulated": _finite(self.simulated),
            "low": _finite(self.low),
            "high": _finite(self.high),
            "runs": self.runs,
            "passed": self.passed,
            "distance": round(self.distance, 6),
            "note": self.note,
            "source": t.source,
        }


def _finite(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 6)


#: the fields of each kind of target, as in the episode file
FIELDS = {
    "level": ("column", "date", "observed", "tolerance"),
    "deal_struck": ("kinds", "from", "to", "min_share", "max_share"),
    "max_level": ("column", "from", "to", "value", "min_share"),
    "outcome": ("date", "outcomes", "min_share"),
}


def target_fields(t: Target) -> dict[str, object]:
    """A target's own fields as in its file (dates as ISO text), plus its rounds."""
    named = {"from": t.start, "to": t.end}
    out: dict[str, object] = {}
    for key in FIELDS[t.kind]:
        value = named[key] if key in named else getattr(t, key)
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        if isinstance(value, tuple):
            out[key] = list(value)
    if t.kind in ("level", "outcome"):
        out["round"] = t.round
    else:
        out["rounds"] = [t.first, t.last]
    return out


def observed_text(t: Target) -> str:
    """What a target asks for, in words."""
    if t.kind == "level":
        return f"{t.column} {t.observed:g} ± {t.tolerance:g} on {t.date}"
    band = f"share ≥ {t.min_share:g}" + (
        f" and ≤ {t.max_share:g}" if t.max_share is not None else ""
    )
    if t.kind == "deal_struck":
        return f"{' or '.join(t.kinds)} struck {t.start} to {t.end}: {band}"
    if t.kind == "max_level":
        return f"{t.column} ≤ {t.value:g} from {t.start} to {t.end}: {band}"
    return f"outcome {' or '.join(t.outcomes)} on {t.date}: {band}"


def evaluate(target: Target, record: EnsembleRecord) -> TargetResult:
    """The verdict of one target on an ensemble."""
    if target.kind == "level":
        return _level(target, record)
    if target.kind == "deal_struck":
        window = record.agreement[:, target.first - 1 : target.last]
        hits = np.isin(window, list(target.kinds)).any(axis=1)
        return _share(target, hits, np.ones(record.runs, dtype=bool))
    if target.kind == "max_level":
        window = record.values[target.column][:, target.first - 1 : target.last]
        finite = np.isfinite(window)
        played = finite.any(axis=1)
        peak = np.where(finite, window, -np.inf).max(axis=1, initial=-np.inf)
        return _share(target, played & (peak <= target.value + _EPS), played)
    if target.kind == "outcome":
        labels = record.outcome[:, target.round - 1]
        return _share(target, np.isin(labels, list(target.outcomes)), labels != "")
    raise ValueError(f"unknown target kind {target.kind!r}")


def _level(target: Target, record: EnsembleRecord) -> TargetResult:
    values = record.values[target.column][:, target.round - 1]
    values = values[~np.isnan(values)]
    if values.size == 0:
        return TargetResult(target, np.nan, np.nan, np.nan, 0, False, 1.0, "no run reached it")
    median = float(np.median(values))
    low, high = (float(q) for q in np.quantile(values, LEVEL_BAND))
    miss = abs(median - target.observed)
    excess = max(0.0, miss - target.tolerance)
    passed = excess <= _EPS
    if passed:
        distance = 0.0
    elif target.tolerance > 0:
        distance = excess / (excess + target.tolerance)
    else:
        distance = 1.0
    return TargetResult(target, median, low, high, int(values.size), passed, distance)


def _share(target: Target, hits: np.ndarray, counted: np.ndarray) -> TargetResult:
    n = int(np.count_nonzero(counted))
    k = int(np.count_nonzero(hits & counted))
    if n == 0:
        return TargetResult(target, np.nan, 0.0, 1.0, 0, False, 1.0, "no run reached it")
    share = k / n
    low, high = wilson_interval(k, n)
    top = 1.0 if target.max_share is None else target.max_share
    below = max(0.0, target.min_share - share)
    above = max(0.0, share - top)
    passed = below <= _EPS and above <= _EPS
    if passed:
        distance = 0.0
    elif below > _EPS:
        distance = below / target.min_share
    else:
        distance = above / (1.0 - top)
    return TargetResult(target, share, low, high, n, passed, min(1.0, distance))


@dataclass(frozen=True)
class Score:
    """How an episode (or several) fared: targets passed and the mean distance."""

    passed: int
    total: int
    distance: float
    results: tuple[TargetResult, ...] = field(default=(), repr=False)

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "total": self.total,
            "share": round(self.share, 6),
            "distance": round(self.distance, 6),
        }


def score(results: Sequence[TargetResult]) -> Score:
    """The score of one episode's target results: share passed, mean distance."""
    total = len(results)
    distance = float(np.mean([r.distance for r in results])) if results else 0.0
    return Score(sum(r.passed for r in results), total, distance, tuple(results))


def combine(scores: Sequence[Score]) -> Score:
    """Several episodes' scores: targets passed added up; distance the mean of the
    episodes' distances (each episode weighs the same, whatever its number of targets)."""
    distance = float(np.mean([s.distance for s in scores])) if scores else 0.0
    return Score(sum(s.passed for s in scores), sum(s.total for s in scores), distance)


def evaluate_all(targets: Iterable[Target], record: EnsembleRecord) -> Score:
    return score([evaluate(t, record) for t in targets])

"""Scenario discovery with PRIM (Friedman and Fisher 1999; Bryant and Lempert 2010): the
boxes of parameter space in which an outcome (a trade war, a deal) is most likely.

Peeling: starting from the whole sample, repeatedly remove the slice (an ``alpha`` share
of the points along one edge of one numeric parameter, or one category of a discrete one)
whose removal raises the share of target runs in the box (its *density*) most, while the
box keeps at least ``min_mass`` of the runs. Of the boxes on that peeling trajectory, the
one with the largest weighted relative accuracy, mass x (density - base rate), is kept
(Lavrac et al. 2004; coverage: the share of all target runs that fall in the box), and
restrictions that barely help are dropped. Covering: the runs in that box are set aside
and the search runs again for the next box, while boxes stay clearly denser than what is
left.

Each run is one observation (outcome of one seed at one point), so densities are
probabilities estimated over the runs in the box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from negotiation_sim.sweep.analysis.probabilities import finished


@dataclass
class Box:
    """A box: limits of the restricted parameters and how good it is."""

    target: str
    rank: int
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    categories: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    density: float = 0.0
    coverage: float = 0.0
    mass: float = 0.0
    runs: int = 0
    base_rate: float = 0.0
    space: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def lift(self) -> float:
        return self.density / self.base_rate if self.base_rate > 0 else float("nan")

    def describe(self) -> str:
        """The box as text: ``name >= lo`` where only the lower end is cut (``space``
        holds the sampled range of each parameter), ``lo <= name <= hi`` where both are."""
        parts = []
        for name, (lo, hi) in self.limits.items():
            full_lo, full_hi = self.space.get(name, (None, None))
            if hi == full_hi:
                parts.append(f"{name} >= {lo:.4g}")
            elif lo == full_lo:
                parts.append(f"{name} <= {hi:.4g}")
            else:
                parts.append(f"{lo:.4g} <= {name} <= {hi:.4g}")
        parts += [
            f"{name} in {{{', '.join(map(str, values))}}}"
            for name, values in self.categories.items()
        ]
        return "; ".join(parts) if parts else "(whole space)"

    def contains(self, frame: pd.DataFrame) -> np.ndarray:
        inside = np.ones(len(frame), dtype=bool)
        for name, (lo, hi) in self.limits.items():
            x = frame[name].to_numpy(dtype=float)
            inside &= (x >= lo) & (x <= hi)
        for name, values in self.categories.items():
            inside &= frame[name].isin(values).to_numpy()
        return inside


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def peel(
    frame: pd.DataFrame,
    y: np.ndarray,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    mass_of: int | None = None,
) -> list[dict[str, Any]]:
    """The PRIM peeling trajectory: one entry per box, from the whole sample inwards, with
    ``mask``, ``limits`` (numeric: the range of the runs in the box) and ``categories``
    (discrete). ``mass_of`` is the
    number of runs the masses refer to (default: all rows)."""
    n_all = mass_of or len(frame)
    names = list(frame.columns)
    numeric = {n: _is_numeric(frame[n]) for n in names}
    xs = {
        n: frame[n].to_numpy(dtype=float) if numeric[n] else frame[n].astype(str).to_numpy()
        for n in names
    }
    y = np.asarray(y, dtype=float)
    inside = np.ones(len(frame), dtype=bool)
    limits = {n: (float(np.min(xs[n])), float(np.max(xs[n]))) for n in names if numeric[n]}
    cats = {n: tuple(sorted(set(xs[n]))) for n in names if not numeric[n]}
    trajectory = [{"mask": inside.copy(), "limits": dict(limits), "categories": dict(cats)}]
    min_count = max(1, int(np.ceil(min_mass * n_all)))
    while inside.sum() > min_count:
        best = None
        for name in names:
            x = xs[name]
            xin = x[inside]
            candidates = []
            if numeric[name]:
                lo_q, hi_q = np.quantile(xin, [alpha, 1 - alpha])
                for side, drop in (("lo", x < lo_q), ("hi", x > hi_q)):
                    if not (drop & inside).any():  # ties at the edge: drop the edge value
                        drop = x <= lo_q if side == "lo" else x >= hi_q
                    if (drop & inside).any() and (~drop & inside).any():
                        candidates.append((drop, None, side))
            else:
                present = sorted(set(xin))
                if len(present) > 1:
                    candidates += [(x == c, c, "cat") for c in present]
            for drop, what, kind in candidates:
                keep = inside & ~drop
                count = int(keep.sum())
                if count < min_count:
                    continue
                density = float(y[keep].mean())
                if best is None or (density, count) > (best[0], best[1]):
                    best = (density, count, name, keep, what, kind)
        if best is None:
            break
        _, _, name, keep, what, kind = best
        inside = keep
        if kind == "cat":
            cats[name] = tuple(c for c in cats[name] if c != what)
        else:  # the box's limits: the range of the runs left in it
            x = xs[name][inside]
            limits[name] = (float(x.min()), float(x.max()))
        trajectory.append({"mask": inside.copy(), "limits": dict(limits), "categories": dict(cats)})
    return trajectory


def _mask(frame: pd.DataFrame, limits: dict, cats: dict) -> np.ndarray:
    return Box(target="", rank=0, limits=limits, categories=cats).contains(frame)


def find_boxes(
    frame: pd.DataFrame,
    y: np.ndarray,
    target: str,
    *,
    max_boxes: int = 3,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_lift: float = 1.1,
    trajectory: list[dict[str, Any]] | None = None,
) -> list[Box]:
    """Up to ``max_boxes`` PRIM boxes for ``y`` (True where the run reached ``target``),
    by peeling and covering. Of each peeling trajectory the box with the largest weighted
    relative accuracy, mass x (density - rate outside the earlier boxes), is kept, then
    restrictions that do not earn their place (removing them loses less than 2% of that
    score) are dropped. ``trajectory``, if given, receives every peeling step."""
    y = np.asarray(y, dtype=bool)
    n_all = len(frame)
    total_hits = int(y.sum())
    if n_all == 0 or total_hits == 0:
        return []
    full = {
        n: (float(frame[n].min()), float(frame[n].max()))
        for n in frame.columns
        if _is_numeric(frame[n])
    }
    full_cats = {
        n: tuple(sorted(set(frame[n].astype(str)))) for n in frame.columns if n not in full
    }
    base_rate = total_hits / n_all
    remaining = np.ones(n_all, dtype=bool)
    boxes: list[Box] = []
    for rank in range(1, max_boxes + 1):
        idx = np.flatnonzero(remaining)
        sub, sub_y = frame.iloc[idx], y[idx]
        if sub_y.sum() == 0 or sub_y.all() or len(idx) < 2:
            break
        rest_rate = float(sub_y.mean())

        def score(mask: np.ndarray, sub_y=sub_y, rest_rate=rest_rate) -> float:
            count = int(mask.sum())
            return (int(sub_y[mask].sum()) - count * rest_rate) / n_all if count else -1.0

        steps = peel(sub, sub_y, alpha, min_mass, mass_of=n_all)
        scores = [score(step["mask"]) for step in steps]
        if trajectory is not None:
            for k, (step, value) in enumerate(zip(steps, scores, strict=True)):
                count = int(step["mask"].sum())
                hits = int(sub_y[step["mask"]].sum())
                trajectory.append(
                    {
                        "target": target,
                        "box": rank,
                        "step": k,
                        "density": hits / count if count else np.nan,
                        "coverage": hits / total_hits,
                        "mass": count / n_all,
                        "wracc": value,
                    }
                )
        best = int(np.argmax(scores))
        limits = {n: lim for n, lim in steps[best]["limits"].items() if lim != full.get(n)}
        cats = {n: v for n, v in steps[best]["categories"].items() if v != full_cats.get(n)}
        current = score(_mask(sub, limits, cats))
        while limits or cats:  # drop restrictions that do not earn their place
            trials = [
                ({k: v for k, v in limits.items() if k != key}, cats, key) for key in limits
            ] + [(limits, {k: v for k, v in cats.items() if k != key}, key) for key in cats]
            tried = [(score(_mask(sub, lim, cat)), lim, cat) for lim, cat, _ in trials]
            value, lim, cat = max(tried, key=lambda t: t[0])
            if value < current - 0.02 * abs(current):
                break
            limits, cats, current = lim, cat, max(value, current)
        if not limits and not cats:
            break  # no box beats the rest of the space
        inside = _mask(sub, limits, cats)
        count = int(inside.sum())
        hits = int(sub_y[inside].sum())
        density = hits / count
        if density < min_lift * base_rate or current <= 0:
            break
        boxes.append(
            Box(
                target=target,
                rank=rank,
                limits=limits,
                categories=cats,
                density=density,
                coverage=hits / total_hits,
                mass=count / n_all,
                runs=count,
                base_rate=base_rate,
                space=full,
            )
        )
        remaining[idx[inside]] = False
        if hits / total_hits < 0.05:
            break
    return boxes


def discover(
    runs: pd.DataFrame,
    params: Sequence[str],
    targets: Sequence[str] = ("trade_war", "deal"),
    trajectory: list[dict[str, Any]] | None = None,
    **options: Any,
) -> tuple[pd.DataFrame, list[Box], list[str]]:
    """PRIM boxes for each target outcome over the finished runs: a table (one row per
    box), the boxes, and notes (targets never reached). ``trajectory``, if given,
    receives the peeling steps."""
    ok = finished(runs)
    params = list(params)
    boxes: list[Box] = []
    notes: list[str] = []
    if ok.empty or not params:
        return boxes_table([], params), boxes, ["scenario discovery: no finished runs"]
    frame = ok[params].reset_index(drop=True)
    for target in targets:
        y = (ok["outcome"] == target).to_numpy()
        if not y.any():
            notes.append(f"scenario discovery: no run ended in {target}")
            continue
        if y.all():
            notes.append(f"scenario discovery: every run ended in {target}")
            continue
        found = find_boxes(frame, y, target, trajectory=trajectory, **options)
        if not found:
            notes.append(f"scenario discovery: no box where {target} is clearly more likely")
        boxes += found
    return boxes_table(boxes, params), boxes, notes


def boxes_table(boxes: list[Box], params: Sequence[str]) -> pd.DataFrame:
    rows = []
    for box in boxes:
        row: dict[str, Any] = {
            "target": box.target,
            "box": box.rank,
            "density": box.density,
            "coverage": box.coverage,
            "mass": box.mass,
            "lift": box.lift,
            "runs": box.runs,
            "limits": box.describe(),
        }
        for name in params:
            lo, hi = box.limits.get(name, (np.nan, np.nan))
            row[f"{name} min"] = lo
            row[f"{name} max"] = hi
            if name in box.categories:
                row[f"{name} in"] = ", ".join(map(str, box.categories[name]))
        rows.append(row)
    columns = ["target", "box", "density", "coverage", "mass", "lift", "runs", "limits"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame

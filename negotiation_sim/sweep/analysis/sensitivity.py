"""Sensitivity indices of each outcome measure to each parameter.

Outcome measures are per design point: the probability of each outcome state (the mean
of its indicator over the point's replicates) and the mean of every numeric output
(outcome round, peak tariffs, welfare by country, final levels...). The method follows the
design:

- ``sobol``/``saltelli``: Sobol' first-order (S1) and total (ST) indices with bootstrap
  confidence intervals (SALib ``sobol.analyze``; S2 too with ``second_order``);
- ``morris``: elementary effects mu*, mu, sigma (SALib ``morris.analyze``), on the unit
  scale of each parameter, so mu* of different parameters compare;
- ``grid``: exact main (S1) and total (ST) effects of the full factorial (ANOVA over the
  grid, equal weight per level);
- ``latin_hypercube``/``monte_carlo``: first-order indices by RBD-FAST (SALib
  ``rbd_fast.analyze``), which works on any such sample.

Every index is computed on the inputs as distributed (unit-cube coordinates).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from negotiation_sim.core import OUTCOMES
from negotiation_sim.sweep.analysis.probabilities import finished

#: output columns that are not outcome measures
NOT_MEASURES = {"run", "point", "replicate", "seed", "rounds"}
RBD_HARMONICS = 10
SENSITIVITY_COLUMNS = [
    "measure",
    "parameter",
    "method",
    "S1",
    "S1_conf",
    "ST",
    "ST_conf",
    "mu_star",
    "mu_star_conf",
    "mu",
    "sigma",
    "importance",
]


def point_measures(runs: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """Outcome measures per design point (index: point), from the finished runs:
    ``p_<outcome>`` for every outcome seen in the sweep and the mean of each numeric
    output."""
    ok = finished(runs)
    if ok.empty:
        return pd.DataFrame()
    seen = set(ok["outcome"].unique())
    data = {}
    for name in OUTCOMES:
        if name in seen:
            data[f"p_{name}"] = (ok["outcome"] == name).astype(float)
    skip = NOT_MEASURES | set(params) | {"error"}
    for col in ok.columns:
        if col in skip or col in data:
            continue
        if pd.api.types.is_numeric_dtype(ok[col]) and not pd.api.types.is_bool_dtype(ok[col]):
            data[col] = ok[col].astype(float)
    frame = pd.DataFrame(data, index=ok.index)
    frame["point"] = ok["point"].to_numpy()
    return frame.groupby("point", sort=True).mean()


def _problem(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sensitivity(
    runs: pd.DataFrame,
    design_frame: pd.DataFrame,
    unit: np.ndarray | None,
    method: str,
    params: Sequence[str],
    *,
    second_order: bool = False,
    morris_levels: int = 4,
    seed: int = 0,
) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity indices, one row per (measure, parameter), and notes on what was
    skipped and why. ``design_frame`` has one row per design point (column ``point`` and
    the parameters); ``unit`` its unit-cube coordinates (``None`` for a grid)."""
    params = list(params)
    notes: list[str] = []
    measures = point_measures(runs, params)
    if measures.empty:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS), ["sensitivity: no finished runs"]
    n_points = len(design_frame)
    complete = len(measures) == n_points
    if method in ("sobol", "saltelli", "morris") and not complete:
        notes.append(
            f"sensitivity: {method} needs every design point; {len(measures):,} of "
            f"{n_points:,} have a finished run (finish the sweep with --resume)"
        )
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS), notes
    rows: list[dict[str, Any]] = []
    constant = []
    for measure in measures.columns:
        y_all = measures[measure]
        if y_all.isna().any():
            notes.append(f"sensitivity: {measure} skipped (missing values)")
            continue
        if np.ptp(y_all.to_numpy()) == 0:
            constant.append(measure)
            continue
        points = y_all.index.to_numpy()
        y = y_all.to_numpy(dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method in ("sobol", "saltelli"):
                rows += _sobol(measure, y, params, second_order, seed)
            elif method == "morris":
                rows += _morris(measure, unit, y, params, morris_levels, seed)
            elif method == "grid":
                rows += _anova(measure, design_frame.set_index("point").loc[points], y, params)
            else:
                if len(y) < 2 * RBD_HARMONICS + 2:
                    notes.append(
                        f"sensitivity: RBD-FAST needs at least {2 * RBD_HARMONICS + 2} "
                        f"design points, the sweep has {len(y)}"
                    )
                    break
                rows += _rbd_fast(measure, unit[points], y, params, seed)
    if constant:
        notes.append("sensitivity: constant over the sweep, no indices: " + ", ".join(constant))
    frame = pd.DataFrame(rows).reindex(columns=SENSITIVITY_COLUMNS)
    return frame, notes


def _sobol(
    measure: str, y: np.ndarray, params: list[str], second_order: bool, seed: int
) -> list[dict[str, Any]]:
    from SALib.analyze import sobol

    res = sobol.analyze(
        _problem(params), y, calc_second_order=second_order, num_resamples=200, seed=seed
    )
    return [
        {
            "measure": measure,
            "parameter": name,
            "method": "sobol",
            "S1": res["S1"][j],
            "S1_conf": res["S1_conf"][j],
            "ST": res["ST"][j],
            "ST_conf": res["ST_conf"][j],
            "importance": res["ST"][j],
        }
        for j, name in enumerate(params)
    ]


def _morris(
    measure: str,
    unit: np.ndarray,
    y: np.ndarray,
    params: list[str],
    levels: int,
    seed: int,
) -> list[dict[str, Any]]:
    from SALib.analyze import morris

    res = morris.analyze(_problem(params), unit, y, num_levels=levels, seed=seed)
    return [
        {
            "measure": measure,
            "parameter": name,
            "method": "morris",
            "mu_star": res["mu_star"][j],
            "mu_star_conf": res["mu_star_conf"][j],
            "mu": res["mu"][j],
            "sigma": res["sigma"][j],
            "importance": res["mu_star"][j],
        }
        for j, name in enumerate(params)
    ]


def _rbd_fast(
    measure: str, unit: np.ndarray, y: np.ndarray, params: list[str], seed: int
) -> list[dict[str, Any]]:
    from SALib.analyze import rbd_fast

    res = rbd_fast.analyze(_problem(params), unit, y, M=RBD_HARMONICS, seed=seed)
    return [
        {
            "measure": measure,
            "parameter": name,
            "method": "rbd_fast",
            "S1": res["S1"][j],
            "S1_conf": res["S1_conf"][j],
            "importance": res["S1"][j],
        }
        for j, name in enumerate(params)
    ]


def anova_indices(frame: pd.DataFrame, y: np.ndarray, params: list[str]) -> dict[str, tuple]:
    """Exact first-order and total indices on a full factorial design: ``S1 =
    Var(E[Y|Xi]) / Var(Y)`` and ``ST = E[Var(Y|X~i)] / Var(Y)``, every grid cell weighted
    equally."""
    data = frame[params].copy()
    for name in params:  # group keys must be hashable
        if data[name].dtype == object:
            data[name] = data[name].map(repr)
    data["_y"] = y
    total = float(np.var(y))
    out = {}
    for name in params:
        main = data.groupby(name, sort=False)["_y"].mean()
        s1 = float(np.var(main.to_numpy())) / total
        others = [p for p in params if p != name]
        if others:
            within = data.groupby(others, sort=False)["_y"].var(ddof=0)
            st = float(within.mean()) / total
        else:
            st = 1.0
        out[name] = (s1, st)
    return out


def _anova(
    measure: str, frame: pd.DataFrame, y: np.ndarray, params: list[str]
) -> list[dict[str, Any]]:
    indices = anova_indices(frame, y, params)
    return [
        {
            "measure": measure,
            "parameter": name,
            "method": "anova",
            "S1": s1,
            "ST": st,
            "importance": st,
        }
        for name, (s1, st) in indices.items()
    ]


def ranking(frame: pd.DataFrame, measure: str) -> list[str]:
    """Parameters from most to least important for ``measure``."""
    rows = frame[frame["measure"] == measure]
    return rows.sort_values("importance", ascending=False)["parameter"].tolist()

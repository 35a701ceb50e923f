"""Outcome probabilities: overall and per design point, with Wilson score intervals
(``negotiation_sim.runs.ensemble.wilson_interval`` and ``outcome_table``). Runs that raised an
error are counted apart and left out of the probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from negotiation_sim.core import OUTCOMES
from negotiation_sim.runs.ensemble import outcome_table, wilson_interval


def finished(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that ended without an error."""
    if "error" not in runs.columns:
        return runs
    return runs[runs["error"].isna()]


def overall_outcomes(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per outcome state: runs, probability and Wilson interval over all finished
    runs of the sweep (``runs.ensemble.outcome_table``)."""
    return outcome_table(finished(runs)["outcome"], level)


def point_probabilities(
    runs: pd.DataFrame, params: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """One row per design point: its parameters, ``runs`` (finished), ``errors``, and for
    every outcome ``p_<outcome>`` with ``p_<outcome>_low`` / ``p_<outcome>_high`` (Wilson
    interval at ``level``). A point whose runs all failed has NaN probabilities."""
    params = list(params)
    if runs.empty:
        cols = ["point", *params, "runs", "errors"]
        for name in OUTCOMES:
            cols += [f"p_{name}", f"p_{name}_low", f"p_{name}_high"]
        return pd.DataFrame(columns=cols)
    first = runs.groupby("point", sort=True)[params].first() if params else None
    errors = (
        runs["error"].notna().groupby(runs["point"]).sum()
        if "error" in runs.columns
        else pd.Series(0, index=runs["point"].unique())
    )
    ok = finished(runs)
    counts = (
        pd.crosstab(ok["point"], ok["outcome"])
        .reindex(columns=list(OUTCOMES), fill_value=0)
        .reindex(errors.index, fill_value=0)
    )
    n = counts.sum(axis=1).to_numpy()
    frame = pd.DataFrame({"point": errors.index.to_numpy()})
    if first is not None:
        for name in params:
            frame[name] = first.loc[errors.index, name].to_numpy()
    frame["runs"] = n
    frame["errors"] = errors.to_numpy().astype(int)
    cache: dict[tuple[int, int], tuple[float, float]] = {}
    for name in OUTCOMES:
        k = counts[name].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            frame[f"p_{name}"] = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        bounds = []
        for ki, ni in zip(k.tolist(), n.tolist(), strict=True):
            key = (ki, ni)
            if key not in cache:
                cache[key] = wilson_interval(ki, ni, level)
            bounds.append(cache[key])
        frame[f"p_{name}_low"] = [b[0] for b in bounds]
        frame[f"p_{name}_high"] = [b[1] for b in bounds]
    return frame

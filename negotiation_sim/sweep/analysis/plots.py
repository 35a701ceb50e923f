"""Plots of a sweep (PNG, via matplotlib's object API: no pyplot, no global backend).

- ``heatmap_table`` / ``plot_heatmap``: the probability of an outcome over two parameters
  (binned: equal-width bins for numbers, one cell per value otherwise);
- ``plot_tornado``: sensitivity indices of one outcome measure, largest on top;
- ``plot_outcomes``: overall outcome probabilities with their Wilson intervals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from negotiation_sim.sweep.analysis.probabilities import finished

DPI = 110


def _bins(series: pd.Series, bins: int) -> tuple[np.ndarray, list[str]]:
    """Bin codes of each value and the bins' labels."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique() > bins:
        x = series.to_numpy(dtype=float)
        edges = np.linspace(np.min(x), np.max(x), bins + 1)
        codes = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
        labels = [f"{edges[i]:.3g}–{edges[i + 1]:.3g}" for i in range(bins)]
        return codes, labels
    values = sorted(series.unique(), key=lambda v: (str(type(v)), v))
    index = {v: i for i, v in enumerate(values)}
    labels = [f"{v:.4g}" if isinstance(v, float) else str(v) for v in values]
    return series.map(index).to_numpy(), labels


def heatmap_table(
    runs: pd.DataFrame, x: str, y: str | None, target: str = "deal", bins: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Probability of ``target`` (share of finished runs) and run counts per cell:
    rows are bins of ``y`` (a single row if ``y`` is None), columns bins of ``x``."""
    ok = finished(runs)
    xc, xl = _bins(ok[x], bins)
    if y is None:
        yc, yl = np.zeros(len(ok), dtype=int), ["all"]
    else:
        yc, yl = _bins(ok[y], bins)
    hit = (ok["outcome"] == target).to_numpy(dtype=float)
    counts = np.zeros((len(yl), len(xl)))
    sums = np.zeros((len(yl), len(xl)))
    np.add.at(counts, (yc, xc), 1)
    np.add.at(sums, (yc, xc), hit)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return (
        pd.DataFrame(prob, index=pd.Index(yl, name=y or ""), columns=pd.Index(xl, name=x)),
        pd.DataFrame(counts.astype(int), index=pd.Index(yl, name=y or ""), columns=xl),
    )


def plot_heatmap(
    prob: pd.DataFrame, counts: pd.DataFrame, x: str, y: str | None, target: str, path: Path
) -> Path:
    rows, cols = prob.shape
    fig = Figure(figsize=(min(12, 2.5 + 0.75 * cols), min(10, 2.0 + 0.6 * rows)))
    ax = fig.subplots()
    data = np.ma.masked_invalid(prob.to_numpy(dtype=float))
    cmap = _cmap("viridis")
    image = ax.imshow(data, origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=1)
    ax.set_xticks(range(cols), [str(c) for c in prob.columns], rotation=45, ha="right")
    ax.set_yticks(range(rows), [str(r) for r in prob.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y or "")
    if rows * cols <= 150:
        for i in range(rows):
            for j in range(cols):
                value = prob.iat[i, j]
                if np.isfinite(value):
                    ax.text(
                        j,
                        i,
                        f"{value:.2f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if value < 0.6 else "black",
                    )
    label = target.replace("_", " ")
    fig.colorbar(image, ax=ax, label=f"P({label})")
    total = int(counts.to_numpy().sum())
    ax.set_title(f"Probability of {label} ({total:,} runs; blank: no runs)")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    return path


def _cmap(name: str):
    from matplotlib import colormaps

    return colormaps[name].with_extremes(bad="#dddddd")


def plot_tornado(rows: pd.DataFrame, measure: str, path: Path) -> Path:
    """Horizontal bars of the indices of ``measure``: S1 and ST (Sobol', ANOVA), S1
    (RBD-FAST) or mu* (Morris), with confidence intervals where known."""
    rows = rows[rows["measure"] == measure].sort_values("importance")
    method = rows["method"].iloc[0] if len(rows) else ""
    names = rows["parameter"].tolist()
    fig = Figure(figsize=(7, 1.4 + 0.45 * max(1, len(names))))
    ax = fig.subplots()
    pos = np.arange(len(names))
    if method in ("sobol", "anova"):
        ax.barh(
            pos + 0.2,
            rows["ST"],
            height=0.4,
            color="#f4a261",
            label="total (ST)",
            xerr=_err(rows, "ST_conf"),
        )
        ax.barh(
            pos - 0.2,
            rows["S1"],
            height=0.4,
            color="#2a9d8f",
            label="first order (S1)",
            xerr=_err(rows, "S1_conf"),
        )
        ax.set_xlabel("Sobol' index" if method == "sobol" else "variance share (full grid)")
        ax.legend(loc="lower right", fontsize=8)
    elif method == "morris":
        ax.barh(pos, rows["mu_star"], color="#2a9d8f", xerr=_err(rows, "mu_star_conf"))
        ax.set_xlabel("Morris mu* (mean |elementary effect| per unit of each input's range)")
    else:
        ax.barh(pos, rows["S1"], color="#2a9d8f", xerr=_err(rows, "S1_conf"))
        ax.set_xlabel("first-order index S1 (RBD-FAST)")
    ax.set_yticks(pos, names)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(f"Sensitivity of {measure}")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    return path


def _err(rows: pd.DataFrame, column: str):
    if column not in rows or rows[column].isna().all():
        return None
    return rows[column].fillna(0).clip(lower=0).to_numpy()


def plot_outcomes(table: pd.DataFrame, path: Path) -> Path:
    """Overall outcome probabilities (``outcome_table``) with Wilson intervals."""
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    p = table["probability"].to_numpy()
    err = np.vstack([p - table["ci_low"].to_numpy(), table["ci_high"].to_numpy() - p]).clip(0)
    ax.bar(table["outcome"], p, yerr=err, color="#264653", capsize=4)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(f"Outcomes over {int(table['runs'].sum()):,} finished runs (95% CI)")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    return path

"""A weighted ABC posterior: its table (means and quantiles per parameter) and its plots
(one PNG per parameter: weighted histogram, kernel density, prior range, the scenario's
default and the posterior mean)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of a weighted sample (inverse of the weighted step CDF)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) / w.sum()
    return float(v[min(int(np.searchsorted(cdf, q - 1e-12)), len(v) - 1)])


def posterior_table(
    particles: pd.DataFrame, weights: np.ndarray, paths: Sequence[str]
) -> list[dict[str, Any]]:
    """Per parameter: weighted mean, standard deviation and ``QUANTILES``."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    rows = []
    for path in paths:
        x = particles[path].to_numpy(dtype=float)
        mean = float(np.sum(w * x))
        row: dict[str, Any] = {
            "parameter": path,
            "mean": mean,
            "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2))),
        }
        for q in QUANTILES:
            row[f"q{round(q * 100):02d}"] = weighted_quantile(x, w, q)
        rows.append(row)
    return rows


def rounded(point: dict[str, Any]) -> dict[str, Any]:
    """A parameter point for messages (4 significant digits)."""
    return {k: float(f"{v:.4g}") if isinstance(v, float) else v for k, v in point.items()}


def effective_sample_size(weights: np.ndarray) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def plot_marginals(
    particles: pd.DataFrame,
    weights: np.ndarray,
    ranges: dict[str, tuple[float, float]],
    defaults: dict[str, float | None],
    out: Path,
    title: str = "",
) -> list[Path]:
    """One PNG per parameter in ``out``: ``posterior_<path>.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy import stats

    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    paths = []
    for path, (low, high) in ranges.items():
        x = particles[path].to_numpy(dtype=float)
        fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
        bins = np.linspace(low, high, 21)
        ax.hist(
            x,
            bins=bins,
            weights=w,
            density=True,
            color="#56B4E9",
            alpha=0.6,
            edgecolor="white",
            label="posterior (weighted)",
        )
        if np.ptp(x) > 0 and len(x) > 2:
            grid = np.linspace(low, high, 200)
            try:
                kde = stats.gaussian_kde(x, weights=w)
                ax.plot(grid, kde(grid), color="#0072B2", label="kernel density")
            except (np.linalg.LinAlgError, ValueError):
                pass
        ax.axhline(1 / (high - low), color="grey", ls=":", label="prior (uniform)")
        mean = float(np.sum(w * x))
        ax.axvline(mean, color="#D55E00", label=f"posterior mean {mean:.3g}")
        default = defaults.get(path)
        if default is not None:
            ax.axvline(default, color="black", ls="--", label=f"episode value {default:.3g}")
        ax.set_xlim(low, high)
        ax.set_xlabel(path)
        ax.set_ylabel("density")
        ax.set_title(title or path, fontsize=10)
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        file = out / f"posterior_{_slug(path)}.png"
        fig.savefig(file)
        plt.close(fig)
        paths.append(file)
    return paths


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path)

"""Export controls on rare earths and chips: effective cut, stockpiles and output losses.

Equations C1-C3 in docs/model.md. Stockpiles are in weeks of the firm's normal use of
the controlled inputs.
"""

from __future__ import annotations

import numpy as np


def effective_cut(
    level: np.ndarray, cut_by_level: np.ndarray, weeks_controlled: np.ndarray, substitution: float
) -> np.ndarray:
    """C1: share of supply withheld, eroded by substitution: s = cut[L] * exp(-w / W_sub)."""
    return cut_by_level[level] * np.exp(-weeks_controlled / substitution)


def drawdown(
    stock: np.ndarray,
    short_weeks: np.ndarray,
    cut: np.ndarray,
    weeks: float,
    target: np.ndarray,
    restock_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """C2: stockpile and weeks-without-stock after ``weeks`` of a supply cut ``cut``.

    With a cut s > 0 the stockpile covers the missing share for S / s weeks:
    S' = max(0, S - s * weeks) and the weeks spent without stock grow by
    max(0, weeks - S / s) (plus those already counted when S was already 0).
    Without a cut the stockpile is rebuilt toward ``target`` at ``restock_rate`` weeks per
    week and the shortage count resets to 0.
    """
    cutting = cut > 0.0
    drawn = np.maximum(0.0, stock - cut * weeks)
    rebuilt = np.minimum(np.maximum(target, stock), stock + restock_rate * weeks)
    new_stock = np.where(cutting, drawn, rebuilt)
    # weeks without stock: those carried (if already out) plus the uncovered part
    uncovered = np.maximum(
        0.0, weeks - np.divide(stock, cut, out=np.full_like(drawn, np.inf), where=cutting)
    )
    new_short = np.where(cutting, (stock <= 0.0) * short_weeks + uncovered, 0.0)
    return new_stock, new_short


def outage_fraction(
    dependence: np.ndarray, cut: np.ndarray, short_weeks: np.ndarray, ramp_weeks: float
) -> np.ndarray:
    """C3: share of output lost, rho * s * min(1, weeks without stock / ramp weeks).

    Losses start when the stockpile is gone and grow as plants run out of parts, so the
    pressure on the importer rises over time.
    """
    return dependence * cut * np.minimum(1.0, short_weeks / ramp_weeks)

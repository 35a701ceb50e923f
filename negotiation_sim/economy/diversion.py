"""Trade diversion: rerouting a bilateral flow through third countries (equation D1)."""

from __future__ import annotations

import numpy as np


def diversion_share(
    t_direct: np.ndarray,
    t_via: np.ndarray,
    reroute_cost: float,
    response: float,
    enforcement: np.ndarray,
) -> np.ndarray:
    """D1: share of lost direct trade that a fully adapted firm reroutes via each third country.

    d_k = (1 - enforcement_k) * (1 - exp(-response * max(0, 100 * (t - t_k - c_r))))

    ``t_direct`` has shape (..., F, 1), ``t_via`` (F, K) and ``enforcement`` (K,); all
    tariffs and the cost ``c_r`` are fractions, ``response`` is per percentage point.
    Shares are scaled so that they sum to at most 1 over the third countries.
    """
    gap = np.maximum(0.0, 100.0 * (t_direct - t_via - reroute_cost))
    share = (1.0 - enforcement) * (1.0 - np.exp(-response * gap))
    total = share.sum(axis=-1, keepdims=True)
    return np.where(total > 1.0, share / np.maximum(total, 1e-12), share)

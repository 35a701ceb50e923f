"""A government's one-round utility (equation U1, docs/model.md)."""

from __future__ import annotations

import numpy as np


def government_utility(
    welfare: np.ndarray,
    lobby_profit: np.ndarray,
    partner_welfare: np.ndarray,
    lobby_weight: float,
    coercion_weight: float,
) -> np.ndarray:
    """U1: U = W + lambda * sum_i w_i * dpi_i - kappa * W_partner.

    ``welfare`` is national welfare, ``lobby_profit`` the politically weighted sum of its
    own firms' profit changes (Grossman and Helpman 1994: organised interests get extra
    weight lambda), and ``partner_welfare`` enters with weight -kappa, the value a
    government puts on pressure on its opponent (a reduced form of bargaining leverage;
    assumption). Audience costs and the value of a deal are added by the protocol.
    """
    return welfare + lobby_weight * lobby_profit - coercion_weight * partner_welfare


def lobbying_index(weighted_delta: np.ndarray, weighted_scale: np.ndarray) -> np.ndarray:
    """L1: L_c = sum_i w_i dpi_i / sum_i w_i |pi_i| over country c's firms, in [-1, 1];
    > 0 pushes for escalation. Arguments are the two sums per country."""
    ratio = np.divide(
        weighted_delta, weighted_scale, out=np.zeros(len(weighted_scale)), where=weighted_scale > 0
    )
    return np.minimum(1.0, np.maximum(-1.0, ratio))

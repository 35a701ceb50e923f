"""Tariffs on one trade flow: prices, volumes, revenue, consumer cost and deadweight loss.

Partial equilibrium with constant-elasticity import demand and constant log pass-through
(docs/model.md, equations T1-T7). All functions are vectorised: ``t`` may be any array of
ad valorem tariffs as fractions (0.25 = 25%); results broadcast with it.
"""

from __future__ import annotations

import numpy as np


def importer_price(t: np.ndarray, pass_through: float) -> np.ndarray:
    """T1: tariff-inclusive importer price relative to free trade, p_m = (1 + t)^phi."""
    return np.power(1.0 + t, pass_through)


def exporter_price(t: np.ndarray, pass_through: float) -> np.ndarray:
    """T2: price the exporter receives relative to free trade, p_x = (1 + t)^(phi - 1)."""
    return np.power(1.0 + t, pass_through - 1.0)


def free_trade_volume(value_ref: np.ndarray, t_ref: np.ndarray, phi: float, eps: float):
    """T3: free-trade import volume implied by a value observed at tariff ``t_ref``.

    m_free = V_ref * p_m(t_ref)^eps (volumes are in $bn at free-trade prices).
    """
    return value_ref * np.power(importer_price(t_ref, phi), eps)


def import_volume(m_free: np.ndarray, p_m: np.ndarray, eps: float) -> np.ndarray:
    """T4: m = m_free * p_m^(-eps)."""
    return m_free * np.power(p_m, -eps)


def tariff_revenue(t: np.ndarray, p_x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """T5: R = t * p_x * m, the tariff collected on the customs value of imports."""
    return t * p_x * m


def consumer_cost(m_free: np.ndarray, p_m: np.ndarray, eps: float) -> np.ndarray:
    """T6: importer's consumer and user cost, the area under import demand from 1 to p_m.

    CC = m_free * (p_m^(1-eps) - 1) / (1 - eps), and m_free * ln(p_m) when eps = 1.
    """
    if abs(eps - 1.0) < 1e-9:
        return m_free * np.log(p_m)
    return m_free * (np.power(p_m, 1.0 - eps) - 1.0) / (1.0 - eps)


def deadweight_loss(cc: np.ndarray, p_m: np.ndarray, m: np.ndarray) -> np.ndarray:
    """T7: Harberger loss, the consumer cost beyond the price rise on what is still bought.

    DWL = CC - (p_m - 1) * m. The importer's net welfare from a tariff is
    R - CC = (1 - p_x) * m - DWL: a terms-of-trade gain minus the deadweight loss.
    """
    return cc - (p_m - 1.0) * m

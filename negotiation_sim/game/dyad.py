"""The negotiating pair, in one place: who the two parties are, which flows each taxes
on the other, and their trade-weighted average tariffs.

Everything else that assumes two parties goes through a ``Dyad`` (docs/architecture.md
lists what remains), so that a multilateral negotiation changes this layer and the views.
"""

from __future__ import annotations

import numpy as np

from negotiation_sim.economy.world import World


class Dyad:
    """The two negotiating parties of a world: ids ``(a, b)``, their country indices,
    and for each the flows it taxes on the other with their reference-value weights."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.indices: tuple[int, int] = world.parties
        self.ids: tuple[str, str] = tuple(world.countries[g] for g in world.parties)  # type: ignore[assignment]
        self.flows: dict[int, np.ndarray] = {}
        self.weights: dict[int, np.ndarray] = {}
        #: each party's imports from the other at reference values ($bn a year)
        self.imports_bn: dict[int, float] = {}
        for g in world.parties:
            idx = world.flows_between(g, int(world.partner_of[g]))
            w = world.flow_value_ref[idx]
            self.flows[g] = idx
            self.imports_bn[g] = float(w.sum())
            self.weights[g] = (
                w / w.sum() if w.sum() > 0 else np.full(len(idx), 1 / max(1, len(idx)))
            )

    def partner(self, gid: str) -> str:
        """The other party's id (``KeyError`` for a government outside the pair)."""
        a, b = self.ids
        return {a: b, b: a}[gid]

    def partner_or_none(self, gid: str) -> str | None:
        a, b = self.ids
        return {a: b, b: a}.get(gid)

    def average(self, tariff: np.ndarray, g: int) -> float:
        """Party g's trade-weighted average tariff on its partner, in percent."""
        idx = self.flows[g]
        if idx.size == 0:
            return 0.0
        return 100.0 * float(tariff[idx] @ self.weights[g])

    def shift(self, tariff: np.ndarray, g: int, pp: float, cap: float) -> None:
        """Move all of g's tariffs on its partner by ``pp`` points, within [0, cap]."""
        idx = self.flows[g]
        tariff[..., idx] = np.clip(tariff[..., idx] + pp / 100.0, 0.0, cap)

    def set_average(self, tariff: np.ndarray, g: int, target: float, cap: float) -> None:
        self.shift(tariff, g, target - float(self.average(tariff, g)), cap)

    def seat(self, gid: str, a_matrix: np.ndarray, b_matrix: np.ndarray):
        """A pair of first-party/second-party stage matrices from ``gid``'s seat:
        (mine, partner's), rows = my action."""
        if gid == self.ids[0]:
            return a_matrix, b_matrix
        return b_matrix.T, a_matrix.T

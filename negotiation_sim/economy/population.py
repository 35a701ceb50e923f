"""The firm population: every firm's arrays, vectorised (profits, stockpiles, rerouting
and lobbying stances). Mesa ``Firm`` agents are views on one row of it."""

from __future__ import annotations

import numpy as np

from negotiation_sim.economy.evaluate import FirmState, RoundEval, base_profit
from negotiation_sim.economy.utility import lobbying_index
from negotiation_sim.economy.world import World


class FirmPopulation:
    """All firms' arrays: static exposures (``world.firms``), carried state and the last
    round's profits and lobbying stances."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.table = world.firms
        self.state = FirmState.initial(world)
        self.base = base_profit(world)
        self.delta = np.zeros(len(self.table))
        self.profit = self.base.copy()
        self.stance = np.zeros(len(self.table))
        n = world.onehot_country.shape[1]
        self._scale = np.bincount(
            self.table.country, weights=self.table.political_weight * np.abs(self.base), minlength=n
        )
        self.country_lobbying = np.zeros(n)
        self._safe_base = np.maximum(self.base, 1e-12)
        self._out = np.maximum(self.table.flow_out, 0)
        self._exporter = self.table.flow_out >= 0

    def book(self, ev: RoundEval) -> None:
        """Book this round's profits and carry the stockpiles forward (row 0 of ``ev``)."""
        self.delta = ev.firm_delta[0]
        self.profit = self.base + self.delta
        state = self.state
        state.stockpile = ev.stockpile[0]
        state.short_weeks = ev.short_weeks[0]
        cut = ev.rare_earth_cut[0] > 0
        if cut.any():
            bigger = self.table.stockpile_weeks + self.world.params.precautionary_weeks
            state.stock_target = np.where(cut, bigger, state.stock_target)
            state.restocked = False
        elif not state.restocked:
            state.restocked = bool(
                (state.stockpile >= state.stock_target).all() and not state.short_weeks.any()
            )

    def adapt(self, ev: RoundEval, controls: np.ndarray) -> None:
        """Firms facing a tariff gap reroute more (A1); control clocks advance (C1)."""
        gapped = ev.divert_share[0] > 0  # flows whose tariff makes rerouting pay
        if gapped.any():
            facing = gapped[self._out] & self._exporter
            step = self.world.params.reroute_adaptation
            gap = self.table.reroute_capacity - self.state.reroute
            self.state.reroute = self.state.reroute + facing * (step * gap)
        active = (controls > 0) & self.world.holds
        self.state.control_weeks = (self.state.control_weeks + self.world.round_weeks) * active

    def lobby(self) -> None:
        """Each firm's stance in [-1, 1]: its profit change relative to its normal profit.
        Protected firms (> 0) push for escalation, hurt firms (< 0) for concession. Each
        country's lobbying index (L1) aggregates them with political weights."""
        self.stance = np.minimum(1.0, np.maximum(-1.0, self.delta / self._safe_base))
        n = self.world.onehot_country.shape[1]
        num = np.bincount(
            self.table.country, weights=self.delta * self.table.political_weight, minlength=n
        )
        self.country_lobbying = lobbying_index(num, self._scale)

    def weighted_delta(self, ev_delta: np.ndarray) -> np.ndarray:
        """Politically weighted profit change per country, (B, C)."""
        return (ev_delta * self.table.political_weight) @ self.world.onehot_country

    def lobbying(self, country: int) -> float:
        return float(self.country_lobbying[country])

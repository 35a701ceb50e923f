"""The agents: governments that decide and firms that book profits, adapt and lobby.

Firm arithmetic is vectorised in ``FirmPopulation``; each ``Firm`` agent is a view on one
row of it, so a scenario can hold tens of thousands of firms at a low cost per round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from negotiation_sim.core import Move
from negotiation_sim.economy import (
    FirmState,
    RoundEval,
    World,
    base_profit,
    government_utility,
    lobbying_index,
)
from negotiation_sim.economy.world import CONTROL_COLUMNS
from negotiation_sim.strategies import Strategy
from negotiation_sim.strategies.base import GameView

if TYPE_CHECKING:
    from negotiation_sim.model import NegotiationModel


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
            bigger = self.table.stockpile_weeks + self.world.params["precautionary_weeks"]
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
            step = self.world.params["reroute_adaptation"]
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


class Firm(mesa.Agent):
    """A firm: country, sector, size and exposures; its numbers live in ``FirmPopulation``."""

    def __init__(self, model: NegotiationModel, population: FirmPopulation, row: int) -> None:
        super().__init__(model)
        self.population = population
        self.row = row

    def _get(self, name: str) -> float:
        return float(getattr(self.population.table, name)[self.row])

    @property
    def group(self) -> str:
        return self.population.world.groups[int(self.population.table.group[self.row])]

    @property
    def country(self) -> str:
        return self.population.world.countries[int(self.population.table.country[self.row])]

    @property
    def sector(self) -> str:
        return self.population.world.group_sector[int(self.population.table.group[self.row])]

    @property
    def size(self) -> float:
        """Annual revenue, $bn."""
        return self._get("revenue")

    @property
    def export_share(self) -> float:
        return self._get("exports_free") / max(self.size, 1e-12)

    @property
    def rare_earth_dependence(self) -> float:
        return self._get("rare_earth_dependence")

    @property
    def stockpile_weeks(self) -> float:
        return float(self.population.state.stockpile[self.row])

    @property
    def partner_revenue(self) -> float:
        """Annual revenue from the partner's market: exports plus controlled tech sales."""
        return self._get("exports_free") + self._get("tech_exports")

    @property
    def profit(self) -> float:
        return float(self.population.profit[self.row])

    @property
    def lobbying(self) -> float:
        return float(self.population.stance[self.row])


class Government(mesa.Agent):
    """A government: its policy instruments, strategy, utility and history."""

    def __init__(
        self,
        model: NegotiationModel,
        gid: str,
        index: int,
        spec: dict[str, Any],
        strategy: Strategy,
        partner: str | None,
    ) -> None:
        super().__init__(model)
        self.gid = gid
        self.index = index
        self.name = spec["name"]
        self.spec = spec
        self.strategy = strategy
        self.partner = partner
        self.instruments = tuple(spec["instruments"])
        self.moves: list[Move] = []
        self.seen: list[Move] = []  # partner's moves as perceived
        self.payoffs: list[float] = []
        self.standoff = 1 if spec["public_threat"] else 0
        self.utility_now = 0.0  # utility of the current round's economy (+ deal value)
        self.paid = 0.0  # audience cost paid for this round's move
        self.reservation = float("nan")  # valued only in rounds with offers

    @property
    def is_party(self) -> bool:
        return self.partner is not None

    @property
    def tariffs(self) -> dict[str, dict[str, float]]:
        """Tariff (%) by partner and sector."""
        world = self.model.world
        out: dict[str, dict[str, float]] = {}
        tariff = self.model.policy.tariff
        for f in np.flatnonzero(world.flow_importer == self.index):
            exporter = world.countries[int(world.flow_exporter[f])]
            out.setdefault(exporter, {})[world.flow_sector[f]] = 100.0 * float(tariff[f])
        return out

    @property
    def controls(self) -> dict[str, int]:
        levels = self.model.policy.controls[self.index]
        return {n: int(levels[c]) for n, c in CONTROL_COLUMNS.items() if n in self.instruments}

    def utility(self, welfare: np.ndarray, weighted: np.ndarray) -> np.ndarray:
        """U1 for B states from (B, C) welfare and weighted firm profit changes."""
        partner = self.model.index[self.partner] if self.partner else self.index
        return government_utility(
            welfare[:, self.index],
            weighted[:, self.index],
            welfare[:, partner] if self.partner else 0.0 * welfare[:, self.index],
            self.spec["lobby_weight"],
            self.spec["coercion_weight"],
        )

    def audience_cost(self) -> float:
        """Fearon (1994): backing down costs more the longer the public standoff."""
        return self.spec["audience_cost"] * self.standoff

    def decide(self, view: GameView) -> Move:
        return self.strategy.decide(view)

    def stage_payoffs(self) -> tuple[np.ndarray, np.ndarray]:
        """The stage game from this government's seat: (mine, partner's)."""
        return self.model.stage_payoffs(self.gid)

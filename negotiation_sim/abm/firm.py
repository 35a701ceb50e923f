"""A firm agent: a cheap view on one row of the vectorised ``FirmPopulation``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from negotiation_sim.economy.population import FirmPopulation

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


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

"""Typed parameters of the economy: what ``build_world`` compiles into arrays.

Units are in the names: ``_pct`` percent, ``_pp`` percentage points, ``_bn`` $bn per
year, ``_weeks`` weeks. Fractions and shares have no suffix. The scenario layer fills
these from a validated scenario file (``negotiation_sim/scenario/config.py``); the
meaning and source of every field is in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[float, float]  # a [low, high] range from which each firm draws uniformly


@dataclass(frozen=True, slots=True)
class EconomyParams:
    """The ``[economy]`` table: the partial-equilibrium trade model's parameters."""

    elasticity: float
    pass_through: float
    retail_pass_through: float
    domestic_price_response: float
    max_tariff_pct: float
    escalation_tariff_scale_pct: float
    reroute_cost_pct: float
    reroute_response_per_pp: float
    third_country_value_added: float
    rare_earth_cut: tuple[float, ...]
    chip_cut: tuple[float, ...]
    substitution_weeks: float
    outage_ramp_weeks: float
    restock_rate: float  # stockpile weeks rebuilt per week
    precautionary_weeks: float
    reroute_adaptation: float
    labour_share: float
    delivery_ratio: float
    purchase_premium: float


@dataclass(frozen=True, slots=True)
class CountryTrade:
    """What the economy needs to know of one government: its tariffs on each partner
    (optionally by sector), the tariffs of the reference year of the trade values, the
    export controls it holds and their starting levels, and (third countries) the share
    of rerouting its rules-of-origin checks block."""

    tariffs_pct: dict[str, float]
    sector_tariffs_pct: dict[str, dict[str, float]]
    reference_tariffs_pct: dict[str, float]
    controls_held: tuple[str, ...]
    control_levels: dict[str, int]
    transship_enforcement: float

    def tariff_pct(self, exporter: str, sector: str) -> float:
        """The tariff (%) on ``exporter``'s goods of ``sector``: the sector rate, else the
        average on that partner, else 0."""
        by_sector = self.sector_tariffs_pct.get(exporter, {})
        return by_sector.get(sector, self.tariffs_pct.get(exporter, 0.0))


@dataclass(frozen=True, slots=True)
class FirmGroup:
    """A sector-level firm specification; ``count`` firms are drawn from it."""

    country: str
    sector: str
    partner: str
    count: int
    revenue_bn: float
    size_sigma: float
    margin: Span
    exports_bn: float
    export_spread: Span
    imports_bn: float
    import_competing_bn: float
    rare_earth_dependence: Span
    stockpile_weeks: Span
    tech_dependence: Span
    tech_exports_bn: float
    rare_earth_exports_bn: float
    reroute_capacity: Span
    political_weight: float


@dataclass(frozen=True, slots=True)
class PurchaseLever:
    """Purchase commitments a deal may hold: the buyer, the largest commitment
    ($bn/yr) and the sector of the seller's firms that gain. Off when the cap is 0."""

    buyer: str = ""
    max_purchases_bn: float = 0.0
    sector: str = ""

    @property
    def active(self) -> bool:
        return self.max_purchases_bn > 0


@dataclass(frozen=True, slots=True)
class EconomySpec:
    """Everything ``build_world`` compiles: parameters, countries (in scenario order),
    the negotiating pair, firm groups (in file order), round length and purchases."""

    params: EconomyParams
    countries: dict[str, CountryTrade]
    parties: tuple[str, str]
    firms: dict[str, FirmGroup]
    round_days: int
    purchases: PurchaseLever = field(default_factory=PurchaseLever)

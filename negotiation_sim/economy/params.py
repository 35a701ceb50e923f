"""Typed parameters of the economy: what ``build_world`` compiles into arrays.

Units are in the names: ``_pct`` percent, ``_pp`` percentage points, ``_bn`` $bn per
year, ``_weeks`` weeks. Fractions and shares have no suffix. The scenario layer fills
these from a validated scenario file (``negotiation_sim/scenario/config.py``); the
meaning and source of every field is in docs/model.md. The export controls' parameters
are keyed by instrument name (cuts) or by the schema keys their registry entries name
(firm exposures, ``core/instruments.py``), so a new control adds no field here.
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
    #: share of supply withheld at each control level, by control instrument (its ``cut``)
    control_cuts: dict[str, tuple[float, ...]]
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
    reroute_capacity: Span
    political_weight: float
    #: the control instruments' exposure ranges (their ``firm_spans``), by schema key
    spans: dict[str, Span] = field(default_factory=dict)
    #: the control instruments' amounts in $bn/yr (their ``firm_amounts``), by schema key
    amounts_bn: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Span | float:
        """A control's exposure by its schema key: ``group.stockpile_weeks``."""
        if name in ("spans", "amounts_bn"):  # not yet set (while unpickling)
            raise AttributeError(name)
        for table in (self.spans, self.amounts_bn):
            if name in table:
                return table[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


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

"""The validated scenario compiled into frozen, typed configuration.

``compile_config(data)`` turns the nested data of a validated scenario (defaults filled
in, see ``scenario/spec.py``) into a ``ScenarioConfig``; ``Scenario.config`` holds it.
Units are in the names (``_pct`` percent, ``_pp`` percentage points, ``_bn`` $bn).
The economy's part reuses the economy's own types (``economy/params.py``); the export
controls' fields are mapped by the registry entries that name them (``core/instruments.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from negotiation_sim.core import REGISTRY, control_instruments
from negotiation_sim.economy.params import (
    CountryTrade,
    EconomyParams,
    EconomySpec,
    FirmGroup,
    PurchaseLever,
)


@dataclass(frozen=True, slots=True)
class Meta:
    """The ``[scenario]`` table: name, dates and length of the run."""

    name: str
    description: str
    start_date: dt.date
    round_days: int
    rounds: int
    parties: tuple[str, str]


@dataclass(frozen=True, slots=True)
class OutcomeRules:
    """The ``[outcomes]`` table: thresholds of the outcome classification."""

    trade_war_escalation: float
    trade_war_rounds: int


@dataclass(frozen=True, slots=True)
class NegotiationRules:
    """The ``[negotiation]`` table: the protocol's rules and noise."""

    truce_rounds: int
    perception_noise: float
    implementation_noise: float
    deal_break_hazard: float
    reservation_lookahead: int
    purchases: PurchaseLever
    initial_truce: bool
    comprehensive_tolerance_pp: float
    discount: float
    audience_cap_rounds: int
    offer_rounds: int
    extension_window: int


@dataclass(frozen=True, slots=True)
class ResolveRanges:
    """The ``resolve`` table: ranges from which each run draws a government's private
    resolve (``economy.preferences.Resolve``)."""

    cost_tolerance_bn: tuple[float, float]
    audience_sensitivity: tuple[float, float]
    grievance_bn: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Demand:
    """The ``demand`` table: what the government asks of its partner beyond tariffs and
    what meeting it costs the partner per round while a deal is in force."""

    label: str
    cost_bn: float
    #: when the demand is met, this government keeps its measures in force (N1c)
    keep_measures: bool = False

    @property
    def declared(self) -> bool:
        """Whether the government declares a demand at all."""
        return bool(self.label or self.cost_bn)


@dataclass(frozen=True, slots=True)
class GovernmentConfig:
    """One ``[governments.<id>]`` table: instruments, policy, strategy and politics."""

    gid: str
    name: str
    strategy: str
    strategy_params: dict[str, Any]
    instruments: tuple[str, ...]
    trade: CountryTrade
    tariff_floor_pct: float
    tariff_step_pp: float
    lobby_weight: float
    audience_cost_bn: float
    public_threat: bool
    coercion_weight: float
    deal_value_bn: float
    resolve: ResolveRanges
    demand: Demand
    grievance_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EventConfig:
    """One ``[[calendar]]`` event; ``index`` is its position in the file."""

    index: int
    date: dt.date
    type: str
    label: str
    government: str
    increase_pp: float
    decrease_pp: float
    snapback_pp: float
    instrument: str
    level: int
    unless_deal: bool
    deal_bonus_bn: float
    deadline: bool
    #: a meeting or summit at which both sides table their packages
    talks: bool = False


@dataclass(frozen=True, slots=True)
class ScenarioConfig:
    """A whole scenario, typed. ``governments`` and ``firms`` keep file order."""

    meta: Meta
    economy: EconomyParams
    outcomes: OutcomeRules
    negotiation: NegotiationRules
    governments: dict[str, GovernmentConfig]
    firms: dict[str, FirmGroup]
    calendar: tuple[EventConfig, ...]

    @property
    def parties(self) -> tuple[str, str]:
        return self.meta.parties

    def economy_spec(self) -> EconomySpec:
        """What ``economy.build_world`` compiles."""
        return EconomySpec(
            params=self.economy,
            countries={gid: g.trade for gid, g in self.governments.items()},
            parties=self.meta.parties,
            firms=self.firms,
            round_days=self.meta.round_days,
            purchases=self.negotiation.purchases,
        )


def _span(value: list[float]) -> tuple[float, float]:
    return float(value[0]), float(value[1])


def compile_config(data: dict[str, Any]) -> ScenarioConfig:
    """The typed form of validated scenario data."""
    meta, econ, neg = data["scenario"], data["economy"], data["negotiation"]
    a, b = meta["parties"]
    return ScenarioConfig(
        meta=Meta(
            name=meta["name"],
            description=meta["description"],
            start_date=meta["start_date"],
            round_days=meta["round_days"],
            rounds=meta["rounds"],
            parties=(a, b),
        ),
        economy=EconomyParams(
            elasticity=econ["elasticity"],
            pass_through=econ["pass_through"],
            retail_pass_through=econ["retail_pass_through"],
            domestic_price_response=econ["domestic_price_response"],
            max_tariff_pct=econ["max_tariff"],
            escalation_tariff_scale_pct=econ["escalation_tariff_scale"],
            reroute_cost_pct=econ["reroute_cost"],
            reroute_response_per_pp=econ["reroute_response"],
            third_country_value_added=econ["third_country_value_added"],
            control_cuts={i.name: tuple(econ[i.cut]) for i in control_instruments()},
            substitution_weeks=econ["substitution_weeks"],
            outage_ramp_weeks=econ["outage_ramp_weeks"],
            restock_rate=econ["restock_rate"],
            precautionary_weeks=econ["precautionary_weeks"],
            reroute_adaptation=econ["reroute_adaptation"],
            labour_share=econ["labour_share"],
            delivery_ratio=econ["delivery_ratio"],
            purchase_premium=econ["purchase_premium"],
        ),
        outcomes=OutcomeRules(
            trade_war_escalation=data["outcomes"]["trade_war_escalation"],
            trade_war_rounds=data["outcomes"]["trade_war_rounds"],
        ),
        negotiation=NegotiationRules(
            truce_rounds=neg["truce_rounds"],
            perception_noise=neg["perception_noise"],
            implementation_noise=neg["implementation_noise"],
            deal_break_hazard=neg["deal_break_hazard"],
            reservation_lookahead=neg["reservation_lookahead"],
            purchases=PurchaseLever(neg["buyer"], neg["max_purchases"], neg["purchase_sector"]),
            initial_truce=neg["initial_truce"],
            comprehensive_tolerance_pp=neg["comprehensive_tolerance"],
            discount=neg["discount"],
            audience_cap_rounds=neg["audience_cap"],
            offer_rounds=neg["offer_rounds"],
            extension_window=neg["extension_window"],
        ),
        governments={gid: _government(gid, g) for gid, g in data["governments"].items()},
        firms={name: _firm_group(g) for name, g in data["firms"].items()},
        calendar=tuple(_event(i, e) for i, e in enumerate(data["calendar"])),
    )


def _government(gid: str, g: dict[str, Any]) -> GovernmentConfig:
    instruments = tuple(g["instruments"])
    return GovernmentConfig(
        gid=gid,
        name=g["name"],
        strategy=g["strategy"],
        strategy_params=dict(g["strategy_params"] or {}),
        instruments=instruments,
        trade=CountryTrade(
            tariffs_pct=dict(g["tariffs"]),
            sector_tariffs_pct={k: dict(v) for k, v in g["sector_tariffs"].items()},
            reference_tariffs_pct=dict(g["reference_tariffs"]),
            controls_held=tuple(i for i in instruments if REGISTRY[i].kind == "control"),
            control_levels=dict(g["controls"]),
            transship_enforcement=g["transship_enforcement"],
        ),
        tariff_floor_pct=g["tariff_floor"],
        tariff_step_pp=g["tariff_step"],
        lobby_weight=g["lobby_weight"],
        audience_cost_bn=g["audience_cost"],
        public_threat=g["public_threat"],
        coercion_weight=g["coercion_weight"],
        deal_value_bn=g["deal_value"],
        resolve=ResolveRanges(
            cost_tolerance_bn=_span(g["resolve"]["cost_tolerance"]),
            audience_sensitivity=_span(g["resolve"]["audience_sensitivity"]),
            grievance_bn=_span(g["resolve"]["grievance"]),
        ),
        demand=Demand(
            label=g["demand"]["label"],
            cost_bn=g["demand"]["cost"],
            keep_measures=g["demand"]["keep_measures"],
        ),
        grievance_from=g["grievance_from"],
    )


def _firm_group(g: dict[str, Any]) -> FirmGroup:
    return FirmGroup(
        country=g["country"],
        sector=g["sector"],
        partner=g["partner"],
        count=g["count"],
        revenue_bn=g["revenue"],
        size_sigma=g["size_sigma"],
        margin=_span(g["margin"]),
        exports_bn=g["exports"],
        export_spread=_span(g["export_spread"]),
        imports_bn=g["imports"],
        import_competing_bn=g["import_competing"],
        reroute_capacity=_span(g["reroute_capacity"]),
        political_weight=g["political_weight"],
        spans={k: _span(g[k]) for i in control_instruments() for k in i.firm_spans},
        amounts_bn={k: g[k] for i in control_instruments() for k in i.firm_amounts},
    )


def _event(index: int, e: dict[str, Any]) -> EventConfig:
    return EventConfig(
        index=index,
        date=e["date"],
        type=e["type"],
        label=e["label"],
        government=e["government"],
        increase_pp=e["increase"],
        decrease_pp=e["decrease"],
        snapback_pp=e["snapback"],
        instrument=e["instrument"],
        level=e["level"],
        unless_deal=e["unless_deal"],
        deal_bonus_bn=e["deal_bonus"],
        talks=e["talks"],
        deadline=e["deadline"],
    )

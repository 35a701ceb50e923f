"""What a scenario says before any run: the negotiating parties, thresholds, the
comprehensive-deal zone and whether different seeds can play different negotiations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from negotiation_sim.scenario import Scenario
from negotiation_sim.scenario.config import ScenarioConfig
from negotiation_sim.strategies import STRATEGIES, get_strategy
from negotiation_sim.views.words import short_id


@dataclass(frozen=True, slots=True)
class PartyInfo:
    """One negotiating party as front ends label it."""

    gid: str
    name: str
    short: str
    index: int  # 0 for the first party, 1 for the second
    instruments: tuple[str, ...]
    strategy: str  # the scenario's strategy name
    floor_pct: float  # tariff floor
    step_pp: float  # tariff step
    partner: str


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """Static facts of a scenario for labels, axes and captions."""

    stem: str
    title: str
    description: str
    parties: tuple[PartyInfo, PartyInfo]
    horizon: int
    start_date: dt.date
    round_days: int
    threshold: float  # trade-war escalation threshold
    war_rounds: int
    max_tariff_pct: float
    escalation_scale_pct: float
    deal_zone: tuple[float, float]

    def party(self, gid: str) -> PartyInfo:
        return next(p for p in self.parties if p.gid == gid)

    @property
    def shorts(self) -> tuple[str, str]:
        return self.parties[0].short, self.parties[1].short

    @property
    def names(self) -> tuple[str, str]:
        return self.parties[0].name, self.parties[1].name

    def date_of(self, round_: int) -> dt.date:
        """The first day of round ``round_`` (round 1 for rounds below 1)."""
        return self.start_date + dt.timedelta(days=(max(round_, 1) - 1) * self.round_days)


def deal_zone(config: ScenarioConfig) -> tuple[float, float]:
    """Each party's escalation index under a comprehensive deal at its most: tariff
    within the comprehensive tolerance of its floor, no export controls."""
    scale = config.economy.escalation_tariff_scale_pct
    tol = config.negotiation.comprehensive_tolerance_pp
    zone = []
    for gid in config.parties:
        gov = config.governments[gid]
        if not gov.instruments:
            zone.append(0.0)
            continue
        tariff = (
            min(1.0, (gov.tariff_floor_pct + tol) / scale) if "tariff" in gov.instruments else 0.0
        )
        zone.append(tariff / len(gov.instruments))
    return zone[0], zone[1]


def scenario_info(scenario: Scenario, horizon: int | None = None) -> ScenarioInfo:
    """The static facts of ``scenario`` (``horizon`` overrides its number of rounds)."""
    config = scenario.config
    a, b = config.parties
    parties = tuple(
        PartyInfo(
            gid=gid,
            name=(g := config.governments[gid]).name,
            short=short_id(gid, g.name),
            index=k,
            instruments=g.instruments,
            strategy=g.strategy,
            floor_pct=float(g.tariff_floor_pct),
            step_pp=float(g.tariff_step_pp),
            partner=b if gid == a else a,
        )
        for k, gid in enumerate((a, b))
    )
    meta = config.meta
    return ScenarioInfo(
        stem=scenario.stem,
        title=meta.name,
        description=meta.description,
        parties=parties,  # type: ignore[arg-type]
        horizon=int(horizon or meta.rounds),
        start_date=meta.start_date,
        round_days=meta.round_days,
        threshold=float(config.outcomes.trade_war_escalation),
        war_rounds=int(config.outcomes.trade_war_rounds),
        max_tariff_pct=float(config.economy.max_tariff_pct),
        escalation_scale_pct=float(config.economy.escalation_tariff_scale_pct),
        deal_zone=deal_zone(config),
    )


# ---------------------------------------------------------------------- seeds
@dataclass(frozen=True, slots=True)
class SeedVariation:
    """What a seed changes in a run. ``sources`` names each random element of the
    negotiation (stochastic strategies, private resolve, noise, hazard); ``firms_fixed``
    says the firm draws are degenerate too. Without sources, seeds differ only by the
    firms drawn, and ``note`` says so: with ``firms_fixed`` every seed is the same run."""

    sources: tuple[str, ...]
    firms_fixed: bool = False

    @property
    def same_negotiation(self) -> bool:
        """Nothing in the negotiation is left to chance (only the firm draw differs)."""
        return not self.sources

    @property
    def identical(self) -> bool:
        """Every seed is exactly the same run."""
        return not self.sources and self.firms_fixed

    @property
    def note(self) -> str:
        if self.sources:
            return ""
        why = (
            "the strategies are deterministic, the governments' private resolve is fixed, "
            "and there is no perception noise, implementation noise or deal-break hazard"
        )
        fix = (
            "To see uncertainty, add noise or choose a strategy that randomises "
            f"({', '.join(stochastic_strategies())})."
        )
        if self.firms_fixed:
            return (
                f"Every seed is the same run with these settings: {why}, and every firm "
                f"is drawn from a single value. An ensemble repeats one run. {fix}"
            )
        return (
            f"Nothing in the negotiation is left to chance with these settings: {why}. A "
            "seed changes only the firms drawn, so different seeds often replay the same "
            "negotiation, and an ensemble's shares show how much the firm draw matters, "
            f"not how likely each outcome is. {fix}"
        )


def stochastic_strategies() -> list[str]:
    """Names of the registered strategies whose classifier says they draw at random."""
    return [n for n, cls in STRATEGIES.items() if cls.classifier.get("stochastic")]


def seed_variation(config: ScenarioConfig) -> SeedVariation:
    """What is random in a run of ``config`` besides the firms drawn: the strategies'
    classifiers (``stochastic``), each government's private resolve (drawn per run from
    its ranges; a third country's only counts when its strategy reads payoffs), and the
    negotiation's noise settings and deal-break hazard."""
    sources = []
    for gid, gov in config.governments.items():
        strategy = get_strategy(gov.strategy, **gov.strategy_params)
        if strategy.classifier.get("stochastic"):
            sources.append(f"{gid}'s strategy {strategy.name} randomises")
        ranges = (gov.resolve.cost_tolerance_bn, gov.resolve.audience_sensitivity,
                  gov.resolve.grievance_bn)  # fmt: skip
        counts = gid in config.parties or strategy.classifier.get("uses_payoffs")
        if counts and any(hi > lo for lo, hi in ranges):
            sources.append(f"{gid}'s private resolve is drawn per run")
    neg = config.negotiation
    for value, what in (
        (neg.perception_noise, "perception noise"),
        (neg.implementation_noise, "implementation noise"),
        (neg.deal_break_hazard, "deal-break hazard"),
    ):
        if value > 0:
            sources.append(f"{what} {value:g}")
    return SeedVariation(tuple(sources), firms_fixed(config))


def firms_fixed(config: ScenarioConfig) -> bool:
    """Whether every firm of every group is drawn from a single value (no spread)."""
    for group in config.firms.values():
        spans = (group.margin, group.export_spread, group.reroute_capacity, *group.spans.values())
        if group.size_sigma > 0 or any(hi > lo for lo, hi in spans):
            return False
    return True

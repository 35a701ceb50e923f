"""Static facts of one run, for labels, axes and captions: the scenario's facts plus
what the model built (countries, firm groups and their normal profits, the calendar's
events by round, every control instrument) and the state before round 1."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.game.calendar import Calendar
from negotiation_sim.views.record import control_column, party_column, tariff_column
from negotiation_sim.views.scenario import ScenarioInfo, scenario_info
from negotiation_sim.views.words import short_id

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """One firm group: its row in the charts, its country (government id) and sector,
    its profit per round under free trade ($bn) and its number of firms."""

    index: int
    name: str
    label: str
    country: str
    sector: str
    base_profit: float
    firms: int


@dataclass(frozen=True, slots=True)
class EventInfo:
    """A calendar event in the round it fires (``game.calendar.event_round``)."""

    round: int
    date: dt.date
    kind: str
    label: str
    deadline: bool


def calendar_events(calendar: Calendar) -> tuple[EventInfo, ...]:
    """The calendar's events that fire in rounds 1..horizon, by round then file order."""
    return tuple(
        EventInfo(r, e.date, e.type, e.label, e.deadline)
        for r in sorted(calendar.by_round)
        if r >= 1
        for e in calendar.by_round[r]
    )


@dataclass(frozen=True, slots=True)
class RunInfo(ScenarioInfo):
    """``ScenarioInfo`` plus the facts of a built model."""

    countries: tuple[tuple[str, str], ...] = ()  # (gid, name), model order
    groups: tuple[GroupInfo, ...] = ()
    events: tuple[EventInfo, ...] = ()
    controls: tuple[tuple[str, str], ...] = ()  # (gid, instrument), scenario order
    strategies: dict[str, str] = field(default_factory=dict)  # gid -> repr, at the start
    initial: dict[str, float] = field(default_factory=dict)  # column -> before round 1

    @property
    def tariff_columns(self) -> tuple[str, str]:
        a, b = self.parties
        return tariff_column(a.gid, b.gid), tariff_column(b.gid, a.gid)

    def short(self, gid: str) -> str:
        """A short label for any country of the run."""
        for party in self.parties:
            if party.gid == gid:
                return party.short
        return short_id(gid, dict(self.countries).get(gid, gid))


@dataclass(frozen=True, slots=True)
class DealCounts:
    """The run's agreements so far: deals struck (a truce's extension is not one) and
    deals broken, as the summary's ``deals_struck`` and ``deals_broken`` count them."""

    struck: int
    broken: int


def deal_counts(model: NegotiationModel) -> DealCounts:
    """How many deals ``model``'s mechanism has struck and seen broken so far."""
    return DealCounts(int(model.mechanism.struck), int(model.mechanism.broken))


def run_info(model: NegotiationModel) -> RunInfo:
    """The static facts of ``model``, read before its first round."""
    config, world = model.config, model.world
    base = scenario_info(model.spec, model.horizon)
    names = {gid: g.name for gid, g in config.governments.items()}
    profit = np.bincount(
        world.firms.group, weights=model.population.base, minlength=len(world.groups)
    )
    counts = np.bincount(world.firms.group, minlength=len(world.groups))
    groups = []
    for g, gname in enumerate(world.groups):
        country = config.firms[gname].country
        rest = gname[len(country) + 1 :] if gname.startswith(country + "_") else gname
        groups.append(
            GroupInfo(
                index=g,
                name=gname,
                label=f"{short_id(country, names[country])} {rest.replace('_', ' ')}",
                country=country,
                sector=world.group_sector[g],
                base_profit=float(profit[g]),
                firms=int(counts[g]),
            )
        )
    controls = tuple(
        (gid, name) for gid, g in config.governments.items() for name in g.instruments
        if name != "tariff"
    )  # fmt: skip
    a, b = model.parties
    initial = {
        tariff_column(a.gid, b.gid): model.tariff_on_partner(a),
        tariff_column(b.gid, a.gid): model.tariff_on_partner(b),
    }
    for gov in model.parties:
        initial[party_column("escalation", gov.gid)] = model.escalation(gov)
    for gov in model.governments.values():
        for name, level in gov.controls.items():
            initial[control_column(gov.gid, name)] = float(level)
    fields = {k: getattr(base, k) for k in ScenarioInfo.__dataclass_fields__}
    return RunInfo(
        **fields,
        countries=tuple((gid, names[gid]) for gid in world.countries),
        groups=tuple(groups),
        events=calendar_events(model.calendar),
        controls=controls,
        strategies={g.gid: repr(g.strategy) for g in model.governments.values()},
        initial=initial,
    )

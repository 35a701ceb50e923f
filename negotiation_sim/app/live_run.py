"""One browser session's live run: its model, the facts the views label things with, and
the per-round record they draw from.

Views never read the model while it steps: they read the DataCollector's table (lists
that only grow) up to the number of rounds they were asked to show, and the firm stances
copied at the end of each step. A ``LiveRun`` belongs to one session; nothing here is
module-level state.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.game.calendar import POLICY_EVENTS
from negotiation_sim.scenario import Scenario
from negotiation_sim.strategies import MoveRequired

_generations = itertools.count(1)


def short_id(gid: str, name: str) -> str:
    """A short label for a government: 'US', 'CN', or its name for long ids."""
    return gid.upper() if len(gid) <= 3 else name


@dataclass
class Party:
    gid: str
    name: str
    short: str
    index: int
    instruments: tuple[str, ...]
    strategy: str
    floor: float  # tariff floor, %
    partner: str = ""


@dataclass
class Group:
    index: int
    name: str
    label: str
    country: str  # government id
    sector: str
    base_profit: float  # $bn per round under free trade
    firms: int


@dataclass
class Event:
    round: int
    date: dt.date
    kind: str
    label: str


@dataclass
class RunInfo:
    """Static facts about a run, for labels, axes and captions."""

    title: str
    description: str
    parties: list[Party]
    countries: list[tuple[str, str]]  # (gid, name), model order
    groups: list[Group]
    events: list[Event]
    horizon: int
    start_date: dt.date
    round_days: int
    threshold: float
    war_rounds: int
    max_tariff_pct: float
    escalation_scale: float
    controls: list[tuple[str, str]]  # (gid, instrument) with a control column
    deal_zone: tuple[float, float]  # escalation of each party in a comprehensive deal
    initial: dict[str, float] = field(default_factory=dict)  # state before round 1

    def date_of(self, round_: int) -> dt.date:
        return self.start_date + dt.timedelta(days=(max(round_, 1) - 1) * self.round_days)

    def party(self, gid: str) -> Party:
        return next(p for p in self.parties if p.gid == gid)

    @property
    def tariff_columns(self) -> tuple[str, str]:
        a, b = self.parties
        return f"tariff_{a.gid}_{b.gid}", f"tariff_{b.gid}_{a.gid}"


def fmt_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def run_info(model: NegotiationModel) -> RunInfo:
    data = model.spec.data
    world = model.world
    names = {gid: gov["name"] for gid, gov in data["governments"].items()}
    parties = []
    for gov in model.parties:
        parties.append(
            Party(
                gid=gov.gid,
                name=gov.name,
                short=short_id(gov.gid, gov.name),
                index=gov.index,
                instruments=gov.instruments,
                strategy=repr(gov.strategy),
                floor=float(gov.party.config.tariff_floor_pct),
                partner=gov.partner or "",
            )
        )
    base = np.bincount(
        world.firms.group, weights=model.population.base, minlength=len(world.groups)
    )
    counts = np.bincount(world.firms.group, minlength=len(world.groups))
    groups = []
    for g, gname in enumerate(world.groups):
        spec = data["firms"][gname]
        country = spec["country"]
        short = short_id(country, names[country])
        rest = gname[len(country) + 1 :] if gname.startswith(country + "_") else gname
        groups.append(
            Group(
                index=g,
                name=gname,
                label=f"{short} {rest.replace('_', ' ')}",
                country=country,
                sector=world.group_sector[g],
                base_profit=float(base[g]),
                firms=int(counts[g]),
            )
        )
    events = []
    for event in data["calendar"]:
        r = model.calendar.round_of(event["date"], event["type"] in POLICY_EVENTS)
        if 1 <= r <= model.horizon:
            events.append(Event(r, event["date"], event["type"], event["label"]))
    controls = [
        (gov.gid, name)
        for gov in model.governments.values()
        for name in gov.instruments
        if name != "tariff"
    ]
    scale = data["economy"]["escalation_tariff_scale"]
    tol = data["negotiation"].get("comprehensive_tolerance", 0.0)
    zone = []
    for p in parties:
        if not p.instruments:
            zone.append(0.0)
            continue
        tariff = min(1.0, (p.floor + tol) / scale) if "tariff" in p.instruments else 0.0
        zone.append(tariff / len(p.instruments))
    initial: dict[str, float] = {}
    a, b = model.parties
    initial[f"tariff_{a.gid}_{b.gid}"] = model.tariff_on_partner(a)
    initial[f"tariff_{b.gid}_{a.gid}"] = model.tariff_on_partner(b)
    for gov in model.parties:
        initial[f"escalation_{gov.gid}"] = model.escalation(gov)
    for gov in model.governments.values():
        for name, level in gov.controls.items():
            initial[f"control_{gov.gid}_{name}"] = float(level)
    return RunInfo(
        title=data["scenario"]["name"],
        description=data["scenario"]["description"],
        parties=parties,
        countries=[(gid, names[gid]) for gid in world.countries],
        groups=groups,
        events=events,
        horizon=model.horizon,
        start_date=model.calendar.start,
        round_days=model.calendar.round_days,
        threshold=float(data["outcomes"]["trade_war_escalation"]),
        war_rounds=int(data["outcomes"]["trade_war_rounds"]),
        max_tariff_pct=float(data["economy"]["max_tariff"]),
        escalation_scale=float(scale),
        controls=controls,
        deal_zone=(zone[0], zone[1]),
        initial=initial,
    )


class LiveRun:
    """A model being stepped in one session, with the record its views draw from."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.model = NegotiationModel(scenario, rng=seed)
        self.info = run_info(self.model)
        self.table: dict[str, list] = self.model.datacollector.tables["rounds"]
        self.generation = next(_generations)
        self.lock = threading.RLock()
        self._stances: dict[int, np.ndarray] = {0: self.model.population.stance.copy()}
        self.error: str | None = None

    @property
    def rounds_done(self) -> int:
        return len(self.table["round"])

    @property
    def finished(self) -> bool:
        return not self.model.running

    def step(self) -> int:
        """Play one round (if the run is not over); returns the rounds done."""
        with self.lock:
            if self.model.running:
                try:
                    self.model.step()
                except MoveRequired as exc:  # a Human strategy from an uploaded scenario
                    self.error = str(exc)
                    self.model.running = False
                    return self.rounds_done
                n = self.rounds_done
                self._stances[n] = self.model.population.stance.copy()
                for old in [k for k in self._stances if k < n - 4]:
                    del self._stances[old]
            return self.rounds_done

    def stance(self, n: int) -> np.ndarray:
        """Per-firm lobbying stance after round ``n`` (the nearest one kept)."""
        if n in self._stances:
            return self._stances[n]
        return self._stances[max(k for k in self._stances if k <= n)] if n else self._stances[0]

    def column(self, name: str, n: int) -> np.ndarray:
        return np.asarray(self.table[name][:n], dtype=float)

    def value(self, name: str, n: int, default: Any = None) -> Any:
        """Value of a column in round ``n`` (1-based), or ``default`` before round 1."""
        return self.table[name][n - 1] if n >= 1 else default

    def trajectory(self):
        with self.lock:
            return self.model.trajectory()


def heading(run: LiveRun, n: int) -> str:
    """Where the run is heading, from the last few rounds of the two escalation indices."""
    info = run.info
    if n < 1:
        return "Press Step or Play to start."
    a, b = info.parties
    ea = run.column(f"escalation_{a.gid}", n)
    eb = run.column(f"escalation_{b.gid}", n)
    k = max(0, n - 4)
    change = (ea[-1] - ea[k]) + (eb[-1] - eb[k])
    if change > 0.02:
        trend = "escalating"
    elif change < -0.02:
        trend = "de-escalating"
    else:
        trend = "steady"
    gap = info.threshold - min(ea[-1], eb[-1])
    war = (
        "both indices are above the trade-war threshold"
        if gap <= 0
        else f"{gap:.2f} below the trade-war threshold ({info.threshold:.2f})"
    )
    return (
        f"Escalation {a.short} {ea[-1]:.2f}, {b.short} {eb[-1]:.2f} (index 0–1): {trend} "
        f"over the last {n - k} rounds; the lower one is {war}."
    )


def outcome_since(run: LiveRun, n: int) -> int:
    """First round of the current stretch of the same outcome."""
    outcomes = run.table["outcome"][:n]
    if not outcomes:
        return 0
    last = outcomes[-1]
    start = len(outcomes)
    while start > 1 and outcomes[start - 2] == last:
        start -= 1
    return start

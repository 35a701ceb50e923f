"""The scenario calendar: which round a dated event falls in, the deadlines ahead, what
an event does when it fires, and the truce already in force at round 1 (docs/model.md,
sections 3.2 and 7.15)."""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS, Package
from negotiation_sim.game.measures import control_levels, tariff_on_partner
from negotiation_sim.game.mechanism import Deal, Mechanism
from negotiation_sim.game.offers import NamedMeasure
from negotiation_sim.game.policy import Policy
from negotiation_sim.scenario.config import EventConfig

#: events that threaten a measure, which a deal averts when ``unless_deal``
THREATS = ("tariff_threat", "control_rule")
#: events that change policy take effect from the first round starting on or after their date
POLICY_EVENTS = ("tariff_threat", "truce_expiry", "control_rule", "tariff_cut", "control_relief")


def round_of(date: dt.date, start: dt.date, round_days: int, takes_effect: bool = False) -> int:
    """The round holding ``date`` (round 1 starts on ``start``); with ``takes_effect``,
    the first round that starts on or after it."""
    days = (date - start).days
    if takes_effect:
        return -(-days // round_days) + 1
    return days // round_days + 1


def event_round(event: EventConfig, start: dt.date, round_days: int) -> int:
    """Round an event fires in: meetings, summits and notes in the round holding their
    date; policy changes from the first round starting on or after it."""
    return round_of(event.date, start, round_days, event.type in POLICY_EVENTS)


class Calendar:
    """A scenario's dated events by round, and its deadlines, for a run of ``horizon``
    rounds of ``round_days`` days from ``start``."""

    def __init__(
        self, events: tuple[EventConfig, ...], start: dt.date, round_days: int, horizon: int
    ) -> None:
        self.events = events
        self.start = start
        self.round_days = round_days
        self.horizon = horizon
        self.by_round: dict[int, list[EventConfig]] = {}
        deadlines = []
        for event in events:
            r = event_round(event, start, round_days)
            if r > horizon:
                continue
            self.by_round.setdefault(r, []).append(event)
            if event.deadline:
                deadlines.append(r)
        self.deadlines: tuple[int, ...] = tuple(sorted(deadlines))
        #: by government, the rounds of its own threats a deal would avert
        self.threat_rounds: dict[str, tuple[int, ...]] = {}
        for r, fired in sorted(self.by_round.items()):
            for event in fired:
                if event.type in THREATS and event.unless_deal:
                    rounds = self.threat_rounds.get(event.government, ())
                    self.threat_rounds[event.government] = (*rounds, r)

    def threats_ahead(self, gid: str, round_: int) -> int:
        """How many of ``gid``'s own declared threats (tariff threats and control rules
        that a deal would avert) the calendar schedules after round ``round_``."""
        rounds = self.threat_rounds.get(gid, ())  # sorted
        return len(rounds) - bisect.bisect_right(rounds, round_)

    def date_of(self, round_: int) -> dt.date:
        """The first day of round ``round_`` (round 1 for rounds below 1)."""
        return self.start + dt.timedelta(days=(max(round_, 1) - 1) * self.round_days)

    def round_of(self, date: dt.date, takes_effect: bool = False) -> int:
        return round_of(date, self.start, self.round_days, takes_effect)

    def rounds_to_deadline(self, round_: int) -> int | None:
        """Rounds until the next deadline (0 = this round), or ``None``."""
        return next((r - round_ for r in self.deadlines if r >= round_), None)

    def initial_truce(self, mech: Mechanism) -> Deal:
        """The truce in force at round 1; it snaps back by the calendar's truce-expiry
        raise (on top of the tariffs then in force) when it expires or breaks. Its
        expiry round is that of the first truce-expiry event, so that it can be extended
        before then."""
        expiries = [e for e in self.events if e.type == "truce_expiry"]
        raise_pp = max((e.snapback_pp for e in expiries), default=0.0)
        rounds = [event_round(e, self.start, self.round_days) for e in expiries]
        pair = mech.pair
        levels = {p.gid: tariff_on_partner(mech.policy, mech.dyad, p) for p in pair}
        controls = {p.gid: control_levels(mech.policy, p) for p in pair}
        package = Package("initial", levels, controls, 0.0)
        expires = min(rounds) if rounds else None
        return Deal(package, "truce", 0, expires, mech.policy.copy(), False, raise_pp)

    def outlook(self, mech: Mechanism, round_: int, lookahead: int) -> Policy:
        """The no-deal path ``lookahead`` rounds after round ``round_``: the policy in
        force plus the measures the calendar schedules in rounds round_+1 .. round_+
        lookahead that a deal would avert (tariff threats, control rules), and the
        snap-back of a truce that expires within the window."""
        policy = mech.policy.copy()
        deal = mech.deal
        expires = None if deal is None or deal.package.lasting else deal.expires_round
        if expires is not None and expires <= round_ + lookahead:
            _snap_back(policy, deal, mech)
            for _, due in mech.postponed:
                due(policy, mech)
        for r in range(round_ + 1, round_ + lookahead + 1):
            for event in self.by_round.get(r, ()):
                if event.type in THREATS and event.unless_deal:
                    _apply(event, policy, mech)  # what a deal would avert
                elif event.type in ("tariff_cut", "control_relief"):
                    _apply(event, policy, mech)  # scheduled relief comes anyway
        return policy


def _snap_back(policy: Policy, deal: Deal, mech: Mechanism) -> None:
    """The levels a deal's end restores (see ``Mechanism.end_deal``)."""
    policy.tariff = np.maximum(policy.tariff, deal.snapback.tariff)
    policy.controls = np.maximum(policy.controls, deal.snapback.controls)
    if deal.snapback_pp:
        for party in mech.pair:
            mech.dyad.shift(policy.tariff, party.index, deal.snapback_pp, mech.world.max_tariff)
    policy.purchases = 0.0


def _apply(event: EventConfig, policy: Policy, mech: Mechanism) -> bool:
    """Apply a policy event to ``policy``; False when it does not apply (a third
    country's tariff threat)."""
    kind = event.type
    if kind in ("tariff_threat", "tariff_cut"):
        party = mech.parties[event.government]
        if not party.is_party:
            return False
        if kind == "tariff_threat":
            pp = event.increase_pp
        else:  # a scheduled cut, never below the floor
            now = mech.dyad.average(policy.tariff, party.index)
            pp = -min(event.decrease_pp, max(0.0, now - party.config.tariff_floor_pct))
        mech.dyad.shift(policy.tariff, party.index, pp, mech.world.max_tariff)
        return True
    g = mech.index[event.government]
    col = CONTROL_COLUMNS[event.instrument]
    if kind == "control_rule":
        policy.controls[g, col] = max(policy.controls[g, col], event.level)
    else:  # control_relief
        policy.controls[g, col] = min(policy.controls[g, col], event.level)
    return True


def _control_level(event: EventConfig, mech: Mechanism) -> int:
    """The level of a control rule's instrument before the rule (0 for a tariff)."""
    if event.type != "control_rule":
        return 0
    return int(
        mech.policy.controls[mech.index[event.government], CONTROL_COLUMNS[event.instrument]]
    )


def _named(event: EventConfig, level_before: int) -> NamedMeasure:
    if event.type == "tariff_threat":
        return NamedMeasure(event.label, tariff_pp=event.increase_pp)
    return NamedMeasure(event.label, instrument=event.instrument, level_before=level_before)


def fire(event: EventConfig, mech: Mechanism) -> str | None:
    """Apply one calendar event to the mechanism's state and record its label. Returns
    the id of a party whose tariff threat took effect (its standoff goes public)."""
    kind = event.type
    new_deal = mech.deal is not None and mech.deal.in_run
    skip = event.unless_deal and new_deal
    label = event.label
    public = None
    if kind in ("meeting", "summit"):
        mech.deal_bonus += event.deal_bonus_bn
        mech.talks = mech.talks or event.talks
    elif kind in THREATS and skip and not mech.deal.package.lasting:
        mech.postpone(event.label, functools.partial(_apply, event))  # when the truce ends
        label += " (postponed by truce)"
    elif kind in THREATS and skip:
        label += " (averted by deal)" if kind == "tariff_threat" else " (suspended by deal)"
    elif kind == "truce_expiry":
        if mech.deal is not None and not mech.deal.in_run:
            mech.end_deal("expired")
        else:
            label += " (superseded)"
    elif kind in THREATS:
        before = _control_level(event, mech)
        if _apply(event, mech.policy, mech):
            mech.latest[event.government] = _named(event, before)
            public = event.government if kind == "tariff_threat" else None
    elif kind != "note":
        _apply(event, mech.policy, mech)
    mech.events.append(label)
    return public

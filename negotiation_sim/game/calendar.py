"""The scenario calendar: which round a dated event falls in, the deadlines ahead, what
an event does when it fires, and the truce already in force at round 1 (docs/model.md,
sections 3.2 and 7.15)."""

from __future__ import annotations

import datetime as dt

from negotiation_sim.core import CONTROL_COLUMNS, Package
from negotiation_sim.game.measures import control_levels, tariff_on_partner
from negotiation_sim.game.mechanism import Deal, Mechanism
from negotiation_sim.scenario.config import EventConfig

#: events that change policy take effect from the first round starting on or after their date
POLICY_EVENTS = ("tariff_threat", "truce_expiry", "control_rule")


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
        raise (on top of the tariffs then in force) when it expires or breaks."""
        raise_pp = max(
            (e.snapback_pp for e in self.events if e.type == "truce_expiry"), default=0.0
        )
        pair = mech.pair
        levels = {p.gid: tariff_on_partner(mech.policy, mech.dyad, p) for p in pair}
        controls = {p.gid: control_levels(mech.policy, p) for p in pair}
        package = Package("initial", levels, controls, 0.0)
        return Deal(package, "truce", 0, None, mech.policy.copy(), False, raise_pp)


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
    elif kind == "tariff_threat":
        if skip:
            label += " (averted by deal)"
        else:
            party = mech.parties[event.government]
            if party.is_party:
                cap = mech.world.max_tariff
                mech.dyad.shift(mech.policy.tariff, party.index, event.increase_pp, cap)
                public = party.gid
    elif kind == "truce_expiry":
        if mech.deal is not None and not mech.deal.in_run:
            mech.end_deal("expired")
        else:
            label += " (superseded)"
    elif kind == "control_rule":
        if skip:
            label += " (suspended by deal)"
        else:
            g = mech.index[event.government]
            col = CONTROL_COLUMNS[event.instrument]
            mech.policy.controls[g, col] = max(mech.policy.controls[g, col], event.level)
    mech.events.append(label)
    return public

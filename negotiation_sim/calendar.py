"""The scenario calendar: which round a dated event falls in."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: events that change policy take effect from the first round starting on or after their date
POLICY_EVENTS = ("tariff_threat", "truce_expiry", "control_rule")


def round_of(date: dt.date, start: dt.date, round_days: int, takes_effect: bool = False) -> int:
    """The round holding ``date`` (round 1 starts on ``start``); with ``takes_effect``,
    the first round that starts on or after it."""
    days = (date - start).days
    if takes_effect:
        return -(-days // round_days) + 1
    return days // round_days + 1


def event_round(event: dict[str, Any], start: dt.date, round_days: int) -> int:
    """Round an event fires in: meetings, summits and notes in the round holding their
    date; policy changes from the first round starting on or after it."""
    return round_of(event["date"], start, round_days, event["type"] in POLICY_EVENTS)

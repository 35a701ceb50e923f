"""Sentences of the live view (pure functions of the run and a round)."""

from __future__ import annotations

import datetime as dt

from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.views import party_column

#: a change of the two escalation indices (summed, over the last rounds) that counts
#: as a trend in the banner
TREND = 0.02


def fmt_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def trend_word(change: float) -> str:
    if change > TREND:
        return "escalating"
    if change < -TREND:
        return "de-escalating"
    return "steady"


def war_distance(lower: float, threshold: float) -> str:
    """How far the lower of the two escalation indices is from the trade-war threshold,
    as the end of a sentence."""
    if lower >= threshold:
        return f"both are at or above the trade-war threshold ({threshold:.2f})"
    return (
        f"the lower one is {threshold - lower:.2f} below the trade-war threshold ({threshold:.2f})"
    )


def heading(run: LiveRun, n: int) -> str:
    """Where the run is heading, from the last few rounds of the two escalation indices."""
    info = run.info
    if n < 1:
        return ""
    a, b = info.parties
    ea = run.series(party_column("escalation", a.gid), n)  # rounds 0..n
    eb = run.series(party_column("escalation", b.gid), n)
    k = max(0, n - 4)
    change = (ea[n] - ea[k]) + (eb[n] - eb[k])
    return (
        f"Escalation {a.short} {ea[-1]:.2f}, {b.short} {eb[-1]:.2f} (index 0–1): "
        f"{trend_word(change)} over the last {n - k} round{'s' if n - k != 1 else ''}; "
        f"{war_distance(min(ea[-1], eb[-1]), info.threshold)}."
    )

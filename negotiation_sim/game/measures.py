"""Measures of a policy state from one party's seat: its average tariff on the
partner, its instruments' levels scaled to [0, 1], and the escalation index (E1)."""

from __future__ import annotations

from negotiation_sim.core import CONTROL_COLUMNS
from negotiation_sim.economy.world import World
from negotiation_sim.game.dyad import Dyad
from negotiation_sim.game.party import Party
from negotiation_sim.game.policy import Policy


def tariff_on_partner(policy: Policy, dyad: Dyad, party: Party) -> float:
    """Trade-weighted average tariff (%) of a party on its partner."""
    return float(dyad.average(policy.tariff, party.index))


def levels(policy: Policy, dyad: Dyad, party: Party, world: World) -> dict[str, float]:
    """Each instrument's level scaled to [0, 1]: 0 at its floor (the tariff floor, or
    no control), 1 at its maximum (``max_tariff``, or level 3)."""
    out = {}
    for name in party.instruments:
        if name == "tariff":
            floor = party.config.tariff_floor_pct
            span = 100.0 * world.max_tariff - floor
            above = tariff_on_partner(policy, dyad, party) - floor
            out[name] = min(1.0, max(0.0, above / span)) if span > 0 else 0.0
        else:
            out[name] = policy.controls[party.index, CONTROL_COLUMNS[name]] / 3.0
    return out


def escalation(
    policy: Policy, dyad: Dyad, party: Party, scale_pct: float, tariff: float | None = None
) -> float:
    """E1: escalation index in [0, 1], the mean over the party's instruments of
    tariff / escalation_tariff_scale (capped at 1) and control level / 3. ``tariff``
    gives the average tariff when it is already known."""
    if not party.instruments:
        return 0.0
    total = 0.0
    for name in party.instruments:
        if name == "tariff":
            level = tariff_on_partner(policy, dyad, party) if tariff is None else tariff
            total += min(1.0, level / scale_pct)
        else:
            total += int(policy.controls[party.index, CONTROL_COLUMNS[name]]) / 3.0
    return total / len(party.instruments)


def control_levels(policy: Policy, party: Party) -> dict[str, int]:
    """The party's export-control levels (0..3) by instrument."""
    levels = policy.controls[party.index]
    return {n: int(levels[c]) for n, c in CONTROL_COLUMNS.items() if n in party.instruments}


def reference_policy(policy: Policy, dyad: Dyad, pair: list[Party], world: World) -> Policy:
    """The pre-dispute reference: ``policy`` with both parties' tariffs on each other at
    their floors, no controls and no purchases (conflict costs are measured from it)."""
    ref = policy.copy()
    for party in pair:
        floor = party.config.tariff_floor_pct
        dyad.set_average(ref.tariff, party.index, floor, world.max_tariff)
        ref.controls[party.index] = 0
    ref.purchases = 0.0
    return ref

"""Measures of a policy state from one party's seat: its average tariff on the
partner, its instruments' levels scaled to [0, 1], the escalation index (E1) and the
duty value of its measures (D1)."""

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


def duty_value(policy: Policy, dyad: Dyad, party: Party, scale_pct: float) -> float:
    """D1: the party's measures on its partner in $bn a year of duty equivalent: its
    average tariff times its imports from the partner (reference values), plus, for each
    export control, level / 3 times ``escalation_tariff_scale`` times the same imports (a
    control at its top level weighs as a tariff at the escalation scale, as in E1).
    Retaliation is matched when the duty values rise alike, as WTO practice measures
    "substantially equivalent" retaliation by the trade value it covers (DSU Art. 22.4)."""
    imports = dyad.imports_bn.get(party.index, 0.0)
    total = 0.0
    for name in party.instruments:
        if name == "tariff":
            total += tariff_on_partner(policy, dyad, party) / 100.0
        else:
            level = int(policy.controls[party.index, CONTROL_COLUMNS[name]])
            total += level / 3.0 * scale_pct / 100.0
    return total * imports


def step_value(dyad: Dyad, party: Party, scale_pct: float) -> float:
    """D1 of one escalation step of the party: a tariff step on its imports from the
    partner, or (with no tariff instrument) one control level."""
    imports = dyad.imports_bn.get(party.index, 0.0)
    if "tariff" in party.instruments:
        return party.config.tariff_step_pp / 100.0 * imports
    return scale_pct / 300.0 * imports if party.instruments else 0.0


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

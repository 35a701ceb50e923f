"""Deal packages: the package a conceding party proposes (N1) and the policy state a
package would produce. One rule for the protocol and the classroom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS, Package
from negotiation_sim.economy.world import World
from negotiation_sim.game.dyad import Dyad
from negotiation_sim.game.party import Party
from negotiation_sim.game.policy import Policy
from negotiation_sim.scenario.config import NegotiationRules


def build_offer(
    proposer: Party,
    partner: Party,
    aspiration: float,
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
) -> Package:
    """The lasting deal a conceding government proposes at aspiration a in [0, 1]
    (equation N1): matched cuts. Each side keeps the share a of its escalation above its
    tariff floor and of its control levels (so a package keeps the leverage the
    proposer still has reason to keep); if a purchase lever exists, the buyer promises
    (1 - a) * max_purchases while a seller asks for (1 + a) / 2 * max_purchases. It is
    comprehensive when both sides end within ``comprehensive_tolerance`` of their floors
    with no controls, otherwise partial.
    """
    g = proposer.gid
    a = float(np.clip(aspiration, 0.0, 1.0))
    tariffs, controls = {}, {}
    for side in (proposer, partner):
        now = float(dyad.average(policy.tariff, side.index))
        floor = side.config.tariff_floor_pct
        tariffs[side.gid] = min(now, floor + a * max(0.0, now - floor))
        controls[side.gid] = _held_controls(
            policy, world, side, lambda level: int(np.floor(a * level + 1e-9))
        )
    purchases = _purchases(rules, g, a) if rules.purchases.max_purchases_bn > 0 else 0.0
    return Package(
        proposer=g,
        tariffs=tariffs,
        controls=controls,
        purchases=purchases,
        kind=lasting_kind(proposer, partner, tariffs, controls, rules),
        aspiration=a,
    )


def _purchases(rules: NegotiationRules, proposer: str, a: float) -> float:
    """N1's purchase term at aspiration a: the buyer promises (1 - a) * max_purchases,
    a seller asks for (1 + a) / 2 * max_purchases."""
    lever = rules.purchases
    cap = lever.max_purchases_bn
    return (1.0 - a) * cap if lever.buyer == proposer else 0.5 * (1.0 + a) * cap


def lasting_kind(
    proposer: Party,
    partner: Party,
    tariffs: dict[str, float],
    controls: dict[str, dict[str, int]],
    rules: NegotiationRules,
) -> str:
    """Comprehensive when both sides end within ``comprehensive_tolerance`` of their
    floors with no controls, otherwise partial."""
    tol = rules.comprehensive_tolerance_pp
    full = all(
        tariffs[side.gid] <= side.config.tariff_floor_pct + tol
        and not any(controls[side.gid].values())
        for side in (proposer, partner)
    )
    return "comprehensive" if full else "partial"


def build_demand_offer(
    proposer: Party,
    partner: Party,
    aspiration: float,
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
) -> Package | None:
    """The demand for the threat (equation N1c): the proposer meets the demand its
    partner declares and keeps its own measures, and the partner removes its measures
    (tariffs to its floor, no controls), or, if its demand says ``keep_measures``, keeps
    them in force to enforce it (a standstill; its threats are averted). ``None`` when
    the partner declares no demand. The 2019 US–Mexico joint declaration traded Mexico's
    enforcement for the threatened tariffs, and left Mexico's own tariffs as they were;
    Phase One (2020) traded China's commitments for the suspension of List 4B and kept
    most Section 301 tariffs in force."""
    demand = partner.config.demand
    if not demand.declared:
        return None
    a = float(np.clip(aspiration, 0.0, 1.0))
    tariffs, controls = _levels_now(proposer, partner, policy, world, dyad)
    if not demand.keep_measures:
        tariffs[partner.gid] = min(tariffs[partner.gid], partner.config.tariff_floor_pct)
        controls[partner.gid] = dict.fromkeys(controls[partner.gid], 0)
    return Package(
        proposer=proposer.gid,
        tariffs=tariffs,
        controls=controls,
        kind=lasting_kind(proposer, partner, tariffs, controls, rules),
        aspiration=a,
        meets=(partner.gid,),
        met_share=1.0 - a,
    )


def build_purchase_offer(
    proposer: Party,
    partner: Party,
    aspiration: float,
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
) -> Package | None:
    """A standstill with purchases (equation N1d): tariffs and controls stay as they
    are and the buyer of the scenario's purchase lever commits to buy, at the N1 point
    of the proposer's concession curve ((1 - a) * max_purchases when the proposer buys,
    (1 + a) / 2 * max_purchases when it sells); delivery follows ``delivery_ratio`` (P1).
    A lasting partial deal, as Phase One's purchase commitments were (A1). ``None``
    without a purchase lever."""
    lever = rules.purchases
    if lever.max_purchases_bn <= 0 or lever.buyer not in (proposer.gid, partner.gid):
        return None
    a = float(np.clip(aspiration, 0.0, 1.0))
    tariffs, controls = _levels_now(proposer, partner, policy, world, dyad)
    return Package(
        proposer=proposer.gid,
        tariffs=tariffs,
        controls=controls,
        purchases=_purchases(rules, proposer.gid, a),
        kind=lasting_kind(proposer, partner, tariffs, controls, rules),
        aspiration=a,
    )


def _held_controls(
    policy: Policy, world: World, side: Party, rule: Callable[[int], int] = int
) -> dict[str, int]:
    """``rule`` of each control level the side holds an instrument for (by name)."""
    return {
        name: rule(int(policy.controls[side.index, col]))
        for name, col in CONTROL_COLUMNS.items()
        if world.holds[side.index, col]
    }


def _levels_now(
    proposer: Party, partner: Party, policy: Policy, world: World, dyad: Dyad
) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
    """Both sides' average tariffs and control levels in force."""
    tariffs, controls = {}, {}
    for side in (proposer, partner):
        tariffs[side.gid] = float(dyad.average(policy.tariff, side.index))
        controls[side.gid] = _held_controls(policy, world, side)
    return tariffs, controls


def build_control_truce(
    proposer: Party,
    partner: Party,
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
) -> Package | None:
    """A truce on controls only (equation N1e): both sides suspend one level of each
    export control for ``truce_rounds`` rounds and leave their tariffs as they are.
    ``None`` when neither side has a control in force."""
    if not any(policy.controls[side.index].any() for side in (proposer, partner)):
        return None
    return build_truce(proposer, partner, policy, world, dyad, rules, tariffs=False)


@dataclass(frozen=True, slots=True)
class NamedMeasure:
    """A calendar measure that took effect against the partner: its label, the tariff
    points it added, and, for a control rule, its instrument and the level before it."""

    label: str
    tariff_pp: float = 0.0
    instrument: str | None = None
    level_before: int = 0


def build_measure_truce(
    proposer: Party,
    partner: Party,
    latest: dict[str, NamedMeasure],
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
) -> Package | None:
    """A truce that suspends named measures (equation N1f): the proposer suspends the
    latest calendar measure that took effect on its side (its tariff points, not below
    its floor, or its control back to the level before the rule), and the partner its
    own latest one if it has one, for ``truce_rounds`` rounds, with the snap-back of
    N1b. ``None`` when the proposer has no such measure. The Geneva truce of May 2025
    suspended named layers for 90 days (A1)."""
    if proposer.gid not in latest:
        return None
    tariffs, controls = _levels_now(proposer, partner, policy, world, dyad)
    names = []
    for side in (proposer, partner):
        measure = latest.get(side.gid)
        if measure is None:
            continue
        names.append(measure.label)
        if measure.instrument is None:
            tariffs[side.gid] = _lowered(tariffs[side.gid], side, measure.tariff_pp)
        elif measure.instrument in controls[side.gid]:
            level = controls[side.gid][measure.instrument]
            controls[side.gid][measure.instrument] = min(level, measure.level_before)
    return Package(
        proposer=proposer.gid,
        tariffs=tariffs,
        controls=controls,
        kind="truce",
        duration=rules.truce_rounds,
        suspends=tuple(names),
    )


def build_truce(
    proposer: Party,
    partner: Party,
    policy: Policy,
    world: World,
    dyad: Dyad,
    rules: NegotiationRules,
    tariffs: bool = True,
) -> Package:
    """A truce (equation N1b): both sides suspend their latest step (one tariff step,
    not below the floor, and one level of each control) for ``truce_rounds`` rounds;
    then the suspended measures snap back unless the truce is extended or replaced.
    With ``tariffs=False``, the controls only (N1e)."""
    levels, controls = {}, {}
    for side in (proposer, partner):
        now = float(dyad.average(policy.tariff, side.index))
        levels[side.gid] = _lowered(now, side, side.config.tariff_step_pp if tariffs else 0.0)
        controls[side.gid] = _held_controls(policy, world, side, lambda level: max(0, level - 1))
    return Package(
        proposer=proposer.gid,
        tariffs=levels,
        controls=controls,
        kind="truce",
        duration=rules.truce_rounds,
    )


def _lowered(now: float, side: Party, pp: float) -> float:
    """A tariff of ``now`` percent suspended by ``pp`` points: not below the side's floor
    (and not raised to it when it is already below)."""
    floor = side.config.tariff_floor_pct
    return max(min(now, floor), now - pp)


def package_policy(
    package: Package, policy: Policy, world: World, dyad: Dyad, index: dict[str, int]
) -> Policy:
    """The policy state if ``package`` were implemented now. A package never raises a
    tariff or control above its current level."""
    out = policy.copy()
    cap = world.max_tariff
    for gid, target in package.tariffs.items():
        g = index[gid]
        dyad.set_average(out.tariff, g, min(target, float(dyad.average(policy.tariff, g))), cap)
    for gid, levels in package.controls.items():
        g = index[gid]
        for name, level in levels.items():
            col = CONTROL_COLUMNS[name]
            out.controls[g, col] = min(int(level), int(policy.controls[g, col]))
    out.purchases = package.purchases
    return out

"""The negotiation protocol: policy state, moves, deal packages, acceptance, truces and
deals, and the classification of each round's outcome (docs/model.md, Process overview).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotiation_sim.core import Action, Move, Package
from negotiation_sim.economy.world import CONTROL_COLUMNS, World


@dataclass
class Policy:
    """All governments' instruments: tariffs per flow (fractions), control levels (C, 2)
    and the purchase commitment in force ($bn/yr)."""

    tariff: np.ndarray
    controls: np.ndarray
    purchases: float = 0.0

    def copy(self) -> Policy:
        return Policy(self.tariff.copy(), self.controls.copy(), self.purchases)


@dataclass
class Deal:
    """A deal in force. A truce has an expiry round. When a deal expires or breaks,
    instruments return to at least their ``snapback`` levels and then rise by
    ``snapback_pp`` points: the tariffs a truce suspended (the initial truce), which a deal
    that replaces it inherits.
    ``in_run`` is False for a truce already in force at round 1."""

    package: Package
    kind: str
    struck_round: int
    expires_round: int | None
    snapback: Policy
    in_run: bool = True
    snapback_pp: float = 0.0


class Directions:
    """Trade-weighted average tariffs between the two negotiating parties."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.flows: dict[int, np.ndarray] = {}
        self.weights: dict[int, np.ndarray] = {}
        for g in world.parties:
            idx = world.flows_between(g, int(world.partner_of[g]))
            w = world.flow_value_ref[idx]
            self.flows[g] = idx
            self.weights[g] = (
                w / w.sum() if w.sum() > 0 else np.full(len(idx), 1 / max(1, len(idx)))
            )

    def average(self, tariff: np.ndarray, g: int) -> float:
        """Government g's trade-weighted average tariff on its partner, in percent."""
        idx = self.flows[g]
        if idx.size == 0:
            return 0.0
        return 100.0 * float(tariff[idx] @ self.weights[g])

    def shift(self, tariff: np.ndarray, g: int, pp: float, cap: float) -> None:
        """Move all of g's tariffs on its partner by ``pp`` points, within [0, cap]."""
        idx = self.flows[g]
        tariff[..., idx] = np.clip(tariff[..., idx] + pp / 100.0, 0.0, cap)

    def set_average(self, tariff: np.ndarray, g: int, target: float, cap: float) -> None:
        self.shift(tariff, g, target - float(self.average(tariff, g)), cap)


def apply_move(
    policy: Policy, world: World, dirs: Directions, g: int, spec: dict[str, Any], move: Move
) -> None:
    """Change government g's instruments by one step in the direction of ``move``."""
    if move.action is Action.HOLD or move.instrument is None:
        return
    sign = 1 if move.action is Action.ESCALATE else -1
    if move.instrument == "tariff":
        step = spec["tariff_step"]
        if sign < 0:  # a concession backs down toward the floor, never below it
            step = min(step, max(0.0, float(dirs.average(policy.tariff, g)) - spec["tariff_floor"]))
        dirs.shift(policy.tariff, g, sign * step, world.params["max_tariff"])
    else:
        col = CONTROL_COLUMNS[move.instrument]
        policy.controls[g, col] = int(np.clip(policy.controls[g, col] + sign, 0, 3))


def check_move(move: Move, gid: str, instruments: tuple[str, ...]) -> None:
    """Raise ValueError for a move on an instrument the government does not hold."""
    if move.action is not Action.HOLD and move.instrument not in instruments:
        raise ValueError(
            f"{gid} cannot {move.action.label} with {move.instrument!r}; "
            f"its instruments: {', '.join(instruments) or 'none'}"
        )


def build_offer(
    g: str,
    partner: str,
    aspiration: float,
    policy: Policy,
    world: World,
    dirs: Directions,
    specs: dict[str, dict[str, Any]],
    negotiation: dict[str, Any],
    index: dict[str, int],
) -> Package:
    """The package a conceding government proposes at aspiration a in [0, 1] (equation N1).

    The proposer keeps the share a of its escalation above its tariff floor and of its
    control levels, asks the partner to return to the partner's floor with no controls,
    and (if a purchase lever exists) the buyer promises (1 - a) * max_purchases while a
    seller asks for (1 + a) / 2 * max_purchases.
    """
    gi, pi = index[g], index[partner]
    a = float(np.clip(aspiration, 0.0, 1.0))
    own_now = float(dirs.average(policy.tariff, gi))
    own_floor = specs[g]["tariff_floor"]
    own_target = own_floor + a * max(0.0, own_now - own_floor)
    tariffs = {
        g: min(own_now, own_target),
        partner: min(float(dirs.average(policy.tariff, pi)), specs[partner]["tariff_floor"]),
    }
    controls = {
        g: {
            name: int(np.floor(a * policy.controls[gi, col] + 1e-9))
            for name, col in CONTROL_COLUMNS.items()
            if world.holds[gi, col]
        },
        partner: {name: 0 for name, col in CONTROL_COLUMNS.items() if world.holds[pi, col]},
    }
    purchases = 0.0
    cap = negotiation["max_purchases"]
    if cap > 0:
        purchases = (1.0 - a) * cap if negotiation["buyer"] == g else 0.5 * (1.0 + a) * cap
    tol = negotiation["comprehensive_tolerance"]
    full = all(
        tariffs[x] <= specs[x]["tariff_floor"] + tol and not any(controls[x].values())
        for x in (g, partner)
    )
    return Package(
        proposer=g,
        tariffs=tariffs,
        controls=controls,
        purchases=purchases,
        kind="comprehensive" if full else "truce",
        aspiration=a,
    )


def package_policy(
    package: Package, policy: Policy, world: World, dirs: Directions, index: dict[str, int]
) -> Policy:
    """The policy state if ``package`` were implemented now. A package never raises a
    tariff or control above its current level."""
    out = policy.copy()
    cap = world.params["max_tariff"]
    for gid, target in package.tariffs.items():
        g = index[gid]
        dirs.set_average(out.tariff, g, min(target, float(dirs.average(policy.tariff, g))), cap)
    for gid, levels in package.controls.items():
        g = index[gid]
        for name, level in levels.items():
            col = CONTROL_COLUMNS[name]
            out.controls[g, col] = min(int(level), int(policy.controls[g, col]))
    out.purchases = package.purchases
    return out


def classify(
    deal: Deal | None,
    war_streak: int,
    round_: int,
    horizon: int,
    rules: dict[str, Any],
) -> str:
    """Outcome state of a round (docs/model.md, Outcome classification):

    1. ``deal`` if a comprehensive deal is in force;
    2. ``truce`` if a truce is in force;
    3. ``trade_war`` if both escalation indices have been >= ``trade_war_escalation`` for
       ``trade_war_rounds`` consecutive rounds (``war_streak`` counts them);
    4. ``stalemate`` in the last round of the horizon;
    5. ``ongoing`` otherwise.
    """
    if deal is not None:
        return "deal" if deal.kind == "comprehensive" else "truce"
    if war_streak >= rules["trade_war_rounds"]:
        return "trade_war"
    if round_ >= horizon:
        return "stalemate"
    return "ongoing"

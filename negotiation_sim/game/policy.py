"""The policy state and the rules that change it: tariffs per flow, export-control
levels, purchase commitments and third countries' enforcement, and one move's effect."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS, Action, Move
from negotiation_sim.economy.world import World
from negotiation_sim.game.dyad import Dyad

#: a third country's move tightens or loosens its checks on rerouted goods by this much
ENFORCEMENT_STEP = 0.25


@dataclass
class Policy:
    """All governments' instruments: tariffs per flow (fractions), control levels (C, 2),
    the purchase commitment in force ($bn/yr) and third countries' enforcement of rules
    of origin (K,)."""

    tariff: np.ndarray
    controls: np.ndarray
    purchases: float = 0.0
    enforcement: np.ndarray | None = None

    @classmethod
    def initial(cls, world: World) -> Policy:
        return cls(
            world.initial_tariff.copy(),
            world.initial_controls.copy(),
            0.0,
            world.initial_enforcement.copy(),
        )

    def copy(self) -> Policy:
        enforcement = None if self.enforcement is None else self.enforcement.copy()
        return Policy(self.tariff.copy(), self.controls.copy(), self.purchases, enforcement)


def apply_move(
    policy: Policy, world: World, dyad: Dyad, g: int, floor_pct: float, step_pp: float, move: Move
) -> None:
    """Change party g's instruments by one step in the direction of ``move``: the tariff
    by ``step_pp`` points (a concession never below ``floor_pct``), a control by one
    level within 0..3."""
    if move.action is Action.HOLD or move.instrument is None:
        return
    sign = 1 if move.action is Action.ESCALATE else -1
    if move.instrument == "tariff":
        step = step_pp
        if sign < 0:  # a concession backs down toward the floor, never below it
            step = min(step, max(0.0, float(dyad.average(policy.tariff, g)) - floor_pct))
        dyad.shift(policy.tariff, g, sign * step, world.max_tariff)
    else:
        col = CONTROL_COLUMNS[move.instrument]
        policy.controls[g, col] = int(np.clip(policy.controls[g, col] + sign, 0, 3))


def apply_third_country_move(policy: Policy, world: World, g: int, move: Move) -> None:
    """A third country tightens (escalate) or loosens (concede) its checks on rerouted
    goods by ``ENFORCEMENT_STEP``, within [0, 1]."""
    if move.action is Action.HOLD:
        return
    k = np.flatnonzero(world.third == g)
    if k.size:
        step = ENFORCEMENT_STEP if move.action is Action.ESCALATE else -ENFORCEMENT_STEP
        policy.enforcement[k] = np.clip(policy.enforcement[k] + step, 0.0, 1.0)


def check_move(move: Move, gid: str, instruments: tuple[str, ...]) -> None:
    """Raise ValueError for a move on an instrument the government does not hold."""
    if move.action is not Action.HOLD and move.instrument not in instruments:
        raise ValueError(
            f"{gid} cannot {move.action.label} with {move.instrument!r}; "
            f"its instruments: {', '.join(instruments) or 'none'}"
        )

"""Valuing policy states through the economy: one call for a batch of states, with the
firm population's carried state and the enforcement in force."""

from __future__ import annotations

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS
from negotiation_sim.economy import RoundEval, evaluate
from negotiation_sim.economy.population import FirmPopulation
from negotiation_sim.economy.world import World
from negotiation_sim.game.policy import Policy


class Valuer:
    """Values lists of ``Policy`` states for one round (``economy.evaluate``)."""

    def __init__(self, world: World, population: FirmPopulation) -> None:
        self.world = world
        self.population = population

    def evaluate(
        self, policies: list[Policy], weeks: float | np.ndarray | None = None
    ) -> RoundEval:
        """The economy of each state; enforcement is that of the first state."""
        tariff = np.stack([p.tariff for p in policies])
        controls = np.stack([p.controls for p in policies])
        purchases = np.array([p.purchases for p in policies])
        enforcement = policies[0].enforcement
        return evaluate(
            self.world, tariff, controls, purchases, self.population.state, enforcement, weeks
        )

    def weighted(self, ev: RoundEval) -> np.ndarray:
        """Politically weighted firm profit changes per country, (B, C)."""
        return self.population.weighted_delta(ev.firm_delta)


#: Numerical tolerance of a conflict cost ($bn a round, i.e. one dollar): below it the
#: difference of two utilities is rounding, not pain (assumption; docs/model.md, 7.20).
COST_TOLERANCE_BN = 1e-9


def conflict_cost(reference: float, now: float) -> float:
    """What a state costs a government against its reference state ($bn a round;
    negative: a gain). A difference within ``COST_TOLERANCE_BN`` is exactly 0: the same
    state valued in two rows of one batch differs in its last bits, and by how much
    depends on the machine's vector instructions, so that the sign of such noise (is
    the government hurting?) must not steer a run."""
    cost = float(reference) - float(now)
    return 0.0 if abs(cost) <= COST_TOLERANCE_BN else cost


def values_alike(a: Policy, b: Policy, restocked: bool) -> bool:
    """Whether ``a`` values exactly as ``b`` whatever the drawdown weeks: the same levels,
    no rare-earth control in force and every stockpile full."""
    return (
        a.purchases == b.purchases
        and np.array_equal(a.tariff, b.tariff)
        and np.array_equal(a.controls, b.controls)
        and not b.controls[:, CONTROL_COLUMNS["rare_earth"]].any()
        and restocked
    )

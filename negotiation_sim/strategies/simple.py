"""Unconditional baselines: always escalate, always hold, always concede, and random play."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move


class AlwaysEscalate(Strategy):
    """Escalates every round, whatever the partner does: the unconditional hawk
    ("ALL D" of Axelrod, 1984, *The Evolution of Cooperation*).
    """

    name = "AlwaysEscalate"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        return move(Action.ESCALATE, view)


class AlwaysHold(Strategy):
    """Holds every round, neither retaliating nor conceding: an unconditional baseline
    like the fixed strategies of Axelrod (1984), *The Evolution of Cooperation*.

    It is the neutral middle action of the three-action game.
    """

    name = "AlwaysHold"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        return move(Action.HOLD, view)


class AlwaysConcede(Strategy):
    """Concedes every round, whatever the partner does: the unconditional dove
    ("ALL C" of Axelrod, 1984, *The Evolution of Cooperation*).
    """

    name = "AlwaysConcede"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        return move(Action.CONCEDE, view)


class Random(Strategy):
    """Escalates with probability ``p``, else holds or concedes with equal chance: the
    RANDOM entry of Axelrod (1980), "Effective choice in the Prisoner's Dilemma", *Journal
    of Conflict Resolution* 24, extended to three actions.

    One draw from ``view.rng`` per round.
    """

    name = "Random"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "p": Param(1 / 3, 0.0, 1.0, "probability of escalating each round"),
    }
    p: float

    def decide(self, view: GameView) -> Move:
        u = view.rng.random()
        if u < self.p:
            return move(Action.ESCALATE, view)
        if u < self.p + (1.0 - self.p) / 2:
            return move(Action.HOLD, view)
        return move(Action.CONCEDE, view)

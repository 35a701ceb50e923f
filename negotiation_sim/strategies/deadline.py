"""Deadline brinkmanship: press hard until the deadline, then settle."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move


class DeadlineBrinkmanship(Strategy):
    """Escalates (or holds) until a deadline is ``window`` rounds away, then
    concedes: brinkmanship after Schelling (1960), *The Strategy of Conflict*.

    With no deadline ahead (``rounds_to_deadline`` None) or more than ``window`` rounds to
    go it escalates, or holds when ``escalate`` = 0; within the window it concedes. While
    a deal or truce is in force it holds: the brinkman keeps the deal it pressed for.
    """

    name = "DeadlineBrinkmanship"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "window": Param(1.0, 0.0, 52.0, "concede when the deadline is this many rounds away", True),
        "escalate": Param(1.0, 0.0, 1.0, "1 = escalate before the window, 0 = hold", True),
    }
    window: int
    escalate: int

    def decide(self, view: GameView) -> Move:
        left = view.rounds_to_deadline
        if left is not None and left <= self.window:
            return move(Action.CONCEDE, view)
        if view.deal_in_force:
            return move(Action.HOLD, view)
        return move(Action.ESCALATE if self.escalate else Action.HOLD, view)

"""A government that follows its firms' lobbying."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move


class LobbyResponsive(Strategy):
    """Concedes when its firms' net lobbying pushes for concession beyond ``threshold``,
    escalates when it pushes for escalation beyond it, and holds otherwise: a government
    that sells policy to organised interests, after Grossman & Helpman (1994), "Protection
    for Sale", American Economic Review 84(4).

    ``view.lobbying`` is the politically weighted net profit change of the government's
    firms relative to their normal profits, in [-1, 1] (docs/model.md, L1).
    """

    name = "LobbyResponsive"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "threshold": Param(0.05, 0.0, 1.0, "lobbying strength that moves the government"),
    }
    threshold: float

    def decide(self, view: GameView) -> Move:
        if view.lobbying <= -self.threshold:
            return move(Action.CONCEDE, view)
        if view.lobbying >= self.threshold:
            return move(Action.ESCALATE, view)
        return move(Action.HOLD, view)

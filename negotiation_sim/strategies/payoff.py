"""Strategies that read the stage-game payoff matrices: best response and quantal response."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move

#: Tie-break order for best responses: the least provocative action first.
_TIE_ORDER: tuple[Action, ...] = (Action.HOLD, Action.CONCEDE, Action.ESCALATE)


def best_response(column: np.ndarray, atol: float = 1e-9) -> Action:
    """The action with the highest payoff in ``column`` (indexed by Action value).

    Ties (within ``atol``) are broken toward HOLD, then CONCEDE, then ESCALATE.
    """
    top = float(np.max(column))
    for action in _TIE_ORDER:
        if column[action.value] >= top - atol:
            return action
    raise ValueError(f"payoff column has no finite maximum: {column!r}")


class MyopicBestResponse(Strategy):
    """Plays the best response to the partner's last perceived action (to HOLD in
    round 1): Cournot best-reply dynamics as in Fudenberg & Levine (1998), *The Theory of
    Learning in Games*.

    Ties go to HOLD, then CONCEDE, then ESCALATE.
    """

    name = "MyopicBestResponse"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 1,
        "uses_payoffs": True,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        mine, _ = view.payoffs()
        expected = view.partner_moves[-1].action if view.partner_moves else Action.HOLD
        return move(best_response(np.asarray(mine, dtype=float)[:, expected.value]), view)


class LogitQuantalResponse(Strategy):
    """Chooses each action with probability proportional to exp(lam * expected
    utility): logit quantal response of McKelvey & Palfrey (1995), "Quantal response
    equilibria for normal form games", *Games and Economic Behavior* 10.

    Beliefs are the empirical frequencies of the partner's perceived actions with add-one
    smoothing (uniform in round 1). ``lam`` = 0 plays uniformly; a large ``lam`` plays the
    best response.
    """

    name = "LogitQuantalResponse"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "lam": Param(1.0, 0.0, 100.0, "rationality lambda, per $bn of expected utility"),
    }
    lam: float

    def probabilities(self, view: GameView) -> np.ndarray:
        """Choice probabilities over (escalate, hold, concede)."""
        mine, _ = view.payoffs()
        seen = [int(m.action) for m in view.partner_moves]
        counts = 1.0 + np.bincount(seen, minlength=len(Action))  # add-one smoothing
        eu = np.asarray(mine, dtype=float) @ (counts / counts.sum())
        weights = np.exp(self.lam * (eu - eu.max()))
        return weights / weights.sum()

    def decide(self, view: GameView) -> Move:
        probs = self.probabilities(view)
        return move(Action(int(view.rng.choice(len(Action), p=probs))), view)

"""Reinforcement learning: the Roth-Erev propensity learner."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move


class RothErev(Strategy):
    """Reinforcement learner that plays each action with probability proportional to its
    propensity: Roth & Erev (1995), "Learning in extensive-form games", *Games and Economic
    Behavior* 8, with the forgetting and experimentation of Erev & Roth (1998), "Predicting
    how people play games", *American Economic Review* 88.

    After each round every propensity decays by ``forgetting``; the action played gains
    ``(1 - experimentation) * R`` and each other action ``experimentation / 2 * R``. The
    reward R is the payoff received minus the lowest payoff received so far, so negative
    $bn utilities work. State is rebuilt from the view's history when needed.
    """

    name = "RothErev"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "forgetting": Param(0.1, 0.0, 1.0, "share of every propensity forgotten each round"),
        "experimentation": Param(
            0.2, 0.0, 1.0, "share of the reward spread over the actions not played"
        ),
        "initial_propensity": Param(1.0, 1e-6, 1e6, "starting propensity of every action"),
    }
    forgetting: float
    experimentation: float
    initial_propensity: float

    def reset(self) -> None:
        self.propensities = np.full(len(Action), self.initial_propensity)
        self._min_payoff = float("inf")
        self._learned = 0

    def learn(self, action: Action, payoff: float) -> None:
        """Apply one round's update for having played ``action`` and received ``payoff``."""
        self._min_payoff = min(self._min_payoff, payoff)
        reward = payoff - self._min_payoff
        n = len(Action)
        spill = np.full(n, reward * self.experimentation / (n - 1))
        spill[action.value] = reward * (1.0 - self.experimentation)
        self.propensities = (1.0 - self.forgetting) * self.propensities + spill
        self._learned += 1

    def probabilities(self) -> np.ndarray:
        """Current choice probabilities over (escalate, hold, concede)."""
        total = self.propensities.sum()
        if not total > 0.0:  # everything forgotten (forgetting = 1 and no reward)
            return np.full(len(Action), 1.0 / len(Action))
        return self.propensities / total

    def _catch_up(self, view: GameView) -> None:
        """Learn from every round of the view's history not yet learned from.

        A fresh instance (or one reused for a new game) replays the whole history, so
        its state always matches the view it is shown.
        """
        played = min(len(view.my_moves), len(view.my_payoffs))
        if played < self._learned:
            self.reset()
        for k in range(self._learned, played):
            self.learn(view.my_moves[k].action, float(view.my_payoffs[k]))

    def decide(self, view: GameView) -> Move:
        self._catch_up(view)
        probs = self.probabilities()
        return move(Action(int(view.rng.choice(len(Action), p=probs))), view)

"""Reciprocal strategies from the repeated Prisoner's Dilemma literature."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import (
    EPS,
    GameView,
    Param,
    Strategy,
    move,
    perceived_action,
)


class TitForTat(Strategy):
    """Holds first, then mirrors the partner's last perceived action: Tit for Tat,
    winner of both tournaments in Axelrod (1984), *The Evolution of Cooperation*.

    Escalation is answered by escalation, holding by holding, concession by concession;
    a rise of the partner's measures that its move did not show (a calendar measure)
    counts as an escalation.
    """

    name = "TitForTat"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 1,
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        if not view.partner_moves:
            return move(Action.HOLD, view)
        return move(perceived_action(view), view)


class GenerousTitForTat(Strategy):
    """Tit for Tat that answers an escalation with a hold with probability
    ``generosity``: Generous Tit for Tat of Nowak & Sigmund (1992), "Tit for tat in
    heterogeneous populations", *Nature* 355.

    Occasional forgiveness breaks the echo of retaliation that a misperceived move sets off
    between reciprocators. Draws from ``view.rng`` only after a perceived escalation.
    """

    name = "GenerousTitForTat"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "memory_depth": 1,
        "uses_payoffs": False,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "generosity": Param(1 / 3, 0.0, 1.0, "probability of holding after an escalation"),
    }
    generosity: float

    def decide(self, view: GameView) -> Move:
        if not view.partner_moves:
            return move(Action.HOLD, view)
        last = perceived_action(view)
        if last is Action.ESCALATE and view.rng.random() < self.generosity:
            return move(Action.HOLD, view)
        return move(last, view)


class GrimTrigger(Strategy):
    """Holds until the partner has ever escalated, then escalates forever: the grim
    trigger of Friedman (1971), "A non-cooperative equilibrium for supergames", *Review of
    Economic Studies* 38.

    Before the trigger it holds even while the partner concedes: it sustains the status quo
    by threat and never offers a concession itself.
    """

    name = "GrimTrigger"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        triggered = any(m.action is Action.ESCALATE for m in view.partner_moves) or any(
            s > EPS for s in view.partner_shifts
        )
        return move(Action.ESCALATE if triggered else Action.HOLD, view)


#: Win-stay, lose-shift: where to go after a loss.
_SHIFT: dict[Action, Action] = {
    Action.ESCALATE: Action.CONCEDE,
    Action.CONCEDE: Action.ESCALATE,
    Action.HOLD: Action.ESCALATE,
}


class WinStayLoseShift(Strategy):
    """Repeats its last action after a win and shifts after a loss: "Pavlov" of
    Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift that outperforms tit-for-tat
    in the Prisoner's Dilemma game", *Nature* 364.

    Holds first. A win is a last payoff at least as high as the one before (round 2 always
    stays, and a tie is a win). A loss shifts escalate to concede, concede to escalate and
    hold to escalate.
    """

    name = "WinStayLoseShift"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 2,
        "uses_payoffs": True,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        if not view.my_moves:
            return move(Action.HOLD, view)
        last = view.my_moves[-1].action
        pay = view.my_payoffs
        if len(pay) < 2 or pay[-1] >= pay[-2]:
            return move(last, view)
        return move(_SHIFT[last], view)

"""Strategies from the crisis-bargaining literature: they read the conflict's economic
costs (``GameView.pain``, ``outlook_pain``), the partner's verified policy changes
(``partner_shifts``) and their own private resolve (``GameView.resolve``)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import (
    EPS,
    GameView,
    Param,
    Strategy,
    move,
    verified_shift,
)


def conflict_cost(view: GameView, outlook_rounds: float) -> float:
    """My conflict cost so far plus ``outlook_rounds`` rounds of the no-deal outlook's
    ($bn; gains count as zero)."""
    spent = sum(max(0.0, p) for p in view.pain)
    return spent + outlook_rounds * max(0.0, view.outlook_pain[0])


def can_escalate(view: GameView) -> bool:
    """Whether any of my instruments is below its maximum."""
    return any(view.levels.get(name, 0.0) < 1.0 for name in view.instruments)


def _hold_or(action: Action, view: GameView) -> Move:
    if action is Action.ESCALATE and not can_escalate(view):
        return move(Action.HOLD, view)
    return move(action, view)


class VerifiedReciprocity(Strategy):
    """Answers what the partner's measures show, not what it seems to do: escalates
    when the partner's escalation index rose against its own since its last decision
    (by a move or by the calendar), concedes when it fell, and otherwise holds; a
    misread move that the partner's measures do not confirm is forgiven. Reciprocity
    under noisy observation after Bendor, Kramer & Stout (1991), "When in doubt...
    Cooperation in a noisy prisoner's dilemma", *Journal of Conflict Resolution* 35.
    """

    name = "VerifiedReciprocity"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 1,
        "uses_payoffs": False,
        "human": False,
    }

    def decide(self, view: GameView) -> Move:
        shift = verified_shift(view)
        if shift > EPS:
            return _hold_or(Action.ESCALATE, view)
        if shift < -EPS and not view.deal_in_force:
            return move(Action.CONCEDE, view)
        return move(Action.HOLD, view)


class CostTolerance(Strategy):
    """Stands firm while the conflict's costs stay within its private cost tolerance,
    answering the partner's verified escalations in kind, and concedes once its costs
    so far and on the calendar's outlook exceed the tolerance plus what backing down
    costs it at home: the cost-tolerance model of escalation of Carlson (1995), "A
    theory of escalation and international conflict", *Journal of Conflict Resolution*
    39. A deal in force is kept unless the partner's measures show a defection.
    """

    name = "CostTolerance"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "outlook_rounds": Param(
            4.0, 0.0, 52.0, "rounds of the no-deal outlook counted as costs to come"
        ),
    }
    outlook_rounds: float

    def decide(self, view: GameView) -> Move:
        shift = verified_shift(view)
        if view.deal_in_force:
            return _hold_or(Action.ESCALATE if shift > EPS else Action.HOLD, view)
        cost = conflict_cost(view, self.outlook_rounds)
        if cost >= view.resolve.cost_tolerance_bn + view.audience_cost:
            return move(Action.CONCEDE, view)
        return _hold_or(Action.ESCALATE if shift > EPS else Action.HOLD, view)


#: the partner's lead (in my escalation steps of duty value) that I answer in kind:
#: more than half a step, so that one step of mine brings the two sides closer
LEAD_STEPS = 0.5


class CrisisBargainer(Strategy):
    """Presses a declared grievance while pressing pays, answers the partner's measures
    in kind (matched in duty value), and seeks a settlement once the conflict hurts: when its costs
    so far and on the calendar's outlook exceed its private tolerance plus its audience
    cost, or, in a mutually hurting stalemate, a ``ripeness`` share of that. Private
    resolve and costly signals after Fearon (1995), "Rationalist explanations for war",
    *International Organization* 49; cost tolerance after Carlson (1995); ripeness after
    Zartman (2000), "Ripeness: the hurting stalemate and beyond", in *International
    Conflict Resolution after the Cold War*; compellence after Schelling (1966), *Arms
    and Influence*; audience costs after Fearon (1994).

    It presses (escalates) for its grievance only if the grievance per round outweighs
    what one more round of mutual escalation would cost it against holding (the
    partner expected to answer in kind with probability ``reciprocity``), only while it
    is not itself hurting, only when none of its own declared threats is still on the
    calendar (a dated threat already does the pressing: Schelling's commitment), and
    at most once every ``patience`` rounds (compellence leaves the target time to
    comply); its firms' lobby enters through the lobby weight of its stage-game
    payoffs (U1). It answers the partner's measures in kind while they lead its own
    by more than half of one of its steps in duty value (``partner_lead``: retaliation
    "substantially equivalent" in trade covered, WTO DSU Art. 22.4), so the partner's
    answer to its own escalation is never read as a new one. A deal in force is kept
    unless the partner's measures show a defection; a standing offer from the partner
    is weighed by holding (the mechanism accepts it when it pays). From free trade,
    with no grievance and no escalation by the partner, it never escalates.
    """

    name = "CrisisBargainer"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = {
        "outlook_rounds": Param(
            4.0, 0.0, 52.0, "rounds of the no-deal outlook counted as costs to come"
        ),
        "ripeness": Param(
            0.5,
            0.0,
            1.0,
            "share of its threshold at which a mutually hurting stalemate brings talks",
        ),
        "reciprocity": Param(
            1.0, 0.0, 1.0, "expected chance that the partner answers an escalation in kind"
        ),
        "patience": Param(
            4,
            1,
            52,
            "rounds it waits after its own escalation before pressing its grievance again",
            integer=True,
        ),
    }
    outlook_rounds: float
    ripeness: float
    reciprocity: float
    patience: int

    def decide(self, view: GameView) -> Move:
        behind = view.partner_lead > LEAD_STEPS
        threshold = view.resolve.cost_tolerance_bn + view.audience_cost
        cost = conflict_cost(view, self.outlook_rounds)
        mutual = bool(view.pain) and view.pain[-1] > 0 and view.partner_pain[-1] > 0
        hurting = cost >= threshold or (mutual and cost >= self.ripeness * threshold)
        # it seeks a settlement by conceding, but not again within ``patience`` rounds of
        # a concession of its own that no deal answered (its offers still stand)
        seek = hurting and self._rested(view, Action.CONCEDE)
        if view.deal_in_force:
            if behind:
                return _hold_or(Action.ESCALATE, view)
            # a truce that still hurts is renegotiated toward a lasting deal as its expiry
            # nears (within ``patience`` rounds): the deadline that makes talks serious
            expires = view.deal_expires_in
            near = expires is None or expires <= self.patience
            if view.deal_in_force == "truce" and seek and near:
                return move(Action.CONCEDE, view)
            return move(Action.HOLD, view)
        if seek:
            return move(Action.CONCEDE, view)
        if hurting:
            return move(Action.HOLD, view)
        if view.partner_offer is not None:
            return move(Action.HOLD, view)
        if view.threats_ahead:  # my declared threats press and answer for me
            return move(Action.HOLD, view)
        if behind:
            return _hold_or(Action.ESCALATE, view)
        if can_escalate(view) and self._rested(view, Action.ESCALATE) and self._pressing_pays(view):
            return move(Action.ESCALATE, view)
        return move(Action.HOLD, view)

    def _rested(self, view: GameView, action: Action) -> bool:
        """At least ``patience`` rounds since my own last move of ``action``."""
        for back, mine in enumerate(reversed(view.my_moves), start=1):
            if mine.action is action:
                return back >= self.patience
        return True

    def _pressing_pays(self, view: GameView) -> bool:
        """Grievance (plus a lobby's push) against the per-round cost of escalating."""
        gain = view.resolve.grievance_bn
        if gain <= 0.0 or view.stage_payoffs is None:
            return False
        mine = np.asarray(view.payoffs()[0], dtype=float)
        e, h = Action.ESCALATE, Action.HOLD
        rho = self.reciprocity
        expected = rho * mine[e, e] + (1.0 - rho) * mine[e, h]
        return gain + expected > mine[h, h]

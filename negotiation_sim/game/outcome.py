"""Outcome classification of each round (docs/model.md, Outcome classification)."""

from __future__ import annotations

from collections.abc import Iterable

from negotiation_sim.game.mechanism import Deal
from negotiation_sim.scenario.config import OutcomeRules


def classify(
    deal: Deal | None, war_streak: int, round_: int, horizon: int, rules: OutcomeRules
) -> str:
    """Outcome state of a round:

    1. ``deal`` if a lasting deal (partial or comprehensive) is in force;
    2. ``truce`` if a truce is in force;
    3. ``trade_war`` if both escalation indices have been >= ``trade_war_escalation`` for
       ``trade_war_rounds`` consecutive rounds (``war_streak`` counts them);
    4. ``stalemate`` in the last round of the horizon;
    5. ``ongoing`` otherwise.
    """
    if deal is not None:
        return "truce" if deal.kind == "truce" else "deal"
    if war_streak >= rules.trade_war_rounds:
        return "trade_war"
    if round_ >= horizon:
        return "stalemate"
    return "ongoing"


class OutcomeTracker:
    """The outcome of every round so far, the streak of trade-war rounds and each
    party's peak average tariff."""

    def __init__(self, rules: OutcomeRules, horizon: int, tariffs: dict[str, float]) -> None:
        self.rules = rules
        self.horizon = horizon
        self.war_streak = 0
        self.outcome = "ongoing"
        self.outcomes: list[str] = []
        self.peak = dict(tariffs)
        self.chosen: set[str] = set()  # parties that chose to escalate since the last deal

    def update(
        self,
        deal: Deal | None,
        round_: int,
        tariffs: dict[str, float],
        escalations: dict[str, float],
        escalated: Iterable[str] = (),
    ) -> str:
        """Classify round ``round_`` from the parties' tariffs and escalation indices.
        ``escalated`` names the parties that chose to escalate this round: a trade war
        needs both to have chosen escalation since the last deal (levels that the
        calendar alone imposed are not a war the parties chose)."""
        if deal is not None:
            self.chosen.clear()
        self.chosen.update(escalated)
        hot = min(escalations.values()) >= self.rules.trade_war_escalation
        hot = hot and self.chosen >= set(escalations)
        self.war_streak = self.war_streak + 1 if hot and deal is None else 0
        self.outcome = classify(deal, self.war_streak, round_, self.horizon, self.rules)
        self.outcomes.append(self.outcome)
        for g, level in tariffs.items():
            self.peak[g] = max(self.peak[g], level)
        return self.outcome

    @property
    def final(self) -> tuple[str, int]:
        """The last outcome and the round from which it has held (0 before round 1)."""
        outcomes = self.outcomes
        final = outcomes[-1] if outcomes else "ongoing"
        start = len(outcomes)
        while start > 1 and outcomes[start - 2] == final:
            start -= 1
        return final, (start if outcomes else 0)

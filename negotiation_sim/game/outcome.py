"""Outcome classification of each round (docs/model.md, Outcome classification)."""

from __future__ import annotations

from negotiation_sim.game.mechanism import Deal
from negotiation_sim.scenario.config import OutcomeRules


def classify(
    deal: Deal | None, war_streak: int, round_: int, horizon: int, rules: OutcomeRules
) -> str:
    """Outcome state of a round:

    1. ``deal`` if a comprehensive deal is in force;
    2. ``truce`` if a truce is in force;
    3. ``trade_war`` if both escalation indices have been >= ``trade_war_escalation`` for
       ``trade_war_rounds`` consecutive rounds (``war_streak`` counts them);
    4. ``stalemate`` in the last round of the horizon;
    5. ``ongoing`` otherwise.
    """
    if deal is not None:
        return "deal" if deal.kind == "comprehensive" else "truce"
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

    def update(
        self,
        deal: Deal | None,
        round_: int,
        tariffs: dict[str, float],
        escalations: dict[str, float],
    ) -> str:
        """Classify round ``round_`` from the parties' tariffs and escalation indices."""
        hot = min(escalations.values()) >= self.rules.trade_war_escalation
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

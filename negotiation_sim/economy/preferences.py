"""A government's preferences: one utility object used for booked payoffs, the stage
game, deal acceptance and the classroom alike (in the spirit of NegMAS's utility
functions with their reserved value).

U1 is ``government_utility`` (docs/model.md, U1); a deal in force adds ``deal_value``;
backing down costs an audience cost that grows with the public standoff (Fearon 1994);
accepting a package in which one backs down further than the partner costs a face cost
(N2). The reservation value of a round with offers is the value of carrying on without
a deal (``reservation``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation_sim.economy.utility import government_utility


@dataclass(frozen=True, slots=True)
class Resolve:
    """A government's private resolve for one run (drawn from the scenario's ranges):
    the conflict cost it tolerates before seeking a settlement (Carlson 1995), how much
    backing down costs it at home (Fearon 1994) and what its unmet demand costs it per
    round (its reason to press)."""

    cost_tolerance_bn: float = 10.0
    audience_sensitivity: float = 1.0
    grievance_bn: float = 0.0


@dataclass(frozen=True, slots=True)
class Preferences:
    """What government ``index`` values. ``partner`` is its negotiating partner's index
    (``None`` for a third country, whose coercion term is then zero)."""

    index: int
    partner: int | None
    lobby_weight: float
    coercion_weight: float
    deal_value_bn: float
    audience_cost_bn: float
    audience_cap: int = 10**9
    resolve: Resolve = Resolve()
    #: what meeting the partner's demand costs per round while a lasting deal is in force
    concession_cost_bn: float = 0.0

    def utility(self, welfare: np.ndarray, weighted: np.ndarray) -> np.ndarray:
        """U1 for B states from (B, C) welfare and weighted firm profit changes."""
        own = welfare[:, self.index]
        partner = welfare[:, self.partner] if self.partner is not None else 0.0 * own
        return government_utility(
            own, weighted[:, self.index], partner, self.lobby_weight, self.coercion_weight
        )

    def value(self, welfare: np.ndarray, weighted: np.ndarray, deal_in_force: bool) -> float:
        """This round's value of the first state: U1 plus the value of a deal in force."""
        return float(self.utility(welfare, weighted)[0]) + deal_in_force * self.deal_value_bn

    def settlement_terms(self, own_met: float, partner_met: float) -> float:
        """Per-round value of the non-tariff terms of a lasting deal: the share
        ``own_met`` of its grievance removed, less the share ``partner_met`` of the cost
        of meeting the partner's demand."""
        return own_met * self.resolve.grievance_bn - partner_met * self.concession_cost_bn

    def audience_cost(self, standoff: int) -> float:
        """Fearon (1994): backing down costs more the longer the public standoff, up to
        ``audience_cap`` rounds (publics forget; the cost is bounded), scaled by this
        run's audience sensitivity."""
        rounds = min(standoff, self.audience_cap)
        return self.audience_cost_bn * self.resolve.audience_sensitivity * rounds

    def face_cost(self, standoff: int, own_drop: float, partner_drop: float) -> float:
        """N2: the audience cost of accepting a package in which this government backs
        down further than its partner: a * standoff * max(0, own drop - partner's drop)
        (drops in the escalation index)."""
        cost = self.audience_cost(standoff)
        if cost == 0.0:
            return 0.0
        return cost * max(0.0, own_drop - partner_drop)

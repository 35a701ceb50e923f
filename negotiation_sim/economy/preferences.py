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
class Preferences:
    """What government ``index`` values. ``partner`` is its negotiating partner's index
    (``None`` for a third country, whose coercion term is then zero)."""

    index: int
    partner: int | None
    lobby_weight: float
    coercion_weight: float
    deal_value_bn: float
    audience_cost_bn: float

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

    def audience_cost(self, standoff: int) -> float:
        """Fearon (1994): backing down costs more the longer the public standoff."""
        return self.audience_cost_bn * standoff

    def face_cost(self, standoff: int, own_drop: float, partner_drop: float) -> float:
        """N2: the audience cost of accepting a package in which this government backs
        down further than its partner: a * standoff * max(0, own drop - partner's drop)
        (drops in the escalation index)."""
        cost = self.audience_cost(standoff)
        if cost == 0.0:
            return 0.0
        return cost * max(0.0, own_drop - partner_drop)

"""A government as the game layer sees it: its id, country index, partner, typed
configuration and preferences (read-only; the Mesa ``Government`` agent keeps the
history and the standoff)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation_sim.economy.preferences import Preferences, Resolve
from negotiation_sim.scenario.config import GovernmentConfig


@dataclass(frozen=True, slots=True)
class Party:
    gid: str
    index: int
    partner: str | None  # None for a third country
    config: GovernmentConfig
    preferences: Preferences

    @property
    def is_party(self) -> bool:
        """True for one of the two negotiating parties."""
        return self.partner is not None

    @property
    def instruments(self) -> tuple[str, ...]:
        return self.config.instruments


def make_party(
    config: GovernmentConfig,
    index: int,
    partner: GovernmentConfig | None,
    partner_index: int | None,
    resolve: Resolve,
    audience_cap: int,
) -> Party:
    """The ``Party`` of one government, its ``Preferences`` built from its politics, this
    run's private ``resolve`` and what its partner demands of it."""
    return Party(
        gid=config.gid,
        index=index,
        partner=None if partner is None else partner.gid,
        config=config,
        preferences=Preferences(
            index=index,
            partner=partner_index,
            lobby_weight=config.lobby_weight,
            coercion_weight=config.coercion_weight,
            deal_value_bn=config.deal_value_bn,
            audience_cost_bn=config.audience_cost_bn,
            audience_cap=audience_cap,
            resolve=resolve,
            concession_cost_bn=0.0 if partner is None else partner.demand.cost_bn,
        ),
    )


def draw_resolve(config: GovernmentConfig, rng: np.random.Generator) -> Resolve:
    """This run's private resolve of a government, drawn uniformly from its ranges
    (three draws per government, always, so that the stream does not depend on which
    ranges are degenerate)."""
    r = config.resolve
    tolerance, sensitivity, grievance = (
        rng.uniform(lo, hi)
        for lo, hi in (r.cost_tolerance_bn, r.audience_sensitivity, r.grievance_bn)
    )
    return Resolve(float(tolerance), float(sensitivity), float(grievance))

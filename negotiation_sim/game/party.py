"""A government as the game layer sees it: its id, country index, partner, typed
configuration and preferences (read-only; the Mesa ``Government`` agent keeps the
history and the standoff)."""

from __future__ import annotations

from dataclasses import dataclass

from negotiation_sim.economy.preferences import Preferences
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
    config: GovernmentConfig, index: int, partner: str | None, partner_index: int | None
) -> Party:
    """The ``Party`` of one government, its ``Preferences`` built from its politics."""
    return Party(
        gid=config.gid,
        index=index,
        partner=partner,
        config=config,
        preferences=Preferences(
            index=index,
            partner=partner_index,
            lobby_weight=config.lobby_weight,
            coercion_weight=config.coercion_weight,
            deal_value_bn=config.deal_value_bn,
            audience_cost_bn=config.audience_cost_bn,
        ),
    )

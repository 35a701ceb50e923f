"""A government as the game layer sees it: its id, country index, partner, typed
configuration and preferences (read-only; the Mesa ``Government`` agent keeps the
history and the standoff)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation_sim.core import Package
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

    def settled_by(self, package: Package | None) -> bool:
        """Whether ``package`` settles this government's grievance: a lasting deal that
        meets its declared demand, or any lasting deal if it declares none."""
        if package is None or not package.lasting:
            return False
        if not self.config.demand.declared:
            return True
        return self.gid in package.meets and package.met_share > 0.0

    def deal_value(self, package: Package | None) -> float:
        """Per-round value of having ``package`` in force (N2): ``deal_value``, except that
        a government with a declared demand values only a deal that meets it (a truce
        only postpones its threats)."""
        if package is None:
            return 0.0
        if self.config.demand.declared and not self.settled_by(package):
            return 0.0
        return self.preferences.deal_value_bn

    def accepts_terms(self, package: Package) -> bool:
        """No lasting deal without the demand: a government that declares a demand
        accepts a truce, or a lasting deal that meets its demand (N2)."""
        return not package.lasting or self.settled_by(package)

    def terms(self, package: Package | None) -> float:
        """Per-round value of ``package``'s non-tariff terms (N2, settlement terms)."""
        if package is None or not package.lasting:
            return 0.0
        share = package.met_share
        own = share if self.gid in package.meets else float(self.settled_by(package))
        partner = share if self.partner in package.meets else 0.0
        return self.preferences.settlement_terms(own, partner)


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

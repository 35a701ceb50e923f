"""The round record of a model: gathers one ``game.record.RoundRecord`` from the agents,
the mechanism and the economy after a round has been settled and classified."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.game import solver
from negotiation_sim.game.record import PartyRound, RoundRecord

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


def build_record(
    model: NegotiationModel, stage: tuple[np.ndarray, np.ndarray] | None
) -> RoundRecord:
    """The record of the round just played; ``stage`` is its stage game, if recorded."""
    mech, pop, world = model.mechanism, model.population, model.world
    offers = model.settlement.offers
    parties = tuple(
        PartyRound(
            escalation=model.escalations[g.gid],
            move=str(g.last_move),
            offer=offers[g.gid].describe() if g.gid in offers else "",
            utility=g.utility_now - g.paid,
            reservation=g.reservation,
            lobbying=pop.lobbying(g.index),
        )
        for g in model.parties
    )
    controls = {
        (gov.gid, name): level for gov in model.governments.values()
        for name, level in gov.controls.items()
    }  # fmt: skip
    profit = np.bincount(world.firms.group, weights=pop.profit, minlength=len(world.groups))
    short = (pop.state.short_weeks > 0) & (world.firms.rare_earth_dependence > 0)
    pure = mixed = payoffs = ""
    if stage is not None:
        ua, ub = stage
        pure, mixed = solver.describe(ua, ub)
        pairs = zip(ua.ravel(), ub.ravel(), strict=True)
        payoffs = ";".join(f"{_milli(x)},{_milli(y)}" for x, y in pairs)
    a, b = model.party_ids
    return RoundRecord(
        round=model.round,
        date=model.calendar.date_of(model.round).isoformat(),
        outcome=model.outcome,
        deal=mech.deal.kind if mech.deal else "",
        deal_news=mech.news,
        events=tuple(mech.events),
        tariffs=(model.tariff_levels[a], model.tariff_levels[b]),
        controls=controls,
        parties=parties,  # type: ignore[arg-type]
        welfare=tuple(float(w) for w in model.last_eval.welfare[0]),
        profit=tuple(float(p) for p in profit),
        stockout_firms=int(np.count_nonzero(short)),
        purchases=mech.policy.purchases,
        nash_pure=pure,
        nash_mixed=mixed,
        stage_payoffs=payoffs,
    )


def _milli(x: float) -> str:
    """``x`` to three decimals, with no sign on a zero: whether a payoff of -0.0001 or
    +0.0001 is shown as -0.000 or 0.000 depends on the machine's rounding noise."""
    return f"{round(float(x), 3) + 0.0:.3f}"

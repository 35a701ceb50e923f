"""What a government sees when it decides: the read-only ``GameView`` built from the
model's state, its own history and the mechanism's standing offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from negotiation_sim.abm.government import Government
from negotiation_sim.game import measures
from negotiation_sim.strategies.base import GameView

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


def note_levels(model: NegotiationModel, gov: Government) -> None:
    """Let ``gov`` note, as it decides, both escalation indices and duty values and the
    deal in force (for its ``partner_shifts`` and ``partner_lead``). Called once per
    decision, before ``build_view``."""
    if not gov.is_party:
        return
    partner = model.governments[gov.partner]
    deal = model.deal
    scale = model.config.economy.escalation_tariff_scale_pct
    duties = (
        measures.duty_value(model.policy, model.dyad, gov.party, scale),
        measures.duty_value(model.policy, model.dyad, partner.party, scale),
    )
    agreement = None if deal is None else (deal.kind, deal.struck_round, deal.expires_round)
    step = measures.step_value(model.dyad, gov.party, scale)
    mine, theirs = model.escalation(gov), model.escalation(partner)
    gov.see_levels(mine, theirs, duties, agreement, step, model.round)


def build_view(model: NegotiationModel, gov: Government) -> GameView:
    """``gov``'s view of this round, from what it has noted (``note_levels``); reading it
    changes nothing, so front ends may build it outside decisions."""
    deal = model.deal
    return GameView(
        round=model.round,
        horizon=model.horizon,
        me=gov.gid,
        partner=gov.partner or "",
        my_moves=gov.moves,
        partner_moves=gov.seen,
        my_payoffs=gov.payoffs,
        instruments=gov.instruments,
        levels=measures.levels(model.policy, model.dyad, gov.party, model.world),
        deal_in_force=model.deal.kind if model.deal else None,
        rounds_to_deadline=model.calendar.rounds_to_deadline(model.round),
        lobbying=model.population.lobbying(gov.index),
        rng=model.rng,
        stage_payoffs=(lambda g=gov.gid: model.stage_payoffs(g)) if gov.is_party else None,
        pain=gov.pain,
        partner_pain=gov.partner_pain,
        outlook_pain=gov.outlook_pain,
        partner_shifts=gov.partner_shifts,
        partner_lead=gov.partner_lead if gov.is_party else 0.0,
        threats_ahead=model.calendar.threats_ahead(gov.gid, model.round),
        resolve=gov.resolve_in(model.calendar, model.round),
        audience_cost=gov.preferences.audience_cost(gov.standoff),
        deal_expires_in=None
        if deal is None or deal.expires_round is None
        else deal.expires_round - model.round,
        partner_offer=model.mechanism.open_offer(gov.partner or "", model.round),
    )

"""What a government sees from its seat between rounds: its instruments and their
levels, the partner's, its escalation index, the deal in force and the next deadline,
the moves so far and what its firm groups lobby for (``views.firms``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from negotiation_sim.core import REGISTRY, stance_word
from negotiation_sim.views.firms import FirmReport, firm_reports
from negotiation_sim.views.words import control_level_name, instrument_label, short_id

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


@dataclass(frozen=True, slots=True)
class InstrumentLevel:
    """One instrument of a government now. A tariff's ``value`` is its average tariff
    on the partner (%), with its ``floor`` (%); a control's is its level 0..3."""

    name: str
    kind: str
    label: str
    value: float
    floor: float = 0.0

    @property
    def level_name(self) -> str:
        """The control level's name (``"broad ban"``); empty for the tariff."""
        return control_level_name(int(self.value)) if self.kind == "control" else ""

    @property
    def text(self) -> str:
        if self.kind == "tariff":
            return f"{self.value:.1f}% (floor {self.floor:g}%)"
        return f"{self.level_name} (level {int(self.value)} of 3)"


@dataclass(frozen=True)
class SeatView:
    """Everything government ``gid`` may know now, before its next move."""

    gid: str
    name: str
    short: str
    partner: str
    partner_name: str
    round: int  # rounds played so far
    instruments: tuple[InstrumentLevel, ...]
    partner_instruments: tuple[InstrumentLevel, ...]
    tariff_pct: float
    partner_tariff_pct: float
    floor_pct: float
    partner_floor_pct: float
    step_pp: float
    max_tariff_pct: float
    controls: dict[str, int]
    partner_controls: dict[str, int]
    escalation: float
    partner_escalation: float
    lobbying: float  # the country's lobbying index L1, -1 (concede) .. +1 (escalate)
    firms: tuple[FirmReport, ...]
    deal: str | None  # kind of the deal in force
    deal_expires: int | None
    rounds_to_deadline: int | None  # from the next round
    my_moves: tuple[str, ...]
    partner_moves: tuple[str, ...]  # as this government perceived them
    payoff: float  # booked payoffs so far
    strategy: str  # repr of the strategy playing the seat

    @property
    def lobbying_word(self) -> str:
        return stance_word(self.lobbying)

    @property
    def last_move(self) -> str:
        return self.my_moves[-1] if self.my_moves else ""


def instrument_levels(model: NegotiationModel, gid: str) -> tuple[InstrumentLevel, ...]:
    gov = model.governments[gid]
    controls = gov.controls
    out = []
    for name in gov.instruments:
        inst = REGISTRY[name]
        if inst.kind == "tariff":
            floor = model.config.governments[gid].tariff_floor_pct
            value = model.tariff_on_partner(gov)
            out.append(InstrumentLevel(name, inst.kind, instrument_label(name), value, floor))
        else:
            out.append(InstrumentLevel(name, inst.kind, instrument_label(name), controls[name]))
    return tuple(out)


def seat_view(model: NegotiationModel, gid: str, firms: bool = True) -> SeatView:
    """What party ``gid`` of ``model`` sees now (``firms=False`` skips the firm reports)."""
    gov = model.governments[gid]
    pid = model.dyad.partner(gid)
    partner = model.governments[pid]
    cfg, pcfg = model.config.governments[gid], model.config.governments[pid]
    deal = model.deal
    return SeatView(
        gid=gid,
        name=gov.name,
        short=short_id(gid, gov.name),
        partner=pid,
        partner_name=partner.name,
        round=model.round,
        instruments=instrument_levels(model, gid),
        partner_instruments=instrument_levels(model, pid),
        tariff_pct=model.tariff_on_partner(gov),
        partner_tariff_pct=model.tariff_on_partner(partner),
        floor_pct=cfg.tariff_floor_pct,
        partner_floor_pct=pcfg.tariff_floor_pct,
        step_pp=cfg.tariff_step_pp,
        max_tariff_pct=model.config.economy.max_tariff_pct,
        controls=gov.controls,
        partner_controls=partner.controls,
        escalation=model.escalation(gov),
        partner_escalation=model.escalation(partner),
        lobbying=model.population.lobbying(gov.index),
        firms=tuple(firm_reports(model, gid)) if firms else (),
        deal=deal.kind if deal is not None else None,
        deal_expires=deal.expires_round if deal is not None else None,
        rounds_to_deadline=model.calendar.rounds_to_deadline(model.round + 1),
        my_moves=tuple(str(m) for m in gov.moves),
        partner_moves=tuple(str(m) for m in gov.seen),
        payoff=float(sum(gov.payoffs)),
        strategy=repr(gov.strategy),
    )

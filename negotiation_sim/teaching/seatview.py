"""What a student in one seat may see before choosing a move (``seat_view``): the
tariffs and controls in force, the deal, the stage-game estimate, what the seat's firm
groups lobby for and why, the calendar ahead and the rounds played as seen from the
seat. It never contains the other seat's pending move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from negotiation_sim.core import Package
from negotiation_sim.game.calendar import event_round
from negotiation_sim.views import seat as kit_seat
from negotiation_sim.views.firms import FirmReport, firm_reports

if TYPE_CHECKING:
    from negotiation_sim.teaching.game import Game

__all__ = ["FirmReport", "RoundLine", "SeatView", "UpcomingEvent", "seat_view"]


@dataclass(frozen=True)
class UpcomingEvent:
    round: int
    date: dt.date
    label: str
    kind: str
    deadline: bool


@dataclass(frozen=True)
class RoundLine:
    """One played round from a seat: moves as seen from that seat, tariffs after moves."""

    round: int
    date: str
    my_move: str
    partner_move: str
    my_tariff: float
    partner_tariff: float
    outcome: str
    deal: str
    events: str
    deal_news: str
    my_offer: str
    partner_offer: str


@dataclass
class SeatView:
    """Everything the student in seat ``gid`` may see before choosing a move."""

    gid: str
    name: str
    partner: str
    partner_name: str
    scenario: str
    scenario_name: str
    round: int  # the round to play next (horizon + 1 when finished)
    rounds_played: int
    horizon: int
    date: dt.date
    finished: bool
    outcome: str
    instruments: tuple[str, ...]
    my_tariff: float
    partner_tariff: float
    my_floor: float
    partner_floor: float
    max_tariff: float
    tariff_step: float
    my_controls: dict[str, int]
    partner_controls: dict[str, int]
    deal: str | None
    deal_expires: int | None
    lobbying: float
    firms: list[FirmReport]
    upcoming: list[UpcomingEvent]
    rounds_to_deadline: int | None
    history: list[RoundLine]
    stage_mine: list[list[float]] | None
    stage_partner: list[list[float]] | None
    my_pending: str | None
    partner_moved: bool
    computer_plays_me: bool
    my_payoff: float
    standard_offer: Package | None
    max_purchases: float
    buyer: str
    seed: int

    @property
    def last(self) -> RoundLine | None:
        return self.history[-1] if self.history else None


def calendar_events(game: Game) -> list[UpcomingEvent]:
    """The scheduled events of the game's horizon, by round."""
    m = game.model
    out = []
    cal = m.calendar
    for event in m.config.calendar:
        r = event_round(event, cal.start, cal.round_days)
        if 1 <= r <= game.horizon:
            out.append(UpcomingEvent(r, cal.date_of(r), event.label, event.type, event.deadline))
    return sorted(out, key=lambda e: e.round)


def history(game: Game, gid: str) -> list[RoundLine]:
    """Played rounds as seen from ``gid``'s seat (the partner's moves as perceived)."""
    table = game.model.datacollector.tables["rounds"]
    partner = game.partner_of(gid)
    seen = game.model.governments[gid].seen
    lines = []
    for k, r in enumerate(table["round"]):
        lines.append(
            RoundLine(
                round=int(r),
                date=table["date"][k],
                my_move=table[f"move_{gid}"][k],
                partner_move=str(seen[k]) if k < len(seen) else table[f"move_{partner}"][k],
                my_tariff=float(table[f"tariff_{gid}_{partner}"][k]),
                partner_tariff=float(table[f"tariff_{partner}_{gid}"][k]),
                outcome=table["outcome"][k],
                deal=table["deal"][k],
                events=table["events"][k],
                deal_news=table["deal_news"][k],
                my_offer=table[f"offer_{gid}"][k],
                partner_offer=table[f"offer_{partner}"][k],
            )
        )
    return lines


def seat_view(game: Game, gid: str, stage: bool = True, partner_stage: bool = False) -> SeatView:
    """What the student in seat ``gid`` sees now. ``stage``/``partner_stage`` include
    the stage-game estimate (my payoffs / the partner's)."""
    game.check_seat(gid)
    m = game.model
    gov = m.governments[gid]
    pid = game.partner_of(gid)
    partner = m.governments[pid]
    kit = kit_seat.seat_view(m, gid, firms=False)
    nxt = game.round
    upcoming = [e for e in game.events if e.round >= nxt]
    deadline = m.calendar.rounds_to_deadline(nxt)
    mine = theirs = None
    if not game.finished and (stage or partner_stage):
        a, b = game.stage_from(gid)
        mine = a.round(3).tolist() if stage else None
        theirs = b.round(3).tolist() if partner_stage else None
    neg = m.spec.data["negotiation"]
    pending = game.pending.get(gid)
    return SeatView(
        gid=gid,
        name=gov.name,
        partner=pid,
        partner_name=partner.name,
        scenario=game.scenario,
        scenario_name=game.spec.name,
        round=nxt,
        rounds_played=m.round,
        horizon=game.horizon,
        date=m.calendar.date_of(min(nxt, game.horizon)),
        finished=game.finished,
        outcome=m.outcome,
        instruments=gov.instruments,
        my_tariff=kit.tariff_pct,
        partner_tariff=kit.partner_tariff_pct,
        my_floor=kit.floor_pct,
        partner_floor=kit.partner_floor_pct,
        max_tariff=kit.max_tariff_pct,
        tariff_step=kit.step_pp,
        my_controls=kit.controls,
        partner_controls=kit.partner_controls,
        deal=kit.deal,
        deal_expires=kit.deal_expires,
        lobbying=kit.lobbying,
        firms=firm_reports(m, gid),
        upcoming=upcoming,
        rounds_to_deadline=deadline,
        history=history(game, gid),
        stage_mine=mine,
        stage_partner=theirs,
        my_pending=str(pending) if pending is not None else None,
        partner_moved=game.seats[pid].human and pid in game.pending,
        computer_plays_me=not game.seats[gid].human,
        my_payoff=game.payoff(gid),
        standard_offer=game.standard_offer(gid) if not game.finished else None,
        max_purchases=neg["max_purchases"],
        buyer=neg["buyer"] if neg["max_purchases"] > 0 else "",
        seed=game.seed,
    )

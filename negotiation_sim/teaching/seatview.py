"""What a student in one seat may see before choosing a move (``seat_view``): the
tariffs and controls in force, the deal, the stage-game estimate, what the seat's firm
groups lobby for and why, the calendar ahead and the rounds played as seen from the
seat. It never contains the other seat's pending move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS, CONTROL_LEVELS, Package, stance_word
from negotiation_sim.game.calendar import event_round

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel
    from negotiation_sim.teaching.game import Game


@dataclass(frozen=True)
class FirmReport:
    """What one firm group of the student's country is saying."""

    group: str
    label: str
    firms: int
    stance: float  # political-weighted mean stance, > 0 pushes for escalation
    profit_change: float  # group profit change vs free trade, fraction
    verdict: str  # "escalate", "concede" or "quiet"
    reasons: tuple[str, ...]


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


def firm_reports(game: Game, gid: str) -> list[FirmReport]:
    """What each firm group of ``gid``'s country is lobbying for, and why."""
    m = game.model
    world, pop, table = m.world, m.population, m.world.firms
    gov = m.governments[gid]
    partner = m.governments[game.partner_of(gid)]
    c = m.index[gid]
    reports = []
    if m.round == 0:
        return reports
    my_tariffs = gov.tariffs.get(partner.gid, {})
    their_tariffs = partner.tariffs.get(gid, {})
    for g, group in enumerate(world.groups):
        sel = (table.group == g) & (table.country == c)
        if not sel.any():
            continue
        weights = table.political_weight[sel]
        stance = float(np.average(pop.stance[sel], weights=weights)) if weights.sum() else 0.0
        base = float(pop.base[sel].sum())
        change = float(pop.delta[sel].sum()) / base if base > 0 else 0.0
        sector = world.group_sector[g]
        reasons = _reasons(m, sel, sector, gov, partner, my_tariffs, their_tariffs)
        verdict = stance_word(stance)
        roles = _roles(table, sel)
        label = f"{sector.replace('_', ' ').capitalize()} ({', '.join(roles) or 'firms'})"
        reports.append(
            FirmReport(group, label, int(sel.sum()), stance, change, verdict, tuple(reasons))
        )
    return sorted(reports, key=lambda r: r.stance)


def _reasons(m, sel, sector, gov, partner, my_tariffs, their_tariffs) -> list[str]:
    table, state = m.world.firms, m.population.state
    p_name, levels = partner.name, m.policy.controls
    out = []
    if table.exports_free[sel].sum() > 0:
        t = their_tariffs.get(sector)
        if t is not None:
            out.append(f"{p_name}'s {t:.0f}% tariff hits their exports")
    if table.competing[sel].sum() > 0:
        t = my_tariffs.get(sector)
        if t is not None and t > 0.5:
            out.append(f"our {t:.0f}% tariff shields them from imports")
        elif t is not None:
            out.append("no tariff of ours shields them from imports any more")
    if table.imports_free[sel].sum() > 0:
        t = my_tariffs.get(sector)
        if t is not None:
            out.append(f"they pay our {t:.0f}% tariff on the goods they import")
    dependent = sel & (table.rare_earth_dependence > 0)
    if dependent.any():
        short = int(np.count_nonzero(state.short_weeks[dependent] > 0))
        stock = float(np.median(state.stockpile[dependent]))
        re_level = max(int(levels[i, CONTROL_COLUMNS["rare_earth"]]) for i in _holders(m, 0))
        text = f"rare-earth stockpiles at about {stock:.0f} weeks"
        if re_level:
            text += f" under {CONTROL_LEVELS[re_level]} controls"
        if short:
            text += f"; {short} firms already short"
        out.append(text)
    if table.tech_exports[sel].sum() > 0 and "chips" in gov.controls:
        level = gov.controls["chips"]
        out.append(f"our chip controls ({CONTROL_LEVELS[level]}) limit their sales to {p_name}")
    if table.tech_dependence[sel].sum() > 0 and "chips" in partner.controls:
        level = partner.controls["chips"]
        out.append(f"they need chips that {p_name} controls ({CONTROL_LEVELS[level]})")
    if table.rare_earth_exports[sel].sum() > 0 and "rare_earth" in gov.controls:
        level = gov.controls["rare_earth"]
        out.append(f"our rare-earth controls ({CONTROL_LEVELS[level]}) limit their sales")
    return out


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
    deal = m.deal
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
        my_tariff=m.tariff_on_partner(gov),
        partner_tariff=m.tariff_on_partner(partner),
        my_floor=gov.party.config.tariff_floor_pct,
        partner_floor=partner.party.config.tariff_floor_pct,
        max_tariff=100.0 * m.world.max_tariff,
        tariff_step=gov.party.config.tariff_step_pp,
        my_controls=gov.controls,
        partner_controls=partner.controls,
        deal=deal.kind if deal is not None else None,
        deal_expires=deal.expires_round if deal is not None else None,
        lobbying=m.population.lobbying(gov.index),
        firms=firm_reports(game, gid),
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


def _holders(m: NegotiationModel, col: int) -> list[int]:
    holders = [int(i) for i in np.flatnonzero(m.world.holds[:, col])]
    return holders or [0]


def _roles(table, sel) -> list[str]:
    roles = []
    if table.exports_free[sel].sum() > 0:
        roles.append("exporters")
    if table.competing[sel].sum() > 0:
        roles.append("import-competing")
    if table.imports_free[sel].sum() > 0:
        roles.append("importers")
    if table.tech_exports[sel].sum() > 0:
        roles.append("tech sellers")
    if table.rare_earth_exports[sel].sum() > 0:
        roles.append("rare-earth producers")
    return roles

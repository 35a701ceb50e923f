"""The panels of a seat during play: tariffs and controls now, what each choice pays
(the stage game), what the firms say, the calendar ahead, the rounds played and the
room's notices."""

from __future__ import annotations

import html

import solara

from negotiation_sim.core import CONTROL_LEVELS, Action
from negotiation_sim.teaching.moves import instrument_words
from negotiation_sim.teaching.narrate import news_text
from negotiation_sim.teaching.room import RoomView
from negotiation_sim.teaching.seatview import SeatView
from negotiation_sim.teaching.widgets import Html, Md, chip, table
from negotiation_sim.ui.components import StageMatrix
from negotiation_sim.views.stage import seat_stage
from negotiation_sim.views.words import outcome_label

ACTIONS = tuple(a.label for a in Action)
PAST = {"escalate": "escalated", "hold": "held", "concede": "conceded"}


def control_text(controls: dict[str, int]) -> str:
    if not controls:
        return "none held"
    return ", ".join(
        f"{instrument_words(k)}: {CONTROL_LEVELS[v]} (level {v})" for k, v in controls.items()
    )


def move_text(move: str) -> str:
    """``escalate (tariffs)``."""
    action, _, inst = move.partition(":")
    return f"{action} ({instrument_words(inst)})" if inst else action


def past(move: str) -> str:
    """``escalated (tariffs)``."""
    action, _, inst = move.partition(":")
    verb = PAST.get(action, action)
    return f"{verb} ({instrument_words(inst)})" if inst else verb


@solara.component
def StatusPanel(view: RoomView):
    seat = view.seat
    rows = [
        [
            f"{seat.name} on {seat.partner_name}",
            f"{seat.my_tariff:.1f}%",
            f"{seat.my_floor:g}%",
            control_text(seat.my_controls),
        ],
        [
            f"{seat.partner_name} on {seat.name}",
            f"{seat.partner_tariff:.1f}%",
            f"{seat.partner_floor:g}%",
            control_text(seat.partner_controls),
        ],
    ]
    deal = "no deal in force"
    if seat.deal:
        kind = "comprehensive deal" if seat.deal == "comprehensive" else seat.deal
        deal = f"a {kind} is in force" + (
            f" until round {seat.deal_expires}" if seat.deal_expires else ""
        )
    with solara.Card("Tariffs and controls now", classes=["teach-status-card"]):
        Html(table(["", "Average tariff", "Floor", "Export controls"], rows))
        Md(
            f"Deal: {deal}. Your payoff so far: **{seat.my_payoff:.2f}** (government "
            "utility in $bn a round, summed; a move's payoff is booked when the next "
            "round is valued)."
        )
        last = seat.last
        if last is not None:
            text = (
                f"**Last round ({last.round})**: you {past(last.my_move)}, "
                f"{seat.partner_name} {past(last.partner_move)}."
            )
            if last.events:
                text += f" Events: {last.events}."
            if last.deal_news:
                names = {seat.gid: "you", seat.partner: seat.partner_name}
                text += f" News: {news_text(last.deal_news, names)}."
            if last.partner_offer:
                text += f" {seat.partner_name} offered: {last.partner_offer}."
            Md(text, classes=["teach-last-round"])


@solara.component
def StagePanel(seat: SeatView):
    """What each choice pays this round: the kit's stage matrix from the seat (its best
    replies starred; the partner's payoffs only where the room shows them)."""
    mine, theirs = seat.stage_mine, seat.stage_partner
    stage = seat_stage(seat.gid, seat.partner, mine, theirs)
    last = seat.last.partner_move.split(":")[0] if seat.last else "hold"
    j = ACTIONS.index(last) if last in ACTIONS else 1
    costs = ", ".join(f"{a} {mine[i][j]:+.2f}" for i, a in enumerate(ACTIONS))
    partner = html.escape(seat.partner_name)
    if_they = f"If {partner} repeats its last move ({last})" if seat.last else f"If {partner} holds"
    with solara.Card("What each choice pays this round", classes=["teach-stage-card"]):
        StageMatrix(
            stage,
            "You",
            seat.partner_name,
            show_theirs=theirs is not None,
            marks=False,
            corner=f"You ↓ / {seat.partner_name} →",
            classes=["teach-scroll", "teach-stage"],
        )
        Md(
            "<span class='ns-muted'>Your payoff this round for each pair of moves"
            + (f" (yours / {partner}'s)" if theirs else "")
            + ", estimated from the policies in force now; this round's scheduled "
            "events, deal value and offers are left out. ★ marks your best reply to each "
            f"move of {partner}. {if_they}: {costs}.</span>"
        )


@solara.component
def FirmsPanel(seat: SeatView):
    with solara.Card("What your firms are saying", classes=["teach-firms-card"]):
        if not seat.firms:
            Md("Your firms report after the first round.")
            return
        rows = []
        for f in seat.firms:
            rows.append(
                [
                    f"{f.label}, {f.firms} firms",
                    chip(f.verdict),
                    f"{100 * f.profit_change:+.1f}%",
                    "; ".join(f.reasons) or "-",
                ]
            )
        Html(
            table(
                ["Sector", "Lobbying", "Profit vs free trade", "Why"],
                rows,
                "teach-firms",
                stack=True,
            )
        )
        lean = "escalation" if seat.lobbying > 0 else "concession"
        Md(
            f"<span class='ns-muted'>On balance your firms lean toward {lean} "
            f"(lobbying index {seat.lobbying:+.2f}, from -1 to +1).</span>"
        )


@solara.component
def EventsPanel(seat: SeatView):
    with solara.Card("Coming up", classes=["teach-events-card"]):
        if seat.rounds_to_deadline is not None:
            when = (
                "this round"
                if seat.rounds_to_deadline == 0
                else (
                    f"in {seat.rounds_to_deadline} round"
                    + ("s" if seat.rounds_to_deadline > 1 else "")
                )
            )
            Md(f"Next deadline: **{when}**.")
        if not seat.upcoming:
            Md("No scheduled events ahead.")
            return
        rows = [
            [e.round, f"{e.date:%d %b %Y}", e.label + (" (deadline)" if e.deadline else "")]
            for e in seat.upcoming[:6]
        ]
        Html(table(["Round", "Date", "Event"], rows))


@solara.component
def HistoryPanel(seat: SeatView):
    if not seat.history:
        return
    names = {seat.gid: "you", seat.partner: seat.partner_name}
    rows = [
        [
            h.round,
            h.date,
            move_text(h.my_move),
            move_text(h.partner_move),
            f"{h.my_tariff:.0f}% / {h.partner_tariff:.0f}%",
            outcome_label(h.outcome),
            "; ".join(x for x in (h.events, news_text(h.deal_news, names)) if x),
        ]
        for h in reversed(seat.history)
    ]
    with solara.Card("Rounds played", classes=["teach-history-card"]):
        Html(
            table(
                [
                    "Round",
                    "Date",
                    "You",
                    seat.partner_name,
                    "Tariffs (yours / theirs)",
                    "State",
                    "News",
                ],
                rows,
                "teach-history",
                stack=True,
            )
        )


@solara.component
def NoticesPanel(view: RoomView):
    if not view.notices:
        return
    Md(
        "\n".join(f"- {html.escape(n)}" for n in view.notices),
        classes=["teach-notices"],
    )

"""HTML of the live view (pure functions of a ``LiveRun`` and a round, unit-tested):
the outcome banner, the government cards, this round with its stage game, the moves
table and the captions. Words come from ``views.words``, colours from ``ui.palette``."""

from __future__ import annotations

import numpy as np

from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.live_text import fmt_date, heading
from negotiation_sim.core import QUIET_STANCE
from negotiation_sim.ui.html import (
    esc,
    lobby_chip,
    meter,
    outcome_banner,
    outcome_swatch,
    stage_matrix,
    swatch,
)
from negotiation_sim.ui.palette import (
    EVENT_STYLE,
    MOVE_COLOURS,
    MOVE_SYMBOLS,
    OUTCOME_COLOURS,
    PARTY_COLOURS,
    event_symbol,
)
from negotiation_sim.views import moves_rows, party_column, recorded_stage, welfare_column
from negotiation_sim.views.words import (
    instrument_label,
    outcome_label,
    outcome_meaning,
    split_move,
)


def banner_html(run: LiveRun, n: int) -> str:
    info = run.info
    if n == 0:
        outcome = "ongoing"
        text = (
            f"<b>Not started</b> — round 0 of {info.horizon}; round 1 starts "
            f"{esc(fmt_date(info.date_of(1)))}. Press <b>Step</b> for one round or "
            "<b>Play</b> to watch the standoff unfold."
        )
    else:
        outcome = run.value("outcome", n)
        since = run.record.outcome_since(n)
        now = f"round {n} of {info.horizon} ({esc(fmt_date(info.date_of(n)))})"
        label = esc(outcome_label(outcome).upper())
        if outcome == "stalemate":
            text = f"<b>{label}</b> — the horizon ended at {now} with no deal and no trade war."
        elif outcome == "ongoing":
            text = f"<b>{label}</b> — {now}: no deal in force, no trade war (yet)."
        else:
            start = f"round {since} ({esc(fmt_date(info.date_of(since)))})"
            text = f"<b>{label}</b> since {start} — now {now}: {esc(outcome_meaning(outcome))}."
        if run.finished:
            text += f" <b>Run finished</b>: final outcome {esc(outcome_label(outcome))}."
    return outcome_banner(outcome, text, esc(heading(run, n)), n)


def move_html(move: str) -> str:
    action, instrument = split_move(move)
    if not action:
        return "—"
    colour = MOVE_COLOURS.get(action, "#333")
    what = f" {esc(instrument_label(instrument))}" if instrument else ""
    return (
        f'<span style="color:{colour};font-weight:600">{MOVE_SYMBOLS.get(action, "")} '
        f"{esc(action)}</span>{what}"
    )


def party_html(run: LiveRun, n: int, k: int) -> str:
    """The card of party ``k``: its instruments, escalation, lobbying, last move,
    welfare and strategy after round ``n``."""
    info = run.info
    party = info.parties[k]
    partner = info.parties[1 - k]
    colour = PARTY_COLOURS[k]
    seat = run.snapshot(n).seats[party.gid]
    rows = []
    for inst in seat.instruments:
        if inst.kind == "tariff":
            rows.append((f"Tariff on {esc(partner.name)}", f"<b>{esc(inst.text)}</b>"))
        else:
            rows.append((f"{esc(inst.label.capitalize())} controls", f"<b>{esc(inst.text)}</b>"))
    rows.append(
        (
            "Escalation index",
            f"{meter(seat.escalation, colour, info.threshold)}<b>{seat.escalation:.2f}</b>",
        )
    )
    if n:
        word = seat.lobbying_word
        rows.append(
            ("Firms' lobbying", f"{lobby_chip(word)} <b>{seat.lobbying:+.2f}</b> (−1 … +1)")
        )
        rows.append(("Last move", move_html(run.value(party_column("move", party.gid), n))))
        welfare = run.value(welfare_column(party.gid), n)
        total = float(np.sum(run.column(welfare_column(party.gid), n)))
        rows.append(("Welfare", f"<b>{welfare:+.2f}</b> $bn this round, {total:+.1f} $bn so far"))
    name, _, _ = seat.strategy.partition("(")
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    return (
        f'<div class="ns-party" data-gid="{esc(party.gid)}">'
        f'<div class="ns-card-title">{swatch(colour)}{esc(party.name)} ({esc(party.short)})'
        f"</div><div style='font-size:13px;margin:2px 0 4px 0'>Strategy: "
        f"<b>{esc(name)}</b> <span style='color:#555'>{esc(seat.strategy)}</span>"
        f"</div><table class='ns-kv'>{body}</table></div>"
    )


def stage_html(run: LiveRun, n: int) -> str:
    """This round's 3x3 stage game with its Nash equilibria and the moves made."""
    a, b = run.info.parties
    if n < 1:
        return "<p>The stage game appears after the first round.</p>"
    record = {k: run.value(k, n) or "" for k in ("stage_payoffs", "nash_pure", "nash_mixed")}
    moves = (run.value(party_column("move", a.gid), n), run.value(party_column("move", b.gid), n))
    stage = recorded_stage(record, (a.gid, b.gid), moves)
    if stage is None:
        return "<p>Stage game not recorded for this run.</p>"
    return stage_matrix(stage, a.short, b.short)


def round_html(run: LiveRun, n: int) -> str:
    info = run.info
    a, b = info.parties
    if n < 1:
        upcoming = [e for e in info.events if e.round <= 3]
        text = "".join(
            f"<li>{event_symbol(e.kind)} round {e.round}: {esc(e.label)}</li>" for e in upcoming
        )
        return f"<div>Coming up:</div><ul style='margin:0'>{text}</ul>" if text else ""
    events = run.value("events", n) or "none"
    news = run.value("deal_news", n)
    parts = [
        f"<div><b>Round {n}</b> · {esc(fmt_date(info.date_of(n)))} · calendar: {esc(events)}</div>",
        f"<div>{esc(a.short)}: {move_html(run.value(party_column('move', a.gid), n))} &nbsp; "
        f"{esc(b.short)}: {move_html(run.value(party_column('move', b.gid), n))}</div>",
    ]
    for party in (a, b):
        offer = run.value(party_column("offer", party.gid), n)
        if offer:
            parts.append(f"<div style='font-size:12.5px'>Offer: {esc(offer)}</div>")
    if news:
        parts.append(f"<div><b>{esc(news)}</b></div>")
    return "".join(parts)


def moves_table_html(run: LiveRun, n: int) -> str:
    """Rounds 1..n, newest first; eventful rounds highlighted, each stretch of quiet
    rounds (both held, nothing else happened) folded into one line."""
    info = run.info
    a, b = info.parties
    head = (
        f"<tr><th>Round</th><th>Calendar</th><th>{esc(a.short)} move</th>"
        f"<th>{esc(b.short)} move</th><th>Offers and deals</th><th>Outcome</th></tr>"
    )
    rows = []
    for row in moves_rows(run.record, (a.gid, b.gid), n):
        offers = [esc(o) for o in row.offers]
        if row.news:
            offers.append(f"<b>{esc(row.news)}</b>")
        when = esc(fmt_date(info.date_of(row.first)))
        label = str(row.first)
        if row.rounds > 1:
            label = f"{row.first}–{row.last}"
            when += f" – {esc(fmt_date(info.date_of(row.last)))}"
        cls = "ns-eventful" if row.eventful else "ns-quiet"
        calendar = esc(row.events) if row.rounds == 1 else f"{row.rounds} quiet rounds"
        rows.append(
            f'<tr class="{cls}" data-first="{row.first}" data-last="{row.last}">'
            f"<td><b>{label}</b><br><small>{when}</small></td><td>{calendar}</td>"
            f"<td>{move_html(row.moves[0])}</td><td>{move_html(row.moves[1])}</td>"
            f"<td>{'<br>'.join(offers)}</td><td>{outcome_swatch(row.outcome)}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan='6'>No rounds played yet.</td></tr>")
    table = f"<table class='ns-table ns-moves'>{head}{''.join(rows)}</table>"
    return f"<div class='ns-scroll'>{table}</div>"


def events_caption(run: LiveRun) -> str:
    info = run.info
    items = "; ".join(
        f"{event_symbol(e.kind)} round {e.round} ({esc(fmt_date(e.date))}) {esc(e.label)}"
        for e in info.events
    )
    outcomes = " ".join(outcome_swatch(o) for o in OUTCOME_COLOURS)
    kinds = ", ".join(f"{sym} {name}" for kind, (_, sym, name) in EVENT_STYLE.items()
                      if kind != "note")  # fmt: skip
    return (
        "Time runs left to right, one round per step; the lines stop at the current round "
        "(dots: the levels before round 1). "
        f"Outcome strip: {outcomes}. Calendar (dotted lines; {kinds}): {items or 'no events'}. "
        "Escalation index: the mean over a government's instruments of tariff / "
        f"{info.escalation_scale_pct:g}% (capped at 1) and control level / 3; a trade war is "
        f"both at or above {info.threshold:.2f} for {info.war_rounds} rounds in a row. "
        "Welfare: national welfare against free trade, $bn per round."
    )


def firms_caption() -> str:
    quiet = f"{QUIET_STANCE:.0%}"
    return (
        "Each row is a firm group (country and sector). Left: the group's profit each round "
        "against its normal (free-trade) profit — brown is a loss, green a gain. Middle: the "
        f"share of its firms whose profit is more than {quiet} below normal (they lobby "
        f"their government to concede, green) or more than {quiet} above it (protected "
        "firms, they lobby to escalate, red). Right: the group's stance, its firms' profit "
        "change / normal profit (capped at ±1), weighted by their political weight."
    )


def stage_caption(run: LiveRun) -> str:
    a, b = run.info.parties
    return (
        f"Stage game: each cell is one round's payoff ({esc(a.short)} / {esc(b.short)} "
        "utility, $bn per round) if both made those moves, as recorded by the model for this "
        "round. ★ Nash equilibrium (neither gains by changing its move alone); ● the moves "
        "actually made."
    )


def cards_html(run: LiveRun, n: int, error: str) -> str:
    """The two government cards and the 'this round' card."""
    parts = []
    if error:
        parts.append(f"<div class='ns-run-error' role='alert'>{esc(error)}</div>")
    for k in range(2):
        parts.append(f"<div class='ns-card ns-party-card-{k}'>{party_html(run, n, k)}</div>")
    parts.append(
        "<div class='ns-card ns-this-round'><div class='ns-card-title'>This round</div>"
        f"{round_html(run, n)}{stage_html(run, n)}"
        f"<div class='ns-caption'>{stage_caption(run)}</div></div>"
    )
    return "".join(parts)

"""The live view of one run: outcome banner, the two governments, this round's moves and
stage game, the timeline and firms charts, the table of moves and offers, and exports.

Most panels are small HTML snippets built from the run's record (cheap to rebuild every
round); the two charts are ``ChartCanvas``es that receive only what changed.
"""

from __future__ import annotations

import numpy as np
import solara

from negotiation_sim.app.controls import RunControls
from negotiation_sim.app.live_run import LiveRun, fmt_date, heading, outcome_since
from negotiation_sim.app.session import Session
from negotiation_sim.app.style import (
    CONTROL_LEVEL_NAMES,
    EVENT_HTML,
    INSTRUMENT_LABELS,
    MOVE_COLOURS,
    MOVE_SYMBOLS,
    OUTCOME_COLOURS,
    OUTCOME_HELP,
    OUTCOME_TEXT,
    PARTY_COLOURS,
    esc,
    outcome_label,
    swatch,
)
from negotiation_sim.app.widgets import Caption, ChartCanvas, Downloads

ACTIONS = ("escalate", "hold", "concede")


# ---------------------------------------------------------------------- text builders
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
        outcome = run.table["outcome"][n - 1]
        since = outcome_since(run, n)
        now = f"round {n} of {info.horizon} ({esc(fmt_date(info.date_of(n)))})"
        label = outcome_label(outcome).upper()
        if outcome == "stalemate":
            text = f"<b>{label}</b> — the horizon ended at {now} with no deal and no trade war."
        elif outcome == "ongoing":
            text = f"<b>{label}</b> — {now}: no deal in force, no trade war (yet)."
        else:
            start = f"round {since} ({esc(fmt_date(info.date_of(since)))})"
            text = f"<b>{label}</b> since {start} — now {now}: {esc(OUTCOME_HELP[outcome])}."
        if run.finished:
            text += f" <b>Run finished</b>: final outcome {esc(outcome_label(outcome))}."
    colour = OUTCOME_COLOURS[outcome]
    fg = OUTCOME_TEXT[outcome]
    return (
        f'<div class="ns-banner" role="status" aria-live="polite" data-outcome="{outcome}" '
        f'data-round="{n}" style="background:{colour};color:{fg}">{text}'
        f'<div style="font-size:14px;margin-top:3px">{esc(heading(run, n))}</div></div>'
    )


def _action(move: str) -> str:
    return move.split(":", 1)[0] if move else ""


def move_html(move: str) -> str:
    action = _action(move)
    if not action:
        return "—"
    instrument = move.split(":", 1)[1] if ":" in move else ""
    colour = MOVE_COLOURS.get(action, "#333")
    what = f" {esc(INSTRUMENT_LABELS.get(instrument, instrument))}" if instrument else ""
    return (
        f'<span style="color:{colour};font-weight:600">{MOVE_SYMBOLS.get(action, "")} '
        f"{esc(action)}</span>{what}"
    )


def meter(value: float, colour: str, threshold: float | None = None) -> str:
    width = max(0.0, min(1.0, value)) * 100
    mark = ""
    if threshold is not None:
        mark = (
            f'<span style="position:absolute;left:{threshold * 100:.0f}%;top:-3px;'
            'width:2px;height:14px;background:#000"></span>'
        )
    return (
        f'<span class="ns-meter" style="position:relative">'
        f'<span style="width:{width:.0f}%;background:{colour}"></span>{mark}</span>'
    )


def party_html(run: LiveRun, n: int, k: int) -> str:
    info = run.info
    party = info.parties[k]
    partner = info.parties[1 - k]
    colour = PARTY_COLOURS[k]
    initial = info.initial
    rows = []
    tariff_col = info.tariff_columns[k]
    tariff = run.value(tariff_col, n, initial.get(tariff_col, float("nan")))
    if "tariff" in party.instruments:
        rows.append(
            (
                f"Tariff on {esc(partner.name)}",
                f"<b>{tariff:.1f}%</b> (floor {party.floor:.1f}%)",
            )
        )
    for gid, inst in info.controls:
        if gid != party.gid:
            continue
        col = f"control_{gid}_{inst}"
        level = int(run.value(col, n, initial.get(col, 0)))
        rows.append(
            (
                f"{esc(INSTRUMENT_LABELS.get(inst, inst).capitalize())} controls",
                f"<b>{esc(CONTROL_LEVEL_NAMES[level])}</b> (level {level} of 3)",
            )
        )
    esc_col = f"escalation_{party.gid}"
    escalation = run.value(esc_col, n, initial.get(esc_col, 0.0))
    rows.append(
        (
            "Escalation index",
            f"{meter(escalation, colour, info.threshold)}<b>{escalation:.2f}</b>",
        )
    )
    if n:
        lobbying = run.value(f"lobbying_{party.gid}", n)
        way = "escalate" if lobbying > 0 else "concede"
        rows.append(
            ("Firms' lobbying", f"<b>{lobbying:+.2f}</b> (on balance push to {way}; −1 … +1)")
        )
        rows.append(("Last move", move_html(run.value(f"move_{party.gid}", n))))
        welfare = run.value(f"welfare_{party.gid}", n)
        total = float(np.sum(run.column(f"welfare_{party.gid}", n)))
        rows.append(("Welfare", f"<b>{welfare:+.2f}</b> $bn this round, {total:+.1f} $bn so far"))
    strategy = run.model.governments[party.gid].strategy
    body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<div class="ns-party" data-gid="{esc(party.gid)}">'
        f'<div class="ns-card-title">{swatch(colour)}{esc(party.name)} ({esc(party.short)})'
        f"</div><div style='font-size:13px;margin:2px 0 4px 0'>Strategy: "
        f"<b>{esc(strategy.name)}</b> <span style='color:#555'>{esc(repr(strategy))}</span>"
        f"</div><table class='ns-kv'>{body}</table></div>"
    )


def stage_html(run: LiveRun, n: int) -> str:
    """This round's 3x3 stage game with its Nash equilibria and the moves made."""
    info = run.info
    a, b = info.parties
    if n < 1:
        return "<p>The stage game appears after the first round.</p>"
    payoffs = run.value("stage_payoffs", n) or ""
    if not payoffs:
        return "<p>Stage game not recorded for this run.</p>"
    pairs = [tuple(float(x) for x in cell.split(",")) for cell in payoffs.split(";")]
    pure = {tuple(p.split("/")) for p in (run.value("nash_pure", n) or "").split(";") if p}
    mixed = [m for m in (run.value("nash_mixed", n) or "").split(";") if m]
    played = (_action(run.value(f"move_{a.gid}", n)), _action(run.value(f"move_{b.gid}", n)))
    head = "".join(f"<th>{esc(b.short)} {MOVE_SYMBOLS[act]} {act}</th>" for act in ACTIONS)
    rows = []
    for i, row_act in enumerate(ACTIONS):
        cells = []
        for j, col_act in enumerate(ACTIONS):
            x, y = pairs[3 * i + j]
            classes = []
            marks = []
            if (row_act[0].upper(), col_act[0].upper()) in pure:
                classes.append("ns-nash")
                marks.append("★ Nash")
            if played == (row_act, col_act):
                classes.append("ns-played")
                marks.append("● played")
            note = f"<br><small>{' · '.join(marks)}</small>" if marks else ""
            cells.append(
                f'<td class="{" ".join(classes)}"><span style="color:{PARTY_COLOURS[0]}">'
                f'{x:+.2f}</span> / <span style="color:#8a5a00">{y:+.2f}</span>{note}</td>'
            )
        rows.append(
            f"<tr><th>{esc(a.short)} {MOVE_SYMBOLS[row_act]} {row_act}</th>{''.join(cells)}</tr>"
        )
    mixed_text = ""
    if mixed:
        items = "; ".join(
            esc(m.replace(" / ", f" for {a.short}  /  ", 1)) + f" for {esc(b.short)}" for m in mixed
        )
        mixed_text = (
            "<div style='font-size:12.5px'>Mixed equilibria (probabilities of E, H, C): "
            f"{items}</div>"
        )
    elif not pure:
        mixed_text = "<div style='font-size:12.5px'>No equilibrium found.</div>"
    else:
        mixed_text = "<div style='font-size:12.5px'>No mixed equilibrium.</div>"
    return (
        f"<table class='ns-matrix' aria-label='stage game payoffs'><tr><th>"
        f"{esc(a.short)} / {esc(b.short)}</th>{head}</tr>{''.join(rows)}</table>"
        f"{mixed_text}"
    )


def round_html(run: LiveRun, n: int) -> str:
    info = run.info
    a, b = info.parties
    if n < 1:
        upcoming = [e for e in info.events if e.round <= 3]
        text = "".join(
            f"<li>{EVENT_HTML.get(e.kind, '•')} round {e.round}: {esc(e.label)}</li>"
            for e in upcoming
        )
        return f"<div>Coming up:</div><ul style='margin:0'>{text}</ul>" if text else ""
    events = run.value("events", n) or "none"
    news = run.value("deal_news", n)
    parts = [
        f"<div><b>Round {n}</b> · {esc(fmt_date(info.date_of(n)))} · calendar: {esc(events)}</div>",
        f"<div>{esc(a.short)}: {move_html(run.value(f'move_{a.gid}', n))} &nbsp; "
        f"{esc(b.short)}: {move_html(run.value(f'move_{b.gid}', n))}</div>",
    ]
    for party in (a, b):
        offer = run.value(f"offer_{party.gid}", n)
        if offer:
            parts.append(f"<div style='font-size:12.5px'>Offer: {esc(offer)}</div>")
    if news:
        parts.append(f"<div><b>{esc(news)}</b></div>")
    return "".join(parts)


def moves_table_html(run: LiveRun, n: int) -> str:
    info = run.info
    a, b = info.parties
    head = (
        f"<tr><th>Round</th><th>Date</th><th>Calendar</th><th>{esc(a.short)} move</th>"
        f"<th>{esc(b.short)} move</th><th>Offers and deals</th><th>Outcome</th></tr>"
    )
    rows = []
    t = run.table
    for r in range(n, 0, -1):
        i = r - 1
        offers = [t[f"offer_{p.gid}"][i] for p in (a, b) if t[f"offer_{p.gid}"][i]]
        if t["deal_news"][i]:
            offers.append(f"<b>{esc(t['deal_news'][i])}</b>")
        offers_html = "<br>".join(o if o.startswith("<b>") else esc(o) for o in offers)
        outcome = t["outcome"][i]
        rows.append(
            f"<tr><td>{r}</td><td>{esc(fmt_date(info.date_of(r)))}</td>"
            f"<td>{esc(t['events'][i])}</td><td>{move_html(t[f'move_{a.gid}'][i])}</td>"
            f"<td>{move_html(t[f'move_{b.gid}'][i])}</td><td>{offers_html}</td>"
            f"<td>{swatch(OUTCOME_COLOURS[outcome])}{esc(outcome_label(outcome))}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan='7'>No rounds played yet.</td></tr>")
    table = f"<table class='ns-table ns-moves'>{head}{''.join(rows)}</table>"
    return f"<div class='ns-scroll'>{table}</div>"


def events_caption(run: LiveRun) -> str:
    info = run.info
    items = "; ".join(
        f"{EVENT_HTML.get(e.kind, '•')} round {e.round} ({esc(fmt_date(e.date))}) {esc(e.label)}"
        for e in info.events
    )
    outcomes = " ".join(
        f"{swatch(OUTCOME_COLOURS[o])}{esc(outcome_label(o))}" for o in OUTCOME_COLOURS
    )
    return (
        "Time runs left to right, one round per step; the lines stop at the current round. "
        f"Outcome strip: {outcomes}. Calendar (dotted lines; ● meeting, ★ summit, "
        f"▲ tariff threat, ◆ truce expiry, ■ control rule): {items or 'no events'}. "
        "Escalation index: the mean over a government's instruments of tariff / "
        f"{info.escalation_scale:g}% (capped at 1) and control level / 3; a trade war is "
        f"both at or above {info.threshold:.2f} for {info.war_rounds} rounds in a row. "
        "Welfare: national welfare against free trade, $bn per round."
    )


FIRMS_CAPTION = (
    "Each row is a firm group (country and sector). Left: the group's profit each round "
    "against its normal (free-trade) profit — brown is a loss, green a gain. Middle: the "
    "share of its firms whose profit is more than 1% below normal (they lobby their "
    "government to concede, green) or more than 1% above it (protected firms, they lobby to "
    "escalate, red). Right: the group's mean stance, profit change / normal profit capped "
    "at ±1."
)


# ---------------------------------------------------------------------- components
@solara.component
def LiveTab(session: Session):
    """Run controls and the live view. The only component that reads the round counter,
    so a step re-renders this subtree in one pass."""
    run = session.run.value
    n = session.rounds.value
    playing = session.playing.value
    if run is None:
        solara.Text("Loading…")
        return
    n = min(n, run.rounds_done)
    RunControls(session, run, n, playing)
    LiveView(session, run, n)


def stage_caption(run: LiveRun) -> str:
    a, b = run.info.parties
    return (
        f"Stage game: each cell is one round's payoff ({esc(a.short)} / {esc(b.short)} "
        "utility, $bn per round) if both made those moves, as recorded by the model for this "
        "round. ★ Nash equilibrium (neither gains by changing its move alone); ● the moves "
        "actually made."
    )


def cards_html(run: LiveRun, n: int, error: str) -> str:
    """Banner, the two government cards and the 'this round' card, in one snippet."""
    parts = [banner_html(run, n)]
    if error:
        parts.append(f"<div class='ns-run-error' role='alert'>{esc(error)}</div>")
    parts.append("<div class='ns-cards'>")
    for k in range(2):
        parts.append(f"<div class='ns-card ns-party-card-{k}'>{party_html(run, n, k)}</div>")
    parts.append(
        "<div class='ns-card ns-this-round'><div class='ns-card-title'>This round</div>"
        f"{round_html(run, n)}{stage_html(run, n)}"
        f"<div class='ns-caption'>{stage_caption(run)}</div></div></div>"
    )
    return "".join(parts)


@solara.component
def LiveView(session: Session, run: LiveRun, n: int):
    """Few widgets on purpose: each is reconciled on every round (see ``Island``)."""
    with solara.Column(gap="10px", classes=["ns-live"]):
        solara.HTML(tag="div", unsafe_innerHTML=cards_html(run, n, session.run_error.value))
        with solara.Div(classes=["ns-live-grid"]):
            with solara.Div():
                solara.HTML(
                    tag="h3",
                    unsafe_innerHTML="Instruments, escalation and welfare over time",
                    classes=["ns-h3"],
                )
                ChartCanvas(session.timeline, run, n, "timeline")
                Caption(events_caption(run))
            with solara.Div():
                solara.HTML(
                    tag="h3",
                    unsafe_innerHTML="Firms: who gains, who loses, who lobbies which way",
                    classes=["ns-h3"],
                )
                ChartCanvas(session.firms, run, n, "firms")
                Caption(
                    f"{esc(FIRMS_CAPTION)}<h3 class='ns-h3' style='margin-top:10px'>Moves and "
                    "offers, round by round (newest first)</h3>"
                    f"{moves_table_html(run, n)}"
                )


@solara.component
def RunExports(session: Session):
    """CSV of the run and the two charts as PNG/SVG, as they are when pressed. Outside
    the live island: the data is read when a button is pressed."""
    run = session.run.value
    if run is None:
        return
    RunExportButtons(session, run)


@solara.component
def RunExportButtons(session: Session, run: LiveRun):

    def make_items():
        def now() -> int:
            return min(session.rounds.value, run.rounds_done)

        def csv() -> str:
            return run.trajectory().to_csv(index=False)

        def chart(which: str, fmt: str):
            return lambda: getattr(session, which).export(run, now(), fmt)

        return csv, {
            (which, fmt): chart(which, fmt)
            for which in ("timeline", "firms")
            for fmt in ("png", "svg")
        }

    csv, charts = solara.use_memo(make_items, [session, run])
    stem = f"{run.scenario.stem}_seed{run.seed}"
    mime = {"png": "image/png", "svg": "image/svg+xml"}
    items = [("Run (CSV)", f"{stem}.csv", csv, "text/csv")]
    for (which, fmt), data in charts.items():
        items.append(
            (f"{which.capitalize()} ({fmt.upper()})", f"{stem}_{which}.{fmt}", data, mime[fmt])
        )
    with solara.Row(gap="8px", style={"align-items": "center"}):
        solara.Text("Download the run as it is now:", style={"font-weight": "600"})
        Downloads(items, "run")

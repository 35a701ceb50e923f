"""The live view of one run: run controls and the outcome banner on top, the timeline
chart beside the two government cards and this round's stage game (so that a chart is
on the first screen), then the firms chart beside the table of moves, and exports.

The panels are HTML snippets built from the run's record (``live_html.py``, cheap to
rebuild every round); the two charts are ``ChartCanvas``es that receive only what
changed."""

from __future__ import annotations

import solara

from negotiation_sim.app import live_html as lh
from negotiation_sim.app.controls import RunControls
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.session import Session
from negotiation_sim.app.widgets import ChartCanvas
from negotiation_sim.ui.components import Caption, Downloads
from negotiation_sim.ui.html import esc


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


@solara.component
def LiveView(session: Session, run: LiveRun, n: int):
    """Few widgets on purpose: each is reconciled on every round (see ``Island``)."""
    with solara.Column(gap="8px", classes=["ns-live"]):
        solara.HTML(tag="div", unsafe_innerHTML=lh.banner_html(run, n))
        with solara.Div(classes=["ns-live-grid"]):
            with solara.Div(classes=["ns-timeline-cell"]):
                solara.HTML(
                    tag="h3",
                    unsafe_innerHTML="Instruments, escalation and welfare over time",
                    classes=["ns-h3"],
                )
                ChartCanvas(session.timeline, run, n, "timeline")
                Caption(lh.events_caption(run))
            solara.HTML(
                tag="div",
                unsafe_innerHTML=lh.cards_html(run, n, session.run_error.value),
                classes=["ns-cards"],
            )
        with solara.Div(classes=["ns-live-grid", "ns-live-bottom"]):
            with solara.Div(classes=["ns-firms-cell"]):
                solara.HTML(
                    tag="h3",
                    unsafe_innerHTML="Firms: who gains, who loses, who lobbies which way",
                    classes=["ns-h3"],
                )
                ChartCanvas(session.firms, run, n, "firms")
                Caption(esc(lh.firms_caption()))
            with solara.Div(classes=["ns-moves-cell"]):
                solara.HTML(
                    tag="h3",
                    unsafe_innerHTML="Moves and offers, newest first",
                    classes=["ns-h3"],
                )
                Caption(
                    "Rounds where something happened (a move other than hold, an offer, "
                    "news, a calendar event or a new outcome) are highlighted; a stretch "
                    "of quiet rounds is folded into one line."
                )
                solara.HTML(tag="div", unsafe_innerHTML=lh.moves_table_html(run, n))


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

        def chart(which: str, fmt: str):
            return lambda: getattr(session, which).export(run, now(), fmt)

        return {
            (which, fmt): chart(which, fmt)
            for which in ("timeline", "firms")
            for fmt in ("png", "svg")
        }

    charts = solara.use_memo(make_items, [session, run])
    stem = f"{run.scenario.stem}_seed{run.seed}"
    mime = {"png": "image/png", "svg": "image/svg+xml"}
    items = [("Run (CSV)", f"{stem}.csv", run.csv, "text/csv")]
    for (which, fmt), data in charts.items():
        items.append(
            (f"{which.capitalize()} ({fmt.upper()})", f"{stem}_{which}.{fmt}", data, mime[fmt])
        )
    with solara.Row(gap="8px", style={"align-items": "center"}):
        solara.Text("Download the run as it is now:", style={"font-weight": "600"})
        Downloads(items, "run")

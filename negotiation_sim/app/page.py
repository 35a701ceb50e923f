"""The app's page: a header that says what you are watching, the settings on the left,
and four tabs (live run, ensemble, compare, how to read it)."""

from __future__ import annotations

import solara

from negotiation_sim.app.controls import SettingsPanel
from negotiation_sim.app.ensemble_view import CompareView, EnsembleView
from negotiation_sim.app.live_view import LiveTab, RunExports
from negotiation_sim.app.session import Session, new_session
from negotiation_sim.app.style import CSS
from negotiation_sim.app.widgets import Island
from negotiation_sim.core import OUTCOMES
from negotiation_sim.ui.html import esc, outcome_swatch, swatch
from negotiation_sim.ui.palette import MOVE_SYMBOLS, PARTY_COLOURS
from negotiation_sim.views.words import OUTCOME_MEANINGS, instrument_label


def lead_html(session: Session) -> str:
    """The title and a two-line summary of what the page shows."""
    run = session.run.value
    if run is None:
        return ""
    info = run.info
    a, b = info.parties
    instruments = sorted({i for p in info.parties for i in p.instruments})
    tools = ", ".join(instrument_label(i) for i in instruments)
    firms = sum(g.firms for g in info.groups)
    return (
        f"<div class='ns-title'>{esc(info.title)}</div>"
        f"<p class='ns-lead'>{swatch(PARTY_COLOURS[0])}<b>{esc(a.name)}</b> and "
        f"{swatch(PARTY_COLOURS[1])}<b>{esc(b.name)}</b> negotiate round by round "
        f"({info.round_days} days each): each chooses to <b>{MOVE_SYMBOLS['escalate']} "
        f"escalate</b>, <b>{MOVE_SYMBOLS['hold']} hold</b> or <b>{MOVE_SYMBOLS['concede']} "
        f"concede</b> with its instruments ({esc(tools)}) and may offer a deal, while "
        f"{firms} firms lobby. The run heads for a <b>truce</b>, a <b>deal</b>, a "
        "<b>trade war</b> or a <b>stalemate</b> (the banner). <b>Ensemble</b> runs many "
        "seeds.</p>"
    )


HOW_TO = (
    "<h3 style='margin-top:0'>How to read this app</h3>"
    "<ol style='line-height:1.5'>"
    "<li><b>Step</b> plays one round; <b>Play</b> keeps stepping at the chosen speed until "
    "the horizon; <b>Reset</b> starts again with the settings on the left (and their "
    "seed).</li>"
    "<li><b>The banner</b> says the outcome state now, since which round and date, and "
    "whether the escalation indices are rising or falling.</li>"
    "<li><b>The timeline</b> shows the outcome strip, tariffs, export controls, escalation "
    "and welfare round by round, with the scenario's calendar (meetings, summits, threats, "
    "truce expiry, control rules) marked; the dots are the levels before round 1.</li>"
    "<li><b>The two government cards</b> show each side's instruments now (average tariff on "
    "the partner, export-control level 0 none – 3 extraterritorial), its escalation index "
    "(0 = no pressure, 1 = full; the black tick is the trade-war threshold), what its firms "
    "lobby for, its last move and its welfare against free trade ($bn).</li>"
    "<li><b>This round</b> shows the moves, any offer or deal, and the one-round "
    "<b>stage game</b>: the payoff each side would get for every pair of moves, with its Nash "
    "equilibria — compare them with what the strategies actually played.</li>"
    "<li><b>The firms chart</b> shows which firm groups lose or gain and which way they "
    "lobby: protected firms push to escalate, hurt exporters and importers push to "
    "concede. <b>The moves table</b> lists the rounds newest first, highlights the rounds "
    "where something happened and folds quiet stretches into one line.</li>"
    "<li><b>Ensemble</b> repeats the run with many seeds; <b>Compare</b> does it for two "
    "settings side by side. When nothing in the negotiation is left to chance "
    "(deterministic strategies, fixed private resolve, no noise), seeds differ only in "
    "the firms drawn, and the page says so; after an ensemble it also says when all its "
    "runs took the same path.</li></ol>"
    "<p><b>Outcome states</b>: "
    + "; ".join(f"{outcome_swatch(o)}: {esc(OUTCOME_MEANINGS[o])}" for o in OUTCOMES)
    + ".</p><p>The model, its equations and sources are documented in docs/model.md; the "
    "app in docs/app.md.</p>"
)


@solara.component
def Page(session: Session | None = None):
    """The app. Every browser page gets a ``Session`` of its own (its model, charts,
    threads and settings); tests and benchmarks may pass one in to look inside."""
    session = solara.use_memo(lambda: session or new_session(), [])
    tab = solara.use_reactive(0)
    solara.Style(CSS)
    solara.Title("Trade negotiation simulator")

    def stop_on_close():
        return session.close  # the page went away: stop playing, cancel ensembles

    solara.use_effect(stop_on_close, [])
    with solara.Column(gap="0px", classes=["ns-app"]), solara.Div(classes=["ns-shell"]):
        with solara.Div(classes=["ns-side"]):
            SettingsPanel(session)
        with solara.Div(classes=["ns-main"]):
            Header(session)
            with solara.lab.Tabs(value=tab, lazy=True):
                with (
                    solara.lab.Tab("Live run", icon_name="mdi-play-circle-outline"),
                    solara.Column(gap="8px", style={"padding-top": "8px"}),
                ):
                    # the live view renders on its own: a step re-renders it alone
                    Island(lambda: LiveTab(session), "live", session.islands)
                    RunExports(session)
                with (
                    solara.lab.Tab("Ensemble", icon_name="mdi-chart-bell-curve"),
                    solara.Column(style={"padding-top": "8px"}),
                ):
                    EnsembleView(session)
                with (
                    solara.lab.Tab("Compare", icon_name="mdi-compare"),
                    solara.Column(style={"padding-top": "8px"}),
                ):
                    CompareView(session)
                with solara.lab.Tab("How to read this", icon_name="mdi-help-circle-outline"):
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=HOW_TO,
                        style="max-width:900px;padding-top:8px;font-size:15px",
                    )


@solara.component
def Header(session: Session):
    session.run.value  # re-render when the scenario changes  # noqa: B018
    solara.HTML(tag="div", unsafe_innerHTML=lead_html(session))

"""The ensemble view (many seeds of the current settings, in the background) and the
compare view (two settings side by side)."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd
import solara

from negotiation_sim.app import ensemble_charts as ec
from negotiation_sim.app import episode_overlay as eo
from negotiation_sim.app import settings as st
from negotiation_sim.app.controls import ValueSlider
from negotiation_sim.app.session import (
    MAX_ENSEMBLE_RUNS,
    EnsembleJob,
    JobState,
    Session,
    Setting,
)
from negotiation_sim.app.widgets import StaticImage
from negotiation_sim.core import OUTCOMES
from negotiation_sim.runs.ensemble import EnsembleResult
from negotiation_sim.runs.execution import check_workers, default_workers, max_workers
from negotiation_sim.scenario import ScenarioError
from negotiation_sim.ui.components import Caption, Downloads, ErrorBox, Help, Note
from negotiation_sim.ui.html import esc, outcome_swatch
from negotiation_sim.views import same_path_note, seed_variation


# ---------------------------------------------------------------------- shared pieces
def outcome_table_html(tables: list[tuple[str, pd.DataFrame]], name: str) -> str:
    """Outcome probabilities with 95% Wilson intervals; exact values in data attributes."""
    head = "<tr><th>Final outcome</th>" + "".join(
        f"<th>{esc(label) + ': p' if label else 'P'}robability</th><th>95% interval</th>"
        "<th>runs</th>"
        for label, _ in tables
    )
    rows = []
    indexed = [(label, t.set_index("outcome")) for label, t in tables]
    for outcome in OUTCOMES:
        cells = [f"<td>{outcome_swatch(outcome)}</td>"]
        for s, (_, t) in enumerate(indexed):
            row = t.loc[outcome]
            cells.append(
                f'<td class="ns-p" data-setting="{s}" data-outcome="{outcome}" '
                f'data-p="{row["probability"]:.10f}">{100 * row["probability"]:.1f}%</td>'
                f"<td>{100 * row['ci_low']:.1f}–{100 * row['ci_high']:.1f}%</td>"
                f"<td>{int(row['runs'])}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    totals = ["<td><b>Total</b></td>"]
    for s, (_, t) in enumerate(indexed):
        p = float(t["probability"].sum())
        totals.append(
            f'<td class="ns-total" data-setting="{s}" data-p="{p:.10f}"><b>{100 * p:.1f}%</b></td>'
            f"<td></td><td>{int(t['runs'].sum())}</td>"
        )
    rows.append(f"<tr>{''.join(totals)}</tr>")
    return (
        f"<table class='ns-table ns-prob ns-outcomes-{name}' style='width:auto'>{head}</tr>"
        f"{''.join(rows)}</table>"
    )


def job_problems(runs: object, seed: object, workers: object) -> list[str]:
    """Why the job controls' values cannot start a job (empty if they can): runs from 1
    to ``MAX_ENSEMBLE_RUNS``, a seed >= 0, workers within this machine's ``max_workers()``."""
    problems = []
    if not isinstance(runs, int) or not 1 <= runs <= MAX_ENSEMBLE_RUNS:
        problems.append(f"Runs must be a whole number from 1 to {MAX_ENSEMBLE_RUNS:,}.")
    if not isinstance(seed, int) or seed < 0:
        problems.append("The base seed must be a whole number ≥ 0.")
    problems += check_workers(workers, "Worker processes")
    return problems


@solara.component
def JobControls(
    job: EnsembleJob,
    on_run,
    runs: solara.Reactive[int],
    seed: solara.Reactive[int],
    workers: solara.Reactive[int],
    name: str,
    run_label: str,
):
    state: JobState = job.state.value
    problems = job_problems(runs.value, seed.value, workers.value)
    with solara.Row(gap="12px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
        with solara.Column(gap="0px", style={"width": "150px"}):
            solara.InputInt("Runs (seeds)", value=runs, classes=[f"ns-runs-{name}"])
            Help(f"1 to {MAX_ENSEMBLE_RUNS:,}.")
        with solara.Column(gap="0px", style={"width": "150px"}):
            solara.InputInt("Base seed", value=seed, classes=[f"ns-base-seed-{name}"])
            Help("Run i uses a seed derived from it.")
        with solara.Column(gap="0px", style={"width": "150px"}):
            solara.InputInt("Worker processes", value=workers)
            w = workers.value
            where = (
                ("in the server process" if w == 1 else f"in {w} processes")
                if isinstance(w, int)
                else "?"
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=esc(
                    f"Runs {where}; this machine has {default_workers()} cores "
                    f"(at most {max_workers()} processes)."
                ),
                classes=["ns-help", f"ns-workers-{name}"],
                attributes={"data-workers": str(w)},
            )
        with solara.Row(gap="8px", style={"align-items": "center", "padding-top": "10px"}):
            count = f"{runs.value:,}" if isinstance(runs.value, int) else "?"
            solara.Button(
                run_label.format(runs=count),
                icon_name="mdi-play-box-multiple",
                color="primary",
                on_click=on_run,
                disabled=state.busy or bool(problems),
                classes=[f"ns-run-{name}"],
            )
            solara.Button(
                "Cancel",
                icon_name="mdi-stop",
                on_click=job.cancel,
                disabled=state.status != "running",
                outlined=True,
                classes=[f"ns-cancel-{name}"],
            )
    for problem in problems:
        solara.Error(problem, dense=True)
    if state.status != "idle":
        done, total = state.done, max(state.total, 1)
        elapsed = state.elapsed if not state.busy else time.perf_counter() - state.started
        words = {
            "running": "running",
            "cancelling": "cancelling (finishing the runs in progress)…",
            "done": "done",
            "cancelled": "cancelled: showing the runs that finished",
            "error": "failed",
        }[state.status]
        solara.ProgressLinear(
            value=100 * done / total, color="primary" if state.status != "error" else "error"
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="ns-progress-{name}" data-status="{state.status}" '
                f'data-done="{done}" data-total="{state.total}">{done:,} of {state.total:,} runs'
                f"</span> · {esc(words)} · {elapsed:.1f} s · {state.workers} worker process"
                f"{'es' if state.workers != 1 else ''}"
            ),
            style="font-size:13.5px",
        )
    if state.status == "error":
        ErrorBox("The ensemble failed:", [state.error], name)


def _figures(
    result: EnsembleResult, ctx: ec.Context, observed: tuple[eo.ObservedSeries, ...]
) -> dict[str, bytes]:
    return {
        "fans": ec.render(
            lambda f: ec.build_fans(f, result, ctx, observed=observed), ec.fans_size(observed)
        ),
        "phase": ec.render(lambda f: ec.build_phase(f, result, ctx), "phase"),
        "shares": ec.render(lambda f: ec.build_shares(f, result, ctx), "shares"),
    }


# ---------------------------------------------------------------------- ensemble view
@solara.component
def EnsembleView(session: Session):
    applied = session.applied.value
    runs = solara.use_reactive(200)
    seed = solara.use_reactive(applied.seed)
    workers = solara.use_reactive(default_workers())
    job = session.ensemble
    state: JobState = job.state.value
    scenario = session.scenario.value

    def start():
        setting = session.current_setting()
        if setting is not None:
            job.start([setting], runs.value, seed.value, workers.value)

    with solara.Column(gap="8px", classes=["ns-ensemble"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Run the <b>current settings</b> (the ones in force in the live run"
                + (
                    f": {esc(', '.join(scenario.overrides))}"
                    if scenario and scenario.overrides
                    else ""
                )
                + ") with many seeds, in background processes, to see how likely each "
                "outcome is. The page stays usable while it runs; Cancel keeps the runs that "
                "finished."
                + (
                    f" Back-test episode <b>{esc(session.episode.value.name)}</b>: what was "
                    "observed is drawn over the tariff fan chart."
                    if session.episode.value is not None
                    else ""
                )
            ),
            classes=["ns-lead"],
        )
        if scenario is not None:
            Note(seed_variation(scenario.config).note, "same-run")
        JobControls(job, start, runs, seed, workers, "ensemble", "Run {runs} seeds")
        if state.results and state.settings:
            EnsembleResults(state.settings[0], state.results[0], state.base_seed)


@solara.component
def EnsembleResults(setting: Setting, result: EnsembleResult, base_seed: int):
    if result.summaries.empty:
        solara.Warning("No run finished.")
        return
    EnsembleFigures(setting, result, base_seed)


@solara.component
def EnsembleFigures(setting: Setting, result: EnsembleResult, base_seed: int):
    ctx = solara.use_memo(lambda: ec.context(setting.scenario), [setting])
    table = solara.use_memo(result.outcome_table, [result])
    rounds = next(iter(result.series.values())).shape[1] if result.series else 0
    observed = solara.use_memo(
        lambda: eo.observed_series(setting.episode, ctx, rounds), [setting, result]
    )
    figures = solara.use_memo(lambda: _figures(result, ctx, observed), [result])
    n = len(result.summaries)
    outcomes_png = solara.use_memo(
        lambda: ec.render(lambda f: ec.build_outcomes(f, [("", table)], [n]), "outcomes"),
        [result],
    )
    stem = f"{setting.scenario.stem}_ensemble_{n}runs_seed{base_seed}"
    gids = (ctx.parties[0].gid, ctx.parties[1].gid)
    same = solara.use_memo(lambda: same_path_note(result, gids), [result])
    Note(same, "same-path")
    with solara.Columns([1, 1.35], gutters_dense=True):
        with solara.Column(gap="4px"):
            solara.HTML(
                tag="h3", unsafe_innerHTML="Outcome probabilities", style="margin:0;font-size:16px"
            )
            solara.HTML(tag="div", unsafe_innerHTML=outcome_table_html([("", table)], "ensemble"))
            Caption(
                f"{n:,} runs{' (cancelled early)' if result.cancelled else ''}, "
                f"{result.elapsed:.1f} s. The final outcome of each run (its last round); "
                "95% Wilson score intervals."
            )
            StaticImage(outcomes_png, "Outcome probabilities with 95% intervals", "outcomes")
        with solara.Column(gap="4px"):
            solara.HTML(
                tag="h3", unsafe_innerHTML="Escalation phase plot", style="margin:0;font-size:16px"
            )
            StaticImage(
                figures["phase"],
                f"Phase plot: escalation of {ctx.names[0]} against {ctx.names[1]}, one line "
                "per run coloured by its final outcome",
                "phase",
            )
            Caption(
                "One faint line per run: the two escalation indices round by round, coloured "
                "by the run's final outcome; a dot marks where it ended. Each run is shifted "
                "by at most 0.012 so that runs on the same path stay visible. Dashed boxes: the "
                f"trade-war region (both ≥ {ctx.threshold:.2f}) and the comprehensive-deal "
                "region (tariffs at their floors, no export controls)."
            )
    solara.HTML(tag="h3", unsafe_innerHTML="Fan charts", style="margin:6px 0 0 0;font-size:16px")
    points = sum(len(s.points) for s in observed)
    StaticImage(
        figures["fans"],
        "Fan charts of tariffs and escalation"
        + (" with the observed tariffs of the back-test episode" if observed else ""),
        "fans",
        data={"observed": str(points), "legend": " | ".join(s.label for s in observed)}
        if observed
        else None,
    )
    Caption(
        "The line is the median run at each round; the band holds 80% of runs "
        "(10th to 90th percentile)."
        + (
            " Diamonds joined by dots: the episode's observed tariffs, each in the round "
            "holding its date (listed below, with their sources)."
            if observed
            else ""
        )
    )
    if observed and setting.episode is not None:
        with solara.Details(f"Observed ({points} points, {setting.episode.name})"):
            solara.HTML(tag="div", unsafe_innerHTML=eo.observed_html(setting.episode, observed))
    StaticImage(figures["shares"], "Share of runs in each outcome state by round", "shares", 720)
    EnsembleExports(setting, result, table, stem, ctx, observed)


@solara.component
def EnsembleExports(setting: Setting, result: EnsembleResult, table, stem: str, ctx, observed=()):
    def make():
        n = len(result.summaries)
        charts = {
            "outcomes": (lambda f: ec.build_outcomes(f, [("", table)], [n]), "outcomes"),
            "phase": (lambda f: ec.build_phase(f, result, ctx), "phase"),
            "fans": (
                lambda f: ec.build_fans(f, result, ctx, observed=observed),
                ec.fans_size(observed),
            ),
            "shares": (lambda f: ec.build_shares(f, result, ctx), "shares"),
        }
        items = [
            (
                "Runs (CSV)",
                f"{stem}_runs.csv",
                lambda: result.summaries.to_csv(index=False),
                "text/csv",
            ),
            (
                "Outcomes (CSV)",
                f"{stem}_outcomes.csv",
                lambda: table.to_csv(index=False),
                "text/csv",
            ),
            (
                "Per-round series (CSV)",
                f"{stem}_series.csv",
                lambda: ec.series_long(result, ctx).to_csv(index=False),
                "text/csv",
            ),
        ]
        for key, (builder, size) in charts.items():
            for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
                items.append(
                    (
                        f"{key.capitalize()} ({fmt.upper()})",
                        f"{stem}_{key}.{fmt}",
                        lambda b=builder, s=size, f=fmt: ec.render(b, s, f),
                        mime,
                    )
                )
        return items

    items = solara.use_memo(make, [result])
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text("Download:", style={"font-weight": "600"})
        Downloads(items, "ensemble")


# ---------------------------------------------------------------------- compare view
def describe(settings: st.Settings, reference: st.Settings) -> str:
    """How ``settings`` differ from ``reference``, in a few words."""
    parts = []
    for gid, name in settings.strategy.items():
        if name != reference.strategy.get(gid) or settings.params.get(gid) != reference.params.get(
            gid
        ):
            parts.append(f"{gid.upper() if len(gid) <= 3 else gid}: {name}")
    if settings.stockpile_scale != reference.stockpile_scale:
        parts.append(f"stockpiles ×{settings.stockpile_scale:g}")
    if settings.elasticity != reference.elasticity:
        parts.append(f"elasticity {settings.elasticity:g}")
    if settings.perception_noise != reference.perception_noise:
        parts.append(f"perception noise {settings.perception_noise:g}")
    return ", ".join(parts) or "as the current settings"


@solara.component
def CompareEditor(session: Session, which: str, value: solara.Reactive):
    base = session.base.value
    s: st.Settings = value.value
    with solara.Card(f"Setting {which}", margin=0, classes=[f"ns-compare-{which.lower()}"]):
        for gid in base.parties:
            gov_name = base.config.governments[gid].name
            solara.Select(
                label=f"Strategy of {gov_name}",
                values=list(st.APP_STRATEGIES),
                value=s.strategy.get(gid),
                on_value=lambda v, gid=gid: value.set(value.value.with_strategy(gid, v)),
            )
        groups = st.rare_earth_groups(base)
        ValueSlider(
            "Rare-earth stockpiles", f"stockpile-{which.lower()}", s.stockpile_scale,
            "×{:g} scenario", 4.0, 0.25,
            lambda v: value.set(replace(value.value, stockpile_scale=v)), disabled=not groups,
        )  # fmt: skip
        solara.InputFloat(
            "Import-demand elasticity",
            value=s.elasticity,
            on_value=lambda v: v is not None and value.set(replace(value.value, elasticity=v)),
        )
        Help("Other settings as in the live run: " + describe(s, session.applied.value) + ".")


def compare_note(session: Session) -> str:
    """The same-run note for whichever of settings A and B leave nothing to chance."""
    same = []
    for which, value in (("A", session.compare_a.value), ("B", session.compare_b.value)):
        try:
            scenario = session.make_setting(which, value).scenario
        except ScenarioError:
            continue
        if seed_variation(scenario.config).same_negotiation:
            same.append(which)
    if not same:
        return ""
    who = "both settings" if len(same) == 2 else f"setting {same[0]}"
    return (
        f"With {who}, nothing in the negotiation is left to chance: the strategies are "
        "deterministic, the private resolve is fixed and there is no noise or deal-break "
        "hazard, so the seeds change only the firms drawn and the shares are not chances."
    )


@solara.component
def CompareView(session: Session):
    applied = session.applied.value
    runs = solara.use_reactive(200)
    seed = solara.use_reactive(applied.seed)
    workers = solara.use_reactive(default_workers())
    errors, set_errors = solara.use_state([])
    job = session.compare
    state: JobState = job.state.value
    if session.compare_a.value is None or session.compare_b.value is None:
        solara.Text("Loading…")
        return

    def start():
        try:
            settings = [
                session.make_setting("A", session.compare_a.value),
                session.make_setting("B", session.compare_b.value),
            ]
        except ScenarioError as exc:
            set_errors(list(exc.messages))
            return
        set_errors([])
        job.start(settings, runs.value, seed.value, workers.value)

    with solara.Column(gap="8px", classes=["ns-compare"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Compare two settings with the same seeds: e.g. two strategy pairs, or two "
                "stockpile levels. Both start from the settings in force in the live run."
            ),
            classes=["ns-lead"],
        )
        with solara.Columns([1, 1], gutters_dense=True):
            CompareEditor(session, "A", session.compare_a)
            CompareEditor(session, "B", session.compare_b)
        ErrorBox("These settings cannot be applied:", errors, "compare")
        Note(compare_note(session), "same-run")
        JobControls(job, start, runs, seed, workers, "compare", "Run both, {runs} seeds each")
        if len(state.results) == 2:
            CompareResults(state)


@solara.component
def CompareResults(state: JobState):
    (sa, ra), (sb, rb) = zip(state.settings, state.results, strict=True)
    ctx = solara.use_memo(lambda: ec.context(sa.scenario), [state])
    tables = solara.use_memo(
        lambda: [("A", ra.outcome_table()), ("B", rb.outcome_table())], [state]
    )
    counts = [len(ra.summaries), len(rb.summaries)]
    png = solara.use_memo(
        lambda: ec.render(lambda f: ec.build_outcomes(f, tables, counts), "outcomes2"), [state]
    )
    fans = solara.use_memo(
        lambda: [
            ec.render(lambda f, r=r: ec.build_fans(f, r, ctx, "escalation"), "fan")
            for r in (ra, rb)
        ],
        [state],
    )
    gids = (ctx.parties[0].gid, ctx.parties[1].gid)
    for which, r in (("A", ra), ("B", rb)):
        text = same_path_note(r, gids)
        Note(f"Setting {which}: {text}" if text else "", f"same-path-{which.lower()}")
    label_a = describe(sa.settings, sa.settings)
    label_b = describe(sb.settings, sa.settings)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<b>A</b>: {esc(label_a)} · <b>B</b>: {esc(label_b)}",
        style="font-size:14px",
    )
    with solara.Columns([1, 1.2], gutters_dense=True):
        with solara.Column(gap="4px"):
            solara.HTML(tag="div", unsafe_innerHTML=outcome_table_html(tables, "compare"))
            Caption("Same seeds for A and B; 95% Wilson score intervals.")
        StaticImage(png, "Outcome probabilities of settings A and B", "compare-outcomes")
    with solara.Columns([1, 1], gutters_dense=True):
        for which, img in zip("AB", fans, strict=True):
            with solara.Column(gap="2px"):
                solara.HTML(tag="div", unsafe_innerHTML=f"<b>{which}</b>: escalation fan chart")
                StaticImage(img, f"Escalation fan chart of setting {which}", f"fan-{which}")

    def make():
        both = pd.concat(
            [ra.summaries.assign(setting="A"), rb.summaries.assign(setting="B")], ignore_index=True
        )
        outcomes = pd.concat([t.assign(setting=label) for label, t in tables], ignore_index=True)
        return [
            ("Runs A+B (CSV)", "compare_runs.csv", lambda: both.to_csv(index=False), "text/csv"),
            (
                "Outcomes (CSV)",
                "compare_outcomes.csv",
                lambda: outcomes.to_csv(index=False),
                "text/csv",
            ),
            (
                "Chart (PNG)",
                "compare_outcomes.png",
                lambda: ec.render(
                    lambda f: ec.build_outcomes(f, tables, counts), "outcomes2", "png"
                ),
                "image/png",
            ),
            (
                "Chart (SVG)",
                "compare_outcomes.svg",
                lambda: ec.render(
                    lambda f: ec.build_outcomes(f, tables, counts), "outcomes2", "svg"
                ),
                "image/svg+xml",
            ),
        ]

    items = solara.use_memo(make, [state])
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text("Download:", style={"font-weight": "600"})
        Downloads(items, "compare")

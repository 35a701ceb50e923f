"""The settings panel (scenario, upload, strategies, economy, noise, horizon, seed) and
the run controls (step, play/pause, speed, reset)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import solara
import traitlets
from ipyvuetify.extra import FileInput
from ipyvuetify.extra import file_input as _file_input

from negotiation_sim.app import settings as st
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.live_text import fmt_date
from negotiation_sim.app.session import NO_EPISODE, SPEEDS, Session
from negotiation_sim.strategies import STRATEGIES
from negotiation_sim.ui.components import ErrorBox, Help, Note
from negotiation_sim.ui.html import esc, swatch
from negotiation_sim.ui.palette import PARTY_COLOURS
from negotiation_sim.views import seed_variation


# ---------------------------------------------------------------------- upload
def _template() -> str:
    # ipyvuetify 1.12's template says "modules.export", which logs a warning in the browser
    # console; and it has no label. Same template otherwise.
    text = _file_input.load_template("file_input.vue").replace("modules.export", "module.exports")
    return text.replace("<v-file-input", '<v-file-input label="Scenario file (.toml)"', 1)


class ScenarioFileInput(FileInput):
    """ipyvuetify's file input (a real ``<input type=file>``) with a label."""

    template = traitlets.Unicode(_template()).tag(sync=True)


@solara.component
def UploadScenario(on_upload: Callable[[str, bytes], None]):
    """A file chooser for a scenario TOML file. The browser sends the file in chunks
    when asked, so it is read in a thread, then handed to ``on_upload``."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    element = ScenarioFileInput.element(
        accept=".toml,text/plain,application/toml",
        multiple=False,
        show_progress=False,
        on_file_info=set_file_info,
    )

    def wire():  # in the render context: find the widget and its files
        if not file_info:
            return
        widget = solara.get_widget(element)
        widget.version += 1
        widget.reset_stats()
        set_wired((widget, widget.get_files()))

    solara.use_effect(wire, [file_info])

    def read(cancel=None):
        if not wired:
            return
        widget, files = wired
        if not files:
            return
        data = files[0]["file_obj"].read()
        on_upload(files[0]["name"], data)
        widget.clear()  # the same file can be chosen again

    solara.use_thread(read, [wired])
    return element


# ---------------------------------------------------------------------- settings panel
@solara.component
def SettingsPanel(session: Session):
    base = session.base.value
    draft = session.draft.value
    applied = session.applied.value
    if base is None:
        solara.Text("Loading…")
        return
    with solara.Column(gap="2px", classes=["ns-settings"]):
        solara.HTML(tag="h3", unsafe_innerHTML="Scenario", style="margin:0;font-size:16px")
        solara.Select(
            label="Scenario",
            values=session.choices.value,
            value=session.choice.value,
            on_value=session.select,
        )
        Help("A shipped scenario from scenarios/, or one you uploaded below.")
        UploadScenario(session.upload)
        Help("Checked like `negotiation-sim validate`; problems are listed below.")
        ErrorBox("This scenario file is not valid:", session.upload_errors.value, "upload")
        if session.upload_note.value:
            solara.Success(session.upload_note.value, dense=True)
        EpisodePicker(session)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{esc(base.name)}</b>",
            style="font-size:13.5px;margin-top:6px",
        )
        with solara.Details("About this scenario"):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=esc(base.config.meta.description),
                style="font-size:13px",
            )
        solara.HTML(
            tag="h3", unsafe_innerHTML="Governments", style="margin:10px 0 0 0;font-size:16px"
        )
        for k, gid in enumerate(base.parties):
            StrategyEditor(session, k, gid)
        solara.HTML(
            tag="h3", unsafe_innerHTML="Economy and noise", style="margin:10px 0 0 0;font-size:16px"
        )
        EconomyEditor(session)
        solara.HTML(tag="h3", unsafe_innerHTML="Run", style="margin:10px 0 0 0;font-size:16px")
        solara.InputInt(
            "Horizon (rounds)",
            value=draft.rounds,
            on_value=lambda v: session.draft.set(replace(session.draft.value, rounds=v)),
            classes=["ns-rounds"],
        )
        days = base.config.meta.round_days
        Help(f"How many rounds to play (1 to {st.MAX_ROUNDS}); one round is {days} days.")
        solara.InputInt(
            "Seed",
            value=draft.seed,
            on_value=lambda v: session.draft.set(replace(session.draft.value, seed=v)),
            classes=["ns-seed"],
        )
        Help("A whole number; the same seed and settings give the same run.")
        SeedNote(session)
        ErrorBox("These settings cannot be applied:", session.settings_errors.value, "settings")
        if draft != applied:
            solara.Warning(
                "Settings changed: press “Apply settings & reset” to start a run with them.",
                dense=True,
                classes=["ns-pending"],
            )
        solara.Button(
            "Apply settings & reset",
            icon_name="mdi-restart",
            color="primary",
            on_click=session.reset,
            classes=["ns-apply"],
        )
        overrides = session.scenario.value.overrides if session.scenario.value else ()
        if overrides:
            solara.HTML(
                tag="div",
                unsafe_innerHTML="In force: " + esc(", ".join(overrides)),
                classes=["ns-help"],
                style="margin-top:6px",
            )


@solara.component
def EpisodePicker(session: Session):
    """The back-test episode menu: an episode's scenario becomes the one being run, and
    the Ensemble tab draws its observed tariffs over the fan charts."""
    episode = session.episode.value
    with solara.Div(classes=["ns-episode"]):
        solara.Select(
            label="Back-test episode",
            values=[NO_EPISODE, *session.episode_choices],
            value=episode.stem if episode is not None else NO_EPISODE,
            on_value=session.select_episode,
        )
    if episode is None:
        Help(
            "A historical episode from episodes/: runs its scenario, with its horizon and "
            "overrides, and draws what was observed over the ensemble's fan charts."
        )
    else:
        obs = len(episode.observed)
        Help(
            f"{episode.name}: scenario {episode.scenario.stem}, {episode.rounds} "
            f"rounds from {fmt_date(episode.start)}; {obs} observations drawn over the "
            f"Ensemble tab's tariff fan chart. Its back-test runs {episode.runs:,} seeds from "
            f"base seed {episode.seed}."
        )


def draft_note(session: Session) -> str:
    """The same-run note for the settings being edited (empty when chance plays a part)."""
    base = session.base.value
    try:
        scenario = st.apply(base, session.draft.value)
    except Exception:  # invalid settings: their problems are shown instead
        return ""
    return seed_variation(scenario.config).note


@solara.component
def SeedNote(session: Session):
    """Says when nothing in the negotiation is left to chance with the panel's settings."""
    text = solara.use_memo(lambda: draft_note(session), [session.base.value, session.draft.value])
    Note(text, "same-run-settings")


@solara.component
def StrategyEditor(session: Session, k: int, gid: str):
    base = session.base.value
    draft = session.draft.value
    gov_name = base.config.governments[gid].name
    name = draft.strategy.get(gid, "")
    values = list(st.APP_STRATEGIES)
    if name and name not in values:
        values.append(name)
    title = f"{swatch(PARTY_COLOURS[k])}{esc(gov_name)} ({esc(gid)})"
    with solara.Column(gap="0px", classes=[f"ns-strategy-{gid}"]):
        solara.HTML(tag="div", unsafe_innerHTML=title, style="font-weight:600;margin-top:4px")
        solara.Select(
            label=f"Strategy of {gov_name}",
            values=values,
            value=name,
            on_value=lambda v: session.draft.set(session.draft.value.with_strategy(gid, v)),
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=esc(st.strategy_summary(name)),
            classes=["ns-help"],
            attributes={"title": st.strategy_source(name)},
        )
        cls = STRATEGIES.get(name)
        params = draft.params.get(gid, {})
        if cls is not None:
            for key, spec in cls.params.items():
                value = params.get(key, spec.default)

                def set_value(v, key=key):
                    if v is not None:
                        session.draft.set(session.draft.value.with_param(gid, key, v))

                label = f"{key} ({gov_name})"
                if spec.integer:
                    solara.InputInt(label, value=int(value), on_value=set_value)
                else:
                    solara.InputFloat(label, value=float(value), on_value=set_value)
                Help(
                    f"{spec.doc} (allowed {spec.low:g} to {spec.high:g}, default {spec.default:g})"
                )


def slider_label(name: str, value: float, fmt: str) -> str:
    """A slider's label with its value: ``"Perception noise: 0.05"``."""
    return f"{name}: {fmt.format(value)}"


@solara.component
def EconomyEditor(session: Session):
    base = session.base.value
    draft = session.draft.value

    def update(**kw):
        session.draft.set(replace(session.draft.value, **kw))

    solara.InputFloat(
        "Import-demand elasticity",
        value=draft.elasticity,
        on_value=lambda v: v is not None and update(elasticity=v),
        classes=["ns-elasticity"],
    )
    default = base.config.economy.elasticity
    Help(
        f"economy.elasticity: how strongly imports fall as tariffs raise prices "
        f"(0 to 20; this scenario {default:g})."
    )
    groups = st.rare_earth_groups(base)
    ValueSlider(
        "Rare-earth stockpiles", "stockpile", draft.stockpile_scale, "×{:g} scenario", 4.0,
        0.25, lambda v: update(stockpile_scale=v), disabled=not groups,
    )  # fmt: skip
    if groups:
        first = base.config.firms[groups[0]].spans["stockpile_weeks"]
        m = draft.stockpile_scale
        Help(
            f"Scales the weeks of rare-earth stock held by the {len(groups)} firm groups that "
            f"need rare earths (e.g. {groups[0]}: {first[0] * m:g}–{first[1] * m:g} weeks); "
            "bigger stocks let them ride out export controls longer."
        )
    else:
        Help("This scenario has no firms that depend on rare earths.")
    ValueSlider(
        "Perception noise", "perception", draft.perception_noise, "{:.2f}", 0.5, 0.01,
        lambda v: update(perception_noise=v),
    )  # fmt: skip
    Help("Chance per round that a government misreads its partner's last move.")
    ValueSlider(
        "Implementation noise", "implementation", draft.implementation_noise, "{:.2f}", 0.5,
        0.01, lambda v: update(implementation_noise=v),
    )  # fmt: skip
    Help("Chance per round that a government's move is replaced by a random one.")


@solara.component
def ValueSlider(name: str, key: str, value: float, fmt: str, top: float, step: float,
                on_value, disabled: bool = False):  # fmt: skip
    """A slider from 0 to ``top`` whose label shows its value (class ``ns-slider-<key>``)."""
    with solara.Div(classes=[f"ns-slider-{key}"]):
        solara.SliderFloat(
            slider_label(name, value, fmt), value=value, min=0.0, max=top, step=step,
            on_value=on_value, disabled=disabled,
        )  # fmt: skip


# ---------------------------------------------------------------------- run controls
SPEED_LABELS = {1.0: "1/s", 2.0: "2/s", 5.0: "5/s", 10.0: "10/s", 0.0: "max"}


@solara.component
def RunControls(session: Session, run: LiveRun, n: int, playing: bool):
    finished = run.finished
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            on_click=session.step,
            disabled=playing or finished,
            color="primary",
            outlined=True,
            classes=["ns-step"],
        )
        if playing:
            solara.Button(
                "Pause",
                icon_name="mdi-pause",
                on_click=session.pause,
                color="primary",
                classes=["ns-play"],
            )
        else:
            solara.Button(
                "Play",
                icon_name="mdi-play",
                on_click=session.play,
                disabled=finished,
                color="primary",
                classes=["ns-play"],
            )
        solara.Button(
            "Reset",
            icon_name="mdi-restart",
            on_click=session.reset,
            outlined=True,
            classes=["ns-reset"],
        )
        solara.Select(
            label="Speed (rounds per second)",
            values=list(SPEED_LABELS.values()),
            value=SPEED_LABELS[session.speed.value],
            on_value=lambda label: session.speed.set(
                next(s for s in SPEEDS if SPEED_LABELS[s] == label)
            ),
            style={"max-width": "190px"},
            dense=True,
        )
        solara.HTML(tag="div", unsafe_innerHTML=round_line(run, n, playing))


def round_line(run: LiveRun, n: int, playing: bool) -> str:
    """ "Round 3 of 52 · 12 Nov 2025 · seed 1", flagged when every seed is the same."""
    info = run.info
    date = fmt_date(info.date_of(max(n, 1)))
    flag = ""
    if run.seeds.same_negotiation:
        what = (
            "every seed is this same run"
            if run.seeds.identical
            else "seeds differ only in the firms drawn"
        )
        flag = f' · <span class="ns-same-run-flag" title="{esc(run.seeds.note)}">{what}</span>'
    return (
        f'<div class="ns-round-line"><span class="ns-round" data-round="{n}" '
        f'data-playing="{str(playing).lower()}">Round <b>{n}</b> of {info.horizon}</span> · '
        f"{esc(date)} · seed {run.seed}{flag}</div>"
    )

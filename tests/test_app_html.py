"""The app's pure functions and the shared kit's HTML without a browser: banner
sentences, government cards, the moves table, the stage matrix, slider labels, the
same-run notes, the palette and the run's CSV."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from conftest import make_scenario
from seed_support import fixed_resolve, fixed_resolve_text

from negotiation_sim.app import controls, live_html, live_text
from negotiation_sim.app.ensemble_view import compare_note, describe
from negotiation_sim.app.firms_chart import FirmsChart
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.page import HOW_TO, lead_html
from negotiation_sim.app.session import new_session
from negotiation_sim.core import OUTCOME_INFO, OUTCOMES
from negotiation_sim.scenario import list_scenarios
from negotiation_sim.ui import html as uh
from negotiation_sim.ui.palette import OKABE_ITO, OUTCOME_COLOURS, OUTCOME_TEXT, text_on
from negotiation_sim.views import deal_zone, recorded_stage


@pytest.fixture(scope="module")
def run() -> LiveRun:
    live = LiveRun(make_scenario(), seed=1)
    for _ in range(12):
        live.step()
    return live


# ---------------------------------------------------------------------- sentences
def test_war_distance_reads_as_a_sentence():
    below = live_text.war_distance(0.3, 0.6)
    assert below == "the lower one is 0.30 below the trade-war threshold (0.60)"
    above = live_text.war_distance(0.7, 0.6)
    assert above == "both are at or above the trade-war threshold (0.60)"
    assert "is both" not in above
    assert live_text.trend_word(0.05) == "escalating"
    assert live_text.trend_word(-0.05) == "de-escalating"
    assert live_text.trend_word(0.0) == "steady"


def test_heading_counts_the_rounds_it_compares(run):
    text = live_text.heading(run, 12)
    assert "over the last 4 rounds" in text and text.endswith(").")
    assert live_text.heading(run, 0) == ""
    assert "over the last 1 round;" in live_text.heading(run, 1)


def test_banner_names_the_outcome_from_core(run):
    start = live_html.banner_html(run, 0)
    assert 'data-round="0"' in start and "Not started" in start
    html = live_html.banner_html(run, 12)
    outcome = run.value("outcome", 12)
    assert f'data-outcome="{outcome}"' in html
    assert OUTCOME_INFO[outcome].label.upper() in html
    assert f"background:{OUTCOME_COLOURS[outcome]}" in html
    assert live_text.heading(run, 12) in html


def test_party_card_shows_levels_words_and_lobbying(run):
    card = live_html.party_html(run, 12, 0)
    seat = run.snapshot(12).seats["us"]
    assert f"{seat.tariff_pct:.1f}%" in card
    assert "level 0 of 3" in card or "level 1 of 3" in card or "level 2 of 3" in card
    assert f"ns-chip-{seat.lobbying_word}" in card
    assert run.scenario.config.governments["us"].strategy in card
    assert "Firms' lobbying" not in live_html.party_html(run, 0, 0)


def test_moves_table_folds_quiet_rounds_and_marks_eventful_ones(run):
    html = live_html.moves_table_html(run, 12)
    spans = [(int(a), int(b)) for a, b in re.findall(r'data-first="(\d+)" data-last="(\d+)"', html)]
    rounds = [r for a, b in spans for r in range(b, a - 1, -1)]
    assert rounds == list(range(12, 0, -1))
    assert spans[-1] == (1, 1)
    assert 'class="ns-eventful" data-first="3"' in html  # the summit round: a deal struck
    assert any(b > a for a, b in spans) and "quiet rounds" in html
    assert "No rounds played yet" in live_html.moves_table_html(run, 0)


def test_stage_html_marks_nash_and_played(run):
    html = live_html.stage_html(run, 5)
    stage = recorded_stage(
        {k: run.value(k, 5) for k in ("stage_payoffs", "nash_pure", "nash_mixed")},
        ("us", "cn"),
        (run.value("move_us", 5), run.value("move_cn", 5)),
    )
    assert html.count("★ Nash") == len(stage.pure)
    assert html.count("● played") == 1
    assert "appears after the first round" in live_html.stage_html(run, 0)


def test_captions_use_the_one_threshold_and_the_calendar(run):
    assert "2% below normal" in live_html.firms_caption()
    caption = live_html.events_caption(run)
    for event in run.info.events:
        assert f"round {event.round}" in caption


def test_lead_and_how_to():
    session = new_session()
    lead = lead_html(session)
    for word in ("United States", "China", "escalate", "hold", "concede", "truce", "deal"):
        assert word in lead
    for o in OUTCOMES:
        assert OUTCOME_INFO[o].meaning in HOW_TO


# ---------------------------------------------------------------------- first minute
def test_round_line_flags_the_same_run_only_without_chance():
    calm = LiveRun(make_scenario(tiny=True, **fixed_resolve()), seed=1)
    line = controls.round_line(calm, 0, False)
    assert "seeds differ only in the firms drawn" in line and "left to chance" in line
    for chance in ({}, {"negotiation.perception_noise": 0.1}):  # shipped resolve; noise
        other = LiveRun(make_scenario(tiny=True, **{**fixed_resolve(), **chance} if chance
                                      else {}), seed=1)  # fmt: skip
        line = controls.round_line(other, 0, False)
        assert "ns-same-run-flag" not in line and 'data-round="0"' in line


def test_settings_and_compare_notes_follow_the_draft():
    session = new_session()
    assert controls.draft_note(session) == ""  # the shipped resolve is drawn per run
    assert compare_note(session) == ""
    session.upload("calm.toml", fixed_resolve_text().encode())
    assert session.upload_errors.value == []
    assert "left to chance" in controls.draft_note(session)
    assert "both settings" in compare_note(session)
    session.draft.value = replace(session.draft.value, implementation_noise=0.2)
    assert controls.draft_note(session) == ""
    session.compare_b.value = replace(session.compare_b.value, perception_noise=0.1)
    assert "setting A" in compare_note(session)
    assert describe(session.compare_b.value, session.compare_a.value).endswith(
        "perception noise 0.1"
    )


def test_slider_labels_show_values():
    assert controls.slider_label("Perception noise", 0.05, "{:.2f}") == "Perception noise: 0.05"
    assert controls.slider_label("Stockpiles", 1.5, "×{:g}") == "Stockpiles: ×1.5"


def test_run_csv_is_rounded(run):
    text = run.csv()
    numbers = re.findall(r"-?\d+\.\d+", text)
    assert numbers
    for number in numbers:  # at most 12 significant digits: no 55.00000000000001
        assert len(number.lstrip("-").replace(".", "").lstrip("0")) <= 12, number
    assert text.splitlines()[0].startswith("round,date,outcome")
    assert len(text.strip().splitlines()) == 13


@pytest.mark.parametrize("name", list_scenarios())
def test_firm_names_fit_in_the_firms_chart(name):
    run = LiveRun(make_scenario(name, tiny=True), seed=1)
    run.step()
    chart = FirmsChart()
    chart.image(run, 1)  # built and drawn as for the page
    renderer = chart.fig.canvas.get_renderer()
    labels = chart.heat.get_yticklabels()
    assert [t.get_text() for t in labels] == [g.label for g in run.info.groups]
    for label in labels:
        assert label.get_window_extent(renderer).x0 >= 0, label.get_text()


# ---------------------------------------------------------------------- the kit
def test_palette_comes_from_core_colour_keys():
    for name, outcome in OUTCOME_INFO.items():
        assert OUTCOME_COLOURS[name] == OKABE_ITO[outcome.colour]
        assert OUTCOME_TEXT[name] in ("#000000", "#ffffff")
    assert text_on("#000000") == "#ffffff" and text_on("#ffffff") == "#000000"


def contrast(a: str, b: str) -> float:
    def lum(c: str) -> float:
        rgb = np.array([int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)])
        lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_banner_text_has_the_better_contrast():
    for name, bg in OUTCOME_COLOURS.items():
        other = "#ffffff" if OUTCOME_TEXT[name] == "#000000" else "#000000"
        assert contrast(bg, OUTCOME_TEXT[name]) >= contrast(bg, other)
        assert contrast(bg, OUTCOME_TEXT[name]) >= 4.5


def test_kit_snippets_escape_and_label():
    assert uh.esc("<b>") == "&lt;b&gt;"
    assert "Trade war" in uh.outcome_swatch("trade_war")
    assert 'class="ns-chip ns-chip-concede"' in uh.lobby_chip("concede")
    assert "push to concede" in uh.lobby_chip("concede")
    assert uh.note("x", "same-run") == '<div class="ns-note ns-note-same-run" role="note">x</div>'
    banner = uh.outcome_banner("deal", "<b>DEAL</b>", "more", 4)
    assert 'data-round="4"' in banner and "ns-banner-detail" in banner


# ---------------------------------------------------------------------- ensemble charts
def test_ensemble_charts_and_series_from_a_small_ensemble():
    from negotiation_sim.app import ensemble_charts as ec
    from negotiation_sim.ensemble import run_ensemble

    scenario = make_scenario(tiny=True, **{"negotiation.implementation_noise": 0.3})
    result = run_ensemble(scenario, 6, rounds=8, workers=1)
    ctx = ec.context(scenario)
    assert ctx.deal_zone == pytest.approx(deal_zone(scenario.config))
    table = result.outcome_table()
    for builder, size in (
        (lambda f: ec.build_outcomes(f, [("", table)], [6]), "outcomes"),
        (lambda f: ec.build_fans(f, result, ctx), "fans"),
        (lambda f: ec.build_phase(f, result, ctx), "phase"),
        (lambda f: ec.build_shares(f, result, ctx), "shares"),
    ):
        assert ec.render(builder, size)[:4] == b"\x89PNG"
        assert b"<svg" in ec.render(builder, size, "svg")
    long = ec.series_long(result, ctx)
    assert len(long) == 6 * 8 and set(long["outcome"]) <= set(OUTCOMES)
    assert {"run", "round", "tariff_us_cn", "escalation_cn"} <= set(long.columns)

"""A back-test episode in the app: choosing one runs its scenario, and its observed
tariffs reach the ensemble's fan chart at the rounds holding their dates, with their
values and a legend entry; without an episode the chart is as before."""

from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from negotiation_sim.app import ensemble_charts as ec
from negotiation_sim.app import episode_overlay as eo
from negotiation_sim.app.session import EPISODE_PREFIX, NO_EPISODE, Session
from negotiation_sim.runs.ensemble import run_ensemble
from negotiation_sim.views import tariff_column
from negotiation_sim.views.episode import list_episodes, load_episode


@pytest.fixture(scope="module")
def china():
    return load_episode("us_china_2018")


@pytest.fixture(scope="module")
def small_result(china):
    return run_ensemble(china.scenario, 3, base_seed=china.seed, workers=1, series=True)


def _tariff_columns(episode) -> tuple[str, str]:
    a, b = episode.scenario.parties
    return tariff_column(a, b), tariff_column(b, a)


@pytest.mark.parametrize("name", list_episodes())
def test_every_observation_of_a_tariff_lands_in_the_round_holding_its_date(name):
    episode = load_episode(name)
    ctx = ec.context(episode.scenario)
    series = eo.observed_series(episode, ctx, episode.rounds)
    columns = _tariff_columns(episode)
    assert [s.column for s in series] == [
        c for c in columns if any(o.column == c for o in episode.observed)
    ]
    for s in series:
        mine = sorted((o for o in episode.observed if o.column == s.column), key=lambda o: o.date)
        assert [p.date for p in s.points] == [o.date for o in mine]  # all of them: in horizon
        assert s.values == tuple(o.value for o in mine)
        assert [p.source for p in s.points] == [o.source for o in mine]
        for p in s.points:
            # the round starts on or before the date, the next one after it
            assert episode.date_of(p.round) <= p.date < episode.date_of(p.round + 1)


def test_us_china_points_and_legend(china):
    ctx = ec.context(china.scenario)
    us_cn, cn_us = eo.observed_series(china, ctx, china.rounds)
    assert (us_cn.column, cn_us.column) == ("tariff_us_cn", "tariff_cn_us")
    assert us_cn.direction == "US on CN" and cn_us.direction == "CN on US"
    # 2018-01-01 is the start date (round 1); 2018-07-02 is 26 weeks later; 2020-02-14
    # is a Friday in the week starting 2020-02-10, round 111
    assert us_cn.points[0].round == 1 and us_cn.points[0].value == 3.1
    assert us_cn.points[1].round == 27 and us_cn.points[1].value == 3.8
    assert us_cn.points[-1].round == 111 and us_cn.points[-1].value == 19.3
    assert cn_us.points[0].value == 8.0
    assert us_cn.label == f"US on CN: observed ({len(set(us_cn.sources))} sources)"
    single = eo.ObservedSeries("c", "US on CN", "#000000", us_cn.points[2:3])
    assert single.label == "US on CN: observed (bown_chart_final)"


def test_a_shorter_horizon_leaves_out_the_later_points(china):
    ctx = ec.context(china.scenario)
    series = eo.observed_series(china, ctx, 40)
    assert series and all(1 <= r <= 40 for s in series for r in s.rounds)
    us_cn = series[0]
    assert us_cn.rounds == (1, 27, 39)
    assert eo.observed_series(china, ctx, 0) == ()
    assert eo.observed_series(None, ctx, china.rounds) == ()


def test_the_fan_chart_draws_the_points_with_a_legend_entry(china, small_result):
    ctx = ec.context(china.scenario)
    rounds = next(iter(small_result.series.values())).shape[1]
    assert rounds == china.rounds
    observed = eo.observed_series(china, ctx, rounds)
    fig = Figure()
    ec.build_fans(fig, small_result, ctx, observed=observed)
    tariffs, escalation = fig.axes
    drawn = {line.get_label(): line for line in tariffs.get_lines()}
    for s in observed:
        line = drawn[s.label]
        assert list(line.get_xdata()) == list(s.rounds)
        assert list(line.get_ydata()) == list(s.values)
        assert line.get_marker() == "D"
    legend = [t.get_text() for t in tariffs.get_legend().get_texts()]
    assert [s.label for s in observed] == [t for t in legend if "observed" in t]
    # the points set the axis: the highest one is inside it
    assert tariffs.get_ylim()[1] >= max(v for s in observed for v in s.values)
    assert not any("observed" in t.get_text() for t in escalation.get_legend().get_texts())
    assert ec.fans_size(observed) == "fans_observed"


def test_without_an_episode_the_fan_chart_is_unchanged(china, small_result):
    ctx = ec.context(china.scenario)
    plain, none = Figure(), Figure()
    ec.build_fans(plain, small_result, ctx)
    ec.build_fans(none, small_result, ctx, observed=eo.observed_series(None, ctx, 112))
    for a, b in zip(plain.axes, none.axes, strict=True):
        assert [t.get_text() for t in a.get_legend().get_texts()] == [
            t.get_text() for t in b.get_legend().get_texts()
        ]
        assert not any("observed" in line.get_label() for line in a.get_lines())
        assert len(a.get_lines()) == len(b.get_lines())
    assert ec.fans_size(()) == "fans"
    assert ec.render(lambda f: ec.build_fans(f, small_result, ctx), "fans")[:4] == b"\x89PNG"


def test_observed_table_lists_every_drawn_point(china):
    ctx = ec.context(china.scenario)
    observed = eo.observed_series(china, ctx, china.rounds)
    html = eo.observed_html(china, observed)
    total = sum(len(s.points) for s in observed)
    assert f'data-points="{total}"' in html and 'data-episode="us_china_2018"' in html
    rows = re.findall(r'data-column="(\w+)" data-round="(\d+)" data-value="([\d.]+)"', html)
    expected = [(s.column, str(p.round), repr(p.value)) for s in observed for p in s.points]
    assert rows == expected
    assert china.sources["bown_chart_final"].split(".")[0] in html  # the citation on hover


def test_choosing_an_episode_runs_its_scenario_and_tags_the_ensemble(china):
    session = Session()
    session.select("us_china_2025")
    session.select_episode("us_china_2018")
    key = EPISODE_PREFIX + "us_china_2018"
    assert session.choice.value == key and key in session.choices.value
    assert session.episode.value is not None and session.episode.value.stem == "us_china_2018"
    assert session.scenario.value is not None
    assert session.scenario.value.digest == china.scenario.digest  # its horizon: 112 rounds
    assert session.scenario.value.rounds == 112
    setting = session.current_setting()
    assert setting is not None and setting.episode is session.episode.value
    session.ensemble.start([setting], 2, china.seed, 1, wait=True)
    state = session.ensemble.state.value
    assert state.status == "done" and state.settings[0].episode is session.episode.value
    # another scenario drops the episode; "none" returns to the scenario the episode names
    session.select("us_china_2025")
    assert session.episode.value is None and session.current_setting().episode is None
    session.select(key)
    assert session.episode.value is not None
    session.select_episode(NO_EPISODE)
    assert session.episode.value is None and session.choice.value == "trade_war_2018"
    assert session.scenario.value.rounds == 104  # the scenario's own horizon
    session.close()

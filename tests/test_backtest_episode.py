"""Episode files: the shipped episodes load, and bad files get every problem at once with
the file, the field, the value and what is allowed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from negotiation_sim.backtest.episode import (
    EpisodeError,
    list_episodes,
    load_episode,
    loads_episode,
)
from negotiation_sim.backtest.schema import EPISODE, TARGET_KINDS
from negotiation_sim.backtest.spec import list_calibrations, load_calibration

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SHIPPED = sorted(p.stem for p in (ROOT / "episodes").glob("*.toml"))


def test_the_shipped_episodes_are_listed():
    assert SHIPPED and list_episodes() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_episode_loads(name):
    episode = load_episode(name)
    assert episode.targets and episode.observed and episode.sources
    start, days = episode.start, episode.round_days
    for target in episode.targets:
        assert target.kind in TARGET_KINDS
        if target.date is not None:
            assert target.round == (target.date - start).days // days + 1
            assert 1 <= target.round <= episode.rounds
        if target.start is not None:
            assert 1 <= target.first <= target.last <= episode.rounds
    # every number cites a source that the file lists
    cited = {o.source for o in episode.observed} | {t.source for t in episode.targets}
    assert cited <= set(episode.sources)


def test_the_shipped_calibration_specs_load():
    names = list_calibrations()
    assert names
    for name in names:
        spec = load_calibration(name)
        fitted = {ep.stem for ep in spec.episodes}
        assert fitted and not fitted & {ep.stem for ep in spec.holdout}
        assert all(p.low < p.high for p in spec.parameters)


def test_a_scenario_path_is_read_relative_to_the_episode(tmp_path):
    text = (DATA / "tiny_episode.toml").read_text(encoding="utf-8")
    scenario = ROOT / "scenarios" / "us_mexico_2019.toml"
    (tmp_path / "here.toml").write_text(scenario.read_text(encoding="utf-8"), encoding="utf-8")
    file = tmp_path / "ep.toml"
    file.write_text(text.replace('"us_mexico_2019"', '"here.toml"'), encoding="utf-8")
    episode = load_episode(file)
    assert episode.scenario.source == str(tmp_path / "here.toml")
    assert episode.rounds == 10
    assert dict(episode.overrides) == {"negotiation.perception_noise": 0.05}
    assert episode.scenario.data["negotiation"]["perception_noise"] == 0.05


def test_the_bad_test_file_lists_every_problem():
    with pytest.raises(EpisodeError) as caught:
        load_episode(DATA / "bad_episode.toml")
    messages = caught.value.messages
    assert all(m.startswith(str(DATA / "bad_episode.toml")) for m in messages)
    expected = {
        "episode.colour": "unknown key",
        "observed[1].date": "not a date",
        "observed[0].column": "unknown column",
        "observed[1].source": "unknown source",
        "targets[0].date": "outside the horizon",
        "targets[1].kind": "unknown kind",
    }
    assert len(messages) == len(expected)
    for field, what in expected.items():
        assert any(f": {field}: {what}" in m for m in messages), (field, messages)
    column = next(m for m in messages if "observed[0].column" in m)
    assert "'tariff_us_xx'" in column and "tariff_us_mx" in column  # the value and the choices


GOOD = (DATA / "tiny_episode.toml").read_text(encoding="utf-8")


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "field", "what"),
    [
        (edit('id = "agreement_early"', 'id = "level_june"'), "targets[1].id", "repeated"),
        (
            edit("from = 2019-05-27\nto = 2019-06-16", "from = 2019-06-10\nto = 2019-06-03"),
            "targets[1].to",
            "early",
        ),
        (
            edit("max_share = 0.2", "max_share = 0.2\nmin_share = 0.5").replace(
                "min_share = 0.0\n", "", 1
            ),
            "targets[2].max_share",
            "too low",
        ),
        (edit('party = "us"', 'party = "eu"'), "events[0].party", "unknown government"),
        (edit('kind = "threat"', 'kind = "rumour"'), "events[0].kind", "unknown choice"),
        (
            edit('outcomes = ["deal"]', 'outcomes = ["peace"]'),
            "targets[4].outcomes[0]",
            "unknown choice",
        ),
        (edit('kinds = ["deal"]', 'kinds = ["treaty"]'), "targets[2].kinds[0]", "unknown choice"),
        (
            edit("min_share = 0.5\nsource", "min_share = 1.5\nsource"),
            "targets[1].min_share",
            "out of range",
        ),
        (edit("tolerance = 1.0\n", ""), "targets[0].tolerance", "required key missing"),
        (
            edit('column = "tariff_mx_us"', 'column = "outcome"'),
            "targets[3].column",
            "unknown column",
        ),
        (
            edit('scenario = "us_mexico_2019"', 'scenario = "atlantis"'),
            "episode.scenario",
            "no such scenario",
        ),
        (
            edit('{ "negotiation.perception_noise" = 0.05 }', '{ "economy.nonsense" = 1 }'),
            "episode.scenario",
            "unknown override path",
        ),
        (edit("rounds = 10", "rounds = 0"), "episode.rounds", "out of range"),
        (edit("[sources]\ntest = ", "[sources]\nother = "), "targets[0].source", "unknown source"),
    ],
)
def test_each_mistake_is_named(text, field, what):
    with pytest.raises(EpisodeError) as caught:
        loads_episode(text, source="ep.toml")
    hits = [m for m in caught.value.messages if m.startswith(f"ep.toml: {field}")]
    assert any(what in hit for hit in hits), caught.value.messages


def test_not_toml_and_missing_files(tmp_path):
    with pytest.raises(EpisodeError, match=r"ep\.toml: not valid TOML"):
        loads_episode("[episode\n", source="ep.toml")
    with pytest.raises(EpisodeError, match="no such episode file; known: us_"):
        load_episode(tmp_path / "nope.toml")


def test_the_schema_exports_as_json_schema():
    schema = EPISODE.json_schema()
    json.dumps(schema)
    kinds = schema["properties"]["targets"]["items"]["oneOf"]
    assert [k["properties"]["kind"]["const"] for k in kinds] == list(TARGET_KINDS)
    assert "observed" in kinds[0]["required"]


def test_dates_accept_iso_strings():
    episode = loads_episode(edit("date = 2019-06-17", 'date = "2019-06-17"'), source="ep.toml")
    assert episode.targets[0].date == dt.date(2019, 6, 17) and episode.targets[0].round == 4


def test_a_scenario_the_command_line_cannot_play_is_named():
    text = edit(
        '{ "negotiation.perception_noise" = 0.05 }', '{ "governments.us.strategy" = "Human" }'
    )
    with pytest.raises(EpisodeError) as caught:
        loads_episode(text, source="ep.toml")
    (message,) = caught.value.messages
    assert message.startswith("ep.toml: episode.scenario: cannot run: ")
    assert "fallback" in message

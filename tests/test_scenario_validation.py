"""Scenario validation: every kind of bad input gets a message naming the file, the field
path, the bad value and what is allowed; all problems are reported together."""

import copy
import tomllib

import pytest

from negotiation_sim.scenario import (
    ScenarioError,
    json_schema,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
)
from negotiation_sim.scenario.load import resolve_path


@pytest.fixture(scope="module")
def raw():
    return tomllib.loads(resolve_path("us_china_2025").read_text())


def errors_for(raw, mutate, source="bad.toml"):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source=source)
    return info.value.messages


def only(messages):
    assert len(messages) == 1, messages
    return messages[0]


def test_shipped_default_is_valid():
    scenario = load_scenario("us_china_2025")
    assert scenario.parties == ("us", "cn")
    assert len(scenario.digest) == 64


def test_unknown_key(raw):
    msg = only(errors_for(raw, lambda d: d["economy"].update(elasticty=3.0)))
    assert msg.startswith("bad.toml: economy.elasticty: unknown key: got 3.0")
    assert "elasticity" in msg  # the allowed keys are listed


def test_negative_tariff(raw):
    msg = only(errors_for(raw, lambda d: d["governments"]["us"]["tariffs"].update(cn=-5.0)))
    assert "governments.us.tariffs.cn: out of range: got -5.0" in msg
    assert "allowed: a finite number >= 0" in msg


def test_probability_above_one(raw):
    msg = only(errors_for(raw, lambda d: d["negotiation"].update(perception_noise=1.5)))
    assert "negotiation.perception_noise: out of range: got 1.5" in msg
    assert "<= 1" in msg


def test_stockpile_not_finite(raw):
    def mutate(d):
        d["firms"]["us_autos"]["stockpile_weeks"] = [2.0, float("inf")]

    msg = only(errors_for(raw, mutate))
    assert "firms.us_autos.stockpile_weeks[1]: not finite: got inf" in msg


def test_nan_is_rejected_from_toml_text():
    text = resolve_path("us_china_2025").read_text().replace("elasticity = 2.5", "elasticity = nan")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source="nan.toml")
    assert "nan.toml: economy.elasticity: not finite: got nan" in str(info.value)


def test_wrong_type_and_missing_key(raw):
    def mutate(d):
        d["scenario"]["rounds"] = "fifty"
        del d["economy"]["elasticity"]

    messages = errors_for(raw, mutate)
    assert any("scenario.rounds: wrong type: got 'fifty'" in m for m in messages)
    assert any("economy.elasticity: required key missing: got (missing)" in m for m in messages)


def test_range_pair_must_be_ordered(raw):
    msg = only(
        errors_for(raw, lambda d: d["firms"]["us_autos"].update(rare_earth_dependence=[0.9, 0.1]))
    )
    assert "firms.us_autos.rare_earth_dependence: low is above high: got [0.9, 0.1]" in msg


def test_unknown_strategy_and_bad_strategy_parameter(raw):
    msg = only(errors_for(raw, lambda d: d["governments"]["cn"].update(strategy="TitForTwoTats")))
    assert "governments.cn.strategy: unknown strategy: got 'TitForTwoTats'" in msg
    assert "TitForTat" in msg
    msg = only(
        errors_for(
            raw,
            lambda d: d["governments"]["us"].update(
                strategy="DeadlineBrinkmanship", strategy_params={"window": -1}
            ),
        )
    )
    assert "governments.us.strategy_params.window: bad strategy parameter: got -1" in msg
    assert "a whole number from 0 to 52" in msg
    msg = only(
        errors_for(
            raw,
            lambda d: d["governments"]["us"].update(
                strategy="DeadlineBrinkmanship", strategy_params={"w": 1}
            ),
        )
    )
    assert "governments.us.strategy_params.w: unknown parameter: got 1; allowed: window" in msg


def test_cross_field_errors(raw):
    def mutate(d):
        d["scenario"]["parties"] = ["us", "eu"]
        d["calendar"][0]["date"] = "2020-01-01"
        d["firms"]["cn_agrifood"]["sector"] = "fish"

    messages = errors_for(raw, mutate)
    assert any("scenario.parties[1]: unknown government: got 'eu'" in m for m in messages)
    assert any("calendar[0].date: early" in m and "2025-10-13" in m for m in messages)
    assert any("firms.cn_agrifood.imports: no matching trade flow" in m for m in messages)


def test_all_errors_are_reported_together(raw):
    def mutate(d):
        d["economy"]["pass_through"] = 2.0
        d["governments"]["us"]["tariffs"]["cn"] = -1.0
        d["negotiation"]["deal_break_hazard"] = -0.1
        d["firms"]["us_autos"]["count"] = 2.5

    messages = errors_for(raw, mutate)
    assert len(messages) == 4
    assert all(m.startswith("bad.toml: ") for m in messages)


def test_bad_toml_syntax_names_the_file():
    with pytest.raises(ScenarioError) as info:
        loads_scenario("[scenario\nname = 1", source="broken.toml")
    assert info.value.messages[0].startswith("broken.toml: not valid TOML")


def test_unknown_scenario_name_lists_known_ones():
    with pytest.raises(ScenarioError) as info:
        load_scenario("no_such_scenario")
    assert "us_china_2025" in str(info.value)


def test_override_errors_name_the_override():
    scenario = load_scenario("us_china_2025")
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["economy.elasticity=-3"])
    assert "(--set economy.elasticity)" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["economy.nosuch=1"])
    assert "economy.nosuch: unknown override path" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["governments.eu.strategy=TitForTat"])
    assert "no entry 'eu'" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["economy.elasticity"])
    assert "expected PATH=VALUE" in str(info.value)


def test_strategy_override_drops_the_old_strategy_parameters():
    scenario = load_scenario("us_china_2025").with_overrides(["governments.us.strategy=TitForTat"])
    assert scenario.data["governments"]["us"]["strategy"] == "TitForTat"
    assert scenario.data["governments"]["us"]["strategy_params"] == {}


def test_json_schema_describes_the_format():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    economy = schema["properties"]["economy"]["properties"]
    assert economy["pass_through"]["maximum"] == 1
    assert "description" in economy["elasticity"]


def test_single_strategy_parameters_can_be_overridden():
    scenario = load_scenario("us_china_2025").with_overrides(
        ["governments.us.strategy=DeadlineBrinkmanship"]
    )
    assert scenario.with_overrides(["governments.us.strategy_params.window=2"]).data["governments"][
        "us"
    ]["strategy_params"] == {"window": 2}
    changed = scenario.with_overrides(
        [
            "governments.us.strategy=GenerousTitForTat",
            "governments.us.strategy_params.generosity=0.5",
        ]
    )
    assert changed.data["governments"]["us"]["strategy_params"] == {"generosity": 0.5}
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["governments.us.strategy_params.nosuch=2"])
    assert "strategy_params.nosuch: unknown parameter" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["governments.us.strategy_params.window=2.5"])
    text = str(info.value)
    assert "(--set governments.us.strategy_params.window)" in text and "got 2.5" in text


def test_runs_may_not_end_after_year_9999_and_rounds_must_be_positive():
    scenario = load_scenario("us_china_2025")
    with pytest.raises(ScenarioError, match="last representable date"):
        scenario.with_overrides({"scenario.start_date": "9999-11-01", "calendar": []})
    from negotiation_sim import NegotiationModel

    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match="rounds must be a whole number"):
            NegotiationModel(scenario, rng=0, rounds=bad)


def test_import_competing_needs_a_flow_and_tariffs_respect_the_cap(raw):
    def mutate(d):
        d["firms"]["cn_semiconductors"]["sector"] = "quantum"
        d["governments"]["us"]["tariffs"]["cn"] = 300.0

    messages = errors_for(raw, mutate)
    assert any(
        "firms.cn_semiconductors.import_competing: no matching trade flow" in m for m in messages
    )
    assert any("governments.us.tariffs.cn: too high: got 300.0" in m for m in messages)

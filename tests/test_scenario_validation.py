"""Scenario validation: every kind of bad input gets a message naming the file, the field
path, the bad value and what is allowed; all problems are reported together."""

import copy
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------------------- all at once
def test_a_field_error_does_not_hide_the_cross_field_errors(raw):
    """elasticity = -1 used to hide the unknown strategy until it was fixed."""

    def mutate(d):
        d["economy"]["elasticity"] = -1
        d["governments"]["cn"]["strategy"] = "TitForTwoTats"
        d["scenario"]["parties"] = ["us", "eu"]

    messages = errors_for(raw, mutate)
    assert len(messages) == 4, messages
    assert any("negotiation.buyer: bad: got 'cn'; allowed: us or eu" in m for m in messages)
    assert any("economy.elasticity: out of range: got -1" in m for m in messages)
    assert any(
        "governments.cn.strategy: unknown strategy: got 'TitForTwoTats'" in m for m in messages
    )
    assert any("scenario.parties[1]: unknown government: got 'eu'" in m for m in messages)


def test_cross_field_checks_skip_only_what_rests_on_a_broken_field(raw):
    def mutate(d):
        d["economy"]["max_tariff"] = "high"  # the tariff cap cannot be checked
        d["governments"]["us"]["tariffs"]["cn"] = 900.0  # above the cap, unseen for now
        d["firms"]["us_autos"]["sector"] = 7  # the trade-flow checks rest on every sector
        d["firms"]["cn_agrifood"]["sector"] = "fish"  # ... so its flow error waits too
        d["calendar"][0]["date"] = "2020-01-01"  # the calendar check still runs

    messages = errors_for(raw, mutate)
    assert any("economy.max_tariff: wrong type: got 'high'" in m for m in messages)
    assert any("firms.us_autos.sector: wrong type: got 7" in m for m in messages)
    assert any("calendar[0].date: early" in m for m in messages)
    assert not any("too high" in m or "no matching trade flow" in m for m in messages)
    assert len(messages) == 3, messages


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**400), 10**400),
    st.floats(),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.dates().map(str),
)


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), value
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield (*path, i), value
            yield from _leaves(value, (*path, i))


SCENARIO_RAW = tomllib.loads(resolve_path("us_china_2025").read_text())
PLACES = [p for p, _ in _leaves(SCENARIO_RAW)]


@settings(max_examples=300, deadline=None)
@given(places=st.lists(st.sampled_from(PLACES), min_size=1, max_size=4), junk=st.data())
def test_any_broken_fields_give_a_scenario_error_never_a_traceback(places, junk):
    data = copy.deepcopy(SCENARIO_RAW)
    for place in places:
        target = data
        try:
            for part in place[:-1]:
                target = target[part]
            target[place[-1]] = junk.draw(JUNK)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    try:
        scenario_from_dict(data, source="junk.toml")
    except ScenarioError as exc:
        assert exc.messages and all(m.startswith("junk.toml") for m in exc.messages)
        assert all(len(m) < 1200 for m in exc.messages)


# ---------------------------------------------------------------------------- messages
def test_an_unknown_table_is_named_not_dumped(raw):
    messages = errors_for(raw, lambda d: d.update(economyx=d.pop("economy")))
    unknown = next(m for m in messages if "economyx: unknown key" in m)
    assert "a table of 19 keys (elasticity, pass_through" in unknown
    assert "0.95" not in unknown  # the table's values are not shown
    assert any(
        "economy: required key missing: got (missing); allowed: a table" in m for m in messages
    )


def test_a_small_unknown_table_is_named_not_shown_either(raw):
    """However small, an unknown table is named by its keys; its values are not shown."""

    def mutate(d):
        d["weird"] = {"alpha": 123456, "beta": "secret"}
        d["economy"]["extra"] = {"k": 987654}

    messages = errors_for(raw, mutate)
    top = next(m for m in messages if "bad.toml: weird: unknown key" in m)
    assert "got a table of 2 keys (alpha, beta); allowed: one of the keys scenario" in top
    inner = next(m for m in messages if "economy.extra: unknown key" in m)
    assert "got a table of 1 key (k);" in inner
    assert not any("123456" in m or "secret" in m or "987654" in m for m in messages)
    (scalar,) = errors_for(raw, lambda d: d["economy"].update(note=42))
    assert "economy.note: unknown key: got 42;" in scalar  # a plain value is still shown


@pytest.mark.parametrize(
    ("drop", "allowed"),
    [
        (("scenario", "parties"), "allowed: a list of at least 2 items"),
        (("scenario", "start_date"), "allowed: a date such as 2025-11-01"),
        (("economy",), "allowed: a table"),
        (("governments",), "allowed: a table of id = value of 2 to 50 entries"),
    ],
)
def test_missing_keys_say_what_is_allowed_in_words(raw, drop, allowed):
    def mutate(d):
        target = d
        for part in drop[:-1]:
            target = target[part]
        del target[drop[-1]]

    messages = errors_for(raw, mutate)
    assert any(allowed in m for m in messages), messages
    for internal in ("listof", "mapof", "span", "date;", "any_", "table;"):
        assert not any(f"allowed: {internal}" in m for m in messages)


def test_long_values_are_cut_in_messages(raw):
    big = "x" * 1_200_000
    messages = errors_for(raw, lambda d: d["economy"].update(note=big, elasticity=[0.5] * 10_000))
    assert all(len(m) < 600 for m in messages), [len(m) for m in messages]
    assert any("(1,200,000 characters)" in m for m in messages)
    assert any(
        "got [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, ...] (10,000 items)" in m for m in messages
    )


def test_control_characters_are_refused_and_shown_escaped(raw):
    msg = only(errors_for(raw, lambda d: d["scenario"].update(name="US\x1b[2J\x1b[31m–China")))
    assert "scenario.name: control character" in msg
    assert "\x1b" not in msg and "\\x1b" in msg
    description = "Two lines\nand a\ttab are fine."
    scenario_from_dict({**raw, "scenario": {**raw["scenario"], "description": description}})


# ---------------------------------------------------------------------------- other kinds
def test_a_file_of_another_kind_says_so():
    root = resolve_path("us_china_2025").parents[0]
    for folder, kind in (("sessions", "session config"), ("sweeps", "sweep spec")):
        file = next((root / folder).glob("*.toml"))
        with pytest.raises(ScenarioError) as info:
            load_scenario(file)
        (message,) = info.value.messages
        assert message.startswith(f"{file}: this looks like a {kind}")
        assert "not a scenario" in message


def test_looks_like_tells_the_kinds_apart():
    from negotiation_sim.config import kinds
    from negotiation_sim.scenario.load import looks_like_scenario
    from negotiation_sim.sweep.spec import SPEC, looks_like_sweep
    from negotiation_sim.teaching.sessions import SESSION, looks_like_session

    root = resolve_path("us_china_2025").parents[0]
    for file in root.glob("*.toml"):
        assert looks_like_scenario(tomllib.loads(file.read_text()))
    for file in (root / "sessions").glob("*.toml"):
        assert looks_like_session(tomllib.loads(file.read_text()))
    for file in (root / "sweeps").glob("*.toml"):
        assert looks_like_sweep(tomllib.loads(file.read_text()))
    for file in (root.parent / "episodes").glob("*.toml"):  # back-test episodes
        assert kinds.looks_like(tomllib.loads(file.read_text())) == kinds.EPISODE
    assert kinds.looks_like({"colour": 1}) is None and kinds.looks_like([1]) is None
    # the marker tables are required tables of their format
    from negotiation_sim.scenario import SCENARIO

    for kind, schema in ((kinds.SCENARIO, SCENARIO), (kinds.SESSION, SESSION), (kinds.SWEEP, SPEC)):
        for key in kinds.MARKERS[kind]:
            assert schema.fields[key].required, (kind, key)


# ---------------------------------------------------------------------------- hostile input
TEXT = resolve_path("us_china_2025").read_text()


def _with_line(line: str) -> str:
    return TEXT.replace("[governments.us]\n", f"[governments.us]\n{line}\n", 1)


@pytest.mark.parametrize("depth", [40, 500, 5000])
def test_deep_nesting_in_a_file_names_the_file_and_field(depth):
    text = _with_line("deep = { x = " + "[" * depth + "1" + "]" * depth + " }")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source="deep.toml")
    (message,) = info.value.messages
    assert message.startswith("deep.toml: governments.us.deep")
    assert "nested too deeply" in message and "at most 32 levels" in message
    assert len(message) < 400


def test_deep_nesting_given_as_data_or_as_an_override():
    deep: list = [1]
    for _ in range(5000):
        deep = [deep]
    scenario = load_scenario("us_china_2025")
    with pytest.raises(ScenarioError, match="nested too deeply"):
        scenario.with_overrides({"governments.us.strategy_params": {"window": deep}})
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["economy.elasticity=" + "[" * 600 + "1" + "]" * 600])
    assert "--set economy.elasticity" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(["economy.elasticity=" + "[" * 60 + "1" + "]" * 60])
    assert "(--set economy.elasticity)" in str(info.value) and "nested too deeply" in str(
        info.value
    )
    raw = tomllib.loads(TEXT)
    raw["economy"]["elasticity"] = deep
    with pytest.raises(ScenarioError, match=r"economy\.elasticity"):
        scenario_from_dict(raw, source="deep")


def test_huge_input_is_refused_with_the_limit(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text(TEXT + "\n# " + "x" * 2_100_000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    assert str(info.value).startswith(f"{big}: file too large")
    with pytest.raises(ScenarioError, match="text too large"):
        loads_scenario(big.read_text(), source="upload")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_with_line("x = " + "9" * 5000), source="digits.toml")
    assert str(info.value).startswith("digits.toml: governments.us.x (line")
    msg = only(errors_for(tomllib.loads(TEXT), lambda d: d["scenario"].update(rounds=10**400)))
    assert "scenario.rounds: out of range: got a whole number of about 400 digits" in msg


def test_a_bad_utf8_file_names_the_file(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(TEXT.replace("US–China", "US\xe9China").encode("latin-1", "replace"))
    with pytest.raises(ScenarioError, match=f"{bad}: cannot read file"):
        load_scenario(bad)


# ---------------------------------------------------------------------------- limits
def test_every_number_of_the_scenario_has_finite_bounds():
    """1e308 in an unbounded field used to pass and overflow into inf/NaN (silently wrong
    outcomes): every numeric field now has an upper bound."""
    from negotiation_sim.config.schema import ListOf, MapOf, Num, Span, Table
    from negotiation_sim.scenario import SCENARIO

    def walk(node, path):
        if isinstance(node, Table):
            for key, sub in node.fields.items():
                yield from walk(sub, f"{path}.{key}")
        elif isinstance(node, MapOf | ListOf):
            yield from walk(node.item, f"{path}.*")
        elif isinstance(node, Num | Span):
            yield path, node

    numbers = list(walk(SCENARIO, ""))
    assert len(numbers) > 50
    unbounded = [p for p, n in numbers if n.low is None or n.high is None]
    assert unbounded == []


def test_money_at_its_limit_keeps_the_model_finite():
    import numpy as np

    from negotiation_sim import run_simulation
    from negotiation_sim.scenario.spec import FIRM_GROUP, MONEY_MAX

    base = load_scenario("us_china_2025")
    money = [k for k, n in FIRM_GROUP.fields.items() if getattr(n, "high", None) == MONEY_MAX]
    assert {"revenue", "exports", "imports", "tech_exports"} <= set(money)
    overrides = {
        f"firms.{g}.{k}": MONEY_MAX
        for g, group in base.data["firms"].items()
        for k in money
        if k == "revenue" or group[k] > 0
    }
    with pytest.raises(ScenarioError, match="out of range: got 1e"):
        base.with_overrides({"firms.us_autos.exports": 1e308})
    big = run_simulation(base.with_overrides(overrides), seed=1, rounds=8)
    plain = run_simulation(base, seed=1, rounds=8)
    numbers = big.trajectory.select_dtypes("number")
    assert not np.isinf(numbers.to_numpy()).any()
    # NaN only where the model leaves a value out by design (reservation values in rounds
    # without offers), as in the run with the shipped values
    expected = plain.trajectory.select_dtypes("number").isna().any()
    assert (numbers.isna().any() <= expected).all()
    assert all(np.isfinite(v) for v in big.summary["welfare"].values())


def test_one_upload_cannot_ask_for_millions_of_firms(raw):
    """An 8 KB upload with ten groups of a million firms passed and grew a server past
    6 GB: per group and in total, firms are capped."""

    def groups(count):
        def mutate(d):
            template = d["firms"]["us_autos"]
            for i in range(10):
                d["firms"][f"big_{i}"] = {**template, "count": count}

        return mutate

    msg = next(m for m in errors_for(raw, groups(1_000_000)) if "big_0.count" in m)
    assert (
        "firms.big_0.count: out of range: got 1000000; allowed: a whole number >= 0 and <= 200000"
        in msg
    )
    (total,) = errors_for(raw, groups(50_000))
    assert total.startswith("bad.toml: firms: too many firms: got 500")
    assert "at most 200,000 firms in all" in total
    scenario_from_dict(copy.deepcopy(raw) | {"firms": {**raw["firms"]}})


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d.update(calendar=d["calendar"] * 200),
            "calendar: too long: got a list of 1,200",
        ),
        (
            lambda d: d["governments"].update({f"g{i}": d["governments"]["my"] for i in range(50)}),
            "governments: too many entries",
        ),
        (
            lambda d: d["firms"].update({f"f{i}": d["firms"]["my_other"] for i in range(1000)}),
            "firms: too many entries",
        ),
        (
            lambda d: d["scenario"].update(description="x" * 10_001),
            "scenario.description: too long",
        ),
        (lambda d: d["scenario"].update(name="x" * 201), "scenario.name: too long"),
        (lambda d: d["calendar"][0].update(label="x" * 201), "calendar[0].label: too long"),
    ],
)
def test_documented_totals_and_string_sizes(raw, mutate, expected):
    messages = errors_for(raw, mutate)
    assert any(expected in m for m in messages), messages


def test_the_limits_are_in_the_parameter_table_of_the_docs():
    from negotiation_sim.scenario import spec

    text = (resolve_path("us_china_2025").parents[1] / "docs" / "model.md").read_text()
    section = text.split("### 8.11", 1)[1].split("\n## ", 1)[0]
    for value in (
        spec.MAX_TOTAL_FIRMS,
        spec.MAX_FIRM_GROUPS,
        spec.MAX_GOVERNMENTS,
        spec.MAX_EVENTS,
        spec.MAX_ROUNDS,
        spec.NAME_CHARS,
        spec.TEXT_CHARS,
    ):
        assert f"{value:,}".replace(",", " ") in section or f"{value:,}" in section, value


def test_kind_of_file_picks_the_loader_for_a_file(tmp_path):
    from negotiation_sim.config import kinds
    from negotiation_sim.config.toml import kind_of_file

    root = resolve_path("us_china_2025").parents[0]
    assert kind_of_file(root / "us_china_2025.toml") == kinds.SCENARIO
    assert kind_of_file(next((root / "sessions").glob("*.toml"))) == kinds.SESSION
    assert kind_of_file(next((root / "sweeps").glob("*.toml"))) == kinds.SWEEP
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 2000 + "]" * 2000, encoding="utf-8")
    for path in (broken, other, deep, tmp_path / "missing.toml"):
        assert kind_of_file(path) is None


def test_an_error_lists_at_most_100_problems_and_counts_the_rest(raw):
    messages = errors_for(raw, lambda d: d["economy"].update({f"k{i}": i for i in range(5000)}))
    assert len(messages) == 101
    assert messages[-1] == "bad.toml: ... and 4,900 more problems"
    assert all("unknown key" in m for m in messages[:100])

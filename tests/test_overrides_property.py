"""Property tests of dotted-path overrides (Hypothesis)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim.config.schema import Num, lookup
from negotiation_sim.scenario import ScenarioError, load_scenario, parse_overrides
from negotiation_sim.scenario.spec import SCENARIO

BASE = load_scenario("us_china_2025")
PATHS = [
    "economy.elasticity",
    "economy.pass_through",
    "economy.retail_pass_through",
    "economy.max_tariff",
    "negotiation.perception_noise",
    "negotiation.implementation_noise",
    "negotiation.deal_break_hazard",
    "governments.us.tariff_step",
    "governments.cn.audience_cost",
    "firms.us_autos.revenue",
    "outcomes.trade_war_escalation",
]


def node(path):
    found = lookup(SCENARIO, path.split("."))
    assert isinstance(found, Num)
    return found


def in_range(spec: Num, value: float) -> bool:
    lo_ok = spec.low is None or (value > spec.low if spec.low_open else value >= spec.low)
    return math.isfinite(value) and lo_ok and (spec.high is None or value <= spec.high)


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(PATHS), value=st.floats(allow_nan=True, allow_infinity=True))
def test_numeric_override_is_applied_or_rejected_by_its_range(path, value):
    spec = node(path)
    text = f"{path}={value!r}".replace("inf", "inf").replace("nan", "nan")
    try:
        result = BASE.with_overrides([text])
    except ScenarioError as exc:
        assert not in_range(spec, value) or path == "economy.max_tariff"
        assert path in str(exc)
        return
    assert in_range(spec, value)
    node_value = result.data
    for part in path.split("."):
        node_value = node_value[part]
    assert node_value == value
    # the original scenario is untouched
    original = BASE.data
    for part in path.split("."):
        original = original[part]
    assert original != value or original == node_value


@settings(max_examples=100, deadline=None)
@given(
    value=st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.text(alphabet="abcxyz_", min_size=1, max_size=8),
    )
)
def test_parse_overrides_round_trips_toml_values(value):
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    else:
        text = repr(value)
    [(key, parsed)] = parse_overrides([f"a.b={text}"])
    assert key == "a.b"
    assert parsed == value or (isinstance(value, str) and parsed == value)


@settings(max_examples=60, deadline=None)
@given(
    values=st.dictionaries(
        # max_tariff below the starting tariffs is rightly rejected; it has its own test
        st.sampled_from([p for p in PATHS if p != "economy.max_tariff"]),
        st.floats(0.05, 0.95),
        min_size=1,
    )
)
def test_valid_overrides_give_a_runnable_model_and_a_new_digest(values):
    from negotiation_sim import NegotiationModel

    scenario = BASE.with_overrides(values)
    assert scenario.digest != BASE.digest or all(_get(BASE.data, k) == v for k, v in values.items())
    model = NegotiationModel(scenario, rng=1, rounds=3, record_stage_game=False)
    for _ in range(3):
        model.step()
    assert model.round == 3


def _get(data, path):
    for part in path.split("."):
        data = data[part]
    return data


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.integers(0, 3000).map(lambda n: "[" * n + "1" + "]" * n),
    st.integers(0, 1500).map(lambda n: "{a = " * n + "1" + "}" * n),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.sampled_from(["1e308", "-1e308", "inf", "nan", "1e400", '"\x1b[2J"', "[1, [2, [3]]]"]),
)
TARGETS = [
    *PATHS,
    "scenario.name",
    "scenario.rounds",
    "calendar.0.label",
    "calendar.².label",
    "calendar.99999999999999999999999.label",
    "calendar." + "9" * 5000 + ".label",
    "firms.us_autos.margin",
    "firms.us_autos.count",
    "governments.us.strategy_params.window",
    "governments.us.strategy_params",
]


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(TARGETS), text=HOSTILE)
def test_any_set_value_gives_a_scenario_or_a_scenario_error(path, text):
    """Deep nesting, 6000-digit numbers, huge values, odd digits in a path: a clear
    ScenarioError naming the override, never a traceback."""
    try:
        BASE.with_overrides([f"{path}={text}"])
    except ScenarioError as exc:
        assert f"--set {path[:40]}" in str(exc)  # long keys are cut in messages
        assert all(len(m) < 1000 for m in exc.messages)

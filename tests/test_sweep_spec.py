"""Sweep specifications, designs, seeds and per-point scenarios: validation messages read
like the scenario's (file, field, value, allowed), every problem at once; designs are
deterministic and have the shape each method needs; the fast way of applying a point's
values builds exactly the scenario ``with_overrides`` would."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim.runs.seeds import derive_seed, run_seed, split_run
from negotiation_sim.scenario import load_scenario, resolve_path
from negotiation_sim.sweep import SweepError, build_design, loads_spec
from negotiation_sim.sweep.designs import Design
from negotiation_sim.sweep.spec import load_spec
from negotiation_sim.sweep.worker import Applier

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))

ELASTICITY = {"path": "economy.elasticity", "range": [1.0, 5.0]}  # as sweep_specs'
NOISE = {"path": "negotiation.implementation_noise", "range": [0.0, 0.2]}


@pytest.fixture
def specs(sweep_specs):
    return sweep_specs


# ---------------------------------------------------------------------------- valid specs
def test_the_factory_parameters_are_the_ones_tested_here(specs):
    assert (specs.elasticity, specs.noise) == (ELASTICITY, NOISE)


def test_a_valid_spec_has_its_sizes_and_defaults(specs):
    spec = specs.load(samples=16, replicates=3, rounds=5, seed=9)
    assert spec.design == "latin_hypercube"
    assert (spec.n_points, spec.replicates, spec.n_runs) == (16, 3, 48)
    assert spec.names == ["economy.elasticity", "negotiation.implementation_noise"]
    assert spec.rounds == 5 and spec.horizon == 5 and spec.seed == 9
    assert spec.outputs == ("all",) and not spec.trajectories and spec.seeds == "per_run"
    assert spec.scenario.name.startswith("US–China")
    assert spec.scenario_digest == load_scenario("us_china_2025").digest


@pytest.mark.parametrize(
    ("design", "extra", "points"),
    [
        ("monte_carlo", {"samples": 10}, 10),
        ("latin_hypercube", {"samples": 10}, 10),
        ("sobol", {"samples": 8}, 8 * (2 + 2)),
        ("saltelli", {"samples": 8, "second_order": True}, 8 * (2 * 2 + 2)),
        ("morris", {"samples": 5, "levels": 6}, 5 * (2 + 1)),
        ("grid", {"levels": 3}, 9),
    ],
)
def test_design_sizes(specs, design, extra, points):
    spec = specs.load(design=design, **extra)
    assert spec.n_points == points
    design_ = build_design(spec)
    assert len(design_) == points
    assert design_.names == spec.names
    assert (design_.points["point"] == np.arange(points)).all()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_shipped_example_specs_are_valid(path):
    spec = load_spec(path)
    assert spec.n_runs >= 100
    assert spec.description


def test_the_full_example_in_the_docs_is_valid():
    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    spec = loads_spec(example, source="docs/sweeps.md")
    assert [p.name for p in spec.parameters] == [
        "rare_earth_stockpile_weeks",
        "economy.elasticity",
        "governments.us.strategy",
        "margin_scale",
    ]
    assert spec.n_runs == 256 * 4


def test_fixed_overrides_apply_to_the_base_scenario_and_change_its_hash(specs):
    fixed = {"governments.cn.strategy": "GrimTrigger", "negotiation": {"truce_rounds": 5}}
    spec = specs.load(samples=4, set=fixed)
    assert spec.fixed == {"governments.cn.strategy": "GrimTrigger", "negotiation.truce_rounds": 5}
    assert spec.scenario.data["governments"]["cn"]["strategy"] == "GrimTrigger"
    assert spec.scenario.data["negotiation"]["truce_rounds"] == 5
    plain = specs.load(samples=4)
    assert spec.scenario_digest != plain.scenario_digest
    assert spec.digest != plain.digest


def test_the_digest_ignores_titles_but_not_what_decides_results(specs):
    a = specs.load(samples=8, name="a", description="x")
    b = specs.load(samples=8, name="b")
    c = specs.load(samples=8, seed=1)
    assert a.digest == b.digest != c.digest


def test_scenario_paths_are_resolved_relative_to_the_spec(specs, tmp_path):
    (tmp_path / "mine.toml").write_text(
        (ROOT / "scenarios" / "classroom_basic.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    spec = load_spec(specs.write(tmp_path, scenario="mine.toml", samples=8))
    assert spec.scenario.source == str(tmp_path / "mine.toml")


# ---------------------------------------------------------------------------- bad specs
def test_a_probability_range_above_one_is_an_error_before_any_run(specs):
    (message,) = specs.problems([ELASTICITY, {**NOISE, "range": [0.0, 1.5]}], samples=8)
    assert message.startswith("bad.toml: parameters[1].range[1]: out of range")
    assert "negotiation.implementation_noise" in message
    assert "got 1.5" in message and "<= 1" in message


def test_every_problem_is_reported_at_once_with_field_value_and_allowed(specs):
    params = [{"path": "economy.elastic", "range": [1, 2]}]
    messages = specs.problems(params, design="fractional", replicates=0, colour="red")
    joined = "\n".join(messages)
    assert (
        "bad.toml: sweep.design: unknown choice: got 'fractional'; allowed: one of grid" in joined
    )
    assert "bad.toml: sweep.replicates: out of range: got 0" in joined
    assert "bad.toml: sweep.colour: unknown key" in joined
    # the path is checked although [sweep] is broken: nothing hides another problem
    assert "bad.toml: parameters[0].path: unknown scenario path: got 'economy.elastic'" in joined
    assert len(messages) == 4


@pytest.mark.parametrize(
    ("extra", "params", "expected"),
    [
        (
            {"samples": 8},
            [{**ELASTICITY, "path": "economy.elastic"}],
            ["parameters[0].path: unknown scenario path: got 'economy.elastic'"],
        ),
        (
            {"samples": 8},
            [{**ELASTICITY, "path": "governments.xx.tariff_step"}],
            [
                "parameters[0].path: no such entry in the scenario: "
                "got 'governments.xx.tariff_step'",
            ],
        ),
        (
            {"samples": 8},
            [{**ELASTICITY, "range": [5.0, 1.0]}],
            ["parameters[0].range: empty range"],
        ),
        (
            {"samples": 8},
            [{**ELASTICITY, "range": [-1.0, 5.0]}],
            ["parameters[0].range[0]: out of range for economy.elasticity: got -1.0"],
        ),
        ({}, [ELASTICITY, NOISE], ["sweep.samples: required key missing"]),
        ({"samples": 8, "levels": 3}, [ELASTICITY, NOISE], ["sweep.levels: not used"]),
        ({"samples": 12}, [], ["parameters: required key missing"]),
        (
            {"samples": 8, "trajectory_columns": ["tariff_us_cn"]},
            [ELASTICITY],
            ["sweep.trajectory_columns: not used", "only with trajectories = true"],
        ),
        (
            {"samples": 100_000_000, "replicates": 100},
            [ELASTICITY],
            ["sweep.replicates: 100,000,000 points x 100 replicates is too many"],
        ),
    ],
)
def test_bad_parameters_and_designs(specs, extra, params, expected):
    messages = specs.problems(params, **extra)
    for text in expected:
        assert any(text in m for m in messages), (text, messages)


def test_design_specific_rules(specs):
    sobol = specs.problems(design="sobol", samples=100)
    assert any("sweep.samples: not a power of 2: got 100" in m for m in sobol)
    normal = {"path": "economy.elasticity", "distribution": "normal", "mean": 2.0, "sd": 0.5}
    grid = specs.problems([{**normal, "range": [1.0, 4.0]}, NOISE], design="grid")
    assert any("parameters[0].distribution: no grid over a distribution" in m for m in grid)
    morris = specs.problems([normal, NOISE], design="morris", samples=4)
    assert any("parameters[0].range: unbounded parameter" in m for m in morris)


def test_an_unbounded_distribution_on_a_bounded_field_needs_a_truncation(specs):
    normal = {"path": NOISE["path"], "distribution": "normal", "mean": 0.1, "sd": 0.05}
    messages = specs.problems([ELASTICITY, normal], samples=8)
    assert any("parameters[1].range: a normal can leave the range" in m for m in messages)


def test_values_are_checked_against_the_field_and_the_scenario_rules(specs):
    params = [
        {"path": "governments.cn.strategy", "values": ["TitForTat", "NoSuchStrategy"]},
        {"path": "negotiation.initial_truce", "values": [True, 3]},
    ]
    messages = specs.problems(params, samples=8)
    joined = "\n".join(messages)
    assert "parameters[1].values[1]: wrong type for negotiation.initial_truce: got 3" in joined
    assert "parameters[0].values[1] = 'NoSuchStrategy'" in joined
    assert "unknown strategy" in joined


def test_a_human_player_is_refused_before_any_run(specs, tmp_path):
    """A sweep plays every run by computer: a Human seat without a computer fallback,
    from a parameter's values, from [sweep.set] or from the base scenario itself, is a
    problem of the spec (it used to pass and fail each run, or end in a traceback)."""
    human = {"path": "governments.cn.strategy", "values": ["TitForTat", "Human"]}
    (message,) = specs.problems([ELASTICITY, human], samples=8)
    assert message.startswith("bad.toml: parameters[1].values[1]: the Human strategy needs")
    assert "got 'Human'" in message and "a computer strategy" in message
    (message,) = specs.problems(samples=8, set={"governments.us.strategy": "Human"})
    assert message.startswith('bad.toml: sweep.set."governments.us.strategy": the Human')
    base = resolve_path("us_china_2025").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(base.replace("[governments.us]\n", '[governments.us]\nstrategy = "Human"\n'))
    mine.write_text(re.sub(r'\nstrategy = "CrisisBargainer"[^\n]*', "", mine.read_text(), count=1))
    spec = specs.write(tmp_path, scenario="mine.toml", samples=8)
    with pytest.raises(SweepError) as info:
        load_spec(spec)
    (message,) = info.value.messages
    assert message.startswith(f"{spec}: sweep.scenario: the Human strategy needs a person")
    assert "governments.us" in message
    # with a computer fallback the seat is played by computer: valid
    fallback = {
        "governments.us.strategy": "Human",
        "governments.us.strategy_params": {"fallback": "TitForTat"},
    }
    assert specs.load(samples=8, set=fallback).fixed["governments.us.strategy"] == "Human"


def test_names_and_paths_must_be_unique_and_not_result_columns(specs):
    params = [ELASTICITY, ELASTICITY, {"name": "outcome", **NOISE}]
    joined = "\n".join(specs.problems(params, samples=8))
    assert "parameters[1].name: duplicate name" in joined
    assert "parameters[1].path: duplicate path" in joined
    assert "parameters[2].name: reserved: got 'outcome'" in joined


def test_a_missing_or_broken_scenario_is_reported_against_the_spec(specs, tmp_path):
    messages = specs.problems(scenario="atlantis", samples=8)
    assert messages[0].startswith("bad.toml: sweep.scenario: no such scenario: got 'atlantis'")
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario]\nname = 3\n", encoding="utf-8")
    spec = specs.write(tmp_path, scenario="broken.toml", samples=8)
    with pytest.raises(SweepError) as info:
        load_spec(spec)
    assert all(m.startswith(f"{spec}: sweep.scenario: {broken}") for m in info.value.messages)


def test_unreadable_files():
    with pytest.raises(SweepError, match="no such sweep file"):
        load_spec("/nonexistent/sweep.toml")
    with pytest.raises(SweepError, match="not valid TOML"):
        loads_spec("[sweep\n", source="x.toml")


# ---------------------------------------------------------------------------- values
def test_integer_fields_take_whole_numbers_and_values_keep_their_type(specs):
    params = [
        {"path": "negotiation.truce_rounds", "range": [2, 9]},
        {"path": "governments.cn.strategy", "values": ["TitForTat", "GrimTrigger", "AlwaysHold"]},
    ]
    spec = specs.load(params, samples=64)
    rounds, strategy = spec.parameters
    assert rounds.integer and rounds.dtype == "int" and strategy.dtype == "str"
    design = build_design(spec)
    column = design.points["negotiation.truce_rounds"]
    assert column.dtype == np.int64 and set(column) == set(range(2, 10))
    assert set(design.points["governments.cn.strategy"]) == {
        "TitForTat",
        "GrimTrigger",
        "AlwaysHold",
    }


def test_distributions_map_the_unit_interval_inside_their_bounds(specs):
    params = [
        {"path": "economy.elasticity", "distribution": "loguniform", "range": [0.5, 8.0]},
        {
            "path": "economy.pass_through",
            "distribution": "normal",
            "mean": 0.9,
            "sd": 0.2,
            "range": [0.5, 1.0],
        },
        {
            "path": "economy.reroute_cost",
            "distribution": "triangular",
            "range": [0.0, 30.0],
            "mode": 10.0,
        },
    ]
    spec = specs.load(params, design="monte_carlo", samples=4000)
    points = build_design(spec).points
    e, p, r = (points[n].to_numpy() for n in spec.names)
    assert e.min() >= 0.5 and e.max() <= 8.0
    assert np.median(e) == pytest.approx(2.0, rel=0.1)  # geometric midpoint of 0.5 and 8
    assert p.min() >= 0.5 and p.max() <= 1.0 and np.mean(p) < 0.9  # truncated above 1
    assert r.min() >= 0 and r.max() <= 30 and np.mean(r) == pytest.approx(40 / 3, rel=0.05)


def test_designs_are_deterministic_and_the_seed_changes_them(specs):
    a = build_design(specs.load(samples=32, seed=4))
    b = build_design(specs.load(samples=32, seed=4))
    c = build_design(specs.load(samples=32, seed=5))
    assert a.points.equals(b.points) and not a.points.equals(c.points)


def test_latin_hypercube_puts_one_point_in_each_stratum(specs):
    design = build_design(specs.load(samples=50))
    for j in range(design.unit.shape[1]):
        strata = np.floor(design.unit[:, j] * 50).astype(int)
        assert sorted(strata) == list(range(50))


def test_grid_is_the_full_factorial_first_parameter_slowest(specs):
    params = [{"path": ELASTICITY["path"], "values": [1.0, 2.0]}, {**NOISE, "levels": 3}]
    design = build_design(specs.load(params, design="grid"))
    rows = design.points[["economy.elasticity", "negotiation.implementation_noise"]]
    assert rows.values.tolist() == [
        [1.0, 0.0],
        [1.0, 0.1],
        [1.0, 0.2],
        [2.0, 0.0],
        [2.0, 0.1],
        [2.0, 0.2],
    ]


def test_design_round_trips_through_its_stored_form(specs):
    spec = specs.load(design="morris", samples=3)
    design = build_design(spec)
    again = Design.from_frame(design.to_frame(), spec)
    assert again.points.equals(design.points)
    assert np.array_equal(again.unit, design.unit)


# ---------------------------------------------------------------------------- seeds
def test_run_seeds_come_from_the_sweep_seed_and_the_run_index():
    assert run_seed(11, 7, replicates=3) == derive_seed(11, 7)
    seeds = {run_seed(11, r, 3) for r in range(300)}
    assert len(seeds) == 300
    common = [run_seed(11, r, 3, "common") for r in range(9)]
    assert common[:3] == common[3:6] == common[6:] and len(set(common[:3])) == 3
    assert split_run(7, 3) == (2, 1)


# ---------------------------------------------------------------------------- scenarios
def test_the_fast_path_builds_exactly_what_with_overrides_validates(specs):
    params = [
        {**specs.stockpile, "range": [0.5, 30]},
        {
            "name": "margin_scale",
            "path": "firms.us_autos.margin",
            "range": [0.5, 2.0],
            "scale": True,
        },
        {"path": "negotiation.truce_rounds", "range": [1, 20]},
        {"path": "economy.rare_earth_cut.2", "range": [0.5, 0.9]},
        {"path": "governments.cn.strategy", "values": ["TitForTat", "GrimTrigger"]},
    ]
    spec = specs.load(params, samples=6)
    base = spec.scenario
    applier = Applier(base, spec.parameters)
    design = build_design(spec)
    columns = design.columns()
    margin = base.data["firms"]["us_autos"]["margin"]
    for point in range(len(design)):
        values = tuple(c[point].item() if hasattr(c[point], "item") else c[point] for c in columns)
        fast = applier.scenario_for(values)
        stock, scale, truce, cut, strategy = values
        slow = base.with_overrides(
            {
                "firms.us_autos.stockpile_weeks": stock,
                "firms.us_industry.stockpile_weeks": stock,
                "firms.us_autos.margin": [margin[0] * scale, margin[1] * scale],
                "negotiation.truce_rounds": truce,
                "economy.rare_earth_cut.2": cut,
                "governments.cn.strategy": strategy,
            }
        )
        assert fast.data == slow.data
        assert fast.data["firms"]["us_autos"]["stockpile_weeks"] == [stock, stock]
    assert base.data["firms"]["us_autos"]["margin"] == margin  # the base is untouched
    assert math.isclose(base.data["economy"]["rare_earth_cut"][2], 0.75)


# ---------------------------------------------------------------------------- all at once
def test_a_broken_sweep_field_does_not_hide_the_checks_against_the_scenario(specs):
    messages = specs.problems([ELASTICITY, {**NOISE, "range": [0.0, 1.5]}], replicates=0, samples=8)
    joined = "\n".join(messages)
    assert "sweep.replicates: out of range: got 0" in joined
    assert "parameters[1].range[1]: out of range for negotiation.implementation_noise" in joined
    assert len(messages) == 2


def test_a_broken_parameter_does_not_hide_the_design_problems(specs):
    messages = specs.problems([{**ELASTICITY, "range": [1.0, "x"]}, NOISE], design="sobol")
    joined = "\n".join(messages)
    assert "parameters[0].range[1]: wrong type: got 'x'" in joined
    assert "sweep.samples: required key missing" in joined
    # rules that count the parameters wait until every parameter reads
    assert "at least 2 parameters" not in joined
    assert len(messages) == 2


def test_a_scenario_given_as_a_sweep_spec_says_so():
    with pytest.raises(SweepError) as info:
        load_spec(ROOT / "scenarios" / "us_china_2025.toml")
    (message,) = info.value.messages
    assert "this looks like a scenario" in message and "not a sweep spec" in message


# ---------------------------------------------------------------------------- hostile input
def test_deep_nesting_in_a_spec_names_the_file_and_field(specs):
    deep = "[" * 600 + "1" + "]" * 600
    text = specs.text(samples=8).replace("[sweep]\n", f"[sweep]\nset = {{ x = {deep} }}\n")
    with pytest.raises(SweepError) as info:
        loads_spec(text, source="deep.toml")
    (message,) = info.value.messages
    assert message.startswith("deep.toml: sweep.set (line 2): nested too deeply")
    nested: list = ["TitForTat"]
    for _ in range(100):
        nested = [nested]
    (message,) = specs.problems(
        [{"path": "governments.cn.strategy", "values": [nested]}], samples=8
    )
    assert message.startswith("bad.toml: parameters[0].values[0][0][0]")
    assert "nested too deeply" in message and len(message) < 400


def test_huge_or_overflowing_values_are_refused_with_short_messages(specs):
    too_many = specs.problems(
        [ELASTICITY, {"path": "governments.cn.strategy", "values": ["TitForTat"] * 10_001}],
        samples=8,
    )
    assert any("parameters[1].values: too long: got a list of 10,001 items" in m for m in too_many)
    (message,) = specs.problems([{**ELASTICITY, "range": [1.0, 1e308]}], samples=8)
    assert "parameters[0].range[1]: out of range: got 1e+308" in message
    revenue = {"path": "firms.us_autos.revenue", "range": [1.0, 1e12]}
    (message,) = specs.problems([ELASTICITY, revenue], samples=8)
    assert (
        "parameters[1].range[1]: out of range for firms.us_autos.revenue: got 1000000000000.0"
        in message
    )
    scaled = {"path": "firms.us_autos.revenue", "range": [1.0, 1e300], "scale": True}
    (message,) = specs.problems([ELASTICITY, scaled], samples=8)
    assert "scaled value" in message and "firms.us_autos.revenue" in message
    messages = specs.problems(name="x" * 1_200_000, samples=8)
    assert messages[0].startswith("bad.toml: sweep.name: too long: got 'xxx")
    assert "(1,200,000 characters)" in messages[0] and len(messages[0]) < 400

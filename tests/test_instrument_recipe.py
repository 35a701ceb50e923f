"""The recipe for a new export-control instrument (docs/architecture.md, "Add an
export-control instrument"): a registry entry, its economy channel and its schema
fields. A made-up third control, "helium", is added in this test only, by those three
steps; nothing else in the package is patched, and a scenario using it validates, runs,
records its column and its level changes payoffs."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation_sim.config.schema import ListOf, Num, Span
from negotiation_sim.core import CONTROL_COLUMNS, REGISTRY, Instrument, control_instruments
from negotiation_sim.economy import build_world
from negotiation_sim.economy.evaluate import CHANNELS, FirmState, evaluate, supply_channel
from negotiation_sim.run import run_simulation
from negotiation_sim.scenario import ScenarioError, load_scenario, spec
from negotiation_sim.scenario.checks import cross_check

HELIUM = Instrument(
    "helium",
    "control",
    "helium exports",
    "helium",
    column=len(CONTROL_COLUMNS),
    cut="helium_cut",
    firm_spans=("helium_dependence",),
    firm_amounts=("helium_exports",),
)
CUT = [0.0, 0.3, 0.6, 0.9]


@pytest.fixture
def helium(monkeypatch: pytest.MonkeyPatch) -> Instrument:
    """The three steps of the recipe, undone after the test."""
    # 1. the registry entry; CONTROL_COLUMNS and the schema's instrument choices are
    #    derived from the registry when the modules are imported, so they are redone here
    monkeypatch.setitem(REGISTRY, HELIUM.name, HELIUM)
    monkeypatch.setitem(CONTROL_COLUMNS, HELIUM.name, HELIUM.column)
    choices = tuple(REGISTRY)
    monkeypatch.setattr(spec.GOVERNMENT.fields["instruments"].item, "choices", choices)
    monkeypatch.setattr(spec.EVENT.fields["instrument"], "choices", choices)
    # 2. its economy channel: an input without stockpiles, like chips
    channel = supply_channel("helium_dependence", "helium_exports")
    monkeypatch.setitem(CHANNELS, HELIUM.name, channel)
    # 3. its schema fields
    fields = [
        (
            spec.ECONOMY,
            "helium_cut",
            ListOf(
                doc="Share of helium supply withheld at control level 0..3.",
                item=Num(low=0, high=1),
                min_items=4,
            ),
        ),
        (
            spec.FIRM_GROUP,
            "helium_dependence",
            Span(doc="Share of output that stops without helium.", low=0, high=1, default=0.0),
        ),
        (
            spec.FIRM_GROUP,
            "helium_exports",
            Num(
                doc="Annual helium exports to the partner ($bn/yr).",
                low=0,
                high=spec.MONEY_MAX,
                default=0.0,
            ),
        ),
    ]
    for table, key, node in fields:
        monkeypatch.setitem(table.fields, key, node)
    return HELIUM


def helium_overrides(level: int) -> dict:
    """China holds helium controls at ``level``; US chip makers need helium, Chinese
    magnet makers sell it."""
    return {
        "economy.helium_cut": CUT,
        "governments.cn.instruments": ["tariff", "rare_earth", "helium"],
        "governments.cn.controls": {"rare_earth": 1, "helium": level},
        "firms.us_semiconductors.helium_dependence": [0.4, 0.6],
        "firms.cn_magnets.helium_exports": 5.0,
    }


def test_a_scenario_with_the_new_control_validates_and_compiles(helium):
    config = load_scenario("us_china_2025", helium_overrides(2)).config
    assert [i.name for i in control_instruments()] == ["rare_earth", "chips", "helium"]
    assert config.economy.control_cuts["helium"] == tuple(CUT)
    assert config.firms["us_semiconductors"].spans["helium_dependence"] == (0.4, 0.6)
    assert config.firms["cn_magnets"].amounts_bn["helium_exports"] == 5.0
    assert config.governments["cn"].trade.control_levels["helium"] == 2


def test_the_checks_name_the_new_control(helium):
    overrides = {**helium_overrides(0), "economy.helium_cut": [0.0, 0.3, 0.6, 0.9, 1.0]}
    with pytest.raises(ScenarioError, match=r"economy\.helium_cut.*exactly 4 shares"):
        load_scenario("us_china_2025", overrides)
    data = load_scenario("us_china_2025", helium_overrides(0)).data
    data["governments"]["us"]["controls"] = {"neon": 1}
    problems = cross_check(data)
    assert [p.allowed for p in problems] == ["rare_earth, chips, helium"]


def test_the_run_records_the_new_control_and_its_cost(helium):
    """A whole run: the record has China's helium column (the initial truce eases the
    control by one level, as it does the others); the US, which needs helium, ends
    worse off when China starts from a broad ban than from none."""
    runs = {
        level: run_simulation(load_scenario("us_china_2025", helium_overrides(level)), 1, rounds=12)
        for level in (0, 2)
    }
    assert "control_us_helium" not in runs[2].trajectory  # the US does not hold it
    assert runs[0].trajectory["control_cn_helium"].eq(0).all()
    assert runs[2].trajectory["control_cn_helium"].iloc[0] == 1
    assert runs[2].summary["welfare"]["us"] < runs[0].summary["welfare"]["us"]


def test_its_level_changes_payoffs(helium):
    """Valued by the economy at helium level 0 and 2, all else equal: US chip makers
    lose output, China's helium exporters lose sales, US welfare falls."""
    config = load_scenario("us_china_2025", helium_overrides(0)).config
    world = build_world(config.economy_spec(), np.random.default_rng(0))
    cn = world.countries.index("cn")
    assert world.holds.shape[1] == 3 and world.controllers[HELIUM.column] == [cn]
    controls = np.stack([world.initial_controls, world.initial_controls])
    controls[1, cn, HELIUM.column] = 2  # state 1: China at broad ban
    tariff = np.stack([world.initial_tariff] * 2)
    ev = evaluate(
        world,
        tariff,
        controls,
        np.zeros(2),
        FirmState.initial(world),
        world.initial_enforcement,
    )
    groups = np.array(world.groups)[world.firms.group]
    chips, magnets = groups == "us_semiconductors", groups == "cn_magnets"
    others = ~(chips | magnets)
    assert (ev.firm_delta[1, chips] < ev.firm_delta[0, chips]).all()
    assert (ev.firm_delta[1, magnets] < ev.firm_delta[0, magnets]).all()
    assert np.array_equal(ev.firm_delta[1, others], ev.firm_delta[0, others])
    us = world.countries.index("us")
    assert ev.welfare[1, us] < ev.welfare[0, us]


def test_every_registered_control_has_a_channel():
    """Rare earths' stockpile channel is written out in ``evaluate``; every other
    control needs its entry in ``CHANNELS`` or its level would change nothing."""
    channels = set(CHANNELS) | {"rare_earth"}
    assert channels == {i.name for i in control_instruments()}


def test_the_registry_names_schema_fields_of_the_right_kind():
    """Each control's ``cut`` is a list in ``[economy]``, its ``firm_spans`` ranges and
    its ``firm_amounts`` numbers in ``[firms.*]``, so the recipe's three places agree."""
    for inst in control_instruments():
        assert isinstance(spec.ECONOMY.fields[inst.cut], ListOf), inst.name
        for key in inst.firm_spans:
            assert isinstance(spec.FIRM_GROUP.fields[key], Span), key
        for key in inst.firm_amounts:
            assert isinstance(spec.FIRM_GROUP.fields[key], Num), key

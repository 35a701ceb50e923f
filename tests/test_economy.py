"""Economy functions against values computed by hand (docs/model.md, Submodels)."""

import math

import numpy as np
import pytest

from negotiation_sim.economy import (
    FirmState,
    build_world,
    consumer_cost,
    deadweight_loss,
    diversion_share,
    drawdown,
    effective_cut,
    evaluate,
    exporter_price,
    free_trade_volume,
    government_utility,
    import_volume,
    importer_price,
    lobbying_index,
    outage_fraction,
    tariff_revenue,
)
from negotiation_sim.scenario import load_scenario, scenario_from_dict


def test_prices_with_full_and_zero_pass_through():
    assert importer_price(np.array(0.25), 1.0) == pytest.approx(1.25)
    assert exporter_price(np.array(0.25), 1.0) == pytest.approx(1.0)
    assert importer_price(np.array(0.25), 0.0) == pytest.approx(1.0)
    assert exporter_price(np.array(0.25), 0.0) == pytest.approx(0.8)
    # half pass-through: p_m = 1.25**0.5, p_x = 1.25**-0.5, and p_m / p_x = 1 + t
    pm, px = importer_price(np.array(0.25), 0.5), exporter_price(np.array(0.25), 0.5)
    assert pm == pytest.approx(1.118034, rel=1e-6)
    assert pm / px == pytest.approx(1.25)


def test_volume_revenue_consumer_cost_and_deadweight_loss_by_hand():
    # m_free = 100, t = 25%, full pass-through, elasticity 2:
    # m = 100 / 1.25**2 = 64; R = 0.25 * 1 * 64 = 16;
    # CC = 100 * (1.25**-1 - 1) / (1 - 2) = 20; DWL = 20 - 0.25 * 64 = 4.
    pm = importer_price(np.array(0.25), 1.0)
    m = import_volume(np.array(100.0), pm, 2.0)
    assert m == pytest.approx(64.0)
    assert tariff_revenue(np.array(0.25), np.array(1.0), m) == pytest.approx(16.0)
    cc = consumer_cost(np.array(100.0), pm, 2.0)
    assert cc == pytest.approx(20.0)
    assert deadweight_loss(cc, pm, m) == pytest.approx(4.0)


def test_consumer_cost_unit_elasticity_is_logarithmic():
    assert consumer_cost(np.array(100.0), np.array(1.25), 1.0) == pytest.approx(
        100 * math.log(1.25)
    )


def test_free_trade_volume_inverts_the_reference_tariff():
    # 64 observed at 25% with elasticity 2 means 100 at free trade
    assert free_trade_volume(np.array(64.0), np.array(0.25), 1.0, 2.0) == pytest.approx(100.0)


def test_diversion_share_by_hand():
    # gap = 100 * (0.50 - 0.19 - 0.10) = 21 pp; share = 1 - exp(-0.05 * 21)
    share = diversion_share(np.array([[0.5]]), np.array([[0.19]]), 0.10, 0.05, np.array([0.0]))
    assert share[0, 0] == pytest.approx(1 - math.exp(-1.05))
    # enforcement blocks a matching share; no gap means no rerouting
    blocked = diversion_share(np.array([[0.5]]), np.array([[0.19]]), 0.10, 0.05, np.array([0.5]))
    assert blocked[0, 0] == pytest.approx(0.5 * (1 - math.exp(-1.05)))
    none = diversion_share(np.array([[0.2]]), np.array([[0.19]]), 0.10, 0.05, np.array([0.0]))
    assert none[0, 0] == 0.0


def test_diversion_shares_never_sum_above_one():
    share = diversion_share(
        np.array([[2.0]]), np.array([[0.0, 0.0]]), 0.0, 1.0, np.array([0.0, 0.0])
    )
    assert share.sum() == pytest.approx(1.0)


def test_stockpile_drawdown_and_shortage_weeks():
    # 4 weeks of stock, half the supply cut, for 10 weeks: lasts 8 weeks, 2 weeks short
    stock, short = drawdown(
        np.array([4.0]), np.array([0.0]), np.array([0.5]), 10.0, np.array([4.0]), 0.5
    )
    assert stock[0] == 0.0 and short[0] == pytest.approx(2.0)
    # already out of stock: the shortage count carries on
    stock, short = drawdown(stock, short, np.array([0.5]), 1.0, np.array([4.0]), 0.5)
    assert short[0] == pytest.approx(3.0)
    # the cut ends: restock 0.5 weeks per week, shortage count resets
    stock, short = drawdown(stock, short, np.array([0.0]), 1.0, np.array([4.0]), 0.5)
    assert stock[0] == pytest.approx(0.5) and short[0] == 0.0
    # restocking stops at the target
    stock, _ = drawdown(
        np.array([3.9]), np.array([0.0]), np.array([0.0]), 1.0, np.array([4.0]), 0.5
    )
    assert stock[0] == pytest.approx(4.0)


def test_outage_grows_after_the_stockpile_runs_out():
    ramp = 3.0
    losses = [
        float(outage_fraction(np.array(0.8), np.array(0.5), np.array(w), ramp)) for w in range(5)
    ]
    assert losses == pytest.approx([0.0, 0.4 / 3, 0.8 / 3, 0.4, 0.4])


def test_effective_cut_erodes_with_substitution():
    cuts = np.array([0.0, 0.35, 0.75, 0.9])
    assert effective_cut(np.array([2]), cuts, 0.0, 52.0)[0] == pytest.approx(0.75)
    assert effective_cut(np.array([2]), cuts, 52.0, 52.0)[0] == pytest.approx(0.75 / math.e)
    assert effective_cut(np.array([0]), cuts, 10.0, 52.0)[0] == 0.0


def test_utility_and_lobbying_index():
    u = government_utility(np.array([-2.0]), np.array([1.0]), np.array([-4.0]), 0.5, 0.25)
    assert u[0] == pytest.approx(-2.0 + 0.5 + 1.0)
    idx = lobbying_index(np.array([-3.0, 1.0, 0.0]), np.array([6.0, 0.5, 0.0]))
    assert idx.tolist() == pytest.approx([-0.5, 1.0, 0.0])


TINY = {
    "scenario": {
        "name": "tiny",
        "start_date": "2025-01-06",
        "round_days": 365,
        "rounds": 3,
        "parties": ["aa", "bb"],
    },
    "economy": {
        "elasticity": 2.0,
        "pass_through": 1.0,
        "reroute_cost": 10.0,
        "rare_earth_cut": [0.0, 0.5, 0.5, 0.5],
        "chip_cut": [0.0, 0.5, 0.5, 0.5],
        "substitution_weeks": 10000.0,
        "labour_share": 0.0,
    },
    "outcomes": {"trade_war_escalation": 0.6},
    "negotiation": {"truce_rounds": 1},
    "governments": {
        "aa": {"name": "A", "instruments": ["tariff"], "tariffs": {"bb": 25.0}},
        "bb": {"name": "B", "instruments": ["tariff", "rare_earth"], "controls": {"rare_earth": 1}},
    },
    "firms": {
        "bb_exporters": {
            "country": "bb",
            "sector": "goods",
            "partner": "aa",
            "count": 1,
            "revenue": 200.0,
            "margin": 0.1,
            "exports": 100.0,
        },
        "aa_makers": {
            "country": "aa",
            "sector": "cars",
            "partner": "bb",
            "count": 1,
            "revenue": 50.0,
            "margin": 0.2,
            "rare_earth_dependence": 0.5,
            "stockpile_weeks": 0.0,
        },
    },
}


def test_one_round_welfare_by_hand():
    """A's 25% tariff on B's $100bn (full pass-through, elasticity 2, one-year round):
    A books R - CC = 16 - 20 = -4; B's exporter loses its 10% margin on 36 of lost sales.
    B's rare-earth licensing withholds half the supply from A's car maker, which has no
    stockpile: a year short (ramp 3 weeks) costs 0.5 * 0.5 = 25% of its output of 50 at
    a 20% margin, so A loses 2.5 more."""
    scenario = scenario_from_dict(TINY)
    world = build_world(scenario.config.economy_spec(), np.random.default_rng(0))
    state = FirmState.initial(world)
    ev = evaluate(
        world,
        world.initial_tariff[None],
        world.initial_controls[None],
        np.zeros(1),
        state,
        world.initial_enforcement,
    )
    a, b = world.countries.index("aa"), world.countries.index("bb")
    assert ev.welfare[0, a] == pytest.approx(-4.0 - 2.5)
    assert ev.welfare[0, b] == pytest.approx(-3.6)
    exporter = world.firms.country == b
    assert ev.firm_delta[0, exporter].sum() == pytest.approx(-3.6)
    maker = world.firms.country == a
    assert ev.firm_delta[0, maker].sum() == pytest.approx(-2.5)
    assert ev.imports[0].sum() == pytest.approx(64.0)


def test_batch_rows_are_independent():
    scenario = scenario_from_dict(TINY)
    world = build_world(scenario.config.economy_spec(), np.random.default_rng(0))
    state = FirmState.initial(world)
    tariffs = np.stack([world.initial_tariff, world.initial_tariff * 0])
    controls = np.stack([world.initial_controls, world.initial_controls * 0])
    ev = evaluate(world, tariffs, controls, np.zeros(2), state, world.initial_enforcement)
    single = evaluate(
        world, tariffs[1:], controls[1:], np.zeros(1), state, world.initial_enforcement
    )
    assert ev.welfare[1] == pytest.approx(single.welfare[0])
    assert ev.welfare[1] == pytest.approx(np.zeros(2))


def test_us_welfare_loss_at_2018_tariffs_matches_fajgelbaum_et_al():
    """Fajgelbaum, Goldberg, Kennedy & Khandelwal (2020, QJE 135): the 2018 tariffs cost
    the US $7.2bn a year net (consumers' and importers' losses less tariff revenue and
    producers' gains). At Bown's Sep-2018 averages (US 12.0% on China, China 18.3% on
    the US, from 3.0% / 8.0%), the trade_war_2018 economy gives a US net loss within 25%
    of it: lost exports cost no wages (their workers are re-employed)."""
    from negotiation_sim.game.dyad import Dyad

    scenario = load_scenario("trade_war_2018")
    world = build_world(scenario.config.economy_spec(), np.random.default_rng(0))
    dyad = Dyad(world)
    us, cn = world.parties
    before = world.initial_tariff.copy()
    after = before.copy()
    dyad.shift(after, us, 12.0 - 3.0, world.max_tariff)
    dyad.shift(after, cn, 18.3 - 8.0, world.max_tariff)
    ev = evaluate(
        world,
        np.stack([before, after]),
        np.stack([world.initial_controls] * 2),
        np.zeros(2),
        FirmState.initial(world),
        world.initial_enforcement,
    )
    per_year = (ev.welfare[1, us] - ev.welfare[0, us]) / world.round_years
    assert per_year == pytest.approx(-7.2, rel=0.25)

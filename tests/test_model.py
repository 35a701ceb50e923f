"""Model invariants, reproducibility, the protocol, events and face validity."""

import dataclasses
import pickle

import mesa
import numpy as np
import pandas as pd
import pytest

from negotiation_sim import NegotiationModel, load_scenario, run_simulation
from negotiation_sim.abm.firm import Firm
from negotiation_sim.abm.government import Government
from negotiation_sim.core import Action, Move, Package
from negotiation_sim.game.offers import (
    build_control_truce,
    build_demand_offer,
    build_measure_truce,
    build_purchase_offer,
    build_truce,
)
from negotiation_sim.strategies import MoveRequired

# Fixtures from tests/conftest.py: default_scenario, tiny_scenario, pair (strategy
# overrides for us and cn) and run_scenario (a run of the default scenario).


def test_agents_are_mesa_agents_and_firms_are_generated(default_scenario):
    model = NegotiationModel(default_scenario, rng=3)
    govs = list(model.agents_by_type[Government])
    firms = list(model.agents_by_type[Firm])
    assert {g.gid for g in govs} == {"us", "cn", "my"}
    assert len(firms) == model.world.n_firms >= 200
    assert all(isinstance(a, mesa.Agent) for a in govs + firms)
    autos = [f for f in firms if f.group == "us_autos"]
    assert len(autos) == 30 and all(f.country == "us" and f.sector == "autos" for f in autos)
    assert sum(f.size for f in autos) == pytest.approx(600.0)
    assert all(0.5 <= f.rare_earth_dependence <= 1.0 for f in autos)
    assert model.governments["us"].tariffs["cn"]["electronics"] == pytest.approx(55.0)
    assert model.governments["cn"].tariffs["us"]["agriculture"] == pytest.approx(34.0)
    assert model.governments["cn"].controls == {"rare_earth": 1}


def test_firm_draws_depend_on_the_seed_only(tiny_scenario):
    a, b, c = (NegotiationModel(tiny_scenario, rng=s) for s in (5, 5, 6))
    assert np.array_equal(a.world.firms.revenue, b.world.firms.revenue)
    assert not np.array_equal(a.world.firms.revenue, c.world.firms.revenue)


def test_same_seed_same_run_and_stochastic_strategies_vary_with_seed(pair, run_scenario):
    noisy = pair("Random", "LogitQuantalResponse", **{"negotiation.perception_noise": 0.1})
    one = run_scenario(noisy, seed=11).trajectory
    two = run_scenario(noisy, seed=11).trajectory
    pd.testing.assert_frame_equal(one, two)
    others = [run_scenario(noisy, seed=s).trajectory for s in (12, 13)]
    assert any(not other["move_us"].equals(one["move_us"]) for other in others)


def test_run_result_is_picklable_with_the_summary_keys(run_scenario):
    result = run_scenario(seed=2)
    again = pickle.loads(pickle.dumps(result))
    assert again.summary == result.summary
    for key in ("outcome", "outcome_round", "peak_tariffs", "welfare", "final_tariffs"):
        assert key in result.summary
    assert result.summary["outcome"] in {"ongoing", "truce", "deal", "trade_war", "stalemate"}
    assert len(result.trajectory) == 52


@pytest.mark.parametrize("seed", range(6))
def test_policies_stay_within_bounds(seed, default_scenario, pair):
    overrides = pair(
        "Random",
        "Random",
        **{"negotiation.implementation_noise": 0.2, "negotiation.deal_break_hazard": 0.1},
    )
    model = NegotiationModel(
        default_scenario, rng=seed, overrides=overrides, record_stage_game=False
    )
    cap = model.world.max_tariff
    while model.running:
        model.step()
        assert (model.policy.tariff >= 0).all() and (model.policy.tariff <= cap + 1e-12).all()
        assert (model.policy.controls >= 0).all() and (model.policy.controls <= 3).all()
        assert 0.0 <= model.policy.enforcement.min() <= model.policy.enforcement.max() <= 1.0
        for gov in model.parties:
            assert 0.0 <= model.escalation(gov) <= 1.0


@pytest.mark.parametrize("seed", range(4))
def test_a_deal_is_honoured_until_it_expires_or_breaks(seed, default_scenario, pair):
    overrides = pair("GenerousTitForTat", "Conceder", **{"negotiation.deal_break_hazard": 0.05})
    model = NegotiationModel(
        default_scenario, rng=seed, overrides=overrides, record_stage_game=False
    )
    struck = 0
    while model.running:
        before = model.deal
        model.step()
        deal = model.deal
        if deal is not None and deal.in_run:
            if deal is not before:
                struck += 1
                levels = model.policy.tariff.copy(), model.policy.controls.copy()
            # while the same deal holds, no instrument rises above its level at signing
            assert (model.policy.tariff <= levels[0] + 1e-12).all()
            assert (model.policy.controls <= levels[1]).all()
            if deal.expires_round is not None:
                assert model.round < deal.expires_round
        if before is not None and before.in_run and deal is not before:
            news = model.trajectory()["deal_news"].iloc[-1]
            assert "broken" in news or "expired" in news or "struck" in news
    assert struck >= 1


def test_truce_expires_with_snap_back(default_scenario, pair):
    overrides = pair("AlwaysHold", "AlwaysHold", **{"negotiation.extension_window": 0})
    model = NegotiationModel(default_scenario, rng=0, overrides=overrides)
    rows = []
    while model.running and model.round < 6:
        model.step()
        rows.append((model.round, model.outcome, model.tariff_levels["us"]))
    df = model.trajectory()
    # the Geneva truce holds until the 10 Nov expiry (round 5), then +24 pp snap-back
    assert list(df["outcome"][:4]) == ["truce"] * 4
    assert df["outcome"][4] == "ongoing"
    assert "Truce expires" in df["events"][4]
    # the +100% threat took effect in round 4 (first round starting on/after 1 Nov)
    assert df["tariff_us_cn"][3] == pytest.approx(155.0)
    assert df["tariff_us_cn"][4] == pytest.approx(179.0)
    assert df["tariff_cn_us"][4] == pytest.approx(df["tariff_cn_us"][3] + 24.0)


def test_calendar_uses_mesa_event_scheduling(default_scenario):
    model = NegotiationModel(default_scenario, rng=0)
    assert {2, 4, 8} <= set(model.calendar.by_round)
    model.run_for(2)  # Mesa's clock: each round's opening event, then its step
    assert model.round == 2 and model.time == 2.0
    assert "Negotiators meet in Malaysia" in model.trajectory()["events"][1]


def test_a_deal_averts_the_threat_and_suspends_the_control_rule(pair, run_scenario):
    result = run_scenario(pair("AlwaysConcede", "AlwaysConcede"))
    events = " ".join(result.trajectory["events"])
    # the +100% threat falls due under the truce struck in round 1 and is postponed;
    # the lasting deal that replaces the truce averts it, and suspends the control rule
    assert "(postponed by truce)" in events and "(suspended by deal)" in events
    assert "takes effect" not in events
    assert result.trajectory["control_cn_rare_earth"].max() <= 1
    assert result.trajectory["tariff_us_cn"].max() < 100


def test_a_truce_postpones_a_threat_until_it_ends(default_scenario, pair):
    """A threat that falls due under a truce struck in the run is held, and takes
    effect when the truce ends without a lasting deal (the 2018 G20 truce postponed the
    1 Jan 2019 raise; talks broke down and it came in May)."""
    holders = pair("AlwaysHold", "AlwaysHold", **{"negotiation.extension_window": 0})
    model = NegotiationModel(default_scenario, rng=0, overrides=holders)
    model.step()
    mech = model.mechanism
    us, cn = (model.governments[g].party for g in ("us", "cn"))
    truce = dataclasses.replace(
        build_truce(us, cn, mech.policy, mech.world, mech.dyad, mech.rules), duration=4
    )
    mech.strike(truce, mech.package_state(truce), 1, mech.policy.copy())
    model.schedule_event(model._expire_truce, at=4.5)  # as settle does for its truces
    while model.round < 6:
        model.step()
    t = model.trajectory().set_index("round")
    assert "(postponed by truce)" in t.at[4, "events"]  # the 1 Nov +100% threat
    assert t.at[4, "tariff_us_cn"] == pytest.approx(t.at[3, "tariff_us_cn"])
    assert "takes effect: the truce ended" in t.at[5, "events"]
    assert t.at[5, "tariff_us_cn"] >= t.at[4, "tariff_us_cn"] + 100 - 1e-9


def test_two_conceders_reach_a_deal(pair, run_scenario):
    for seed in range(3):
        result = run_scenario(pair("AlwaysConcede", "AlwaysConcede"), seed=seed, trajectory=False)
        assert result.outcome == "deal"
        assert result.summary["outcome_round"] <= 5


def test_two_escalators_end_in_a_trade_war(pair, run_scenario):
    for seed in range(3):
        result = run_scenario(pair("AlwaysEscalate", "AlwaysEscalate"), seed=seed, trajectory=False)
        assert result.outcome == "trade_war"
        assert result.summary["peak_tariffs"]["us_on_cn"] == pytest.approx(250.0)


def test_stalemate_at_the_horizon_when_nobody_moves(pair, run_scenario):
    # (levels the calendar alone imposes are no war the parties chose; no extension)
    overrides = pair("AlwaysHold", "AlwaysHold", **{"negotiation.extension_window": 0})
    result = run_scenario(overrides, trajectory=False)
    assert result.outcome == "stalemate" and result.summary["outcome_round"] == 52


@pytest.fixture
def first_us_concession(pair, run_scenario):
    """Round of the first US concession by a lobby-responsive US (10**6: none)."""

    def first(extra: dict, seed: int = 0) -> int:
        overrides = pair("LobbyResponsive", "AlwaysHold", us_params={"threshold": 0.07}, **extra)
        df = run_scenario(overrides, seed=seed, stage_game=False).trajectory
        conceded = df.index[df["move_us"].str.startswith("concede")]
        return int(df["round"][conceded[0]]) if len(conceded) else 10**6

    return first


@pytest.mark.parametrize("seed", [0, 1])
def test_more_rare_earth_pressure_makes_the_importer_concede_no_later(seed, first_us_concession):
    base = first_us_concession({}, seed)
    assert base < 10**6, "the baseline must concede within the horizon for a real test"
    dependent = first_us_concession({"firms.us_autos.rare_earth_dependence": [0.9, 1.0]}, seed)
    short = first_us_concession({"firms.us_autos.stockpile_weeks": [0.5, 2.0]}, seed)
    assert dependent <= base
    assert short <= base
    assert min(dependent, short) < base  # the pressure really moves the date


def test_human_moves_are_supplied_from_outside(default_scenario, pair):
    model = NegotiationModel(default_scenario, rng=0, overrides=pair("Human", "TitForTat"))
    human = model.governments["us"].strategy
    with pytest.raises(MoveRequired):
        model.step()
    assert model.round == 0  # nothing happened
    human.submit(Move(Action.ESCALATE, "tariff"))
    model.step()
    assert str(model.governments["us"].moves[-1]) == "escalate:tariff"
    human.submit(Move(Action.ESCALATE, "rare_earth"))  # an instrument the US lacks
    with pytest.raises(ValueError, match="us cannot escalate with 'rare_earth'"):
        model.step()


def test_run_for_and_step_agree_with_a_human_seat(default_scenario, pair):
    """A seat that owes a move stops ``step()`` and ``run_for()`` alike before anything
    happens (no calendar event fired, no firm booked); once moves come, both play the
    same rounds."""
    one = NegotiationModel(default_scenario, rng=4, overrides=pair("Human", "TitForTat"))
    two = NegotiationModel(default_scenario, rng=4, overrides=pair("Human", "TitForTat"))
    plan = [Move(Action.ESCALATE, "tariff"), Move(Action.HOLD), Move(Action.CONCEDE, "tariff")]
    for k, move in enumerate(plan):
        for model, advance in ((one, one.step), (two, lambda: two.run_for(1))):
            before = (model.round, model.time, model.policy.tariff.copy(), len(model.firms))
            stock = model.population.state.stockpile.copy()
            with pytest.raises(MoveRequired, match=f"us \\(Human\\) has no move for round {k + 1}"):
                advance()
            assert (model.round, model.time) == before[:2] == (k, float(k))
            assert np.array_equal(model.policy.tariff, before[2])
            assert np.array_equal(model.population.state.stockpile, stock)
            model.governments["us"].strategy.submit(move)
            advance()
            assert model.round == k + 1
    pd.testing.assert_frame_equal(one.trajectory(), two.trajectory())
    assert [str(m) for m in one.governments["us"].moves] == [
        "escalate:tariff",
        "hold",
        "concede:tariff",
    ]


def test_human_with_fallback_plays_on(default_scenario, pair):
    overrides = pair("Human", "AlwaysHold", us_params={"fallback": "AlwaysConcede"})
    model = NegotiationModel(default_scenario, rng=0, overrides=overrides)
    model.step()
    assert model.governments["us"].moves[-1].action is Action.CONCEDE


def test_stage_game_is_recorded_with_equilibria(default_scenario, run_scenario):
    df = run_scenario(seed=0, rounds=3).trajectory
    assert df["stage_payoffs"].str.count(";").eq(8).all()
    assert df["nash_pure"].str.len().gt(0).any() or df["nash_mixed"].str.len().gt(0).any()
    model = NegotiationModel(default_scenario, rng=0)
    model.step()
    ua, ub = model.stage_matrices()
    mine, theirs = model.stage_payoffs("cn")
    assert np.allclose(mine, ub.T) and np.allclose(theirs, ua.T)


def test_payoffs_are_booked_for_every_move(tiny_scenario):
    model = NegotiationModel(tiny_scenario, rng=0, rounds=6)
    while model.running:
        model.step()
    for gov in model.parties:
        assert len(gov.payoffs) == len(gov.moves) == 6
        assert all(np.isfinite(gov.payoffs))


def test_reading_a_view_between_decisions_changes_nothing(default_scenario):
    """Front ends build views outside decisions (the classroom names a default
    instrument from one); only the decision itself notes the levels shifts read."""
    looked, plain = (NegotiationModel(default_scenario, rng=2) for _ in range(2))
    for _ in range(6):
        for gov in looked.parties:
            looked.view_for(gov)
            looked.view_for(gov)
        looked.step()
        plain.step()
    for a, b in zip(looked.parties, plain.parties, strict=True):
        assert a.partner_shifts == b.partner_shifts and len(a.partner_shifts) == 5
        assert a.partner_lead == b.partner_lead
    pd.testing.assert_frame_equal(looked.trajectory(), plain.trajectory())


def test_a_truce_extension_is_counted_apart_from_deals_struck():
    """In the US–EU steel run of seed 2 a truce is struck and then extended several times:
    extensions are not new agreements (the mechanism counts them apart)."""
    model = NegotiationModel(load_scenario("us_eu_steel_2018"), rng=2)
    model.run_for(model.horizon)
    news = list(model.trajectory()["deal_news"])
    assert news.count("truce extended") >= 2
    assert model.mechanism.extended == news.count("truce extended")
    struck = sum(n.endswith("struck") for n in news)
    assert model.mechanism.struck == struck
    result = run_simulation(load_scenario("us_eu_steel_2018"), 2)
    assert result.summary["deals_struck"] == struck
    assert result.summary["truce_extensions"] == news.count("truce extended")


def test_a_standing_offer_is_visible_only_while_it_is_open(default_scenario):
    model = NegotiationModel(default_scenario, rng=0)
    mech = model.mechanism
    life = mech.rules.offer_rounds
    package = Package("us", {"us": 20.8, "cn": 21.2}, {}, 0.0)
    mech.standing["us"] = (model.round, (package,))
    assert mech.open_offer("us", model.round + life - 1) is package
    assert mech.open_offer("us", model.round + life) is None
    assert model.view_for(model.governments["cn"]).partner_offer is package


def test_the_demand_for_the_threat_is_offered_only_to_a_partner_with_a_demand():
    """N1c: Mexico meets the share 1 - a of the US demand (curb migration) and keeps its
    own measures; the US removes its tariff, or keeps it in force when its demand says
    ``keep_measures`` (Phase One's form). China gets no such offer: the US declares no
    demand of it."""
    model = NegotiationModel(load_scenario("us_mexico_2019"), rng=0)
    mech = model.mechanism
    mx, us = (model.governments[g].party for g in ("mx", "us"))
    mech.dyad.shift(mech.policy.tariff, us.index, 5.0, mech.world.max_tariff)  # the 5% step
    state = (mech.policy, mech.world, mech.dyad, mech.rules)
    package = build_demand_offer(mx, us, 0.3, *state)
    assert package.lasting and package.proposer == "mx"
    assert package.meets == ("us",) and package.met_share == pytest.approx(0.7)
    assert package.tariffs["us"] == pytest.approx(us.config.tariff_floor_pct)
    assert package.tariffs["mx"] == pytest.approx(model.tariff_on_partner(model.governments["mx"]))
    assert "meets 70% of us's demand" in package.describe()
    demand = dataclasses.replace(us.config.demand, keep_measures=True)
    keeper = dataclasses.replace(us, config=dataclasses.replace(us.config, demand=demand))
    standstill = build_demand_offer(mx, keeper, 0.3, *state)
    us_now = model.tariff_on_partner(model.governments["us"])
    assert standstill.tariffs["us"] == pytest.approx(us_now)
    assert standstill.tariffs["us"] == pytest.approx(5.0 + us.config.tariff_floor_pct)
    china = NegotiationModel(load_scenario("us_china_2025"), rng=0)
    m = china.mechanism
    cn, us2 = (china.governments[g].party for g in ("cn", "us"))
    assert build_demand_offer(cn, us2, 0.3, m.policy, m.world, m.dyad, m.rules) is None


def test_a_threat_met_by_the_demand_leaves_no_tariff():
    """In the 2019 episode's scenario, once Mexico settles, the US tariff is gone: the
    deal trades the demand for the threat instead of matched cuts that keep part of a
    tariff Mexico never answered."""
    spec = load_scenario("us_mexico_2019")
    for seed in range(12):
        result = run_simulation(spec, seed, rounds=26)
        if result.summary["deal"]:
            assert result.summary["final_tariffs"]["us_on_mx"] == pytest.approx(0.0), seed


def test_the_offer_menu_has_a_purchase_standstill_and_a_control_truce(default_scenario):
    """N1d keeps every measure and adds the buyer's purchases at the proposer's point of
    its concession curve; N1e suspends one level of each control and no tariff. Both
    are among a conceding party's standing offers."""
    model = NegotiationModel(default_scenario, rng=0)
    mech = model.mechanism
    us, cn = (model.governments[g].party for g in ("us", "cn"))
    state = (mech.policy, mech.world, mech.dyad, mech.rules)
    now = {g: model.tariff_on_partner(model.governments[g]) for g in ("us", "cn")}
    cap = mech.rules.purchases.max_purchases_bn
    buys = build_purchase_offer(cn, us, 0.25, *state)  # China is the buyer
    assert buys.lasting and buys.purchases == pytest.approx(0.75 * cap)
    assert buys.tariffs == pytest.approx(now)
    assert buys.controls == {"cn": {"rare_earth": 1}, "us": {"chips": 2}}
    sells = build_purchase_offer(us, cn, 0.25, *state)
    assert sells.purchases == pytest.approx(0.625 * cap)
    controls = build_control_truce(us, cn, *state)
    assert controls.kind == "truce" and controls.tariffs == pytest.approx(now)
    assert controls.controls == {"us": {"chips": 1}, "cn": {"rare_earth": 0}}
    plain = NegotiationModel(load_scenario("trade_war_2018"), rng=0).mechanism
    a, b = plain.pair
    plain_state = (plain.policy, plain.world, plain.dyad, plain.rules)
    assert build_purchase_offer(a, b, 0.5, *plain_state) is None  # no purchase lever
    assert build_control_truce(a, b, *plain_state) is None  # no controls
    menu = mech._offers(us, lambda pressure: 1.0 - pressure, 0.75)
    assert [p.kind for p in menu] == ["partial", "truce", "partial", "truce"]
    assert menu[2] == build_purchase_offer(us, cn, 0.25, *state)
    assert menu[3] == controls


def test_a_lapsing_truce_loses_its_deal_value_on_the_outlook(pair):
    """Near its expiry a truce is gone on the no-deal outlook, and so is its
    deal_value: the value of a truce in force is what makes two holders extend it
    (with deal_value 0 they let it lapse; with any deal_value they extend it)."""
    spec = load_scenario("us_china_2025")
    news = {}
    for value in (0.0, 0.5):
        overrides = pair(
            "AlwaysHold",
            "AlwaysHold",
            **{"governments.us.deal_value": value, "governments.cn.deal_value": value},
        )
        news[value] = list(
            run_simulation(spec, 0, overrides=overrides, rounds=8).trajectory["deal_news"]
        )
    assert "truce extended" not in news[0.0]
    assert "truce extended" in news[0.5]


def test_a_named_measure_truce_suspends_the_latest_calendar_measures(default_scenario, pair):
    """N1f: after the 1 Nov +100% US tariff (round 4) and China's 1 Dec extraterritorial
    rule (round 8) take effect, a US proposal suspends both by name, for a truce."""
    holders = pair("AlwaysHold", "AlwaysHold", **{"negotiation.extension_window": 0})
    model = NegotiationModel(default_scenario, rng=0, overrides=holders)
    mech = model.mechanism
    us, cn = (model.governments[g].party for g in ("us", "cn"))
    state = (mech.policy, mech.world, mech.dyad, mech.rules)
    assert build_measure_truce(us, cn, mech.latest, *state) is None  # nothing named yet
    while model.round < 8:
        model.step()
    assert mech.latest["us"].tariff_pp == pytest.approx(100.0)
    assert mech.latest["cn"].instrument == "rare_earth"
    truce = build_measure_truce(us, cn, mech.latest, *state)
    assert truce.kind == "truce" and truce.duration == mech.rules.truce_rounds
    assert truce.suspends == (mech.latest["us"].label, mech.latest["cn"].label)
    now = model.tariff_on_partner(model.governments["us"])
    assert truce.tariffs["us"] == pytest.approx(now - 100.0)
    assert truce.controls["cn"]["rare_earth"] == mech.latest["cn"].level_before
    assert "suspends" in truce.describe()

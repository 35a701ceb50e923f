"""Demands, talks and the renegotiation of truces (docs/model.md sections 7.12, 7.13,
7.15 and 7.21): a deal meets a declared demand only when it says so, a government with a
demand accepts no lasting deal without it, a meeting with talks brings both sides'
packages to the table, and a party's own unanswered cut is no lead of its partner's."""

from __future__ import annotations

import dataclasses

import pytest

from negotiation_sim import NegotiationModel, load_scenario, run_simulation
from negotiation_sim.core import Package

MEXICO = "us_mexico_2019"


def _parties(model: NegotiationModel, *gids: str):
    return tuple(model.governments[g].party for g in gids)


def _package(proposer: str, meets: tuple[str, ...] = (), share: float = 1.0, kind="partial"):
    return Package(proposer, {"us": 0.0, "mx": 0.0}, {}, 0.0, kind, meets=meets, met_share=share)


def test_a_deal_meets_a_demand_only_when_it_says_so():
    model = NegotiationModel(load_scenario(MEXICO), rng=0)
    us, mx = _parties(model, "us", "mx")
    assert us.config.demand.declared and not mx.config.demand.declared
    cuts, met = _package("mx"), _package("mx", meets=("us",), share=0.6)
    truce = dataclasses.replace(cuts, kind="truce", duration=13)
    # no lasting deal without the demand; a truce is still acceptable
    assert not us.accepts_terms(cuts) and us.accepts_terms(met) and us.accepts_terms(truce)
    assert mx.accepts_terms(cuts)  # Mexico declares no demand of its own
    nothing = _package("mx", meets=("us",), share=0.0)  # an unpressed complier's N1c
    assert not us.accepts_terms(nothing) and not us.settled_by(nothing)
    grievance = us.preferences.resolve.grievance_bn
    cost = mx.preferences.concession_cost_bn
    assert cost == pytest.approx(us.config.demand.cost_bn) and cost > 0
    assert us.terms(cuts) == 0.0 and us.terms(truce) == 0.0
    assert us.terms(met) == pytest.approx(0.6 * grievance)  # the share met of its grievance
    assert mx.terms(met) == pytest.approx(mx.preferences.resolve.grievance_bn - 0.6 * cost)
    assert mx.terms(cuts) == pytest.approx(mx.preferences.resolve.grievance_bn)  # no cost
    # a demander values a deal in force only if it meets its demand
    assert us.deal_value(truce) == 0.0 and us.deal_value(cuts) == 0.0
    assert us.deal_value(met) == pytest.approx(us.config.deal_value_bn)
    assert mx.deal_value(truce) == pytest.approx(mx.config.deal_value_bn)


def test_without_a_demand_every_lasting_deal_settles_as_before(default_scenario):
    model = NegotiationModel(default_scenario, rng=0)
    us, cn = _parties(model, "us", "cn")
    cuts = Package("us", {"us": 20.8, "cn": 21.2}, {}, 0.0, "partial")
    for party in (us, cn):
        assert party.accepts_terms(cuts) and party.settled_by(cuts)
        assert party.terms(cuts) == pytest.approx(party.preferences.resolve.grievance_bn)
        assert party.deal_value(cuts) == pytest.approx(party.config.deal_value_bn)


def _meeting(spec) -> int:
    return next(i for i, e in enumerate(spec.data["calendar"]) if e["type"] == "meeting")


def test_at_a_meeting_with_talks_a_side_that_holds_tables_its_packages():
    spec = load_scenario(MEXICO)
    talks = run_simulation(spec, 0, rounds=6).trajectory
    silent = spec.with_overrides({f"calendar.{_meeting(spec)}.talks": False})
    quiet = run_simulation(silent, 0, rounds=6).trajectory
    row = talks[talks["events"].str.contains("Ebrard meets")].iloc[0]
    assert row["move_us"] == "hold" and row["move_mx"] == "hold"
    assert row["offer_us"] and row["offer_mx"]  # both on the table while holding
    assert row["deal_news"].endswith("struck")
    same = quiet[quiet["round"] == row["round"]].iloc[0]
    assert not same["offer_us"] and not same["offer_mx"] and not same["deal_news"]


def test_the_deal_struck_at_the_talks_meets_the_us_demand_and_averts_the_step():
    model = NegotiationModel(load_scenario(MEXICO), rng=0)
    model.run_for(6)
    mech = model.mechanism
    assert mech.deal is not None and mech.deal.package.lasting
    assert mech.deal.package.meets == ("us",)
    assert "averted by deal" in " ".join(model.trajectory()["events"])
    assert model.tariff_on_partner(model.governments["us"]) == pytest.approx(0.0)


def test_under_a_truce_struck_in_the_run_a_concession_proposes_lasting_packages_only(
    default_scenario,
):
    model = NegotiationModel(default_scenario, rng=0)
    model.run_for(1)
    mech = model.mechanism
    assert mech.deal is not None and mech.deal.in_run and mech.deal.kind == "truce"
    us = model.governments["us"].party
    made = mech._offers(us, lambda xi: 1.0 - xi, 0.5)
    assert made and all(p.lasting for p in made)
    mech.deal = dataclasses.replace(mech.deal, in_run=False)  # the initial truce: any menu
    assert any(not p.lasting for p in mech._offers(us, lambda xi: 1.0 - xi, 0.5))


def test_my_own_unanswered_cut_is_no_lead_of_my_partner(default_scenario):
    model = NegotiationModel(default_scenario, rng=0)
    gov = model.governments["us"]
    gov.see_levels(0.5, 0.5, duties=(10.0, 10.0), step_bn=1.0, round_=1)
    gov.see_levels(0.4, 0.5, duties=(8.0, 10.0), step_bn=1.0, round_=2)  # I cut by 2 steps
    assert gov.partner_lead == 0.0
    gov.see_levels(0.4, 0.6, duties=(8.0, 11.5), step_bn=1.0, round_=3)  # it raises 1.5
    assert gov.partner_lead == pytest.approx(1.5)
    gov.see_levels(0.6, 0.6, duties=(11.0, 11.5), step_bn=1.0, round_=4)  # I raise to 11
    assert gov.partner_lead == pytest.approx(0.5)

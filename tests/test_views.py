"""The read models of views/: run facts and event rounds, the deal zone, seat and stage
views, firm-group reports, the record and its CSV, the moves table, seed variation and
the words, each checked against the model or the rule it reads."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from conftest import make_scenario
from seed_support import fixed_resolve

from negotiation_sim import views
from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.core import CONTROL_LEVELS, OUTCOME_INFO, QUIET_STANCE, REGISTRY, stance_word
from negotiation_sim.ensemble import run_ensemble
from negotiation_sim.game import measures, solver
from negotiation_sim.game.calendar import event_round
from negotiation_sim.scenario import list_scenarios
from negotiation_sim.views import words

SHIPPED = tuple(list_scenarios())


def played(name: str = "us_china_2025", rounds: int = 6, seed: int = 1, **overrides):
    model = NegotiationModel(make_scenario(name, **overrides), rng=seed)
    for _ in range(rounds):
        model.step()
    return model


# ---------------------------------------------------------------------- run facts
@pytest.mark.parametrize("name", SHIPPED)
def test_event_rounds_follow_the_calendar_rule(name):
    model = NegotiationModel(make_scenario(name), rng=1)
    info = views.run_info(model)
    meta = model.config.meta
    expected = sorted(
        (r, e.index)
        for e in model.config.calendar
        if 1 <= (r := event_round(e, meta.start_date, meta.round_days)) <= model.horizon
    )
    labels = {e.index: e.label for e in model.config.calendar}
    assert [(e.round, e.label) for e in info.events] == [(r, labels[i]) for r, i in expected]


def test_run_info_matches_the_model():
    model = NegotiationModel(make_scenario("us_china_2025"), rng=3)
    info = views.run_info(model)
    a, b = model.parties
    assert info.tariff_columns == ("tariff_us_cn", "tariff_cn_us")
    assert set(info.tariff_columns) <= set(model.layout.columns)
    assert info.initial["tariff_us_cn"] == pytest.approx(model.tariff_on_partner(a))
    assert info.initial["escalation_cn"] == pytest.approx(model.escalation(b))
    assert [g.name for g in info.groups] == list(model.world.groups)
    assert sum(g.firms for g in info.groups) == len(model.firms)
    for gid, inst in info.controls:
        assert views.control_column(gid, inst) in model.layout.columns
    assert info.party("cn").step_pp == model.config.governments["cn"].tariff_step_pp


@pytest.mark.parametrize("name", SHIPPED)
def test_deal_zone_is_the_escalation_of_a_comprehensive_deal(name):
    """A party whose tariff sits at floor + tolerance and holds no controls has exactly
    the deal zone's escalation index."""
    model = NegotiationModel(make_scenario(name), rng=1)
    zone = views.deal_zone(model.config)
    tol = model.config.negotiation.comprehensive_tolerance_pp
    scale = model.config.economy.escalation_tariff_scale_pct
    for k, gov in enumerate(model.parties):
        policy = model.policy.copy()
        floor = model.config.governments[gov.gid].tariff_floor_pct
        model.dyad.set_average(policy.tariff, gov.index, floor + tol, model.world.max_tariff)
        policy.controls[gov.index] = 0
        assert measures.escalation(policy, model.dyad, gov.party, scale) == pytest.approx(zone[k])


# ---------------------------------------------------------------------- seeds
def test_seed_variation_reads_classifiers_resolve_and_noise():
    shipped = views.seed_variation(make_scenario().config)
    assert shipped.sources == (
        "us's private resolve is drawn per run",
        "cn's private resolve is drawn per run",
    )
    assert shipped.note == ""
    fixed = views.seed_variation(make_scenario(**fixed_resolve()).config)
    assert fixed.same_negotiation and "left to chance" in fixed.note
    noisy = make_scenario(**fixed_resolve(**{"negotiation.perception_noise": 0.1})).config
    assert views.seed_variation(noisy).sources == ("perception noise 0.1",)
    assert views.seed_variation(noisy).note == ""
    hazard = make_scenario(**fixed_resolve(**{"negotiation.deal_break_hazard": 0.05})).config
    assert views.seed_variation(hazard).sources == ("deal-break hazard 0.05",)
    rand = make_scenario(**fixed_resolve(**{"governments.cn.strategy": "Random"})).config
    assert views.seed_variation(rand).sources == ("cn's strategy Random randomises",)
    for name in views.scenario.stochastic_strategies():
        cfg = make_scenario(**fixed_resolve(**{"governments.us.strategy": name})).config
        assert not views.seed_variation(cfg).same_negotiation, name


def moves_of(model: NegotiationModel) -> list[tuple[str, str]]:
    table = model.trajectory()
    return list(zip(table["move_us"], table["move_cn"], strict=True))


def fixed_firms(name: str) -> dict:
    """Overrides that draw every firm of ``name`` from a single value."""
    out = {}
    for group, spec in make_scenario(name).config.firms.items():
        out[f"firms.{group}.size_sigma"] = 0.0
        for key in ("margin", "export_spread", "rare_earth_dependence", "stockpile_weeks",
                    "tech_dependence", "reroute_capacity"):  # fmt: skip
            lo = getattr(spec, key)[0]
            out[f"firms.{group}.{key}"] = [lo, lo]
    return out


@pytest.mark.parametrize("name", ["us_china_2025", "trade_war_2018"])
def test_without_chance_seeds_differ_only_by_the_firm_draw(name):
    """Seeded ensembles behind the note: with nothing left to chance and the firms fixed
    every seed is the same run, to the last number; with the firms drawn the note does
    not claim more than that the firm draw is the only difference."""
    calm = {**fixed_resolve(), **fixed_firms(name)}
    variation = views.seed_variation(make_scenario(name, **calm).config)
    assert variation.identical and "Every seed is the same run" in variation.note
    runs = [played(name, rounds=30, seed=s, **calm).trajectory() for s in range(4)]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(runs[0], other)
    drawn = views.seed_variation(make_scenario(name, **fixed_resolve()).config)
    assert drawn.same_negotiation and not drawn.identical
    assert "changes only the firms drawn" in drawn.note
    noisy = {**calm, "negotiation.implementation_noise": 0.3}
    assert not views.seed_variation(make_scenario(name, **noisy).config).same_negotiation
    paths = {tuple(moves_of(played(name, rounds=30, seed=s, **noisy))) for s in range(4)}
    assert len(paths) > 1


def test_the_default_scenario_without_chance_replays_one_negotiation():
    """For the default scenario the firm draw alone changes no move (5 seeds); its
    shipped resolve, drawn per run, does."""
    fixed = [moves_of(played(rounds=40, seed=s, **fixed_resolve())) for s in range(5)]
    assert all(m == fixed[0] for m in fixed)
    shipped = {tuple(moves_of(played(rounds=40, seed=s))) for s in range(5)}
    assert len(shipped) > 1


def test_path_count_of_ensembles():
    same = run_ensemble(make_scenario(**fixed_resolve()), 4, rounds=15, workers=1)
    assert views.path_count(same, ("us", "cn")) == 1
    assert "All 4 runs took the same path" in views.same_path_note(same, ("us", "cn"))
    noisy = make_scenario(**fixed_resolve(**{"negotiation.implementation_noise": 0.3}))
    varied = run_ensemble(noisy, 4, rounds=15, workers=1)
    assert views.path_count(varied, ("us", "cn")) > 1
    assert views.same_path_note(varied, ("us", "cn")) == ""


def test_deal_counts_match_the_summary():
    """The classroom's record counts deals as the run summary does."""
    from negotiation_sim.run import summarize

    for seed in (1, 2, 3):
        model = played(rounds=20, seed=seed)
        counts = views.deal_counts(model)
        summary = summarize(model)
        assert (counts.struck, counts.broken) == (
            summary["deals_struck"],
            summary["deals_broken"],
        )
    assert views.deal_counts(NegotiationModel(make_scenario(), rng=1)) == views.DealCounts(0, 0)


# ---------------------------------------------------------------------- seat and firms
def test_seat_view_reads_instruments_and_lobbying():
    model = played(rounds=3)
    us = model.governments["us"]
    seat = views.seat_view(model, "us")
    assert seat.partner == "cn" and seat.round == 3
    tariff = next(i for i in seat.instruments if i.name == "tariff")
    assert tariff.value == pytest.approx(model.tariff_on_partner(us))
    assert tariff.floor == model.config.governments["us"].tariff_floor_pct
    for inst in seat.instruments:
        if inst.kind == "control":
            assert inst.value == us.controls[inst.name]
            assert inst.level_name == CONTROL_LEVELS[us.controls[inst.name]]
            assert inst.label == REGISTRY[inst.name].label
    assert seat.lobbying == pytest.approx(model.population.lobbying(us.index))
    assert seat.lobbying_word == stance_word(seat.lobbying)
    assert seat.my_moves == tuple(str(m) for m in us.moves)
    assert seat.payoff == pytest.approx(sum(us.payoffs))
    assert {r.group for r in seat.firms} == {
        g for g, spec in model.config.firms.items() if spec.country == "us"
    }


def test_group_lobbying_agrees_with_the_firm_agents():
    """Shares and stances from the population equal those counted through the Mesa
    ``Firm`` agents, with the one threshold ``core.QUIET_STANCE``."""
    model = played(rounds=4)
    lobby = views.group_lobbying(model)
    for g, name in enumerate(model.world.groups):
        firms = [f for f in model.firms if f.group == name]
        stances = np.array([f.lobbying for f in firms])
        weights = model.world.firms.political_weight[[f.row for f in firms]]
        assert lobby.escalate[g] == pytest.approx(np.mean(stances > QUIET_STANCE))
        assert lobby.concede[g] == pytest.approx(np.mean(stances < -QUIET_STANCE))
        assert lobby.stance[g] == pytest.approx(np.average(stances, weights=weights))
        assert lobby.word(g) == stance_word(lobby.stance[g])


def test_firm_reports_use_the_core_threshold():
    model = played(rounds=5)
    reports = views.firm_reports(model, "cn")
    assert reports and [r.stance for r in reports] == sorted(r.stance for r in reports)
    for r in reports:
        assert r.verdict == stance_word(r.stance)
        assert r.reasons
    assert views.firm_reports(NegotiationModel(make_scenario(), rng=1), "us") == []


# ---------------------------------------------------------------------- stage game
def test_stage_view_from_both_seats():
    model = played(rounds=2)
    us = views.stage_view(model, "us")
    cn = views.stage_view(model, "cn")
    ua, ub = model.stage_matrices()
    assert np.allclose(us.mine, ua) and np.allclose(us.theirs, ub)
    assert np.allclose(cn.mine, ub.T) and np.allclose(cn.theirs, ua.T)
    assert us.pure == tuple(solver.pure_equilibria(ua, ub))
    assert {(j, i) for i, j in us.pure} == set(cn.pure)
    for i in range(3):
        for j in range(3):
            assert us.best_reply(i, j) == (ua[i, j] >= ua[:, j].max() - 1e-9)


def test_seat_stage_from_matrices():
    """A stage game given from a seat: solved when the partner's payoffs are known, only
    best replies without them."""
    model = played(rounds=2)
    ua, ub = model.stage_matrices()
    full = views.seat_stage("us", "cn", ua, ub)
    assert full == views.stage_view(model, "us")
    blind = views.seat_stage("cn", "us", ub.T)
    assert np.allclose(blind.mine, ub.T)
    assert blind.theirs == () and blind.pure == () and blind.mixed == ()
    for i in range(3):
        for j in range(3):
            assert blind.best_reply(i, j) == (ub.T[i, j] >= ub.T[:, j].max() - 1e-9)


def test_recorded_stage_matches_the_model():
    model = played(rounds=3)
    rec = views.RunRecord(model)
    row = {k: rec.value(k, 3) for k in ("stage_payoffs", "nash_pure", "nash_mixed")}
    moves = (rec.value("move_us", 3), rec.value("move_cn", 3))
    stage = views.recorded_stage(row, ("us", "cn"), moves)
    ua, ub = model.stage_matrices()
    assert np.allclose(stage.mine, ua, atol=1e-3) and np.allclose(stage.theirs, ub, atol=1e-3)
    assert stage.pure == tuple(solver.pure_equilibria(ua, ub))
    actions = [views.words.split_move(m)[0] for m in moves]
    assert stage.played == tuple(["escalate", "hold", "concede"].index(a) for a in actions)
    assert views.recorded_stage({"stage_payoffs": ""}, ("us", "cn")) is None
    mixed = views.stage.parse_mixed("E0.50 H0.50 C0.00 / E0.20 H0.80 C0.00")
    assert mixed == (((0.5, 0.5, 0.0), (0.2, 0.8, 0.0)),)


# ---------------------------------------------------------------------- record
def test_csv_has_no_float_noise_and_keeps_values():
    frame = pd.DataFrame({"a": [55.00000000000001, 0.1 + 0.2, 123456.789012], "b": ["x", "y", "z"]})
    text = views.csv_text(frame)
    assert "55.00000000000001" not in text and "0.30000000000000004" not in text
    back = pd.read_csv(io.StringIO(text))
    assert back["a"].tolist() == [55.0, 0.3, 123456.789012]
    model = played(rounds=4)
    csv = views.RunRecord(model).csv()
    read = pd.read_csv(io.StringIO(csv))
    full = model.trajectory()
    assert list(read.columns) == list(full.columns) and len(read) == 4
    assert np.allclose(read["tariff_us_cn"], full["tariff_us_cn"], rtol=1e-11)


def test_moves_rows_cover_every_round_once_newest_first():
    model = played(rounds=30)
    rec = views.RunRecord(model)
    rows = views.moves_rows(rec, ("us", "cn"), 30)
    covered = [r for row in rows for r in range(row.last, row.first - 1, -1)]
    assert sorted(covered) == list(range(1, 31)) and covered == sorted(covered, reverse=True)
    assert any(row.rounds > 1 for row in rows), "the quiet deal rounds fold together"
    for row in rows:
        for r in range(row.first, row.last + 1):
            assert views.record.eventful(rec, ("us", "cn"), r) == row.eventful
        if row.rounds > 1:
            assert row.moves == ("hold", "hold")
    assert rows[-1].first == 1 and rows[-1].eventful
    assert views.moves_rows(rec, ("us", "cn"), 0) == []


def test_outcome_since():
    model = played(rounds=8)
    rec = views.RunRecord(model)
    outcomes = rec.texts("outcome", 8)
    since = rec.outcome_since(8)
    assert all(o == outcomes[-1] for o in outcomes[since - 1 :])
    assert since == 1 or outcomes[since - 2] != outcomes[-1]


# ---------------------------------------------------------------------- words
def test_words_come_from_core():
    assert dict(words.OUTCOME_LABELS) == {k: o.label for k, o in OUTCOME_INFO.items()}
    assert words.outcome_words("trade_war") == OUTCOME_INFO["trade_war"].words
    assert words.outcome_label("no_such") == "No such"
    assert words.instrument_label("rare_earth") == REGISTRY["rare_earth"].label
    assert [words.control_level_name(k) for k in range(4)] == list(CONTROL_LEVELS)
    assert words.control_level_name(3, short=True) == "extraterr."
    assert words.move_words("concede:chips", past=True) == "conceded (chips)"
    assert words.move_words("hold") == "hold"
    assert words.lobby_word(QUIET_STANCE * 1.5) == "escalate"
    assert words.lobby_word(-QUIET_STANCE / 2) == "quiet"

"""Face validity of the negotiation dynamics, each claim as a seeded ensemble with the
scenarios' default strategies (docs/model.md, section 1 and 9): no escalation from free
trade without a grievance; more mutual pain brings deals no later and no rarer; a longer
stockpile delays the importer's concession; a higher audience cost delays concession;
a symmetric scenario gives mirror-image outcomes; a war at the cap ends within months;
the default scenario's ensemble is a distribution whose modal outcome survives noise."""

from __future__ import annotations

import collections
import statistics

import pytest

from negotiation_sim import load_scenario, run_simulation
from negotiation_sim.core import Action

SEEDS = range(24)


def runs(scenario, overrides=None, seeds=SEEDS, trajectory=False):
    spec = load_scenario(scenario).with_overrides(overrides or None)
    return [run_simulation(spec, seed, trajectory=trajectory, stage_game=False) for seed in seeds]


def first_deal(result) -> int:
    """The round of the first deal or truce struck, horizon + 1 if none."""
    return result.summary["first_deal_round"] or result.rounds + 1


def first_concession(result, gid: str) -> int:
    moves = result.trajectory[f"move_{gid}"]
    hits = [i + 1 for i, m in enumerate(moves) if m.startswith("concede")]
    return hits[0] if hits else len(moves) + 1


FREE_TRADE = {
    "calendar": [],
    "negotiation.initial_truce": False,
    "governments.us.tariffs.cn": 20.8,
    "governments.cn.tariffs.us": 21.2,
    "governments.us.controls": {},
    "governments.cn.controls": {},
    "governments.us.public_threat": False,
    "governments.cn.public_threat": False,
    "governments.us.resolve.grievance": [0.0, 0.0],
    "governments.cn.resolve.grievance": [0.0, 0.0],
}


def test_from_free_trade_without_a_grievance_nobody_escalates():
    for result in runs("us_china_2025", FREE_TRADE, trajectory=True):
        moves = set(result.trajectory["move_us"]) | set(result.trajectory["move_cn"])
        assert not any(m.startswith(Action.ESCALATE.label) for m in moves)
        for column in ("tariff_us_cn", "tariff_cn_us"):
            assert result.trajectory[column].nunique() == 1  # no tariff ever moved
    # with a grievance, the same governments do press
    grieved = {**FREE_TRADE, "governments.us.resolve.grievance": [2.0, 2.0]}
    pressed = runs("us_china_2025", grieved, seeds=range(4), trajectory=True)
    assert any(r.trajectory["move_us"].str.startswith("escalate").any() for r in pressed)


def test_a_grievance_presses_only_from_its_declared_date():
    grieved = {**FREE_TRADE, "governments.us.resolve.grievance": [2.0, 2.0]}
    dated = {**grieved, "governments.us.grievance_from": "2025-12-08"}  # round 9
    for result in runs("us_china_2025", dated, seeds=range(4), trajectory=True):
        moves = list(result.trajectory["move_us"])
        assert not any(m.startswith("escalate") for m in moves[:8])
        assert any(m.startswith("escalate") for m in moves[8:])


def test_matched_retaliation_is_no_new_escalation():
    """Two reciprocators facing dated lists and value-matched answers (the 2018 lists,
    China's answers the same day) add nothing of their own: the partner's answer is
    never read as a new escalation, so no echo ladder of alternating escalations."""
    for result in runs("trade_war_2018", seeds=range(6), trajectory=True):
        t = result.trajectory
        before = t[t["date"] < "2019-05-01"]
        for gid in ("us", "cn"):
            assert not before[f"move_{gid}"].str.startswith("escalate").any(), gid


def test_more_mutual_pain_brings_deals_no_later_and_no_rarer():
    base = {"negotiation.initial_truce": False}
    mild = runs("us_china_2025", {**base, "economy.elasticity": 1.5})
    hard = runs("us_china_2025", {**base, "economy.elasticity": 4.0})
    deals = [sum(r.summary["deals_struck"] > 0 for r in rs) for rs in (mild, hard)]
    assert deals[1] >= deals[0]
    assert statistics.mean(map(first_deal, hard)) <= statistics.mean(map(first_deal, mild))


def test_a_longer_stockpile_delays_the_importers_concession():
    groups = [
        name
        for name, g in load_scenario("us_china_2025").data["firms"].items()
        if g["country"] == "us" and g["rare_earth_dependence"][1] > 0
    ]
    base = {"negotiation.initial_truce": False}
    short = {**base, **{f"firms.{g}.stockpile_weeks": [1.0, 2.0] for g in groups}}
    long = {**base, **{f"firms.{g}.stockpile_weeks": [40.0, 52.0] for g in groups}}
    early = [first_concession(r, "us") for r in runs("us_china_2025", short, trajectory=True)]
    late = [first_concession(r, "us") for r in runs("us_china_2025", long, trajectory=True)]
    assert statistics.mean(late) >= statistics.mean(early)


def test_a_higher_audience_cost_delays_concession():
    base = {"negotiation.initial_truce": False}
    low = runs("classroom_basic", base, trajectory=True)
    high = runs(
        "classroom_basic",
        {
            **base,
            "governments.north.audience_cost": 2.0,
            "governments.south.audience_cost": 2.0,
            "governments.north.public_threat": True,
            "governments.south.public_threat": True,
        },
        trajectory=True,
    )
    for gid in ("north", "south"):
        before = statistics.mean(first_concession(r, gid) for r in low)
        after = statistics.mean(first_concession(r, gid) for r in high)
        assert after >= before


def mirrored(data: dict) -> dict:
    """classroom_basic's data with north and south exchanged everywhere."""
    swap = {"north": "south", "south": "north"}

    def go(node):
        if isinstance(node, dict):
            return {swap.get(k, k): go(v) for k, v in node.items()}
        if isinstance(node, list):
            return [go(v) for v in node]
        return swap.get(node, node) if isinstance(node, str) else node

    return go(data)


def test_a_symmetric_scenario_gives_mirror_image_outcomes():
    from negotiation_sim.scenario import scenario_from_dict

    spec = load_scenario("classroom_basic")
    flipped = scenario_from_dict(mirrored(spec.data))
    seeds = range(60)
    one = [run_simulation(spec, s, trajectory=True, stage_game=False) for s in seeds]
    two = [run_simulation(flipped, s, trajectory=True, stage_game=False) for s in seeds]
    outcomes = [collections.Counter(r.outcome for r in rs) for rs in (one, two)]
    for label in set(outcomes[0]) | set(outcomes[1]):
        assert abs(outcomes[0][label] - outcomes[1][label]) <= 12, label  # ~ 2 s.e. of 60
    # who concedes first is a coin flip on each side, mirrored
    north_first = sum(first_concession(r, "north") < first_concession(r, "south") for r in one)
    south_first = sum(first_concession(r, "south") < first_concession(r, "north") for r in two)
    assert abs(north_first - south_first) <= 12


AT_THE_CAP = {
    "negotiation.initial_truce": False,
    "calendar": [],
    "governments.us.tariffs.cn": 250.0,
    "governments.cn.tariffs.us": 250.0,
    "governments.us.controls": {"chips": 3},
    "governments.cn.controls": {"rare_earth": 3},
}


def test_a_war_at_the_cap_ends_within_a_few_months():
    results = runs("us_china_2025", AT_THE_CAP, trajectory=True)
    left = [
        r
        for r in results
        if (r.trajectory["deal"].iloc[:13] != "").any()
        or r.trajectory["tariff_us_cn"].iloc[12] < 250.0
    ]
    assert len(left) >= 0.75 * len(results)


@pytest.mark.parametrize("noise", [0.05])
def test_the_default_ensemble_is_a_distribution_and_its_mode_survives_noise(noise):
    plain = runs("us_china_2025", seeds=range(40))
    keys = {
        (r.outcome, r.summary["first_deal_round"], tuple(r.summary["final_tariffs"].values()))
        for r in plain
    }
    assert len(keys) > 3  # not one run repeated
    mode = collections.Counter(r.outcome for r in plain).most_common(1)[0][0]
    noisy = runs("us_china_2025", {"negotiation.perception_noise": noise}, seeds=range(40))
    assert collections.Counter(r.outcome for r in noisy).most_common(1)[0][0] == mode

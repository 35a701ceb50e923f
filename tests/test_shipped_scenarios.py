"""Tests for the scenarios shipped in ``scenarios/``: each loads, runs to a valid outcome and
has its calendar inside the horizon; and the facts each scenario is built on hold in the
model (the default scenario's calendar, the 2018 trade war's escalation, the classroom
game's symmetric tariff dilemma).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from typing import Any

import numpy as np
import pytest

from negotiation_sim import NegotiationModel, load_scenario, run_simulation
from negotiation_sim.core import OUTCOMES, Action
from negotiation_sim.game.calendar import POLICY_EVENTS
from negotiation_sim.run import SimulationResult
from negotiation_sim.scenario import list_scenarios, resolve_path, scenario_from_dict

E, H, C = Action.ESCALATE, Action.HOLD, Action.CONCEDE
SHIPPED = list_scenarios()

#: Calendar events deliberately dated beyond a scenario's default horizon, as
#: (scenario, label); they only fire when a run is made longer.
BEYOND_HORIZON: set[tuple[str, str]] = set()


@functools.cache
def default_run(name: str) -> SimulationResult:
    """The seed-0 run of a shipped scenario, shared by the tests below."""
    return run_simulation(name, seed=0)


def event_round(event: dict[str, Any], start: dt.date, round_days: int) -> int:
    """Round of a calendar event, from its date: meetings, summits and notes fall in the
    round holding their date; policy changes take effect from the first round starting on
    or after it."""
    days = (event["date"] - start).days
    if event["type"] in POLICY_EVENTS:
        return math.ceil(days / round_days) + 1
    return days // round_days + 1


def test_the_three_scenarios_are_shipped():
    assert {"us_china_2025", "trade_war_2018", "classroom_basic"} <= set(SHIPPED)


# ---------------------------------------------------------------------------- every scenario


@pytest.mark.parametrize("name", SHIPPED)
def test_scenario_loads_with_a_name_and_description(name):
    spec = load_scenario(name)
    meta = spec.data["scenario"]
    assert meta["name"].strip()
    assert len(meta["description"].strip()) > 40
    assert spec.parties[0] in spec.data["governments"]
    assert spec.parties[1] in spec.data["governments"]
    assert sum(g["count"] for g in spec.data["firms"].values()) > 0


@pytest.mark.parametrize("name", SHIPPED)
def test_calendar_dates_fall_within_the_horizon(name, make_scenario):
    spec = make_scenario(name)
    meta = spec.data["scenario"]
    start, days = meta["start_date"], meta["round_days"]
    model = NegotiationModel(spec, rng=0)
    for event in spec.data["calendar"]:
        assert event["date"] >= start, event["label"]
        r = event_round(event, start, days)
        assert r == model.calendar.round_of(event["date"], event["type"] in POLICY_EVENTS)
        if (name, event["label"]) not in BEYOND_HORIZON:
            assert 1 <= r <= meta["rounds"], f"{event['label']} falls in round {r}"


@pytest.mark.parametrize("name", SHIPPED)
def test_full_run_finishes_with_a_valid_outcome(name, make_scenario):
    result = default_run(name)
    spec = make_scenario(name)
    assert result.rounds == spec.rounds
    assert result.summary["rounds"] == spec.rounds
    assert result.outcome in OUTCOMES and result.outcome != "ongoing"
    trajectory = result.trajectory
    assert list(trajectory["round"]) == list(range(1, spec.rounds + 1))
    assert set(trajectory["outcome"]) <= set(OUTCOMES)
    assert trajectory["outcome"].iloc[-1] == result.outcome
    tariffs = trajectory[[c for c in trajectory.columns if c.startswith("tariff_")]]
    assert np.isfinite(tariffs.to_numpy(dtype=float)).all()
    assert (tariffs.to_numpy(dtype=float) >= 0).all()


# ---------------------------------------------------------------------------- us_china_2025


def test_us_china_2025_parties_firms_and_third_country(default_scenario):
    spec = default_scenario
    assert spec.parties == ("us", "cn")
    assert sum(g["count"] for g in spec.data["firms"].values()) >= 200
    assert "my" in spec.data["governments"]
    assert any(g["country"] == "my" for g in spec.data["firms"].values())
    model = NegotiationModel(spec, rng=0)
    assert len(model.firms) >= 200
    malaysia = model.governments["my"]
    assert not malaysia.is_party
    assert malaysia.name == "Malaysia"


def test_us_china_2025_calendar_fires_in_the_rounds_of_its_dates(
    default_scenario, pair, run_scenario
):
    spec = default_scenario
    meta = spec.data["scenario"]
    start, days = meta["start_date"], meta["round_days"]
    events = {e["type"]: e for e in spec.data["calendar"]}
    assert events["meeting"]["deal_bonus"] > 0 and events["summit"]["deal_bonus"] > 0
    threat, expiry, rule = (
        events["tariff_threat"],
        events["truce_expiry"],
        events["control_rule"],
    )
    assert (threat["date"], threat["government"], threat["increase"]) == (
        dt.date(2025, 11, 1),
        "us",
        100.0,
    )
    assert (expiry["date"], expiry["snapback"]) == (dt.date(2025, 11, 10), 24.0)
    assert (rule["date"], rule["government"], rule["instrument"]) == (
        dt.date(2025, 12, 1),
        "cn",
        "rare_earth",
    )
    rounds = {kind: event_round(e, start, days) for kind, e in events.items() if kind != "note"}
    # 13 Oct start: 25 Oct is in round 2, 30 Oct in round 3; round 4 starts 3 Nov, round 5
    # 10 Nov and round 8 1 Dec
    assert rounds == {
        "meeting": 2,
        "summit": 3,
        "tariff_threat": 4,
        "truce_expiry": 5,
        "control_rule": 8,
    }

    # Nobody moves, so no deal is struck and every event takes effect as scheduled.
    hold = pair("AlwaysHold", "AlwaysHold", **{"negotiation.extension_window": 0})
    t = run_scenario(hold, scenario=spec).trajectory.set_index("round")
    for kind in ("meeting", "summit", "tariff_threat", "control_rule"):
        r = rounds[kind]
        assert events[kind]["label"] in t.at[r, "events"], kind
        assert all(events[kind]["label"] not in t.at[k, "events"] for k in t.index if k != r)
    r = rounds["tariff_threat"]
    assert t.at[r, "tariff_us_cn"] - t.at[r - 1, "tariff_us_cn"] == pytest.approx(100.0)
    r = rounds["truce_expiry"]
    assert t.at[r - 1, "deal"] == "truce" and t.at[r, "deal"] == ""
    assert t.at[r, "tariff_cn_us"] - t.at[r - 1, "tariff_cn_us"] == pytest.approx(24.0)
    assert t.at[r, "tariff_us_cn"] >= t.at[r - 1, "tariff_us_cn"]
    r = rounds["control_rule"]
    assert t.at[r - 1, "control_cn_rare_earth"] < 3 and t.at[r, "control_cn_rare_earth"] == 3


# ---------------------------------------------------------------------------- trade_war_2018


def test_trade_war_2018_two_escalators_end_in_a_trade_war(pair, run_scenario):
    hawks = pair("AlwaysEscalate", "AlwaysEscalate")
    result = run_scenario(hawks, scenario="trade_war_2018", stage_game=False)
    assert result.outcome == "trade_war"


def test_trade_war_2018_default_run_escalates_through_2019(make_scenario):
    spec = make_scenario("trade_war_2018")
    assert spec.parties == ("us", "cn")
    assert spec.data["scenario"]["start_date"] == dt.date(2018, 1, 1)
    govs = spec.data["governments"]
    assert govs["us"]["tariffs"]["cn"] == 3.0 and govs["cn"]["tariffs"]["us"] == 8.0
    t = default_run("trade_war_2018").trajectory.set_index("round")
    assert t.at[1, "tariff_us_cn"] >= 3.0 - 1e-9 and t.at[1, "tariff_cn_us"] >= 8.0 - 1e-9
    # round 100 starts 25 Nov 2019: without a deal by then, the Section 301 lists have
    # raised the US average above 15%
    assert t.at[100, "date"] == "2019-11-25"
    if t.at[100, "deal"] == "":
        assert t.at[100, "tariff_us_cn"] > 15.0
        assert t.at[100, "tariff_cn_us"] > t.at[1, "tariff_cn_us"]


# ---------------------------------------------------------------------------- classroom_basic


def stage_game(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Stage-game matrices after one round of a scenario given as raw TOML data."""
    model = NegotiationModel(scenario_from_dict(data), rng=0)
    model.step()
    return model.stage_matrices()


def swap_ids(node: Any, a: str, b: str) -> Any:
    """``node`` with the ids ``a`` and ``b`` exchanged wherever they are a key or a value."""
    swap = {a: b, b: a}
    if isinstance(node, dict):
        return {swap.get(k, k): swap_ids(v, a, b) for k, v in node.items()}
    if isinstance(node, list):
        return [swap_ids(v, a, b) for v in node]
    return swap.get(node, node) if isinstance(node, str) else node


@functools.cache
def classroom_raw() -> dict[str, Any]:
    return tomllib.loads(resolve_path("classroom_basic").read_text(encoding="utf-8"))


def test_classroom_basic_is_small_symmetric_and_tariff_only(make_scenario):
    spec = make_scenario("classroom_basic")
    assert spec.parties == ("north", "south")
    assert set(spec.data["governments"]) == {"north", "south"}
    assert 40 <= sum(g["count"] for g in spec.data["firms"].values()) <= 200
    north, south = spec.data["governments"]["north"], spec.data["governments"]["south"]
    for gov in (north, south):
        assert gov["instruments"] == ["tariff"] and not gov["controls"]
        assert gov["tariff_floor"] == 0.0
        assert gov["coercion_weight"] > 0 and gov["lobby_weight"] > 0
    assert north["tariffs"] == {"south": 10.0} and south["tariffs"] == {"north": 10.0}
    assert north["strategy"] == south["strategy"] == "CrisisBargainer"
    # apart from names, South's spec is North's with the two ids exchanged
    raw = classroom_raw()
    mirrored = swap_ids(raw["governments"]["north"], "north", "south")
    assert {k: v for k, v in mirrored.items() if k != "name"} == {
        k: v for k, v in raw["governments"]["south"].items() if k != "name"
    }


def test_classroom_basic_stage_game_is_symmetric():
    a, b = stage_game(classroom_raw())
    np.testing.assert_allclose(a, b.T, rtol=1e-9, atol=1e-12)
    # swap the two governments' specs and economies but keep North as the first party:
    # North now plays South's part, so its matrix is South's, transposed
    swapped = swap_ids(classroom_raw(), "north", "south")
    swapped["scenario"]["parties"] = ["north", "south"]
    a2, b2 = stage_game(swapped)
    np.testing.assert_allclose(a2, b.T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b2, a.T, rtol=1e-9, atol=1e-12)


def test_classroom_basic_stage_game_is_a_tariff_dilemma():
    a, b = stage_game(classroom_raw())
    # mutual concession is better for both than mutual escalation
    assert a[C, C] > a[E, E] and b[C, C] > b[E, E]
    # escalation is each side's best reply to hold ...
    assert np.argmax(a[:, H]) == E and np.argmax(b[H, :]) == E
    assert a[E, H] > max(a[H, H], a[C, H]) and b[H, E] > max(b[H, H], b[H, C])
    # ... and to every other move: escalation is dominant, as in a prisoner's dilemma
    for j in Action:
        assert np.argmax(a[:, j]) == E and np.argmax(b[j, :]) == E


def test_classroom_basic_tit_for_tat_pair_plays_symmetrically():
    tft = {
        "governments.north.strategy": "TitForTat",
        "governments.south.strategy": "TitForTat",
    }
    t = run_simulation("classroom_basic", 0, overrides=tft).trajectory
    np.testing.assert_allclose(t["tariff_north_south"], t["tariff_south_north"])
    assert list(t["move_north"]) == list(t["move_south"])

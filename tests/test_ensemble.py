"""Ensembles: seeds derived per run, results independent of the number of workers,
outcome probabilities with Wilson intervals, cancellation keeps finished runs."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

from negotiation_sim.runs.ensemble import outcome_table, run_ensemble, wilson_interval
from negotiation_sim.runs.seeds import derive_seed


def test_derived_seeds_are_distinct_and_stable():
    seeds = [derive_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert derive_seed(7, 3) == seeds[3]
    assert derive_seed(8, 3) != seeds[3]
    assert all(0 <= s < 2**63 for s in seeds)


def test_wilson_interval_by_hand():
    # 8 of 10 at 95%: the textbook values 0.4902 .. 0.9433
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_outcome_table_adds_up_to_one():
    table = outcome_table(["deal", "deal", "trade_war", "stalemate"])
    assert list(table["outcome"]) == ["ongoing", "truce", "deal", "trade_war", "stalemate"]
    assert table["probability"].sum() == pytest.approx(1.0)
    assert table.set_index("outcome").loc["deal", "runs"] == 2
    assert (table["ci_low"] <= table["probability"]).all()
    assert (table["probability"] <= table["ci_high"]).all()


def test_workers_do_not_change_results(tiny_scenario, pair):
    overrides = pair("Random", "TitForTat")
    one = run_ensemble(tiny_scenario, 6, base_seed=5, overrides=overrides, workers=1, rounds=10)
    two = run_ensemble(tiny_scenario, 6, base_seed=5, overrides=overrides, workers=2, rounds=10)
    pd.testing.assert_frame_equal(one.summaries, two.summaries)
    for name, values in one.series.items():
        assert np.array_equal(values, two.series[name])
    assert one.series["tariff_us_cn"].shape == (6, 10)
    assert len(set(one.summaries["seed"])) == 6


def test_cancel_keeps_the_finished_runs(tiny_scenario):
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done >= 2:
            cancel.set()

    result = run_ensemble(
        tiny_scenario, 10, workers=1, rounds=4, chunk=1, progress=progress, cancel=cancel
    )
    assert result.cancelled
    assert len(result.summaries) == 2
    assert list(result.summaries["run"]) == [0, 1]


def test_app_sessions_share_the_warm_pool_and_cancel_alone():
    """Two browser sessions run ensembles at once on the server's one warm pool; one
    cancels, the other's results equal an in-process run, and the pool's workers stay."""
    from negotiation_sim.app.session import new_session
    from negotiation_sim.runs.execution import shared_pool

    one, two = new_session(), new_session()
    settings = [one.current_setting()]
    scenario = settings[0].scenario
    pool = shared_pool(2)
    two.ensemble.start([two.current_setting()], 400, base_seed=1, workers=2)
    one.ensemble.start(settings, 30, base_seed=9, workers=2)
    deadline = time.monotonic() + 120
    while two.ensemble.state.value.done < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = sorted(pool.pids())
    two.ensemble.cancel()
    one.ensemble.join(300)
    two.ensemble.join(120)
    assert two.ensemble.state.value.status == "cancelled"
    state = one.ensemble.state.value
    assert state.status == "done", state.error
    expected = run_ensemble(scenario, 30, base_seed=9, workers=1)
    pd.testing.assert_frame_equal(state.results[0].summaries, expected.summaries)
    assert sorted(pool.pids()) == workers


def test_series_are_the_trajectory_columns_of_the_same_run():
    """The ensemble reads its series from the model round by round instead of recording
    the whole table: they must be exactly those columns of ``run_simulation``."""
    from negotiation_sim.core import OUTCOMES
    from negotiation_sim.run import run_simulation
    from negotiation_sim.scenario import load_scenario

    noisy = {"governments.us.strategy": "Random", "negotiation.implementation_noise": 0.1}
    scenario = load_scenario("us_china_2025").with_overrides(noisy)
    result = run_ensemble(scenario, 4, base_seed=11, rounds=30, workers=1)
    assert result.summaries["outcome"].nunique() > 1 or result.series["tariff_us_cn"].std() > 0
    for row in result.summaries.to_dict("records"):
        direct = run_simulation(scenario, row["seed"], rounds=30, stage_game=False)
        traj = direct.trajectory
        i = row["run"]
        for name in ("tariff_us_cn", "tariff_cn_us", "escalation_us", "escalation_cn"):
            assert np.array_equal(result.series[name][i], traj[name].to_numpy(dtype=float)), name
        codes = traj["outcome"].map(OUTCOMES.index).to_numpy()
        assert np.array_equal(result.series["outcome_code"][i], codes)
        assert {k: row[k] for k in ("outcome", "rounds", "welfare.us")} == {
            "outcome": direct.summary["outcome"],
            "rounds": direct.summary["rounds"],
            "welfare.us": direct.summary["welfare"]["us"],
        }

"""Calibration in this process: reproducible with one worker, and the same fit on a Dask
cluster through pyabc's Dask sampler (a local cluster started here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from negotiation_sim.backtest.calibrate import CalibrationError, calibrate, fit_score
from negotiation_sim.backtest.spec import load_calibration

SPEC = Path(__file__).parent / "data" / "tiny_calibration.toml"


def fit(out: Path, **options):
    return calibrate(load_calibration(SPEC), out, final_runs=2, **options)


def test_one_worker_is_reproducible(tmp_path):
    first = fit(tmp_path / "a")
    again = fit(tmp_path / "b")
    other = fit(tmp_path / "c", seed=4)
    a, b = (pd.read_csv(r.out / "posterior.csv") for r in (first, again))
    pd.testing.assert_frame_equal(a, b)
    assert first.posterior == again.posterior
    assert pd.read_csv(other.out / "posterior.csv").to_numpy().tolist() != a.to_numpy().tolist()
    # every particle lies in the prior range and the weights are normalised
    assert a["negotiation.perception_noise"].between(0.0, 0.3).all()
    assert a["weight"].sum() == pytest.approx(1.0)


def test_the_reference_distance_is_the_episodes_own_score(tmp_path):
    result = fit(tmp_path / "fit")
    spec = result.calibration
    ref = result.settings["reference"]
    assert ref["distance"] == fit_score(spec.episodes, {}, spec.runs).distance
    assert ref["point"] == {"negotiation.perception_noise": [0.05]}  # the episode's override
    assert 0.0 <= ref["best_point"]["negotiation.perception_noise"] <= 0.3


def test_a_dask_scheduler_runs_the_candidates(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=":0",
    ) as cluster:
        result = fit(tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert result.settings["sampler"] == "DaskDistributedSampler"
    assert len(result.generations) >= 1 and result.posterior
    assert (tmp_path / "dask" / "history.db").is_file()


def test_an_unreachable_scheduler_is_bad_input(tmp_path):
    with pytest.raises(CalibrationError, match=r"tcp://127\.0\.0\.1:9: cannot connect"):
        fit(tmp_path / "none", scheduler="tcp://127.0.0.1:9")

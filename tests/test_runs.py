"""The execution layer: seeds as they always were, the same results in this process, in a
local pool and on the app's warm pool; the warm pool shared by threads, left working by a
cancelled job, and restarted when a worker dies; one chunk rule; a worker limit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

from negotiation_sim.config.toml import ConfigError
from negotiation_sim.run import run_simulation
from negotiation_sim.runs.ensemble import flatten_summary, run_ensemble
from negotiation_sim.runs.execution import (
    MAX_CHUNK,
    ExecutionError,
    LocalPool,
    check_workers,
    chunk_size,
    default_workers,
    max_workers,
    shared_pool,
)
from negotiation_sim.runs.seeds import derive_seed, run_seed
from negotiation_sim.scenario import load_scenario

NOISY = {"governments.us.strategy": "Random", "governments.cn.strategy": "TitForTat"}


def test_seeds_are_those_every_stored_result_was_made_with():
    """Seeds are part of results: these values come from the derivation that made every
    sweep and ensemble so far (``SeedSequence([base, index])``, 63 bits)."""
    assert [derive_seed(0, 0), derive_seed(0, 1), derive_seed(2025, 7)] == [
        6375474603054492659,
        8514611595135926838,
        5678204237054534027,
    ]
    assert derive_seed(2**62, 10**6) == 5065434477111423138
    assert run_seed(42, 5, 2) == 4517648081005860793 == derive_seed(42, 5)
    assert run_seed(42, 5, 2, "common") == 7149088763843893775 == derive_seed(42, 1)


def test_an_ensemble_run_is_the_sweep_run_of_the_same_seed():
    scenario = load_scenario("us_china_2025").with_overrides(NOISY)
    result = run_ensemble(scenario, 3, base_seed=42, rounds=6, workers=1, series=False)
    for row in result.summaries.to_dict("records"):
        seed = run_seed(42, row["run"], replicates=1)
        direct = flatten_summary(
            run_simulation(scenario, seed, rounds=6, trajectory=False, stage_game=False).summary
        )
        assert row["seed"] == seed
        assert {k: row[k] for k in direct} == direct


@pytest.fixture(scope="module")
def reference():
    return run_ensemble("us_china_2025", 12, base_seed=3, overrides=NOISY, rounds=8, workers=1)


@pytest.fixture(scope="module")
def pool():
    pool = LocalPool(2, shared=True)
    yield pool
    pool.close()


def same(result, reference) -> None:
    pd.testing.assert_frame_equal(result.summaries, reference.summaries)
    assert result.series.keys() == reference.series.keys()
    for name, values in reference.series.items():
        assert np.array_equal(result.series[name], values), name


def test_in_process_local_pool_and_shared_pool_agree(reference, pool):
    assert len(set(reference.summaries["seed"])) == 12
    assert reference.summaries["outcome"].nunique() > 1  # the runs differ
    kwargs = {"base_seed": 3, "overrides": NOISY, "rounds": 8}
    same(run_ensemble("us_china_2025", 12, workers=2, chunk=5, **kwargs), reference)
    same(run_ensemble("us_china_2025", 12, backend=pool, **kwargs), reference)
    same(run_ensemble("us_china_2025", 12, backend=pool, chunk=1, **kwargs), reference)


def test_a_cancelled_job_leaves_the_shared_pool_to_the_others(reference, pool):
    pool.warm()
    deadline = time.monotonic() + 60
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = sorted(pool.pids())
    cancel = threading.Event()
    results: dict[str, object] = {}

    def long_job() -> None:
        def progress(done: int, _total: int) -> None:
            if done >= 2:
                cancel.set()

        results["cancelled"] = run_ensemble(
            "us_china_2025",
            200,
            overrides=NOISY,
            backend=pool,
            chunk=1,
            progress=progress,
            cancel=cancel,
        )

    def other_job() -> None:
        results["other"] = run_ensemble(
            "us_china_2025", 12, base_seed=3, overrides=NOISY, rounds=8, backend=pool, chunk=2
        )

    threads = [threading.Thread(target=long_job), threading.Thread(target=other_job)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    cancelled = results["cancelled"]
    assert cancelled.cancelled and 2 <= len(cancelled.summaries) < 200
    assert list(cancelled.summaries["run"]) == sorted(cancelled.summaries["run"])
    same(results["other"], reference)
    assert sorted(pool.pids()) == workers  # cancelling ended no worker
    same(
        run_ensemble("us_china_2025", 12, base_seed=3, overrides=NOISY, rounds=8, backend=pool),
        reference,
    )


def test_a_dead_worker_is_replaced_and_the_job_loses_nothing(reference):
    said: list[str] = []
    pool = LocalPool(2, shared=True, say=said.append)
    try:
        started = threading.Event()

        def progress(done: int, _total: int) -> None:
            started.set()

        def job() -> None:
            results.append(
                run_ensemble(
                    "us_china_2025",
                    12,
                    base_seed=3,
                    overrides=NOISY,
                    rounds=8,
                    backend=pool,
                    chunk=1,
                    progress=progress,
                )
            )

        results: list = []
        thread = threading.Thread(target=job)
        thread.start()
        assert started.wait(120)
        os.kill(pool.pids()[0], signal.SIGKILL)
        thread.join(120)
        same(results[0], reference)
        assert pool.restarts >= 1 and any("restarting the pool" in m for m in said)
        os.kill(pool.pids()[0], signal.SIGKILL)  # dies while idle
        time.sleep(0.5)
        same(
            run_ensemble("us_china_2025", 12, base_seed=3, overrides=NOISY, rounds=8, backend=pool),
            reference,
        )
    finally:
        pool.close()


def test_the_shared_pool_is_one_per_size():
    first = shared_pool(2)
    assert shared_pool(2) is first
    assert shared_pool() is shared_pool(default_workers())


def test_one_chunk_rule():
    assert chunk_size(200, 2) == 13  # about 8 chunks per worker
    assert chunk_size(5, 8) == 1
    assert chunk_size(1_000_000, 2) == MAX_CHUNK  # bounded, for progress and cancel
    assert all(1 <= chunk_size(n, w) <= MAX_CHUNK for n in (1, 7, 999) for w in (1, 3, 64))


def test_the_worker_limit():
    assert check_workers(1) == [] and check_workers(max_workers()) == []
    for bad in (0, max_workers() + 1, 10_000, True, "3", 2.0):
        (message,) = check_workers(bad)
        assert message.startswith("--workers: ")
    assert "MiB" in check_workers(10_000)[0]
    with pytest.raises(ExecutionError, match=f"from 1 to {max_workers()}") as info:
        run_ensemble("us_china_2025", 4, workers=10_000)
    assert isinstance(info.value, ConfigError)  # bad input
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "negotiation_sim",
            "ensemble",
            "us_china_2025",
            "--runs",
            "4",
            "--workers",
            "500",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"from 1 to {max_workers()}" in done.stderr

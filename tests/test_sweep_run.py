"""Running sweeps: identical results in this process, in a local pool of 2 workers and on
a real Dask cluster (scheduler and 2 worker processes on 127.0.0.1); rows equal direct
``run_simulation`` calls; failed runs are recorded and the sweep carries on; chunks,
manifest, trajectories and the rules for output directories and resuming."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import negotiation_sim
from negotiation_sim.run import run_simulation
from negotiation_sim.runs.ensemble import flatten_summary
from negotiation_sim.scenario import load_scenario
from negotiation_sim.sweep import (
    SweepError,
    analyze,
    load_results,
    load_spec,
    load_trajectories,
    run_sweep,
    sweep,
)
from negotiation_sim.sweep.store import SweepStore

ROOT = Path(__file__).resolve().parents[1]

RUN = {"name": "small", "samples": 12, "replicates": 2, "rounds": 4, "seed": 42}


def write_spec(specs, folder: Path, scenario: str = "us_china_2025", **extra) -> Path:
    """The small sweep of these tests: 12 points x 2 replicates of 4 rounds."""
    params = [specs.stockpile, specs.elasticity, specs.strategy]
    return specs.write(folder, params, scenario=scenario, **RUN, **extra)


@pytest.fixture(scope="module")
def spec_file(sweep_specs, tmp_path_factory) -> Path:
    return write_spec(sweep_specs, tmp_path_factory.mktemp("spec"))


@pytest.fixture(scope="module")
def reference(spec_file, tmp_path_factory) -> pd.DataFrame:
    """The sweep run in this process (``workers=1``)."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    return sweep(spec_file, out, workers=1, progress=False)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    try:
        yield cluster
    finally:
        cluster.close()


def test_local_pool_gives_the_same_results_as_one_process(spec_file, reference, tmp_path):
    pooled = sweep(spec_file, tmp_path / "pool", workers=2, chunk_size=5, progress=False)
    pd.testing.assert_frame_equal(pooled, reference)
    assert len(reference) == 24 and reference["error"].isna().all()
    assert reference["seed"].nunique() == 24


def test_dask_cluster_gives_the_same_results(spec_file, reference, dask_cluster, tmp_path):
    out = tmp_path / "dask"
    summary = run_sweep(
        spec_file, out, scheduler=dask_cluster.scheduler_address, chunk_size=4, progress=False
    )
    assert summary.status == "complete" and summary.backend == "dask" and summary.workers == 2
    pd.testing.assert_frame_equal(load_results(out), reference)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sessions"][-1]["scheduler"] == dask_cluster.scheduler_address


def test_dask_resume_finishes_a_local_sweep(spec_file, reference, dask_cluster, tmp_path):
    """Local and Dask runs mix in one directory: half locally, the rest on the cluster."""
    out = tmp_path / "mixed"
    sweep(spec_file, out, workers=1, progress=False)
    store = SweepStore(out)
    for _, path in store.parts()[1:]:
        path.unlink()
    frame = load_results(out)
    if len(frame) == len(reference):  # everything fitted one chunk: keep its first 10 runs
        (number, path), *_ = store.parts()
        keep = pq.read_table(path).slice(0, 10)
        path.unlink()
        manifest = store.read_manifest()
        manifest["files"].update(store.write_part(number, keep, None))  # as the writer does
        store.write_manifest(manifest)
    summary = run_sweep(
        spec_file, out, scheduler=dask_cluster.scheduler_address, resume=True, progress=False
    )
    assert summary.ran == len(reference) - 10
    pd.testing.assert_frame_equal(load_results(out), reference)


def test_rows_equal_direct_runs_of_the_simulator(spec_file, reference):
    spec = load_spec(spec_file)
    base = load_scenario("us_china_2025")
    for row in reference.iloc[[0, 7, 23]].to_dict("records"):
        scenario = base.with_overrides(
            {
                "firms.us_autos.stockpile_weeks": row["stockpile"],
                "firms.us_industry.stockpile_weeks": row["stockpile"],
                "economy.elasticity": row["economy.elasticity"],
                "governments.cn.strategy": row["governments.cn.strategy"],
            }
        )
        direct = flatten_summary(
            run_simulation(
                scenario, row["seed"], rounds=spec.rounds, trajectory=False, stage_game=False
            ).summary
        )
        for key, value in direct.items():
            if key not in ("scenario", "seed"):
                assert row[key] == value, key


def test_failed_runs_are_recorded_and_the_sweep_carries_on(spec_file, monkeypatch, tmp_path):
    from negotiation_sim.sweep import worker

    real = worker.run_simulation
    calls = []

    def flaky(scenario, seed, **kwargs):
        calls.append(seed)
        if len(calls) % 5 == 0:
            raise FloatingPointError(f"planted failure for seed {seed}")
        return real(scenario, seed, **kwargs)

    monkeypatch.setattr(worker, "run_simulation", flaky)
    out = tmp_path / "flaky"
    summary = run_sweep(spec_file, out, workers=1, progress=False, say=lambda m: None)
    assert summary.status == "complete" and summary.done == 24 and summary.failed == 4
    frame = load_results(out)
    failed = frame[frame["error"].notna()]
    assert len(failed) == 4
    assert failed["error"].str.startswith("FloatingPointError: planted failure").all()
    assert "test_sweep_run.py" in failed["error"].iloc[0]  # where it was raised
    assert failed["stockpile"].notna().all() and failed["outcome"].isna().all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runs"]["failed"] == 4
    result = analyze(out, report=False)
    assert result.n_errors == 4 and result.outcomes["runs"].sum() == 20


def test_chunks_manifest_and_files(spec_file, tmp_path):
    out = tmp_path / "chunks"
    summary = run_sweep(spec_file, out, workers=1, progress=False, chunk_size=3, flush_seconds=0)
    assert summary.status == "complete"
    store = SweepStore(out)
    assert len(store.parts()) == 8  # 24 runs, 3 per chunk, flushed as they arrive
    assert not list(out.rglob("*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["package_version"] == negotiation_sim.__version__
    assert manifest["scenario"]["digest"] == load_scenario("us_china_2025").digest
    assert manifest["runs"] == {"total": 24, "done": 24, "pending": 0, "failed": 0}
    assert manifest["spec"]["design"] == "latin_hypercube"
    assert manifest["spec"]["parameters"][0]["path"][0] == "firms.us_autos.stockpile_weeks"
    assert manifest["created"] and manifest["updated"] and manifest["spec_digest"]
    assert manifest["sessions"][0]["runs"] == 24
    assert (out / "spec.toml").read_text(encoding="utf-8") == spec_file.read_text(encoding="utf-8")
    assert len(pd.read_parquet(out / "design.parquet")) == 12


def test_resuming_a_complete_sweep_runs_nothing(spec_file, reference, tmp_path):
    out = tmp_path / "done"
    sweep(spec_file, out, workers=1, progress=False)
    summary = run_sweep(spec_file, out, workers=2, resume=True, progress=False)
    assert summary.ran == 0 and summary.status == "complete"
    pd.testing.assert_frame_equal(load_results(out), reference)
    assert len(json.loads((out / "manifest.json").read_text())["sessions"]) == 2


def test_outputs_and_trajectories(sweep_specs, tmp_path):
    spec_file = write_spec(
        sweep_specs,
        tmp_path,
        outputs=["welfare"],
        trajectories=True,
        trajectory_columns=["tariff_us_cn", "outcome"],
    )
    out = tmp_path / "traj"
    frame = sweep(spec_file, out, workers=2, chunk_size=5, progress=False)
    assert [c for c in frame.columns if "." in c and c not in ("economy.elasticity",)] == [
        "governments.cn.strategy",
        "welfare.us",
        "welfare.cn",
        "welfare.my",
    ]
    assert {"outcome", "outcome_round", "rounds", "error"} <= set(frame.columns)
    assert "truce_extensions" not in frame.columns  # the deals group was not asked for
    traj = load_trajectories(out)
    assert list(traj.columns) == ["run", "point", "round", "tariff_us_cn", "outcome"]
    assert len(traj) == 24 * 4
    assert traj.groupby("run")["round"].apply(list).map(lambda r: r == [1, 2, 3, 4]).all()
    last = traj[traj["round"] == 4].set_index("run")["outcome"]
    assert (last == frame.set_index("run")["outcome"]).all()


def test_a_new_sweep_needs_a_new_or_empty_directory(spec_file, tmp_path):
    out = tmp_path / "x"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SweepError, match="not an empty directory"):
        run_sweep(spec_file, out, workers=1, progress=False)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    done = tmp_path / "done"
    run_sweep(spec_file, done, workers=1, progress=False)
    with pytest.raises(SweepError, match="already holds a sweep; finish it with --resume"):
        run_sweep(spec_file, done, workers=1, progress=False)
    with pytest.raises(SweepError, match="no such directory to resume"):
        run_sweep(spec_file, tmp_path / "nothing", resume=True, progress=False)


def test_resume_refuses_a_changed_scenario_or_spec(sweep_specs, tmp_path):
    scenario = tmp_path / "mine.toml"
    text = (ROOT / "scenarios" / "us_china_2025.toml").read_text(encoding="utf-8")
    scenario.write_text(text, encoding="utf-8")
    spec_file = write_spec(sweep_specs, tmp_path, scenario="mine.toml")
    out = tmp_path / "sweep"
    run_sweep(spec_file, out, workers=1, progress=False)
    scenario.write_text(text.replace("elasticity = 2.5", "elasticity = 2.6"), encoding="utf-8")
    with pytest.raises(SweepError) as info:
        run_sweep(spec_file, out, resume=True, progress=False)
    (message,) = info.value.messages
    assert "cannot resume: the scenario differs" in message and "hash" in message
    scenario.write_text(text, encoding="utf-8")
    spec_file.write_text(spec_file.read_text().replace("seed = 42", "seed = 43"), "utf-8")
    with pytest.raises(SweepError, match=r"differs from the spec .* \(changed: seed\)"):
        run_sweep(spec_file, out, resume=True, progress=False)


def test_an_unreachable_scheduler_is_bad_input_and_writes_nothing(spec_file, tmp_path):
    import socket

    with socket.socket() as s:  # a free port on loopback that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "never"
    with pytest.raises(SweepError, match="cannot reach a Dask scheduler"):
        run_sweep(
            spec_file,
            out,
            scheduler=f"tcp://127.0.0.1:{port}",
            scheduler_timeout=2,
            progress=False,
        )
    assert not out.exists()

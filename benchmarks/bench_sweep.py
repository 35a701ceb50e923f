"""Benchmarks of parameter sweeps (``negotiation_sim.sweep``). Prints figures, asserts
nothing.

1. Throughput: a 10,000-run Monte Carlo sweep of the default scenario (52 rounds, 330
   firms, summary only) with the local pool (default: 2 workers). Target: within 120 s.
2. Scaling: runs/s with 2 workers against 1 (in-process) on the same sweep. Target: 1.8x.
3. Memory: peak RSS of the sweep process and all its children (sampled every 50 ms),
   and its growth from 10% to 100% done, for a sweep run by the real command line. By
   default 20,000 short runs (8 rounds); ``--full-memory`` runs 100,000 (target: < 1 GiB).
4. Dask overhead per run: the same sweep on a Dask LocalCluster on 127.0.0.1 (2 worker
   processes, 1 thread each) against the local pool (cluster start-up not counted).

Every figure also shows the CPU time of the runs (measured in the thread that ran them):
``busy`` is that CPU time / (wall seconds x workers), so start-up and a busy machine
(other processes on the cores) show up as ``busy`` < 1.

    .venv/bin/python benchmarks/bench_sweep.py            # all, about 6 minutes on 2 cores
    .venv/bin/python benchmarks/bench_sweep.py --quick    # smoke test, small sweeps
    .venv/bin/python benchmarks/bench_sweep.py --only throughput --runs 10000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from negotiation_sim import load_scenario, run_simulation
from negotiation_sim.sweep import run_sweep, spec_from_dict
from negotiation_sim.sweep.runner import SweepSummary

SCENARIO = "us_china_2025"
MIB = 1024 * 1024


def mc_spec(runs: int, rounds: int | None = None, seed: int = 1) -> dict[str, Any]:
    """A Monte Carlo sweep of the default scenario over rare-earth stockpiles and the
    import-demand elasticity, one run per point."""
    sweep: dict[str, Any] = {
        "name": "bench",
        "scenario": SCENARIO,
        "design": "monte_carlo",
        "samples": runs,
        "seed": seed,
    }
    if rounds:
        sweep["rounds"] = rounds
    return {
        "sweep": sweep,
        "parameters": [
            {
                "name": "stockpile",
                "path": [
                    "firms.us_autos.stockpile_weeks",
                    "firms.us_industry.stockpile_weeks",
                    "firms.us_semiconductors.stockpile_weeks",
                ],
                "range": [0.5, 30.0],
            },
            {"path": "economy.elasticity", "range": [1.0, 5.0]},
        ],
    }


def timed_sweep(spec: dict[str, Any], **kwargs: Any) -> tuple[SweepSummary, float]:
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        started = time.perf_counter()
        summary = run_sweep(spec_from_dict(spec), Path(tmp) / "out", progress=False, **kwargs)
        return summary, time.perf_counter() - started


def describe(summary: SweepSummary, wall: float) -> dict[str, Any]:
    workers = summary.workers or 1
    return {
        "runs": summary.ran,
        "wall_s": round(wall, 2),
        "runs_per_s": round(summary.ran / wall, 2),
        "worker_cpu_s": round(summary.cpu_seconds, 2),
        "cpu_ms_per_run": round(1e3 * summary.cpu_seconds / max(1, summary.ran), 2),
        "busy": round(summary.cpu_seconds / (wall * workers), 3),
        "workers": workers,
        "backend": summary.backend,
        "failed": summary.failed,
    }


def line(label: str, r: dict[str, Any]) -> str:
    return (
        f"  {label:<28} {r['runs']:>7,} runs in {r['wall_s']:7.1f} s = "
        f"{r['runs_per_s']:7.1f} runs/s; worker CPU {r['cpu_ms_per_run']:.1f} ms/run, "
        f"busy {r['busy']:.2f} x {r['workers']}"
    )


def one_run_ms(n: int = 30) -> float:
    scenario = load_scenario(SCENARIO)
    for seed in range(3):
        run_simulation(scenario, seed, trajectory=False, stage_game=False)
    times = []
    for seed in range(n):
        t = time.perf_counter()
        run_simulation(scenario, 1000 + seed, trajectory=False, stage_game=False)
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


# ---------------------------------------------------------------------------- 1, 2
def throughput(runs: int, workers: int) -> dict[str, Any]:
    summary, wall = timed_sweep(mc_spec(runs), workers=workers)
    return describe(summary, wall)


def scaling(runs: int) -> dict[str, Any]:
    one, wall1 = timed_sweep(mc_spec(runs, seed=2), workers=1)
    two, wall2 = timed_sweep(mc_spec(runs, seed=2), workers=2)
    r1, r2 = describe(one, wall1), describe(two, wall2)
    return {"one": r1, "two": r2, "speedup": round(r2["runs_per_s"] / r1["runs_per_s"], 3)}


# ---------------------------------------------------------------------------- 3
def tree_memory(pid: int, pss: bool = False) -> int:
    """Sum of the RSS (or, with ``pss``, the proportional set size, which shares pages
    among the processes that map them) of a process and all its children."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += p.memory_full_info().pss if pss else p.memory_info().rss
    return total


def memory(runs: int, rounds: int) -> dict[str, Any]:
    """Peak RSS of a real ``sweep`` command and all its processes."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="bench-sweep-mem-") as tmp:
        spec_file = Path(tmp) / "mem.toml"
        spec = mc_spec(runs, rounds=rounds)
        lines = ["[sweep]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in spec["sweep"].items()]
        for p in spec["parameters"]:
            lines += ["", "[[parameters]]"]
            lines += [f"{k} = {json.dumps(v)}" for k, v in p.items()]
        spec_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "negotiation_sim.sweep", "sweep", str(spec_file)]
        cmd += ["--out", str(out), "--workers", "2", "-q"]
        samples: list[tuple[float, int, int]] = []  # (time, rss, runs on disk)
        pss_samples: list[int] = []
        started = time.perf_counter()
        proc = subprocess.Popen(cmd)
        stop = threading.Event()

        def sample() -> None:
            tick = 0
            while not stop.is_set():
                rss = tree_memory(proc.pid)
                if tick % 5 == 0:
                    pss_samples.append(tree_memory(proc.pid, pss=True))
                tick += 1
                done = 0
                manifest = out / "manifest.json"
                if manifest.exists():
                    try:
                        done = json.loads(manifest.read_text())["runs"]["done"]
                    except (ValueError, KeyError, OSError):
                        done = samples[-1][2] if samples else 0
                if rss:
                    samples.append((time.perf_counter() - started, rss, done))
                time.sleep(0.05)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        code = proc.wait()
        stop.set()
        thread.join()
        wall = time.perf_counter() - started
        parts = sorted((out / "runs").glob("part-*.parquet"))
        rows = sum(pq.read_metadata(p).num_rows for p in parts)
        disk = sum(p.stat().st_size for p in parts)
    rss = np.array([s[1] for s in samples])
    done = np.array([s[2] for s in samples])
    early = rss[done >= 0.1 * runs]
    return {
        "runs": runs,
        "rounds": rounds,
        "exit_code": code,
        "rows_on_disk": rows,
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(rss.max() / MIB, 1),
        "peak_pss_mib": round(max(pss_samples, default=0) / MIB, 1),
        "rss_at_10pct_mib": round(early[0] / MIB, 1) if len(early) else None,
        "rss_at_end_mib": round(rss[-1] / MIB, 1),
        "growth_10_to_100pct_mib": round((rss[-1] - early[0]) / MIB, 1) if len(early) else None,
        "parquet_mib": round(disk / MIB, 2),
        "parts": len(parts),
        "samples": len(samples),
    }


# ---------------------------------------------------------------------------- 4
def dask_overhead(runs: int, rounds: int = 3) -> dict[str, Any]:
    """Local pool and Dask alternately (``rounds`` times each; the fastest of each is
    reported, the least disturbed by other processes), both warmed up first: the fork
    server of the local pool and the Dask workers have imported the simulator."""
    from distributed import LocalCluster

    started = time.perf_counter()
    with LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as cluster:
        startup = time.perf_counter() - started
        # a first small sweep warms the workers (imports), as a long-lived cluster would be
        timed_sweep(mc_spec(20, seed=5), scheduler=cluster.scheduler_address)
        timed_sweep(mc_spec(20, seed=5), workers=2)
        local, dask = [], []
        for _ in range(rounds):
            local.append(describe(*timed_sweep(mc_spec(runs, seed=4), workers=2)))
            dask.append(
                describe(*timed_sweep(mc_spec(runs, seed=4), scheduler=cluster.scheduler_address))
            )

    def best(results: list[dict[str, Any]]) -> dict[str, Any]:
        return min(results, key=lambda r: r["wall_s"])

    r_local, r_dask = best(local), best(dask)
    per_run_ms = 1e3 * (r_dask["wall_s"] - r_local["wall_s"]) / runs
    cpu_per_run_ms = r_dask["cpu_ms_per_run"] - r_local["cpu_ms_per_run"]
    return {
        "local": r_local,
        "dask": r_dask,
        "all_local_wall_s": [r["wall_s"] for r in local],
        "all_dask_wall_s": [r["wall_s"] for r in dask],
        "cluster_start_s": round(startup, 2),
        "overhead_ms_per_run_wall": round(per_run_ms, 3),
        "overhead_ms_per_run_worker_cpu": round(cpu_per_run_ms, 3),
    }


# ---------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sweeps (smoke test)")
    parser.add_argument("--runs", type=int, default=10_000, help="throughput runs (10000)")
    parser.add_argument("--workers", type=int, default=2, help="throughput workers (2)")
    parser.add_argument("--scaling-runs", type=int, default=1_000)
    parser.add_argument("--dask-runs", type=int, default=2_000)
    parser.add_argument("--memory-runs", type=int, default=20_000)
    parser.add_argument("--memory-rounds", type=int, default=8)
    parser.add_argument(
        "--full-memory", action="store_true", help="memory: 100,000 runs of 52 rounds"
    )
    parser.add_argument(
        "--only", choices=("throughput", "scaling", "memory", "dask"), action="append"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.scaling_runs, args.dask_runs = 300, 200, 200
        args.memory_runs, args.memory_rounds = 2_000, 4
    if args.full_memory:
        args.memory_runs, args.memory_rounds = 100_000, 52
    todo = args.only or ["throughput", "scaling", "memory", "dask"]
    load = os.getloadavg()
    results: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
        "blas_env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    print("negotiation_sim sweep benchmarks" + (" (--quick)" if args.quick else ""))
    print(f"Python {results['python']}, {os.cpu_count()} cores, load average {load}")
    ms = one_run_ms(10 if args.quick else 30)
    results["one_run_ms"] = round(ms, 2)
    print(f"One 52-round run in this process (sweep configuration): {ms:.1f} ms (median)")

    if "throughput" in todo:
        print(f"\n1. Throughput: {args.runs:,}-run Monte Carlo sweep, 52 rounds, 330 firms")
        r = throughput(args.runs, args.workers)
        results["throughput"] = r
        print(line(f"local pool, {args.workers} workers", r))
        print(f"  target: {args.runs:,} runs within 120 s -> {r['wall_s']:.1f} s")
    if "scaling" in todo:
        print(f"\n2. Scaling: {args.scaling_runs:,} runs, 1 worker vs 2")
        r = scaling(args.scaling_runs)
        results["scaling"] = r
        print(line("1 worker (in-process)", r["one"]))
        print(line("2 workers (local pool)", r["two"]))
        print(f"  speed-up {r['speedup']:.2f}x (target >= 1.8x)")
    if "memory" in todo:
        print(
            f"\n3. Memory: {args.memory_runs:,} runs of {args.memory_rounds} rounds, "
            "peak RSS of the sweep command and all its processes"
        )
        r = memory(args.memory_runs, args.memory_rounds)
        results["memory"] = r
        print(
            f"  {r['rows_on_disk']:,} rows on disk in {r['parts']} chunks "
            f"({r['parquet_mib']} MiB), {r['wall_s']} s, exit {r['exit_code']}"
        )
        print(
            f"  peak RSS {r['peak_rss_mib']} MiB (target < 1024; sum over processes, shared "
            f"pages counted in each), peak PSS {r['peak_pss_mib']} MiB; RSS at 10% done "
            f"{r['rss_at_10pct_mib']} MiB, at the end {r['rss_at_end_mib']} MiB "
            f"(growth {r['growth_10_to_100pct_mib']} MiB)"
        )
    if "dask" in todo:
        print(f"\n4. Dask overhead: {args.dask_runs:,} runs, LocalCluster on 127.0.0.1")
        r = dask_overhead(args.dask_runs)
        results["dask"] = r
        print(line("local pool, 2 workers", r["local"]))
        print(line("dask, 2 worker processes", r["dask"]))
        print(
            f"  wall s, each repetition: local {r['all_local_wall_s']}, dask {r['all_dask_wall_s']}"
        )
        print(
            f"  overhead {r['overhead_ms_per_run_wall']:+.2f} ms/run wall, "
            f"{r['overhead_ms_per_run_worker_cpu']:+.2f} ms/run worker CPU; "
            f"cluster start {r['cluster_start_s']} s (not counted)"
        )
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nWrote {args.json}")
    return results


if __name__ == "__main__":
    main()

"""Benchmarks of the negotiation simulator (``make bench``). Reports, asserts nothing.

1. A 52-round run of us_china_2025 (330 firms) in three configurations: ms per run
   and runs/s on one core.
2. Scaling with the number of firms (sweep configuration): construction and per-round
   time at ~200, 330, 2,000 and 20,000 firms, marginal cost per firm-round.
3. Mesa's bundled Boltzmann wealth model (1,000 agents, 100 steps) as a yardstick:
   cost per agent-step, and ours per agent-round at 2,000 firms relative to it.

Figures go to stdout and to ``benchmarks/results/latest.json``. ``--quick`` runs far
fewer repetitions (a smoke test of the script, not figures to quote).
BLAS is pinned to one thread so "one core" means one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_core as bc  # noqa: E402

from negotiation_sim.scenario import load_scenario  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

# repetitions: (full, quick)
REPS = {
    "sweep": (100, 5),
    "record": (100, 5),
    "record_stage_game": (60, 3),
    "scale_small": (60, 3),
    "scale_base": (60, 3),
    "scale_mid": (40, 3),
    "scale_big": (10, 2),
    "mid_record": (40, 3),
    "boltzmann": (15, 2),
}
SIZES = {"small": 200, "mid": 2_000, "big": 20_000}


def header(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions (smoke test)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    reps = {k: v[1] if args.quick else v[0] for k, v in REPS.items()}
    started = time.perf_counter()

    env = bc.environment()
    print("negotiation_sim benchmarks" + (" (--quick: smoke test only)" if args.quick else ""))
    print(
        f"Python {env['python']}  numpy {env['numpy']}  mesa {env['mesa']}  "
        f"pandas {env['pandas']}  os.cpu_count()={env['cpu_count']}"
    )
    print(f"{env['platform']}  BLAS threads: {env['blas_threads_env']}")
    load = env["load_average_1_5_15"]
    print(f"Load average at start (1/5/15 min): {load}", end="")
    print("  <- other processes are busy; expect noisier figures" if load[0] > 0.5 else "")
    print("Timer: time.perf_counter; warm-up runs first; a new seed per timed run;")
    print("figures are medians with p10/p90. Scenario file parsed once, outside the timing.")

    scenario, load_s = bc.timed_load(load_scenario, bc.SCENARIO)
    base_firms = bc.total_firms(scenario)
    n_gov = bc.n_governments(scenario)
    print(
        f"Scenario {bc.SCENARIO}: {base_firms} firms in {len(scenario.data['firms'])} groups, "
        f"{n_gov} governments, {scenario.rounds} rounds (load + validate: {load_s * 1e3:.1f} ms,"
        " not timed below)"
    )

    # ------------------------------------------------------------------ 1
    header(f"1. One {scenario.rounds}-round run of {bc.SCENARIO} ({base_firms} firms), per run")
    print("   run_simulation(scenario, seed, ...) = construction + all rounds + summary;")
    print("   the three configurations are sampled interleaved (round-robin)")
    cases = [
        bc.run_case(key, scenario, trajectory=traj, stage_game=sg, runs=reps[key])
        for key, traj, sg, _label in bc.CONFIGS
    ]
    samples = bc.interleave(cases)
    runs: dict[str, dict] = {}
    for key, traj, sg, label in bc.CONFIGS:
        r = bc.run_summary(scenario, samples[key], trajectory=traj, stage_game=sg, label=label)
        runs[key] = r
        ms = bc.Stats(**r["ms_per_run"])
        print(f" - {label}")
        print(f"     {ms.fmt('ms/run', 1)}  ->  {r['runs_per_s_one_core']:.1f} runs/s on one core")
        print(
            f"     {r['ms_per_round']:.3f} ms/round; CPU/wall {r['cpu_share']:.2f}; "
            f"outcomes {r['outcomes']}"
        )
    sweep_ms = runs["sweep"]["ms_per_run"]["median"]
    for key in ("record", "record_stage_game"):
        extra = runs[key]["ms_per_run"]["median"] - sweep_ms
        print(
            f"   {key}: {extra:+.1f} ms/run vs the sweep config "
            f"({runs[key]['ms_per_run']['median'] / sweep_ms:.2f}x)"
        )

    # ------------------------------------------------------------------ 2 + 3 (one pool)
    small, mid, big = SIZES["small"], SIZES["mid"], SIZES["big"]
    targets = {"small": small, "base": base_firms, "mid": mid, "big": big}
    specs = {key: bc.scaled_scenario(scenario, n) for key, n in targets.items()}
    cases = [
        bc.model_case(
            f"scale_{key}", specs[key], runs=reps[f"scale_{key}"], warmup=1 if key == "big" else 2
        )
        for key in targets
    ]
    cases.append(
        bc.model_case("mid_record", specs["mid"], runs=reps["mid_record"], warmup=2, record=True)
    )
    cases.append(bc.boltzmann_case(runs=reps["boltzmann"]))
    samples = bc.interleave(cases)

    header("2. Scaling with the number of firms (sweep config: record=False, stage game off)")
    print("   every group's count scaled proportionally via overrides (applied once, untimed);")
    print("   construction = NegotiationModel(...) (of which build_world: firm draw + one-hot")
    print("   maps; the rest is mainly Mesa agent creation); stepping = step() x rounds;")
    print("   sizes, the 2,000-firm full-record case and Boltzmann (3.) sampled interleaved")
    points: dict[int, dict] = {
        targets[key]: bc.model_summary(specs[key], samples[f"scale_{key}"]) for key in targets
    }
    print(
        f"   {'firms':>7} {'n':>4} {'construct ms':>13} {'(build_world)':>14} "
        f"{'ms/round':>9} {'p10-p90':>15} {'us/firm-round':>14} {'construct us/firm':>18}"
    )
    for p in points.values():
        c, w, r = p["construction_ms"], p["build_world_ms"], p["ms_per_round"]
        print(
            f"   {p['firms']:>7} {r['n']:>4} {c['median']:>13.2f} {w['median']:>14.2f} "
            f"{r['median']:>9.3f} {r['p10']:>7.3f}-{r['p90']:<7.3f} "
            f"{p['us_per_firm_round']:>14.3f} {p['construction_us_per_firm']:>18.2f}"
        )
    scaling = bc.scaling_summary(points, small, mid, big)
    print(
        f"   marginal cost per firm-round (slope {mid:,} -> {big:,} firms): "
        f"{scaling['marginal_us_per_firm_round']:.3f} us"
    )
    print(
        f"   cost per firm-round at {mid:,} firms (ms/round / {mid:,}): "
        f"{scaling['us_per_firm_round_at_mid']:.3f} us"
    )
    print(
        f"   implied fixed cost per round (intercept): {scaling['fixed_ms_per_round']:.3f} ms; "
        f"marginal construction cost: {scaling['marginal_construction_us_per_firm']:.2f} us/firm"
    )
    for span, rat in scaling["ratios"].items():
        verdict = bc.linearity_verdict(rat["firms"], rat["ms_per_round"])
        rat["verdict"] = verdict
        print(
            f"   {span} firms: x{rat['firms']:.2f} firms -> per-round time "
            f"x{rat['ms_per_round']:.2f} ({verdict}); construction x{rat['construction']:.2f}"
        )

    header("3. Yardstick: Mesa's bundled Boltzmann wealth model")
    boltz = bc.boltzmann_summary(samples["boltzmann"])
    b_us = bc.Stats(**boltz["us_per_agent_step"])
    bd = boltz["breakdown"]
    print(
        f"   BoltzmannWealth(BoltzmannScenario(n={boltz['agents']}, rng=seed)), grid "
        f"{boltz['grid'][0]}x{boltz['grid'][1]} (defaults), {boltz['steps']} steps,"
    )
    print("   model.step() as shipped (includes its DataCollector.collect every step)")
    print(f"   per step: {bc.Stats(**boltz['ms_per_step']).fmt('ms', 2)}")
    print(f"   per agent-step: {b_us.fmt('us', 3)}")
    print(
        f"   split (separate {bd['runs']} runs): agents' own step "
        f"{bd['us_per_agent_step_agents_only']:.3f} us, DataCollector "
        f"{bd['us_per_agent_step_datacollector']:.3f} us, other (Mesa event loop, "
        f"DataRecorder) {bd['us_per_agent_step_other']:.3f} us"
    )
    mid_record = bc.model_summary(specs["mid"], samples["mid_record"], record=True)
    ours = points[mid]
    agents = ours["agents"]
    ratio = ours["us_per_agent_round"] / b_us.median
    ratio_rec = mid_record["us_per_agent_round"] / b_us.median
    print(
        f"   ours at {mid:,} firms + {n_gov} governments = {agents:,} agents "
        "(full step time / agents):"
    )
    print(
        f"     sweep config:  {ours['ms_per_round']['median']:.3f} ms/round = "
        f"{ours['us_per_agent_round']:.3f} us per agent-round -> ours/Boltzmann = {ratio:.3f}"
    )
    print(
        f"     full record:   {mid_record['ms_per_round']['median']:.3f} ms/round = "
        f"{mid_record['us_per_agent_round']:.3f} us per agent-round -> ours/Boltzmann = "
        f"{ratio_rec:.3f}"
    )
    print("     (full record = trajectory=True, stage_game=False; like Boltzmann, it records")
    print("     every step)")
    cheaper = "cheaper" if ratio < 1 else "more expensive"
    factor = 1 / ratio if ratio < 1 else ratio
    statement = (
        f"Per agent, ours is {cheaper} than Boltzmann: {factor:.0f}x "
        f"({ours['us_per_agent_round']:.3f} vs {b_us.median:.3f} us per agent-step; sweep "
        f"config, {mid:,} firms). Our firms are rows of numpy arrays updated together; "
        "Boltzmann runs each agent's step in Python."
    )
    print(f"   => {statement}")

    # ------------------------------------------------------------------ table + JSON
    elapsed = time.perf_counter() - started
    header("Summary")
    rows = [
        (f"run, {base_firms} firms, sweep config (ms/run)", runs["sweep"]["ms_per_run"]),
        (f"run, {base_firms} firms, full record (ms/run)", runs["record"]["ms_per_run"]),
        (
            f"run, {base_firms} firms, record + stage game every round (ms/run)",
            runs["record_stage_game"]["ms_per_run"],
        ),
    ]
    rows += [
        (f"per round, {p['firms']:,} firms, sweep (ms)", p["ms_per_round"]) for p in points.values()
    ]
    rows += [
        (f"construction, {p['firms']:,} firms (ms)", p["construction_ms"]) for p in points.values()
    ]
    rows.append(("Boltzmann, per agent-step (us)", boltz["us_per_agent_step"]))
    print(f"   {'figure':<58} {'median':>10} {'p10':>10} {'p90':>10} {'n':>4}")
    for name, s in rows:
        print(f"   {name:<58} {s['median']:>10.3f} {s['p10']:>10.3f} {s['p90']:>10.3f} {s['n']:>4}")
    singles = [
        ("runs/s on one core, sweep config", runs["sweep"]["runs_per_s_one_core"]),
        ("runs/s on one core, full record", runs["record"]["runs_per_s_one_core"]),
        (
            "runs/s on one core, stage game every round",
            runs["record_stage_game"]["runs_per_s_one_core"],
        ),
        (f"marginal us per firm-round ({mid:,}->{big:,})", scaling["marginal_us_per_firm_round"]),
        (f"us per firm-round at {mid:,} firms", scaling["us_per_firm_round_at_mid"]),
        (f"us per agent-round at {mid:,} firms (sweep)", ours["us_per_agent_round"]),
        ("ratio ours / Boltzmann per agent (sweep)", round(ratio, 4)),
        ("ratio ours / Boltzmann per agent (full record)", round(ratio_rec, 4)),
    ]
    for name, v in singles:
        print(f"   {name:<58} {v:>10.3f}")
    print(
        f"   total benchmark wall time: {elapsed:.1f} s; "
        f"load average at end: {os.getloadavg()[0]:.2f}"
    )
    sw = runs["sweep"]["ms_per_run"]
    spread = (sw["p90"] - sw["p10"]) / sw["median"]
    noisy = spread > 0.25 or max(env["load_average_1_5_15"][0], os.getloadavg()[0]) > 0.5
    if noisy:
        print(
            f"   NOTE: noisy machine (sweep p10-p90 spread {spread:.0%} of the median; other "
            "processes running).\n   Medians are inflated; p10 is closer to an idle machine. "
            "Rerun on an idle machine for figures to quote."
        )

    result = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "environment": env,
        "scenario": {
            "name": bc.SCENARIO,
            "firms": base_firms,
            "governments": n_gov,
            "rounds": scenario.rounds,
            "load_ms": round(load_s * 1e3, 3),
        },
        "runs": runs,
        "scaling": {"points": {str(k): v for k, v in points.items()}, **scaling},
        "boltzmann": boltz,
        "comparison": {
            "firms": mid,
            "agents": agents,
            "ours_us_per_agent_round_sweep": ours["us_per_agent_round"],
            "ours_us_per_agent_round_record": mid_record["us_per_agent_round"],
            "boltzmann_us_per_agent_step": b_us.median,
            "ratio_sweep": round(ratio, 4),
            "ratio_record": round(ratio_rec, 4),
            "ours_cheaper_per_agent": ratio < 1,
            "statement": statement,
            "record_point": mid_record,
        },
        "wall_time_s": round(elapsed, 2),
        "noisy_machine": noisy,
        "sweep_p10_p90_spread": round(spread, 3),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"   written: {args.out}")
    return result


if __name__ == "__main__":
    main()

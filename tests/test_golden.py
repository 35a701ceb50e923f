"""Golden whole-model trajectories (tests/golden_support.py): every shipped scenario,
two seeds each, plus a run with noise on every random channel. The full per-round
record and the summary must match the stored run within 1e-9."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import golden_support as golden
import pytest


@pytest.mark.parametrize(("name", "scenario", "seed", "overrides"), golden.CASES)
def test_run_matches_its_golden(name, scenario, seed, overrides):
    actual = golden.record(scenario, seed, overrides)
    if os.environ.get("UPDATE_GOLDENS") == "1":
        golden.write(name, actual)
    assert golden.path_of(name).exists(), f"no golden {name}: run with UPDATE_GOLDENS=1"
    problems = golden.differences(golden.read(name), actual)
    assert not problems, f"{name} differs from its golden:\n" + "\n".join(problems[:20])


def test_goldens_are_not_trivial():
    """The goldens cover moves, deals and the stage game, so that they can catch a change."""
    frames = {name: golden.frame_of(golden.read(name)) for name, *_ in golden.CASES}
    moves = {m for f in frames.values() for c in f if c.startswith("move_") for m in f[c]}
    assert {"hold"} < moves and any(m.startswith("escalate") for m in moves)
    assert any(m.startswith("concede") for m in moves)
    deals = {d for f in frames.values() for d in f["deal"]}
    assert {"truce", "comprehensive"} <= deals
    assert all(f["stage_payoffs"].str.len().gt(0).all() for f in frames.values())
    noisy = frames["us_china_2025_noisy_seed1"]["move_us"]
    assert not noisy.equals(frames["us_china_2025_seed1"]["move_us"])


def other_machine_env() -> dict[str, str]:
    """The environment of a machine with other vector instructions: OpenBLAS's oldest x86
    kernel (Prescott) and none of numpy's optional SIMD paths that this CPU has, so
    that sums and products round differently in their last bits."""
    from numpy._core import _multiarray_umath as umath

    optional = [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]
    env = {**os.environ, "OPENBLAS_CORETYPE": "Prescott"}
    if optional:
        env["NPY_DISABLE_CPU_FEATURES"] = ",".join(optional)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), *sys.path])
    return env


def test_every_golden_run_is_the_same_on_a_machine_with_other_vector_instructions(tmp_path):
    """Same seed, same run, on any machine: rounding noise in the last bits (which differs
    with the CPU's vector instructions) must not change a decision or a recorded value
    beyond the goldens' tolerance. It did: a conflict cost of +2.8e-17 (not 0) at the
    status quo counted as a round of hurting on one machine and not on another, and a
    stage payoff was recorded as -0.000 or 0.000."""
    out = tmp_path / "runs.json"
    script = (
        "import json, sys, golden_support as g\n"
        "json.dump({n: g.record(s, seed, o) for n, s, seed, o in g.CASES}, open(sys.argv[1], 'w'))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(out)], env=other_machine_env(), check=True, timeout=600
    )
    there = json.loads(out.read_text())
    problems = {
        name: golden.differences(golden.record(scenario, seed, overrides), there[name])[:3]
        for name, scenario, seed, overrides in golden.CASES
    }
    assert not {k: v for k, v in problems.items() if v}

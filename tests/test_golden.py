"""Golden whole-model trajectories (tests/golden_support.py): every shipped scenario,
two seeds each, plus a run with noise on every random channel. The full per-round
record and the summary must match the stored run within 1e-9."""

from __future__ import annotations

import os

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

"""Golden whole-model trajectories: record, store and compare.

A golden is one seeded run of a shipped scenario (optionally with overrides): its full
per-round record and its summary, stored as JSON under ``tests/golden/``. Refactors must
leave every golden unchanged; a deliberate change of dynamics regenerates them with
``UPDATE_GOLDENS=1 pytest tests/test_golden.py`` and explains the diff in the commit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from negotiation_sim import run_simulation

GOLDEN_DIR = Path(__file__).parent / "golden"

#: Noise on every random channel, so that goldens also pin the order of random draws.
NOISY = {
    "negotiation.perception_noise": 0.05,
    "negotiation.implementation_noise": 0.05,
    "negotiation.deal_break_hazard": 0.02,
}

#: (golden name, scenario, seed, overrides)
CASES: list[tuple[str, str, int, dict[str, Any]]] = [
    (f"{scenario}_seed{seed}", scenario, seed, {})
    for scenario in ("us_china_2025", "trade_war_2018", "classroom_basic")
    for seed in (1, 2)
] + [(f"us_china_2025_noisy_seed{seed}", "us_china_2025", seed, NOISY) for seed in (1, 2)]
#: Strategies that learn, draw from the model's generator or read the stage game.
LEARNERS = {
    "governments.us.strategy": "RothErev",
    "governments.cn.strategy": "LogitQuantalResponse",
    **NOISY,
}
PAYOFF_READERS = {
    "governments.us.strategy": "MyopicBestResponse",
    "governments.cn.strategy": "WinStayLoseShift",
}
CASES += [
    ("us_china_2025_learners_seed1", "us_china_2025", 1, LEARNERS),
    ("us_china_2025_payoff_seed1", "us_china_2025", 1, PAYOFF_READERS),
    ("trade_war_2018_payoff_seed1", "trade_war_2018", 1, PAYOFF_READERS),
]

RTOL = 1e-9
ATOL = 1e-9


def record(scenario: str, seed: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """The golden content of one run: trajectory columns (as lists) and the summary."""
    result = run_simulation(scenario, seed, overrides=overrides or None)
    frame = result.trajectory
    columns = {
        name: [None if _is_nan(v) else _plain(v) for v in frame[name].tolist()]
        for name in frame.columns
    }
    return {"summary": _plain(result.summary), "trajectory": columns}


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, tuples to lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def path_of(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def write(name: str, content: dict[str, Any]) -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    path_of(name).write_text(json.dumps(content, indent=1, sort_keys=True) + "\n")


def read(name: str) -> dict[str, Any]:
    return json.loads(path_of(name).read_text())


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected`` beyond the tolerance."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual or key not in expected:
                out.append(f"{where}/{key}: only in {'golden' if key in expected else 'run'}")
            else:
                out += differences(expected[key], actual[key], f"{where}/{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: length {len(actual)} != golden {len(expected)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += differences(e, a, f"{where}[{i}]")
            if len(out) > 20:
                break
        return out
    if _number(expected) and _number(actual):
        if math.isclose(float(expected), float(actual), rel_tol=RTOL, abs_tol=ATOL):
            return []
        return [f"{where}: {actual!r} != golden {expected!r}"]
    if expected != actual:
        return [f"{where}: {actual!r} != golden {expected!r}"]
    return []


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def frame_of(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(content["trajectory"])

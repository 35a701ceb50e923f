"""Settings that leave nothing in the negotiation to chance, for the tests of the
same-run notes (a module of its own so that unit and browser tests share it)."""

from __future__ import annotations

import re

from negotiation_sim.scenario import resolve_path

#: one private resolve, the same in every run
FIXED = {
    "cost_tolerance": [20.0, 20.0],
    "audience_sensitivity": [1.0, 1.0],
    "grievance": [0.1, 0.1],
}


def fixed_resolve(parties=("us", "cn"), **more) -> dict:
    """Overrides that fix the parties' private resolve (no draw per run)."""
    out = {f"governments.{g}.resolve.{key}": value for g in parties for key, value in FIXED.items()}
    return {**out, **more}


def fixed_resolve_text(name: str = "us_china_2025") -> str:
    """The shipped scenario file ``name`` with every ``resolve`` range fixed."""
    text = resolve_path(name).read_text(encoding="utf-8")
    fixed = "resolve = { " + ", ".join(f"{k} = {v}" for k, v in FIXED.items()) + " }"
    out, count = re.subn(r"^resolve = \{[^}]*\}", fixed, text, flags=re.M)
    assert count >= 2, "the scenario's resolve lines have changed shape"
    return out

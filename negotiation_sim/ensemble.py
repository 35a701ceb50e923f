"""Moved to ``negotiation_sim.runs.ensemble`` (the one execution layer, issue 8); these
names stay importable from here for code written against them."""

from negotiation_sim.runs.ensemble import (
    SERIES,
    EnsembleResult,
    flatten_summary,
    outcome_table,
    run_ensemble,
    wilson_interval,
)
from negotiation_sim.runs.seeds import derive_seed

__all__ = [
    "SERIES",
    "EnsembleResult",
    "derive_seed",
    "flatten_summary",
    "outcome_table",
    "run_ensemble",
    "wilson_interval",
]

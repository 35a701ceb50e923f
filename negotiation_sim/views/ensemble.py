"""What an ensemble's runs have in common: how many different paths they took."""

from __future__ import annotations

from typing import Any

import numpy as np

from negotiation_sim.views.record import party_column

#: escalation indices that agree to this many decimals count as the same path
PATH_DECIMALS = 6


def path_count(result: Any, parties: tuple[str, str]) -> int:
    """The number of different paths among an ensemble's runs: the outcome of every
    round and both parties' escalation indices (with the per-round series), else the
    final outcome and the round it was reached. ``result`` is an ``EnsembleResult``."""
    series = result.series
    keys = ["outcome_code", *(party_column("escalation", g) for g in parties)]
    if series and all(k in series for k in keys):
        paths = np.hstack(
            [np.round(np.asarray(series[k], dtype=float), PATH_DECIMALS) for k in keys]
        )
        return len(np.unique(paths, axis=0)) if len(paths) else 0
    summaries = result.summaries
    if summaries.empty:
        return 0
    return len(summaries[["outcome", "outcome_round"]].drop_duplicates())


def same_path_note(result: Any, parties: tuple[str, str]) -> str:
    """A note when every run of an ensemble of two or more took the same path."""
    runs = len(result.summaries)
    if runs < 2 or path_count(result, parties) != 1:
        return ""
    return (
        f"All {runs:,} runs took the same path (the same outcome in every round and the same "
        "escalation indices): the shares below come from one negotiation repeated, not "
        "from chance, and the intervals say nothing about uncertainty."
    )

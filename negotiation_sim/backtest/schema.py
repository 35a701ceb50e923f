"""The episode file format: re-exported from ``views.episode_schema`` (see
``backtest.episode``)."""

from negotiation_sim.views.episode_schema import (
    AGREEMENTS,
    EPISODE,
    EVENT_KINDS,
    MAX_RUNS,
    MAX_SEED,
    TARGET,
    TARGET_KINDS,
    TEXT_CHARS,
    Tagged,
)

__all__ = [
    "AGREEMENTS",
    "EPISODE",
    "EVENT_KINDS",
    "MAX_RUNS",
    "MAX_SEED",
    "TARGET",
    "TARGET_KINDS",
    "TEXT_CHARS",
    "Tagged",
]

"""What the ``backtest`` and ``calibrate`` commands do (their options: ``cli/backtest.py``):
every input is read and checked before anything runs, and every problem is reported at
once (``EpisodeError``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from negotiation_sim.backtest.episode import EpisodeError, load_episode
from negotiation_sim.backtest.simulate import Backtest, backtest


def backtest_episodes(
    names: Sequence[str | Path],
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> list[Backtest]:
    """Load every episode (all problems of all files at once), then back-test each."""
    episodes, messages = [], []
    for name in names:
        try:
            episodes.append(load_episode(name))
        except EpisodeError as exc:
            messages += exc.messages
    if messages:
        raise EpisodeError(messages)
    return [backtest(ep, runs, seed, workers, scheduler) for ep in episodes]


def calibrate_spec(spec: str | Path, out: Path, **options: Any):
    """Load a calibration spec and its episodes, then run it (``calibrate.calibrate``)."""
    from negotiation_sim.backtest.calibrate import calibrate
    from negotiation_sim.backtest.spec import load_calibration

    return calibrate(load_calibration(spec), out, **options)

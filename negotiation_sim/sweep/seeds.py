"""Seeds of a sweep: every run its own stream, derived with numpy's ``SeedSequence`` from
the sweep seed and the run's index (``negotiation_sim.ensemble.derive_seed``), so results
do not depend on the number of workers, their order or where they run.

Run ``r`` is replicate ``r % replicates`` of design point ``r // replicates``.
"""

from __future__ import annotations

import numpy as np

from negotiation_sim.ensemble import derive_seed

#: spawn key of the stream that draws the design (kept apart from the runs' streams)
DESIGN_STREAM = 0x5EED_DE51


def run_index(point: int, replicate: int, replicates: int) -> int:
    return point * replicates + replicate


def split_run(run: int, replicates: int) -> tuple[int, int]:
    """``(point, replicate)`` of run ``run``."""
    return divmod(run, replicates)


def run_seed(sweep_seed: int, run: int, replicates: int, mode: str = "per_run") -> int:
    """The model seed of run ``run``. ``per_run``: ``derive_seed(sweep_seed, run)``;
    ``common``: ``derive_seed(sweep_seed, replicate)``, the same stream for replicate ``r``
    at every point (common random numbers)."""
    if mode == "common":
        return derive_seed(sweep_seed, run % replicates)
    return derive_seed(sweep_seed, run)


def design_rng(sweep_seed: int) -> np.random.Generator:
    """The generator that draws the design's points."""
    return np.random.default_rng(np.random.SeedSequence(sweep_seed, spawn_key=(DESIGN_STREAM,)))


def design_seed(sweep_seed: int) -> int:
    """An integer seed for samplers that take one (SALib)."""
    return int(design_rng(sweep_seed).integers(0, 2**31 - 1))

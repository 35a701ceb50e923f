"""Seeds: the one rule that turns a base seed and a run's index into the run's seed.

Run ``i`` of an ensemble with base seed ``s``, and run ``i`` of a sweep with sweep seed
``s``, both use ``derive_seed(s, i)``: numpy's ``SeedSequence([s, i])``, so results do not
depend on the number of workers, their order, the chunking or where the runs execute.
The values are part of results: changing this module changes every stored run.

In a sweep, run ``r`` is replicate ``r % replicates`` of design point ``r // replicates``.
"""

from __future__ import annotations

import numpy as np

#: spawn key of the stream that draws a sweep's design (kept apart from the runs' streams)
DESIGN_STREAM = 0x5EED_DE51


def derive_seed(base_seed: int, index: int) -> int:
    """The seed of run ``index``: a 63-bit integer from ``SeedSequence([base, index])``."""
    state = np.random.SeedSequence([int(base_seed), int(index)]).generate_state(2, np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def run_index(point: int, replicate: int, replicates: int) -> int:
    return point * replicates + replicate


def split_run(run: int, replicates: int) -> tuple[int, int]:
    """``(point, replicate)`` of run ``run``."""
    return divmod(run, replicates)


def run_seed(sweep_seed: int, run: int, replicates: int, mode: str = "per_run") -> int:
    """The model seed of sweep run ``run``. ``per_run``: ``derive_seed(sweep_seed, run)``
    (the same as run ``run`` of an ensemble with that base seed); ``common``:
    ``derive_seed(sweep_seed, replicate)``, the same stream for replicate ``r`` at every
    point (common random numbers)."""
    if mode == "common":
        return derive_seed(sweep_seed, run % replicates)
    return derive_seed(sweep_seed, run)


def design_rng(sweep_seed: int) -> np.random.Generator:
    """The generator that draws a sweep design's points."""
    return np.random.default_rng(np.random.SeedSequence(sweep_seed, spawn_key=(DESIGN_STREAM,)))


def design_seed(sweep_seed: int) -> int:
    """An integer seed for samplers that take one (SALib)."""
    return int(design_rng(sweep_seed).integers(0, 2**31 - 1))

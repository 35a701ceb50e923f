"""Parameter sweeps: many seeded runs over a design of scenario parameters, streamed to
Parquet, resumable, on local cores or a Dask cluster; and their analysis (outcome
probabilities, sensitivity indices, scenario discovery, plots and an HTML report).

Notebook use::

    from negotiation_sim.sweep import sweep, analyze
    runs = sweep("scenarios/sweeps/rare_earth_lhs.toml", "out/rare_earth")
    result = analyze("out/rare_earth")
    result.probabilities, result.sensitivity, result.boxes

The command line is ``negotiation-sim sweep`` and ``negotiation-sim analyze``
(``commands.register``). Imports are lazy so that the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "sweep": "negotiation_sim.sweep.runner",
    "run_sweep": "negotiation_sim.sweep.runner",
    "load_results": "negotiation_sim.sweep.runner",
    "load_trajectories": "negotiation_sim.sweep.runner",
    "SweepSummary": "negotiation_sim.sweep.runner",
    "analyze": "negotiation_sim.sweep.analysis",
    "Analysis": "negotiation_sim.sweep.analysis",
    "load_spec": "negotiation_sim.sweep.spec",
    "loads_spec": "negotiation_sim.sweep.spec",
    "spec_from_dict": "negotiation_sim.sweep.spec",
    "SweepSpec": "negotiation_sim.sweep.spec",
    "SweepError": "negotiation_sim.sweep.spec",
    "build_design": "negotiation_sim.sweep.designs",
}

__all__ = [
    "Analysis",
    "SweepError",
    "SweepSpec",
    "SweepSummary",
    "analyze",
    "build_design",
    "load_results",
    "load_spec",
    "load_trajectories",
    "loads_spec",
    "run_sweep",
    "spec_from_dict",
    "sweep",
]

if TYPE_CHECKING:  # pragma: no cover
    from negotiation_sim.sweep.analysis import Analysis, analyze
    from negotiation_sim.sweep.designs import build_design
    from negotiation_sim.sweep.runner import (
        SweepSummary,
        load_results,
        load_trajectories,
        run_sweep,
        sweep,
    )
    from negotiation_sim.sweep.spec import (
        SweepError,
        SweepSpec,
        load_spec,
        loads_spec,
        spec_from_dict,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'negotiation_sim.sweep' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

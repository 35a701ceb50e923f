"""negotiation-sim: an agent-based simulator of trade negotiations between governments
that use tariffs and export controls, and the firms that lobby them.

The public names are imported on first use, so that light commands (``validate``,
``list``, ``schema``) start without importing Mesa.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "NegotiationModel": "negotiation_sim.abm.model",
    "SimulationResult": "negotiation_sim.run",
    "run_simulation": "negotiation_sim.run",
    "Scenario": "negotiation_sim.scenario",
    "ScenarioError": "negotiation_sim.scenario",
    "load_scenario": "negotiation_sim.scenario",
}

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel
    from negotiation_sim.run import SimulationResult, run_simulation
    from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'negotiation_sim' has no attribute {name!r}")


__all__ = [
    "NegotiationModel",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "load_scenario",
    "run_simulation",
]

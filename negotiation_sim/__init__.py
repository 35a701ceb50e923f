"""negotiation-sim: an agent-based simulator of trade negotiations between governments
that use tariffs and export controls, and the firms that lobby them."""

from negotiation_sim.model import NegotiationModel
from negotiation_sim.run import SimulationResult, run_simulation
from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = [
    "NegotiationModel",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "load_scenario",
    "run_simulation",
]

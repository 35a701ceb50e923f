"""Package data of negotiation-sim, installed as ``negotiation_sim.scenarios`` (see
setup.py): the shipped scenarios (``*.toml``), session configs (``sessions/``) and sweep
specs (``sweeps/``). Code finds them through ``negotiation_sim.core.resources``."""

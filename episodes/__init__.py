"""Package data of negotiation-sim, installed as ``negotiation_sim.episodes`` (see setup.py):
the shipped back-test episodes (``*.toml``) and calibration specs (``calibration/``). Code
finds them through ``negotiation_sim.core.resources`` (docs/validation.md)."""

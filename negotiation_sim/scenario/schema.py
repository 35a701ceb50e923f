"""Moved to ``negotiation_sim.config.schema`` (the schema DSL serves every format); this
name re-exports it so that code written against the old place keeps importing. Import
from ``negotiation_sim.config.schema``."""

from negotiation_sim.config.schema import *  # noqa: F403

"""Scenario files: schema, loading, overrides and error messages."""

from negotiation_sim.scenario.load import (
    Scenario,
    ScenarioError,
    list_scenarios,
    load_scenario,
    loads_scenario,
    parse_overrides,
    resolve_path,
    scenario_from_dict,
)
from negotiation_sim.scenario.spec import SCENARIO


def json_schema() -> dict:
    """The scenario format as a JSON Schema (draft 2020-12) document."""
    schema = SCENARIO.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "negotiation-sim scenario"
    return schema


__all__ = [
    "SCENARIO",
    "Scenario",
    "ScenarioError",
    "json_schema",
    "list_scenarios",
    "load_scenario",
    "loads_scenario",
    "parse_overrides",
    "resolve_path",
    "scenario_from_dict",
]

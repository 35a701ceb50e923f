"""Shared fixtures for the test suite, one section per kind of factory.

* Scenario factories: shipped scenarios loaded once per session, with dotted-path
  overrides; a tiny fast scenario for model tests; strategy-pair override builders.
* Sweep-spec factories: sweep spec texts and files rendered from Python values
  (``sweep_specs``), for the sweep test files.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from negotiation_sim import load_scenario, run_simulation
from negotiation_sim.run import SimulationResult
from negotiation_sim.scenario import Scenario

# The strategy test harness asserts in a support module: let pytest explain its failures.
pytest.register_assert_rewrite("strategy_harness")


# ==========================================================================================
# Scenario factories
# ==========================================================================================

#: The default shipped scenario; its two parties are ``us`` and ``cn``.
DEFAULT_SCENARIO = "us_china_2025"

#: The tiny scenario cuts every firm group to this many firms and the horizon to this many
#: rounds. Eight weekly rounds of the default scenario still reach every event of its
#: calendar (the last, China's rare-earth rule, takes effect in round 8).
TINY_FIRMS_PER_GROUP = 2
TINY_ROUNDS = 8


@functools.cache
def _shipped(name: str) -> Scenario:
    return load_scenario(name)


@functools.cache
def _tiny(name: str) -> Scenario:
    scenario = _shipped(name)
    counts = {f"firms.{group}.count": TINY_FIRMS_PER_GROUP for group in scenario.data["firms"]}
    return scenario.with_overrides({**counts, "scenario.rounds": TINY_ROUNDS})


def make_scenario(
    name: str = DEFAULT_SCENARIO, /, *, tiny: bool = False, **overrides: Any
) -> Scenario:
    """A shipped scenario by name with dotted-path ``overrides`` applied and validated,
    e.g. ``make_scenario("trade_war_2018", **{"economy.elasticity": 3.0})``.

    Each file is read once per session; every call returns its own copy of the data, so
    a test may change it freely. ``tiny=True`` first cuts every firm group to
    ``TINY_FIRMS_PER_GROUP`` firms and the horizon to ``TINY_ROUNDS`` rounds.
    """
    base = _tiny(name) if tiny else _shipped(name)
    if overrides:
        return base.with_overrides(overrides)
    return dataclasses.replace(base, data=copy.deepcopy(base.data))


def pair(
    us: str,
    cn: str,
    /,
    *,
    us_params: Mapping[str, Any] | None = None,
    cn_params: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Overrides seating strategy ``us`` for the US and ``cn`` for China (the default
    scenario's parties), with their ``strategy_params`` if given, plus ``extra`` dotted
    overrides: ``pair("Random", "TitForTat", **{"negotiation.perception_noise": 0.1})``.
    """
    overrides: dict[str, Any] = {"governments.us.strategy": us, "governments.cn.strategy": cn}
    if us_params is not None:
        overrides["governments.us.strategy_params"] = dict(us_params)
    if cn_params is not None:
        overrides["governments.cn.strategy_params"] = dict(cn_params)
    return {**overrides, **extra}


def run_scenario(
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    *,
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    rounds: int | None = None,
    **options: Any,
) -> SimulationResult:
    """``run_simulation`` of a scenario (default: the default one; a shipped name is read
    once per session) with ``overrides``; ``options`` are ``trajectory``/``stage_game``."""
    spec = _shipped(scenario) if isinstance(scenario, str) else scenario
    return run_simulation(spec, seed, rounds=rounds, overrides=overrides, **options)


@pytest.fixture(name="make_scenario")
def make_scenario_fixture() -> Callable[..., Scenario]:
    """``make_scenario(name="us_china_2025", /, *, tiny=False, **dotted_overrides)``."""
    return make_scenario


@pytest.fixture
def default_scenario() -> Scenario:
    """The default scenario, ``us_china_2025`` (a copy of its own for each test)."""
    return make_scenario()


@pytest.fixture
def tiny_scenario() -> Scenario:
    """The default scenario with two firms per group and eight rounds: fast model runs."""
    return make_scenario(tiny=True)


@pytest.fixture(name="pair")
def pair_fixture() -> Callable[..., dict[str, Any]]:
    """``pair(us, cn, /, *, us_params=None, cn_params=None, **dotted_overrides)``."""
    return pair


@pytest.fixture(name="run_scenario")
def run_scenario_fixture() -> Callable[..., SimulationResult]:
    """``run_scenario(overrides=None, seed=0, *, scenario="us_china_2025", rounds=None)``."""
    return run_scenario


# ==========================================================================================
# Sweep-spec factories
# ==========================================================================================


def toml_value(value: Any) -> str:
    """A Python value as a TOML value (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # inf and nan are TOML too
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML form for {value!r}")


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


class SweepSpecs:
    """Sweep spec files for tests. ``text`` renders a spec from Python values: the
    ``[sweep]`` fields as keywords (``None`` leaves a field out), the ``[[parameters]]``
    as dicts, or as TOML text for input the dicts cannot express. The defaults are the
    shipped default scenario, a Latin hypercube and ``elasticity`` + ``noise``."""

    # common parameters, a fresh dict each time (a test may change its copy)
    @property
    def elasticity(self) -> dict[str, Any]:
        return {"path": "economy.elasticity", "range": [1.0, 5.0]}

    @property
    def noise(self) -> dict[str, Any]:
        return {"path": "negotiation.implementation_noise", "range": [0.0, 0.2]}

    @property
    def stockpile(self) -> dict[str, Any]:
        return {
            "name": "stockpile",
            "path": ["firms.us_autos.stockpile_weeks", "firms.us_industry.stockpile_weeks"],
            "range": [0.5, 30.0],
        }

    @property
    def strategy(self) -> dict[str, Any]:
        return {
            "path": "governments.cn.strategy",
            "values": ["TitForTat", "AlwaysEscalate", "GrimTrigger"],
        }

    def text(
        self,
        parameters: list[dict[str, Any] | str] | None = None,
        *,
        scenario: str = "us_china_2025",
        design: str = "latin_hypercube",
        **sweep: Any,
    ) -> str:
        fields = {"scenario": scenario, "design": design, **sweep}
        lines = ["[sweep]"]
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in fields.items() if v is not None]
        for param in [self.elasticity, self.noise] if parameters is None else parameters:
            if isinstance(param, str):
                lines += ["", param.strip()]
                continue
            lines += ["", "[[parameters]]"]
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in param.items()]
        return "\n".join(lines) + "\n"

    def write(
        self,
        folder: Path,
        parameters: list[dict[str, Any] | str] | None = None,
        *,
        file: str = "spec.toml",
        **sweep: Any,
    ) -> Path:
        """The spec written to ``folder / file``."""
        path = Path(folder) / file
        path.write_text(self.text(parameters, **sweep), encoding="utf-8")
        return path

    def load(self, parameters: list[dict[str, Any] | str] | None = None, **sweep: Any):
        """The validated ``SweepSpec``."""
        from negotiation_sim.sweep import loads_spec

        return loads_spec(self.text(parameters, **sweep))

    def problems(
        self, parameters: list[dict[str, Any] | str] | None = None, **sweep: Any
    ) -> list[str]:
        """The messages of the ``SweepError`` the spec raises (its source is bad.toml)."""
        from negotiation_sim.sweep import SweepError, loads_spec

        with pytest.raises(SweepError) as info:
            loads_spec(self.text(parameters, **sweep), source="bad.toml")
        return info.value.messages


@pytest.fixture(scope="session")
def sweep_specs() -> SweepSpecs:
    """Factory of sweep spec texts and files (``SweepSpecs``)."""
    return SweepSpecs()

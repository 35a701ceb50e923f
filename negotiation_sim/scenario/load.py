"""Loading scenario files: TOML parsing, dotted overrides, schema and cross-field checks
(``checks``); every problem of a file is reported at once."""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from negotiation_sim.config import kinds
from negotiation_sim.config.schema import (
    MISSING,
    ListOf,
    MapOf,
    Problem,
    Table,
    clip,
    join,
    lookup,
    printable,
)
from negotiation_sim.config.toml import MAX_DEPTH, ConfigError, Format, nesting_problem
from negotiation_sim.core.resources import SCENARIOS, shipped_dir
from negotiation_sim.scenario.checks import (  # noqa: F401 (re-exported)
    check_strategy,
    cross_check,
    sectors_of,
)
from negotiation_sim.scenario.config import ScenarioConfig, compile_config
from negotiation_sim.scenario.spec import SCENARIO

SCENARIO_DIR = shipped_dir(SCENARIOS)  # the shipped scenarios (package data)
#: the file kind (``config.kinds``), for callers that pick a loader by a file's look
KIND = kinds.SCENARIO


class ScenarioError(ConfigError):
    """Invalid scenario input. ``messages`` lists every problem found, one per line."""


FORMAT = Format(KIND, SCENARIO, ScenarioError)


def looks_like_scenario(raw: Any) -> bool:
    """Whether parsed TOML looks like a scenario (by its top-level tables)."""
    return kinds.looks_like(raw) == KIND


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: nested data with defaults filled in, and where it came from."""

    data: dict[str, Any]
    source: str = "<dict>"
    overrides: tuple[str, ...] = ()
    digest: str = field(default="", compare=False)

    @cached_property
    def config(self) -> ScenarioConfig:
        """The scenario as frozen, typed configuration (``scenario/config.py``)."""
        return compile_config(self.data)

    @property
    def name(self) -> str:
        return self.data["scenario"]["name"]

    @property
    def stem(self) -> str:
        return Path(self.source).stem if self.source != "<dict>" else self.name

    @property
    def parties(self) -> tuple[str, str]:
        a, b = self.data["scenario"]["parties"]
        return a, b

    @property
    def rounds(self) -> int:
        return self.data["scenario"]["rounds"]

    def with_overrides(self, overrides: Mapping[str, Any] | Iterable[str] | None) -> Scenario:
        """A new scenario with dotted-path overrides applied and validated."""
        if not overrides:
            return self
        raw = copy.deepcopy(self.data)
        pairs = parse_overrides(overrides)
        problems = apply_overrides(raw, pairs)
        return _finish(raw, self.source, problems, pairs, self.overrides)


def resolve_path(name: str | Path) -> Path:
    """A scenario path: an existing file, or a name in the ``scenarios/`` folder."""
    path = Path(name)
    if path.is_file():
        return path
    for folder in (SCENARIO_DIR, Path.cwd() / "scenarios"):
        for candidate in (folder / str(name), folder / f"{name}.toml"):
            if candidate.is_file():
                return candidate
    raise ScenarioError(
        [f"{name}: no such scenario file; known scenarios: {', '.join(list_scenarios())}"]
    )


def list_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Scenario:
    """Read and validate a scenario file (a path or a name in ``scenarios/``).

    Raises ``ScenarioError`` listing every problem with file, field path, value and what
    is allowed.
    """
    file = resolve_path(path)
    return loads_scenario(FORMAT.read(file), source=str(file), overrides=overrides)


def loads_scenario(
    text: str,
    source: str = "<text>",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    """Validate scenario TOML given as text (used for uploads)."""
    return _from_raw(FORMAT.loads(text, source), source, overrides)


def scenario_from_dict(
    raw: dict[str, Any],
    source: str = "<dict>",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    """Validate a scenario given as nested data (the TOML file's structure)."""
    FORMAT.check(raw, source)  # before anything recursive (deepcopy) touches it
    return _from_raw(raw, source, overrides)


def _from_raw(
    raw: dict[str, Any], source: str, overrides: Mapping[str, Any] | Iterable[str] | None
) -> Scenario:
    raw = copy.deepcopy(raw)
    pairs = parse_overrides(overrides) if overrides else []
    problems = apply_overrides(raw, pairs) if isinstance(raw, dict) else []
    return _finish(raw, source, problems, pairs, ())


def _finish(
    raw: dict[str, Any],
    source: str,
    problems: list[Problem],
    pairs: list[tuple[str, Any]],
    tags: tuple[str, ...],
) -> Scenario:
    overridden = {k for k, _ in pairs}

    def render(problem: Problem) -> str:
        return _render(problem, source, overridden)

    for key, value in pairs:  # the data around them was checked when it was read
        deep = nesting_problem(value, _as_path(key), MAX_DEPTH - key.count(".") - 1)
        if deep is not None:
            FORMAT.fail_problems([deep], source, render=render)
    data = SCENARIO.validate(raw, "", problems)
    problems.extend(cross_check(data, problems))
    if problems:
        FORMAT.fail_problems(problems, source, render=render)
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    tags += tuple(f"{k}={v!r}" for k, v in pairs)
    return Scenario(data=data, source=source, overrides=tags, digest=digest)


def _render(problem: Problem, source: str, overridden: set[str]) -> str:
    for key in overridden:
        path = _as_path(key)
        if (
            problem.path == path
            or problem.path.startswith(path + ".")
            or problem.path.startswith(path + "[")
            or path in problem.allowed  # a bound that the overridden field sets
        ):
            return problem.render(f"{source} (--set {clip(printable(key), 120)})")
    return problem.render(source)


def _as_path(key: str) -> str:
    """An override key in the form of a problem's path: ``calendar.0.label`` to
    ``calendar[0].label``."""
    path = ""
    for part in key.split("."):
        index = part.isascii() and part.isdigit() and len(part) <= 18
        path = join(path, int(part) if index else part)
    return path


def parse_overrides(overrides: Mapping[str, Any] | Iterable[str]) -> list[tuple[str, Any]]:
    """``["a.b=3", "c=x"]`` or ``{"a.b": 3}`` to ``[("a.b", 3), ("c", "x")]``.

    Values in strings are read as TOML values (numbers, booleans, lists, dates, quoted
    strings); anything else is taken as a bare string.
    """
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    pairs = []
    for item in overrides:
        key, sep, text = str(item).partition("=")
        if not sep or not key.strip():
            raise ScenarioError(
                [f"--set {clip(item, 80)!r}: expected PATH=VALUE, e.g. economy.elasticity=3"]
            )
        try:
            pairs.append((key.strip(), parse_value(text.strip())))
        except (RecursionError, ValueError):  # nested too deeply; a 5000-digit integer
            raise ScenarioError(
                [
                    f"--set {clip(key.strip(), 80)}: a value the TOML parser cannot read (nested "
                    'too deeply or too large); allowed: a TOML value such as 3, "x" or [1, 2]'
                ]
            ) from None
    return pairs


def parse_value(text: str) -> Any:
    """A ``--set`` value read as a TOML value, or else as a bare string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(raw: dict[str, Any], pairs: list[tuple[str, Any]]) -> list[Problem]:
    """Set each dotted path in ``raw``; unknown paths become problems.

    Overriding a government's ``strategy`` drops the scenario's ``strategy_params`` for
    it (they belong to the old strategy) unless they are overridden too.
    """
    problems: list[Problem] = []
    keys = {k for k, _ in pairs}
    for key, _ in pairs:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "governments" and parts[2] == "strategy":
            params_key = f"governments.{parts[1]}.strategy_params"
            gov = raw.get("governments", {}).get(parts[1])
            if isinstance(gov, dict) and params_key not in keys:
                gov["strategy_params"] = {}
    for key, value in pairs:
        parts = key.split(".")
        node = lookup(SCENARIO, parts)
        if node is None or not all(parts):
            problems.append(
                Problem(key, value, "a dotted path to a scenario field", "unknown override path")
            )
            continue
        target: Any = raw
        schema: Any = SCENARIO
        ok = True
        for part in parts[:-1]:
            if isinstance(target, list) and _index(part, len(target)) is not None:
                target = target[int(part)]
            elif isinstance(target, dict):
                if part not in target:
                    if isinstance(schema, MapOf):
                        problems.append(
                            Problem(
                                key,
                                value,
                                "an existing id: " + ", ".join(target) if target else "none",
                                f"no entry {part!r} to override",
                            )
                        )
                        ok = False
                        break
                    target[part] = {}
                target = target[part]
            else:
                problems.append(Problem(key, value, "an existing path", "cannot override"))
                ok = False
                break
            schema = _child(schema, part)
        if ok:
            last = parts[-1]
            if isinstance(target, list) and _index(last, len(target)) is not None:
                target[int(last)] = value
            elif isinstance(target, dict):
                target[last] = value
            else:
                problems.append(Problem(key, value, "an existing path", "cannot override"))
    return problems


def _index(part: str, size: int) -> int | None:
    """``part`` as an index into a list of ``size`` items, or ``None``."""
    if part.isascii() and part.isdigit() and len(part) <= 18 and int(part) < size:
        return int(part)
    return None


def _child(schema: Any, part: str) -> Any:
    if isinstance(schema, Table):
        return schema.fields[part]
    if isinstance(schema, MapOf | ListOf):
        return schema.item
    return schema


def raw_value(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or ``MISSING``."""
    node: Any = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and _index(part, len(node)) is not None:
            node = node[int(part)]
        else:
            return MISSING
    return node


Overrides = Mapping[str, Any] | Iterable[str] | None


def as_scenario(scenario: Scenario | str | Path, overrides: Overrides = None) -> Scenario:
    """A ``Scenario`` from a loaded scenario, a path or a scenario name."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.with_overrides(overrides)

"""Sweep specifications: the loaded spec (``SweepSpec``) and its loading, with every
problem of a file reported at once, as ``SweepError.messages``.

The format and its schema are in ``format``, the varied parameters in ``parameters``,
the checks against the base scenario and of the design in ``checks``; their public names
are importable from here too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from negotiation_sim.config.schema import Broken, Problem
from negotiation_sim.core.resources import SWEEPS, find_shipped
from negotiation_sim.scenario import Scenario
from negotiation_sim.sweep.checks import (
    apply_fixed,
    apply_value,
    check_against_scenario,
    check_design,
    check_names,
    check_outputs,
    count_points,
    flatten,
    load_base,
    unbounded_problem,
)
from negotiation_sim.sweep.format import (
    DEFAULT_GRID_LEVELS,
    DEFAULT_MORRIS_LEVELS,
    DESIGNS,
    DISTRIBUTIONS,
    FORMAT,
    KIND,
    MAX_RUNS,
    MAX_SEED,
    OUTPUT_GROUPS,
    PARAMETER,
    RESERVED,
    RESERVED_PREFIXES,
    SEED_MODES,
    SENSITIVITY_DESIGNS,
    SPEC,
    SWEEP,
    SweepError,
    looks_like_sweep,
)
from negotiation_sim.sweep.parameters import Parameter, parse_parameter, typed_values

__all__ = [
    "DEFAULT_GRID_LEVELS",
    "DEFAULT_MORRIS_LEVELS",
    "DESIGNS",
    "DISTRIBUTIONS",
    "KIND",
    "MAX_RUNS",
    "MAX_SEED",
    "OUTPUT_GROUPS",
    "PARAMETER",
    "RESERVED",
    "RESERVED_PREFIXES",
    "SEED_MODES",
    "SENSITIVITY_DESIGNS",
    "SPEC",
    "SWEEP",
    "Parameter",
    "SweepError",
    "SweepSpec",
    "apply_value",
    "load_spec",
    "loads_spec",
    "looks_like_sweep",
    "spec_from_dict",
    "typed_values",
    "unbounded_problem",
]
#: the fields of [sweep] that decide the design and its size
DESIGN_FIELDS = ("design", "samples", "levels", "second_order", "replicates")
OUTPUT_FIELDS = ("trajectories", "trajectory_columns", "stage_game")


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep. ``scenario`` is the base scenario with ``fixed`` applied;
    ``scenario_digest`` its hash, ``scenario_file_digest`` the hash of the scenario as
    loaded from its file (``Scenario.digest``)."""

    source: str
    name: str
    description: str
    scenario_ref: str
    design: str
    samples: int | None
    replicates: int
    rounds: int | None
    seed: int
    seeds: str
    levels: int | None
    second_order: bool
    outputs: tuple[str, ...]
    trajectories: bool
    trajectory_columns: tuple[str, ...]
    stage_game: bool
    fixed: dict[str, Any]
    parameters: tuple[Parameter, ...]
    text: str = field(default="", repr=False, compare=False)
    scenario: Scenario | None = field(default=None, repr=False, compare=False)
    scenario_digest: str = field(default="", compare=False)
    scenario_file_digest: str = field(default="", compare=False)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def horizon(self) -> int:
        return self.rounds or self.scenario.rounds

    @property
    def n_points(self) -> int:
        params = list(self.parameters)
        return count_points(self.design, params, self.samples, self.levels, self.second_order)

    @property
    def n_runs(self) -> int:
        return self.n_points * self.replicates

    @property
    def morris_levels(self) -> int:
        return self.levels or DEFAULT_MORRIS_LEVELS

    def keeps(self, group: str) -> bool:
        return "all" in self.outputs or group in self.outputs

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON-ready data (written to the manifest)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "scenario": self.scenario_ref,
            "design": self.design,
            "samples": self.samples,
            "replicates": self.replicates,
            "rounds": self.rounds,
            "seed": self.seed,
            "seeds": self.seeds,
            "levels": self.levels,
            "second_order": self.second_order,
            "outputs": list(self.outputs),
            "trajectories": self.trajectories,
            "trajectory_columns": list(self.trajectory_columns),
            "stage_game": self.stage_game,
            "set": _jsonable(self.fixed),
            "parameters": [p.to_dict() for p in self.parameters],
        }

    @property
    def digest(self) -> str:
        """Hash of everything that decides the runs' results: the design, sizes, seeds,
        outputs and the base scenario (with the fixed overrides) — not titles or paths."""
        data = self.to_dict()
        for key in ("name", "description", "source", "scenario"):
            data.pop(key)
        data["scenario_digest"] = self.scenario_digest
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (a path or the name of a shipped sweep spec).
    Raises ``SweepError`` listing every problem."""
    file = Path(path)
    if not file.is_file():
        file = find_shipped(str(path), SWEEPS) or file
    if not file.exists():
        raise SweepError([f"{file}: no such sweep file"], source=str(file))
    text = FORMAT.read(file)
    return loads_spec(text, source=str(file), base_dir=file.parent)


def loads_spec(text: str, source: str = "<text>", base_dir: Path | None = None) -> SweepSpec:
    """Validate sweep TOML given as text."""
    return spec_from_dict(FORMAT.loads(text, source), source=source, base_dir=base_dir, text=text)


def spec_from_dict(
    raw: Mapping[str, Any],
    source: str = "<dict>",
    base_dir: Path | None = None,
    text: str = "",
) -> SweepSpec:
    """Validate a sweep given as nested data (the TOML file's structure).

    Every check runs whose inputs passed the schema: a broken ``[sweep]`` field does not
    hide a bad parameter path, nor a broken parameter the design's problems."""
    data, problems = FORMAT.validate(dict(raw) if isinstance(raw, Mapping) else raw, source)
    broken = Broken(problems)
    ok = broken.ok
    sweep = data.get("sweep") if isinstance(data, dict) and broken.known("sweep") else None
    entries = data.get("parameters") if isinstance(data, dict) else None
    entries = entries if broken.known("parameters") and isinstance(entries, list) else []
    extra: list[str] = []  # messages already rendered (from scenario validation)

    scenario = base = None
    if sweep is not None and ok("sweep.scenario"):
        scenario = load_base(sweep["scenario"], base_dir, source, problems, extra)
    fixed: dict[str, Any] = {}
    if sweep is not None and isinstance(sweep["set"], dict):
        fixed = flatten(sweep["set"])
    elif sweep is not None:
        problems.append(
            Problem("sweep.set", sweep["set"], 'a table of "dotted.path" = value', "wrong type")
        )
    if scenario is not None:
        base = apply_fixed(scenario, fixed, source, problems, extra)
    indexed: list[tuple[int, Parameter]] = []
    for i, entry in enumerate(entries):
        param = parse_parameter(entry, i, problems) if ok(f"parameters[{i}]") else None
        if param is not None:
            indexed.append((i, param))
            if base is not None:
                check_against_scenario(param, i, base, source, problems, extra)
    complete = len(indexed) == len(entries) and ok("parameters")
    if sweep is not None and ok(*(f"sweep.{k}" for k in DESIGN_FIELDS)):
        check_design(sweep, indexed, complete, problems)
    check_names(indexed, fixed, problems)
    if sweep is not None and ok(*(f"sweep.{k}" for k in OUTPUT_FIELDS)):
        check_outputs(sweep, problems)
    if problems or extra:
        FORMAT.fail_problems(problems, source, extra)
    spec = SweepSpec(
        source=source,
        name=sweep["name"] or Path(source).stem,
        description=sweep["description"],
        scenario_ref=sweep["scenario"],
        design=sweep["design"],
        samples=sweep["samples"],
        replicates=sweep["replicates"],
        rounds=sweep["rounds"],
        seed=sweep["seed"],
        seeds=sweep["seeds"],
        levels=sweep["levels"],
        second_order=sweep["second_order"],
        outputs=tuple(sweep["outputs"]),
        trajectories=sweep["trajectories"],
        trajectory_columns=tuple(sweep["trajectory_columns"]),
        stage_game=sweep["stage_game"],
        fixed=fixed,
        parameters=tuple(p for _, p in indexed),
        text=text,
        scenario=base,
        scenario_digest=base.digest,
        scenario_file_digest=scenario.digest,
    )
    from negotiation_sim.sweep.designs import size_problems  # designs imports this module

    too_big = size_problems(spec)
    if too_big:
        raise SweepError(too_big)
    return spec

"""Sweep specifications: the TOML format, its validation, and the check of every varied
path and range against the scenario schema.

A sweep file has a ``[sweep]`` table (base scenario, design, sizes, seeds, outputs) and one
``[[parameters]]`` table per varied input. It is validated with the scenario schema's DSL,
so problems read like scenario problems: file, field path, bad value, what is allowed.
Every problem is reported at once, as ``SweepError.messages``.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from negotiation_sim.core.resources import SWEEPS, find_shipped
from negotiation_sim.scenario import SCENARIO, Scenario, ScenarioError, load_scenario
from negotiation_sim.scenario.load import raw_value, resolve_path
from negotiation_sim.scenario.schema import (
    MISSING,
    Any_,
    Bool,
    ListOf,
    Node,
    Num,
    Problem,
    Span,
    Str,
    Table,
    lookup,
)

DESIGNS = ("grid", "latin_hypercube", "sobol", "saltelli", "morris", "monte_carlo")
#: designs whose samples feed SALib's Sobol or Morris analysis
SENSITIVITY_DESIGNS = ("sobol", "saltelli", "morris")
DISTRIBUTIONS = ("uniform", "loguniform", "normal", "lognormal", "triangular")
#: output groups a sweep can keep (outcome, outcome_round and rounds are always kept)
OUTPUT_GROUPS = (
    "peak_tariffs",
    "welfare",
    "final_tariffs",
    "final_controls",
    "final_escalation",
    "deals",
)
SEED_MODES = ("per_run", "common")
DEFAULT_GRID_LEVELS = 5
DEFAULT_MORRIS_LEVELS = 4
MAX_SEED = 2**63 - 1
#: column names of the results that parameters may not take
RESERVED = frozenset(
    {
        "run",
        "point",
        "replicate",
        "seed",
        "scenario",
        "outcome",
        "outcome_round",
        "rounds",
        "error",
        "purchases",
        "deal",
        "deals_struck",
        "deals_broken",
        "first_deal_round",
    }
)
RESERVED_PREFIXES = (*(f"{g}." for g in OUTPUT_GROUPS if g != "deals"), "u:")


class SweepError(ScenarioError):
    """Invalid sweep input. ``messages`` lists every problem found, one per line.

    A ``ScenarioError``, so code that reports scenario problems reports these too."""


PARAMETER = Table(
    doc="One varied input: a scenario path and the values it takes.",
    fields={
        "path": Any_(
            doc="Dotted scenario path (economy.elasticity), or a list of paths that all "
            "take the same value."
        ),
        "name": Str(doc="Column name in the results (default: the path).", default=""),
        "range": ListOf(
            doc="[low, high] of a continuous parameter (or the truncation of a normal).",
            item=Num(),
            min_items=2,
            default=None,
        ),
        "values": ListOf(
            doc="Discrete values, drawn with equal weight (or the levels of a grid).",
            item=Any_(),
            min_items=1,
            default=None,
        ),
        "distribution": Str(
            doc="Distribution of a continuous parameter.", choices=DISTRIBUTIONS, default="uniform"
        ),
        "mean": Num(doc="Mean of a normal (of ln x for a lognormal).", default=None),
        "sd": Num(
            doc="Standard deviation of a normal (of ln x for a lognormal).",
            low=0,
            low_open=True,
            default=None,
        ),
        "mode": Num(doc="Mode of a triangular distribution.", default=None),
        "levels": Num(
            doc="Grid levels of a range (grid design; default [sweep].levels).",
            low=1,
            high=100_000,
            integer=True,
            default=None,
        ),
        "integer": Bool(doc="Round drawn values to whole numbers.", default=False),
        "scale": Bool(
            doc="The drawn value multiplies the scenario's own value at the path "
            "(for a [low, high] firm range, both ends).",
            default=False,
        ),
    },
)

SWEEP = Table(
    doc="The sweep: base scenario, design, sizes, seeds and outputs.",
    fields={
        "name": Str(doc="Short title of the sweep.", default=""),
        "description": Str(doc="What the sweep asks.", default=""),
        "scenario": Str(
            doc="Base scenario: a file (relative to this spec) or a name in scenarios/."
        ),
        "design": Str(doc="Sampling design.", choices=DESIGNS),
        "samples": Num(
            doc="Points (latin_hypercube, monte_carlo), base sample N (sobol, saltelli: a "
            "power of 2) or trajectories (morris). Not used by grid.",
            low=1,
            high=100_000_000,
            integer=True,
            default=None,
        ),
        "replicates": Num(
            doc="Runs (seeds) per design point.", low=1, high=1_000_000, integer=True, default=1
        ),
        "rounds": Num(
            doc="Rounds per run (default: the scenario's horizon).",
            low=1,
            high=10_000,
            integer=True,
            default=None,
        ),
        "seed": Num(doc="Sweep seed.", low=0, high=MAX_SEED, integer=True, default=0),
        "seeds": Str(
            doc="per_run: every run its own stream; common: replicate r uses the same "
            "stream at every point (common random numbers).",
            choices=SEED_MODES,
            default="per_run",
        ),
        "levels": Num(
            doc="Default grid levels of a range (grid, default 5) or Morris levels (default 4).",
            low=2,
            high=100_000,
            integer=True,
            default=None,
        ),
        "second_order": Bool(
            doc="sobol/saltelli: also sample for second-order indices (N(2D+2) points "
            "instead of N(D+2)).",
            default=False,
        ),
        "outputs": ListOf(
            doc="Output groups kept per run besides outcome, outcome_round and rounds.",
            item=Str(choices=("all", *OUTPUT_GROUPS)),
            default=["all"],
        ),
        "trajectories": Bool(
            doc="Also keep per-round trajectories (a separate Parquet dataset).", default=False
        ),
        "trajectory_columns": ListOf(
            doc="Trajectory columns to keep (default: all).", item=Str(), default=[]
        ),
        "stage_game": Bool(
            doc="Record the stage game every round (only with trajectories).", default=False
        ),
        "set": Any_(doc='Fixed overrides for every run: "dotted.path" = value.', default={}),
    },
)

SPEC = Table(
    doc="A negotiation-sim sweep.",
    fields={"sweep": SWEEP, "parameters": ListOf(item=PARAMETER, min_items=1)},
)


# ---------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Parameter:
    """A validated varied input. ``kind`` is "values" (discrete) or "continuous"."""

    name: str
    paths: tuple[str, ...]
    kind: str
    distribution: str = "uniform"
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    mean: float | None = None
    sd: float | None = None
    mode: float | None = None
    levels: int | None = None
    integer: bool = False
    scale: bool = False

    @property
    def dtype(self) -> str:
        """Column type in the results: float, int, bool, str or json."""
        if self.kind == "continuous":
            return "int" if self.integer else "float"
        vals = self.values or ()
        if all(isinstance(v, bool) for v in vals):
            return "bool"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            return "int"
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
            return "float"
        if all(isinstance(v, str) for v in vals):
            return "str"
        return "json"

    @property
    def bounded(self) -> bool:
        return self.low is not None and self.high is not None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit interval to parameter values (inverse CDF)."""
        u = np.asarray(u, dtype=float)
        if self.kind == "values":
            vals = self.values or ()
            idx = np.minimum((u * len(vals)).astype(np.int64), len(vals) - 1)
            return typed_values(self, [vals[i] for i in idx])
        if self.integer and self.distribution == "uniform":
            lo, hi = math.ceil(self.low), math.floor(self.high)
            n = hi - lo + 1
            return lo + np.minimum(np.floor(u * n).astype(np.int64), n - 1)
        x = self._ppf(u)
        if self.integer:
            lo = -np.inf if self.low is None else math.ceil(self.low)
            hi = np.inf if self.high is None else math.floor(self.high)
            return np.clip(np.rint(x), lo, hi).astype(np.int64)
        return x

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        dist = self.distribution
        if dist == "uniform":
            return self.low + u * (self.high - self.low)
        if dist == "loguniform":
            a, b = math.log(self.low), math.log(self.high)
            return np.exp(a + u * (b - a))
        if dist == "triangular":
            from scipy.stats import triang

            width = self.high - self.low
            return triang.ppf(u, (self.mode - self.low) / width, loc=self.low, scale=width)
        # normal, lognormal: truncated to [low, high] when given
        log = dist == "lognormal"
        lo, hi = self.low, self.high
        if log:
            lo = None if lo is None or lo <= 0 else math.log(lo)
            hi = None if hi is None else math.log(hi)
        a = 0.0 if lo is None else float(special.ndtr((lo - self.mean) / self.sd))
        b = 1.0 if hi is None else float(special.ndtr((hi - self.mean) / self.sd))
        q = np.clip(a + u * (b - a), 1e-12, 1 - 1e-12)
        x = self.mean + self.sd * special.ndtri(q)
        if lo is not None or hi is not None:
            x = np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi)
        return np.exp(x) if log else x

    def grid(self, default_levels: int) -> list[Any]:
        """The levels of this parameter in a full factorial grid."""
        if self.kind == "values":
            return list(self.values or ())
        n = self.levels or default_levels
        if n == 1:
            points = np.array([(self.low + self.high) / 2])
        elif self.distribution == "loguniform":
            points = np.geomspace(self.low, self.high, n)
        else:
            points = np.linspace(self.low, self.high, n)
        if self.integer:
            return sorted({int(v) for v in np.rint(points)})
        return [float(v) for v in points]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "path": list(self.paths), "kind": self.kind}
        for key in ("distribution", "low", "high", "mean", "sd", "mode", "levels"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.values is not None:
            out["values"] = list(self.values)
        out["integer"] = self.integer
        out["scale"] = self.scale
        return out


def typed_values(param: Parameter, values: list[Any]) -> np.ndarray:
    kind = param.dtype
    if kind == "float":
        return np.asarray(values, dtype=float)
    if kind == "int":
        return np.asarray(values, dtype=np.int64)
    if kind == "bool":
        return np.asarray(values, dtype=bool)
    out = np.empty(len(values), dtype=object)
    out[:] = values if kind == "str" else [json.dumps(v) for v in values]
    return out


# ---------------------------------------------------------------------------- the spec
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
        d = len(self.parameters)
        if self.design == "grid":
            default = self.levels or DEFAULT_GRID_LEVELS
            return math.prod(len(p.grid(default)) for p in self.parameters)
        if self.design in ("sobol", "saltelli"):
            return self.samples * (2 * d + 2 if self.second_order else d + 2)
        if self.design == "morris":
            return self.samples * (d + 1)
        return self.samples

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


# ---------------------------------------------------------------------------- loading
def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (a path or the name of a shipped sweep spec).
    Raises ``SweepError`` listing every problem."""
    file = Path(path)
    if not file.is_file():
        file = find_shipped(str(path), SWEEPS) or file
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SweepError([f"{file}: no such sweep file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SweepError([f"{file}: cannot read file: {exc}"]) from None
    return loads_spec(text, source=str(file), base_dir=file.parent)


def loads_spec(text: str, source: str = "<text>", base_dir: Path | None = None) -> SweepSpec:
    """Validate sweep TOML given as text."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SweepError([f"{source}: not valid TOML: {exc}"]) from None
    return spec_from_dict(raw, source=source, base_dir=base_dir, text=text)


def spec_from_dict(
    raw: Mapping[str, Any],
    source: str = "<dict>",
    base_dir: Path | None = None,
    text: str = "",
) -> SweepSpec:
    """Validate a sweep given as nested data (the TOML file's structure)."""
    problems: list[Problem] = []
    data = SPEC.validate(dict(raw), "", problems)
    if problems:
        raise SweepError([p.render(source) for p in problems])
    sweep, raw_params = data["sweep"], data["parameters"]
    extra: list[str] = []  # messages already rendered (from scenario validation)

    scenario = _load_base(sweep["scenario"], base_dir, source, problems, extra)
    fixed = _flatten(sweep["set"]) if isinstance(sweep["set"], dict) else None
    if fixed is None:
        problems.append(
            Problem("sweep.set", sweep["set"], 'a table of "dotted.path" = value', "wrong type")
        )
        fixed = {}
    base = None
    if scenario is not None:
        base = _apply_fixed(scenario, fixed, source, problems, extra)
    indexed: list[tuple[int, Parameter]] = []
    for i, entry in enumerate(raw_params):
        param = _parameter(entry, i, problems)
        if param is None:
            continue
        if (
            param.kind == "continuous"
            and not param.integer
            and any(
                isinstance(node, Num) and node.integer
                for node in (lookup(SCENARIO, path.split(".")) for path in param.paths)
            )
        ):
            param = replace(param, integer=True)  # a whole-number field takes whole numbers
        indexed.append((i, param))
        if base is not None:
            _check_against_scenario(param, i, base, source, problems, extra)
    params = [p for _, p in indexed]
    _check_design(sweep, indexed, problems)
    _check_names(indexed, fixed, problems)
    _check_outputs(sweep, indexed, problems)
    if problems or extra:
        raise SweepError([p.render(source) for p in problems] + extra)
    return SweepSpec(
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
        parameters=tuple(params),
        text=text,
        scenario=base,
        scenario_digest=base.digest,
        scenario_file_digest=scenario.digest,
    )


def _load_base(
    ref: str, base_dir: Path | None, source: str, problems: list[Problem], extra: list[str]
) -> Scenario | None:
    candidates = []
    if base_dir is not None:
        candidates += [base_dir / ref, base_dir / f"{ref}.toml"]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        try:
            found = resolve_path(ref)
        except ScenarioError:
            from negotiation_sim.scenario import list_scenarios

            problems.append(
                Problem(
                    "sweep.scenario",
                    ref,
                    "a scenario file (relative to the sweep file) or one of: "
                    + ", ".join(list_scenarios()),
                    "no such scenario",
                )
            )
            return None
    try:
        return load_scenario(found)
    except ScenarioError as exc:
        extra += [f"{source}: sweep.scenario: {m}" for m in exc.messages]
        return None


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c.d": 2}`` to ``{"a.b": 1, "c.d": 2}``; free-form tables
    (strategy parameters) and empty tables stay whole."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        node = lookup(SCENARIO, path.split("."))
        if isinstance(value, dict) and value and not isinstance(node, Any_):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _apply_fixed(
    scenario: Scenario,
    fixed: dict[str, Any],
    source: str,
    problems: list[Problem],
    extra: list[str],
) -> Scenario | None:
    before = len(problems)
    for key, value in fixed.items():
        node = lookup(SCENARIO, key.split("."))
        where = f'sweep.set."{key}"'
        if node is None:
            problems.append(
                Problem(where, value, "a dotted path to a scenario field", "unknown scenario path")
            )
            continue
        sub: list[Problem] = []
        node.validate(value, key, sub)
        problems += [Problem(where, p.value, p.allowed, p.message) for p in sub]
    if len(problems) > before:
        return None
    try:
        return scenario.with_overrides(fixed)
    except ScenarioError as exc:
        extra += [f"{source}: sweep.set: {m}" for m in exc.messages]
        return None


def _parameter(entry: dict[str, Any], i: int, problems: list[Problem]) -> Parameter | None:
    base = f"parameters[{i}]"
    before = len(problems)
    raw_path = entry["path"]
    if isinstance(raw_path, str):
        paths = (raw_path,)
    elif (
        isinstance(raw_path, list)
        and raw_path
        and all(isinstance(p, str) for p in raw_path)
        and len(set(raw_path)) == len(raw_path)
    ):
        paths = tuple(raw_path)
    else:
        problems.append(
            Problem(
                f"{base}.path",
                raw_path,
                "a dotted scenario path, or a list of different paths",
                "wrong type",
            )
        )
        paths = ()
    for path in paths:
        if not path or not all(path.split(".")) or lookup(SCENARIO, path.split(".")) is None:
            problems.append(
                Problem(
                    f"{base}.path",
                    path,
                    "a dotted path to a scenario field, e.g. economy.elasticity",
                    "unknown scenario path",
                )
            )
    name = entry["name"] or (paths[0] if len(paths) == 1 else "")
    if not name and paths:
        problems.append(
            Problem(f"{base}.name", MISSING, "a column name (needed with several paths)", "missing")
        )
    elif name and ("," in name or name != name.strip()):
        problems.append(
            Problem(f"{base}.name", name, "a name without commas or outer spaces", "bad name")
        )
    dist = entry["distribution"]
    rng, values = entry["range"], entry["values"]
    given = "distribution" in _given(entry)
    if values is not None:
        if rng is not None:
            problems.append(
                Problem(f"{base}.values", values, "either range or values, not both", "conflict")
            )
        if given:
            problems.append(
                Problem(f"{base}.distribution", dist, "no distribution with values", "conflict")
            )
        for key in ("mean", "sd", "mode"):
            if entry[key] is not None:
                problems.append(
                    Problem(f"{base}.{key}", entry[key], f"no {key} with values", "conflict")
                )
        if entry["scale"] and not all(_is_number(v) for v in values):
            problems.append(
                Problem(f"{base}.values", values, "numbers (scale = true)", "wrong type")
            )
        if len(problems) > before:
            return None
        return Parameter(
            name=name,
            paths=paths,
            kind="values",
            values=tuple(values),
            integer=entry["integer"],
            scale=entry["scale"],
            levels=entry["levels"],
        )
    low = high = None
    if rng is not None:
        if len(rng) != 2:
            problems.append(Problem(f"{base}.range", rng, "[low, high]: two numbers", "length"))
        elif not rng[0] < rng[1]:
            problems.append(
                Problem(
                    f"{base}.range",
                    rng,
                    "[low, high] with low < high (for a constant use values = [x])",
                    "empty range",
                )
            )
        else:
            low, high = float(rng[0]), float(rng[1])
    elif dist in ("uniform", "loguniform", "triangular"):
        problems.append(
            Problem(
                f"{base}.range",
                MISSING,
                f"[low, high] (a {dist} parameter needs a range; or give values = [...])",
                "required key missing",
            )
        )
    normal = dist in ("normal", "lognormal")
    for key in ("mean", "sd"):
        if normal and entry[key] is None:
            problems.append(
                Problem(f"{base}.{key}", MISSING, f"a number (a {dist} needs {key})", "missing")
            )
        if not normal and entry[key] is not None:
            problems.append(
                Problem(f"{base}.{key}", entry[key], f"no {key} with a {dist}", "conflict")
            )
    if dist == "triangular":
        mode = entry["mode"]
        if mode is None:
            problems.append(
                Problem(f"{base}.mode", MISSING, "a number within range", "required key missing")
            )
        elif low is not None and not low <= mode <= high:
            problems.append(Problem(f"{base}.mode", mode, f">= {low} and <= {high}", "outside"))
    elif entry["mode"] is not None:
        problems.append(Problem(f"{base}.mode", entry["mode"], "only with triangular", "conflict"))
    if dist == "loguniform" and low is not None and low <= 0:
        problems.append(Problem(f"{base}.range", rng, "low > 0 for a loguniform", "bad range"))
    if dist == "lognormal" and high is not None and high <= 0:
        problems.append(Problem(f"{base}.range", rng, "high > 0 for a lognormal", "bad range"))
    if entry["integer"] and low is not None and math.ceil(low) > math.floor(high):
        problems.append(
            Problem(f"{base}.range", rng, "a range holding a whole number", "no whole number")
        )
    if len(problems) > before:
        return None
    return Parameter(
        name=name,
        paths=paths,
        kind="continuous",
        distribution=dist,
        low=low,
        high=high,
        mean=entry["mean"],
        sd=entry["sd"],
        mode=entry["mode"],
        levels=entry["levels"],
        integer=entry["integer"],
        scale=entry["scale"],
    )


def _given(entry: dict[str, Any]) -> set[str]:
    """Keys the author wrote (validation fills defaults; we only see non-defaults)."""
    return {k for k, node in PARAMETER.fields.items() if entry.get(k) != node.default}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_against_scenario(
    param: Parameter,
    i: int,
    scenario: Scenario,
    source: str,
    problems: list[Problem],
    extra: list[str],
) -> None:
    """Check every value the parameter can take against the scenario schema at each of
    its paths (ranges at both ends), then apply the extremes to the scenario so that
    cross-field checks run too. Integer fields turn the parameter's values to integers."""
    base = f"parameters[{i}]"
    before = len(problems)
    for path in param.paths:
        node = lookup(SCENARIO, path.split("."))
        current = raw_value(scenario.data, path)
        if current is MISSING and not _creatable(scenario, path):
            problems.append(
                Problem(
                    f"{base}.path",
                    path,
                    "a path that exists in the base scenario",
                    "no such entry in the scenario",
                )
            )
            continue
        numeric = isinstance(node, Num | Span)
        if param.kind == "continuous" and not numeric:
            problems.append(
                Problem(
                    f"{base}.range" if param.low is not None else f"{base}.distribution",
                    [param.low, param.high],
                    f"values = [...] for the non-numeric field {path}",
                    "a range needs a numeric field",
                )
            )
            continue
        if unbounded_problem(param, node):
            span = Num(low=node.low, high=node.high).allowed()
            problems.append(
                Problem(
                    f"{base}.range",
                    MISSING,
                    f"range = [low, high] within {span} (the field's range) to truncate it",
                    f"a {param.distribution} can leave the range of {path}",
                )
            )
            continue
        scalable = _is_number(current) or (
            isinstance(current, list) and all(_is_number(v) for v in current)
        )
        if param.scale and not (numeric and scalable):
            problems.append(
                Problem(
                    f"{base}.scale",
                    True,
                    f"scale = false: {path} holds {current!r}, not a number",
                    "cannot scale",
                )
            )
            continue
        for where, value in _probes(param, i):
            applied = _apply_value(param, value, current, node)
            sub: list[Problem] = []
            node.validate(applied, path, sub)
            for p in sub:
                if param.scale:
                    text = f"{p.message}: scaled value {applied!r} not allowed for {path}"
                else:
                    text = f"{p.message} for {path}"
                problems.append(Problem(where, value, p.allowed, text))
    if len(problems) > before:
        return
    # cross-field checks: apply each extreme (every value of a list) to the scenario
    seen: list[Any] = []
    for where, value in _probes(param, i):
        if value in seen:
            continue
        seen.append(value)
        overrides = {
            path: _apply_value(
                param,
                value,
                raw_value(scenario.data, path),
                lookup(SCENARIO, path.split(".")),
            )
            for path in param.paths
        }
        try:
            scenario.with_overrides(overrides)
        except ScenarioError as exc:
            extra += [f"{source}: {where} = {value!r}: {m}" for m in exc.messages]
            return


def _creatable(scenario: Scenario, path: str) -> bool:
    """Whether an override can create the path (a Table key left unset)."""
    parts = path.split(".")
    return raw_value(scenario.data, ".".join(parts[:-1])) is not MISSING and isinstance(
        raw_value(scenario.data, ".".join(parts[:-1])), dict
    )


def _probes(param: Parameter, i: int) -> list[tuple[str, Any]]:
    base = f"parameters[{i}]"
    if param.kind == "values":
        return [(f"{base}.values[{j}]", v) for j, v in enumerate(param.values or ())]
    if param.low is None or param.high is None:
        # an untruncated normal or lognormal: check a value near its centre; bounds below
        centre = math.exp(param.mean) if param.distribution == "lognormal" else param.mean
        out = [(f"{base}.mean", centre)]
        if param.low is not None:
            out.append((f"{base}.range[0]", param.low))
        if param.high is not None:
            out.append((f"{base}.range[1]", param.high))
        return out
    lo, hi = param.low, param.high
    if param.integer:
        lo, hi = math.ceil(lo), math.floor(hi)
    return [(f"{base}.range[0]", lo), (f"{base}.range[1]", hi)]


def _apply_value(param: Parameter, value: Any, current: Any, node: Node | None) -> Any:
    """The value written at a path for a drawn ``value``."""
    if param.scale and _is_number(value):
        if isinstance(current, list):
            return [float(v) * value for v in current]
        scaled = current * value
        if isinstance(node, Num) and node.integer:
            return round(scaled)
        return float(scaled)
    if isinstance(node, Num) and node.integer and _is_number(value):
        return value if float(value) != round(value) else round(value)
    return value


def unbounded_problem(param: Parameter, node: Node) -> bool:
    """Whether an untruncated distribution can leave the field's range."""
    if param.kind != "continuous" or param.bounded:
        return False
    if isinstance(node, Num | Span):
        lo = getattr(node, "low", None)
        hi = getattr(node, "high", None)
        if param.distribution == "normal":
            return (lo is not None and param.low is None) or (hi is not None and param.high is None)
        if param.distribution == "lognormal":
            return (lo is not None and lo > 0 and param.low is None) or (
                hi is not None and param.high is None
            )
    return False


def _check_design(
    sweep: dict[str, Any], indexed: list[tuple[int, Parameter]], problems: list[Problem]
) -> None:
    design = sweep["design"]
    params = [p for _, p in indexed]
    samples = sweep["samples"]
    if design == "grid":
        if samples is not None:
            problems.append(
                Problem(
                    "sweep.samples",
                    samples,
                    "no samples for a grid (its size is the product of the levels)",
                    "not used",
                )
            )
        for i, p in indexed:
            if p.kind == "continuous" and p.distribution not in ("uniform", "loguniform"):
                problems.append(
                    Problem(
                        f"parameters[{i}].distribution",
                        p.distribution,
                        "uniform or loguniform (levels evenly spaced over the range), "
                        "or give values = [...]",
                        "no grid over a distribution",
                    )
                )
        if params and not problems:
            size = math.prod(len(p.grid(sweep["levels"] or DEFAULT_GRID_LEVELS)) for p in params)
            if size > 100_000_000:
                problems.append(
                    Problem("parameters", size, "a grid of at most 100,000,000 points", "too big")
                )
        return
    if samples is None:
        what = {
            "sobol": "the base sample N (a power of 2)",
            "saltelli": "the base sample N (a power of 2)",
            "morris": "the number of trajectories",
        }.get(design, "the number of points")
        problems.append(
            Problem("sweep.samples", MISSING, f"{what}, e.g. 256", "required key missing")
        )
    elif design in ("sobol", "saltelli") and samples & (samples - 1):
        problems.append(
            Problem(
                "sweep.samples",
                samples,
                "a power of 2 (Sobol' sequences balance only then), e.g. 256 or 1024",
                "not a power of 2",
            )
        )
    for i, p in indexed:
        if p.levels is not None:
            problems.append(
                Problem(f"parameters[{i}].levels", p.levels, "levels only in a grid", "not used")
            )
    if design == "morris":
        for i, p in indexed:
            if p.kind == "continuous" and not p.bounded:
                problems.append(
                    Problem(
                        f"parameters[{i}].range",
                        MISSING,
                        "a range: Morris moves over a bounded grid (truncate the "
                        f"{p.distribution} with range = [low, high])",
                        "unbounded parameter",
                    )
                )
        if len(params) < 2:
            problems.append(
                Problem("parameters", len(params), "at least 2 parameters for Morris", "too few")
            )
    elif sweep["levels"] is not None:
        problems.append(
            Problem("sweep.levels", sweep["levels"], "levels only for grid and morris", "not used")
        )
    if design in ("sobol", "saltelli") and len(params) < 2 and params:
        problems.append(
            Problem("parameters", len(params), "at least 2 parameters for Sobol'", "too few")
        )


def _check_names(
    indexed: list[tuple[int, Parameter]], fixed: dict[str, Any], problems: list[Problem]
) -> None:
    seen_names: dict[str, int] = {}
    seen_paths: dict[str, int] = {}
    for i, p in indexed:
        where = f"parameters[{i}]"
        if p.name in RESERVED or p.name.startswith(RESERVED_PREFIXES):
            problems.append(
                Problem(f"{where}.name", p.name, "a name that is not a result column", "reserved")
            )
        if p.name in seen_names:
            problems.append(
                Problem(
                    f"{where}.name",
                    p.name,
                    f"a name not used by parameters[{seen_names[p.name]}]",
                    "duplicate name",
                )
            )
        seen_names.setdefault(p.name, i)
        for path in p.paths:
            if path in seen_paths:
                problems.append(
                    Problem(
                        f"{where}.path",
                        path,
                        f"a path not varied by parameters[{seen_paths[path]}]",
                        "duplicate path",
                    )
                )
            if path in fixed:
                problems.append(
                    Problem(f"{where}.path", path, "a path not also in [sweep.set]", "conflict")
                )
            seen_paths.setdefault(path, i)


MAX_RUNS = 1_000_000_000


def _check_outputs(
    sweep: dict[str, Any], indexed: list[tuple[int, Parameter]], problems: list[Problem]
) -> None:
    if not sweep["trajectories"]:
        for key in ("trajectory_columns", "stage_game"):
            if sweep[key]:
                problems.append(
                    Problem(f"sweep.{key}", sweep[key], "only with trajectories = true", "not used")
                )
    if problems or not indexed:
        return
    params = [p for _, p in indexed]
    d = len(params)
    samples = sweep["samples"] or 0
    if sweep["design"] == "grid":
        points = math.prod(len(p.grid(sweep["levels"] or DEFAULT_GRID_LEVELS)) for p in params)
    elif sweep["design"] in ("sobol", "saltelli"):
        points = samples * (2 * d + 2 if sweep["second_order"] else d + 2)
    elif sweep["design"] == "morris":
        points = samples * (d + 1)
    else:
        points = samples
    runs = points * sweep["replicates"]
    if runs > MAX_RUNS:
        problems.append(
            Problem(
                "sweep.replicates",
                sweep["replicates"],
                f"a sweep of at most {MAX_RUNS:,} runs (points x replicates)",
                f"{points:,} points x {sweep['replicates']:,} replicates is too many",
            )
        )

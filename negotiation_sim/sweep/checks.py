"""The checks of a sweep spec against its base scenario and against itself: the base
scenario and the fixed overrides load; every value a parameter can take is valid at
each of its paths (and passes the scenario's cross-field checks); the design, its size,
the names and the outputs are consistent."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from negotiation_sim.config.schema import MISSING, Any_, Node, Num, Problem, Span, is_number, lookup
from negotiation_sim.scenario import SCENARIO, Scenario, ScenarioError, load_scenario
from negotiation_sim.scenario.load import raw_value, resolve_path
from negotiation_sim.scenario.seats import human_seats
from negotiation_sim.sweep.format import (
    DEFAULT_GRID_LEVELS,
    MAX_GRID_POINTS,
    MAX_RUNS,
    RESERVED,
    RESERVED_PREFIXES,
)
from negotiation_sim.sweep.parameters import Parameter


def count_points(
    design: str, params: list[Parameter], samples: int | None, levels: int | None, second: bool
) -> int:
    """The number of design points: the grid's product of levels, Sobol' N(D+2) or
    N(2D+2), Morris N(D+1), else the samples."""
    d = len(params)
    if design == "grid":
        return math.prod(len(p.grid(levels or DEFAULT_GRID_LEVELS)) for p in params)
    if design in ("sobol", "saltelli"):
        return (samples or 0) * (2 * d + 2 if second else d + 2)
    if design == "morris":
        return (samples or 0) * (d + 1)
    return samples or 0


def load_base(
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


def human_problem(where: str, value: Any, seats: list[str]) -> Problem:
    """The problem of Human ``seats`` without a computer fallback, reported at ``where``:
    a sweep plays every run by computer."""
    return Problem(
        where,
        value,
        'a computer strategy, or a computer fallback: strategy_params = { fallback = "TitForTat" }',
        "the Human strategy needs a person to make its moves, and a sweep plays every run "
        f"by computer ({', '.join(f'governments.{g}' for g in seats)})",
    )


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c.d": 2}`` to ``{"a.b": 1, "c.d": 2}``; free-form tables
    (strategy parameters) and empty tables stay whole."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        node = lookup(SCENARIO, path.split("."))
        if isinstance(value, dict) and value and not isinstance(node, Any_):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def apply_fixed(
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
        base = scenario.with_overrides(fixed)
    except ScenarioError as exc:
        extra += [f"{source}: sweep.set: {m}" for m in exc.messages]
        return None
    # a Human seat: blamed on its [sweep.set] entry, else on the scenario file
    seats = human_seats(base.data["governments"])
    if seats:
        key = f"governments.{seats[0]}.strategy"
        if key in fixed:
            problems.append(human_problem(f'sweep.set."{key}"', fixed[key], seats))
        else:
            problems.append(human_problem("sweep.scenario", scenario.stem, seats))
        return None
    return base


def check_against_scenario(
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
        scalable = is_number(current) or (
            isinstance(current, list) and all(is_number(v) for v in current)
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
            applied = apply_value(param, value, current, node)
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
            path: apply_value(
                param,
                value,
                raw_value(scenario.data, path),
                lookup(SCENARIO, path.split(".")),
            )
            for path in param.paths
        }
        try:
            probe = scenario.with_overrides(overrides)
        except ScenarioError as exc:
            extra += [f"{source}: {where} = {value!r}: {m}" for m in exc.messages]
            return
        seats = human_seats(probe.data["governments"])  # the base has none (apply_fixed)
        if seats:
            problems.append(human_problem(where, value, seats))


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


def apply_value(param: Parameter, value: Any, current: Any, node: Node | None) -> Any:
    """The value written at a path for a drawn ``value``."""
    if param.scale and is_number(value):
        if isinstance(current, list):
            return [float(v) * value for v in current]
        scaled = current * value
        if isinstance(node, Num) and node.integer:
            return round(scaled)
        return float(scaled)
    if isinstance(node, Num) and node.integer and is_number(value):
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


def check_design(
    sweep: dict[str, Any],
    indexed: list[tuple[int, Parameter]],
    complete: bool,
    problems: list[Problem],
) -> None:
    """The design's own rules, then its size (grid points, runs). ``sweep`` holds sound
    design fields; ``complete``: every parameter parsed (else rules that count the
    parameters, and the size, are skipped)."""
    before = len(problems)
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
    elif samples is None:
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
    for i, p in indexed if design != "grid" else ():
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
        if complete and len(params) < 2:
            problems.append(
                Problem("parameters", len(params), "at least 2 parameters for Morris", "too few")
            )
    elif sweep["levels"] is not None and design != "grid":
        problems.append(
            Problem("sweep.levels", sweep["levels"], "levels only for grid and morris", "not used")
        )
    if design in ("sobol", "saltelli") and complete and len(params) == 1:
        problems.append(
            Problem("parameters", len(params), "at least 2 parameters for Sobol'", "too few")
        )
    if complete and params and len(problems) == before:
        _check_size(sweep, params, problems)


def _check_size(sweep: dict[str, Any], params: list[Parameter], problems: list[Problem]) -> None:
    points = count_points(
        sweep["design"], params, sweep["samples"], sweep["levels"], sweep["second_order"]
    )
    if sweep["design"] == "grid" and points > MAX_GRID_POINTS:
        problems.append(
            Problem(
                "parameters", points, f"a grid of at most {MAX_GRID_POINTS:,} points", "too big"
            )
        )
        return
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


def check_outputs(sweep: dict[str, Any], problems: list[Problem]) -> None:
    """Trajectory options need ``trajectories = true``."""
    if not sweep["trajectories"]:
        for key in ("trajectory_columns", "stage_game"):
            if sweep[key]:
                problems.append(
                    Problem(f"sweep.{key}", sweep[key], "only with trajectories = true", "not used")
                )


def check_names(
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

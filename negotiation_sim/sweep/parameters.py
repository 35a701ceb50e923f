"""Varied parameters of a sweep: the validated ``Parameter`` (paths, distribution or
values, and the map from the unit interval to its values) and the parsing of one
``[[parameters]]`` table into it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from negotiation_sim.config.schema import MISSING, Num, Problem, is_number, lookup
from negotiation_sim.scenario import SCENARIO
from negotiation_sim.sweep.format import PARAMETER


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


def parse_parameter(entry: dict[str, Any], i: int, problems: list[Problem]) -> Parameter | None:
    """The ``Parameter`` of ``parameters[i]`` (validated by the schema), or ``None`` with
    its problems appended. A continuous parameter on a whole-number field takes whole
    numbers."""
    base = f"parameters[{i}]"
    before = len(problems)
    paths = _paths(entry["path"], base, problems)
    name = entry["name"] or (paths[0] if len(paths) == 1 else "")
    if not name and paths:
        problems.append(
            Problem(f"{base}.name", MISSING, "a column name (needed with several paths)", "missing")
        )
    elif name and ("," in name or name != name.strip()):
        problems.append(
            Problem(f"{base}.name", name, "a name without commas or outer spaces", "bad name")
        )
    common = {
        "name": name,
        "paths": paths,
        "levels": entry["levels"],
        "integer": entry["integer"],
        "scale": entry["scale"],
    }
    if entry["values"] is not None:
        _check_values(entry, base, problems)
        param = Parameter(kind="values", values=tuple(entry["values"]), **common)
    else:
        low, high = _check_continuous(entry, base, problems)
        param = Parameter(
            kind="continuous",
            distribution=entry["distribution"],
            low=low,
            high=high,
            mean=entry["mean"],
            sd=entry["sd"],
            mode=entry["mode"],
            **common,
        )
        whole = any(
            isinstance(node, Num) and node.integer
            for node in (lookup(SCENARIO, path.split(".")) for path in paths)
        )
        if whole and not param.integer:
            param = replace(param, integer=True)
    return None if len(problems) > before else param


def _paths(raw: Any, base: str, problems: list[Problem]) -> tuple[str, ...]:
    """The parameter's scenario paths: one dotted path, or a list of different ones."""
    if isinstance(raw, str):
        paths: tuple[str, ...] = (raw,)
    elif (
        isinstance(raw, list)
        and raw
        and all(isinstance(p, str) for p in raw)
        and len(set(raw)) == len(raw)
    ):
        paths = tuple(raw)
    else:
        problems.append(
            Problem(
                f"{base}.path",
                raw,
                "a dotted scenario path, or a list of different paths",
                "wrong type",
            )
        )
        return ()
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
    return paths


def _conflicts(entry: dict[str, Any], base: str, keys: tuple[str, ...], why: str) -> list[Problem]:
    """Problems for each of ``keys`` the author gave although ``why`` rules it out."""
    return [
        Problem(f"{base}.{key}", entry[key], f"no {key} {why}", "conflict")
        for key in keys
        if entry[key] is not None
    ]


def _check_values(entry: dict[str, Any], base: str, problems: list[Problem]) -> None:
    values = entry["values"]
    if entry["range"] is not None:
        problems.append(
            Problem(f"{base}.values", values, "either range or values, not both", "conflict")
        )
    if entry["distribution"] != PARAMETER.fields["distribution"].default:
        problems.append(
            Problem(
                f"{base}.distribution",
                entry["distribution"],
                "no distribution with values",
                "conflict",
            )
        )
    problems += _conflicts(entry, base, ("mean", "sd", "mode"), "with values")
    if entry["scale"] and not all(is_number(v) for v in values):
        problems.append(Problem(f"{base}.values", values, "numbers (scale = true)", "wrong type"))


def _check_continuous(
    entry: dict[str, Any], base: str, problems: list[Problem]
) -> tuple[float | None, float | None]:
    """The checks of a range or distribution; its ``(low, high)`` (``None`` if open)."""
    dist, rng = entry["distribution"], entry["range"]
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
    if dist in ("normal", "lognormal"):
        for key in ("mean", "sd"):
            if entry[key] is None:
                problems.append(
                    Problem(f"{base}.{key}", MISSING, f"a number (a {dist} needs {key})", "missing")
                )
    else:
        problems += _conflicts(entry, base, ("mean", "sd"), f"with a {dist}")
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
    return low, high

"""Designs: the points of a sweep in parameter space.

Every design but the grid is drawn in the unit hypercube first (Latin hypercube and Monte
Carlo with the sweep's design stream, Sobol'/Saltelli and Morris with SALib's samplers)
and mapped to each parameter's values by its inverse CDF (``Parameter.from_unit``). The
unit coordinates are kept with the points: SALib's Sobol' and Morris analyses and the
RBD-FAST indices are computed on them, so indices are those of the inputs as distributed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from negotiation_sim.runs.seeds import design_rng, design_seed
from negotiation_sim.sweep.spec import Parameter, SweepError, SweepSpec, typed_values

UNIT_PREFIX = "u:"
#: memory a design may take while it is drawn, written and run (``size_problems``)
MAX_DESIGN_BYTES = 2 * 2**30
#: bytes per design point and per parameter (its value, unit coordinate and copies while
#: the design is built and written), and per run (the runner's done-mask); measured with
#: tracemalloc on Latin hypercube, Monte Carlo, Sobol' and Morris designs (about 190
#: bytes per point with three parameters)
POINT_BYTES = 32
PARAMETER_BYTES = 64
RUN_BYTES = 1


def design_bytes(spec: SweepSpec) -> int:
    """About how much memory the design of ``spec`` takes (while built and run)."""
    d = len(spec.parameters)
    return spec.n_points * (POINT_BYTES + PARAMETER_BYTES * d) + spec.n_runs * RUN_BYTES


def size_problems(spec: SweepSpec) -> list[str]:
    """A design too big for memory, refused before anything is drawn or run."""
    need = design_bytes(spec)
    if need <= MAX_DESIGN_BYTES:
        return []
    d = len(spec.parameters)
    most = MAX_DESIGN_BYTES // (POINT_BYTES + PARAMETER_BYTES * d + spec.replicates * RUN_BYTES)
    key = "sweep.levels" if spec.design == "grid" else "sweep.samples"
    return [
        f"{spec.source}: {key}: the design would have {spec.n_points:,} points x {d} "
        f"parameter{'s' if d != 1 else ''} ({spec.n_runs:,} runs) and need about "
        f"{need / 2**30:.1f} GiB of memory; "
        f"at most {MAX_DESIGN_BYTES / 2**30:.0f} GiB (about {most:,} points here): take fewer "
        "samples or levels, or split the sweep into several with different seeds"
    ]


@dataclass
class Design:
    """The points of a sweep: ``points`` has a ``point`` column and one column per
    parameter; ``unit`` the unit-cube coordinates (``None`` for a grid)."""

    method: str
    points: pd.DataFrame
    unit: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)
    json_columns: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.points)

    @property
    def names(self) -> list[str]:
        return [c for c in self.points.columns if c != "point"]

    def columns(self) -> list[np.ndarray]:
        """Per parameter, its value at every point (JSON columns decoded)."""
        out = []
        for name in self.names:
            column = self.points[name].to_numpy()
            if name in self.json_columns:
                decoded = np.empty(len(column), dtype=object)
                decoded[:] = [json.loads(v) for v in column]
                column = decoded
            out.append(column)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Points with the unit coordinates as ``u:NAME`` columns (the stored form)."""
        frame = self.points.copy()
        if self.unit is not None:
            for j, name in enumerate(self.names):
                frame[UNIT_PREFIX + name] = self.unit[:, j]
        return frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, spec: SweepSpec) -> Design:
        unit_cols = [c for c in frame.columns if c.startswith(UNIT_PREFIX)]
        unit = frame[unit_cols].to_numpy(dtype=float) if unit_cols else None
        points = frame.drop(columns=unit_cols).reset_index(drop=True)
        return cls(
            method=spec.design,
            points=points,
            unit=unit,
            info=design_info(spec),
            json_columns=tuple(p.name for p in spec.parameters if p.dtype == "json"),
        )


def design_info(spec: SweepSpec) -> dict[str, Any]:
    info: dict[str, Any] = {"design": spec.design, "points": spec.n_points}
    if spec.design in ("sobol", "saltelli"):
        info.update(N=spec.samples, second_order=spec.second_order)
    elif spec.design == "morris":
        info.update(trajectories=spec.samples, levels=spec.morris_levels)
    return info


def unit_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem on the unit cube (one variable per parameter)."""
    d = len(spec.parameters)
    return {"num_vars": d, "names": spec.names, "bounds": [[0.0, 1.0]] * d}


def build_design(spec: SweepSpec) -> Design:
    """The design of ``spec``: deterministic given the spec (and its seed). A design too
    big for memory is a ``SweepError`` (``size_problems``)."""
    problems = size_problems(spec)
    if problems:
        raise SweepError(problems)
    params = spec.parameters
    d = len(params)
    unit: np.ndarray | None
    if spec.design == "grid":
        levels = [p.grid(spec.levels or 5) for p in params]
        sizes = [len(v) for v in levels]
        index = np.indices(sizes).reshape(d, -1)  # first parameter varies slowest
        columns = {
            p.name: _column(p, [levels[j][k] for k in index[j]]) for j, p in enumerate(params)
        }
        unit = None
    else:
        unit = _unit_sample(spec, d)
        columns = {p.name: p.from_unit(unit[:, j]) for j, p in enumerate(params)}
    points = pd.DataFrame({"point": np.arange(len(next(iter(columns.values()))))} | columns)
    return Design(
        method=spec.design,
        points=points,
        unit=unit,
        info=design_info(spec),
        json_columns=tuple(p.name for p in params if p.dtype == "json"),
    )


def _unit_sample(spec: SweepSpec, d: int) -> np.ndarray:
    n = spec.samples
    if spec.design == "monte_carlo":
        return design_rng(spec.seed).random((n, d))
    if spec.design == "latin_hypercube":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, rng=design_rng(spec.seed)).random(n)
    problem = unit_problem(spec)
    if spec.design in ("sobol", "saltelli"):
        from SALib.sample import sobol

        return sobol.sample(
            problem, n, calc_second_order=spec.second_order, seed=design_seed(spec.seed)
        )
    if spec.design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=spec.morris_levels, seed=design_seed(spec.seed))
    raise ValueError(f"unknown design {spec.design!r}")


def _column(param: Parameter, values: list[Any]) -> np.ndarray:
    if param.kind == "continuous":
        return np.asarray(values, dtype=np.int64 if param.integer else float)
    return typed_values(param, values)


def point_values(columns: list[np.ndarray], point: int) -> tuple[Any, ...]:
    """The parameter values of one point as Python objects (numpy scalars unwrapped)."""
    return tuple(_py(column[point]) for column in columns)


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value

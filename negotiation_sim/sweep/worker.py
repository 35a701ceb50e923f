"""What runs in a worker: a chunk of runs in, columnar results out.

The same ``run_chunk`` serves every backend of ``runs.execution`` (this process, a local
pool, Dask workers). A worker prepares a sweep's context once (the base scenario is
already loaded and validated; see ``Applier``) and reuses it for every chunk. Errors of
single runs are caught and returned with the run; nothing here writes files.
"""

from __future__ import annotations

import os
import time
import traceback
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from negotiation_sim.config.schema import Num, Span, lookup
from negotiation_sim.run import run_simulation
from negotiation_sim.runs.ensemble import flatten_summary
from negotiation_sim.runs.seeds import run_seed
from negotiation_sim.scenario import SCENARIO, Scenario
from negotiation_sim.scenario.load import raw_value
from negotiation_sim.sweep.spec import Parameter, apply_value

ERROR_CHARS = 2000


@dataclass(frozen=True)
class RunContext:
    """Everything a worker needs besides the runs themselves (sent once per worker)."""

    token: str
    scenario: Scenario
    params: tuple[Parameter, ...]
    sweep_seed: int
    seed_mode: str
    replicates: int
    rounds: int | None
    columns: tuple[str, ...]
    trajectories: bool = False
    trajectory_columns: tuple[str, ...] = ()
    stage_game: bool = False


#: a chunk: the run indices and, per design point among them, its parameter values
Task = tuple[list[int], dict[int, tuple[Any, ...]]]


class Applier:
    """Scenarios of design points, built from the validated base scenario.

    Numeric fields (numbers and firm ``[low, high]`` ranges) are written straight into a
    copy of the paths they sit on: the spec checked every value the parameter can take
    against the schema and the cross-field rules beforehand, so the per-point cost is
    microseconds instead of a full validation. Anything else (strategies, flags, lists)
    goes through ``Scenario.with_overrides`` and is cached per distinct combination.
    """

    def __init__(self, scenario: Scenario, params: Sequence[Parameter]) -> None:
        self.base = scenario
        self.params = tuple(params)
        self.plan: list[list[tuple[str, list[str], Any, Any, bool]]] = []
        for param in self.params:
            entries = []
            for path in param.paths:
                parts = path.split(".")
                node = lookup(SCENARIO, parts)
                current = raw_value(scenario.data, path)
                fast = isinstance(node, Num | Span) and param.dtype in ("int", "float", "json")
                entries.append((path, parts, node, current, fast))
            self.plan.append(entries)
        self._slow: OrderedDict[str, Scenario] = OrderedDict()

    def scenario_for(self, values: Sequence[Any]) -> Scenario:
        slow: dict[str, Any] = {}
        fast: list[tuple[list[str], Any]] = []
        tags: list[str] = []
        for param, entries, value in zip(self.params, self.plan, values, strict=True):
            for path, parts, node, current, is_fast in entries:
                applied = apply_value(param, value, current, node)
                if is_fast and _numeric(applied):
                    fast.append((parts, _normalize(applied, node)))
                    tags.append(f"{path}={applied!r}")
                else:
                    slow[path] = applied
        base = self.base
        if slow:
            key = repr(sorted(slow.items()))
            base = self._slow.get(key) or self.base.with_overrides(slow)
            self._slow[key] = base
            self._slow.move_to_end(key)
            while len(self._slow) > 64:
                self._slow.popitem(last=False)
        if not fast:
            return base
        data = base.data
        for parts, value in fast:
            data = _set_path(data, parts, value)
        return Scenario(data=data, source=base.source, overrides=base.overrides + tuple(tags))


def _numeric(value: Any) -> bool:
    if isinstance(value, list):
        return len(value) == 2 and all(_numeric(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _normalize(value: Any, node: Any) -> Any:
    """The in-memory form the schema's validation would give the value."""
    if isinstance(node, Span):
        if isinstance(value, list):
            return [float(value[0]), float(value[1])]
        return [float(value), float(value)]
    if node.integer:
        return int(value)
    return float(value)


def _set_path(data: Any, parts: list[str], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``parts``; only the containers on the path are
    copied, the rest is shared with the base scenario (which no one mutates)."""
    part = parts[0]
    if isinstance(data, list):
        out_list = list(data)
        index = int(part)
        out_list[index] = value if len(parts) == 1 else _set_path(data[index], parts[1:], value)
        return out_list
    out = dict(data)
    out[part] = value if len(parts) == 1 else _set_path(data.get(part, {}), parts[1:], value)
    return out


# ---------------------------------------------------------------------------- per worker
_PREPARED: OrderedDict[str, Applier] = OrderedDict()


def _applier(ctx: RunContext) -> Applier:
    applier = _PREPARED.get(ctx.token)
    if applier is None:
        applier = Applier(ctx.scenario, ctx.params)
        _PREPARED[ctx.token] = applier
        while len(_PREPARED) > 2:
            _PREPARED.popitem(last=False)
    return applier


def run_chunk(ctx: RunContext, task: Task) -> dict:
    """Run the chunk ``task`` (run indices and their points' parameter values; the job
    function of every backend, ``runs.execution``) and return its results as columns:
    ``{"runs": {"run": [...], "seed": [...], "error": [...], <column>: [...]},
    "trajectories": {...} or None, "cpu": seconds}`` (``cpu``: CPU time of the thread that
    ran the chunk). A run that raises is returned with its error."""
    runs, values = task
    cpu = time.thread_time()
    applier = _applier(ctx)
    columns = ctx.columns
    out: dict[str, list[Any]] = {"run": [], "seed": [], "error": []}
    out.update({c: [] for c in columns})
    traj: dict[str, list[Any]] | None = {"run": []} if ctx.trajectories else None
    current_point = -1
    scenario: Scenario | BaseException | None = None
    for run in runs:
        point = run // ctx.replicates
        seed = run_seed(ctx.sweep_seed, run, ctx.replicates, ctx.seed_mode)
        if point != current_point:
            current_point = point
            try:
                scenario = applier.scenario_for(values[point])
            except Exception as exc:
                scenario = exc
        row: dict[str, Any] = {}
        error = None
        result = None
        try:
            if isinstance(scenario, BaseException):
                raise scenario
            result = run_simulation(
                scenario,
                seed,
                rounds=ctx.rounds,
                trajectory=ctx.trajectories,
                stage_game=ctx.stage_game and ctx.trajectories,
            )
            row = flatten_summary(result.summary)
        except Exception as exc:
            error = describe_error(exc)
        out["run"].append(run)
        out["seed"].append(seed)
        out["error"].append(error)
        for c in columns:
            out[c].append(row.get(c))
        if traj is not None and result is not None and result.trajectory is not None:
            frame = result.trajectory
            keep = [c for c in (ctx.trajectory_columns or frame.columns) if c in frame.columns]
            traj["run"].extend([run] * len(frame))
            for c in keep:
                traj.setdefault(c, []).extend(frame[c].tolist())
    return {"runs": out, "trajectories": traj, "cpu": time.thread_time() - cpu}


def describe_error(exc: BaseException) -> str:
    """``Type: message (at file:line in function)``, cut to ``ERROR_CHARS``."""
    text = f"{type(exc).__name__}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        parent, name = os.path.split(last.filename)
        where = f"{os.path.basename(parent)}/{name}"
        text += f" (at {where}:{last.lineno} in {last.name})"
    return text[:ERROR_CHARS]

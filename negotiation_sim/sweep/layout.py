"""Columns of a sweep's results: which summary keys are kept (``outputs`` groups), their
Arrow types (from a one-round probe run of the base scenario), and the trajectory
columns when per-round rows are kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from negotiation_sim.run import run_simulation
from negotiation_sim.runs.ensemble import flatten_summary
from negotiation_sim.sweep.format import ALWAYS, DEALS
from negotiation_sim.sweep.spec import OUTPUT_GROUPS, SweepError, SweepSpec

DROPPED = ("scenario", "seed")


def group_of(key: str) -> str:
    if key in ALWAYS:
        return "always"
    if key in DEALS:
        return "deals"
    head = key.split(".", 1)[0]
    return head if head in OUTPUT_GROUPS else "other"


@dataclass(frozen=True)
class Layout:
    """Columns of the results: the outputs kept (from a probe run) and their types."""

    outputs: tuple[str, ...]
    schema: pa.Schema
    trajectory_columns: tuple[str, ...] = ()
    trajectory_schema: pa.Schema | None = None


def layout_of(spec: SweepSpec) -> Layout:
    """Output columns from a one-round probe run of the base scenario."""
    probe = run_simulation(
        spec.scenario,
        0,
        rounds=1,
        trajectory=spec.trajectories,
        stage_game=spec.stage_game and spec.trajectories,
    )
    flat = flatten_summary(probe.summary)
    outputs = tuple(
        k
        for k in flat
        if k not in DROPPED
        and (group_of(k) == "always" or "all" in spec.outputs or group_of(k) in spec.outputs)
    )
    fields = [
        pa.field("run", pa.int64()),
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
    ]
    kinds = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    fields += [pa.field(p.name, kinds.get(p.dtype, pa.string())) for p in spec.parameters]
    fields += [pa.field(k, arrow_type(flat[k])) for k in outputs]
    fields.append(pa.field("error", pa.string()))
    layout = Layout(outputs=outputs, schema=pa.schema(fields))
    if not spec.trajectories:
        return layout
    frame = probe.trajectory
    wanted = spec.trajectory_columns or tuple(frame.columns)
    if "round" in frame.columns and "round" not in wanted:  # rows are keyed by (run, round)
        wanted = ("round", *wanted)
    unknown = [c for c in wanted if c not in frame.columns]
    if unknown:
        raise SweepError(
            [
                f"{spec.source}: sweep.trajectory_columns: unknown column: got {c!r}; "
                f"allowed: {', '.join(frame.columns)}"
                for c in unknown
            ]
        )
    traj_fields = [pa.field("run", pa.int64()), pa.field("point", pa.int64())]
    for c in wanted:
        if c in ("run", "point"):
            continue
        traj_fields.append(pa.field(c, arrow_type(frame[c].iloc[0]) if len(frame) else pa.null()))
    return Layout(
        outputs=outputs,
        schema=pa.schema(fields),
        trajectory_columns=tuple(c for c in wanted if c not in ("run", "point")),
        trajectory_schema=pa.schema(traj_fields),
    )


def column_array(values: list[Any], kind: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values)  # a column whose type differs from the probe's


def arrow_type(value: Any) -> pa.DataType:
    """The Arrow type of a result column from one example value."""
    if isinstance(value, bool | np.bool_):
        return pa.bool_()
    if isinstance(value, int | np.integer):
        return pa.int64()
    if isinstance(value, float | np.floating):
        return pa.float64()
    return pa.string()

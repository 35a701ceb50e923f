"""Running a sweep: design, seeds, execution, streaming to Parquet, manifest, resume.

``run_sweep`` is the engine behind ``negotiation-sim sweep`` and ``sweep()``. Results go
to disk in chunks as they arrive (every ``flush_rows`` runs or ``flush_seconds``,
whichever comes first, and when the sweep stops for any reason), so memory stays flat
and an interrupted sweep keeps its finished runs. ``resume=True`` runs only the runs whose
index is not on disk yet; each run's seed depends only on the sweep seed and its index,
so a resumed sweep equals an uninterrupted one.
"""

from __future__ import annotations

import math
import platform
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import negotiation_sim
from negotiation_sim.ensemble import flatten_summary
from negotiation_sim.run import run_simulation
from negotiation_sim.sweep.designs import Design, build_design, point_values
from negotiation_sim.sweep.execution import (
    DaskBackend,
    InProcess,
    LocalPool,
    WorkersLost,
    default_workers,
)
from negotiation_sim.sweep.progress import Progress
from negotiation_sim.sweep.spec import (
    OUTPUT_GROUPS,
    SweepError,
    SweepSpec,
    load_spec,
    spec_from_dict,
)
from negotiation_sim.sweep.store import FORMAT, SweepStore, arrow_type, now
from negotiation_sim.sweep.worker import RunContext, Task

ALWAYS = ("outcome", "outcome_round", "rounds")
DEALS = ("purchases", "deal", "deals_struck", "deals_broken", "first_deal_round")
DROPPED = ("scenario", "seed")
MAX_CHUNK = 32


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class SweepSummary:
    """What a call of ``run_sweep`` did."""

    out: Path
    status: str
    total: int
    done: int
    failed: int
    ran: int
    elapsed: float
    backend: str
    workers: int
    cpu_seconds: float = 0.0
    messages: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def rate(self) -> float:
        return self.ran / self.elapsed if self.elapsed > 0 else 0.0


def resolve_spec(spec: SweepSpec | str | Path | Mapping[str, Any]) -> SweepSpec:
    """A ``SweepSpec`` from a spec, a sweep file or the file's structure as a dict."""
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, Mapping):
        return spec_from_dict(spec, base_dir=Path.cwd())
    return load_spec(spec)


# ---------------------------------------------------------------------------- columns
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


def _array(values: list[Any], kind: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values)  # a column whose type differs from the probe's


# ---------------------------------------------------------------------------- writer
class ResultWriter:
    """Buffers finished runs and writes them as Parquet chunks."""

    def __init__(
        self,
        store: SweepStore,
        spec: SweepSpec,
        design: Design,
        layout: Layout,
        done: np.ndarray,
        failed: int,
        flush_rows: int,
        flush_seconds: float,
        on_flush: Callable[[], None],
    ) -> None:
        self.store = store
        self.spec = spec
        self.layout = layout
        self.params = [design.points[name].to_numpy() for name in design.names]
        self.names = design.names
        self.done_mask = np.zeros(spec.n_runs, dtype=bool)
        self.done_mask[done] = True
        self.written = int(self.done_mask.sum())
        self.failed = failed
        self.buffered = 0
        self.buffered_failed = 0
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.on_flush = on_flush
        self.pending: list[dict] = []
        self.part = store.next_part()
        self.last_flush = time.monotonic()
        self.ran = 0
        self.cpu = 0.0

    @property
    def finished(self) -> int:
        """Runs written plus runs buffered."""
        return self.written + self.buffered

    @property
    def errors(self) -> int:
        return self.failed + self.buffered_failed

    def add(self, result: dict) -> None:
        runs = result["runs"]
        self.pending.append(result)
        n = len(runs["run"])
        self.buffered += n
        self.ran += n
        self.cpu += result.get("cpu", 0.0)
        self.buffered_failed += sum(e is not None for e in runs["error"])
        if self.buffered >= self.flush_rows:
            self.flush()

    def maybe_flush(self) -> None:
        if self.buffered and time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.pending:
            return
        # the batches stay buffered until their chunk is on disk: a Ctrl-C in the middle
        # of writing leaves them for the final flush, which rewrites the same part number
        batches = self.pending
        schema = self.layout.schema
        run = np.concatenate([np.asarray(b["runs"]["run"], dtype=np.int64) for b in batches])
        point, replicate = np.divmod(run, self.spec.replicates)
        columns: dict[str, pa.Array] = {
            "run": pa.array(run),
            "point": pa.array(point),
            "replicate": pa.array(replicate),
            "seed": pa.array([s for b in batches for s in b["runs"]["seed"]], pa.int64()),
        }
        for name, values in zip(self.names, self.params, strict=True):
            columns[name] = _array(values[point].tolist(), schema.field(name).type)
        for key in (*self.layout.outputs, "error"):
            joined = [v for b in batches for v in b["runs"][key]]
            columns[key] = _array(joined, schema.field(key).type)
        table = pa.table(columns)
        traj = None
        if self.layout.trajectory_schema is not None:
            traj = self._trajectories(batches)
        self.store.write_part(self.part, table, traj)
        self.pending = []
        self.part += 1
        self.done_mask[run] = True
        self.written = int(self.done_mask.sum())
        self.failed += self.buffered_failed
        self.buffered = self.buffered_failed = 0
        self.on_flush()

    def _trajectories(self, batches: list[dict]) -> pa.Table | None:
        parts = [b["trajectories"] for b in batches if b["trajectories"]]
        if not parts:
            return None
        schema = self.layout.trajectory_schema
        run = np.concatenate([np.asarray(p["run"], dtype=np.int64) for p in parts])
        columns = {"run": pa.array(run), "point": pa.array(run // self.spec.replicates)}
        for name in self.layout.trajectory_columns:
            joined = [v for p in parts for v in p.get(name, [None] * len(p["run"]))]
            columns[name] = _array(joined, schema.field(name).type)
        return pa.table(columns)


# ---------------------------------------------------------------------------- manifest
def _versions() -> dict[str, str]:
    import mesa

    return {
        "negotiation_sim": negotiation_sim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "mesa": mesa.__version__,
    }


def _spec_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    skip = {"name", "description", "source", "scenario"}
    return [k for k in sorted(set(old) | set(new)) if k not in skip and old.get(k) != new.get(k)]


def check_resume(manifest: dict[str, Any], spec: SweepSpec, root: Path) -> list[str]:
    """Problems that forbid resuming ``manifest``'s sweep with ``spec`` (empty if none)."""
    old_scenario = manifest.get("scenario", {}).get("digest", "")
    if old_scenario != spec.scenario_file_digest:
        return [
            f"{root}: cannot resume: the scenario differs from the one this sweep started "
            f"with (hash {old_scenario[:12]} in {root / 'manifest.json'}, "
            f"{spec.scenario_file_digest[:12]} now from {spec.scenario.source}); restore it, or "
            "start a new sweep with another --out"
        ]
    if manifest.get("spec_digest") != spec.digest:
        changed = _spec_changes(manifest.get("spec", {}), spec.to_dict())
        return [
            f"{root}: cannot resume: {spec.source} differs from the spec this sweep started "
            f"with (changed: {', '.join(changed) or 'unknown'}); the started spec is in "
            f"{root / 'spec.toml'}"
        ]
    return []


# ---------------------------------------------------------------------------- the sweep
def _chunks(
    pending: np.ndarray, chunk: int, columns: list[np.ndarray], replicates: int
) -> Iterator[Task]:
    for start in range(0, len(pending), chunk):
        runs = pending[start : start + chunk].tolist()
        points = sorted({r // replicates for r in runs})
        yield runs, {p: point_values(columns, p) for p in points}


def auto_chunk(pending: int, slots: int) -> int:
    """Runs per task: enough tasks to balance the load (about 8 per worker), at most 32
    runs so progress and flushing stay lively."""
    return max(1, min(MAX_CHUNK, math.ceil(pending / (8 * max(1, slots)))))


def run_sweep(
    spec: SweepSpec | str | Path | Mapping[str, Any],
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool | None = None,
    chunk_size: int | None = None,
    flush_seconds: float = 10.0,
    flush_rows: int = 10_000,
    say: Callable[[str], None] = _stderr,
    start_method: str | None = None,
    scheduler_timeout: float = 20.0,
) -> SweepSummary:
    """Run (or with ``resume``, finish) a sweep into directory ``out``.

    ``workers``: local processes (default: all cores; 1 runs in this process).
    ``scheduler``: address of a Dask scheduler (``tcp://host:port``); runs go there
    (``scheduler_timeout``: seconds to wait for it to answer).
    Raises ``SweepError`` for bad input (nothing is run), ``KeyboardInterrupt`` after
    saving on Ctrl-C, ``WorkersLost`` after saving when workers keep dying.
    """
    spec = resolve_spec(spec)
    root = Path(out)
    store = SweepStore(root)
    if workers is not None and workers < 1:
        raise SweepError([f"--workers: must be 1 or more, got {workers}"])
    if chunk_size is not None and chunk_size < 1:
        raise SweepError([f"--chunk-size: must be 1 or more, got {chunk_size}"])
    manifest: dict[str, Any] | None = None
    if resume:
        if not root.is_dir():
            raise SweepError([f"{root}: no such directory to resume"])
        manifest = store.read_manifest()
        problems = check_resume(manifest, spec, root)
        if problems:
            raise SweepError(problems)
    elif store.exists():
        raise SweepError(
            [f"{root}: already holds a sweep; finish it with --resume, or choose another --out"]
        )
    elif root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise SweepError([f"{root}: exists and is not an empty directory; choose another --out"])

    bar_of: dict[str, Progress] = {}

    def notify(message: str) -> None:
        """``say`` on a line of its own, not in the middle of the progress bar."""
        if "bar" in bar_of:
            bar_of["bar"].clear()
        say(message)

    layout = layout_of(spec)
    ctx = RunContext(
        token=spec.digest,
        scenario=spec.scenario,
        params=spec.parameters,
        sweep_seed=spec.seed,
        seed_mode=spec.seeds,
        replicates=spec.replicates,
        rounds=spec.rounds,
        columns=layout.outputs,
        trajectories=spec.trajectories,
        trajectory_columns=layout.trajectory_columns,
        stage_game=spec.stage_game,
    )
    if scheduler:
        backend: InProcess | LocalPool | DaskBackend = DaskBackend(
            ctx, scheduler, say=notify, connect_timeout=scheduler_timeout
        )
    else:
        n = workers or default_workers()
        backend = (
            InProcess(ctx, say=notify)
            if n == 1
            else LocalPool(ctx, n, say=notify, method=start_method)
        )

    backend.start()  # a Dask scheduler that cannot be reached fails before anything is written
    try:
        return _run(
            spec,
            root,
            store,
            manifest,
            layout,
            backend,
            scheduler,
            progress,
            chunk_size,
            flush_seconds,
            flush_rows,
            notify,
            bar_of,
        )
    finally:
        backend.close()


def _run(
    spec: SweepSpec,
    root: Path,
    store: SweepStore,
    manifest: dict[str, Any] | None,
    layout: Layout,
    backend: InProcess | LocalPool | DaskBackend,
    scheduler: str | None,
    progress: bool | None,
    chunk_size: int | None,
    flush_seconds: float,
    flush_rows: int,
    say: Callable[[str], None],
    bar_of: dict[str, Progress],
) -> SweepSummary:
    if manifest is None:
        design = build_design(spec)
        store.create(spec.text)
        store.lock()
        store.write_design(design.to_frame())
        done_runs, failed = np.zeros(0, dtype=np.int64), 0
        manifest = {
            "format": FORMAT,
            "created": now(),
            "sessions": [],
        }
    else:
        store.lock()
        store.clean()
        design = Design.from_frame(store.read_design(), spec)
        if len(design) != spec.n_points:
            store.unlock()
            raise SweepError(
                [f"{root}: design.parquet has {len(design)} points, the spec {spec.n_points}"]
            )
        done_runs, failed = store.scan()
        old = manifest.get("package_version")
        if old and old != negotiation_sim.__version__:
            say(
                f"note: {root} was started with negotiation-sim {old}; resuming with "
                f"{negotiation_sim.__version__} (results of the two versions may differ)"
            )

    total = spec.n_runs
    session: dict[str, Any] = {
        "started": now(),
        "ended": None,
        "status": "running",
        "backend": backend.name,
        "scheduler": scheduler,
        "workers": getattr(backend, "slots", 1) or None,
        "runs": 0,
        "failed": 0,
        "host": platform.node(),
    }
    manifest["sessions"].append(session)
    started = time.monotonic()
    writer: ResultWriter | None = None

    def write_manifest(status: str) -> None:
        w = writer
        done = w.written if w else len(done_runs)
        fails = w.failed if w else failed
        session["runs"] = (w.ran - w.buffered) if w else 0
        session["failed"] = fails - failed
        session["status"] = status
        session["elapsed_s"] = round(time.monotonic() - started, 3)
        session["worker_cpu_s"] = round(w.cpu, 3) if w else 0.0
        manifest.update(
            {
                "format": FORMAT,
                "status": status,
                "updated": now(),
                "package_version": negotiation_sim.__version__,
                "versions": _versions(),
                "spec": spec.to_dict(),
                "spec_digest": spec.digest,
                "scenario": {
                    "source": spec.scenario.source,
                    "name": spec.scenario.name,
                    "digest": spec.scenario_file_digest,
                    "base_digest": spec.scenario_digest,
                    "fixed_overrides": list(spec.scenario.overrides),
                },
                "design": design.info,
                "points": len(design),
                "runs": {
                    "total": total,
                    "done": done,
                    "pending": total - done,
                    "failed": fails,
                },
                "parts": len(store.parts()),
                "columns": layout.schema.names,
                "trajectory_columns": list(layout.trajectory_columns),
            }
        )
        store.write_manifest(manifest)

    status = "running"
    bar: Progress | None = None
    try:
        write_manifest(status)
        writer = ResultWriter(
            store,
            spec,
            design,
            layout,
            done_runs,
            failed,
            flush_rows=flush_rows,
            flush_seconds=flush_seconds,
            on_flush=lambda: write_manifest("running"),
        )
        pending = np.flatnonzero(~writer.done_mask)
        slots = backend.slots or 1
        chunk = chunk_size or auto_chunk(len(pending), slots)
        tasks = _chunks(pending, chunk, design.columns(), spec.replicates)
        bar = Progress(total, writer.finished, enabled=progress)
        bar_of["bar"] = bar

        def on_result(_task: Task, result: dict) -> None:
            writer.add(result)
            bar.update(writer.finished, writer.errors)

        def tick() -> None:
            writer.maybe_flush()
            bar.update(writer.finished, writer.errors)

        if len(pending):
            backend.run(tasks, on_result, tick)
        writer.flush()
        status = "complete" if writer.written == total else "interrupted"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except WorkersLost:
        status = "failed"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        try:
            if writer is not None:
                writer.flush()
        finally:
            session["ended"] = now()
            write_manifest(status)
            if bar is not None:
                bar.update(force=True)
                bar.close()
            store.unlock()
    return SweepSummary(
        out=root,
        status=status,
        total=total,
        done=writer.written,
        failed=writer.failed,
        ran=writer.ran,
        elapsed=time.monotonic() - started,
        backend=backend.name,
        workers=backend.slots,
        cpu_seconds=writer.cpu,
    )


# ---------------------------------------------------------------------------- results
def load_results(out: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The finished runs of the sweep in ``out``, one row per run, ordered by run index:
    run, point, replicate, seed, the parameters, the outputs and ``error`` (None for a
    run that finished)."""
    store = SweepStore(out)
    store.read_manifest()
    return store.read_runs(columns)


def load_trajectories(
    out: str | Path, runs: list[int] | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """Per-round trajectories of the sweep in ``out`` (kept with ``trajectories =
    true``): one row per run and round, with the run's index and design point."""
    store = SweepStore(out)
    store.read_manifest()
    return store.read_trajectories(runs, columns)


def sweep(
    spec: SweepSpec | str | Path | Mapping[str, Any],
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool | None = None,
    chunk_size: int | None = None,
    flush_seconds: float = 10.0,
) -> pd.DataFrame:
    """Run a sweep and return its results as a DataFrame (one row per run).

    ``spec`` is a sweep file, a ``SweepSpec`` or the file's structure as a dict. Results
    stream to ``out`` (a new temporary directory if ``None``; its path is in
    ``frame.attrs["out"]``), so ``analyze(frame.attrs["out"])`` and ``resume=True`` work
    as from the command line.
    """
    if out is None:
        import tempfile

        out = tempfile.mkdtemp(prefix="negotiation-sweep-")
    summary = run_sweep(
        spec,
        out,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        progress=progress,
        chunk_size=chunk_size,
        flush_seconds=flush_seconds,
    )
    frame = load_results(out)
    frame.attrs["out"] = str(summary.out)
    frame.attrs["status"] = summary.status
    return frame

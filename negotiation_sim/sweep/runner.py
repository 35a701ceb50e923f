"""Running a sweep: design, seeds, execution, streaming to Parquet, manifest, resume.

``run_sweep`` is the engine behind ``negotiation-sim sweep`` and ``sweep()``. Results go
to disk in chunks as they arrive (every ``flush_rows`` runs or ``flush_seconds``,
whichever comes first, and when the sweep stops for any reason), so memory stays flat
and an interrupted sweep keeps its finished runs. ``resume=True`` runs only the runs whose
index is not on disk yet (after setting aside chunks found damaged); each run's seed
depends only on the sweep seed and its index, so a resumed sweep equals an uninterrupted
one. A directory that cannot be written (or a disk that fills up) is a ``SweepError``
that says how many runs are saved.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import negotiation_sim
from negotiation_sim.runs.execution import Job, check_workers
from negotiation_sim.runs.execution import chunk_size as auto_chunk
from negotiation_sim.sweep.designs import Design, build_design, point_values
from negotiation_sim.sweep.execution import DaskBackend, InProcess, LocalPool, sweep_backend
from negotiation_sim.sweep.layout import Layout, layout_of
from negotiation_sim.sweep.manifest import check_resume, versions
from negotiation_sim.sweep.progress import Progress
from negotiation_sim.sweep.spec import SweepError, SweepSpec, load_spec, spec_from_dict
from negotiation_sim.sweep.store import DESIGN, FORMAT, Entry, SweepStore, now
from negotiation_sim.sweep.worker import RunContext, Task, run_chunk
from negotiation_sim.sweep.writer import ResultWriter

Backend = InProcess | LocalPool | DaskBackend
#: pending runs are found this many at a time (the chunks never need the whole list)
PENDING_BLOCK = 1 << 16


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


# ---------------------------------------------------------------------------- the sweep
def _tasks(
    done: np.ndarray, chunk: int, columns: list[np.ndarray], replicates: int
) -> Iterator[Task]:
    """Chunks of the runs not done, in run order, with their points' parameter values."""
    block = max(chunk, PENDING_BLOCK)
    for start in range(0, len(done), block):
        pending = np.flatnonzero(~done[start : start + block]) + start
        for i in range(0, len(pending), chunk):
            runs = pending[i : i + chunk].tolist()
            points = sorted({r // replicates for r in runs})
            yield runs, {p: point_values(columns, p) for p in points}


def _unwritable(root: Path, exc: OSError, saved: str = "") -> SweepError:
    what = os.strerror(exc.errno) if exc.errno else str(exc)  # pyarrow words it its way
    where = f" ({exc.filename})" if exc.filename else ""
    return SweepError(
        [
            f"{root}: cannot write the sweep: {what}{where}. {saved}"
            + ("Free some space or choose a writable --out, then " if saved else "Choose a ")
            + ("finish it with --resume." if saved else "writable --out (nothing was run).")
        ]
    )


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

    ``workers``: local processes (default: all cores; 1 runs in this process; at most
    ``runs.execution.max_workers()``, 4 per core). ``scheduler``: address of a Dask scheduler
    (``tcp://host:port``); runs go there (``scheduler_timeout``: seconds to wait for it).
    Raises ``SweepError`` for bad input or a directory that cannot be written (nothing
    saved is lost), ``KeyboardInterrupt`` after saving on Ctrl-C, ``WorkersLost`` after
    saving when workers keep dying.
    """
    spec = resolve_spec(spec)
    root = Path(out)
    store = SweepStore(root)
    problems = check_workers(workers) if workers is not None else []
    if chunk_size is not None and chunk_size < 1:
        problems.append(f"--chunk-size: must be 1 or more, got {chunk_size}")
    if problems:
        raise SweepError(problems)
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
    elif not store.is_empty():
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
    # a Dask scheduler that cannot be reached fails before anything is written
    backend = sweep_backend(
        workers, scheduler, notify, method=start_method, scheduler_timeout=scheduler_timeout
    )
    try:
        if manifest is None:
            design, manifest, files = _start_new(spec, store)
            notes: list[str] = []
        else:
            design, files, notes = _start_resume(spec, store, manifest, notify)
        return _run(
            spec,
            store,
            manifest,
            files,
            notes,
            design,
            layout,
            Job(run_chunk, ctx, ctx.token),
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


def _start_new(spec: SweepSpec, store: SweepStore) -> tuple[Design, dict[str, Any], dict]:
    """Claim the directory (lock first, so that a sweep that loses a race writes
    nothing), then write the spec's copy and the design."""
    root = store.root
    created = not root.exists()
    try:
        store.claim()
    except OSError as exc:
        raise _unwritable(root, exc) from None
    try:
        design = build_design(spec)
        store.create(spec.text)
        files: dict[str, Entry] = {DESIGN: store.write_design(design.to_frame())}
    except BaseException as exc:
        store.abandon(created)
        if isinstance(exc, OSError):
            raise _unwritable(root, exc) from None
        raise
    return design, {"format": FORMAT, "created": now(), "sessions": []}, files


def _start_resume(
    spec: SweepSpec, store: SweepStore, manifest: dict[str, Any], say: Callable[[str], None]
) -> tuple[Design, dict[str, Entry], list[str]]:
    """Lock, remove leftovers of a killed writer, check every chunk and set the damaged
    ones aside (their runs are then pending and run again)."""
    root = store.root
    store.lock()
    try:
        store.clean()
        check = store.verify(manifest.get("files") or {})
        notes = []
        design_bad = False
        for damage in check.damaged:
            target = store.set_aside(damage.name)
            design_bad = design_bad or damage.name == DESIGN
            runs = f"; its {damage.rows:,} runs will be run again" if damage.rows else ""
            if damage.name == DESIGN:
                runs = "; rebuilt from the spec (the design is deterministic)"
            notes.append(
                f"{root / damage.name}: damaged ({damage.reason}); set aside as {target}{runs}"
            )
        for name in check.missing:
            notes.append(
                f"{root / name}: listed in the manifest but missing; its runs will be run again"
            )
        for note in notes:
            say(f"note: {note}")
        files = dict(check.entries)
        if design_bad or not (root / DESIGN).exists():
            design = build_design(spec)
            files[DESIGN] = store.write_design(design.to_frame())
        else:
            design = Design.from_frame(store.read_design(), spec)
        if len(design) != spec.n_points:
            raise SweepError(
                [f"{root}: design.parquet has {len(design)} points, the spec {spec.n_points}"]
            )
    except OSError as exc:
        store.unlock()
        raise _unwritable(root, exc, "") from None
    except BaseException:
        store.unlock()
        raise
    return design, files, notes


def _run(
    spec: SweepSpec,
    store: SweepStore,
    manifest: dict[str, Any],
    files: dict[str, Entry],
    notes: list[str],
    design: Design,
    layout: Layout,
    job: Job,
    backend: Backend,
    scheduler: str | None,
    progress: bool | None,
    chunk_size: int | None,
    flush_seconds: float,
    flush_rows: int,
    say: Callable[[str], None],
    bar_of: dict[str, Progress],
) -> SweepSummary:
    """The sweep itself, with the directory locked (released at the end)."""
    root = store.root
    try:
        done_runs, failed = store.scan()
    except BaseException:
        store.unlock()
        raise
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
    if notes:
        session["notes"] = notes
    manifest.setdefault("sessions", []).append(session)
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
                "versions": versions(),
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
                "files": dict(sorted(files.items())),
            }
        )
        store.write_manifest(manifest)

    status = "running"
    bar: Progress | None = None
    write_error: OSError | None = None
    try:
        write_manifest(status)
        writer = ResultWriter(
            store,
            spec,
            design,
            layout,
            done_runs,
            failed,
            files,
            flush_rows=flush_rows,
            flush_seconds=flush_seconds,
            on_flush=lambda: write_manifest("running"),
        )
        pending = total - writer.written
        chunk = chunk_size or auto_chunk(pending, backend.slots or 1)
        tasks = _tasks(writer.done_mask, chunk, design.columns(), spec.replicates)
        bar = Progress(total, writer.finished, enabled=progress)
        bar_of["bar"] = bar

        def on_result(_task: Task, result: dict) -> None:
            writer.add(result)
            bar.update(writer.finished, writer.errors)

        def tick() -> None:
            writer.maybe_flush()
            bar.update(writer.finished, writer.errors)

        if pending:
            backend.run(job, tasks, on_result, tick)
        writer.flush()
        status = "complete" if writer.written == total else "interrupted"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except OSError as exc:  # the directory became unwritable, or the disk is full
        status = "failed"
        write_error = exc
    except BaseException:
        status = "failed"
        raise
    finally:
        try:
            if writer is not None:
                writer.flush()
        except OSError as exc:
            write_error = write_error or exc
        session["ended"] = now()
        try:
            write_manifest(status)
        except OSError as exc:
            write_error = write_error or exc
        if bar is not None:
            bar.update(force=True)
            bar.close()
        store.unlock()
    if write_error is not None:
        done = writer.written if writer else len(done_runs)
        raise _unwritable(root, write_error, f"{done:,} of {total:,} runs are saved. ")
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
    run that finished). Damaged chunks are a ``SweepError`` naming them."""
    store = SweepStore(out)
    store.check_readable(store.read_manifest())
    return store.read_runs(columns)


def load_trajectories(
    out: str | Path, runs: list[int] | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """Per-round trajectories of the sweep in ``out`` (kept with ``trajectories =
    true``): one row per run and round, with the run's index and design point."""
    store = SweepStore(out)
    store.check_readable(store.read_manifest())
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

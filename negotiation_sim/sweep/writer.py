"""``ResultWriter``: buffers the chunks of finished runs as they come back from the
workers and writes them as Parquet chunks (every ``flush_rows`` runs or
``flush_seconds``, and when the sweep stops), recording each chunk's checksum."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from negotiation_sim.sweep.designs import Design
from negotiation_sim.sweep.layout import Layout, column_array
from negotiation_sim.sweep.spec import SweepSpec
from negotiation_sim.sweep.store import Entry, SweepStore


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
        files: dict[str, Entry],
        flush_rows: int,
        flush_seconds: float,
        on_flush: Callable[[], None],
    ) -> None:
        self.store = store
        self.files = files  # the manifest's file entries, updated as chunks are written
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
            columns[name] = column_array(values[point].tolist(), schema.field(name).type)
        for key in (*self.layout.outputs, "error"):
            joined = [v for b in batches for v in b["runs"][key]]
            columns[key] = column_array(joined, schema.field(key).type)
        table = pa.table(columns)
        traj = None
        if self.layout.trajectory_schema is not None:
            traj = self._trajectories(batches)
        self.files.update(self.store.write_part(self.part, table, traj))
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
            columns[name] = column_array(joined, schema.field(name).type)
        return pa.table(columns)

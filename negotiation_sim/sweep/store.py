"""A sweep's directory: Parquet chunks of results, the design, and a JSON manifest.

Layout of ``DIR``::

    manifest.json           spec, scenario hash, package version, times, counts, sessions
    spec.toml               the sweep file as given
    design.parquet          one row per design point (and its unit-cube coordinates)
    runs/part-000000.parquet        one row per finished run
    trajectories/part-000000.parquet  per-round rows of the same runs (if kept)

Every file is written to a temporary name in the same folder, flushed to disk and then
renamed over its final name (``os.replace``), so a killed process never leaves a
half-written chunk under a name that counts. The runs in ``runs/part-*.parquet`` are the
truth about what is done; the manifest's counts are derived from them. A trajectory chunk
is written before the run chunk of the same number, and one without its run chunk (a kill
between the two renames) is removed on resume.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from negotiation_sim.sweep.spec import SweepError

MANIFEST = "manifest.json"
SPEC_COPY = "spec.toml"
DESIGN = "design.parquet"
RUNS = "runs"
TRAJECTORIES = "trajectories"
LOCK = ".lock"
FORMAT = "negotiation-sim-sweep/1"
PART = re.compile(r"^part-(\d{6,})\.parquet$")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_table(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class SweepStore:
    """The files of one sweep directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.traj_dir = self.root / TRAJECTORIES
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SweepError([f"{self.root}: no sweep here ({MANIFEST} not found)"]) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SweepError([f"{self.manifest_path}: unreadable manifest: {exc}"]) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SweepError(
                [f"{self.manifest_path}: not a negotiation-sim sweep manifest (format {FORMAT})"]
            )
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    # ------------------------------------------------------------------ setup
    def create(self, spec_text: str) -> None:
        """Make the folders and keep a copy of the spec."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.runs_dir.mkdir(exist_ok=True)
        if spec_text:
            atomic_write_bytes(self.root / SPEC_COPY, spec_text.encode("utf-8"))

    def lock(self) -> None:
        """Hold an exclusive lock on the directory while writing (released by the OS if
        the process dies)."""
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SweepError(
                [f"{self.root}: another sweep is writing to this directory right now"]
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def clean(self) -> list[Path]:
        """Remove temporary files of a killed writer and trajectory chunks whose run
        chunk was never written; return what was removed."""
        removed = []
        for folder in (self.root, self.runs_dir, self.traj_dir):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)
                    removed.append(tmp)
        done = {n for n, _ in self.parts(RUNS)}
        for number, path in self.parts(TRAJECTORIES):
            if number not in done:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    # ------------------------------------------------------------------ design
    def write_design(self, frame: pd.DataFrame) -> None:
        atomic_write_table(self.root / DESIGN, pa.Table.from_pandas(frame, preserve_index=False))

    def read_design(self) -> pd.DataFrame:
        path = self.root / DESIGN
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise SweepError([f"{path}: cannot read the design: {exc}"]) from None

    # ------------------------------------------------------------------ chunks
    def parts(self, kind: str = RUNS) -> list[tuple[int, Path]]:
        folder = self.root / kind
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            match = PART.match(path.name)
            if match:
                found.append((int(match.group(1)), path))
        return sorted(found)

    def next_part(self) -> int:
        numbers = [n for n, _ in self.parts(RUNS)] + [n for n, _ in self.parts(TRAJECTORIES)]
        return max(numbers, default=-1) + 1

    def write_part(self, number: int, runs: pa.Table, trajectories: pa.Table | None) -> None:
        name = f"part-{number:06d}.parquet"
        if trajectories is not None and trajectories.num_rows:
            self.traj_dir.mkdir(exist_ok=True)
            atomic_write_table(self.traj_dir / name, trajectories)
        atomic_write_table(self.runs_dir / name, runs)

    def scan(self) -> tuple[np.ndarray, int]:
        """Run indices on disk (sorted, unique) and how many of them failed."""
        runs: list[np.ndarray] = []
        errors: list[np.ndarray] = []
        for _, path in self.parts(RUNS):
            table = pq.read_table(path, columns=["run", "error"])
            runs.append(table.column("run").to_numpy())
            errors.append(table.column("error").is_valid().to_numpy(zero_copy_only=False))
        if not runs:
            return np.zeros(0, dtype=np.int64), 0
        all_runs = np.concatenate(runs)
        all_errors = np.concatenate(errors)
        unique, first = np.unique(all_runs, return_index=True)
        return unique, int(all_errors[first].sum())

    def read_runs(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All finished runs, one row each, ordered by run index."""
        cols = list(columns) if columns is not None else None
        if cols is not None and "run" not in cols:
            cols = ["run", *cols]
        tables = [pq.read_table(path, columns=cols) for _, path in self.parts(RUNS)]
        if not tables:
            return pd.DataFrame(columns=cols or ["run"])
        frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        frame = frame.drop_duplicates("run", keep="first").sort_values("run", kind="stable")
        return frame.reset_index(drop=True)

    def read_trajectories(
        self, runs: Iterable[int] | None = None, columns: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Per-round rows of the finished runs (all, or those in ``runs``)."""
        parts = [(n, path) for n, path in self.parts(TRAJECTORIES)]
        cols = None
        if columns is not None and parts:
            names = pq.read_schema(parts[0][1]).names
            keys = [k for k in ("run", "point", "round") if k in names]
            cols = keys + [c for c in columns if c not in keys]
        filters = None
        if runs is not None:
            filters = [("run", "in", [int(r) for r in runs])]
        done = {n for n, _ in self.parts(RUNS)}
        tables = [
            pq.read_table(path, columns=cols, filters=filters) for n, path in parts if n in done
        ]
        if not tables:
            return pd.DataFrame(columns=cols or ["run"])
        frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        key = ["run", "round"] if "round" in frame.columns else ["run"]
        frame = frame.drop_duplicates(key, keep="first").sort_values(key, kind="stable")
        return frame.reset_index(drop=True)


def arrow_type(value: Any) -> pa.DataType:
    """The Arrow type of a result column from one example value."""
    if isinstance(value, bool | np.bool_):
        return pa.bool_()
    if isinstance(value, int | np.integer):
        return pa.int64()
    if isinstance(value, float | np.floating):
        return pa.float64()
    return pa.string()

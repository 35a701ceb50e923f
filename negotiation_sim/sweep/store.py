"""A sweep's directory: Parquet chunks of results, the design, and a JSON manifest.

Layout of ``DIR``::

    manifest.json           spec, scenario hash, package version, times, counts, sessions,
                            and the size and sha256 of every chunk and of the design
    spec.toml               the sweep file as given
    design.parquet          one row per design point (and its unit-cube coordinates)
    runs/part-000000.parquet        one row per finished run
    trajectories/part-000000.parquet  per-round rows of the same runs (if kept)
    damaged/                chunks found damaged and set aside by a resume

Every file is written to a temporary name in the same folder, flushed to disk and then
renamed over its final name (``os.replace``), so a killed process never leaves a
half-written chunk under a name that counts. The runs in ``runs/part-*.parquet`` are the
truth about what is done; the manifest's counts are derived from them. A trajectory chunk
is written before the run chunk of the same number, and one without its run chunk (a kill
between the two renames) is removed on resume.

Damage after the fact (a truncated, emptied or altered file) is found by ``verify``: a
chunk listed in the manifest must have its size and sha256; one that is not listed yet (a
kill between the chunk's rename and the manifest's) must read as a whole Parquet file.
A resume sets damaged chunks aside and runs their runs again; ``analyze`` refuses them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from negotiation_sim.config.toml import MAX_DEPTH
from negotiation_sim.sweep.manifest import manifest_problems
from negotiation_sim.sweep.spec import SweepError

MANIFEST = "manifest.json"
SPEC_COPY = "spec.toml"
DESIGN = "design.parquet"
RUNS = "runs"
TRAJECTORIES = "trajectories"
DAMAGED = "damaged"
LOCK = ".lock"
FORMAT = "negotiation-sim-sweep/1"
PART = re.compile(r"^part-(\d{6,})\.parquet$")
#: what a resume prints for a chunk it set aside; what ``analyze`` says to do about one
RESUME_HINT = "finish the sweep with `negotiation-sim sweep SPEC --out {root} --resume`"

#: a file's record in the manifest: {"sha256": hex, "bytes": size[, "rows": n]}
Entry = dict[str, Any]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def file_entry(path: Path) -> Entry:
    """Size and sha256 of a file."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return {"sha256": digest, "bytes": path.stat().st_size}


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_table(path: Path, table: pa.Table) -> Entry:
    """Write ``table`` to ``path`` as Parquet, atomically; its manifest entry."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        entry = file_entry(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return entry


@dataclass
class Damage:
    """A damaged file: its path relative to the sweep, what is wrong, its runs if known."""

    name: str
    reason: str
    rows: int | None = None


@dataclass
class Check:
    """What ``SweepStore.verify`` found: entries of the sound files (listed or newly
    verified), damaged files, and listed files that are gone."""

    entries: dict[str, Entry] = field(default_factory=dict)
    damaged: list[Damage] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def problems(self, root: Path) -> list[str]:
        """One message per damaged or missing file (for ``analyze``)."""
        hint = RESUME_HINT.format(root=root)
        out = []
        for d in self.damaged:
            runs = f" ({d.rows:,} runs)" if d.rows is not None else ""
            out.append(f"{root / d.name}: damaged{runs}: {d.reason}; {hint}")
        for name in self.missing:
            out.append(f"{root / name}: listed in {MANIFEST} but missing; {hint}")
        return out


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
        """The manifest, checked: a wrong format or wrong JSON types are a ``SweepError``
        listing every problem."""
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SweepError([f"{self.root}: no sweep here ({MANIFEST} not found)"]) from None
        except RecursionError:
            raise SweepError(
                [
                    f"{self.manifest_path}: unreadable manifest: nested too deeply; allowed: "
                    f"at most {MAX_DEPTH} levels of nested objects and lists"
                ]
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SweepError([f"{self.manifest_path}: unreadable manifest: {exc}"]) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SweepError(
                [f"{self.manifest_path}: not a negotiation-sim sweep manifest (format {FORMAT})"]
            )
        problems = manifest_problems(data)
        if problems:
            raise SweepError([f"{self.manifest_path}: {p}" for p in problems])
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    # ------------------------------------------------------------------ setup
    def is_empty(self) -> bool:
        """No directory yet, or one holding nothing but a lock file."""
        if not self.root.exists():
            return True
        return self.root.is_dir() and all(p.name == LOCK for p in self.root.iterdir())

    def claim(self) -> None:
        """For a new sweep: make the directory and take the lock, then check, holding it,
        that no other sweep got there first (so that a loser writes nothing)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock()
        if self.exists() or not self.is_empty():
            self.unlock()
            raise SweepError(
                [
                    f"{self.root}: another sweep started in this directory meanwhile; "
                    "choose another --out"
                ]
            )

    def create(self, spec_text: str) -> None:
        """Make the folders and keep a copy of the spec (the lock is held)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.runs_dir.mkdir(exist_ok=True)
        if spec_text:
            atomic_write_bytes(self.root / SPEC_COPY, spec_text.encode("utf-8"))

    def abandon(self, created_root: bool) -> None:
        """Remove what a new sweep wrote before its first manifest (it failed to start)."""
        for path in (self.root / SPEC_COPY, self.root / DESIGN):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.runs_dir.rmdir()
        self.unlock()
        if created_root:
            with contextlib.suppress(OSError):
                (self.root / LOCK).unlink(missing_ok=True)
                self.root.rmdir()

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
    def write_design(self, frame: pd.DataFrame) -> Entry:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        return atomic_write_table(self.root / DESIGN, table)

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
        """A chunk number never used in this directory (set-aside chunks included)."""
        numbers = [n for n, _ in self.parts(RUNS)] + [n for n, _ in self.parts(TRAJECTORIES)]
        numbers += [n for n, _ in self.parts(f"{DAMAGED}/{RUNS}")]
        numbers += [n for n, _ in self.parts(f"{DAMAGED}/{TRAJECTORIES}")]
        return max(numbers, default=-1) + 1

    def write_part(
        self, number: int, runs: pa.Table, trajectories: pa.Table | None
    ) -> dict[str, Entry]:
        """Write chunk ``number``; the manifest entries of the files written."""
        name = f"part-{number:06d}.parquet"
        entries: dict[str, Entry] = {}
        if trajectories is not None and trajectories.num_rows:
            self.traj_dir.mkdir(exist_ok=True)
            entry = atomic_write_table(self.traj_dir / name, trajectories)
            entries[f"{TRAJECTORIES}/{name}"] = entry | {"rows": trajectories.num_rows}
        entry = atomic_write_table(self.runs_dir / name, runs)
        entries[f"{RUNS}/{name}"] = entry | {"rows": runs.num_rows}
        return entries

    def verify(self, listed: dict[str, Entry], design: bool = True) -> Check:
        """Check every chunk (and the design) against its manifest entry; a chunk not
        listed yet must read whole. A damaged run chunk takes its trajectory chunk with
        it and the other way round (its runs must be run again for both)."""
        check = Check()
        names = [f"{kind}/{p.name}" for kind in (RUNS, TRAJECTORIES) for _, p in self.parts(kind)]
        if design and (self.root / DESIGN).exists():
            names.insert(0, DESIGN)
        for name in names:
            entry = listed.get(name)
            reason, found = self._check_file(name, entry)
            if reason is None:
                check.entries[name] = found
            else:
                rows = entry.get("rows") if isinstance(entry, dict) else None
                check.damaged.append(Damage(name, reason, rows))
        present = set(names)
        check.missing = sorted(n for n in listed if n not in present and _is_chunk(n))
        # a chunk's run and trajectory files go together
        bad = {_number(d.name) for d in check.damaged if _is_chunk(d.name)}
        for name in list(check.entries):
            if _is_chunk(name) and _number(name) in bad:
                entry = check.entries.pop(name)
                check.damaged.append(
                    Damage(name, "its partner chunk is damaged", entry.get("rows"))
                )
        return check

    def _check_file(self, name: str, entry: Entry | None) -> tuple[str | None, Entry]:
        path = self.root / name
        try:
            found = file_entry(path)
        except OSError as exc:
            return f"unreadable: {exc}", {}
        if found["bytes"] == 0:
            return "empty file (0 bytes)", found
        if entry is not None:
            if found["bytes"] != entry.get("bytes"):
                return (
                    f"{found['bytes']:,} bytes, the manifest recorded {entry.get('bytes'):,} "
                    "(truncated or overwritten)",
                    found,
                )
            if found["sha256"] != entry.get("sha256"):
                return "its contents changed (sha256 differs from the manifest's)", found
            return None, found | {k: entry[k] for k in ("rows",) if k in entry}
        try:  # not listed yet: it must read whole
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            return f"not a readable Parquet file ({exc})", found
        needed = {"run", "error"} if name.startswith(RUNS) else {"run"}
        if name != DESIGN and not needed <= set(table.column_names):
            return f"lacks the columns {', '.join(sorted(needed))}", found
        return None, found | ({"rows": table.num_rows} if name != DESIGN else {})

    def set_aside(self, name: str) -> Path:
        """Move a damaged file to ``damaged/`` (kept for inspection); its new path."""
        source = self.root / name
        target = self.root / DAMAGED / name
        target.parent.mkdir(parents=True, exist_ok=True)
        k = 1
        while target.exists():
            target = target.with_name(f"{source.name}.{k}")
            k += 1
        os.replace(source, target)
        _fsync_dir(source.parent)
        return target

    def check_readable(self, manifest: dict[str, Any]) -> None:
        """Refuse damaged data (for reading the results): a ``SweepError`` naming every
        damaged or missing chunk."""
        problems = self.verify(manifest.get("files") or {}).problems(self.root)
        if problems:
            raise SweepError(problems)

    def scan(self) -> tuple[np.ndarray, int]:
        """Run indices on disk (sorted, unique) and how many of them failed."""
        runs: list[np.ndarray] = []
        errors: list[np.ndarray] = []
        for _, path in self.parts(RUNS):
            table = self._read(path, ["run", "error"])
            runs.append(table.column("run").to_numpy())
            errors.append(table.column("error").is_valid().to_numpy(zero_copy_only=False))
        if not runs:
            return np.zeros(0, dtype=np.int64), 0
        all_runs = np.concatenate(runs)
        all_errors = np.concatenate(errors)
        unique, first = np.unique(all_runs, return_index=True)
        return unique, int(all_errors[first].sum())

    def _read(self, path: Path, columns=None, filters=None) -> pa.Table:
        try:
            return pq.read_table(path, columns=columns, filters=filters)
        except (OSError, pa.ArrowException) as exc:
            raise SweepError(
                [f"{path}: damaged: cannot read it ({exc}); {RESUME_HINT.format(root=self.root)}"]
            ) from None

    def read_runs(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All finished runs, one row each, ordered by run index."""
        cols = list(columns) if columns is not None else None
        if cols is not None and "run" not in cols:
            cols = ["run", *cols]
        tables = [self._read(path, cols) for _, path in self.parts(RUNS)]
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
        tables = [self._read(path, cols, filters) for n, path in parts if n in done]
        if not tables:
            return pd.DataFrame(columns=cols or ["run"])
        frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        key = ["run", "round"] if "round" in frame.columns else ["run"]
        frame = frame.drop_duplicates(key, keep="first").sort_values(key, kind="stable")
        return frame.reset_index(drop=True)


def _is_chunk(name: str) -> bool:
    return name.startswith((f"{RUNS}/", f"{TRAJECTORIES}/"))


def _number(name: str) -> int:
    match = PART.match(name.rsplit("/", 1)[-1])
    return int(match.group(1)) if match else -1

"""A sweep's manifest (``DIR/manifest.json``): the JSON types its readers rely on, the
versions recorded, and whether a spec may resume the sweep it describes.

The manifest is read as data: before the runner or ``analyze`` use a field,
``manifest_problems`` checks that every field they read has its JSON type, so a damaged
or hand-edited manifest is a clear error naming the fields, never an ``AttributeError``.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import negotiation_sim
from negotiation_sim.sweep.spec import SweepSpec

_INT = (int,)
_STR = (str,)
_BOOL = (bool,)
_DICT = (dict,)
_LIST = (list,)
_NONE = (type(None),)

#: dotted field -> JSON types allowed (fields may be absent; ``*`` is any key or item)
FIELDS: dict[str, tuple[type, ...]] = {
    "status": _STR,
    "created": _STR,
    "updated": _STR,
    "package_version": _STR,
    "versions": _DICT,
    "spec_digest": _STR,
    "spec": _DICT,
    "spec.name": _STR + _NONE,
    "spec.design": _STR,
    "spec.samples": _INT + _NONE,
    "spec.replicates": _INT,
    "spec.seed": _INT,
    "spec.levels": _INT + _NONE,
    "spec.second_order": _BOOL,
    "spec.parameters": _LIST,
    "spec.parameters.*": _DICT,
    "spec.parameters.*.name": _STR,
    "scenario": _DICT,
    "scenario.digest": _STR,
    "scenario.source": _STR,
    "design": _DICT,
    "points": _INT,
    "runs": _DICT,
    "runs.total": _INT,
    "runs.done": _INT,
    "runs.pending": _INT,
    "runs.failed": _INT,
    "parts": _INT,
    "sessions": _LIST,
    "sessions.*": _DICT,
    "files": _DICT,
    "files.*": _DICT,
    "files.*.sha256": _STR,
    "files.*.bytes": _INT,
    "files.*.rows": _INT,
    "columns": _LIST,
    "trajectory_columns": _LIST,
}
_NAMES = {int: "a whole number", float: "a number", str: "a string", bool: "true or false"}
_NAMES |= {dict: "an object", list: "an array", type(None): "null"}


def _kind(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _values(data: Any, parts: list[str], prefix: str = "") -> list[tuple[str, Any]]:
    """The (path, value) pairs at a dotted path with ``*`` wildcards (absent: none)."""
    if not parts:
        return [(prefix, data)]
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(data, dict):
            items = list(data.items())
        elif isinstance(data, list):
            items = list(enumerate(data))
        else:
            return []
        out = []
        for key, value in items:
            label = f"[{key}]" if isinstance(data, list) else f"[{json.dumps(key)}]"
            out += _values(value, rest, prefix + label)
        return out
    if not isinstance(data, dict) or head not in data:
        return []
    return _values(data[head], rest, f"{prefix}.{head}" if prefix else head)


def manifest_problems(data: dict[str, Any]) -> list[str]:
    """Every field of ``data`` whose JSON type is not the one the readers expect."""
    problems = []
    for dotted, kinds in FIELDS.items():
        for path, value in _values(data, dotted.split(".")):
            # JSON has no int/float distinction for whole floats; bool is not a number
            ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
            if not ok:
                allowed = " or ".join(_NAMES[k] for k in kinds)
                shown = repr(value)
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                problems.append(f"{path}: expected {allowed}, got {_kind(value)} {shown}")
    return problems


def versions() -> dict[str, str]:
    """The versions of what decides results (recorded in every manifest)."""
    import mesa

    return {
        "negotiation_sim": negotiation_sim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "mesa": mesa.__version__,
    }


def spec_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Keys of the spec that differ, leaving out titles and paths."""
    skip = {"name", "description", "source", "scenario"}
    return [k for k in sorted(set(old) | set(new)) if k not in skip and old.get(k) != new.get(k)]


def check_resume(manifest: dict[str, Any], spec: SweepSpec, root: Path) -> list[str]:
    """Problems that forbid resuming ``manifest``'s sweep with ``spec`` (empty if none).
    ``manifest`` has passed ``manifest_problems``."""
    missing = [k for k in ("spec_digest", "spec", "scenario") if k not in manifest]
    if "scenario" in manifest and "digest" not in manifest["scenario"]:
        missing.append("scenario.digest")
    if missing:
        return [
            f"{root / 'manifest.json'}: cannot resume: the manifest lacks "
            f"{', '.join(missing)}; start a new sweep with another --out"
        ]
    old_scenario = manifest["scenario"]["digest"]
    if old_scenario != spec.scenario_file_digest:
        return [
            f"{root}: cannot resume: the scenario differs from the one this sweep started "
            f"with (hash {old_scenario[:12]} in {root / 'manifest.json'}, "
            f"{spec.scenario_file_digest[:12]} now from {spec.scenario.source}); restore it, or "
            "start a new sweep with another --out"
        ]
    if manifest["spec_digest"] != spec.digest:
        changed = spec_changes(manifest["spec"], spec.to_dict())
        return [
            f"{root}: cannot resume: {spec.source} differs from the spec this sweep started "
            f"with (changed: {', '.join(changed) or 'unknown'}); the started spec is in "
            f"{root / 'spec.toml'}"
        ]
    return []

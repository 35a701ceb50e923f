"""Files shipped inside the package, found through ``importlib.resources``, so they are
found the same way from a checkout (editable install) and from an installed wheel.

The scenarios, session configs and sweep specs live in the repository's top-level
``scenarios/`` folder, which ``setup.py`` installs as the data package
``negotiation_sim.scenarios`` (session configs in ``sessions/``, sweep specs in
``sweeps/``). Other package data (the app's ``.vue`` template) sits beside its module.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

DATA_PACKAGE = "negotiation_sim.scenarios"
#: the kinds of shipped file and their folder in the data package
SCENARIOS = "scenarios"
SESSIONS = "sessions"
SWEEPS = "sweeps"
FOLDERS = {SCENARIOS: (), SESSIONS: ("sessions",), SWEEPS: ("sweeps",)}
#: the back-test episodes (top-level ``episodes/``) and their calibration specs
EPISODE_PACKAGE = "negotiation_sim.episodes"
EPISODES = "episodes"
CALIBRATIONS = "calibrations"
PACKAGES = {EPISODES: (EPISODE_PACKAGE, ()), CALIBRATIONS: (EPISODE_PACKAGE, ("calibration",))}

_extracted = contextlib.ExitStack()  # files copied out of a zipped install, kept until exit
atexit.register(_extracted.close)


@functools.cache
def package_file(package: str, *parts: str) -> Path:
    """A file or folder of ``package`` as a real path (copied out once if the package is
    installed zipped, which pip never does)."""
    node = resources.files(package).joinpath(*parts) if parts else resources.files(package)
    return _extracted.enter_context(resources.as_file(node))


def shipped_dir(kind: str = SCENARIOS) -> Path:
    """The folder of the shipped files of ``kind`` (``SCENARIOS``, ``SESSIONS``, ``SWEEPS``,
    ``EPISODES``, ``CALIBRATIONS``)."""
    if kind in PACKAGES:
        package, parts = PACKAGES[kind]
        return package_file(package, *parts)
    return package_file(DATA_PACKAGE, *FOLDERS[kind])


def shipped(kind: str = SCENARIOS) -> dict[str, Path]:
    """The shipped files of ``kind`` by name (file stem), sorted by name."""
    return {p.stem: p for p in sorted(shipped_dir(kind).glob("*.toml"))}


def find_shipped(name: str, kind: str = SCENARIOS) -> Path | None:
    """The shipped file of ``kind`` called ``name`` (with or without ``.toml``), or ``None``."""
    folder = shipped_dir(kind)
    for candidate in (folder / name, folder / f"{name}.toml"):
        if candidate.suffix == ".toml" and candidate.is_file():
            return candidate
    return None

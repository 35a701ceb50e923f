"""Calibration specs: which scenario parameters to fit (dotted paths with prior ranges), to
which episodes, which episodes to hold out, and the size of the ABC-SMC run.

``load_calibration("steel_and_china")`` reads a shipped spec (``episodes/calibration/``)
or a path; episodes are names or paths relative to the spec file. A bad spec raises
``EpisodeError`` with every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiation_sim.backtest.episode import (
    Episode,
    EpisodeError,
    find_file,
    load_episode,
)
from negotiation_sim.backtest.schema import MAX_RUNS, TEXT_CHARS
from negotiation_sim.config import kinds
from negotiation_sim.config.schema import ListOf, Num, Problem, Str, Table, lookup
from negotiation_sim.config.toml import Format
from negotiation_sim.core.resources import CALIBRATIONS, shipped_dir
from negotiation_sim.scenario import ScenarioError
from negotiation_sim.scenario.spec import SCENARIO

#: the shipped calibration specs (package data, ``core.resources``)
CALIBRATION_DIR = shipped_dir(CALIBRATIONS)

CALIBRATION = Table(
    doc="An ABC-SMC calibration of scenario parameters to back-test episodes.",
    fields={
        "calibration": Table(
            fields={
                "name": Str(doc="Title."),
                "description": Str(default="", max_length=TEXT_CHARS),
                "episodes": ListOf(item=Str(), min_items=1, doc="Episodes to fit."),
                "holdout": ListOf(item=Str(), default=[], doc="Episodes only scored."),
                "runs": Num(
                    low=1,
                    high=MAX_RUNS,
                    integer=True,
                    default=20,
                    doc="Runs per episode for each candidate parameter set.",
                ),
                "population": Num(
                    low=2,
                    high=100_000,
                    integer=True,
                    default=16,
                    doc="Particles per ABC-SMC generation.",
                ),
                "generations": Num(
                    low=1, high=1_000, integer=True, default=3, doc="ABC-SMC generations at most."
                ),
                "seed": Num(
                    low=0,
                    high=2**32 - 1,
                    integer=True,
                    default=0,
                    doc="Seed of the sampler's proposals.",
                ),
            }
        ),
        "parameters": ListOf(
            min_items=1,
            item=Table(
                fields={
                    "path": Str(doc="Dotted scenario path, e.g. economy.elasticity."),
                    "range": ListOf(item=Num(), min_items=2, doc="[low, high]: uniform prior."),
                    "why": Str(
                        default="", max_length=TEXT_CHARS, doc="Why this parameter and range."
                    ),
                }
            ),
        ),
    },
)


@dataclass(frozen=True)
class Parameter:
    path: str
    low: float
    high: float
    integer: bool = False
    why: str = ""

    def value(self, x: float) -> float | int:
        """A proposed value as the scenario takes it (whole numbers rounded)."""
        return round(x) if self.integer else float(x)


@dataclass(frozen=True)
class Calibration:
    name: str
    description: str
    source: str
    episodes: tuple[Episode, ...]
    holdout: tuple[Episode, ...]
    parameters: tuple[Parameter, ...]
    runs: int
    population: int
    generations: int
    seed: int

    @property
    def stem(self) -> str:
        return Path(self.source).stem

    def overrides(self, values: dict[str, float]) -> dict[str, Any]:
        return {p.path: p.value(values[p.path]) for p in self.parameters}


#: how calibration specs are read (``config.toml``)
FORMAT = Format(kinds.CALIBRATION, CALIBRATION, EpisodeError)


def list_calibrations() -> list[str]:
    return sorted(p.stem for p in CALIBRATION_DIR.glob("*.toml"))


def resolve_calibration(name: str | Path) -> Path:
    """A spec path: an existing file, or a name in ``episodes/calibration/``."""
    return find_file(name, (CALIBRATION_DIR,), "calibration spec", list_calibrations())


def load_calibration(name: str | Path) -> Calibration:
    """Read and validate a calibration spec and the episodes it names."""
    file = resolve_calibration(name)
    source = str(file)
    data, problems = FORMAT.validate(FORMAT.load(file), source)
    messages: list[str] = []
    episodes: dict[str, list[Episode]] = {"episodes": [], "holdout": []}
    meta = data.get("calibration") if isinstance(data, dict) else None
    for key in episodes:
        names = meta.get(key) if isinstance(meta, dict) else None
        for i, name in enumerate(names if isinstance(names, list) else []):
            if not isinstance(name, str):
                continue
            local = file.parent / name
            try:
                episodes[key].append(load_episode(local if local.is_file() else name))
            except ScenarioError as exc:
                where = f"{source}: calibration.{key}[{i}]"
                messages += [f"{where}: {m}" for m in exc.messages]
    parameters = _parameters(data, problems)
    everything = episodes["episodes"] + episodes["holdout"]
    if not problems and not messages:
        messages += _check_paths(parameters, everything, source)
    messages = [p.render(source) for p in problems] + messages
    if messages:
        FORMAT.fail(messages, source)
    return Calibration(
        name=meta["name"],
        description=meta["description"],
        source=source,
        episodes=tuple(episodes["episodes"]),
        holdout=tuple(episodes["holdout"]),
        parameters=tuple(parameters),
        runs=meta["runs"],
        population=meta["population"],
        generations=meta["generations"],
        seed=meta["seed"],
    )


def _parameters(data: Any, problems: list[Problem]) -> list[Parameter]:
    items = data.get("parameters") if isinstance(data, dict) else None
    out: list[Parameter] = []
    seen: set[str] = set()
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        base = f"parameters[{i}]"
        path, span = item.get("path"), item.get("range")
        node = lookup(SCENARIO, path.split(".")) if isinstance(path, str) else None
        if isinstance(path, str):
            if not isinstance(node, Num):
                problems.append(
                    Problem(
                        f"{base}.path",
                        path,
                        "a dotted path to a numeric scenario field",
                        "not a numeric scenario field",
                    )
                )
            elif path in seen:
                problems.append(Problem(f"{base}.path", path, "each path once", "repeated"))
            seen.add(path)
        ok = isinstance(span, list) and len(span) == 2 and all(isinstance(v, float) for v in span)
        if isinstance(span, list) and not ok and len(span) != 2:
            problems.append(Problem(f"{base}.range", span, "[low, high]", "not a pair"))
        elif ok and not span[0] < span[1]:
            problems.append(Problem(f"{base}.range", span, "[low, high] with low < high", "empty"))
        elif ok and isinstance(node, Num):
            out.append(Parameter(path, span[0], span[1], node.integer, item.get("why", "")))
    return out


def _check_paths(parameters: list[Parameter], episodes: list[Episode], source: str) -> list[str]:
    """Every parameter must apply to every episode's scenario at both ends of its range."""
    out = []
    for i, p in enumerate(parameters):
        for ep in episodes:
            for end in (p.low, p.high):
                try:
                    ep.with_overrides({p.path: p.value(end)})
                except ScenarioError as exc:
                    out += [
                        f"{source}: parameters[{i}] ({p.path} = {p.value(end)!r}) on episode "
                        f"{ep.stem}: {m}"
                        for m in exc.messages
                    ]
                    break
    return out

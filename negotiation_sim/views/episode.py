"""Episode files: reading, validation (every problem at once) and the typed episode.

``load_episode("us_china_2018")`` finds a shipped episode by name (``episodes/``) or reads
a path; a bad file raises ``EpisodeError`` listing every problem with the file, the field,
the value and what is allowed, as scenario files do. The format: ``views.episode_schema``
and ``docs/episodes.md``. It lives below the front ends and ``backtest`` (which run and
score episodes) so that the app can read episodes too: they may not import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from negotiation_sim.config import kinds
from negotiation_sim.config.schema import Problem
from negotiation_sim.config.toml import Format
from negotiation_sim.core.resources import EPISODES, shipped_dir
from negotiation_sim.game.calendar import round_of
from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario
from negotiation_sim.views.episode_schema import EPISODE

#: record columns named first when a column is unknown
POLICY_COLUMNS = ("tariff_", "control_", "escalation_")
#: the shipped episodes (package data, ``core.resources``)
EPISODE_DIR = shipped_dir(EPISODES)


class EpisodeError(ScenarioError):
    """Invalid episode input; ``messages`` lists every problem, one per line."""


#: how episode files are read (size, nesting and kind guards: ``config.toml``)
FORMAT = Format(kinds.EPISODE, EPISODE, EpisodeError)


@dataclass(frozen=True)
class Observation:
    column: str
    date: dt.date
    value: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str
    party: str
    label: str
    source: str


@dataclass(frozen=True)
class Target:
    """One target. ``round`` is the round holding ``date`` (``level``, ``outcome``);
    ``first``..``last`` the rounds of the window ``start``..``end`` (``deal_struck``,
    ``max_level``). Rounds count from 1."""

    id: str
    kind: str
    source: str = ""
    why: str = ""
    column: str = ""
    date: dt.date | None = None
    round: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    first: int = 0
    last: int = 0
    observed: float = 0.0
    tolerance: float = 0.0
    value: float = 0.0
    kinds: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    min_share: float = 0.0
    max_share: float | None = None


@dataclass(frozen=True)
class Episode:
    """A validated episode: its scenario (with the episode's overrides and horizon), the
    ensemble to run, its sources, observations, events and targets."""

    name: str
    description: str
    source: str
    scenario: Scenario
    runs: int
    seed: int
    sources: dict[str, str]
    observed: tuple[Observation, ...]
    events: tuple[Event, ...]
    targets: tuple[Target, ...]
    overrides: tuple[tuple[str, Any], ...] = ()

    @property
    def stem(self) -> str:
        return Path(self.source).stem

    @property
    def rounds(self) -> int:
        return self.scenario.rounds

    @property
    def start(self) -> dt.date:
        return self.scenario.data["scenario"]["start_date"]

    @property
    def round_days(self) -> int:
        return self.scenario.data["scenario"]["round_days"]

    @property
    def last_day(self) -> dt.date:
        """The last day of the horizon."""
        return _horizon(self.scenario)[1]

    def date_of(self, round_: int) -> dt.date:
        return self.start + dt.timedelta(days=(round_ - 1) * self.round_days)

    def with_overrides(self, overrides: dict[str, Any]) -> Episode:
        """This episode on its scenario with more dotted overrides (``ScenarioError``)."""
        return replace(
            self,
            scenario=self.scenario.with_overrides(overrides),
            overrides=self.overrides + tuple(overrides.items()),
        )

    def columns(self) -> tuple[str, ...]:
        """The numeric record columns the targets read."""
        return tuple(dict.fromkeys(t.column for t in self.targets if t.column))


# ---------------------------------------------------------------------------- finding
def list_episodes() -> list[str]:
    """Names of the shipped episodes."""
    return sorted(p.stem for p in EPISODE_DIR.glob("*.toml"))


def find_file(name: str | Path, folders: tuple[Path, ...], what: str, known: list[str]) -> Path:
    """An existing file ``name``, or ``name`` (with or without ``.toml``) in ``folders``;
    else ``EpisodeError`` naming the ``known`` shipped ones."""
    path = Path(name)
    if path.is_file():
        return path
    for folder in folders:
        for candidate in (folder / str(name), folder / f"{name}.toml"):
            if candidate.is_file():
                return candidate
    raise EpisodeError([f"{name}: no such {what}; known: {', '.join(known) or 'none'}"])


def resolve_episode(name: str | Path) -> Path:
    """An episode path: an existing file, or a name in ``episodes/``."""
    folders = (EPISODE_DIR, Path.cwd() / "episodes")
    return find_file(name, folders, "episode file", list_episodes())


def load_episode(name: str | Path) -> Episode:
    """Read and validate an episode (a path or a name in ``episodes/``)."""
    file = resolve_episode(name)
    return loads_episode(FORMAT.read(file), source=str(file), base=file.parent)


def loads_episode(text: str, source: str = "<text>", base: Path | None = None) -> Episode:
    """Validate episode TOML given as text; a relative scenario path is read from ``base``."""
    return episode_from_dict(FORMAT.loads(text, source), source, base)


def episode_from_dict(
    raw: dict[str, Any], source: str = "<dict>", base: Path | None = None
) -> Episode:
    """Validate an episode given as nested data (the TOML file's structure)."""
    data, problems = FORMAT.validate(raw, source)
    scenario_messages: list[str] = []
    scenario = None
    if isinstance(data, dict) and isinstance(data.get("episode"), dict):
        scenario, scenario_messages = _scenario(data["episode"], base, problems)
    if isinstance(data, dict):
        problems += cross_check(data, scenario)
    messages = [p.render(source) for p in problems]
    messages += [f"{source}: episode.scenario: {m}" for m in scenario_messages]
    if messages:
        FORMAT.fail(messages, source)
    assert scenario is not None
    return _build(data, source, scenario)


def _scenario(
    meta: dict[str, Any], base: Path | None, problems: list[Problem]
) -> tuple[Scenario | None, list[str]]:
    """The episode's scenario with its overrides and horizon, or the reasons it has none."""
    name = meta.get("scenario")
    if not isinstance(name, str):
        return None, []  # reported by the schema
    overrides = _flatten(meta.get("overrides"), "")
    if overrides is None:
        problems.append(
            Problem("episode.overrides", meta.get("overrides"), "a table of path = value", "bad")
        )
        return None, []
    if any(p.path == "episode.rounds" for p in problems):
        return None, []  # a bad horizon is reported by the schema
    if meta.get("rounds") is not None:
        overrides = {**overrides, "scenario.rounds": meta["rounds"]}
    path = Path(name)
    local = (base / path) if base is not None and not path.is_absolute() else path
    try:
        return load_scenario(local if local.is_file() else name, overrides or None), []
    except ScenarioError as exc:
        return None, exc.messages


def _flatten(value: Any, prefix: str) -> dict[str, Any] | None:
    """``{"economy": {"elasticity": 3}}`` (or ``{"economy.elasticity": 3}``) to dotted
    pairs; ``None`` if ``value`` is not a table."""
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    for key, sub in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(sub, dict) and sub:
            out.update(_flatten(sub, path) or {})
        else:
            out[path] = sub
    return out


# ---------------------------------------------------------------------------- checks
_COLUMNS: dict[str, dict[str, bool]] = {}


def record_columns(scenario: Scenario) -> dict[str, bool]:
    """The columns of ``scenario``'s per-round record, each with whether it is numeric
    (read from a one-round run, so they are whatever the model records)."""
    from negotiation_sim.run import run_simulation

    if scenario.digest not in _COLUMNS:
        frame = run_simulation(scenario, 0, rounds=1, stage_game=False).trajectory
        _COLUMNS[scenario.digest] = {c: frame[c].dtype.kind in "biuf" for c in frame.columns}
    return _COLUMNS[scenario.digest]


def cross_check(data: dict[str, Any], scenario: Scenario | None) -> list[Problem]:
    """Checks across fields: sources cited, ids unique, windows ordered, and (with the
    scenario) columns in its record, dates in its horizon, parties among its governments.
    Entries whose own fields are invalid are skipped (the schema reported them)."""
    out: list[Problem] = []
    sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    keys = ", ".join(sources) or "none (add a [sources] table)"
    columns = None
    if scenario is not None:
        from negotiation_sim.strategies import MoveRequired

        try:
            columns = record_columns(scenario)
        except MoveRequired as exc:
            human = "a computer fallback for every Human strategy"
            out.append(Problem("episode.scenario", scenario.stem, human, f"cannot run: {exc}"))
            scenario = None
    horizon = _horizon(scenario) if scenario is not None else None
    sections = [(name, data.get(name)) for name in ("observed", "events", "targets")]
    ids: set[str] = set()
    for name, items in sections:
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            base = f"{name}[{i}]"
            src = item.get("source")
            if isinstance(src, str) and src not in sources:
                out.append(
                    Problem(f"{base}.source", src, f"a key of [sources]: {keys}", "unknown source")
                )
            for key in ("date", "from", "to"):
                when = item.get(key)
                if horizon is not None and isinstance(when, dt.date):
                    first, last = horizon
                    if not first <= when <= last:
                        out.append(
                            Problem(
                                f"{base}.{key}",
                                when.isoformat(),
                                f"a date in the horizon, {first} to {last}",
                                "outside the horizon",
                            )
                        )
            start, end = item.get("from"), item.get("to")
            if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
                out.append(
                    Problem(f"{base}.to", end.isoformat(), f"on or after from = {start}", "early")
                )
            column = item.get("column")
            if columns is not None and isinstance(column, str):
                # the policy columns first: a long list is cut in the message
                numeric = sorted(
                    (c for c, num in columns.items() if num and c != "round"),
                    key=lambda c: (not c.startswith(POLICY_COLUMNS), c),
                )
                if column not in columns or not columns[column]:
                    out.append(
                        Problem(
                            f"{base}.column",
                            column,
                            "a numeric column of the scenario's record: " + ", ".join(numeric),
                            "unknown column",
                        )
                    )
            party = item.get("party")
            if name == "events" and scenario is not None and isinstance(party, str) and party:
                govs = scenario.data["governments"]
                if party not in govs:
                    out.append(
                        Problem(
                            f"{base}.party",
                            party,
                            '"" (both) or a government of the scenario: ' + ", ".join(govs),
                            "unknown government",
                        )
                    )
            if name == "targets":
                out += _check_target(base, item, ids)
    return out


def _check_target(base: str, item: dict[str, Any], ids: set[str]) -> list[Problem]:
    out = []
    tid = item.get("id")
    if isinstance(tid, str):
        if not tid.strip():
            out.append(Problem(f"{base}.id", tid, "a non-empty id", "empty"))
        elif tid in ids:
            out.append(Problem(f"{base}.id", tid, "an id used by no other target", "repeated"))
        ids.add(tid)
    low, high = item.get("min_share"), item.get("max_share")
    if isinstance(low, float) and isinstance(high, float) and high < low:
        out.append(Problem(f"{base}.max_share", high, f"at least min_share = {low}", "too low"))
    return out


def _horizon(scenario: Scenario) -> tuple[dt.date, dt.date]:
    meta = scenario.data["scenario"]
    start: dt.date = meta["start_date"]
    return start, start + dt.timedelta(days=meta["rounds"] * meta["round_days"] - 1)


# ---------------------------------------------------------------------------- building
def _build(data: dict[str, Any], source: str, scenario: Scenario) -> Episode:
    meta = data["episode"]
    start = scenario.data["scenario"]["start_date"]
    days = scenario.data["scenario"]["round_days"]

    def rnd(date: dt.date | None) -> int:
        return round_of(date, start, days) if date is not None else 0

    targets = []
    for t in data["targets"]:
        kinds = tuple(t.get("kinds") or ()) or tuple(t.get("outcomes") or ())
        targets.append(
            Target(
                id=t["id"],
                kind=t["kind"],
                source=t["source"],
                why=t["why"],
                column=t.get("column") or "",
                date=t.get("date"),
                round=rnd(t.get("date")),
                start=t.get("from"),
                end=t.get("to"),
                first=rnd(t.get("from")),
                last=rnd(t.get("to")),
                observed=t.get("observed", 0.0),
                tolerance=t.get("tolerance", 0.0),
                value=t.get("value", 0.0),
                kinds=kinds if t["kind"] == "deal_struck" else (),
                outcomes=kinds if t["kind"] == "outcome" else (),
                min_share=t.get("min_share", 0.0),
                max_share=t.get("max_share"),
            )
        )
    return Episode(
        name=meta["name"],
        description=meta["description"],
        source=source,
        scenario=scenario,
        runs=meta["runs"],
        seed=meta["seed"],
        sources=dict(data["sources"]),
        observed=tuple(Observation(**o) for o in data["observed"]),
        events=tuple(Event(**e) for e in data["events"]),
        targets=tuple(targets),
        overrides=tuple((_flatten(meta["overrides"], "") or {}).items()),
    )

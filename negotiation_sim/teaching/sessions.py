"""Session configs: what a teacher launches for a class, like oTree's SESSION_CONFIGS.

A session config is a small TOML file in ``scenarios/sessions/`` (or in a folder named by
``NEGOTIATION_SIM_SESSIONS_DIR``, several separated by ``os.pathsep``)::

    [session]
    name = "The tariff dilemma"
    scenario = "classroom_basic"     # a scenario name or path
    mode = "computer"                # "computer": each student plays the computer;
                                     # "pair": students are paired by arrival
    rounds = 10                      # 1-1000; 0 = the scenario's own (at most 1000)
    seed = 1                         # every game of the session uses this seed
    seats = ["north", "south"]       # sides students may take ([] = both parties)
    overrides = ["negotiation.perception_noise=0.05"]   # as the CLI's --set
    exercise = "docs/teaching/01-tariff-dilemma.md"

    [opponent]                       # the computer's strategy (mode = "computer")
    strategy = "TitForTat"           # "" = the scenario's own strategy for that seat
    params = {}

    [timing]
    move_time_limit = 120            # seconds per move, 0 = no limit
    join_time_limit = 0              # pair mode: seconds to wait for a partner, 0 = wait
    absent_after = 45                # seconds without the student's page before takeover
    takeover_strategy = "TitForTat"  # plays a seat whose student left or stalled
    takeover_params = {}

    [show]                           # what students see during play
    opponent_strategy = false        # false = blind play (revealed in the debrief)
    stage_game = true                # the payoff estimate of each choice
    partner_payoffs = false          # the partner's column of the stage game too
    firms = true                     # what the student's firms are lobbying for
    events = true                    # the scheduled events and deadlines ahead

    [debrief]
    counterfactuals = true           # payoff of every library strategy in the same seat
    ensemble_seeds = 8               # seeds per strategy in the ensemble comparison

Files are checked with the schema DSL of scenarios (``negotiation_sim.config.schema``), so
an error names the file, the field, the bad value and what is allowed, as scenario errors
do, every problem at once. A config built in code (the Play page's form, ``adhoc_config``,
``with_changes``) goes through the same checks (``check_config``).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from negotiation_sim.config import kinds
from negotiation_sim.config.schema import (
    Any_,
    Bool,
    Broken,
    ListOf,
    Num,
    Problem,
    Str,
    Table,
)
from negotiation_sim.config.toml import Format
from negotiation_sim.core.resources import SESSIONS, shipped_dir
from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario
from negotiation_sim.scenario.checks import check_strategy

SESSIONS_DIR = shipped_dir(SESSIONS)  # the shipped session configs (package data)
MODES = ("computer", "pair")
#: longest class game: a debrief replays every round for each library strategy, so
#: rounds cost server CPU (a 3,000-round game took 118 s); the scenario's own horizon
#: (``rounds = 0``) must fit too
MAX_ROUNDS = 1000
#: the file kind (``config.kinds``), for callers that pick a loader by a file's look
KIND = kinds.SESSION

SESSION = Table(
    fields={
        "session": Table(
            fields={
                "name": Str(
                    doc="title shown to students and in the instructor view", max_length=200
                ),
                "description": Str(
                    default="", doc="one paragraph for the teacher", max_length=10_000
                ),
                "scenario": Str(doc="scenario name in scenarios/ or a path"),
                "mode": Str(default="computer", choices=MODES),
                "rounds": Num(default=0, low=0, high=MAX_ROUNDS, integer=True),
                "seed": Num(default=1, low=0, high=2**63 - 1, integer=True),
                "seats": ListOf(default=[], item=Str(ident=True), max_items=2),
                "overrides": ListOf(default=[], item=Str(), max_items=1000),
                "exercise": Str(default=""),
            }
        ),
        "opponent": Table(
            default={},
            fields={
                "strategy": Str(default=""),
                "params": Any_(default={}),
            },
        ),
        "timing": Table(
            default={},
            fields={
                "move_time_limit": Num(default=0.0, low=0.0, high=86400.0),
                "join_time_limit": Num(default=0.0, low=0.0, high=86400.0),
                "absent_after": Num(default=45.0, low=1.0, high=86400.0),
                "takeover_strategy": Str(default="TitForTat"),
                "takeover_params": Any_(default={}),
            },
        ),
        "show": Table(
            default={},
            fields={
                "opponent_strategy": Bool(default=False),
                "stage_game": Bool(default=True),
                "partner_payoffs": Bool(default=False),
                "firms": Bool(default=True),
                "events": Bool(default=True),
            },
        ),
        "debrief": Table(
            default={},
            fields={
                "counterfactuals": Bool(default=True),
                "ensemble_seeds": Num(default=8, low=0, high=1000, integer=True),
            },
        ),
    }
)


class SessionError(ScenarioError):
    """An invalid session config; ``messages`` lists every problem, one per line."""


FORMAT = Format(KIND, SESSION, SessionError)
SECTIONS = ("opponent", "timing", "show", "debrief")  # optional: an empty table = defaults


def looks_like_session(raw: Any) -> bool:
    """Whether parsed TOML looks like a session config (by its top-level tables)."""
    return kinds.looks_like(raw) == KIND


@dataclass(frozen=True)
class Show:
    opponent_strategy: bool = False
    stage_game: bool = True
    partner_payoffs: bool = False
    firms: bool = True
    events: bool = True


@dataclass(frozen=True)
class SessionConfig:
    """A validated session config (see the module docstring for the fields)."""

    id: str
    name: str
    scenario: str
    description: str = ""
    mode: str = "computer"
    rounds: int | None = None
    seed: int = 1
    seats: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    exercise: str = ""
    opponent: str = ""
    opponent_params: dict[str, float] = field(default_factory=dict)
    move_time_limit: float = 0.0
    join_time_limit: float = 0.0
    absent_after: float = 45.0
    takeover: str = "TitForTat"
    takeover_params: dict[str, float] = field(default_factory=dict)
    show: Show = field(default_factory=Show)
    counterfactuals: bool = True
    ensemble_seeds: int = 8
    source: str = "<code>"
    parties: tuple[str, str] = ("", "")
    party_names: tuple[str, str] = ("", "")

    def with_changes(self, **changes: Any) -> SessionConfig:
        """A copy with fields changed and checked again (raises ``SessionError``)."""
        config = replace(self, **changes)
        return check_config(config)

    def seat_choices(self) -> tuple[str, ...]:
        return self.seats or self.parties

    def describe_opponent(self) -> str:
        from negotiation_sim.teaching.game import strategy_label

        return strategy_label(self.opponent, self.opponent_params) if self.opponent else ""


def session_dirs() -> list[Path]:
    """Folders searched for session configs: ``scenarios/sessions`` and any folders named
    in ``NEGOTIATION_SIM_SESSIONS_DIR``."""
    dirs = [SESSIONS_DIR]
    extra = os.environ.get("NEGOTIATION_SIM_SESSIONS_DIR", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs


def list_sessions(dirs: list[Path] | None = None) -> dict[str, Path]:
    """Session config ids (file stems) and their files; later folders win on a clash."""
    out: dict[str, Path] = {}
    for folder in dirs or session_dirs():
        for path in sorted(Path(folder).glob("*.toml")):
            out[path.stem] = path
    return out


def load_sessions(dirs: list[Path] | None = None) -> tuple[dict[str, SessionConfig], list[str]]:
    """Every valid session config by id, and the error messages of the invalid ones."""
    configs, errors = {}, []
    for sid, path in list_sessions(dirs).items():
        try:
            configs[sid] = load_session(path)
        except SessionError as exc:
            errors.extend(exc.messages)
    return configs, errors


def load_session(path: str | Path) -> SessionConfig:
    """Read and check a session config file (a path or an id in the session folders)."""
    file = Path(path)
    if not file.is_file():
        known = list_sessions()
        if str(path) in known:
            file = known[str(path)]
        else:
            raise SessionError(
                [f"{path}: no such session config; known: {', '.join(known) or 'none'}"]
            )
    return loads_session(FORMAT.read(file), source=str(file), sid=file.stem)


def loads_session(text: str, source: str = "<text>", sid: str = "session") -> SessionConfig:
    return session_from_dict(FORMAT.loads(text, source), source=source, sid=sid)


def session_from_dict(
    raw: dict[str, Any], source: str = "<dict>", sid: str = "session"
) -> SessionConfig:
    """Validate a session config given as nested data; every problem is reported."""
    if isinstance(raw, dict):  # optional sections: validate an empty table to get defaults
        raw = {**{k: {} for k in SECTIONS}, **raw}
    data, problems = FORMAT.validate(raw, source)
    scenario, extra = _check(data, problems, source)
    if problems or extra:
        FORMAT.fail_problems(problems, source, extra)
    s, opp, timing, show, deb = (data[k] for k in ("session", *SECTIONS))
    config = SessionConfig(
        id=sid,
        name=s["name"],
        description=" ".join(s["description"].split()),
        scenario=s["scenario"],
        mode=s["mode"],
        rounds=s["rounds"] or None,
        seed=s["seed"],
        seats=tuple(s["seats"]),
        overrides=tuple(s["overrides"]),
        exercise=s["exercise"],
        opponent=opp["strategy"],
        opponent_params=dict(opp["params"] or {}),
        move_time_limit=timing["move_time_limit"],
        join_time_limit=timing["join_time_limit"],
        absent_after=timing["absent_after"],
        takeover=timing["takeover_strategy"],
        takeover_params=dict(timing["takeover_params"] or {}),
        show=Show(**show),
        counterfactuals=deb["counterfactuals"],
        ensemble_seeds=deb["ensemble_seeds"],
        source=source,
    )
    return _with_parties(config, scenario)


def check_config(config: SessionConfig) -> SessionConfig:
    """Check a config built in code (the play page's form, ``with_changes``) exactly as a
    file is checked: every field against the schema's range, then the cross-field checks.
    Raises ``SessionError`` with every problem; fills ``parties``."""
    data, problems = FORMAT.validate(_as_raw(config), config.source)
    if config.rounds == 0:  # in code, None (not 0) asks for the scenario's own rounds
        problems.append(
            Problem("session.rounds", 0, f"a whole number from 1 to {MAX_ROUNDS}, or None", "bad")
        )
    scenario, extra = _check(data, problems, config.source)
    if problems or extra:
        FORMAT.fail_problems(problems, config.source, extra)
    return _with_parties(config, scenario)


def _as_raw(config: SessionConfig) -> dict[str, Any]:
    """A config in the structure of its TOML file."""
    return {
        "session": {
            "name": config.name,
            "description": config.description,
            "scenario": config.scenario,
            "mode": config.mode,
            "rounds": 0 if config.rounds is None else config.rounds,
            "seed": config.seed,
            "seats": list(config.seats),
            "overrides": list(config.overrides),
            "exercise": config.exercise,
        },
        "opponent": {"strategy": config.opponent, "params": config.opponent_params},
        "timing": {
            "move_time_limit": config.move_time_limit,
            "join_time_limit": config.join_time_limit,
            "absent_after": config.absent_after,
            "takeover_strategy": config.takeover,
            "takeover_params": config.takeover_params,
        },
        "show": asdict(config.show),
        "debrief": {
            "counterfactuals": config.counterfactuals,
            "ensemble_seeds": config.ensemble_seeds,
        },
    }


def _check(data: Any, problems: list[Problem], source: str) -> tuple[Scenario | None, list[str]]:
    """Cross-field checks, each run when its fields passed the schema: the scenario loads
    with the overrides and fits the round limit, the seats are its parties, the
    strategies exist with valid parameters. Appends to ``problems``; returns the scenario
    and the scenario's own messages (already rendered, with their file)."""
    broken = Broken(problems)
    ok = broken.ok
    found: list[Problem] = []
    extra: list[str] = []
    scenario = None
    s = data.get("session") if isinstance(data, dict) and broken.known("session") else None
    if isinstance(s, dict) and ok("session.scenario", "session.overrides"):
        try:
            scenario = load_scenario(s["scenario"], list(s["overrides"]) or None)
        except ScenarioError as exc:
            extra += [f"{source}: session.scenario / session.overrides: {m}" for m in exc.messages]
    if scenario is not None and ok("session.seats"):
        parties = scenario.parties
        for i, seat in enumerate(s["seats"]):
            if seat not in parties:
                found.append(
                    Problem(f"session.seats[{i}]", seat, " or ".join(parties), "not a party")
                )
    own = scenario.rounds if scenario is not None and ok("session.rounds") else 0
    if own > MAX_ROUNDS and not s["rounds"]:  # rounds = 0: the scenario's own horizon
        found.append(
            Problem(
                "session.rounds",
                0,
                f"rounds from 1 to {MAX_ROUNDS:,}: 0 plays the scenario's own {own:,} "
                "rounds, more than a class game may have",
                "too many rounds",
            )
        )
    from negotiation_sim.teaching.game import library_strategies

    allowed = library_strategies()
    for key, pkey in (
        ("opponent.strategy", "opponent.params"),
        ("timing.takeover_strategy", "timing.takeover_params"),
    ):
        if not ok(key, pkey):
            continue
        section, name_key = key.split(".")
        name, params = data[section][name_key], data[section][pkey.split(".")[1]]
        if key == "opponent.strategy" and name == "":
            if params:
                found.append(
                    Problem(pkey, params, "{} with the scenario's own strategy", "bad parameters")
                )
            continue
        if name.strip().lower() == "human":
            found.append(Problem(key, name, ", ".join(allowed), "not a computer strategy"))
            continue
        for p in check_strategy("X", name, params):
            path = p.path.replace("X.strategy_params", pkey).replace("X.strategy", key)
            found.append(Problem(path, p.value, p.allowed, p.message))
    problems.extend(found)
    return scenario, extra


def _with_parties(config: SessionConfig, scenario: Scenario | None) -> SessionConfig:
    assert scenario is not None  # no problems: the scenario loaded
    parties = scenario.parties
    names = tuple(scenario.data["governments"][g]["name"] for g in parties)
    return replace(config, parties=parties, party_names=names)


def adhoc_config(
    scenario: str,
    mode: str = "computer",
    opponent: str = "",
    blind: bool = False,
    rounds: int | None = None,
    seed: int = 1,
    move_time_limit: float = 0.0,
    **changes: Any,
) -> SessionConfig:
    """A config for open play (no class session): what the play page's form builds."""
    config = SessionConfig(
        id="open_play",
        name="Open play",
        scenario=scenario,
        mode=mode,
        rounds=rounds,
        seed=int(seed),
        opponent=opponent,
        move_time_limit=move_time_limit,
        show=Show(opponent_strategy=not blind),
        source="play page",
        **changes,
    )
    return check_config(config)

"""The ``validate`` and ``schema`` commands.

``validate`` checks scenarios, session configs, sweep specs, back-test episodes and
calibration specs. It tells a file's kind by its top-level tables (``config.kinds``): a
file that looks like another kind than the one asked for with ``--kind`` gets one message
saying so, not a list of every key as unknown.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from negotiation_sim.cli.common import EXIT_BAD_INPUT, EXIT_OK, PROG, CliError, echo
from negotiation_sim.config import kinds
from negotiation_sim.config.toml import kind_of_file

#: ``--kind`` choice: the kind of file it names (``config.kinds``, which says how each
#: kind is told apart); shipped files are looked up in this order
KINDS = {
    "scenario": kinds.SCENARIO,
    "session": kinds.SESSION,
    "sweep": kinds.SWEEP,
    "episode": kinds.EPISODE,
    "calibration": kinds.CALIBRATION,
}
CHOICE = {kind: choice for choice, kind in KINDS.items()}


def add_validate(sub: Any) -> None:
    validate = sub.add_parser(
        "validate",
        help="check scenario files, session configs and sweep specs",
        description="Validate scenarios, session configs, sweep specs, back-test episodes "
        "and calibration specs; print OK or every problem found. Each file's kind is told "
        "by its tables ([scenario], [session], [sweep], [episode], [calibration]); names "
        "are looked up among the shipped files. "
        "Exits 2 if any file is invalid.",
    )
    validate.add_argument(
        "files", metavar="FILE", nargs="+", help="files, or names of shipped files"
    )
    validate.add_argument(
        "--kind",
        choices=tuple(KINDS),
        help="check every FILE as this kind (default: each file's own kind)",
    )
    validate.set_defaults(func=cmd_validate)


def add_schema(sub: Any) -> None:
    schema = sub.add_parser(
        "schema",
        help="print the scenario JSON Schema",
        description="Print the JSON Schema of the scenario file format.",
    )
    schema.add_argument("--out", metavar="FILE", type=Path, help="write the schema to FILE")
    schema.set_defaults(func=cmd_schema)


# ---------------------------------------------------------------------------- validate
def cmd_validate(args: argparse.Namespace) -> int:
    from negotiation_sim.scenario import ScenarioError

    bad = 0
    for name in args.files:
        try:
            kind = check(name, args.kind)
        except ScenarioError as exc:
            bad += 1
            for message in exc.messages:
                echo(message, err=True)
        else:
            echo(f"OK  {name}" + ("" if kind == "scenario" else f" ({KINDS[kind]})"))
    if bad:
        echo(f"{PROG}: {bad} of {len(args.files)} files invalid", err=True)
        return EXIT_BAD_INPUT
    return EXIT_OK


def check(name: str, asked: str | None = None) -> str:
    """Validate the file ``name`` (a path or the name of a shipped file) as kind ``asked``,
    or as the kind it looks like; return the kind. Raises ``ScenarioError`` (or a
    subclass) with every problem."""
    from negotiation_sim.scenario import ScenarioError

    path = locate(name, asked)
    if path is None:  # the scenario loader's message, which lists the known scenarios
        return _load(name, asked or "scenario")
    seen = CHOICE.get(kind_of_file(path))
    if asked is not None and seen not in (None, asked):
        raise ScenarioError([wrong_kind(path, seen, asked)])
    return _load(str(path), asked or seen or "scenario")


def locate(name: str, kind: str | None) -> Path | None:
    """The file ``name`` names: an existing path, else a shipped file of ``kind`` (of
    any kind when ``None``: scenarios, then session configs, then sweep specs)."""
    from negotiation_sim.core import resources

    path = Path(name)
    if path.is_file():
        return path
    for each in [kind] if kind else list(KINDS):
        if each == "session":
            from negotiation_sim.teaching.sessions import list_sessions

            found = list_sessions().get(name)  # also NEGOTIATION_SIM_SESSIONS_DIR
        else:
            folder = {
                "scenario": resources.SCENARIOS,
                "episode": resources.EPISODES,
                "calibration": resources.CALIBRATIONS,
            }.get(each, resources.SWEEPS)
            found = resources.find_shipped(name, folder)
        if found is not None:
            return found
    return None


def wrong_kind(path: Path, seen: str, asked: str) -> str:
    """The message for a file that looks like kind ``seen`` checked as ``asked`` (it was
    read and parsed to tell its kind)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    message = kinds.wrong_kind_message(raw, KINDS[asked], KINDS[seen], str(path))
    return f"{message}; check it with --kind {seen}, or without --kind"


def _load(name: str, kind: str) -> str:
    if kind == "session":
        from negotiation_sim.teaching.sessions import load_session

        load_session(name)
    elif kind == "sweep":
        from negotiation_sim.sweep.spec import load_spec

        load_spec(name)
    elif kind == "episode":
        from negotiation_sim.backtest.episode import load_episode

        load_episode(name)
    elif kind == "calibration":
        from negotiation_sim.backtest.spec import load_calibration

        load_calibration(name)
    else:
        from negotiation_sim.scenario import load_scenario

        load_scenario(name)
    return kind


# ---------------------------------------------------------------------------- schema
def cmd_schema(args: argparse.Namespace) -> int:
    from negotiation_sim.scenario import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if args.out is None:
        echo(text)
        return EXIT_OK
    try:
        args.out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"--out {args.out}: cannot write: {exc}") from None
    echo(f"Wrote {args.out}")
    return EXIT_OK

"""What every ``negotiation-sim`` command shares: the program name, exit codes, argument
types with their own bounds, the error printer (and the sanitising of everything printed),
the ``--set`` option and loading a scenario with it.

Exit codes: 0 success; 1 a sweep stopped because its workers kept dying (finished runs
kept); 2 bad input (unknown scenario, invalid file, bad ``--set``, bad option values or
usage), with the reason on stderr and no traceback; 130 interrupted. Anything else that
goes wrong is a bug and surfaces with its traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

# --workers: the execution layer's limit (WORKERS_PER_CORE per core)
from negotiation_sim.runs.execution import WORKERS_PER_CORE, max_workers

PROG = "negotiation-sim"
EXIT_OK = 0
EXIT_STOPPED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
WIDTH = 100  # text reports wrap at this width

MAX_RUNS = 100_000  # ensemble --runs: summaries stay in memory; a sweep streams to disk
MAX_SEED = 2**63 - 1  # as the session configs' and sweep specs' seed fields
MAX_SECONDS = 86_400.0  # a day: --flush-seconds and other intervals


class CliError(Exception):
    """Bad input found by the command line itself; ``messages`` go to stderr."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(messages))


# ---------------------------------------------------------------------------- output
#: control characters (but tab and newline) and the bidirectional overrides: text read from
#: files (scenario names, keys, paths) must not move the cursor, recolour or hide output
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` safe for a terminal: unsafe characters shown as ``\\x1b`` or ``\\u202e``."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo(text: Any = "", err: bool = False, flush: bool = False) -> None:
    """Print ``text`` (sanitised) to stdout, or to stderr with ``err``."""
    print(clean(str(text)), file=sys.stderr if err else sys.stdout, flush=flush)


def print_error(*messages: str) -> None:
    """``negotiation-sim: error: ...`` on stderr; several problems one per line."""
    if len(messages) == 1:
        echo(f"{PROG}: error: {messages[0]}", err=True)
        return
    echo(f"{PROG}: error: {len(messages)} problems:", err=True)
    for message in messages:
        echo(f"  {message}", err=True)


def wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest) or [first]


def version() -> str:
    """The installed package's version (from its metadata), or "unknown"."""
    try:
        return metadata.version("negotiation-sim")
    except metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------- running
def dispatch(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command handler; bad input (``ScenarioError``, ``CliError``) becomes its
    messages on stderr and exit code 2, Ctrl-C exit code 130."""
    from negotiation_sim.scenario import ScenarioError

    try:
        return func(args)
    except (ScenarioError, CliError) as exc:
        print_error(*exc.messages)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        echo(f"{PROG}: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `negotiation-sim list | head`
        _silence_stdout()
        return EXIT_OK


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """Parsed arguments, or the exit code of ``--help``, ``--version`` or a usage error."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 0 after --help, 2 on a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------------------- argument types
def whole_number(low: int, high: int | Callable[[], int], why: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (a number, or a function
    giving it, for limits that depend on the machine); ``why`` explains the limit."""

    def parse_whole(text: str) -> int:
        top = high() if callable(high) else high
        try:
            value = int(text)
        except ValueError:
            if text.strip().lstrip("+-").isdigit():  # too many digits for int()
                raise argparse.ArgumentTypeError(
                    f"must be from {low:,} to {top:,}, got a {len(text):,}-digit number"
                ) from None
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got {_clip(text)!r}"
            ) from None
        if not low <= value <= top:
            because = f" ({why})" if why else ""
            raise argparse.ArgumentTypeError(
                f"must be from {low:,} to {top:,}{because}, got {value:,}"
            )
        return value

    parse_whole.__name__ = "whole number"  # argparse names the type in some messages
    return parse_whole


def seconds(high: float = MAX_SECONDS) -> Callable[[str], float]:
    """An argparse type: a number of seconds above 0 and at most ``high``."""

    def parse_seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds, got {_clip(text)!r}"
            ) from None
        if not (math.isfinite(value) and 0 < value <= high):
            raise argparse.ArgumentTypeError(
                f"must be more than 0 and at most {high:g}, got {_clip(text)}"
            )
        return value

    parse_seconds.__name__ = "seconds"
    return parse_seconds


def _clip(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def max_rounds() -> int:
    """The scenario schema's bound on ``scenario.rounds``."""
    from negotiation_sim.config.schema import lookup
    from negotiation_sim.scenario import SCENARIO

    return int(lookup(SCENARIO, ["scenario", "rounds"]).high)


seed = whole_number(0, MAX_SEED)
rounds = whole_number(1, max_rounds)
runs = whole_number(1, MAX_RUNS, "summaries stay in memory; a sweep streams more to disk")
workers = whole_number(1, max_workers, f"{WORKERS_PER_CORE} per core on this machine")
port = whole_number(1, 65_535)


def workers_help(default: str) -> str:
    return f"{default}; at most {WORKERS_PER_CORE} per core ({max_workers()} here)"


# ---------------------------------------------------------------------------- --set
def add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        metavar="PATH=VALUE",
        action="append",
        default=[],
        help="override a scenario field, e.g. economy.elasticity=3 or "
        "governments.us.strategy=TitForTat (repeatable; values are read as TOML)",
    )


def load(name: str, overrides: list[str] | None = None):
    """Load and validate a scenario with ``--set`` overrides. Raises ``CliError`` with
    every problem: unknown ``--set`` paths (named, with the fields allowed there) and the
    scenario's own."""
    from negotiation_sim.scenario import ScenarioError, load_scenario, parse_overrides

    overrides = list(overrides or [])
    pairs = parse_overrides(overrides)  # ScenarioError for an item without "="
    bad = [set_path_problem(key) for key, _ in pairs]
    problems = [p for p in bad if p]
    good = [item for item, problem in zip(overrides, bad, strict=True) if not problem]
    try:
        scenario = load_scenario(name, good or None)
    except ScenarioError as exc:
        raise CliError(*problems, *exc.messages) from None
    if problems:
        raise CliError(*problems)
    return scenario


def set_path_problem(key: str) -> str | None:
    """Why ``--set KEY=...`` names no scenario field, or ``None`` if it names one."""
    from negotiation_sim.config.schema import Any_, ListOf, MapOf, Table, lookup
    from negotiation_sim.scenario import SCENARIO

    parts = key.split(".")
    if all(parts) and lookup(SCENARIO, parts) is not None:
        return None
    node: Any = SCENARIO
    for i, part in enumerate(parts):
        where = ".".join(parts[:i]) or "a scenario's top level"
        if isinstance(node, Any_):
            return None
        if isinstance(node, Table):
            if part not in node.fields:
                return (
                    f"--set {key}: unknown override path: no field {part!r} in {where}; "
                    f"allowed there: {', '.join(node.fields)}"
                )
            node = node.fields[part]
        elif (isinstance(node, MapOf) and part) or (isinstance(node, ListOf) and part.isdigit()):
            node = node.item  # any id or index: whether it exists is checked when applied
        else:
            kind = "a list: give an index" if isinstance(node, ListOf) else "a value, not a table"
            return f"--set {key}: unknown override path: {where} is {kind}"
    return None

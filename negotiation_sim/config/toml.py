"""Reading the package's TOML files: one way for every format, one error type.

A ``Format`` (a kind of file, its schema and its error type) reads a file (``load``),
parses text (``loads``) and checks nested data given directly (``check``, for the
``*_from_dict`` functions), with the same guards on hostile input everywhere: a size
limit, a nesting limit (checked without recursion, before anything recursive touches the
data), TOML the parser cannot hold (RecursionError, integers beyond Python's conversion
limit), and files of another kind. Every message starts with the file's name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from negotiation_sim.config.kinds import looks_like, wrong_kind, wrong_kind_message
from negotiation_sim.config.schema import Node, Problem, clip, join

#: largest file or text read (bytes of UTF-8); a full research scenario is well below it
MAX_BYTES = 2_000_000
#: deepest nesting of tables and lists (the formats need at most 6)
MAX_DEPTH = 32
#: problems listed in one error; the rest are counted in a last line
MAX_MESSAGES = 100


class ConfigError(ValueError):
    """Invalid input. ``messages`` lists the problems, one per line, each starting with
    the file (``source``); beyond ``MAX_MESSAGES`` (or when ``more`` problems were not
    rendered at all) a last line counts the rest."""

    def __init__(self, messages: Iterable[str], source: str = "", more: int = 0) -> None:
        messages = list(messages)
        if len(messages) > MAX_MESSAGES + 1:
            more += len(messages) - MAX_MESSAGES
            messages = messages[:MAX_MESSAGES]
        if more:
            where = f"{source}: " if source else ""
            messages.append(f"{where}... and {more:,} more problems")
        self.messages = messages
        self.source = source
        super().__init__("\n".join(messages))


def nesting_problem(value: Any, path: str = "", limit: int = MAX_DEPTH) -> Problem | None:
    """A problem when tables and lists in ``value`` nest deeper than ``limit`` (checked
    with an explicit stack, so any depth is safe)."""
    stack: list[tuple[Any, str, int]] = [(value, path, 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[tuple[Any, Any]] = item.items()
        elif isinstance(item, list | tuple):
            children = enumerate(item)
        else:
            continue
        if depth > limit:
            return Problem(
                where,
                "[...]" if isinstance(item, list | tuple) else "{...}",
                f"at most {limit} levels of nested tables and lists",
                "nested too deeply",
            )
        stack.extend((sub, join(where, key), depth + 1) for key, sub in children)
    return None


def _where(text: str, stop: int | None) -> str:
    """Where in TOML ``text`` (dotted key and line) the character at ``stop`` stands, or
    (``stop=None``) where brackets first nest deeper than ``MAX_DEPTH``: for messages
    about text that the parser itself cannot hold."""
    depth, line, table, key, start = 0, 1, "", "", 0
    i, n = 0, len(text)
    while i < n and (stop is None or i < stop):
        char = text[i]
        if char == "\n":
            line, start = line + 1, i + 1
        elif char == "#":
            i = _line_end(text, i)
        elif char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if char == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + len(quote) - 1
        elif char in "[{":
            if depth == 0 and char == "[" and not text[start:i].strip():
                end = text.find("]", i)
                table = text[i:end].strip("[] ") if end > 0 else table
                key, i = "", _line_end(text, max(end, i))
            else:
                depth += 1
                if stop is None and depth > MAX_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
        elif char == "=" and depth == 0:
            key = text[start:i].strip()
        i += 1
    path = ".".join(p for p in (table, key) if p) or "<top>"
    return f"{clip(path, 120)} (line {line})"


def _line_end(text: str, i: int) -> int:
    """The index just before the line break after ``i`` (or the last index)."""
    end = text.find("\n", i)
    return len(text) if end < 0 else end - 1


@dataclass(frozen=True)
class Format:
    """A kind of TOML file: its name (``config.kinds``), its schema and its error type."""

    kind: str
    schema: Node
    error: type[ConfigError] = ConfigError

    def fail(self, messages: Iterable[str], source: str, more: int = 0) -> NoReturn:
        raise self.error(list(messages), source=source, more=more)

    def fail_problems(
        self,
        problems: list[Problem],
        source: str,
        extra: Iterable[str] = (),
        render: Callable[[Problem], str] | None = None,
    ) -> NoReturn:
        """Raise with ``problems`` rendered (only as many as an error lists: the rest are
        counted, not rendered) followed by ``extra`` messages rendered already."""
        render = render or (lambda p: p.render(source))
        shown = [render(p) for p in problems[:MAX_MESSAGES]]
        self.fail([*shown, *extra], source, more=len(problems) - len(shown))

    def read(self, path: str | Path) -> str:
        """The text of a file, refused when it is too large, unreadable or not UTF-8."""
        file = Path(path)
        try:
            size = file.stat().st_size
            if size > MAX_BYTES:
                self.fail(
                    [f"{file}: file too large: {size:,} bytes; allowed: at most {MAX_BYTES:,}"],
                    str(file),
                )
            return file.read_bytes().decode("utf-8")
        except FileNotFoundError:
            self.fail([f"{file}: no such file"], str(file))
        except (OSError, UnicodeDecodeError) as exc:
            self.fail([f"{file}: cannot read file: {exc}"], str(file))

    def loads(self, text: str, source: str = "<text>") -> dict[str, Any]:
        """Parsed TOML text, refused when too large, invalid or nested too deeply."""
        if len(text) > MAX_BYTES:
            self.fail(
                [
                    f"{source}: text too large: {len(text):,} characters; allowed: at most "
                    f"{MAX_BYTES:,}"
                ],
                source,
            )
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.fail([f"{source}: not valid TOML: {exc}"], source)
        except RecursionError:
            self.fail(
                [
                    f"{source}: {_where(text, None)}: nested too deeply; allowed: at most "
                    f"{MAX_DEPTH} levels of nested tables and lists"
                ],
                source,
            )
        except ValueError as exc:  # an integer of more than 4300 digits
            digits = re.search(r"\d{4000,}", text)
            where = _where(text, digits.start()) if digits else "<top>"
            self.fail([f"{source}: {where}: not readable: {clip(str(exc), 120)}"], source)
        self.check(raw, source)
        return raw

    def load(self, path: str | Path) -> dict[str, Any]:
        """A file read and parsed (``read`` then ``loads``)."""
        return self.loads(self.read(path), source=str(path))

    def check(self, raw: Any, source: str) -> None:
        """The guards for data given directly: nesting depth and the file's kind."""
        problem = nesting_problem(raw)
        if problem is not None:
            self.fail([problem.render(source)], source)
        other = wrong_kind(raw, self.kind)
        if other is not None:
            self.fail([wrong_kind_message(raw, self.kind, other, source)], source)

    def validate(self, raw: Any, source: str) -> tuple[Any, list[Problem]]:
        """``raw`` checked (``check``) and validated against the schema: the data with
        defaults filled, and every problem found."""
        self.check(raw, source)
        problems: list[Problem] = []
        return self.schema.validate(raw, "", problems), problems


def kind_of_file(path: str | Path) -> str | None:
    """The kind of TOML file at ``path`` (``config.kinds``: scenario, session config,
    sweep spec) by its top-level tables, or ``None`` when it is none of them or cannot be
    read or parsed (its loader then says why). For callers that pick a loader."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            return None
        return looks_like(tomllib.loads(file.read_bytes().decode("utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None

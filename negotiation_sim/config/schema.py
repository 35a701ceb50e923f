"""A small declarative schema for the package's TOML files (scenarios, session configs,
sweep specs): validation with complete error lists, default filling, and export to JSON
Schema.

Each node validates a value at a dotted path and appends ``Problem`` records instead of
raising, so that every error in a file is reported at once.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MISSING: Any = object()
#: longest shown value, path and "allowed" text in a message (longer ones are cut)
SHOWN_CHARS = 80
PATH_CHARS = 200
ALLOWED_CHARS = 400
#: the message of a key that its table does not have
UNKNOWN_KEY = "unknown key"
#: largest magnitude a number may have (beyond it, sums and products overflow to inf)
MAX_MAGNITUDE = 1e300
#: default longest string of a ``Str`` node
STR_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation error: where, what was found, and what is allowed."""

    path: str
    value: Any
    allowed: str
    message: str = ""

    def render(self, source: str) -> str:
        text = self.message or "invalid value"
        path = clip(printable(self.path), PATH_CHARS) or "<top>"
        allowed = clip(printable(self.allowed), ALLOWED_CHARS)
        # an unknown table is named by its keys, never shown (it may be a whole section)
        unknown = text == UNKNOWN_KEY and isinstance(self.value, dict)
        got = table_summary(self.value) if unknown else show(self.value)
        return f"{source}: {path}: {printable(text)}: got {got}; allowed: {allowed}"


_REPR = reprlib.Repr(
    maxlevel=3, maxdict=4, maxlist=8, maxtuple=8, maxset=8, maxstring=60, maxother=60
)


def show(value: Any) -> str:
    """A value as shown in a message: its repr, cut to about ``SHOWN_CHARS`` characters
    (a large table or list is summarised, a long string counted)."""
    if value is MISSING:
        return "(missing)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 96:
        return f"a whole number of about {int(value.bit_length() * math.log10(2)):,} digits"
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return f"{value[: SHOWN_CHARS - 20]!r}… ({len(value):,} characters)"
    text = _REPR.repr(value)
    if isinstance(value, list | tuple) and len(value) > _REPR.maxlist:
        text += f" ({len(value):,} items)"
    if len(text) <= SHOWN_CHARS:
        return text
    if isinstance(value, dict):
        return table_summary(value)
    if isinstance(value, list | tuple):
        return f"a list of {len(value):,} items"
    return clip(text, SHOWN_CHARS)


def table_summary(value: dict) -> str:
    """A table as shown in a message when its values are not: its size and first keys."""
    keys = ", ".join(clip(printable(str(k)), 32) for k in list(value)[:4])
    more = ", …" if len(value) > 4 else ""
    return f"a table of {len(value):,} key{'' if len(value) == 1 else 's'} ({keys}{more})"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str) -> str:
    """``text`` with control characters (terminal escape codes) written as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


@dataclass
class Node:
    """Base schema node."""

    doc: str = ""
    default: Any = MISSING

    @property
    def required(self) -> bool:
        return self.default is MISSING

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        raise NotImplementedError

    def allowed(self) -> str:
        """What the node accepts, in words (shown as "allowed: ..." in messages)."""
        return "a value"

    def normalize(self, default: Any) -> Any:
        """The in-memory form of this node's default value."""
        return default

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _base(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.doc:
            schema["description"] = self.doc
        if self.default is not MISSING and not isinstance(self.default, dt.date):
            schema["default"] = self.default
        return schema


def is_number(value: Any) -> bool:
    """An int or float, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_whole(value: int | float) -> bool:
    """A whole number (safe for any int, however long)."""
    return isinstance(value, int) or (math.isfinite(value) and value.is_integer())


@dataclass
class Num(Node):
    """A finite number in a closed (or half-open) range."""

    low: float | None = None
    high: float | None = None
    integer: bool = False
    low_open: bool = False

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a finite number"
        lo = "" if self.low is None else (f" > {self.low}" if self.low_open else f" >= {self.low}")
        hi = "" if self.high is None else f" <= {self.high}"
        if not lo and not hi:
            return f"{kind} of at most {MAX_MAGNITUDE:g} in size"
        return kind + lo + (" and" if lo and hi else "") + hi

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not is_number(value) or (
            self.integer and isinstance(value, float) and not value.is_integer()
        ):
            problems.append(Problem(path, value, self.allowed(), "wrong type"))
            return value
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem(path, value, self.allowed(), "not finite"))
            return value
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            problems.append(Problem(path, value, self.allowed(), "out of range"))
            return value
        too_low = self.low is not None and (
            value <= self.low if self.low_open else value < self.low
        )
        if too_low or (self.high is not None and value > self.high):
            problems.append(Problem(path, value, self.allowed(), "out of range"))
            return value
        return int(value) if self.integer else float(value)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.low is not None:
            schema["exclusiveMinimum" if self.low_open else "minimum"] = self.low
        if self.high is not None:
            schema["maximum"] = self.high
        return self._base(schema)


@dataclass
class Span(Node):
    """A number, or a ``[low, high]`` pair from which each firm draws uniformly."""

    low: float = 0.0
    high: float | None = None

    def normalize(self, default: Any) -> Any:
        return [float(default), float(default)] if is_number(default) else default

    def allowed(self) -> str:
        num = Num(low=self.low, high=self.high)
        return f"{num.allowed()}, or a [low, high] pair of such numbers with low <= high"

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        num = Num(low=self.low, high=self.high)
        allowed = self.allowed()
        if is_number(value):
            before = len(problems)
            value = num.validate(value, path, problems)
            return value if len(problems) > before else [value, value]
        if isinstance(value, list) and len(value) == 2 and all(is_number(v) for v in value):
            before = len(problems)
            pair = [num.validate(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
            if len(problems) == before and pair[0] > pair[1]:
                problems.append(Problem(path, value, allowed, "low is above high"))
            return pair
        problems.append(Problem(path, value, allowed, "wrong type"))
        return value

    def json_schema(self) -> dict[str, Any]:
        num = Num(low=self.low, high=self.high).json_schema()
        pair = {"type": "array", "items": num, "minItems": 2, "maxItems": 2}
        return self._base({"oneOf": [num, pair]})


@dataclass
class Str(Node):
    """A string of at most ``max_length`` characters and no control characters (such as
    terminal escape codes; tabs and line breaks are allowed), optionally restricted to
    choices or to a short lowercase id."""

    choices: tuple[str, ...] | None = None
    ident: bool = False
    max_length: int = STR_CHARS

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.ident:
            return "a short lowercase id (a-z, 0-9, _; starting with a letter)"
        return f"a string of at most {self.max_length:,} characters"

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(path, value, self.allowed(), "wrong type"))
        elif self.choices and value not in self.choices:
            problems.append(Problem(path, value, self.allowed(), "unknown choice"))
        elif self.ident and not is_ident(value) and not (value == "" == self.default):
            problems.append(Problem(path, value, self.allowed(), "bad id"))
        elif len(value) > self.max_length:
            problems.append(Problem(path, value, self.allowed(), "too long"))
        elif not value.isprintable() and has_control(value):
            problems.append(
                Problem(path, value, "text without control characters", "control character")
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.ident:
            schema["pattern"] = "^[a-z][a-z0-9_]{0,31}$"
        elif not self.choices:
            schema["maxLength"] = self.max_length
        return self._base(schema)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab and line breaks."""
    return any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text)


def is_ident(text: str) -> bool:
    return (
        0 < len(text) <= 32
        and text[0].isascii()
        and text[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in text)
    )


@dataclass
class Bool(Node):
    def allowed(self) -> str:
        return "true or false"

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, bool):
            problems.append(Problem(path, value, self.allowed(), "wrong type"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({"type": "boolean"})


@dataclass
class Date(Node):
    """A calendar date (TOML local date, or an ISO ``YYYY-MM-DD`` string)."""

    def allowed(self) -> str:
        return "a date such as 2025-11-01"

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if value is None and self.default is None:  # an optional date left out
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and len(value) <= 32:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        problems.append(Problem(path, value, self.allowed(), "not a date"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({"type": "string", "format": "date"})


@dataclass
class ListOf(Node):
    """A list of items of one kind; with ``max_items``, longer lists are refused before
    their items are looked at."""

    item: Node = field(default_factory=Node)
    min_items: int = 0
    max_items: int | None = None

    def allowed(self) -> str:
        return "a list" + _sizes(self.min_items, self.max_items, "items")

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            problems.append(Problem(path, value, "a list", "wrong type"))
            return value
        words = ("a list of at least", "a list of at most", "items", "too short", "too long")
        if not _sized(value, path, self.min_items, self.max_items, words, problems):
            return value
        return [self.item.validate(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]

    def json_schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return self._base(schema)


def _sized(
    value: list[Any] | dict[str, Any],
    path: str,
    low: int,
    high: int | None,
    words: tuple[str, str, str, str, str],
    problems: list[Problem],
) -> bool:
    """Problems for too few or too many items (``words``: the allowed texts before the
    bound, the noun, the two messages); ``False`` when too many to look at."""
    at_least, at_most, noun, few, many = words
    if len(value) < low:
        problems.append(Problem(path, value, f"{at_least} {low} {noun}", few))
    if high is not None and len(value) > high:
        problems.append(Problem(path, value, f"{at_most} {high:,} {noun}", many))
        return False
    return True


def _sizes(low: int, high: int | None, what: str) -> str:
    if high is not None:
        return f" of {low:,} to {high:,} {what}" if low else f" of at most {high:,} {what}"
    return f" of at least {low:,} {what}" if low else ""


@dataclass
class Table(Node):
    """A TOML table with known keys; unknown keys are errors."""

    fields: dict[str, Node] = field(default_factory=dict)

    def allowed(self) -> str:
        return "a table"

    def normalize(self, default: Any) -> Any:
        """A table's default has its own fields' defaults filled in."""
        return self.validate(default, "", []) if isinstance(default, dict) else default

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            problems.append(Problem(path, value, "a table", "wrong type"))
            return value
        out: dict[str, Any] = {}
        known = "one of the keys " + ", ".join(self.fields)
        for key in value:
            if key not in self.fields:
                problems.append(Problem(join(path, key), value[key], known, UNKNOWN_KEY))
        for key, node in self.fields.items():
            sub = join(path, key)
            if key in value:
                out[key] = node.validate(value[key], sub, problems)
            elif node.required:
                problems.append(Problem(sub, MISSING, node.allowed(), "required key missing"))
            elif node.default is not None:
                out[key] = node.normalize(_copy(node.default))
            else:
                out[key] = None
        return out

    def json_schema(self) -> dict[str, Any]:
        return self._base(
            {
                "type": "object",
                "properties": {k: v.json_schema() for k, v in self.fields.items()},
                "required": [k for k, v in self.fields.items() if v.required],
                "additionalProperties": False,
            }
        )


@dataclass
class MapOf(Node):
    """A table whose keys are ids chosen by the author (``governments.us``)."""

    item: Node = field(default_factory=Node)
    min_items: int = 0
    max_items: int | None = None

    def allowed(self) -> str:
        return "a table of id = value" + _sizes(self.min_items, self.max_items, "entries")

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            problems.append(Problem(path, value, "a table of id = value", "wrong type"))
            return value
        words = ("at least", "at most", "entries", "too few entries", "too many entries")
        if not _sized(value, path, self.min_items, self.max_items, words, problems):
            return value
        out = {}
        for key, sub in value.items():
            if not is_ident(key):
                problems.append(Problem(join(path, key), key, Str(ident=True).allowed(), "bad id"))
            out[key] = self.item.validate(sub, join(path, key), problems)
        return out

    def json_schema(self) -> dict[str, Any]:
        schema = {
            "type": "object",
            "additionalProperties": self.item.json_schema(),
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,31}$"},
        }
        if self.min_items:
            schema["minProperties"] = self.min_items
        if self.max_items is not None:
            schema["maxProperties"] = self.max_items
        return self._base(schema)


@dataclass
class Any_(Node):
    """A free value checked elsewhere (strategy parameters, checked by the strategy)."""

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({})


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class Broken:
    """The paths at which the schema found a problem, so that checks spanning several
    fields run whenever their own inputs are sound (and every problem is reported at
    once). Unknown keys break nothing: they are left out of the validated data."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.bad = {p.path for p in problems if p.message != UNKNOWN_KEY}
        self.around: set[str] = set()  # every bad path and each of its ancestors
        for path in self.bad:
            self.around.update(prefixes(path))

    def known(self, path: str) -> bool:
        """The value at ``path`` has the right type (what is inside it may be broken)."""
        return not any(p in self.bad for p in prefixes(path))

    def ok(self, *paths: str) -> bool:
        """Every value at ``paths``, and everything inside them, passed the schema."""
        return all(self.known(path) and path not in self.around for path in paths)


def prefixes(path: str) -> list[str]:
    """``"a.b[0]"`` to ``["", "a", "a.b", "a.b[0]"]``: the path and its ancestors."""
    out = [""]
    for i, char in enumerate(path):
        if char in ".[" and i:
            out.append(path[:i])
    if path:
        out.append(path)
    return out


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def lookup(node: Node, parts: list[str]) -> Node | None:
    """The schema node at a dotted path (map keys and list indexes pass through)."""
    for part in parts:
        if isinstance(node, Any_):
            return node  # free-form values (strategy parameters) are checked elsewhere
        if isinstance(node, Table):
            node = node.fields.get(part)
            if node is None:
                return None
        elif isinstance(node, MapOf) or (isinstance(node, ListOf) and part.isdigit()):
            node = node.item
        else:
            return None
    return node

"""A small declarative schema for the package's TOML files (scenarios, session configs,
sweep specs): validation with complete error lists, default filling, and export to JSON
Schema.

Each node validates a value at a dotted path and appends ``Problem`` records instead of
raising, so that every error in a file is reported at once.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation error: where, what was found, and what is allowed."""

    path: str
    value: Any
    allowed: str
    message: str = ""

    def render(self, source: str) -> str:
        shown = "(missing)" if self.value is MISSING else repr(self.value)
        text = self.message or "invalid value"
        return f"{source}: {self.path or '<top>'}: {text}: got {shown}; allowed: {self.allowed}"


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
        return kind + (lo + (" and" if lo and hi else "") + hi if lo or hi else "")

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not _is_number(value) or (self.integer and not float(value).is_integer()):
            problems.append(Problem(path, value, self.allowed(), "wrong type"))
            return value
        if not math.isfinite(value):
            problems.append(Problem(path, value, self.allowed(), "not finite"))
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
        return [float(default), float(default)] if _is_number(default) else default

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        num = Num(low=self.low, high=self.high)
        allowed = f"{num.allowed()}, or a [low, high] pair of such numbers with low <= high"
        if _is_number(value):
            before = len(problems)
            value = num.validate(value, path, problems)
            return value if len(problems) > before else [value, value]
        if isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value):
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
    """A string, optionally restricted to choices or to a short lowercase id."""

    choices: tuple[str, ...] | None = None
    ident: bool = False

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.ident:
            return "a short lowercase id (a-z, 0-9, _; starting with a letter)"
        return "a string"

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(path, value, self.allowed(), "wrong type"))
        elif self.choices and value not in self.choices:
            problems.append(Problem(path, value, self.allowed(), "unknown choice"))
        elif self.ident and not is_ident(value) and not (value == "" == self.default):
            problems.append(Problem(path, value, self.allowed(), "bad id"))
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.ident:
            schema["pattern"] = "^[a-z][a-z0-9_]{0,31}$"
        return self._base(schema)


def is_ident(text: str) -> bool:
    return (
        0 < len(text) <= 32
        and text[0].isascii()
        and text[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in text)
    )


@dataclass
class Bool(Node):
    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, bool):
            problems.append(Problem(path, value, "true or false", "wrong type"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({"type": "boolean"})


@dataclass
class Date(Node):
    """A calendar date (TOML local date, or an ISO ``YYYY-MM-DD`` string)."""

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        problems.append(Problem(path, value, "a date such as 2025-11-01", "not a date"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({"type": "string", "format": "date"})


@dataclass
class ListOf(Node):
    item: Node = field(default_factory=Node)
    min_items: int = 0

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            problems.append(Problem(path, value, "a list", "wrong type"))
            return value
        if len(value) < self.min_items:
            problems.append(
                Problem(path, value, f"a list of at least {self.min_items} items", "too short")
            )
        return [self.item.validate(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]

    def json_schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return self._base(schema)


@dataclass
class Table(Node):
    """A TOML table with known keys; unknown keys are errors."""

    fields: dict[str, Node] = field(default_factory=dict)

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            problems.append(Problem(path, value, "a table", "wrong type"))
            return value
        out: dict[str, Any] = {}
        for key in value:
            if key not in self.fields:
                problems.append(
                    Problem(
                        join(path, key),
                        value[key],
                        "one of the keys " + ", ".join(self.fields),
                        "unknown key",
                    )
                )
        for key, node in self.fields.items():
            sub = join(path, key)
            if key in value:
                out[key] = node.validate(value[key], sub, problems)
            elif node.required:
                problems.append(Problem(sub, MISSING, _describe(node), "required key missing"))
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

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            problems.append(Problem(path, value, "a table of id = value", "wrong type"))
            return value
        if len(value) < self.min_items:
            problems.append(
                Problem(path, value, f"at least {self.min_items} entries", "too few entries")
            )
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
        return self._base(schema)


@dataclass
class Any_(Node):
    """A free value checked elsewhere (strategy parameters, checked by the strategy)."""

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._base({})


def _describe(node: Node) -> str:
    if isinstance(node, Num | Str):
        return node.allowed()
    return type(node).__name__.lower().rstrip("_")


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


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

"""The episode file format as a schema (the project's schema DSL) and its vocabulary.

An episode is a scenario plus dated observations of what happened, with a source for every
number, and the targets the model's seeded ensemble must meet (``docs/validation.md``).
Cross-field checks that need the scenario (columns, horizon, parties) are in ``episode``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from negotiation_sim.config.schema import (
    MISSING,
    Any_,
    Date,
    ListOf,
    MapOf,
    Node,
    Num,
    Problem,
    Str,
    Table,
    join,
)
from negotiation_sim.core import OUTCOMES

#: kinds of dated event in an episode's record (for charts and reading; not scored)
EVENT_KINDS = (
    "threat",
    "escalation",
    "retaliation",
    "truce",
    "deal",
    "suspension",
    "breakdown",
    "averted",
)
#: the kinds of agreement a ``deal_struck`` target counts: a time-limited suspension
#: ("truce") or a lasting agreement, partial or comprehensive ("deal")
AGREEMENTS = ("truce", "deal")
#: the kinds of target
TARGET_KINDS = ("level", "deal_struck", "max_level", "outcome")
MAX_RUNS = 100_000
#: longest citation, note or description (characters)
TEXT_CHARS = 10_000
MAX_SEED = 2**63 - 1


@dataclass
class Tagged(Node):
    """A table whose fields depend on its ``tag`` key: ``variants[tag]`` validates it.

    An unknown or missing tag is one problem; the other keys are then not checked (their
    meaning depends on the tag)."""

    tag: str = "kind"
    variants: dict[str, Table] = field(default_factory=dict)

    def allowed(self) -> str:
        return "one of " + ", ".join(self.variants)

    def validate(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            problems.append(Problem(path, value, "a table", "wrong type"))
            return value
        kind = value.get(self.tag, MISSING)
        if kind is MISSING:
            problems.append(Problem(join(path, self.tag), kind, self.allowed(), "required key"))
            return value
        if not isinstance(kind, str) or kind not in self.variants:
            problems.append(Problem(join(path, self.tag), kind, self.allowed(), "unknown kind"))
            return value
        return self.variants[kind].validate(value, path, problems)

    def json_schema(self) -> dict[str, Any]:
        options = []
        for kind, table in self.variants.items():
            schema = table.json_schema()
            schema["properties"][self.tag] = {"const": kind}
            options.append(schema)
        return self._base({"oneOf": options})


def _share(doc: str, default: Any = MISSING) -> Num:
    return Num(low=0.0, high=1.0, doc=doc, default=default)


def _target(**fields: Node) -> Table:
    common: dict[str, Node] = {
        "id": Str(doc="Unique id of the target (used in reports)."),
        "kind": Str(choices=TARGET_KINDS, doc="What is compared."),
        "source": Str(doc="Key of [sources] the observed value comes from."),
        "why": Str(default="", max_length=TEXT_CHARS, doc="Why this target and tolerance."),
    }
    return Table(fields={**common, **fields})


_COLUMN = Str(doc="A numeric column of the run record, e.g. tariff_us_cn.")
_FROM = Date(doc="First day of the window (its round counts).")
_TO = Date(doc="Last day of the window (its round counts).")

TARGET = Tagged(
    doc="A target: what the ensemble must match, with its tolerance.",
    variants={
        "level": _target(
            column=_COLUMN,
            date=Date(doc="The round holding this date is compared."),
            observed=Num(doc="The observed value."),
            tolerance=Num(low=0.0, doc="Pass if |ensemble median - observed| <= tolerance."),
        ),
        "deal_struck": _target(
            kinds=ListOf(
                item=Str(choices=AGREEMENTS),
                min_items=1,
                doc='Agreements that count: "truce" (time-limited), "deal" (lasting).',
            ),
            **{"from": _FROM, "to": _TO},
            min_share=_share("Pass if the share of runs striking one is at least this."),
            max_share=_share("... and at most this (optional).", default=None),
        ),
        "max_level": _target(
            column=_COLUMN,
            **{"from": _FROM, "to": _TO},
            value=Num(doc="A run passes if the column stays at or below this in the window."),
            min_share=_share("Pass if the share of passing runs is at least this."),
        ),
        "outcome": _target(
            date=Date(doc="The round holding this date is read."),
            outcomes=ListOf(item=Str(choices=OUTCOMES), min_items=1, doc="Outcome labels."),
            min_share=_share("Pass if the share of runs with one of them is at least this."),
        ),
    },
)

EPISODE = Table(
    doc="A historical episode for back-testing.",
    fields={
        "episode": Table(
            fields={
                "name": Str(doc="Title."),
                "description": Str(default="", max_length=TEXT_CHARS, doc="What happened."),
                "scenario": Str(
                    doc="A scenario name (scenarios/) or a path relative to this file."
                ),
                "rounds": Num(
                    low=1, high=10_000, integer=True, default=None, doc="Horizon in rounds."
                ),
                "runs": Num(low=1, high=MAX_RUNS, integer=True, default=100, doc="Ensemble size."),
                "seed": Num(low=0, high=MAX_SEED, integer=True, default=0, doc="Base seed."),
                "overrides": Any_(default={}, doc="Dotted scenario overrides, path = value."),
            }
        ),
        "sources": MapOf(
            item=Str(max_length=TEXT_CHARS), min_items=1, doc="Citation of every source, by key."
        ),
        "observed": ListOf(
            min_items=1,
            item=Table(
                fields={
                    "column": _COLUMN,
                    "date": Date(),
                    "value": Num(),
                    "source": Str(),
                    "note": Str(default="", max_length=TEXT_CHARS),
                }
            ),
        ),
        "events": ListOf(
            default=[],
            item=Table(
                fields={
                    "date": Date(),
                    "kind": Str(choices=EVENT_KINDS),
                    "party": Str(default="", doc='A government id, or "" for both.'),
                    "label": Str(),
                    "source": Str(),
                }
            ),
        ),
        "targets": ListOf(item=TARGET, min_items=1),
    },
)

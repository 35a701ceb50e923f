"""The instrument registry: every policy instrument a government can hold, defined once.

An instrument has a ``kind``: ``"tariff"`` moves the trade-weighted average tariff on the
partner by the government's tariff step; ``"control"`` moves a graded export-control
level 0..3 (``CONTROL_LEVELS``). A control instrument's ``column`` is its column in the
(countries, controls) level array of the policy state and the economy; ``cut``,
``firm_spans`` and ``firm_amounts`` name its fields in the scenario schema, from which
the economy's parameters, the firm table and the scenario checks are built.

Adding an export control: a registry entry here, its economy channel
(``economy/evaluate.py CHANNELS``) and its schema fields (``scenario/spec.py``);
docs/architecture.md, "Add an export-control instrument".
"""

from __future__ import annotations

from dataclasses import dataclass

#: Names of the graded export-control levels, index = level.
CONTROL_LEVELS: tuple[str, ...] = ("none", "licensing", "broad ban", "extraterritorial")


@dataclass(frozen=True, slots=True)
class Instrument:
    """One policy instrument.

    ``label`` is the short noun used in sentences and legends ("rare-earth exports"),
    ``plural`` the word for the instrument's measures in plain text ("rare earths"),
    ``column`` the control column (``None`` for the tariff). For a control: ``cut`` is
    its ``[economy]`` key (share of supply withheld at each level), ``firm_spans`` its
    ``[firms.*]`` ranges each firm draws from, in draw order, and ``firm_amounts`` its
    ``[firms.*]`` amounts ($bn/yr) shared out among a group's firms by size."""

    name: str
    kind: str
    label: str
    plural: str
    column: int | None = None
    cut: str = ""
    firm_spans: tuple[str, ...] = ()
    firm_amounts: tuple[str, ...] = ()

    @property
    def levels(self) -> tuple[str, ...]:
        """Names of the levels of a control instrument (empty for the tariff)."""
        return CONTROL_LEVELS if self.kind == "control" else ()

    def record_column(self, gid: str, partner: str = "") -> str:
        """The per-round record's column for this instrument of government ``gid``."""
        if self.kind == "tariff":
            return f"tariff_{gid}_{partner}"
        return f"control_{gid}_{self.name}"


REGISTRY: dict[str, Instrument] = {
    i.name: i
    for i in (
        Instrument("tariff", "tariff", "tariff", "tariffs"),
        Instrument(
            "rare_earth",
            "control",
            "rare-earth exports",
            "rare earths",
            column=0,
            cut="rare_earth_cut",
            firm_spans=("rare_earth_dependence", "stockpile_weeks"),
            firm_amounts=("rare_earth_exports",),
        ),
        Instrument(
            "chips",
            "control",
            "chips",
            "chips",
            column=1,
            cut="chip_cut",
            firm_spans=("tech_dependence",),
            firm_amounts=("tech_exports",),
        ),
    )
}

#: Every instrument name, in registry order.
INSTRUMENTS: tuple[str, ...] = tuple(REGISTRY)
#: The export-control instruments, in column order.
CONTROL_INSTRUMENTS: tuple[str, ...] = tuple(n for n, i in REGISTRY.items() if i.kind == "control")
#: Control instrument name -> column of the control-level array.
CONTROL_COLUMNS: dict[str, int] = {n: REGISTRY[n].column for n in CONTROL_INSTRUMENTS}  # type: ignore[misc]


def control_instruments() -> tuple[Instrument, ...]:
    """The export-control instruments of the registry as it is now, in column order."""
    found = (i for i in REGISTRY.values() if i.kind == "control")
    return tuple(sorted(found, key=lambda i: i.column or 0))


def instrument(name: str) -> Instrument:
    """The registry entry called ``name``; ``KeyError`` naming the allowed ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown instrument {name!r}; allowed: {', '.join(INSTRUMENTS)}") from None

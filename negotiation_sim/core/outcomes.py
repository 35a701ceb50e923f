"""The outcome states of a round, defined once: label, plain words and colour key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome state: ``name`` as recorded, ``label`` for headings, ``words`` for
    sentences ("a trade war"), ``meaning`` for help texts, and ``colour`` as a key of the
    front ends' palette."""

    name: str
    label: str
    words: str
    meaning: str
    colour: str


OUTCOME_INFO: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("ongoing", "Ongoing", "no settlement yet",
                "no deal in force, not (yet) a trade war", "grey"),
        Outcome("truce", "Truce", "a truce",
                "a temporary deal is in force; it expires or can break", "sky_blue"),
        Outcome("deal", "Deal", "a deal",
                "a lasting deal is in force: partial (some measures stay) or comprehensive "
                "(tariffs back near their floors, no controls)",
                "bluish_green"),
        Outcome("trade_war", "Trade war", "a trade war",
                "both sides chose to escalate and both escalation indices stayed at or above "
                "the trade-war threshold for several rounds in a row", "vermillion"),
        Outcome("stalemate", "Stalemate", "a stalemate",
                "the horizon ended with no deal and no trade war", "yellow"),
    )
}  # fmt: skip

#: the outcome states of a round, in a fixed order
OUTCOMES: tuple[str, ...] = tuple(OUTCOME_INFO)

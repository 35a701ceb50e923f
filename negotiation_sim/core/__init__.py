"""The vocabulary every layer shares, standard library only: actions and moves, deal
packages, the instrument registry, the outcome states and the lobbying threshold."""

from negotiation_sim.core.instruments import (
    CONTROL_COLUMNS,
    CONTROL_INSTRUMENTS,
    CONTROL_LEVELS,
    INSTRUMENTS,
    REGISTRY,
    Instrument,
    control_instruments,
    instrument,
)
from negotiation_sim.core.lobbying import QUIET_STANCE, stance_word
from negotiation_sim.core.moves import DEAL_KINDS, Action, C, E, H, Move, Package, is_lasting
from negotiation_sim.core.outcomes import OUTCOME_INFO, OUTCOMES, Outcome

__all__ = [
    "CONTROL_COLUMNS",
    "CONTROL_INSTRUMENTS",
    "CONTROL_LEVELS",
    "DEAL_KINDS",
    "INSTRUMENTS",
    "OUTCOMES",
    "OUTCOME_INFO",
    "QUIET_STANCE",
    "REGISTRY",
    "Action",
    "C",
    "E",
    "H",
    "Instrument",
    "Move",
    "Outcome",
    "Package",
    "control_instruments",
    "instrument",
    "is_lasting",
    "stance_word",
]

"""Negotiation strategies in the style of Axelrod-Python, and their registry.

``STRATEGIES`` maps each strategy's ``name`` to its class, in listing order;
``get_strategy(name, **params)`` builds one by name.
"""

from __future__ import annotations

from negotiation_sim.strategies.base import GameView, Param, Strategy
from negotiation_sim.strategies.concession import Boulware, Conceder, LinearConcession
from negotiation_sim.strategies.crisis import CostTolerance, CrisisBargainer, VerifiedReciprocity
from negotiation_sim.strategies.deadline import DeadlineBrinkmanship
from negotiation_sim.strategies.human import Human, MoveRequired
from negotiation_sim.strategies.learning import RothErev
from negotiation_sim.strategies.lobby import LobbyResponsive
from negotiation_sim.strategies.payoff import LogitQuantalResponse, MyopicBestResponse
from negotiation_sim.strategies.reciprocal import (
    GenerousTitForTat,
    GrimTrigger,
    TitForTat,
    WinStayLoseShift,
)
from negotiation_sim.strategies.simple import AlwaysConcede, AlwaysEscalate, AlwaysHold, Random

#: Every strategy by name, in listing order: unconditional, reciprocal, payoff-reading,
#: learning, time-based, deadline, lobby, crisis bargaining, then the human player.
STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (
        AlwaysEscalate,
        AlwaysHold,
        AlwaysConcede,
        Random,
        TitForTat,
        GenerousTitForTat,
        GrimTrigger,
        WinStayLoseShift,
        MyopicBestResponse,
        LogitQuantalResponse,
        RothErev,
        Boulware,
        LinearConcession,
        Conceder,
        DeadlineBrinkmanship,
        LobbyResponsive,
        VerifiedReciprocity,
        CostTolerance,
        CrisisBargainer,
        Human,
    )
}


def strategy_names() -> list[str]:
    """Names of all registered strategies, in listing order."""
    return list(STRATEGIES)


def get_strategy(name: str, **params: object) -> Strategy:
    """Build the strategy called ``name`` (exact, else case-insensitive) with ``params``.

    Raises ``ValueError`` for an unknown name (listing the allowed ones) or bad params.
    """
    cls = STRATEGIES.get(name)
    if cls is None and isinstance(name, str):
        matches = [c for key, c in STRATEGIES.items() if key.lower() == name.strip().lower()]
        cls = matches[0] if matches else None
    if cls is None:
        raise ValueError(f"unknown strategy {name!r}; allowed: {', '.join(STRATEGIES)}")
    return cls(**params)  # type: ignore[arg-type]


__all__ = [
    "STRATEGIES",
    "AlwaysConcede",
    "AlwaysEscalate",
    "AlwaysHold",
    "Boulware",
    "Conceder",
    "CostTolerance",
    "CrisisBargainer",
    "DeadlineBrinkmanship",
    "GameView",
    "GenerousTitForTat",
    "GrimTrigger",
    "Human",
    "LinearConcession",
    "LobbyResponsive",
    "LogitQuantalResponse",
    "MoveRequired",
    "MyopicBestResponse",
    "Param",
    "Random",
    "RothErev",
    "Strategy",
    "TitForTat",
    "VerifiedReciprocity",
    "WinStayLoseShift",
    "get_strategy",
    "strategy_names",
]

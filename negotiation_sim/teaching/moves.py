"""Moves as data and the words around them: the classroom's error type, the computer
strategies a teacher may pick, moves and deal packages as JSON-ready dicts (the store
and the record keep them so), and ``ReplayStrategy``, which plays recorded moves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from negotiation_sim.core import Action, Move, Package, instrument
from negotiation_sim.strategies import STRATEGIES
from negotiation_sim.strategies.base import GameView, Strategy


def instrument_words(name: str) -> str:
    """An instrument's measures in plain text ("tariffs", "rare earths", "chips")."""
    try:
        return instrument(name).plural
    except KeyError:
        return name


class TeachingError(ValueError):
    """Bad input from a student or teacher. ``str(err)`` is the message to show; ``code``
    names the kind of problem (``unknown_room``, ``double_move``, ``game_over``,
    ``wrong_seat``, ``bad_move``, ``bad_offer``, ``room_full``, ``not_started``...)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def library_strategies() -> list[str]:
    """Names of the computer strategies a teacher may pick (every strategy but Human)."""
    return [name for name, cls in STRATEGIES.items() if not cls.classifier.get("human")]


def strategy_label(name: str, params: Mapping[str, Any] | None = None) -> str:
    """``TitForTat`` or ``DeadlineBrinkmanship(window=1)``."""
    if not params:
        return name
    return f"{name}({', '.join(f'{k}={v:g}' for k, v in params.items())})"


# ---------------------------------------------------------------------- moves as data
def package_to_dict(package: Package | None) -> dict[str, Any] | None:
    if package is None:
        return None
    return {
        "proposer": package.proposer,
        "tariffs": {g: float(v) for g, v in package.tariffs.items()},
        "controls": {g: {k: int(v) for k, v in c.items()} for g, c in package.controls.items()},
        "purchases": float(package.purchases),
        "kind": package.kind,
        "aspiration": float(package.aspiration),
    }


def package_from_dict(data: Mapping[str, Any] | None) -> Package | None:
    if not data:
        return None
    return Package(
        proposer=data["proposer"],
        tariffs=dict(data["tariffs"]),
        controls={g: dict(c) for g, c in data["controls"].items()},
        purchases=float(data.get("purchases", 0.0)),
        kind=data.get("kind", "truce"),
        aspiration=float(data.get("aspiration", 1.0)),
    )


def move_to_dict(move: Move) -> dict[str, Any]:
    return {
        "action": move.action.label,
        "instrument": move.instrument,
        "offer": package_to_dict(move.offer),
    }


def move_from_dict(data: Mapping[str, Any]) -> Move:
    return Move(
        Action.parse(data["action"]), data.get("instrument"), package_from_dict(data.get("offer"))
    )


class ReplayStrategy(Strategy):
    """Plays recorded moves (round k plays ``moves[k - 1]``); after them, ``then`` decides
    (a strategy that took over a seat), or hold. Used to replay a student's moves.

    As in the game, where a student's seat offers on the default concession curve and a
    computer that took it over on its own, the aspiration is ``then``'s only in rounds
    past the recorded moves (so ``then`` may be given late, once a takeover is known)."""

    name = "Replay"

    def __init__(self, moves: Iterable[Move], then: Strategy | None = None) -> None:
        self.moves = list(moves)
        self.then = then
        self._round = 0
        super().__init__()

    def decide(self, view: GameView) -> Move:
        self._round = view.round
        k = view.round - 1
        if k < len(self.moves):
            return self.moves[k]
        if self.then is not None:
            return self.then.decide(view)
        return Move(Action.HOLD)

    def aspiration(self, t: float) -> float:
        if self.then is not None and self._round > len(self.moves):
            return self.then.aspiration(t)
        return super().aspiration(t)

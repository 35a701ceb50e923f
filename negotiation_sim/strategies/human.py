"""A human player: moves are submitted from outside (classroom mode, browser)."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Strategy, choose_instrument


class MoveRequired(RuntimeError):
    """Raised when a Human strategy must decide but no move was submitted and no fallback set."""


class Human(Strategy):
    """Plays the move a person submitted for the round, for human-in-the-loop play as in
    the classroom games of Holt & Capra (2000), "Classroom games: a prisoner's dilemma",
    *Journal of Economic Education* 31.

    Call ``submit(move)`` before the round; ``decide`` consumes it. Without a submitted move
    it delegates to the ``fallback`` strategy if one was named, else raises
    ``MoveRequired``. A submitted escalate or concede without an instrument gets the
    default instrument.
    """

    name = "Human"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": False,
        "human": True,
    }

    def __init__(self, fallback: str | None = None, **fallback_params: float) -> None:
        if fallback is None and fallback_params:
            raise ValueError(
                f"Human: fallback parameters {', '.join(sorted(fallback_params))} "
                "given without a fallback strategy"
            )
        if fallback is not None and str(fallback).strip().lower() == self.name.lower():
            raise ValueError("Human: the fallback must be a computer strategy, not Human")
        from negotiation_sim.strategies import get_strategy  # the registry imports this module

        self.fallback: str | None = fallback
        self.fallback_strategy: Strategy | None = (
            None if fallback is None else get_strategy(fallback, **fallback_params)
        )
        self._queued: Move | None = None
        super().__init__()

    def reset(self) -> None:
        """Drop any queued move and reset the fallback strategy."""
        self._queued = None
        if self.fallback_strategy is not None:
            self.fallback_strategy.reset()

    def submit(self, move: Move) -> None:
        """Queue the move for the next ``decide``; only one move may wait at a time."""
        if not isinstance(move, Move):
            raise TypeError(f"submit() takes a Move, got {type(move).__name__}")
        if self._queued is not None:
            raise ValueError("a move for this round was already submitted")
        self._queued = move

    @property
    def pending(self) -> Move | None:
        """The submitted move waiting to be played, or ``None``."""
        return self._queued

    @property
    def ready(self) -> bool:
        """A human seat can decide once a move was submitted, or with a fallback."""
        return self._queued is not None or self.fallback_strategy is not None

    def aspiration(self, t: float) -> float:
        """Offers follow the fallback strategy's concession curve when there is one."""
        if self.fallback_strategy is not None:
            return self.fallback_strategy.aspiration(t)
        return super().aspiration(t)

    def decide(self, view: GameView) -> Move:
        queued, self._queued = self._queued, None
        if queued is not None:
            if queued.instrument is None and queued.action is not Action.HOLD:
                # Escalate/concede without an instrument: use the default one.
                return Move(queued.action, choose_instrument(queued.action, view), queued.offer)
            return queued
        if self.fallback_strategy is not None:
            return self.fallback_strategy.decide(view)
        raise MoveRequired(
            f"{view.me} must submit a move for round {view.round} "
            "(no move was submitted and Human has no fallback strategy)"
        )

    def __repr__(self) -> str:
        return f"Human(fallback={self.fallback_strategy!r})"

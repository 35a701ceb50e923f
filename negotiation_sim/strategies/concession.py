"""Time-based concession: hold out while aspiration is high, concede once it falls."""

from __future__ import annotations

from typing import Any, ClassVar

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Param, Strategy, move


def _params(exponent: float) -> dict[str, Param]:
    return {
        "threshold": Param(0.9, 0.0, 1.0, "hold while aspiration is at least this"),
        "exponent": Param(exponent, 0.05, 20.0, "exponent e of the aspiration 1 - t**e"),
    }


class TimeConcession(Strategy):
    """Holds while the aspiration 1 - t**e is at least ``threshold``, then concedes:
    the time-dependent tactics of Faratin, Sierra & Jennings (1998), "Negotiation decision
    functions for autonomous agents", *Robotics and Autonomous Systems* 24.

    The aspiration curve u(t) = 1 - t**e is that of NegMAS; t is the elapsed share of the
    horizon. The ``exponent`` param sets ``concession_exponent`` on the instance, which
    also shapes the deal offers built from ``aspiration``. Use a subclass.
    """

    name = "TimeConcession"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }
    params: ClassVar[dict[str, Param]] = _params(1.0)
    threshold: float
    exponent: float

    def __init__(self, **values: float) -> None:
        super().__init__(**values)
        # The instance exponent drives both this decision and the deal offers the
        # protocol builds from ``aspiration``.
        self.concession_exponent = self.exponent

    def decide(self, view: GameView) -> Move:
        if self.aspiration(view.time_fraction) >= self.threshold:
            return move(Action.HOLD, view)
        return move(Action.CONCEDE, view)


class Boulware(TimeConcession):
    """Hard bargainer that holds out until late in the horizon, then concedes
    (aspiration 1 - t**4): the Boulware tactic of Faratin, Sierra & Jennings (1998),
    "Negotiation decision functions for autonomous agents", *Robotics and Autonomous
    Systems* 24.
    """

    name = "Boulware"
    concession_exponent = 4.0
    params: ClassVar[dict[str, Param]] = _params(4.0)


class LinearConcession(TimeConcession):
    """Concedes at a steady pace, its aspiration 1 - t falling linearly: the linear
    tactic of Faratin, Sierra & Jennings (1998), "Negotiation decision functions for
    autonomous agents", *Robotics and Autonomous Systems* 24.
    """

    name = "LinearConcession"
    concession_exponent = 1.0
    params: ClassVar[dict[str, Param]] = _params(1.0)


class Conceder(TimeConcession):
    """Soft bargainer whose aspiration 1 - t**0.25 drops early, so it concedes almost
    at once: the Conceder tactic of Faratin, Sierra & Jennings (1998), "Negotiation decision
    functions for autonomous agents", *Robotics and Autonomous Systems* 24.
    """

    name = "Conceder"
    concession_exponent = 0.25
    params: ClassVar[dict[str, Param]] = _params(0.25)

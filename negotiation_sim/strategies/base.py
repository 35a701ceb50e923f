"""The strategy interface: what a strategy sees (``GameView``) and what it returns (``Move``).

A strategy is a small class in the style of Axelrod-Python: a ``name``, a docstring citing
its source, a ``classifier`` and one method, ``decide``, that returns a ``Move``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from negotiation_sim.core import Action, Move, Package
from negotiation_sim.economy.preferences import Resolve


@dataclass(frozen=True, slots=True)
class Param:
    """A tunable strategy parameter: default value, allowed closed range and meaning."""

    default: float
    low: float
    high: float
    doc: str
    integer: bool = False


@dataclass(frozen=True, slots=True)
class GameView:
    """Everything a government may know when it decides, from its own seat: a read-only
    snapshot (tuples and a read-only mapping, never the model's live lists).

    ``partner_moves`` are the partner's moves *as perceived* (perception noise applies).
    ``my_payoffs[k]`` is the payoff of this government's move in round ``k + 1``: the
    utility of the round that move led to (booked when that round is valued), less any
    audience cost paid for it.
    ``levels`` maps each of my instruments to its level scaled to [0, 1]
    (0 = at its floor, 1 = at its maximum). ``stage_payoffs()`` returns the one-round
    payoff matrices ``(mine, partner's)``, 3x3, rows = my action, columns = partner's,
    indexed by ``Action`` values; it is computed on demand from the economic model.
    ``rounds_to_deadline`` counts rounds until the next scheduled deadline (0 = this
    round), or is ``None`` when no deadline lies ahead. ``lobbying`` is my firms' net
    pressure in [-1, 1], positive for escalation.

    Conflict costs ($bn per round below the pre-dispute reference, both at their tariff
    floors with no controls): ``pain`` mine each round so far, ``partner_pain`` my
    partner's (public economics), ``outlook_pain`` (mine, partner's) on the calendar's
    no-deal path a few rounds ahead. ``partner_shifts`` are the verified changes of my
    partner's escalation index relative to mine between my decisions (> 0: it
    escalated more, by move or by the calendar). ``partner_lead`` is how far my partner's
    measures have risen beyond mine since the last agreed status quo, in my own
    escalation steps of duty value (D1; > 0: an escalation I have not yet matched; its
    answer to mine is no lead). ``threats_ahead`` counts my own declared threats still
    on the calendar (measures a deal would avert). ``resolve`` is my private resolve
    (never the partner's), ``audience_cost`` what backing down costs me now,
    ``deal_expires_in`` the rounds left of a truce in force, ``partner_offer`` my
    partner's standing offer.
    """

    round: int
    horizon: int
    me: str
    partner: str
    my_moves: tuple[Move, ...] = ()
    partner_moves: tuple[Move, ...] = ()
    my_payoffs: tuple[float, ...] = ()
    instruments: tuple[str, ...] = ("tariff",)
    levels: Mapping[str, float] = field(default_factory=dict)
    deal_in_force: str | None = None
    rounds_to_deadline: int | None = None
    lobbying: float = 0.0
    rng: np.random.Generator | None = None
    stage_payoffs: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None
    pain: tuple[float, ...] = ()
    partner_pain: tuple[float, ...] = ()
    outlook_pain: tuple[float, float] = (0.0, 0.0)
    partner_shifts: tuple[float, ...] = ()
    partner_lead: float = 0.0
    threats_ahead: int = 0
    resolve: Resolve = field(default_factory=Resolve)
    audience_cost: float = 0.0
    deal_expires_in: int | None = None
    partner_offer: Package | None = None

    def __post_init__(self) -> None:
        for name in ("my_moves", "partner_moves", "my_payoffs", "instruments"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.levels, MappingProxyType):
            object.__setattr__(self, "levels", MappingProxyType(dict(self.levels)))

    @property
    def time_fraction(self) -> float:
        """Elapsed share of the horizon, t in [0, 1], used by concession curves."""
        return min(1.0, max(0.0, (self.round - 1) / max(1, self.horizon - 1)))

    def payoffs(self) -> tuple[np.ndarray, np.ndarray]:
        if self.stage_payoffs is None:
            raise RuntimeError("this view carries no stage-game payoffs")
        return self.stage_payoffs()


class Strategy:
    """Base class. Subclasses set ``name``, ``classifier``, ``params`` and define ``decide``.

    ``classifier`` keys: ``stochastic`` (bool), ``memory_depth`` (int or ``float('inf')``),
    ``uses_payoffs`` (bool). ``params`` declares tunable parameters; values passed to the
    constructor are checked against their ranges.
    """

    name: ClassVar[str] = "Strategy"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
    }
    params: ClassVar[dict[str, Param]] = {}
    #: exponent e of the aspiration curve u(t) = 1 - t**e used to build deal offers
    concession_exponent: float = 1.0

    def __init__(self, **values: float) -> None:
        unknown = set(values) - set(self.params)
        if unknown:
            allowed = ", ".join(sorted(self.params)) or "none"
            raise ValueError(
                f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                f"allowed: {allowed}"
            )
        for key, spec in self.params.items():
            value = values.get(key, spec.default)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{self.name}.{key} must be a number, got {value!r}")
            if math.isnan(value) or not (spec.low <= value <= spec.high):
                raise ValueError(
                    f"{self.name}.{key} = {value!r} is out of range; "
                    f"allowed: {spec.low} to {spec.high}"
                )
            if spec.integer and not float(value).is_integer():
                raise ValueError(f"{self.name}.{key} must be a whole number, got {value!r}")
            setattr(self, key, int(value) if spec.integer else float(value))
        self.reset()

    def reset(self) -> None:
        """Forget all learned state (called at construction)."""

    def decide(self, view: GameView) -> Move:
        raise NotImplementedError

    @property
    def ready(self) -> bool:
        """Whether ``decide`` can answer now; a computer strategy always can."""
        return True

    def aspiration(self, t: float) -> float:
        """Aspiration level u(t) = 1 - t**e in [0, 1] (NegMAS time-based concession)."""
        return 1.0 - min(1.0, max(0.0, t)) ** self.concession_exponent

    @classmethod
    def describe(cls) -> str:
        """First paragraph of the docstring."""
        return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.params)
        return f"{self.name}({args})"


def choose_instrument(action: Action, view: GameView) -> str | None:
    """The instrument an action applies to when a strategy does not say.

    Escalate uses the first of my instruments (in scenario order) that is below its
    maximum, or the first instrument when all are at their maximum; concede uses the
    instrument furthest above its floor; hold uses none.
    """
    if action is Action.HOLD:
        return None
    if action is Action.ESCALATE:
        for name in view.instruments:
            if view.levels.get(name, 0.0) < 1.0:
                return name
        return view.instruments[0] if view.instruments else None
    if not view.instruments:
        return None
    return max(view.instruments, key=lambda name: view.levels.get(name, 0.0))


def move(action: Action, view: GameView) -> Move:
    """A move of ``action`` on the default instrument for it."""
    return Move(action, choose_instrument(action, view))


#: a change of the escalation index below this is no change (rounding)
EPS = 1e-6


def verified_shift(view: GameView) -> float:
    """How much the partner escalated against me since my last decision, as its
    measures show (0 before my second decision)."""
    return view.partner_shifts[-1] if view.partner_shifts else 0.0


def perceived_action(view: GameView) -> Action:
    """The partner's last action as I take it: its perceived move, or an escalation
    when its measures against me rose (by its move or by the calendar) although the
    move did not show it. Reciprocal strategies answer this."""
    last = view.partner_moves[-1].action
    if last is not Action.ESCALATE and verified_shift(view) > EPS:
        return Action.ESCALATE
    return last

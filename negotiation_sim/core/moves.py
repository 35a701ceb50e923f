"""Actions, moves and deal packages: what strategies return and the mechanism settles."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from negotiation_sim.core.instruments import CONTROL_LEVELS


class Action(IntEnum):
    """What a government does this round. The integer value indexes stage-game matrices."""

    ESCALATE = 0
    HOLD = 1
    CONCEDE = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Action:
        """Parse ``"escalate"``, ``"E"``, ``"hold"``... (case-insensitive)."""
        key = text.strip().upper()
        for action in cls:
            if action.name == key or action.name[0] == key:
                return action
        raise ValueError(f"unknown action {text!r}; allowed: escalate, hold, concede")


E, H, C = Action.ESCALATE, Action.HOLD, Action.CONCEDE


@dataclass(frozen=True, slots=True)
class Package:
    """A deal offer: post-deal policy levels for both negotiating parties.

    ``tariffs[g]`` is government ``g``'s average tariff on its partner (percent),
    ``controls[g]`` maps instrument name to control level for government ``g``, and
    ``purchases`` is the annual purchase commitment ($bn/yr) of the buyer in the
    scenario's purchase lever. ``kind`` is one of ``DEAL_KINDS``: a ``"truce"`` is
    time-limited (``duration`` rounds, then the suspended measures snap back), a
    ``"partial"`` deal lasts but leaves some measures in place, a ``"comprehensive"``
    deal returns both sides to their floors with no controls. ``meets`` names the
    governments whose declared demand the package meets (``docs/model.md``, Demands):
    a deal meets a demand only when it says so.
    """

    proposer: str
    tariffs: dict[str, float]
    controls: dict[str, dict[str, int]]
    purchases: float = 0.0
    kind: str = "truce"
    aspiration: float = 1.0
    duration: int | None = None
    #: the named measures a truce suspends (e.g. a calendar threat that took effect)
    suspends: tuple[str, ...] = ()
    #: the governments whose declared demand (beyond tariffs) this package meets
    meets: tuple[str, ...] = ()
    #: the share of those demands it meets (1: in full)
    met_share: float = 1.0

    @property
    def lasting(self) -> bool:
        """A partial or comprehensive deal (not a truce): ``is_lasting(kind)``."""
        return is_lasting(self.kind)

    def describe(self) -> str:
        parts = [f"{g} tariff {t:.0f}%" for g, t in self.tariffs.items()]
        for g, ctl in self.controls.items():
            parts += [f"{g} {k} {CONTROL_LEVELS[v]}" for k, v in ctl.items()]
        if self.purchases:
            parts.append(f"purchases ${self.purchases:.0f}bn/yr")
        if self.suspends:
            parts.append("suspends " + " and ".join(self.suspends))
        if self.meets:
            share = "" if self.met_share >= 1.0 else f"{self.met_share:.0%} of "
            parts.append("meets " + " and ".join(f"{share}{g}'s demand" for g in self.meets))
        if self.duration:
            parts.append(f"for {self.duration} rounds")
        return f"{self.kind} by {self.proposer}: " + ", ".join(parts)


#: the kinds of agreement: a time-limited truce, a lasting partial deal, a full deal
DEAL_KINDS: tuple[str, ...] = ("truce", "partial", "comprehensive")


def is_lasting(kind: str) -> bool:
    """Whether an agreement of ``kind`` lasts: every kind but the time-limited "truce"
    (the one definition, for ``Package.lasting`` and the back-test's deal records)."""
    return kind != "truce"


@dataclass(frozen=True, slots=True)
class Move:
    """One government's choice in one round.

    ``instrument`` names the instrument the action applies to (``None`` for hold).
    ``offer`` is an optional explicit deal package; when a government concedes without
    one, the protocol builds one from its concession curve.
    """

    action: Action
    instrument: str | None = None
    offer: Package | None = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.action is Action.HOLD or self.instrument is None:
            return self.action.label
        return f"{self.action.label}:{self.instrument}"

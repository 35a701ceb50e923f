"""Words for front ends, all read from ``core``: outcome labels and phrases, instrument
labels, control-level names, moves in plain words and which way firms push.

Nothing here defines a label of its own: each mapping is derived from the core registry
(``core.OUTCOME_INFO``, ``core.REGISTRY``, ``core.CONTROL_LEVELS``, ``core.stance_word``),
so the app, the classroom and the CLI say the same thing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import MappingProxyType

from negotiation_sim.core import CONTROL_LEVELS, OUTCOME_INFO, REGISTRY, Action, stance_word

#: outcome name -> heading label ("Trade war")
OUTCOME_LABELS: Mapping[str, str] = MappingProxyType({k: o.label for k, o in OUTCOME_INFO.items()})
#: outcome name -> words for a sentence ("a trade war")
OUTCOME_WORDS: Mapping[str, str] = MappingProxyType({k: o.words for k, o in OUTCOME_INFO.items()})
#: outcome name -> what it means (help texts)
OUTCOME_MEANINGS: Mapping[str, str] = MappingProxyType(
    {k: o.meaning for k, o in OUTCOME_INFO.items()}
)
#: instrument name -> short noun ("rare-earth exports")
INSTRUMENT_LABELS: Mapping[str, str] = MappingProxyType({k: i.label for k, i in REGISTRY.items()})

#: which way firms push, as a phrase, by ``core.stance_word``
LOBBY_PHRASES: Mapping[str, str] = MappingProxyType(
    {"escalate": "push to escalate", "concede": "push to concede", "quiet": "no strong view"}
)
_PAST = {Action.ESCALATE: "escalated", Action.HOLD: "held", Action.CONCEDE: "conceded"}


def outcome_label(outcome: str) -> str:
    """``"Trade war"`` for ``"trade_war"``; an unknown name is shown as written."""
    info = OUTCOME_INFO.get(outcome)
    return info.label if info else outcome.replace("_", " ").capitalize()


def outcome_words(outcome: str) -> str:
    info = OUTCOME_INFO.get(outcome)
    return info.words if info else outcome.replace("_", " ")


def outcome_meaning(outcome: str) -> str:
    info = OUTCOME_INFO.get(outcome)
    return info.meaning if info else ""


def instrument_label(name: str) -> str:
    """The registry's short noun for an instrument (the name itself if unknown)."""
    inst = REGISTRY.get(name)
    return inst.label if inst else name.replace("_", " ")


def control_level_name(level: int, short: bool = False) -> str:
    """``"broad ban"`` for level 2; ``short`` cuts long names for axis ticks."""
    name = CONTROL_LEVELS[int(level)]
    return name[:9] + "." if short and len(name) > 10 else name


def split_move(move: str) -> tuple[str, str]:
    """A recorded move (``"escalate:chips"``, ``"hold"``, ``""``) as (action, instrument)."""
    action, _, inst = (move or "").partition(":")
    return action, inst


def move_words(move: str, past: bool = False) -> str:
    """``"escalate (chips)"`` or, with ``past``, ``"escalated (chips)"``."""
    action, inst = split_move(move)
    if past and action:
        with contextlib.suppress(ValueError):
            action = _PAST[Action.parse(action)]
    return f"{action} ({instrument_label(inst)})" if inst else action


def lobby_word(stance: float) -> str:
    """``"escalate"``, ``"concede"`` or ``"quiet"`` (``core.stance_word``)."""
    return stance_word(stance)


def short_id(gid: str, name: str) -> str:
    """A short label for a government: ``"US"``, ``"CN"``, or its name for long ids."""
    return gid.upper() if len(gid) <= 3 else name

"""Colours of the front ends: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
Design"), which stays distinguishable with the common colour-vision deficiencies.
Outcome colours come from ``core``'s colour keys; every colour is paired with a label or
a marker shape, so nothing is told by colour alone."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from negotiation_sim.core import OUTCOME_INFO

OKABE_ITO: Mapping[str, str] = MappingProxyType(
    {
        "black": "#000000",
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
        "grey": "#999999",
    }
)


def colour(key: str) -> str:
    """The hex colour of a palette key (``KeyError`` naming the keys)."""
    try:
        return OKABE_ITO[key]
    except KeyError:
        raise KeyError(f"unknown colour {key!r}; allowed: {', '.join(OKABE_ITO)}") from None


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative
    luminance: white when the background's luminance is below 0.18)."""
    rgb = [int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#ffffff" if lum < 0.18 else "#000000"


#: outcome name -> colour, from core's colour keys
OUTCOME_COLOURS: Mapping[str, str] = MappingProxyType(
    {name: colour(o.colour) for name, o in OUTCOME_INFO.items()}
)
#: outcome name -> text colour readable on its colour
OUTCOME_TEXT: Mapping[str, str] = MappingProxyType(
    {name: text_on(c) for name, c in OUTCOME_COLOURS.items()}
)

#: the two negotiating parties (first, second) and third countries
PARTY_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])
#: the second party's colour darkened for text on white
PARTY_TEXT = (OKABE_ITO["blue"], "#8a5a00")
THIRD_COLOUR = OKABE_ITO["reddish_purple"]

#: moves: colour and marker (escalate up, hold flat, concede down)
MOVE_COLOURS: Mapping[str, str] = MappingProxyType(
    {"escalate": OKABE_ITO["vermillion"], "hold": "#666666", "concede": OKABE_ITO["bluish_green"]}
)
MOVE_SYMBOLS: Mapping[str, str] = MappingProxyType({"escalate": "▲", "hold": "■", "concede": "▼"})
#: which way firms push (``core.stance_word``): colour of each word
LOBBY_COLOURS: Mapping[str, str] = MappingProxyType(
    {"escalate": OKABE_ITO["vermillion"], "concede": OKABE_ITO["bluish_green"], "quiet": "#eeeeee"}
)

#: calendar event types: matplotlib marker, HTML symbol and a short name for legends
EVENT_STYLE: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "meeting": ("o", "●", "meeting"),
        "summit": ("*", "★", "summit"),
        "tariff_threat": ("^", "▲", "tariff threat"),
        "truce_expiry": ("D", "◆", "truce expiry"),
        "control_rule": ("s", "■", "control rule"),
        "note": ("|", "|", "note"),
    }
)


def event_marker(kind: str) -> str:
    return EVENT_STYLE.get(kind, ("|", "•", kind))[0]


def event_symbol(kind: str) -> str:
    return EVENT_STYLE.get(kind, ("|", "•", kind))[1]

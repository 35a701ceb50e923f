"""Colours, labels and page CSS shared by the app's views.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which
stays distinguishable with the common colour-vision deficiencies. Every colour is paired
with a text label or a marker shape, so nothing is told by colour alone.
"""

from __future__ import annotations

import html

from negotiation_sim.core import OUTCOMES

OKABE_ITO = {
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

#: the two negotiating parties (first, second) and third countries
PARTY_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])
THIRD_COLOUR = OKABE_ITO["reddish_purple"]

OUTCOME_COLOURS = {
    "ongoing": OKABE_ITO["grey"],
    "truce": OKABE_ITO["sky_blue"],
    "deal": OKABE_ITO["bluish_green"],
    "trade_war": OKABE_ITO["vermillion"],
    "stalemate": OKABE_ITO["yellow"],
}
#: text colour readable on each outcome colour
OUTCOME_TEXT = {
    "ongoing": "#000000",
    "truce": "#000000",
    "deal": "#ffffff",
    "trade_war": "#ffffff",
    "stalemate": "#000000",
}
OUTCOME_LABELS = {
    "ongoing": "Ongoing",
    "truce": "Truce",
    "deal": "Deal",
    "trade_war": "Trade war",
    "stalemate": "Stalemate",
}
OUTCOME_HELP = {
    "ongoing": "no deal in force, not (yet) a trade war",
    "truce": "a temporary deal is in force; it expires or can break",
    "deal": "a comprehensive deal is in force: tariffs back near their floors, no controls",
    "trade_war": "both escalation indices at or above the trade-war threshold for "
    "several rounds in a row",
    "stalemate": "the horizon ended with no deal and no trade war",
}
assert set(OUTCOME_COLOURS) == set(OUTCOMES)

#: moves: colour and marker (escalate up, hold flat, concede down)
MOVE_COLOURS = {
    "escalate": OKABE_ITO["vermillion"],
    "hold": "#666666",
    "concede": OKABE_ITO["bluish_green"],
}
MOVE_SYMBOLS = {"escalate": "▲", "hold": "■", "concede": "▼"}
#: firm lobbying: push to escalate / push to concede
PUSH_ESCALATE = OKABE_ITO["vermillion"]
PUSH_CONCEDE = OKABE_ITO["bluish_green"]

#: calendar event types: marker and a short name for legends
EVENT_STYLE = {
    "meeting": ("o", "meeting"),
    "summit": ("*", "summit"),
    "tariff_threat": ("^", "tariff threat"),
    "truce_expiry": ("D", "truce expiry"),
    "control_rule": ("s", "control rule"),
    "note": ("|", "note"),
}
EVENT_HTML = {
    "meeting": "●",
    "summit": "★",
    "tariff_threat": "▲",
    "truce_expiry": "◆",
    "control_rule": "■",
    "note": "|",
}

INSTRUMENT_LABELS = {"tariff": "tariff", "rare_earth": "rare-earth exports", "chips": "chips"}
CONTROL_LEVEL_NAMES = ("none", "licensing", "broad ban", "extraterritorial")

CSS = """
.ns-app { font-size: 15px; }
.ns-lead { font-size: 15px; line-height: 1.45; margin: 0 0 6px 0; max-width: 1100px; }
.ns-help { font-size: 12.5px; color: #444; line-height: 1.3; margin: 2px 0 10px 0; }
.ns-banner { padding: 10px 16px; border-radius: 6px; font-size: 17px; line-height: 1.35; }
.ns-banner b { font-size: 19px; }
.ns-card-title { font-weight: 600; font-size: 16px; }
.ns-chart { width: 100%; height: auto; display: block; }
.ns-caption { font-size: 12.5px; color: #333; margin: 2px 0 8px 0; line-height: 1.35; }
.ns-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.ns-table th, .ns-table td { border-bottom: 1px solid #ddd; padding: 3px 6px;
    text-align: left; vertical-align: top; }
.ns-table th { background: #f3f3f3; position: sticky; top: 0; }
.ns-table td:nth-child(2) { white-space: nowrap; }
.ns-scroll { max-height: 340px; overflow-y: auto; border: 1px solid #ddd; }
.ns-matrix { border-collapse: collapse; font-size: 13.5px; }
.ns-matrix th, .ns-matrix td { border: 1px solid #bbb; padding: 5px 8px; text-align: center; }
.ns-matrix th { background: #f3f3f3; }
.ns-matrix td.ns-played { outline: 3px solid #000; outline-offset: -3px; }
.ns-matrix td.ns-nash { background: #e6f4ee; }
.ns-meter { display: inline-block; width: 120px; height: 10px; background: #eee;
    border: 1px solid #999; vertical-align: middle; margin: 0 6px; }
.ns-meter > span { display: block; height: 100%; }
.ns-errors { white-space: pre-wrap; font-family: monospace; font-size: 12.5px; margin: 0; }
.ns-kv td { padding: 1px 8px 1px 0; font-size: 13.5px; vertical-align: top; }
.ns-prob td, .ns-prob th { text-align: right; }
.ns-prob td:first-child, .ns-prob th:first-child { text-align: left; }
.ns-cards { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr)
    minmax(0, 1.3fr); gap: 10px; margin-top: 10px; }
.ns-card { border: 1px solid #d5d5d5; border-radius: 6px; padding: 8px 10px;
    background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
.ns-live-grid { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
    gap: 16px; }
.ns-h3 { margin: 0 0 2px 0; font-size: 16px; font-weight: 600; }
.ns-run-error { color: #b00020; border: 1px solid #b00020; padding: 6px; margin-top: 6px; }
@media (max-width: 1350px) {
  .ns-cards { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  .ns-cards .ns-this-round { grid-column: 1 / span 2; }
  .ns-live-grid { grid-template-columns: minmax(0, 1fr); }
}
.ns-swatch { display: inline-block; width: 11px; height: 11px; margin-right: 5px;
    border: 1px solid #555; vertical-align: middle; }
"""


def esc(text: object) -> str:
    """HTML-escape any value for the HTML snippets the views build."""
    return html.escape(str(text), quote=True)


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome.replace("_", " ").capitalize())


def swatch(colour: str) -> str:
    return f'<span class="ns-swatch" style="background:{colour}"></span>'

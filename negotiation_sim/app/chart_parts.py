"""Pieces the live charts share: line style, country colours, panel legends, date ticks
and bars."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from negotiation_sim.app.live_text import fmt_date
from negotiation_sim.ui.palette import PARTY_COLOURS, THIRD_COLOUR
from negotiation_sim.views import RunInfo

LINE = {"linewidth": 2.0, "solid_capstyle": "round", "solid_joinstyle": "round"}


def country_colours(info: RunInfo) -> dict[str, str]:
    out = {p.gid: PARTY_COLOURS[i] for i, p in enumerate(info.parties)}
    for gid, _ in info.countries:
        out.setdefault(gid, THIRD_COLOUR)
    return out


def legend_handle(ax, colour: str, label: str, linestyle="-") -> None:
    handles = getattr(ax, "_ns_handles", [])
    handles.append(Line2D([], [], color=colour, linestyle=linestyle, linewidth=2.0, label=label))
    ax._ns_handles = handles


def legend(ax, title: str) -> None:
    """The panel's title above the panel, its legend entries in one row below the title."""
    handles = getattr(ax, "_ns_handles", [])
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=max(1, len(handles)),
        frameon=False,
        borderaxespad=0.15,
        handlelength=1.8,
        columnspacing=1.2,
        fontsize=8.5,
    )
    ax.annotate(
        title,
        xy=(0.0, 1.0),
        xycoords="axes fraction",
        xytext=(0, 17),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        color="#333333",
    )


def short_date(info: RunInfo, round_: int) -> str:
    day = info.date_of(round_)
    return f"{day.day} {day:%b} {day:%y}"


def long_date(info: RunInfo, round_: int) -> str:
    return fmt_date(info.date_of(round_))


def round_ticks(horizon: int) -> list[int]:
    count = min(7, horizon)
    return sorted({round(x) for x in np.linspace(1, horizon, count)})


def bars(y: np.ndarray, width: np.ndarray, height: float = 0.7) -> list[np.ndarray]:
    """Rectangles from x = 0 to ``width`` centred on ``y`` (for a PolyCollection)."""
    h = height / 2
    return [
        np.array([(0.0, yi - h), (w, yi - h), (w, yi + h), (0.0, yi + h)])
        for yi, w in zip(y, width, strict=True)
    ]


def darker(colour: str) -> str:
    """A darker shade of a hex colour, readable as text on white."""
    c = colour.lstrip("#")
    rgb = [int(c[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{int(v * 0.7):02x}" for v in rgb)

"""The live firms chart: each firm group's profit change against normal round by round
(a heat map that grows by one column per round), the share of its firms pushing each
way now and the group's mean stance (``views.group_lobbying``: one lobbying threshold,
``core.QUIET_STANCE``, for every front end)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Normalize
from matplotlib.transforms import Bbox

from negotiation_sim.app.chart_parts import bars as _bars
from negotiation_sim.app.chart_parts import country_colours, darker
from negotiation_sim.app.figure import LayeredChart
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.ui.palette import LOBBY_COLOURS
from negotiation_sim.views import profit_column


def label_width(fig, labels: list[str]) -> float:
    """Width in inches of the widest of ``labels`` as y tick labels of ``fig`` (in the
    rc settings in force)."""
    fontsize = matplotlib.rcParams["ytick.labelsize"]
    renderer = fig.canvas.get_renderer()
    widest = 0.0
    for label in labels:
        text = fig.text(0, 0, label, fontsize=fontsize)
        widest = max(widest, text.get_window_extent(renderer).width)
        text.remove()
    return widest / fig.dpi


class FirmsChart(LayeredChart):
    """Left: each firm group's profit change vs normal, round by round. Middle: the share
    of its firms pushing for concession and for escalation now. Right: their mean stance
    (profit change vs normal, capped at +-1: > 0 gains from the conflict).

    The heat map grows by one column per round; the bars and stances are redrawn each
    round over their own saved background."""

    size = (7.0, 4.6)
    alt = (
        "Firms: profit change of each firm group over time (heat map), the share of its "
        "firms lobbying for concession or escalation this round, and their mean stance"
    )
    norm = Normalize(-0.5, 0.5)
    cmap = matplotlib.colormaps["BrBG"]

    def layout_key(self, run: LiveRun, n: int) -> Hashable:
        info = run.info
        return (info.horizon, tuple((g.label, g.country) for g in info.groups), len(info.parties))

    def build(self, run: LiveRun, limits: Hashable) -> None:
        info = run.info
        groups = info.groups
        g = len(groups)
        height = 1.45 + 0.235 * g
        width = self.size[0]
        self.fig.set_size_inches(width, height)
        labels = [grp.label for grp in groups]
        # room for the longest group name, measured in the figure's font
        left, gap, right = label_width(self.fig, labels) + 0.2, 0.32, 0.2
        left, gap, right = left / width, gap / width, right / width
        free = 1 - left - 2 * gap - right
        heat_w, bar_w, mean_w = 0.40 * free, 0.36 * free, 0.24 * free
        bottom = 1.1 / height
        h = 1 - bottom - 0.4 / height
        heat = self.fig.add_axes((left, bottom, heat_w, h))
        x = left + heat_w + gap
        bars = self.fig.add_axes((x, bottom, bar_w, h), sharey=heat)
        means = self.fig.add_axes((x + bar_w + gap, bottom, mean_w, h), sharey=heat)
        colours = country_colours(info)
        anim = {"animated": self.live}
        # heat map of profit change (share of normal profit): one cell per group and round
        heat.set_xlim(0.5, info.horizon + 0.5)
        heat.set_ylim(g - 0.5, -0.5)
        heat.set_yticks(range(g))
        heat.set_yticklabels(labels)
        heat.set_facecolor("#ffffff")
        for tick, grp in zip(heat.get_yticklabels(), groups, strict=True):
            tick.set_color(darker(colours.get(grp.country, "#333333")))
        heat.set_xlabel("Round")
        heat.set_title("Profit vs normal, each round", loc="left", fontsize=9.5)
        heat.spines["right"].set_visible(True)
        heat.spines["top"].set_visible(True)
        self.cells = PolyCollection([], edgecolors="none", antialiased=False, **anim)
        heat.add_collection(self.cells)
        cax = self.fig.add_axes((left, 0.42 / height, heat_w, 0.1 / height))
        bar = self.fig.colorbar(
            ScalarMappable(self.norm, self.cmap), cax=cax, orientation="horizontal"
        )
        bar.set_ticks([-0.5, -0.25, 0, 0.25, 0.5])
        bar.set_ticklabels(["≤−50", "−25", "0", "+25", "≥+50"])
        bar.ax.tick_params(labelsize=7.5)
        bar.set_label("profit change vs normal (free-trade) profit, %", fontsize=8)
        # shares pushing each way
        bars.set_xlim(-100, 100)
        bars.axvline(0, color="#555555", linewidth=0.8)
        bars.set_xticks([-100, -50, 0, 50, 100])
        bars.set_xticklabels(["100", "50", "0", "50", "100"])
        bars.set_xlabel("% of the group's firms\n← concede    escalate →")
        bars.tick_params(axis="y", left=False, labelleft=False)
        bars.grid(axis="x", color="#e3e3e3", linewidth=0.8)
        bars.set_title("Lobbying now", loc="left", fontsize=9.5)
        self.concede = PolyCollection(
            [], facecolors=LOBBY_COLOURS["concede"], edgecolors="none", **anim
        )
        self.escalate = PolyCollection(
            [], facecolors=LOBBY_COLOURS["escalate"], edgecolors="none", **anim
        )
        bars.add_collection(self.concede)
        bars.add_collection(self.escalate)
        # mean stance lollipops
        means.set_xlim(-1.12, 1.12)
        means.set_xticks([-1, 0, 1])
        means.set_xticklabels(["−1", "0", "+1"])
        means.axvline(0, color="#555555", linewidth=0.8)
        means.tick_params(axis="y", left=False, labelleft=False)
        means.grid(axis="x", color="#e3e3e3", linewidth=0.8)
        means.set_title("Group stance", loc="left", fontsize=9.5)
        means.set_xlabel("index −1 … +1\n← concede  escalate →")
        self.stems = LineCollection([], colors="#333333", linewidths=1.2, **anim)
        means.add_collection(self.stems)
        (self.dots,) = means.plot([], [], "D", color="#000000", markersize=4.5, **anim)
        self.heat, self.bars_ax, self.means_ax = heat, bars, means
        self.rows = g
        self._moving_bg = None

    def _moving_box(self) -> Bbox:
        return Bbox.union([self.bars_ax.bbox, self.means_ax.bbox]).expanded(1.0, 1.02)

    def after_static_draw(self) -> None:
        self._moving_bg = self.fig.canvas.copy_from_bbox(self._moving_box())

    def dirty_boxes(self, artists: list[Artist], start: int, n: int) -> list[Bbox]:
        boxes = [self._moving_box()]
        if n > start:
            corners = self.heat.transData.transform(
                [(start + 0.5, -0.5), (n + 0.5, self.rows - 0.5)]
            )
            boxes.append(Bbox(np.sort(corners, axis=0)))
        return boxes

    def update(self, run: LiveRun, start: int, n: int) -> Iterable[Artist]:
        info = run.info
        verts, colours = [], []
        for grp in info.groups:
            if n <= start:
                break
            profit = run.column(profit_column(grp.name), n)[start:]
            base = grp.base_profit if abs(grp.base_profit) > 1e-12 else np.nan
            change = (profit - grp.base_profit) / abs(base)
            y = grp.index
            for r, value in zip(range(start + 1, n + 1), change, strict=True):
                if np.isfinite(value):
                    verts.append(
                        [
                            (r - 0.5, y - 0.5),
                            (r + 0.5, y - 0.5),
                            (r + 0.5, y + 0.5),
                            (r - 0.5, y + 0.5),
                        ]
                    )
                    colours.append(value)
        self.cells.set_verts(verts)
        self.cells.set_facecolor(self.cmap(self.norm(np.asarray(colours))) if colours else [])
        if self.live and self._moving_bg is not None:
            self.fig.canvas.restore_region(self._moving_bg)
        lobbying = run.snapshot(n).lobbying
        esc, con, mean = lobbying.escalate, lobbying.concede, lobbying.stance
        g = len(info.groups)
        y = np.arange(g, dtype=float)
        self.concede.set_verts(_bars(y, -100 * con))
        self.escalate.set_verts(_bars(y, 100 * esc))
        if n >= 1:
            self.stems.set_segments([[(0.0, yi), (m, yi)] for yi, m in zip(y, mean, strict=True)])
            self.dots.set_data(mean, y)
        return [self.cells, self.concede, self.escalate, self.stems, self.dots]

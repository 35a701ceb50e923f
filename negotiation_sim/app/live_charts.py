"""The live view's two charts: the timeline (calendar, outcome, tariffs, export controls,
escalation, welfare) and the firms chart (profit change by firm group over time, and
which way each group lobbies now). Both are ``LayeredChart``s: a step draws only the new
round (see ``figure.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from negotiation_sim.app.figure import LayeredChart, nice_ceiling
from negotiation_sim.app.live_run import LiveRun, RunInfo
from negotiation_sim.app.style import (
    EVENT_STYLE,
    INSTRUMENT_LABELS,
    OUTCOME_COLOURS,
    PARTY_COLOURS,
    PUSH_CONCEDE,
    PUSH_ESCALATE,
    THIRD_COLOUR,
)

#: a firm "pushes" one way when its profit is more than this share above/below normal
STANCE_EPS = 0.01
LINE = {"linewidth": 2.0, "solid_capstyle": "round", "solid_joinstyle": "round"}
_INCH_PER_PANEL_HEADER = 0.44
CONTROL_TICKS = ("none", "licensing", "broad ban", "extraterr.")


def static_signature(info: RunInfo) -> Hashable:
    """Everything the timeline's static layer shows: runs that agree on it (another seed,
    another strategy) reuse it."""
    return (
        info.title,
        info.horizon,
        info.start_date,
        info.round_days,
        tuple((e.round, e.kind, e.label) for e in info.events),
        tuple((p.gid, p.name, p.instruments) for p in info.parties),
        tuple(info.countries),
        tuple(info.controls),
        info.threshold,
        info.war_rounds,
        info.escalation_scale,
    )


def country_colours(info: RunInfo) -> dict[str, str]:
    out = {p.gid: PARTY_COLOURS[i] for i, p in enumerate(info.parties)}
    for gid, _ in info.countries:
        out.setdefault(gid, THIRD_COLOUR)
    return out


def series(run: LiveRun, column: str, n: int, with_start: bool = True) -> np.ndarray:
    """Rounds 0..n of a column (round 0 = the state before round 1)."""
    values = run.column(column, n)
    if not with_start:
        return values
    return np.concatenate([[run.info.initial[column]], values])


class TimelineChart(LayeredChart):
    """Stacked panels sharing the round axis, with the calendar's events marked."""

    size = (7.4, 7.6)
    alt = (
        "Timeline: outcome each round, tariffs each direction, export-control levels, "
        "escalation indices and welfare by country, with calendar events marked"
    )

    # -------------------------------------------------------------- layout
    def limits(self, run: LiveRun, n: int) -> tuple[float, float, float]:
        info = run.info
        tariffs = [series(run, c, n) for c in info.tariff_columns]
        steps = [run.model.config.governments[p.gid].tariff_step_pp for p in info.parties]
        top = nice_ceiling(max(float(t.max()) for t in tariffs) + 2 * max(steps), 10.0)
        top = min(top, 1.04 * info.max_tariff_pct)
        low, high = -0.5, 0.5
        if n:
            w = np.concatenate([run.column(f"welfare_{g}", n) for g, _ in info.countries])
            lo, hi = float(np.nanmin(w)), float(np.nanmax(w))
            low = -nice_ceiling(-lo, 0.5) if lo < 0 else -0.5
            high = nice_ceiling(hi, 0.5) if hi > 0 else 0.5
        return top, low, high

    def layout_key(self, run: LiveRun, n: int) -> Hashable:
        return static_signature(run.info)

    def set_limits(self, limits: Hashable) -> None:
        top, w_low, w_high = limits  # type: ignore[misc]
        self.axes["tariff"].set_ylim(0, top)
        self.axes["welfare"].set_ylim(w_low, w_high)

    def build(self, run: LiveRun, limits: Hashable) -> None:
        info = run.info
        top, w_low, w_high = limits  # type: ignore[misc]
        colours = country_colours(info)
        has_controls = bool(info.controls)
        # panel heights in inches: calendar, outcome ribbon, then the data panels
        panels = [("tariff", 1.55)]
        if has_controls:
            panels.append(("controls", 0.95))
        panels += [("escalation", 1.45), ("welfare", 1.3)]
        top_margin, bottom_margin, left, right = 0.42, 0.55, 1.08, 0.32
        strips = 0.26 + 0.24
        height = (
            top_margin
            + strips
            + sum(h + _INCH_PER_PANEL_HEADER for _, h in panels)
            + 0.08
            + bottom_margin
        )
        width = self.size[0]
        self.fig.set_size_inches(width, height)
        fx = left / width
        fw = 1 - (left + right) / width

        def add(y_top: float, h: float, **kw):
            return self.fig.add_axes(
                (fx, 1 - (y_top + h) / height, fw, h / height),
                **kw,
            )

        y = top_margin
        xlim = (-0.5, info.horizon + 0.5)
        cal = add(y, 0.26)
        y += 0.26 + 0.02
        ribbon = add(y, 0.22, sharex=cal)
        y += 0.22 + 0.06
        axes = {}
        for name, h in panels:
            y += _INCH_PER_PANEL_HEADER
            axes[name] = add(y, h, sharex=cal)
            y += h
        self.axes = axes
        cal.set_xlim(*xlim)
        # calendar strip: one marker per event; date ticks on top
        cal.set_ylim(0, 1)
        cal.set_yticks([])
        for spine in ("left", "bottom", "right"):
            cal.spines[spine].set_visible(False)
        cal.spines["top"].set_visible(True)
        cal.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        for event in info.events:
            marker, _ = EVENT_STYLE.get(event.kind, ("|", event.kind))
            cal.plot(
                [event.round],
                [0.45],
                marker=marker,
                markersize=9 if marker == "*" else 7,
                color="#222222",
                linestyle="none",
                clip_on=False,
            )
        cal.set_ylabel("Calendar", rotation=0, ha="right", va="center", labelpad=6)
        dates = cal.secondary_xaxis("top")
        ticks = _round_ticks(info.horizon)
        dates.set_xticks(ticks)
        dates.set_xticklabels([_short_date(info, r) for r in ticks])
        dates.tick_params(labelsize=8)
        # outcome ribbon
        ribbon.set_ylim(0, 1)
        ribbon.set_yticks([])
        ribbon.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        for spine in ribbon.spines.values():
            spine.set_visible(True)
            spine.set_color("#999999")
        ribbon.set_ylabel("Outcome", rotation=0, ha="right", va="center", labelpad=6)
        self.cells = PolyCollection([], edgecolors="none", antialiased=False, animated=self.live)
        ribbon.add_collection(self.cells)
        last = list(axes.values())[-1]
        for ax in axes.values():
            ax.grid(axis="y", color="#e3e3e3", linewidth=0.8)
            for event in info.events:
                ax.axvline(event.round, color="#8c8c8c", linewidth=0.8, linestyle=":")
            if ax is not last:
                ax.tick_params(axis="x", labelbottom=False)
        last.xaxis.set_major_locator(MaxNLocator(integer=True))
        last.set_xlabel(
            f"Round (1 round = {info.round_days} days; round 1 starts "
            f"{_short_date(info, 1)}; 0 = start)"
        )
        anim = {"animated": self.live}
        a, b = info.parties
        # tariffs
        ax = axes["tariff"]
        ax.set_ylim(0, top)
        ax.set_ylabel("Tariff (%)")
        self.tariff_lines = []
        for (col, party, partner), colour in zip(
            ((info.tariff_columns[0], a, b), (info.tariff_columns[1], b, a)),
            PARTY_COLOURS,
            strict=True,
        ):
            (line,) = ax.plot([], [], color=colour, **LINE, **anim)
            self.tariff_lines.append((col, line))
            _legend_handle(ax, colour, f"{party.short} tariff on {partner.short}")
        _legend(ax, "Tariffs: average tariff on the partner's goods (trade-weighted, %)")
        # controls
        self.control_lines = []
        if has_controls:
            ax = axes["controls"]
            ax.set_ylim(-0.25, 3.35)
            ax.set_yticks(range(4))
            ax.set_yticklabels(CONTROL_TICKS, fontsize=7.5)
            ax.set_ylabel("Control\nlevel (0–3)")
            dashes = {"chips": "-", "rare_earth": (0, (4, 1.6))}
            for k, (gid, inst) in enumerate(info.controls):
                colour = colours.get(gid, THIRD_COLOUR)
                style = dashes.get(inst, (0, (1, 1)))
                offset = 0.05 * (k - (len(info.controls) - 1) / 2)  # keep overlaps visible
                (line,) = ax.plot(
                    [], [], color=colour, linestyle=style, drawstyle="steps-post", **LINE, **anim
                )
                self.control_lines.append((f"control_{gid}_{inst}", line, offset))
                label = f"{_short(info, gid)} {INSTRUMENT_LABELS.get(inst, inst)}"
                _legend_handle(ax, colour, label, linestyle=style)
            _legend(ax, "Export controls: level 0 (none) to 3 (extraterritorial)")
        # escalation
        ax = axes["escalation"]
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("Escalation\nindex (0–1)")
        ax.axhline(info.threshold, color="#000000", linewidth=1.1, linestyle="--")
        ax.text(
            info.horizon + 0.5,
            info.threshold + 0.02,
            f"trade-war threshold {info.threshold:.2f}",
            ha="right",
            va="bottom",
            fontsize=8,
        )
        self.escalation_lines = []
        for party, colour in zip(info.parties, PARTY_COLOURS, strict=True):
            (line,) = ax.plot([], [], color=colour, **LINE, **anim)
            self.escalation_lines.append((f"escalation_{party.gid}", line))
            _legend_handle(ax, colour, f"{party.short}")
        _legend(ax, "Escalation index: mean of the instrument levels (0 = none, 1 = full)")
        # welfare
        ax = axes["welfare"]
        ax.set_ylim(w_low, w_high)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_ylabel("Welfare\n($bn / round)")
        self.welfare_lines = []
        styles = ["-", (0, (4, 1.6)), (0, (1, 1.2)), "-."]
        third = 0
        for gid, _name in info.countries:
            colour = colours[gid]
            style = "-"
            if colour == THIRD_COLOUR:
                style = styles[third % len(styles)]
                third += 1
            (line,) = ax.plot([], [], color=colour, linestyle=style, **LINE, **anim)
            self.welfare_lines.append((f"welfare_{gid}", line))
            _legend_handle(ax, colour, _short(info, gid), linestyle=style)
        _legend(ax, "Welfare against free trade, by country ($bn per round)")
        self.anim = anim
        # the state before round 1: a dot at round 0 on each line that starts there
        self.start_dots = []
        for col, line in self.tariff_lines + self.escalation_lines:
            (dot,) = line.axes.plot([], [], "o", color=line.get_color(), markersize=4, **anim)
            self.start_dots.append((col, dot, 0.0))
        for col, line, offset in self.control_lines:
            (dot,) = line.axes.plot([], [], "o", color=line.get_color(), markersize=4, **anim)
            self.start_dots.append((col, dot, offset))

    def dirty_boxes(self, artists: list[Artist], start: int, n: int) -> list[Bbox]:
        """A new round changes a vertical stripe from round ``start`` to ``n`` (plus line
        widths) through every panel."""
        ax = self.axes["tariff"]
        (x0, _), (x1, _) = ax.transData.transform([(start - 0.5, 0), (n + 0.5, 0)])
        return [Bbox([[x0 - 2, 0], [x1 + 2, self.fig.bbox.height]])]

    def update(self, run: LiveRun, start: int, n: int) -> Iterable[Artist]:
        """Artists covering rounds ``start..n``; the outcome cells of rounds > start."""
        outcomes = run.table["outcome"]
        rounds_new = range(start + 1, n + 1)
        self.cells.set_verts(
            [[(r - 0.5, 0), (r + 0.5, 0), (r + 0.5, 1), (r - 0.5, 1)] for r in rounds_new]
        )
        self.cells.set_facecolor(
            [OUTCOME_COLOURS.get(outcomes[r - 1], "#cccccc") for r in rounds_new] or "none"
        )
        out: list[Artist] = [self.cells]
        rounds = np.arange(start, n + 1)
        if start == 0:
            for col, dot, offset in self.start_dots:
                dot.set_data([0], [run.info.initial[col] + offset])
                out.append(dot)
        for col, line in self.tariff_lines:
            line.set_data(rounds, series(run, col, n)[start:])
            out.append(line)
        for col, line, offset in self.control_lines:
            line.set_data(rounds, series(run, col, n)[start:] + offset)
            out.append(line)
        for col, line in self.escalation_lines:
            line.set_data(rounds, series(run, col, n)[start:])
            out.append(line)
        w_start = max(1, start)
        if n >= 1:
            w_rounds = np.arange(w_start, n + 1)
            for col, line in self.welfare_lines:
                line.set_data(w_rounds, run.column(col, n)[w_start - 1 :])
                out.append(line)
        return out


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
        left, gap, right = 1.45 / width, 0.32 / width, 0.2 / width
        free = 1 - left - 2 * gap - right
        heat_w, bar_w, mean_w = 0.40 * free, 0.36 * free, 0.24 * free
        bottom = 1.1 / height
        h = 1 - bottom - 0.4 / height
        heat = self.fig.add_axes((left, bottom, heat_w, h))
        x = left + heat_w + gap
        bars = self.fig.add_axes((x, bottom, bar_w, h), sharey=heat)
        means = self.fig.add_axes((x + bar_w + gap, bottom, mean_w, h), sharey=heat)
        labels = [grp.label for grp in groups]
        colours = country_colours(info)
        anim = {"animated": self.live}
        # heat map of profit change (share of normal profit): one cell per group and round
        heat.set_xlim(0.5, info.horizon + 0.5)
        heat.set_ylim(g - 0.5, -0.5)
        heat.set_yticks(range(g))
        heat.set_yticklabels(labels)
        heat.set_facecolor("#ffffff")
        for tick, grp in zip(heat.get_yticklabels(), groups, strict=True):
            tick.set_color(_darker(colours.get(grp.country, "#333333")))
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
        self.concede = PolyCollection([], facecolors=PUSH_CONCEDE, edgecolors="none", **anim)
        self.escalate = PolyCollection([], facecolors=PUSH_ESCALATE, edgecolors="none", **anim)
        bars.add_collection(self.concede)
        bars.add_collection(self.escalate)
        # mean stance lollipops
        means.set_xlim(-1.12, 1.12)
        means.set_xticks([-1, 0, 1])
        means.set_xticklabels(["−1", "0", "+1"])
        means.axvline(0, color="#555555", linewidth=0.8)
        means.tick_params(axis="y", left=False, labelleft=False)
        means.grid(axis="x", color="#e3e3e3", linewidth=0.8)
        means.set_title("Mean stance", loc="left", fontsize=9.5)
        means.set_xlabel("index −1 … +1\n← concede  escalate →")
        self.stems = LineCollection([], colors="#333333", linewidths=1.2, **anim)
        means.add_collection(self.stems)
        (self.dots,) = means.plot([], [], "D", color="#000000", markersize=4.5, **anim)
        self.group_rows = np.asarray(run.model.world.firms.group)
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
        self.group_rows = np.asarray(run.model.world.firms.group)
        verts, colours = [], []
        for grp in info.groups:
            if n <= start:
                break
            profit = run.column(f"profit_{grp.name}", n)[start:]
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
        stance = run.stance(n)
        g = len(info.groups)
        counts = np.bincount(self.group_rows, minlength=g).astype(float)
        counts[counts == 0] = np.nan
        esc = np.nan_to_num(
            np.bincount(self.group_rows, weights=stance > STANCE_EPS, minlength=g) / counts
        )
        con = np.nan_to_num(
            np.bincount(self.group_rows, weights=stance < -STANCE_EPS, minlength=g) / counts
        )
        mean = np.nan_to_num(np.bincount(self.group_rows, weights=stance, minlength=g) / counts)
        y = np.arange(g, dtype=float)
        self.concede.set_verts(_bars(y, -100 * con))
        self.escalate.set_verts(_bars(y, 100 * esc))
        if n >= 1:
            self.stems.set_segments([[(0.0, yi), (m, yi)] for yi, m in zip(y, mean, strict=True)])
            self.dots.set_data(mean, y)
        return [self.cells, self.concede, self.escalate, self.stems, self.dots]


def _bars(y: np.ndarray, width: np.ndarray, height: float = 0.7) -> list[np.ndarray]:
    """Rectangles from x = 0 to ``width`` centred on ``y`` (for a PolyCollection)."""
    h = height / 2
    return [
        np.array([(0.0, yi - h), (w, yi - h), (w, yi + h), (0.0, yi + h)])
        for yi, w in zip(y, width, strict=True)
    ]


# ------------------------------------------------------------------ helpers
def _legend_handle(ax, colour: str, label: str, linestyle="-") -> None:
    handles = getattr(ax, "_ns_handles", [])
    handles.append(Line2D([], [], color=colour, linestyle=linestyle, linewidth=2.0, label=label))
    ax._ns_handles = handles


def _legend(ax, title: str) -> None:
    """The panel's title above the panel, its legend entries in one row below the title."""
    ax.legend(
        handles=getattr(ax, "_ns_handles", []),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=max(1, len(getattr(ax, "_ns_handles", []))),
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


def _short(info: RunInfo, gid: str) -> str:
    for party in info.parties:
        if party.gid == gid:
            return party.short
    name = dict(info.countries).get(gid, gid)
    return gid.upper() if len(gid) <= 3 else name


def _short_date(info: RunInfo, round_: int) -> str:
    day = info.date_of(round_)
    return f"{day.day} {day:%b} {day:%y}"


def _round_ticks(horizon: int) -> list[int]:
    count = min(7, horizon)
    return sorted({round(x) for x in np.linspace(1, horizon, count)})


def _darker(colour: str) -> str:
    """A darker shade of a hex colour, readable as text on white."""
    c = colour.lstrip("#")
    rgb = [int(c[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{int(v * 0.7):02x}" for v in rgb)

"""The live timeline chart: stacked panels sharing the round axis (calendar, outcome
ribbon, tariffs, export controls, escalation, welfare), with the calendar's events
marked. A ``LayeredChart``: a step draws only the new round (see ``figure.py``)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from negotiation_sim.app.chart_parts import (
    LINE,
    country_colours,
    legend,
    legend_handle,
    round_ticks,
    short_date,
)
from negotiation_sim.app.figure import LayeredChart, nice_ceiling
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.core import CONTROL_LEVELS
from negotiation_sim.ui.palette import OUTCOME_COLOURS, PARTY_COLOURS, THIRD_COLOUR, event_marker
from negotiation_sim.views import RunInfo, control_column, party_column, welfare_column
from negotiation_sim.views.words import control_level_name, instrument_label

_INCH_PER_PANEL_HEADER = 0.44


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
        info.escalation_scale_pct,
    )


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
        tariffs = [run.series(c, n) for c in info.tariff_columns]
        steps = [p.step_pp for p in info.parties]
        top = nice_ceiling(max(float(t.max()) for t in tariffs) + 2 * max(steps), 10.0)
        top = min(top, 1.04 * info.max_tariff_pct)
        low, high = -0.5, 0.5
        if n:
            w = np.concatenate([run.column(welfare_column(g), n) for g, _ in info.countries])
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
            marker = event_marker(event.kind)
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
        ticks = round_ticks(info.horizon)
        dates.set_xticks(ticks)
        dates.set_xticklabels([short_date(info, r) for r in ticks])
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
            f"{short_date(info, 1)}; 0 = start)"
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
            legend_handle(ax, colour, f"{party.short} tariff on {partner.short}")
        legend(ax, "Tariffs: average tariff on the partner's goods (trade-weighted, %)")
        # controls
        self.control_lines = []
        if has_controls:
            ax = axes["controls"]
            ax.set_ylim(-0.25, 3.35)
            ax.set_yticks(range(4))
            ax.set_yticklabels(
                [control_level_name(k, short=True) for k in range(len(CONTROL_LEVELS))],
                fontsize=7.5,
            )
            ax.set_ylabel("Control\nlevel (0–3)")
            dashes = {"chips": "-", "rare_earth": (0, (4, 1.6))}
            for k, (gid, inst) in enumerate(info.controls):
                colour = colours.get(gid, THIRD_COLOUR)
                style = dashes.get(inst, (0, (1, 1)))
                offset = 0.05 * (k - (len(info.controls) - 1) / 2)  # keep overlaps visible
                (line,) = ax.plot(
                    [], [], color=colour, linestyle=style, drawstyle="steps-post", **LINE, **anim
                )
                self.control_lines.append((control_column(gid, inst), line, offset))
                label = f"{info.short(gid)} {instrument_label(inst)}"
                legend_handle(ax, colour, label, linestyle=style)
            legend(ax, "Export controls: level 0 (none) to 3 (extraterritorial)")
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
            self.escalation_lines.append((party_column("escalation", party.gid), line))
            legend_handle(ax, colour, f"{party.short}")
        legend(ax, "Escalation index: mean of the instrument levels (0 = none, 1 = full)")
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
            self.welfare_lines.append((welfare_column(gid), line))
            legend_handle(ax, colour, info.short(gid), linestyle=style)
        legend(ax, "Welfare against free trade, by country ($bn per round)")
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
        outcomes = run.record.texts("outcome", n)
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
            line.set_data(rounds, run.series(col, n)[start:])
            out.append(line)
        for col, line, offset in self.control_lines:
            line.set_data(rounds, run.series(col, n)[start:] + offset)
            out.append(line)
        for col, line in self.escalation_lines:
            line.set_data(rounds, run.series(col, n)[start:])
            out.append(line)
        w_start = max(1, start)
        if n >= 1:
            w_rounds = np.arange(w_start, n + 1)
            for col, line in self.welfare_lines:
                line.set_data(w_rounds, run.column(col, n)[w_start - 1 :])
                out.append(line)
        return out

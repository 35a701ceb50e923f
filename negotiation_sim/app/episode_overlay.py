"""A back-test episode's observed path over the ensemble's tariff fan chart.

An episode (``views.episode``) names a scenario and dated observations of record columns
with a source each. ``observed_series`` puts the observations of the two tariff columns
on the rounds of the ensemble's chart, by the calendar's date-to-round rule
(``game.calendar.round_of``: the round holding the date); ``build_fans`` draws them as a
marked series per column, and ``observed_html`` lists them under the chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from negotiation_sim.app.chart_parts import darker
from negotiation_sim.app.live_text import fmt_date
from negotiation_sim.game.calendar import round_of
from negotiation_sim.ui.html import esc, swatch
from negotiation_sim.ui.palette import PARTY_COLOURS
from negotiation_sim.views import ScenarioInfo, tariff_column
from negotiation_sim.views.episode import Episode


@dataclass(frozen=True)
class ObservedPoint:
    round: int
    date: dt.date
    value: float
    source: str  # a key of the episode's [sources]
    note: str = ""


@dataclass(frozen=True)
class ObservedSeries:
    """One record column's observations on the chart's rounds, in date order."""

    column: str
    direction: str  # "US on CN"
    colour: str
    points: tuple[ObservedPoint, ...]

    @property
    def rounds(self) -> tuple[int, ...]:
        return tuple(p.round for p in self.points)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(p.value for p in self.points)

    @property
    def sources(self) -> tuple[str, ...]:
        """The source keys of the points, each once, in date order."""
        return tuple(dict.fromkeys(p.source for p in self.points))

    @property
    def label(self) -> str:
        """The legend entry: "US on CN: observed (bown_chart_final)", or with more
        sources "US on CN: observed (4 sources)" (the table under the chart names them)."""
        keys = self.sources
        named = keys[0] if len(keys) == 1 else f"{len(keys)} sources"
        return f"{self.direction}: observed ({named})"


def observed_series(
    episode: Episode | None, ctx: ScenarioInfo, rounds: int
) -> tuple[ObservedSeries, ...]:
    """The episode's observations of the tariff columns of ``ctx``'s two parties, dated
    to rounds from the scenario's start date and round length; points outside rounds
    1..``rounds`` (a shorter horizon than the episode's) are left out, and so are columns
    with no point left. No episode: nothing."""
    if episode is None:
        return ()
    a, b = ctx.parties[0].gid, ctx.parties[1].gid
    shorts = ctx.shorts
    out = []
    for k, (gid, partner) in enumerate(((a, b), (b, a))):
        column = tariff_column(gid, partner)
        points = []
        for o in sorted((o for o in episode.observed if o.column == column), key=lambda o: o.date):
            r = round_of(o.date, ctx.start_date, ctx.round_days)
            if 1 <= r <= rounds:
                points.append(ObservedPoint(r, o.date, o.value, o.source, o.note))
        if points:
            direction = f"{shorts[k]} on {shorts[1 - k]}"
            out.append(ObservedSeries(column, direction, PARTY_COLOURS[k], tuple(points)))
    return tuple(out)


def draw_observed(ax, series: Sequence[ObservedSeries]) -> None:
    """Each series as open diamonds joined by a dotted line, in a darker shade of its
    party's colour, with its legend entry."""
    for s in series:
        ax.plot(
            s.rounds,
            s.values,
            color=darker(s.colour),
            linestyle=(0, (1, 1.5)),
            linewidth=1.2,
            marker="D",
            markersize=5,
            markerfacecolor="#ffffff",
            markeredgewidth=1.6,
            zorder=5,
            label=s.label,
        )


def observed_html(episode: Episode, series: Sequence[ObservedSeries]) -> str:
    """The drawn points as a table: direction, date, round, value and source (the full
    citation on hover); exact values in data attributes."""
    rows = []
    for s in series:
        for p in s.points:
            cite = episode.sources.get(p.source, "")
            rows.append(
                f'<tr class="ns-observed-point" data-column="{esc(s.column)}" '
                f'data-round="{p.round}" data-value="{p.value!r}" '
                f'data-source="{esc(p.source)}">'
                f"<td>{swatch(s.colour)}{esc(s.direction)}</td><td>{esc(fmt_date(p.date))}</td>"
                f"<td>{p.round}</td><td>{p.value:.2f}%</td>"
                f'<td title="{esc(cite)}">{esc(p.source)}</td></tr>'
            )
    head = "<tr><th>Tariff</th><th>Date</th><th>Round</th><th>Observed</th><th>Source</th></tr>"
    return (
        f'<table class="ns-table ns-observed" data-episode="{esc(episode.stem)}" '
        f'data-points="{len(rows)}" style="width:auto">{head}{"".join(rows)}</table>'
    )

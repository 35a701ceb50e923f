"""Charts of ensembles (many seeds of one setting): outcome probabilities with confidence
intervals, fan charts, the escalation phase plot and outcome shares over time.

Each chart is a function ``build(fig, ...)`` that draws on an empty figure, used both for
the page (drawn once per result, at screen resolution) and for PNG/SVG exports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from negotiation_sim.app.episode_overlay import ObservedSeries, draw_observed
from negotiation_sim.app.figure import RC, figure_png, new_figure, savefig_bytes
from negotiation_sim.core import OUTCOMES
from negotiation_sim.runs.ensemble import EnsembleResult
from negotiation_sim.scenario import Scenario
from negotiation_sim.ui.palette import OUTCOME_COLOURS, PARTY_COLOURS
from negotiation_sim.views import ScenarioInfo, party_column, scenario_info, tariff_column
from negotiation_sim.views.words import outcome_label

#: what the ensemble charts label things with (``views.scenario_info``)
Context = ScenarioInfo


def context(scenario: Scenario) -> Context:
    return scenario_info(scenario)


def _gids(ctx: Context) -> tuple[str, str]:
    return ctx.parties[0].gid, ctx.parties[1].gid


# ---------------------------------------------------------------------- outcome bars
def build_outcomes(
    fig: Figure, tables: Sequence[tuple[str, pd.DataFrame]], runs: Sequence[int]
) -> None:
    """Probability of each outcome with its 95% Wilson interval; one bar per setting."""
    ax = fig.add_subplot()
    k = len(tables)
    height = 0.8 / k
    y = np.arange(len(OUTCOMES))
    hatches = ["", "//", "..", "xx"]
    for s, (label, table) in enumerate(tables):
        table = table.set_index("outcome").reindex(list(OUTCOMES))
        p = table["probability"].to_numpy() * 100
        lo = table["ci_low"].to_numpy() * 100
        hi = table["ci_high"].to_numpy() * 100
        pos = y - 0.4 + height * (s + 0.5)
        ax.barh(
            pos,
            p,
            height=height * 0.9,
            color=[OUTCOME_COLOURS[o] for o in OUTCOMES],
            edgecolor="#333333",
            linewidth=0.6,
            hatch=hatches[s % len(hatches)],
        )
        errors = np.clip([p - lo, hi - p], 0.0, None)  # rounding can make them -1e-17
        ax.errorbar(p, pos, xerr=errors, fmt="none", ecolor="#000000", capsize=3, lw=1)
        for yi, pi in zip(pos, p, strict=True):
            text = f"{pi:.1f}%" + (f"  {label}" if k > 1 else "")
            ax.text(min(pi, 100) + 1.5, yi, text, va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([outcome_label(o) for o in OUTCOMES])
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    n = ", ".join(
        f"{label}: {r} runs" if label else f"{r} runs"
        for (label, _), r in zip(tables, runs, strict=True)
    )
    ax.set_xlabel(f"Probability of the final outcome (%), with 95% interval ({n})")
    ax.grid(axis="x", color="#e3e3e3")
    if k > 1:
        handles = [
            Patch(facecolor="#ffffff", edgecolor="#333333", hatch=hatches[s], label=label)
            for s, (label, _) in enumerate(tables)
        ]
        ax.legend(handles=handles, loc="lower right", fontsize=8)
    fig.subplots_adjust(left=0.16, right=0.97, top=0.96, bottom=0.2)


# ---------------------------------------------------------------------- fan charts
def _band(ax, values: np.ndarray, colour: str, label: str) -> None:
    rounds = np.arange(1, values.shape[1] + 1)
    lo, med, hi = np.nanpercentile(values, [10, 50, 90], axis=0)
    ax.fill_between(rounds, lo, hi, color=colour, alpha=0.14, linewidth=0)
    for edge in (lo, hi):  # band edges, so that overlapping bands stay apart
        ax.plot(rounds, edge, color=colour, linewidth=0.9, linestyle=(0, (3, 2)))
    ax.plot(rounds, med, color=colour, linewidth=2.2, label=f"{label}: median")


def build_fans(
    fig: Figure,
    result: EnsembleResult,
    ctx: Context,
    which: str = "both",
    observed: Sequence[ObservedSeries] = (),
) -> None:
    """Median and 10–90% band over rounds: tariffs each direction, escalation indices;
    a back-test episode's ``observed`` tariffs (``episode_overlay``) over the tariffs."""
    a, b = _gids(ctx)
    panels = ["tariff", "escalation"] if which == "both" else [which]
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, panel in zip(axes, panels, strict=True):
        if panel == "tariff":
            _band(
                ax,
                result.series[tariff_column(a, b)],
                PARTY_COLOURS[0],
                f"{ctx.shorts[0]} on {ctx.shorts[1]}",
            )
            _band(
                ax,
                result.series[tariff_column(b, a)],
                PARTY_COLOURS[1],
                f"{ctx.shorts[1]} on {ctx.shorts[0]}",
            )
            draw_observed(ax, observed)  # before the limits: the points may lie above
            ax.set_ylabel("Tariff on the partner (%)")
            ax.set_ylim(bottom=0)
            title = "Tariffs: median and 10–90% of runs" + (", and as observed" if observed else "")
            ax.set_title(title, loc="left", fontsize=9.5)
        else:
            _band(ax, result.series[party_column("escalation", a)], PARTY_COLOURS[0], ctx.shorts[0])
            _band(ax, result.series[party_column("escalation", b)], PARTY_COLOURS[1], ctx.shorts[1])
            ax.axhline(ctx.threshold, color="#000000", linestyle="--", linewidth=1)
            ax.text(1, ctx.threshold + 0.02, "trade-war threshold", fontsize=7.5, va="bottom")
            ax.set_ylim(0, 1.02)
            ax.set_ylabel("Escalation index (0–1)")
            ax.set_title("Escalation: median and 10–90% of runs", loc="left", fontsize=9.5)
        ax.set_xlabel(f"Round ({ctx.round_days} days each)")
        ax.grid(color="#e9e9e9")
        handles, _labels = ax.get_legend_handles_labels()
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                linewidth=0.9,
                linestyle=(0, (3, 2)),
                label="10th and 90th percentiles",
            )
        )
        if observed:  # more entries than fit on the panel: below it, on a taller figure
            ax.legend(
                handles=handles,
                fontsize=7.5,
                loc="upper left",
                bbox_to_anchor=(0.0, -0.2),
                ncol=2,
                frameon=False,
                borderaxespad=0,
            )
        else:
            ax.legend(handles=handles, fontsize=7.5, loc="best", framealpha=0.85)
    left = 0.09 if len(panels) > 1 else 0.14
    bottom = 0.36 if observed else 0.17
    fig.subplots_adjust(left=left, right=0.98, top=0.92, bottom=bottom, wspace=0.28)


def fans_size(observed: Sequence[ObservedSeries]) -> str:
    """The size (``SIZES``) of the fan charts: taller with an episode's observations."""
    return "fans_observed" if observed else "fans"


# ---------------------------------------------------------------------- phase plot
def build_phase(fig: Figure, result: EnsembleResult, ctx: Context) -> None:
    """Each run's path in (escalation of A, escalation of B), coloured by its final
    outcome; the trade-war and comprehensive-deal regions marked."""
    a, b = _gids(ctx)
    ax = fig.add_subplot()
    final = result.summaries["outcome"].to_numpy()
    runs = len(final)
    # the indices move in steps, so many runs share segments: shift each run by a small
    # constant (at most 0.012) so that paths on top of each other stay visible
    jitter = np.random.default_rng(0).uniform(-0.012, 0.012, size=(2, runs, 1))
    x = result.series[party_column("escalation", a)] + jitter[0]
    y = result.series[party_column("escalation", b)] + jitter[1]
    alpha = float(np.clip(5.0 / max(runs, 1), 0.03, 0.5))
    t = ctx.threshold
    ax.add_patch(
        Rectangle(
            (t, t),
            1.02 - t,
            1.02 - t,
            facecolor=OUTCOME_COLOURS["trade_war"],
            alpha=0.12,
            edgecolor=OUTCOME_COLOURS["trade_war"],
            linewidth=1.2,
            linestyle="--",
        )
    )
    ax.text(1.0, 1.0, "trade-war region\n(both ≥ threshold)", ha="right", va="top", fontsize=8)
    za, zb = ctx.deal_zone
    ax.add_patch(
        Rectangle(
            (0, 0),
            za,
            zb,
            facecolor=OUTCOME_COLOURS["deal"],
            alpha=0.18,
            edgecolor=OUTCOME_COLOURS["deal"],
            linewidth=1.2,
            linestyle="--",
        )
    )
    ax.annotate(
        "deal region\n(tariffs at floors,\nno controls)",
        xy=(za, zb),
        xytext=(za + 0.06, zb + 0.05),
        fontsize=8,
        arrowprops={"arrowstyle": "-", "color": "#555555"},
    )
    counts = pd.Series(final).value_counts()
    order = sorted(OUTCOMES, key=lambda o: -counts.get(o, 0))  # rare outcomes drawn last
    handles = []
    for outcome in order:
        rows = np.flatnonzero(final == outcome)
        if rows.size == 0:
            continue
        segments = [np.column_stack([x[r], y[r]]) for r in rows]
        ax.add_collection(
            LineCollection(segments, colors=OUTCOME_COLOURS[outcome], linewidths=0.8, alpha=alpha)
        )
        ax.scatter(
            x[rows, -1],
            y[rows, -1],
            s=9,
            color=OUTCOME_COLOURS[outcome],
            edgecolor="#333333",
            linewidth=0.3,
            alpha=min(1.0, alpha * 4),
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=OUTCOME_COLOURS[outcome],
                linewidth=2.5,
                label=f"{outcome_label(outcome)} ({len(rows)})",
            )
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(f"Escalation index of {ctx.names[0]} (0–1)")
    ax.set_ylabel(f"Escalation index of {ctx.names[1]} (0–1)")
    ax.grid(color="#eeeeee")
    ax.legend(
        handles=handles,
        title="final outcome (runs)",
        fontsize=7.5,
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
    )
    fig.subplots_adjust(left=0.1, right=0.7, top=0.97, bottom=0.12)


# ---------------------------------------------------------------------- outcome shares
def build_shares(fig: Figure, result: EnsembleResult, ctx: Context) -> None:
    """Share of runs in each outcome state, round by round."""
    codes = result.series["outcome_code"]
    rounds = np.arange(1, codes.shape[1] + 1)
    shares = np.stack([(codes == k).mean(axis=0) * 100 for k in range(len(OUTCOMES))])
    ax = fig.add_subplot()
    ax.stackplot(
        rounds,
        shares,
        colors=[OUTCOME_COLOURS[o] for o in OUTCOMES],
        labels=[outcome_label(o) for o in OUTCOMES],
        edgecolor="#ffffff",
        linewidth=0.3,
    )
    ax.set_xlim(1, max(2, codes.shape[1]))
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of runs (%)")
    ax.set_xlabel(f"Round ({ctx.round_days} days each)")
    ax.set_title("Where the runs are, round by round", loc="left", fontsize=9.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, borderaxespad=0)
    fig.subplots_adjust(left=0.09, right=0.8, top=0.9, bottom=0.17)


# ---------------------------------------------------------------------- rendering
SIZES = {
    "outcomes": (6.6, 2.6),
    "outcomes2": (6.6, 3.4),
    "fans": (9.6, 3.0),
    "fans_observed": (9.6, 3.9),
    "fan": (5.0, 3.0),
    "phase": (6.2, 4.1),
    "shares": (6.4, 2.8),
}


def render(builder: Callable[[Figure], None], size: str, fmt: str | None = None) -> bytes:
    """Draw ``builder`` on a new figure: PNG for the page (``fmt=None``), or an export."""
    with matplotlib.rc_context(RC):
        if fmt is None:
            fig = new_figure(SIZES[size])
            builder(fig)
            return figure_png(fig)
        fig = new_figure(SIZES[size], dpi=150)
        builder(fig)
        return savefig_bytes(fig, fmt)


def series_long(result: EnsembleResult, ctx: Context) -> pd.DataFrame:
    """The per-round series of every run as one long table (run, round, columns...)."""
    if not result.series:
        return pd.DataFrame()
    runs = result.summaries["run"].to_numpy()
    first = next(iter(result.series.values()))
    n_runs, n_rounds = first.shape
    out = {
        "run": np.repeat(runs[:n_runs], n_rounds),
        "round": np.tile(np.arange(1, n_rounds + 1), n_runs),
    }
    for name, values in result.series.items():
        if name == "outcome_code":
            out["outcome"] = np.asarray(OUTCOMES, dtype=object)[values.ravel()]
        else:
            out[name] = values.ravel()
    return pd.DataFrame(out)

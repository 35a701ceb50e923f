"""Analysis of a finished (or partly finished) sweep: ``analyze(DIR)``.

Reads only the sweep directory (manifest, design and run chunks), so a sweep run on a
cluster can be analysed anywhere. Returns an ``Analysis`` of pandas DataFrames and, unless
``report=False``, writes CSV tables, PNG plots and an HTML page to ``DIR/report``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from negotiation_sim.core import OUTCOMES
from negotiation_sim.sweep.analysis.discovery import Box, discover
from negotiation_sim.sweep.analysis.probabilities import overall_outcomes, point_probabilities
from negotiation_sim.sweep.analysis.sensitivity import ranking, sensitivity
from negotiation_sim.sweep.designs import UNIT_PREFIX
from negotiation_sim.sweep.spec import SweepError
from negotiation_sim.sweep.store import SweepStore

__all__ = ["Analysis", "analyze"]

MAX_TORNADOS = 8


@dataclass
class Analysis:
    """Results of ``analyze``: every table is a pandas DataFrame.

    - ``runs``: one row per finished run (parameters, seed, outputs, ``error``);
    - ``outcomes``: overall probability of each outcome with Wilson intervals;
    - ``probabilities``: per design point, ``p_<outcome>`` and its interval;
    - ``sensitivity``: one row per (measure, parameter), with S1/ST, mu* or S1 by design;
    - ``boxes``: PRIM boxes where each target outcome is most likely (``peeling``: every
      step of the peeling trajectories, to pick another density/coverage trade-off);
    - ``errors``: the runs that raised an error, with their parameters and message.
    """

    directory: Path
    manifest: dict[str, Any]
    params: list[str]
    runs: pd.DataFrame
    outcomes: pd.DataFrame
    probabilities: pd.DataFrame
    sensitivity: pd.DataFrame
    boxes: pd.DataFrame
    errors: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    box_list: list[Box] = field(default_factory=list)
    peeling: pd.DataFrame = field(default_factory=pd.DataFrame)
    heatmap: tuple[str, str | None] | None = None
    report: Path | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return len(self.errors)

    def summary(self) -> dict[str, Any]:
        runs = self.manifest.get("runs", {})
        return {
            "directory": str(self.directory),
            "sweep": self.manifest.get("spec", {}).get("name"),
            "design": self.manifest.get("spec", {}).get("design"),
            "runs_total": runs.get("total"),
            "runs_done": runs.get("done"),
            "runs_pending": runs.get("pending"),
            "runs_failed": self.n_errors,
            "outcomes": {
                r["outcome"]: {
                    "probability": r["probability"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                }
                for r in self.outcomes.to_dict("records")
            },
            "boxes": [
                {
                    "target": b.target,
                    "box": b.rank,
                    "density": b.density,
                    "coverage": b.coverage,
                    "limits": b.describe(),
                }
                for b in self.box_list
            ],
            "notes": self.notes,
            "report": str(self.report) if self.report else None,
        }

    def text(self) -> str:
        """A short plain-text summary (what ``negotiation-sim analyze`` prints)."""
        m = self.manifest
        spec = m.get("spec", {})
        runs = m.get("runs", {})
        lines = [
            f"Sweep:      {spec.get('name')} ({spec.get('design')}, {m.get('points', 0):,} "
            f"points x {spec.get('replicates')} replicates)",
            f"Runs:       {runs.get('done', 0):,} of {runs.get('total', 0):,} done"
            + (f", {runs.get('pending'):,} pending" if runs.get("pending") else "")
            + f", {self.n_errors:,} failed",
            "",
            "Outcomes (share of finished runs, 95% Wilson interval)",
        ]
        for r in self.outcomes.to_dict("records"):
            lines.append(
                f"  {r['outcome']:<10} {100 * r['probability']:6.1f}%  "
                f"[{100 * r['ci_low']:.1f}, {100 * r['ci_high']:.1f}]  ({r['runs']:,} runs)"
            )
        if not self.sensitivity.empty:
            method = self.sensitivity["method"].iloc[0]
            key = {"sobol": "ST", "anova": "ST", "morris": "mu_star"}.get(method, "S1")
            lines += ["", f"Sensitivity ({method}; {key}, most important first)"]
            for measure in _main_measures(self.sensitivity)[:4]:
                rows = self.sensitivity[self.sensitivity["measure"] == measure]
                rows = rows.sort_values("importance", ascending=False)
                shown = ", ".join(f"{r['parameter']} {r[key]:.3g}" for r in rows.to_dict("records"))
                lines.append(f"  {measure}: {shown}")
        if self.box_list:
            lines += ["", "Scenario discovery (PRIM boxes)"]
            for b in self.box_list:
                lines.append(
                    f"  {b.target} #{b.rank}: density {b.density:.2f} (overall "
                    f"{b.base_rate:.2f}), coverage {b.coverage:.2f}, mass {b.mass:.2f}: "
                    f"{b.describe()}"
                )
        if self.notes:
            lines += ["", "Notes"] + [f"  {n}" for n in self.notes]
        if self.report:
            lines += ["", f"Report:     {self.report}"]
        return "\n".join(lines)


def _main_measures(frame: pd.DataFrame) -> list[str]:
    measures = list(dict.fromkeys(frame["measure"]))
    first = [f"p_{o}" for o in ("trade_war", "deal", "truce", "stalemate", "ongoing")]
    order = [m for m in first if m in measures]
    order += [m for m in measures if m.startswith("welfare.")]
    order += [m for m in measures if m not in order]
    return order


def analyze(
    directory: str | Path,
    *,
    report: bool = True,
    report_dir: str | Path | None = None,
    heatmap: Sequence[str] | None = None,
    targets: Sequence[str] = ("trade_war", "deal"),
    bins: int | None = None,
    plots: bool = True,
    level: float = 0.95,
) -> Analysis:
    """Analyse the sweep in ``directory`` (see ``Analysis``). ``heatmap``: two parameter
    names for the heatmaps (default: the two most important for a deal), ``bins`` per axis
    (default: about 4 design points per cell, 3 to 10); ``targets``:
    outcomes for scenario discovery. Raises ``SweepError`` for bad input."""
    root = Path(directory)
    if not root.is_dir():
        raise SweepError([f"{root}: no such directory"])
    store = SweepStore(root)
    manifest = store.read_manifest()  # its fields have their JSON types (or are absent)
    store.check_readable(manifest)  # damaged chunks are refused, by name
    spec = manifest.get("spec", {})
    params = [p["name"] for p in spec.get("parameters", [])]
    problems = [
        f"--target {t}: unknown outcome; allowed: {', '.join(OUTCOMES)}"
        for t in targets
        if t not in OUTCOMES
    ]
    if heatmap is not None:
        heatmap = list(heatmap)
        if len(heatmap) != 2 or heatmap[0] == heatmap[1]:
            problems.append(f"--heatmap {' '.join(heatmap)}: give two different parameters")
        problems += [
            f"--heatmap {name}: unknown parameter; parameters of this sweep: " + ", ".join(params)
            for name in heatmap
            if name not in params
        ]
    if problems:
        raise SweepError(problems)
    runs = store.read_runs()
    if runs.empty:
        raise SweepError([f"{root}: the sweep has no finished runs yet"])
    design = store.read_design()
    unit_cols = [c for c in design.columns if c.startswith(UNIT_PREFIX)]
    unit = design[unit_cols].to_numpy(dtype=float) if unit_cols else None
    design_frame = design.drop(columns=unit_cols)

    notes: list[str] = []
    pending = manifest.get("runs", {}).get("pending", 0)
    if pending:
        notes.append(f"the sweep is incomplete: {pending:,} runs pending (finish it with --resume)")
    outcomes = overall_outcomes(runs, level)
    probabilities = point_probabilities(runs, params, level)
    method = "sobol" if spec.get("design") == "saltelli" else spec.get("design", "")
    sens, sens_notes = sensitivity(
        runs,
        design_frame,
        unit,
        method,
        params,
        second_order=bool(spec.get("second_order")),
        morris_levels=(spec.get("levels") or 4),
        seed=int(spec.get("seed") or 0),
    )
    notes += sens_notes
    steps: list[dict[str, Any]] = []
    boxes, box_list, box_notes = discover(runs, params, targets, trajectory=steps)
    notes += box_notes
    error_cols = [c for c in ("run", "point", "replicate", "seed", *params, "error") if c in runs]
    errors = runs.loc[runs["error"].notna(), error_cols].reset_index(drop=True)
    if len(errors):
        notes.append(f"{len(errors):,} runs raised an error (table errors)")
    if heatmap is None and params:
        order = ranking(sens, "p_deal") if not sens.empty else []
        order += [p for p in params if p not in order]
        heatmap = order[:2]
    pair = (heatmap[0], heatmap[1] if len(heatmap) > 1 else None) if heatmap else None
    result = Analysis(
        directory=root,
        manifest=manifest,
        params=params,
        runs=runs,
        outcomes=outcomes,
        probabilities=probabilities,
        sensitivity=sens,
        boxes=boxes,
        errors=errors,
        notes=notes,
        box_list=box_list,
        peeling=pd.DataFrame(steps),
        heatmap=pair,
    )
    if report:
        _write_report(result, Path(report_dir) if report_dir else root / "report", bins, plots)
    return result


def _write_report(result: Analysis, out: Path, bins: int | None, plots: bool) -> None:
    """Write the tables and, with ``plots``, the PNG plots and the HTML page to ``out``.
    Raises ``SweepError`` naming the file that cannot be written (a folder in its place,
    no permission, a full disk) and why."""
    try:
        _write_files(result, out, bins, plots)
    except OSError as exc:
        where = exc.filename if exc.filename is not None else out
        reason = exc.strerror or str(exc)
        raise SweepError([f"{where}: cannot write the report: {reason}"]) from None


def _write_files(result: Analysis, out: Path, bins: int | None, plots: bool) -> None:
    from negotiation_sim.sweep.analysis import plots as charts
    from negotiation_sim.sweep.analysis.report import write_html, write_tables

    result.files = write_tables(result, out)
    if not plots:
        return
    made: dict[str, list[Path]] = {"outcomes": [], "heatmaps": [], "tornado": []}
    made["outcomes"].append(charts.plot_outcomes(result.outcomes, out / "outcomes.png"))
    if result.heatmap:
        x, y = result.heatmap
        if bins is None:  # about 4 design points per cell, 3 to 10 bins per axis
            points = int(result.runs.loc[result.runs["error"].isna(), "point"].nunique())
            bins = int(min(10, max(3, (points / 4) ** 0.5)))
        seen = set(result.runs.loc[result.runs["error"].isna(), "outcome"])
        for target in ("deal", "trade_war"):
            if target == "deal" or target in seen:
                prob, counts = charts.heatmap_table(result.runs, x, y, target, bins)
                made["heatmaps"].append(
                    charts.plot_heatmap(prob, counts, x, y, target, out / f"heatmap_{target}.png")
                )
    if not result.sensitivity.empty:
        for measure in _main_measures(result.sensitivity)[:MAX_TORNADOS]:
            safe = measure.replace(".", "_")
            made["tornado"].append(
                charts.plot_tornado(result.sensitivity, measure, out / f"tornado_{safe}.png")
            )
    result.files += [p for group in made.values() for p in group]
    result.report = write_html(result, out, made)
    result.files.append(result.report)

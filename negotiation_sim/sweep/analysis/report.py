"""The report of ``analyze``: CSV tables, PNG plots and one self-contained HTML page
(plots embedded), written to ``DIR/report`` by default."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from negotiation_sim.sweep.analysis import Analysis

MAX_HTML_ROWS = 200

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.note { color: #8a5a00; } img { max-width: 100%; border: 1px solid #eee; margin: 6px 0; }
code { background: #f5f5f5; padding: 0 3px; }
"""


def _table(frame: pd.DataFrame, limit: int = MAX_HTML_ROWS) -> str:
    shown = frame.head(limit)
    text = shown.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0)
    if len(frame) > limit:
        text += f"<p>First {limit} of {len(frame):,} rows; all in the CSV file.</p>"
    return text


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def write_tables(analysis: Analysis, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("outcomes", analysis.outcomes),
        ("probabilities", analysis.probabilities),
        ("sensitivity", analysis.sensitivity),
        ("boxes", analysis.boxes),
        ("errors", analysis.errors),
    ):
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    path = out / "summary.json"
    path.write_text(json.dumps(analysis.summary(), indent=2, default=str) + "\n", "utf-8")
    written.append(path)
    return written


def write_html(analysis: Analysis, out: Path, plots: dict[str, list[Path]]) -> Path:
    m = analysis.manifest
    spec = m.get("spec", {})
    runs = m.get("runs", {})
    title = f"Sweep report: {spec.get('name', '')}"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if spec.get("description"):
        parts.append(f"<p>{html.escape(spec['description'])}</p>")
    facts = [
        (
            "Scenario",
            f"{m.get('scenario', {}).get('name', '')} ({m.get('scenario', {}).get('source', '')})",
        ),
        ("Scenario hash", m.get("scenario", {}).get("digest", "")[:16]),
        (
            "Design",
            f"{spec.get('design')} — {m.get('points', 0):,} points × "
            f"{spec.get('replicates')} replicates",
        ),
        (
            "Runs",
            f"{runs.get('done', 0):,} of {runs.get('total', 0):,} done, "
            f"{runs.get('pending', 0):,} pending, {analysis.n_errors:,} failed",
        ),
        ("Rounds per run", str(spec.get("rounds") or "scenario horizon")),
        ("Seed", f"{spec.get('seed')} ({spec.get('seeds')})"),
        ("negotiation-sim", m.get("package_version", "")),
        ("Status", f"{m.get('status', '')} (updated {m.get('updated', '')})"),
    ]
    parts.append("<table>")
    parts += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts]
    parts.append("</table>")
    params = spec.get("parameters", [])
    if params:
        parts.append("<h2>Parameters</h2>")
        parts.append(
            _table(
                pd.DataFrame(
                    [
                        {
                            "name": p["name"],
                            "paths": ", ".join(p["path"]),
                            "values": (
                                ", ".join(map(str, p["values"]))
                                if "values" in p
                                else f"{p.get('distribution')} "
                                f"[{p.get('low', '')}, {p.get('high', '')}]"
                            ),
                            "scale": p.get("scale", False),
                        }
                        for p in params
                    ]
                )
            )
        )
    for note in analysis.notes:
        parts.append(f"<p class='note'>{html.escape(note)}</p>")

    parts.append("<h2>Outcomes</h2>")
    parts.append("<p>Share of finished runs in each outcome, with 95% Wilson intervals.</p>")
    parts += [_img(p) for p in plots.get("outcomes", [])]
    parts.append(_table(analysis.outcomes))

    parts.append("<h2>Deal probability over two parameters</h2>")
    parts += [_img(p) for p in plots.get("heatmaps", [])]

    parts.append("<h2>Sensitivity</h2>")
    if analysis.sensitivity.empty:
        parts.append("<p>No sensitivity indices (see the notes above).</p>")
    else:
        method = analysis.sensitivity["method"].iloc[0]
        parts.append(
            f"<p>Method: <code>{html.escape(method)}</code>. "
            "Tornado charts show the main outcome measures; the table has all.</p>"
        )
        parts += [_img(p) for p in plots.get("tornado", [])]
        parts.append(_table(analysis.sensitivity))

    parts.append("<h2>Scenario discovery (PRIM)</h2>")
    parts.append(
        "<p>Boxes of parameter space where an outcome is most likely. Density: share "
        "of runs in the box with that outcome; coverage: share of all such runs "
        "inside the box; mass: share of all runs inside the box.</p>"
    )
    if analysis.boxes.empty:
        parts.append("<p>No boxes (see the notes above).</p>")
    else:
        cols = ["target", "box", "density", "coverage", "mass", "lift", "runs", "limits"]
        parts.append(_table(analysis.boxes[cols]))

    parts.append("<h2>Outcome probabilities by design point</h2>")
    parts.append(_table(analysis.probabilities))

    parts.append("<h2>Failed runs</h2>")
    if analysis.errors.empty:
        parts.append("<p>None.</p>")
    else:
        parts.append(f"<p>{len(analysis.errors):,} runs raised an error.</p>")
        parts.append(_table(analysis.errors))
    parts.append("</body></html>")
    path = out / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path

"""Benchmarks of the browser app's server side. Prints its figures; asserts nothing.

1. One step of the live view with 100 rounds of history: the time from pressing Step to
   the end of the re-render, i.e. the model's step plus every component that shows the
   round (run controls, banner, government cards, stage game, both charts with their PNG
   patches, the moves table). Method: the real ``Page`` is rendered in this process with
   ``solara.render`` (Solara's test rendering: the same components, widgets and Reacton
   reconciliation as under ``solara run``, minus the websocket) and the Step button's
   widget is clicked; each click is timed with ``time.perf_counter``. What is not timed:
   sending the widget messages over the websocket and the browser's own work. The page
   is played to round 100 first (horizon 150), then rounds 101-150 are timed, in two
   settings: the default scenario, and one where the US plays ``Random`` so tariffs and
   controls move all the time. A breakdown times the model step and the two charts alone.

2. A 1,000-run ensemble of the default scenario, in the app and from a plain process,
   with the same number of worker processes. "Plain" is ``run_ensemble`` called directly
   in a fresh Python process (what the command line does). "App" renders the ensemble
   view in a fresh process, presses its Run button and waits until the results (table
   and charts) are rendered: the app's own path, progress updates and charts included.

3. A 200-run ensemble of the default scenario in the app, on the server's warm pool (the
   target: within 3 s). In a fresh process a session is created (which starts the
   shared worker pool in the background, as the first page load of a server does), the
   ensemble view is rendered, and its Run button is pressed: once straight away ("cold":
   the pool may still be starting) and then three more times on the warm pool; each time
   from the click until the results, table and charts, are rendered.

Usage: ``python benchmarks/bench_app.py [--runs 1000] [--workers N] [--repeats K]
[--skip-live | --skip-ensemble | --skip-warm] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "us_china_2025"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def fmt(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):6.1f} ms  p90 {pct(ms, 90):6.1f}  "
        f"max {max(ms):6.1f}  (n={len(ms)})"
    )


# ---------------------------------------------------------------------- 1. live step
def live_step(label: str, overrides: dict, history: int = 100, timed: int = 50) -> dict:
    import ipyvuetify as v
    import solara

    from negotiation_sim.app import Page
    from negotiation_sim.app.session import new_session

    session = new_session(SCENARIO)
    solara.render(Page(session), handle_error=False)
    draft = replace(session.draft.value, rounds=history + timed)
    for gid, name in overrides.items():
        draft = draft.with_strategy(gid, name)
    session.draft.value = draft
    assert session.reset(), session.settings_errors.value
    island = session.islands["live"]
    step = island.find(v.Btn, class_="ns-step").widget
    for _ in range(history):
        step.click()
    run = session.run.value
    assert run.rounds_done == history, run.rounds_done
    redraws = (session.timeline.full_redraws, session.firms.full_redraws)
    clicks, patch_bytes = [], []
    for _ in range(timed):
        start = time.perf_counter()
        step.click()
        clicks.append(time.perf_counter() - start)
        patch_bytes.append(session.timeline._frame.nbytes + session.firms._frame.nbytes)
    assert run.rounds_done == history + timed
    redraws_timed = (
        session.timeline.full_redraws - redraws[0],
        session.firms.full_redraws - redraws[1],
    )
    # breakdown: the same work outside the page, on a fresh run of the same settings
    from negotiation_sim.app.firms_chart import FirmsChart
    from negotiation_sim.app.live_run import LiveRun
    from negotiation_sim.app.timeline_chart import TimelineChart

    other = LiveRun(run.scenario, run.seed)
    timeline, firms = TimelineChart(), FirmsChart()
    timeline.full_frame(other, 0)
    firms.full_frame(other, 0)
    for _ in range(history):
        n = other.step()
        timeline.frame(other, n)
        firms.frame(other, n)
    model, tl, fc = [], [], []
    for _ in range(timed):
        t0 = time.perf_counter()
        n = other.step()
        t1 = time.perf_counter()
        timeline.frame(other, n).to_json()
        t2 = time.perf_counter()
        firms.frame(other, n).to_json()
        t3 = time.perf_counter()
        model.append(t1 - t0)
        tl.append(t2 - t1)
        fc.append(t3 - t2)
    med = statistics.median
    rest_ms = 1000 * (med(clicks) - med(model) - med(tl) - med(fc))
    print(f" - {label}")
    print(f"     step + re-render (Step click):   {fmt(clicks)}")
    print(f"       model step alone:              {fmt(model)}")
    print(f"       timeline chart frame:          {fmt(tl)}")
    print(f"       firms chart frame:             {fmt(fc)}")
    print(f"       the other components (difference of the medians): {rest_ms:.1f} ms")
    print(
        f"     chart patches sent per step: median {statistics.median(patch_bytes) / 1024:.1f} kB;"
        f" full redraws of the static layer in the timed rounds: timeline {redraws_timed[0]}, "
        f"firms {redraws_timed[1]}"
    )
    return {
        "label": label,
        "history_rounds": history,
        "timed_steps": timed,
        "click_ms": {
            "median": statistics.median(clicks) * 1000,
            "p90": pct(clicks, 90) * 1000,
            "max": max(clicks) * 1000,
        },
        "model_step_ms_median": statistics.median(model) * 1000,
        "timeline_frame_ms_median": statistics.median(tl) * 1000,
        "firms_frame_ms_median": statistics.median(fc) * 1000,
        "patch_kb_median": statistics.median(patch_bytes) / 1024,
        "full_redraws_in_timed_rounds": list(redraws_timed),
    }


# ---------------------------------------------------------------------- 2. ensembles
PLAIN = """
import json, time
from negotiation_sim.runs.ensemble import run_ensemble
start = time.perf_counter()
result = run_ensemble({scenario!r}, {runs}, base_seed=1, workers={workers})
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "runs": len(result.summaries),
                  "outcomes": result.summaries["outcome"].value_counts().to_dict()}}))
"""

APP = """
import json, time
import ipyvuetify as v
import solara
from dataclasses import replace
from negotiation_sim.app.session import new_session
from negotiation_sim.app.ensemble_view import EnsembleView
session = new_session({scenario!r})
box, rc = solara.render(EnsembleView(session), handle_error=False)
runs = rc.find(v.TextField, class_="ns-runs-ensemble").widget
runs.v_model = "{runs}"
runs.fire_event("keyup.enter", {{}})
workers = [w for w in rc.find(v.TextField).widgets if w.label.startswith("Worker")][0]
workers.v_model = "{workers}"
workers.fire_event("keyup.enter", {{}})
button = rc.find(v.Btn, class_="ns-run-ensemble").widget
assert "{runs:,}" in str(button.children), button.children
start = time.perf_counter()
button.click()
session.ensemble.join()
elapsed = time.perf_counter() - start
state = session.ensemble.state.value
assert state.status == "done", state.status
images = rc.find(v.Html, tag="img").widgets
print(json.dumps({{"seconds": elapsed, "runs": len(state.results[0].summaries),
                  "charts": len(images), "job_seconds": state.elapsed,
                  "outcomes": state.results[0].summaries["outcome"].value_counts().to_dict()}}))
"""


WARM = """
import json, time
import ipyvuetify as v
import solara
from negotiation_sim.app.session import new_session
from negotiation_sim.app.ensemble_view import EnsembleView
from negotiation_sim.runs.execution import shared_pool
session = new_session({scenario!r})  # starts the warm pool in the background
box, rc = solara.render(EnsembleView(session), handle_error=False)
runs = rc.find(v.TextField, class_="ns-runs-ensemble").widget
runs.v_model = "{runs}"
runs.fire_event("keyup.enter", {{}})
workers = [w for w in rc.find(v.TextField).widgets if w.label.startswith("Worker")][0]
workers.v_model = "{workers}"
workers.fire_event("keyup.enter", {{}})
times, jobs = [], []
for k in range(4):
    button = rc.find(v.Btn, class_="ns-run-ensemble").widget
    assert "{runs:,}" in str(button.children), button.children
    start = time.perf_counter()
    button.click()
    session.ensemble.join()
    times.append(time.perf_counter() - start)
    state = session.ensemble.state.value
    assert state.status == "done", state.status
    assert len(state.results[0].summaries) == {runs}
    jobs.append(state.elapsed)
pool = shared_pool({workers})
print(json.dumps({{"seconds": times, "job_seconds": jobs, "pool_workers": pool.slots,
                  "restarts": pool.restarts}}))
"""


def warm_ensemble(runs: int, workers: int) -> dict:
    found = in_fresh_process(WARM.format(scenario=SCENARIO, runs=runs, workers=workers))
    cold, *warm = found["seconds"]
    print(f"   first click after the session starts (pool starting): {cold:5.2f} s")
    print(
        f"   on the warm pool, three more clicks: {', '.join(f'{t:.2f}' for t in warm)} s "
        f"(median {statistics.median(warm):.2f} s; target: within 3 s); of which the runs "
        f"{', '.join(f'{t:.2f}' for t in found['job_seconds'][1:])} s, the rest the page "
        "and its charts"
    )
    return {"runs": runs, "workers": workers, "cold_s": cold, "warm_s": warm} | found


def in_fresh_process(code: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"},
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensembles(runs: int, workers: int, repeats: int) -> dict:
    plain, app = [], []
    for _ in range(repeats):  # interleaved, so a busy spell hits both alike
        plain.append(in_fresh_process(PLAIN.format(scenario=SCENARIO, runs=runs, workers=workers)))
        app.append(in_fresh_process(APP.format(scenario=SCENARIO, runs=runs, workers=workers)))
    p = statistics.median(r["seconds"] for r in plain)
    a = statistics.median(r["seconds"] for r in app)
    each = [round(r["seconds"], 1) for r in plain]
    print(f"   plain process, run_ensemble():  {p:7.1f} s  ({each})")
    print(
        f"   in the app, click to charts:    {a:7.1f} s  ({[round(r['seconds'], 1) for r in app]});"
        f" of which the job thread {statistics.median(r['job_seconds'] for r in app):.1f} s, "
        f"{app[0]['charts']} charts rendered"
    )
    print(f"   app / plain = {a / p:.2f}  (target: at most 2.0)")
    print(f"   outcomes: plain {plain[0]['outcomes']}, app {app[0]['outcomes']}")
    return {
        "runs": runs,
        "workers": workers,
        "plain_s": p,
        "app_s": a,
        "ratio": a / p,
        "plain": plain,
        "app": app,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-ensemble", action="store_true", help="no part 2")
    parser.add_argument("--skip-live", action="store_true", help="no part 1")
    parser.add_argument("--skip-warm", action="store_true", help="no part 3")
    parser.add_argument("--warm-runs", type=int, default=200, help="runs of part 3")
    parser.add_argument(
        "--out", type=Path, default=None, help="also write the figures to this JSON file"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    print("negotiation_sim browser app benchmarks")
    print(
        f"Python {sys.version.split()[0]}, os.cpu_count()={os.cpu_count()}, load average "
        f"{os.getloadavg()[0]:.2f} (other processes make every figure slower)"
    )
    out: dict = {}
    if not args.skip_live:
        print()
        print("1. One step of the live view after 100 rounds (server time; see the docstring)")
        out["live"] = [
            live_step(f"{SCENARIO}, as shipped", {}),
            live_step(f"{SCENARIO}, US plays Random (everything moves)", {"us": "Random"}),
        ]
    if not args.skip_ensemble:
        print()
        print(
            f"2. A {args.runs:,}-run ensemble of {SCENARIO}, {args.workers} worker processes, "
            "each in a fresh process"
        )
        out["ensemble"] = ensembles(args.runs, args.workers, args.repeats)
    if not args.skip_warm:
        print()
        print(
            f"3. A {args.warm_runs:,}-run ensemble of {SCENARIO} in the app on the warm pool "
            f"of {args.workers} worker processes (click to charts)"
        )
        out["warm_ensemble"] = warm_ensemble(args.warm_runs, args.workers)
    out["load_average_end"] = os.getloadavg()[0]
    print(f"\nload average at the end: {out['load_average_end']:.2f}")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"written: {args.out}")
    return out


if __name__ == "__main__":
    main()

"""Sweep analysis against constructed data whose answer is known: PRIM finds a planted
box, Sobol', Morris, RBD-FAST and the grid's variance decomposition rank a dominant input
first (and match analytic indices of a linear model), per-point probabilities carry
Wilson intervals, and ``analyze`` on a synthetic sweep directory writes the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from negotiation_sim.runs.ensemble import wilson_interval
from negotiation_sim.sweep import SweepError, analyze, build_design
from negotiation_sim.sweep.analysis.discovery import find_boxes
from negotiation_sim.sweep.analysis.plots import heatmap_table
from negotiation_sim.sweep.analysis.probabilities import point_probabilities
from negotiation_sim.sweep.analysis.sensitivity import anova_indices, ranking, sensitivity
from negotiation_sim.sweep.store import FORMAT, SweepStore

PARAMS = [
    {"name": "a", "path": "economy.elasticity", "range": [0.0, 10.0]},
    {"name": "b", "path": "economy.pass_through", "range": [0.0, 1.0]},
    {"name": "c", "path": "economy.reroute_cost", "range": [0.0, 50.0]},
]


@pytest.fixture
def design_of(sweep_specs):
    """A spec over PARAMS and its design."""

    def design_of(design: str, **extra):
        spec = sweep_specs.load(PARAMS, design=design, **extra)
        return spec, build_design(spec)

    return design_of


def runs_from(design, y: np.ndarray, outcome: np.ndarray | None = None) -> pd.DataFrame:
    """One run per point with a numeric output ``welfare.us`` = y."""
    frame = design.points.copy()
    frame["replicate"] = 0
    frame["run"] = frame["point"]
    frame["welfare.us"] = y
    frame["outcome"] = outcome if outcome is not None else "deal"
    frame["error"] = None
    return frame


def linear(unit: np.ndarray) -> np.ndarray:
    """5 u_a + 1 u_b + 0 u_c: first-order indices 25/26, 1/26, 0 (uniform inputs)."""
    return 5 * unit[:, 0] + 1 * unit[:, 1] + 0 * unit[:, 2]


# ---------------------------------------------------------------------------- PRIM
def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(0)
    n = 6000
    frame = pd.DataFrame({"x": rng.random(n), "y": rng.random(n), "z": rng.random(n)})
    inside = frame["x"].between(0.2, 0.5) & frame["y"].between(0.6, 0.9)
    hit = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.05)
    (box, *rest) = find_boxes(frame, hit, "trade_war")
    assert set(box.limits) == {"x", "y"}  # z is not restricted
    assert box.limits["x"] == pytest.approx((0.2, 0.5), abs=0.04)
    assert box.limits["y"] == pytest.approx((0.6, 0.9), abs=0.04)
    assert box.density > 0.8 and box.coverage > 0.55
    assert box.lift > 4
    assert box.mass == pytest.approx(0.09, abs=0.02)
    assert np.array_equal(box.contains(frame).sum(), box.runs)
    for other in rest:  # any further box is much weaker
        assert other.coverage < box.coverage


def test_prim_restricts_a_discrete_parameter_to_its_categories():
    rng = np.random.default_rng(1)
    n = 4000
    strategy = rng.choice(["TitForTat", "GrimTrigger", "AlwaysHold", "Random"], n)
    frame = pd.DataFrame({"strategy": strategy, "w": rng.random(n)})
    hot = np.isin(strategy, ["GrimTrigger", "Random"])
    hit = np.where(hot, rng.random(n) < 0.8, rng.random(n) < 0.1)
    box = find_boxes(frame, hit, "trade_war")[0]
    assert box.categories == {"strategy": ("GrimTrigger", "Random")}
    assert not box.limits
    assert "strategy in {GrimTrigger, Random}" in box.describe()


def test_prim_finds_nothing_in_noise():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.random(3000), "y": rng.random(3000)})
    boxes = find_boxes(frame, rng.random(3000) < 0.3, "deal")
    assert all(b.lift < 1.5 for b in boxes)


# ---------------------------------------------------------------------------- indices
def test_sobol_indices_rank_the_dominant_input_first_and_match_theory(design_of):
    spec, design = design_of("sobol", samples=1024)
    y = linear(design.unit)
    outcome = np.where(design.unit[:, 0] > 0.5, "trade_war", "deal")
    frame, notes = sensitivity(
        runs_from(design, y, outcome), design.points, design.unit, "sobol", spec.names
    )
    assert not notes
    assert ranking(frame, "welfare.us") == ["a", "b", "c"]
    assert ranking(frame, "p_trade_war")[0] == "a"
    rows = frame[frame["measure"] == "welfare.us"].set_index("parameter")
    assert rows.loc["a", "S1"] == pytest.approx(25 / 26, abs=0.05)
    assert rows.loc["b", "S1"] == pytest.approx(1 / 26, abs=0.02)
    assert rows.loc["c", "ST"] == pytest.approx(0, abs=0.01)
    assert (rows["method"] == "sobol").all()


def test_morris_ranks_by_mu_star(design_of):
    spec, design = design_of("morris", samples=30)
    frame, _ = sensitivity(
        runs_from(design, linear(design.unit)),
        design.points,
        design.unit,
        "morris",
        spec.names,
    )
    rows = frame[frame["measure"] == "welfare.us"].set_index("parameter")
    assert ranking(frame, "welfare.us") == ["a", "b", "c"]
    assert rows.loc["a", "mu_star"] == pytest.approx(5, rel=0.01)  # linear: exact effects
    assert rows.loc["b", "mu_star"] == pytest.approx(1, rel=0.01)
    assert rows.loc["c", "mu_star"] == pytest.approx(0, abs=1e-9)


def test_rbd_fast_on_a_latin_hypercube(design_of):
    spec, design = design_of("latin_hypercube", samples=600)
    frame, _ = sensitivity(
        runs_from(design, linear(design.unit)),
        design.points,
        design.unit,
        "latin_hypercube",
        spec.names,
    )
    assert ranking(frame, "welfare.us")[0] == "a"
    rows = frame[frame["measure"] == "welfare.us"].set_index("parameter")
    assert rows.loc["a", "S1"] == pytest.approx(25 / 26, abs=0.1)


def test_grid_variance_decomposition_is_exact(design_of):
    spec, design = design_of("grid", levels=5)
    u = design.points[["a", "b", "c"]].to_numpy() / [10.0, 1.0, 50.0]
    frame, _ = sensitivity(runs_from(design, linear(u)), design.points, None, "grid", spec.names)
    rows = frame[frame["measure"] == "welfare.us"].set_index("parameter")
    assert rows.loc["a", "S1"] == pytest.approx(25 / 26) and rows.loc["a", "ST"] == pytest.approx(
        25 / 26
    )
    assert rows.loc["c", "ST"] == pytest.approx(0)
    # with an interaction, total effects exceed first-order ones by its share
    grid = pd.DataFrame({"x": np.repeat([-1.0, 1.0], 2), "y": np.tile([-1.0, 1.0], 2)})
    indices = anova_indices(grid, (grid["x"] * grid["y"]).to_numpy(), ["x", "y"])
    assert indices["x"] == pytest.approx((0.0, 1.0))


def test_incomplete_sobol_sweeps_get_a_note_not_indices(design_of):
    spec, design = design_of("sobol", samples=64)
    runs = runs_from(design, linear(design.unit)).iloc[:-5]
    frame, notes = sensitivity(runs, design.points, design.unit, "sobol", spec.names)
    assert frame.empty and "needs every design point" in notes[0]


# ---------------------------------------------------------------------------- tables
def test_point_probabilities_with_wilson_intervals_and_errors():
    runs = pd.DataFrame(
        {
            "point": [0, 0, 0, 0, 1, 1, 1],
            "a": [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
            "outcome": ["deal", "deal", "trade_war", "deal", "deal", None, None],
            "error": [None, None, None, None, None, "ValueError: x", "ValueError: y"],
        }
    )
    table = point_probabilities(runs, ["a"]).set_index("point")
    assert table.loc[0, "runs"] == 4 and table.loc[0, "errors"] == 0
    assert table.loc[1, "runs"] == 1 and table.loc[1, "errors"] == 2
    assert table.loc[0, "p_deal"] == 0.75 and table.loc[0, "p_trade_war"] == 0.25
    lo, hi = wilson_interval(3, 4)
    assert (table.loc[0, "p_deal_low"], table.loc[0, "p_deal_high"]) == (lo, hi)
    probs = table[
        [
            c
            for c in table.columns
            if c.startswith("p_") and c.count("_") <= 2 and not c.endswith(("_low", "_high"))
        ]
    ]
    assert probs.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])


def test_heatmap_table_bins_and_counts():
    runs = pd.DataFrame(
        {
            "x": [0.0, 0.1, 0.9, 1.0, 0.95, 0.05],
            "y": ["p", "p", "p", "q", "q", "q"],
            "outcome": ["deal", "deal", "trade_war", "deal", "trade_war", "trade_war"],
            "error": [None] * 6,
        }
    )
    prob, counts = heatmap_table(runs, "x", "y", "deal", bins=2)
    assert counts.to_numpy().tolist() == [[2, 1], [1, 2]]
    assert prob.to_numpy().tolist() == [[1.0, 0.0], [0.0, 0.5]]


# ---------------------------------------------------------------------------- analyze
def synthetic_sweep(design_of, tmp_path, n=600, replicates=2):
    """A sweep directory written through the store: trade war where a > 6 and b < 0.4
    (90%), else 10%; a deal otherwise; welfare = -a; two failed runs."""
    spec, design = design_of("latin_hypercube", samples=n, replicates=replicates)
    rng = np.random.default_rng(5)
    runs = np.arange(n * replicates)
    point = runs // replicates
    pts = design.points.iloc[point].reset_index(drop=True)
    box = (pts["a"] > 6) & (pts["b"] < 0.4)
    war = np.where(box, rng.random(len(runs)) < 0.9, rng.random(len(runs)) < 0.1)
    outcome = np.where(war, "trade_war", "deal").astype(object)
    error = np.full(len(runs), None, dtype=object)
    error[[3, 10]] = "RuntimeError: planted"
    outcome[[3, 10]] = None
    table = pa.table(
        {
            "run": runs,
            "point": point,
            "replicate": runs % replicates,
            "seed": runs * 7,
            "a": pts["a"],
            "b": pts["b"],
            "c": pts["c"],
            "outcome": pa.array(outcome.tolist(), pa.string()),
            "welfare.us": -pts["a"] + rng.normal(0, 0.1, len(runs)),
            "error": pa.array(error.tolist(), pa.string()),
        }
    )
    store = SweepStore(tmp_path / "sweep")
    store.create(spec.text)
    store.write_design(design.to_frame())
    store.write_part(0, table.slice(0, 500), None)
    store.write_part(1, table.slice(500), None)
    total = n * replicates
    store.write_manifest(
        {
            "format": FORMAT,
            "status": "complete",
            "spec": spec.to_dict(),
            "points": n,
            "runs": {"total": total, "done": total, "pending": 0, "failed": 2},
        }
    )
    return store.root


def test_analyze_a_synthetic_sweep_end_to_end(design_of, tmp_path):
    root = synthetic_sweep(design_of, tmp_path)
    result = analyze(root)
    assert len(result.runs) == 1200 and result.n_errors == 2
    assert set(result.errors["error"]) == {"RuntimeError: planted"}
    assert result.outcomes.set_index("outcome")["runs"].sum() == 1198
    assert len(result.probabilities) == 600
    war = result.box_list[0]
    assert war.target == "trade_war" and set(war.limits) == {"a", "b"}
    assert war.limits["a"][0] == pytest.approx(6, abs=0.5)
    assert war.limits["b"][1] == pytest.approx(0.4, abs=0.08)
    assert ranking(result.sensitivity, "welfare.us")[0] == "a"
    assert set(ranking(result.sensitivity, "p_trade_war")[:2]) == {"a", "b"}
    assert result.heatmap == ("a", "b") or result.heatmap == ("b", "a")
    report = root / "report"
    for name in (
        "index.html",
        "outcomes.csv",
        "probabilities.csv",
        "sensitivity.csv",
        "boxes.csv",
        "errors.csv",
        "summary.json",
        "heatmap_deal.png",
        "heatmap_trade_war.png",
        "tornado_p_trade_war.png",
        "outcomes.png",
    ):
        assert (report / name).is_file(), name
    html = (report / "index.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 4
    assert "2 runs raised an error" in html
    text = result.text()
    assert "trade_war #1" in text and "2 failed" in text
    assert (report / "heatmap_deal.png").read_bytes()[:4] == b"\x89PNG"


def test_analyze_bad_input(design_of, tmp_path):
    with pytest.raises(SweepError, match="no such directory"):
        analyze(tmp_path / "missing")
    with pytest.raises(SweepError, match="no sweep here"):
        analyze(tmp_path)
    root = synthetic_sweep(design_of, tmp_path, n=40, replicates=1)
    with pytest.raises(SweepError, match="--heatmap nope: unknown parameter"):
        analyze(root, heatmap=("a", "nope"), report=False)
    with pytest.raises(SweepError, match="--target war: unknown outcome"):
        analyze(root, targets=("war",), report=False)

"""The app's parts without a browser: settings to overrides, uploads, the ensemble job
controls' bounds, chart patches, the PNG encoder and the asset-cache filler (with a
stand-in for npm)."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from negotiation_sim import app_assets
from negotiation_sim.app import settings as st
from negotiation_sim.app.ensemble_view import job_problems
from negotiation_sim.app.figure import encode_png
from negotiation_sim.app.firms_chart import FirmsChart
from negotiation_sim.app.live_run import LiveRun
from negotiation_sim.app.session import MAX_ENSEMBLE_RUNS
from negotiation_sim.app.timeline_chart import TimelineChart
from negotiation_sim.runs import execution
from negotiation_sim.scenario import ScenarioError, load_scenario, loads_scenario, resolve_path


# ---------------------------------------------------------------------- settings
def test_unchanged_settings_make_no_overrides():
    for name in ("us_china_2025", "trade_war_2018", "classroom_basic"):
        scenario = load_scenario(name)
        assert st.overrides(scenario, st.settings_for(scenario)) == {}
        assert st.apply(scenario, st.settings_for(scenario)).digest == scenario.digest


def test_settings_become_overrides():
    scenario = load_scenario("us_china_2025")
    s = st.settings_for(scenario, seed=3).with_strategy("cn", "Random")
    s = s.with_param("cn", "p", 0.5)
    s = st.Settings(**{**s.__dict__, "elasticity": 3.0, "stockpile_scale": 2.0, "rounds": 20})
    out = st.overrides(scenario, s)
    assert out["governments.cn.strategy"] == "Random"
    assert out["governments.cn.strategy_params"] == {"p": 0.5}
    assert out["economy.elasticity"] == 3.0
    assert out["scenario.rounds"] == 20
    groups = st.rare_earth_groups(scenario)
    assert groups and "firms.us_autos.stockpile_weeks" in out
    for name in groups:
        lo, hi = scenario.data["firms"][name]["stockpile_weeks"]
        assert out[f"firms.{name}.stockpile_weeks"] == [lo * 2, hi * 2]
    assert "firms.us_agriculture.stockpile_weeks" not in out
    applied = st.apply(scenario, s)
    assert applied.data["governments"]["cn"]["strategy"] == "Random"
    assert applied.data["firms"]["us_autos"]["stockpile_weeks"] == [4.0, 20.0]
    # the scenario's own strategy_params survive when only the other side changes
    own = scenario.data["governments"]["us"]["strategy_params"]
    assert applied.data["governments"]["us"]["strategy_params"] == own


def test_bad_settings_raise_scenario_errors():
    scenario = load_scenario("us_china_2025")
    s = st.settings_for(scenario).with_param("cn", "nonsense", 1.0)  # TitForTat has none
    s = s.with_strategy("us", "Random").with_param("us", "p", 7.0)
    with pytest.raises(ScenarioError) as info:
        st.apply(scenario, s)
    assert any("governments.us.strategy" in m for m in info.value.messages)
    bad = st.Settings(**{**st.settings_for(scenario).__dict__, "elasticity": -2.0})
    with pytest.raises(ScenarioError) as info:
        st.apply(scenario, bad)
    assert any("economy.elasticity" in m for m in info.value.messages)


def test_upload_messages_match_the_validator():
    text = resolve_path("classroom_basic").read_text(encoding="utf-8")
    bad = text.replace("rounds = 20", "rounds = 0", 1)
    with pytest.raises(ScenarioError) as ours:
        st.parse_upload("mine.toml", bad.encode())
    with pytest.raises(ScenarioError) as theirs:
        loads_scenario(bad, source="mine.toml")
    assert ours.value.messages == theirs.value.messages
    with pytest.raises(ScenarioError, match="not UTF-8"):
        st.parse_upload("mine.toml", b"\xff\xfe\x00")
    assert st.parse_upload("mine.toml", text.encode()).name.startswith("Classroom")


# ---------------------------------------------------------------------- charts
def _paint(canvas, frame):
    if frame.full:
        canvas = np.zeros((frame.height, frame.width, 3), np.uint8)
    for x, y, png in frame.patches:
        patch = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        canvas[y : y + patch.shape[0], x : x + patch.shape[1]] = patch
    return canvas


# ---------------------------------------------------------------------- job controls
@pytest.mark.parametrize("cores", [1, 2, 32])
def test_worker_processes_are_bounded_by_this_machine(cores, monkeypatch):
    """The Workers field takes what the execution layer allows here (4 per core), not a
    fixed number: 128 on 32 cores, 4 on one."""
    monkeypatch.setattr(execution, "default_workers", lambda: cores)
    top = execution.WORKERS_PER_CORE * cores
    assert job_problems(10, 0, 1) == [] and job_problems(10, 0, top) == []
    for bad in (0, top + 1):
        (problem,) = job_problems(10, 0, bad)
        assert problem.startswith("Worker processes: must be from 1 to ")
        assert f"from 1 to {top} (4 per core on this machine" in problem
        assert problem.endswith(f"got {bad:,}")
    (problem,) = job_problems(10, 0, None)  # an emptied field
    assert problem == "Worker processes: expected a whole number of worker processes, got None"


def test_job_controls_report_every_bad_value():
    assert job_problems(0, -1, 0) == [
        f"Runs must be a whole number from 1 to {MAX_ENSEMBLE_RUNS:,}.",
        "The base seed must be a whole number ≥ 0.",
        *execution.check_workers(0, "Worker processes"),
    ]


@pytest.mark.parametrize("chart_class", [TimelineChart, FirmsChart])
def test_patches_rebuild_the_chart_exactly(chart_class):
    """A browser that paints the patches in order sees exactly the server's chart,
    through axis-limit changes and a new run."""
    scenario = load_scenario("us_china_2025", {"scenario.rounds": 40})
    run = LiveRun(scenario.with_overrides({"governments.us.strategy": "Random"}), seed=2)
    chart = chart_class()
    frame = chart.frame(run, 0)
    assert frame.full
    canvas = _paint(None, frame)
    seq = frame.seq
    for _ in range(25):
        frame = chart.frame(run, run.step())
        assert frame.full or frame.prev == seq
        seq = frame.seq
        canvas = _paint(canvas, frame)
        server = np.asarray(chart.fig.canvas.buffer_rgba())[:, :, :3]
        assert (canvas == server).all()
    other = LiveRun(scenario, seed=9)
    frame = chart.frame(other, 0)
    assert frame.full  # a new run starts from a whole image
    canvas = _paint(canvas, frame)
    for _ in range(5):
        canvas = _paint(canvas, chart.frame(other, other.step()))
    assert (canvas == np.asarray(chart.fig.canvas.buffer_rgba())[:, :, :3]).all()
    assert chart.export(other, 5, "svg").lstrip().startswith(b"<?xml")
    assert chart.export(other, 5, "png")[:4] == b"\x89PNG"


def test_png_encoder_round_trip():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(image))).convert("RGBA"))
    assert (decoded[:, :, :3] == image[:, :, :3]).all()


# ---------------------------------------------------------------------- asset cache
def _fake_npm(folder: Path, log: Path) -> None:
    """An ``npm`` that answers ``npm pack SPEC --json --pack-destination DIR``."""
    script = folder / "npm"
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import io, json, sys, tarfile\n"
        f"open({str(log)!r}, 'a').write(sys.argv[2] + '\\n')\n"
        "spec, dest = sys.argv[2], sys.argv[sys.argv.index('--pack-destination') + 1]\n"
        "name = 'pkg.tgz'\n"
        "with tarfile.open(dest + '/' + name, 'w:gz') as tar:\n"
        "    data = ('content of ' + spec).encode()\n"
        "    info = tarfile.TarInfo('package/dist/file.js'); info.size = len(data)\n"
        "    tar.addfile(info, io.BytesIO(data))\n"
        "print(json.dumps([{'filename': name, 'name': spec.rsplit('@', 1)[0],"
        " 'version': '1.0.0', 'integrity': 'x'}]))\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_asset_filler_unpacks_and_skips(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "npm.log"
    _fake_npm(bin_dir, log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    cache = tmp_path / "cdn"
    fetched = app_assets.fill(cache, log=lambda *_: None)
    assert fetched == list(app_assets.PACKAGES)
    for spec in app_assets.PACKAGES:
        file = cache / spec / "dist" / "file.js"
        assert file.read_text() == f"content of {spec}"
        assert json.loads((cache / spec / app_assets.MARKER).read_text())["spec"] == spec
    assert app_assets.missing(cache) == []
    assert app_assets.fill(cache, log=lambda *_: None) == []  # idempotent
    assert len(log.read_text().split()) == len(app_assets.PACKAGES)
    assert app_assets.main(["--check", "--cache", str(cache)]) == 0


def test_asset_filler_without_npm(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(app_assets.AssetError, match="npm was not found"):
        app_assets.fill(tmp_path / "cdn", log=lambda *_: None)
    assert app_assets.main(["--cache", str(tmp_path / "cdn")]) == 2
    assert app_assets.main(["--check", "--cache", str(tmp_path / "cdn")]) == 1


def test_asset_tarballs_cannot_escape(tmp_path):
    """Unpacking uses tarfile's "data" filter: no absolute paths or .. in the cache."""
    evil = tmp_path / "evil.tgz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with tarfile.open(evil) as tar, pytest.raises(tarfile.OutsideDestinationError):
        tar.extractall(tmp_path / "unpacked", filter="data")


def test_an_ensemble_with_a_human_seat_is_refused_with_a_message():
    """A person must play a Human seat without a fallback: the ensemble says so at once
    instead of failing with MoveRequired in the server log."""
    from negotiation_sim.app.session import Session

    session = Session()
    session.select("us_china_2025")
    setting = session.current_setting()
    human = setting.scenario.with_overrides({"governments.us.strategy": "Human"})
    setting = dataclasses.replace(setting, scenario=human)
    session.ensemble.start([setting], 2, 0, 1, wait=True)
    state = session.ensemble.state.value
    assert state.status == "error"
    assert state.error.startswith("us: the Human strategy") and "MoveRequired" not in state.error

"""The package works when installed from its wheel, outside the checkout (issue 10): the
build is clean, the wheel holds every module and data file, and from another folder
``list``, ``run``, ``validate``, a tiny sweep with its analysis, and the app and the
classroom in a real browser all work. Fixtures: conftest.py (run by ``make test``)."""

from __future__ import annotations

import json
from pathlib import Path

from browser_support import open_app
from playwright.sync_api import expect
from wheel_support import ROOT, Installed

SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
SWEEP = """\
[sweep]
name = "wheel"
scenario = "us_china_2025"
design = "latin_hypercube"
samples = 8
rounds = 3
seed = 1

[[parameters]]
path = "economy.elasticity"
range = [1.0, 5.0]
"""


def test_the_build_gives_no_warnings(installed: Installed) -> None:
    log = installed.build_log
    assert "Successfully built" in log, log[-3000:]
    assert "deprecat" not in log.lower(), log  # e.g. the project.license table
    assert "would be ignored" not in log.lower(), log  # data folders not declared


def test_the_installed_package_holds_every_module_and_data_file(installed: Installed) -> None:
    where = Path(installed.python("import negotiation_sim; print(negotiation_sim.__file__)"))
    assert where.is_relative_to(installed.venv), f"imported from {where}, not the venv"
    package = where.parent
    for path in (ROOT / "negotiation_sim").rglob("*"):
        if path.suffix in (".py", ".vue"):
            assert (package / path.relative_to(ROOT / "negotiation_sim")).is_file(), path
    for path in (ROOT / "scenarios").rglob("*.toml"):
        assert (package / "scenarios" / path.relative_to(ROOT / "scenarios")).is_file(), path
    for path in (ROOT / "episodes").rglob("*.toml"):  # back-test episodes, calibration specs
        assert (package / "episodes" / path.relative_to(ROOT / "episodes")).is_file(), path


def test_list_shows_the_shipped_scenarios(installed: Installed) -> None:
    done = installed.run("list", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)["scenarios"]
    assert [s["name"] for s in listed] == SCENARIOS
    assert all(Path(s["path"]).is_relative_to(installed.venv) for s in listed), listed
    text = installed.run("list")
    assert text.returncode == 0 and "(none)" not in text.stdout, text.stdout


def test_run_the_default_scenario(installed: Installed) -> None:
    done = installed.run("run", "us_china_2025")
    assert done.returncode == 0, done.stderr
    assert "Outcome:" in done.stdout and "Cumulative welfare" in done.stdout


def test_validate_finds_shipped_session_configs_and_sweep_specs(installed: Installed) -> None:
    done = installed.run("validate", "us_china_2025", "tariff_dilemma", "strategies_grid")
    assert done.returncode == 0, done.stderr
    assert "OK  tariff_dilemma (session config)" in done.stdout
    assert "OK  strategies_grid (sweep spec)" in done.stdout


def test_backtest_a_shipped_episode(installed: Installed) -> None:
    done = installed.run("backtest", "us_mexico_2019", "--runs", "2", "--json")
    assert done.returncode == 0, done.stderr
    (episode,) = json.loads(done.stdout)["episodes"]
    assert Path(episode["file"]).is_relative_to(installed.venv), episode["file"]
    assert episode["score"]["total"] == len(episode["targets"]) > 0


def test_a_tiny_sweep_and_its_analysis(installed: Installed) -> None:
    (installed.work / "tiny.toml").write_text(SWEEP, encoding="utf-8")
    done = installed.run("sweep", "tiny.toml", "--out", "tiny", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "Sweep complete: 8 of 8 runs" in done.stdout
    report = installed.run("analyze", "tiny", "--no-plots")
    assert report.returncode == 0, report.stderr
    assert (installed.work / "tiny" / "report" / "probabilities.csv").is_file()


def test_the_app_loads_in_a_browser(installed: Installed, serve, page) -> None:
    page.set_default_timeout(45_000)
    watch = open_app(page, serve("app"))  # the banner and a drawn timeline canvas
    expect(page.locator("canvas[data-chart=timeline]")).to_be_visible()
    expect(page.locator(".ns-errors")).to_have_count(0)  # the app's error box
    # the app once, as app.py serves it: no Home/Page tabs of a second copy at /page
    tabs = [t.strip().lower() for t in page.locator(".v-tab").all_inner_texts()]
    assert "live run" in tabs and "home" not in tabs and "page" not in tabs, tabs
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "FileNotFoundError" not in body, body[:2000]
    watch.assert_clean()


def test_the_classroom_loads_in_a_browser(installed: Installed, serve, page) -> None:
    page.set_default_timeout(45_000)
    page.goto(serve("teach"))
    expect(page.get_by_text("Play the computer", exact=True).first).to_be_visible(timeout=60_000)
    expect(page.locator(".teach-start-computer")).to_be_visible()
    assert "Traceback" not in page.locator("body").inner_text()

"""The browser app in a real browser: load, step and play, settings and reset, uploads,
ensembles, compare, exports, and that two sessions do not share state.

Conditions are polled (``wait_for_function``) rather than waiting for exact texts, since
play can step past any given round.
"""

from __future__ import annotations

from browser_support import SERVER_LOG, open_app, shot
from seed_support import fixed_resolve_text

from negotiation_sim import app_assets
from negotiation_sim.scenario import ScenarioError, loads_scenario, resolve_path


# ---------------------------------------------------------------------- helpers
def current_round(page) -> int:
    return int(page.locator(".ns-round").get_attribute("data-round"))


def wait_round(page, at_least: int, timeout: float = 30_000) -> None:
    page.wait_for_function(
        f"Number(document.querySelector('.ns-round')?.dataset.round) >= {at_least}",
        timeout=timeout,
    )


def wait_chart_round(page, chart: str, at_least: int) -> None:
    page.wait_for_function(
        f"Number(document.querySelector('canvas[data-chart={chart}]')?.dataset.round) >= {at_least}"
    )


def canvas_pixels(page, chart: str) -> str:
    return page.evaluate(
        f"document.querySelector('canvas[data-chart={chart}]').toDataURL('image/png')"
    )


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    field = page.locator(".v-select").filter(has=page.get_by_text(label, exact=True))
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role(
        "option", name=option, exact=True
    ).click()
    page.wait_for_selector(".menuable__content__active", state="detached")


def set_number(page, label: str, value: str, then: str | None = None) -> None:
    """Type a number and commit it (Enter). Solara applies it in a render pass after the
    key event, so wait for its visible effect ``then`` (a selector) before going on."""
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")
    if then:
        page.locator(then).first.wait_for()


def table_rounds(page) -> list[int]:
    """The rounds the moves table covers, top to bottom (a folded row covers several)."""
    spans = page.locator(".ns-moves tr[data-first]").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.first), Number(r.dataset.last)])"
    )
    return [r for first, last in spans for r in range(last, first - 1, -1)]


def probabilities(page, table: str, setting: int) -> list[float]:
    cells = page.locator(f".ns-outcomes-{table} td.ns-p[data-setting='{setting}']")
    return [float(cells.nth(i).get_attribute("data-p")) for i in range(cells.count())]


# ---------------------------------------------------------------------- tests
def test_asset_list_matches_installed_solara():
    """The cache filler fetches exactly the packages the installed Solara's templates use."""
    assert sorted(app_assets.PACKAGES) == app_assets.referenced_packages()


def test_loads_cleanly_and_explains_itself(app, screenshots):
    """The page loads offline with no errors and says what it shows (header, How to)."""
    page, watch = app
    lead = page.locator(".ns-lead").first.inner_text()
    assert "United States" in lead and "China" in lead
    for word in ("escalate", "hold", "concede", "truce", "deal", "trade war", "stalemate"):
        assert word in lead
    assert current_round(page) == 0
    assert page.locator(".ns-banner").get_attribute("data-round") == "0"
    assert page.locator("canvas[data-chart=firms]").get_attribute("data-round") == "0"
    shot(page, screenshots / "app-01-live-start.png")
    page.get_by_role("tab", name="How to read this").click()
    page.get_by_text("How to read this app").wait_for()
    shot(page, screenshots / "app-06-how-to.png")
    watch.assert_clean()
    log = SERVER_LOG.read_text(encoding="utf-8").lower()
    assert "samesite" not in log, "the samesite-cookie warning was printed"


def test_step_and_play_advance_round_and_charts(app, screenshots):
    page, watch = app
    before = canvas_pixels(page, "timeline")
    page.locator(".ns-step").click()
    wait_round(page, 1)
    wait_chart_round(page, "timeline", 1)
    wait_chart_round(page, "firms", 1)
    assert canvas_pixels(page, "timeline") != before
    assert page.locator(".ns-banner").get_attribute("data-round") == "1"
    assert table_rounds(page) == [1]

    after_step = canvas_pixels(page, "timeline")
    choose(page, "Speed (rounds per second)", "max")
    page.locator(".ns-play").click()
    wait_round(page, 12, timeout=60_000)
    page.locator(".ns-play").click()  # pause
    page.wait_for_function(
        "document.querySelector('.ns-round').dataset.playing === 'false'", timeout=10_000
    )
    # a step already running when Pause is pressed may still finish (at most one);
    # after that the round must stay put
    page.wait_for_timeout(800)
    paused_at = current_round(page)
    assert paused_at >= 12
    page.wait_for_timeout(1500)
    assert current_round(page) == paused_at, "still stepping after pause"
    wait_chart_round(page, "timeline", paused_at)
    assert canvas_pixels(page, "timeline") != after_step
    # newest first, every round once; the eventful opening rounds near the top
    assert table_rounds(page) == list(range(paused_at, 0, -1))
    rows = page.locator(".ns-moves tr[data-first]")
    assert rows.count() < paused_at, "quiet rounds are folded"
    firsts = [int(rows.nth(i).get_attribute("data-first")) for i in range(rows.count())]
    assert firsts.index(3) < 10  # the summit round (a deal struck) is on the first screen
    assert page.locator(".ns-moves tr.ns-eventful[data-first='3']").count() == 1
    shot(page, screenshots / "app-02-live-played.png")
    watch.assert_clean()


def test_strategy_change_takes_effect_on_reset(app):
    page, watch = app
    choose(page, "Strategy of United States", "AlwaysEscalate")
    page.locator(".ns-pending").wait_for()  # changed, not applied yet
    assert "CrisisBargainer" in page.locator(".ns-party-card-0").inner_text()
    page.locator(".ns-apply").click()
    page.wait_for_function(
        "document.querySelector('.ns-party-card-0').innerText.includes('AlwaysEscalate')"
    )
    page.locator(".ns-pending").wait_for(state="detached")
    for k in range(3):
        page.locator(".ns-step").click()
        wait_round(page, k + 1)
    moves = page.locator(".ns-moves tr td:nth-child(3)").all_inner_texts()  # US move
    assert moves and all("escalate" in m for m in moves), moves
    # Reset (run controls) replays from round 0 with the same settings
    page.locator(".ns-reset").click()
    page.wait_for_function("document.querySelector('.ns-round').dataset.round === '0'")
    assert "AlwaysEscalate" in page.locator(".ns-party-card-0").inner_text()
    watch.assert_clean()


def test_seed_and_invalid_settings(app):
    """The seed is a whole-number field: bad text is flagged and does not break reset;
    settings the schema rejects are listed and the run on screen keeps working."""
    page, watch = app
    seed = page.locator(".ns-seed input")
    seed.fill("12x")
    seed.press("Enter")
    page.locator(".ns-seed.error--text").wait_for()
    assert "must be an integer" in page.locator(".ns-seed").inner_text()
    page.locator(".ns-apply").click()  # still works, with the last valid seed
    page.wait_for_function("document.querySelector('.ns-round').dataset.round === '0'")
    assert "seed 1" in page.locator(".ns-round").locator("..").inner_text()
    seed.fill("7")
    seed.press("Enter")
    page.locator(".ns-pending").wait_for()
    page.locator(".ns-apply").click()
    page.wait_for_function(
        "document.querySelector('.ns-round').parentElement.innerText.includes('seed 7')"
    )
    page.locator(".ns-step").click()
    wait_round(page, 1)
    # a value the scenario schema rejects: the validator's message, the run keeps working
    set_number(page, "Import-demand elasticity", "25", then=".ns-pending")
    page.locator(".ns-apply").click()
    error = page.locator(".ns-error-settings")
    error.wait_for()
    assert "economy.elasticity" in error.inner_text()
    page.locator(".ns-step").click()
    wait_round(page, 2)
    watch.assert_clean()


def test_bad_upload_shows_validate_messages_and_app_keeps_working(app, tmp_path, screenshots):
    page, watch = app
    text = resolve_path("classroom_basic").read_text(encoding="utf-8")
    bad = text.replace("elasticity = 2.5", "elasticity = -1.0", 1).replace(
        'strategy = "CrisisBargainer"', 'strategy = "TitForTwoTats"', 1
    )
    assert bad != text
    path = tmp_path / "broken_classroom.toml"
    path.write_text(bad, encoding="utf-8")
    try:
        loads_scenario(bad, source=path.name)
    except ScenarioError as exc:
        expected = exc.messages
    else:
        raise AssertionError("the broken file should not validate")
    page.locator("input[type=file]").set_input_files(str(path))
    box = page.locator(".ns-error-upload")
    box.wait_for()
    shown = box.inner_text()
    for message in expected:
        assert message in shown, (message, shown)
    assert "us_china_2025" in page.locator(".ns-settings").inner_text()
    page.locator(".ns-step").click()
    wait_round(page, 1)
    shot(page, screenshots / "app-03-upload-error.png")

    good = tmp_path / "my_classroom.toml"
    good.write_text(text, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(good))
    # a new scenario rebuilds the charts: allow for a busy machine
    page.wait_for_function(
        "document.querySelector('.ns-lead').innerText.includes('North')", timeout=60_000
    )
    page.locator(".ns-error-upload").wait_for(state="detached")
    page.wait_for_function(
        "document.querySelector('.ns-round').dataset.round === '0' && "
        "document.querySelector('.ns-party-card-0').innerText.includes('North')",
        timeout=60_000,
    )
    page.locator(".ns-step").click()
    wait_round(page, 1)
    watch.assert_clean()


def test_small_ensemble_probabilities_add_up(app, screenshots):
    page, watch = app
    page.get_by_role("tab", name="Ensemble").click()
    set_number(page, "Runs (seeds)", "20", then=".ns-run-ensemble:has-text('Run 20 seeds')")
    page.locator(".ns-run-ensemble").click()
    page.locator(".ns-outcomes-ensemble").wait_for(timeout=120_000)
    p = probabilities(page, "ensemble", 0)
    assert len(p) == 5
    assert abs(sum(p) - 1.0) < 1e-9
    total = page.locator(".ns-outcomes-ensemble td.ns-total").inner_text()
    assert total.strip() == "100.0%"
    progress = page.locator(".ns-progress-ensemble")
    assert progress.get_attribute("data-status") == "done"
    assert progress.get_attribute("data-done") == "20"
    # the shipped scenario draws each government's private resolve per run: no same-run note
    assert page.locator(".ns-note-same-run").count() == 0
    for name in ("phase", "fans", "outcomes", "shares"):
        assert page.locator(f"img[data-chart={name}]").count() == 1
    shot(page, screenshots / "app-04-ensemble.png")
    watch.assert_clean()


def test_ensemble_runs_in_background_and_cancels(app):
    page, watch = app
    page.get_by_role("tab", name="Ensemble").click()
    set_number(page, "Runs (seeds)", "1000", then=".ns-run-ensemble:has-text('1,000')")
    page.locator(".ns-run-ensemble").click()
    page.wait_for_function(
        "Number(document.querySelector('.ns-progress-ensemble')?.dataset.done) > 0",
        timeout=60_000,
    )
    # the page is not frozen: the live run steps meanwhile
    page.get_by_role("tab", name="Live run").click()
    page.locator(".ns-step").wait_for()
    page.locator(".ns-step").click()
    wait_round(page, 1)
    page.get_by_role("tab", name="Ensemble").click()
    page.locator(".ns-cancel-ensemble").click()
    page.wait_for_function(
        "document.querySelector('.ns-progress-ensemble')?.dataset.status === 'cancelled'",
        timeout=60_000,
    )
    done = int(page.locator(".ns-progress-ensemble").get_attribute("data-done"))
    assert 0 < done < 1000
    page.locator(".ns-outcomes-ensemble").wait_for()
    assert abs(sum(probabilities(page, "ensemble", 0)) - 1.0) < 1e-9
    watch.assert_clean()


def test_compare_two_settings(app, screenshots):
    page, watch = app
    page.get_by_role("tab", name="Compare").click()
    card_b = page.locator(".ns-compare-b")
    card_b.wait_for()
    field = card_b.locator(".v-select").filter(has=page.get_by_text("Strategy of China"))
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role(
        "option", name="AlwaysEscalate", exact=True
    ).click()
    set_number(page, "Runs (seeds)", "10", then=".ns-run-compare:has-text('10 seeds')")
    # 10 runs: no process pool needed
    set_number(page, "Worker processes", "1", then=".ns-workers-compare[data-workers='1']")
    page.locator(".ns-run-compare").click()
    page.locator(".ns-outcomes-compare").wait_for(timeout=120_000)
    for setting in (0, 1):
        assert abs(sum(probabilities(page, "compare", setting)) - 1.0) < 1e-9
    assert "CN: AlwaysEscalate" in page.locator(".ns-compare").inner_text()
    shot(page, screenshots / "app-05-compare.png")
    watch.assert_clean()


def test_downloads(app, tmp_path):
    page, watch = app
    for _ in range(3):
        page.locator(".ns-step").click()
    wait_round(page, 3)
    buttons = page.locator(".ns-downloads-run")

    def fetch(label: str) -> bytes:
        with page.expect_download() as info:
            buttons.get_by_role("button", name=label).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        return target.read_bytes()

    csv = fetch("Run (CSV)").decode("utf-8")
    header, *rows = csv.strip().splitlines()
    assert header.startswith("round,date,outcome")
    assert len(rows) == 3
    assert fetch("Timeline (PNG)")[:8] == b"\x89PNG\r\n\x1a\n"
    svg = fetch("Firms (SVG)").decode("utf-8")
    assert "<svg" in svg
    watch.assert_clean()


def test_two_sessions_do_not_share_state(browser, app_url, screenshots):
    first = browser.new_context(viewport={"width": 1400, "height": 1100})
    second = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        a, b = first.new_page(), second.new_page()
        watch_a, watch_b = open_app(a, app_url), open_app(b, app_url)
        for k in range(4):
            a.locator(".ns-step").click()
            wait_round(a, k + 1)
        choose(b, "Strategy of China", "AlwaysConcede")
        b.locator(".ns-apply").click()
        b.wait_for_function(
            "document.querySelector('.ns-party-card-1').innerText.includes('AlwaysConcede')"
        )
        assert current_round(a) == 4
        assert current_round(b) == 0
        assert "CrisisBargainer" in a.locator(".ns-party-card-1").inner_text()
        assert "AlwaysConcede" not in a.locator(".ns-party-card-1").inner_text()
        # a page loaded later starts fresh too
        third = browser.new_context()
        try:
            c = third.new_page()
            open_app(c, app_url)
            assert current_round(c) == 0
        finally:
            third.close()
        watch_a.assert_clean()
        watch_b.assert_clean()
    finally:
        first.close()
        second.close()


def test_first_screen_at_1280x720(browser, app_url, screenshots):
    """At 1280x720 the timeline chart is drawn on load and on screen without scrolling,
    beside the banner and the government cards."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        watch = open_app(page, app_url)
        canvas = page.locator("canvas[data-chart=timeline]")
        assert canvas.get_attribute("data-round") == "0"  # drawn before any Step
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 400
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
        visible = 720 - box["y"]
        assert visible >= 300, f"only {visible:.0f}px of the chart on the first screen"
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
        # the canvas holds a drawn chart, not a blank box
        inked = page.evaluate(
            """() => {
                const c = document.querySelector('canvas[data-chart=timeline]');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let dark = 0;
                for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
                return dark / (d.length / 4);
            }"""
        )
        assert inked > 0.01, inked
        banner = page.locator(".ns-banner").bounding_box()
        assert banner is not None and banner["y"] + banner["height"] < 720
        page.screenshot(path=str(screenshots / "app-00-first-screen-1280x720.png"))
        watch.assert_clean()
    finally:
        context.close()


def test_same_run_note_follows_the_chance_and_sliders_show_values(app, tmp_path, screenshots):
    """No note for the shipped scenario (its resolve is drawn per run); a scenario that
    leaves nothing to chance gets the notes, and an ensemble of it says all its runs took
    one path; perception noise (its slider shows the value) removes the notes."""
    page, watch = app
    assert page.locator(".ns-same-run-flag").count() == 0
    assert page.locator(".ns-note-same-run-settings").count() == 0
    calm = tmp_path / "calm_us_china.toml"
    calm.write_text(fixed_resolve_text(), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(calm))
    flag = page.locator(".ns-same-run-flag")
    flag.wait_for(timeout=60_000)
    assert "firms drawn" in flag.inner_text()
    settings_note = page.locator(".ns-note-same-run-settings")
    assert "left to chance" in settings_note.inner_text()
    page.get_by_role("tab", name="Ensemble").click()
    page.locator(".ns-note-same-run").wait_for()
    set_number(page, "Runs (seeds)", "10", then=".ns-run-ensemble:has-text('Run 10 seeds')")
    page.locator(".ns-run-ensemble").click()
    page.locator(".ns-outcomes-ensemble").wait_for(timeout=120_000)
    same = page.locator(".ns-note-same-path").inner_text()
    assert "All 10 runs took the same path" in same
    shot(page, screenshots / "app-07-same-run-notes.png")
    page.get_by_role("tab", name="Live run").click()
    slider = page.locator(".ns-slider-perception")
    assert "Perception noise: 0.00" in slider.inner_text()
    slider.locator("[role=slider]").focus()
    for _ in range(5):
        slider.locator("[role=slider]").press("ArrowRight")
    page.wait_for_function(
        "document.querySelector('.ns-slider-perception').innerText.includes('0.05')"
    )
    assert "Rare-earth stockpiles: ×1 scenario" in page.locator(".ns-slider-stockpile").inner_text()
    settings_note.wait_for(state="detached")  # the draft has noise: no note
    page.locator(".ns-apply").click()
    flag.wait_for(state="detached")
    page.get_by_role("tab", name="Ensemble").click()
    page.locator(".ns-run-ensemble").wait_for()
    assert page.locator(".ns-note-same-run").count() == 0
    shot(page, screenshots / "app-08-noise-no-note.png")
    watch.assert_clean()

"""A back-test episode in a real browser: choosing it loads its scenario, an ensemble of
it draws the observed tariffs over the fan chart (legend and points listed on the page),
and choosing no episode again gives the plain chart."""

from __future__ import annotations

from browser_support import shot
from test_app import choose, set_number

from negotiation_sim.views.episode import load_episode


def run_small_ensemble(page, runs: int) -> None:
    set_number(
        page, "Runs (seeds)", str(runs), then=f".ns-run-ensemble:has-text('Run {runs} seeds')"
    )
    set_number(page, "Worker processes", "1", then=".ns-workers-ensemble[data-workers='1']")
    page.locator(".ns-run-ensemble").click()
    page.wait_for_function(
        "document.querySelector('.ns-progress-ensemble')?.dataset.status === 'done'",
        timeout=120_000,
    )
    page.locator("img[data-chart=fans]").wait_for(timeout=60_000)


def test_episode_observations_are_drawn_over_the_fan_chart(app, screenshots):
    page, watch = app
    episode = load_episode("us_china_2018")
    us_cn = [o for o in episode.observed if o.column == "tariff_us_cn"]
    choose(page, "Back-test episode", "us_china_2018")
    page.wait_for_function(
        "document.querySelector('.ns-settings').innerText.includes('observations drawn')",
        timeout=60_000,
    )
    settings = page.locator(".ns-settings").inner_text()
    assert "episode: us_china_2018" in settings  # the scenario being run
    assert f"{episode.rounds} rounds" in settings
    assert page.locator(".ns-round").inner_text().endswith(f"of {episode.rounds}")

    page.get_by_role("tab", name="Ensemble").click()
    page.locator(".ns-ensemble .ns-lead").wait_for()
    assert episode.name in page.locator(".ns-ensemble .ns-lead").inner_text()
    run_small_ensemble(page, 6)
    fans = page.locator("img[data-chart=fans][data-observed]")
    fans.wait_for()
    assert fans.get_attribute("data-observed") == str(len(episode.observed))
    legend = fans.get_attribute("data-legend")
    assert "US on CN: observed (" in legend and "CN on US: observed (" in legend
    assert "observed tariffs" in fans.get_attribute("alt")

    page.get_by_text(f"Observed ({len(episode.observed)} points", exact=False).click()
    table = page.locator("table.ns-observed")
    table.wait_for()
    assert table.get_attribute("data-points") == str(len(episode.observed))
    rows = page.locator("table.ns-observed tr.ns-observed-point[data-column=tariff_us_cn]")
    assert rows.count() == len(us_cn)
    first = rows.first
    assert first.get_attribute("data-round") == "1"  # 2018-01-01 is the start date
    assert float(first.get_attribute("data-value")) == us_cn[0].value
    shot(page, screenshots / "app-09-episode-overlay.png")

    # no episode: the scenario the episode names, and a plain fan chart
    page.get_by_role("tab", name="Live run").click()
    choose(page, "Back-test episode", "none")
    page.wait_for_function(
        "!document.querySelector('.ns-settings').innerText.includes('episode: us_china_2018')"
        " || !document.querySelector('.ns-settings').innerText.includes('observations drawn')",
        timeout=60_000,
    )
    page.get_by_role("tab", name="Ensemble").click()
    run_small_ensemble(page, 5)
    page.wait_for_function(
        "document.querySelector('.ns-progress-ensemble')?.dataset.done === '5'", timeout=60_000
    )
    page.locator("img[data-chart=fans]:not([data-observed])").wait_for(timeout=60_000)
    assert page.locator("table.ns-observed").count() == 0
    watch.assert_clean()

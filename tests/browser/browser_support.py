"""Helpers shared by the browser tests (a module of its own: conftest is not importable
under every pytest import mode)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SERVER_LOG = ROOT / "test-artifacts" / "solara-server.log"
TALL = {"width": 1600, "height": 2300}


@dataclass
class Watch:
    """Console errors, page errors and failed or off-site requests of one page."""

    origin: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"),
        )
        page.on(
            "request",
            lambda r: (
                not r.url.startswith((self.origin, "data:", "blob:")) and self.offsite.append(r.url)
            ),
        )

    def assert_clean(self) -> None:
        assert not self.errors, f"browser console errors: {self.errors}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.offsite, f"requests leaving the server (breaks offline use): {self.offsite}"


def open_app(page, url: str) -> Watch:
    watch = Watch(url.rstrip("/"))
    watch.attach(page)
    page.goto(url)
    page.wait_for_selector(".ns-banner", timeout=60_000)
    page.wait_for_selector("canvas[data-chart=timeline][data-round]", timeout=30_000)
    return watch


def shot(page, path: Path) -> None:
    """A screenshot of the whole app: the viewport is made tall enough first (Solara's
    layout scrolls inside its own container, so ``full_page`` alone is not enough)."""
    size = page.viewport_size
    page.set_viewport_size(TALL)
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    if size:
        page.set_viewport_size(size)

"""Fixtures for the browser tests: the real app served by ``solara run`` and Chromium
driven by Playwright (pytest-playwright).

These tests never skip. A missing browser or an empty Solara asset cache is a setup
error and fails with the command that fixes it:

* Chromium: Debian's package (``apt-get install -y chromium``); another binary can be
  named with ``NEGOTIATION_SIM_CHROMIUM``.
* Assets: ``python -m negotiation_sim.app_assets`` fills Solara's CDN proxy cache from
  npm (the tests use ``SOLARA_ASSETS_PROXY_CACHE_DIR`` if set, else the venv's default).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import SCREENSHOTS, SERVER_LOG, open_app

from negotiation_sim import app_assets

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1600, "height": 1300}
STARTUP_TIMEOUT = 120.0


def chromium_path() -> str:
    wanted = os.environ.get("NEGOTIATION_SIM_CHROMIUM")
    candidates = [wanted] if wanted else ["/usr/bin/chromium", "chromium", "chromium-browser"]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    pytest.fail(
        "Chromium not found (looked for "
        + ", ".join(c for c in candidates if c)
        + "). Install it with 'apt-get update && apt-get install -y chromium', or set "
        "NEGOTIATION_SIM_CHROMIUM to a Chromium binary. The browser tests do not skip.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments plus Debian's Chromium (Playwright cannot
    download its own browser on these machines)."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _asset_cache() -> Path:
    cache = app_assets.default_cache_dir()
    absent = app_assets.missing(cache)
    if absent:
        pytest.fail(
            f"Solara's asset cache {cache} lacks {', '.join(absent)}: without it no page "
            "renders offline. Fill it with 'python -m negotiation_sim.app_assets' (needs npm "
            "and the npm registry). The browser tests do not skip.",
            pytrace=False,
        )
    return cache


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """``solara run app.py`` on a free port, until the session ends (stopped by pid)."""
    cache = _asset_cache()
    port = _free_port()
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache),
        "PYTHONUNBUFFERED": "1",
    }
    solara = Path(sys.executable).with_name("solara")
    command = [
        str(solara),
        "run",
        "app.py",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-open",
        "--production",  # no hot reload, no call-home check
    ]
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("w", encoding="utf-8")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"solara run exited with code {proc.returncode}; see {SERVER_LOG}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara run did not serve {url} within {STARTUP_TIMEOUT:.0f} s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.fixture
def app(page, app_url):
    """The app loaded in a fresh browser context; yields (page, watch)."""
    page.set_default_timeout(45_000)  # generous: CI machines are often busy
    watch = open_app(page, app_url)
    yield page, watch


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

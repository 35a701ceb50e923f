"""Fixtures for the teaching-mode browser tests: Debian's Chromium driven by Playwright,
and a real ``solara run negotiation_sim.teaching.standalone`` server per test session
with its own data folder, instructor token and test session configs.

These tests never skip: without Chromium or Solara's offline asset cache they fail and
say what to install (../shared/reference/browser-testing.md has the recipe).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
TOKEN = "test-instructor-passphrase"
#: the npm packages a Solara 1.64 page cannot render without (the rest load on demand)
CORE_ASSETS = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)
#: console messages that are not failures of this app. "no comm channel defined": an input
#: widget syncs its value as a click navigates to another page and Solara closes it (the
#: value is no longer needed; seen now and then when a form button changes the page).
BENIGN = (
    "favicon",
    "DevTools",
    "Vue Devtools",
    "development mode",
    "module.exports",
    "no comm channel defined",
)


def _chromium() -> str:
    """Debian's Chromium, or the binary named by ``NEGOTIATION_SIM_CHROMIUM`` (as for the
    app's browser tests)."""
    wanted = os.environ.get("NEGOTIATION_SIM_CHROMIUM")
    for name in [wanted] if wanted else ["chromium", "chromium-browser"]:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        "Chromium is not installed; the teaching browser tests need it: "
        "apt-get update && apt-get install -y chromium (or set NEGOTIATION_SIM_CHROMIUM). "
        "These tests do not skip.",
        pytrace=False,
    )


def _asset_cache() -> Path:
    try:
        from negotiation_sim.app_assets import default_cache_dir, missing

        cache = default_cache_dir()
        absent = missing(cache)
    except ImportError:
        cache = Path(
            os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
            or Path(sys.prefix) / "share" / "solara" / "cdn"
        )
        absent = [p for p in CORE_ASSETS if not (cache / p).is_dir()]
    if absent:
        pytest.fail(
            f"Solara's offline asset cache {cache} lacks {', '.join(absent)}; fill it with "
            "`python -m negotiation_sim.app_assets` (needs npm and a registry).",
            pytrace=False,
        )
    return cache


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic"],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    token: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def launch_server(base: Path, data_dir: Path) -> Server:
    """Start ``solara run negotiation_sim.teaching.standalone`` on a free port, with its
    data in ``data_dir``; wait until it answers."""
    _chromium()
    _asset_cache()
    base.mkdir(parents=True, exist_ok=True)
    log = base / f"server-{time.monotonic_ns()}.log"
    port = _free_port()
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "NEGOTIATION_SIM_INSTRUCTOR_TOKEN": TOKEN,
        "NEGOTIATION_SIM_DATA_DIR": str(data_dir),
        "NEGOTIATION_SIM_SESSIONS_DIR": str(Path(__file__).parent / "sessions"),
    }
    solara = Path(sys.executable).parent / "solara"
    cmd = [str(solara), "run", "negotiation_sim.teaching.standalone"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-open", "--production"]
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", data_dir, TOKEN, process, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            pytest.fail(f"the teaching server did not start:\n{server.log_tail()}", pytrace=False)
        time.sleep(0.3)


def stop_server(server: Server) -> None:
    """Stop the server we started (its process group, by its id)."""
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)


def kill_server(server: Server) -> None:
    """Kill the server we started with SIGKILL (no chance to clean up), by its id."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


@pytest.fixture
def server_kill():
    """``kill(server)``: SIGKILL a server started by ``server_control``."""
    return kill_server


@pytest.fixture(scope="session")
def teaching_server(tmp_path_factory) -> Server:
    """One teaching server for the test session."""
    base = tmp_path_factory.mktemp("teaching-server")
    server = launch_server(base, base / "data")
    yield server
    stop_server(server)


@pytest.fixture
def server_control():
    """``(launch(base, data_dir), stop(server))`` for tests that restart a server; every
    server launched is stopped at the end of the test."""
    started: list[Server] = []

    def launch(base: Path, data_dir: Path) -> Server:
        server = launch_server(base, data_dir)
        started.append(server)
        return server

    yield launch, stop_server
    for server in started:
        stop_server(server)


@dataclass
class Watched:
    """A page and the console errors and page errors seen on it."""

    page: object
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser):
    """``open_page()`` -> a new browser context's page (its own session), with console
    errors collected; every page must end the test without console errors."""
    contexts, watched = [], []

    def make(width: int = 1400, height: int = 1000) -> Watched:
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        w = Watched(page)

        def on_console(msg):
            if msg.type == "error" and not any(b in msg.text for b in BENIGN):
                w.errors.append(msg.text)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: w.errors.append(f"page error: {exc}"))
        watched.append(w)
        return w

    yield make
    problems = [e for w in watched for e in w.errors]
    for context in contexts:
        context.close()
    assert not problems, "browser console errors:\n" + "\n".join(problems)


@pytest.fixture
def shot():
    """``shot(page, name)`` saves test-artifacts/screenshots/teaching-<name>.png."""

    def save(page, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"teaching-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save

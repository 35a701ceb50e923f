"""Fixtures of the wheel check: the package as a user gets it.

``installed`` builds the sdist and, from it, the wheel (PyPA's ``build``), creates a fresh
venv in a temporary folder outside the checkout, installs the wheel with its dependencies
from the package index, and runs commands from another temporary folder with an
environment that points nowhere near the checkout. ``make test`` runs this folder on its
own (``pytest tests/wheel``); the everyday suite leaves it out (``norecursedirs`` in
pyproject.toml) because installing the dependencies takes a minute or two.

Nothing here skips: a missing Chromium or an empty Solara asset cache fails with the
command that fixes it (the browser tests' own fixtures, reused from tests/browser).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from wheel_support import ROOT, Installed

BROWSER = ROOT / "tests" / "browser"
INSTALL_TIMEOUT = 1200
STARTUP_TIMEOUT = 120.0

sys.path.insert(0, str(BROWSER))  # browser_support, as the browser tests import it
_spec = importlib.util.spec_from_file_location("browser_conftest", BROWSER / "conftest.py")
browser_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_conftest)
# the browser tests' Chromium (Debian's, never skipped) and context settings
browser_type_launch_args = browser_conftest.browser_type_launch_args
browser_context_args = browser_conftest.browser_context_args


def _step(command: list[str], log: list[str], what: str) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, cwd=ROOT
    )
    log.append(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        pytest.fail(f"{what} failed:\n{log[-1][-6000:]}", pytrace=False)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT), f"{base} is inside the checkout"
    dist, venv, work = base / "dist", base / "venv", base / "work"
    work.mkdir()
    log: list[str] = []
    _step([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], log, "build")
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {dist}: {wheels}"
    _step([sys.executable, "-m", "venv", str(venv)], log, "venv")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheels[0])]
    _step(pip, log, "pip install of the wheel")
    yield Installed(venv=venv, work=work, build_log=log[0])
    shutil.rmtree(venv, ignore_errors=True)  # half a gigabyte


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(installed: Installed, tmp_path: Path) -> Iterator:
    """``serve(command)``: start ``negotiation-sim COMMAND --port P`` from the installed
    wheel in the working folder, wait until it answers, return its URL; every server is
    stopped (by its process group) at the end of the test."""
    started: list[subprocess.Popen] = []
    cache = browser_conftest._asset_cache()  # the checkout's filled cache: offline pages

    def start(command: str) -> str:
        port = free_port()
        log = (tmp_path / f"{command}.log").open("w", encoding="utf-8")
        proc = subprocess.Popen(
            [str(installed.bin / "negotiation-sim"), command, "--port", str(port)],
            cwd=installed.work,
            env=installed.env(SOLARA_ASSETS_PROXY_CACHE_DIR=str(cache)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(proc)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                text = (tmp_path / f"{command}.log").read_text(encoding="utf-8")
                pytest.fail(f"negotiation-sim {command} exited:\n{text}", pytrace=False)
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"negotiation-sim {command} did not serve {url}", pytrace=False)
            time.sleep(0.5)

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)

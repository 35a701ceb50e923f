"""Time from opening the app to its first chart, in headless Chromium.

Starts ``negotiation-sim app`` (the installed command, production mode) on a free port,
then opens the page ``--repeats`` times, each in a fresh browser context (no cache, a new
Solara session), and times from ``page.goto`` until the timeline chart of the default
scenario is drawn (``canvas[data-chart=timeline][data-round]``, as the browser tests wait
for it) and visible at 1280x720. The first open also pays for the server's first import
of the model; it is reported apart.

    python benchmarks/bench_first_chart.py [--repeats 5] [--chromium /usr/bin/chromium]

Needs Debian's Chromium and a filled Solara asset cache
(``python -m negotiation_sim.app_assets``), as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

SELECTOR = "canvas[data-chart=timeline][data-round]"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer at {url} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="page opens after the first")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    command = Path(sys.executable).with_name("negotiation-sim")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    server = subprocess.Popen(
        [str(command), "app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print("negotiation_sim: page open to first chart (1280x720, headless Chromium)")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()}")
    try:
        wait_for_server(url)
        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for _ in range(args.repeats + 1):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(SELECTOR, state="visible", timeout=120_000)
                times.append(time.perf_counter() - start)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    first, rest = times[0], times[1:]
    print(f"  first open after the server starts: {first:.2f} s")
    if rest:
        shown = ", ".join(f"{t:.2f}" for t in rest)
        print(f"  later opens: {shown} s (median {statistics.median(rest):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

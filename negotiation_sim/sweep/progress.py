"""A progress bar for sweeps: runs done, runs per second and time left, redrawn at most a
few times a second on a terminal and silent otherwise."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):  # NaN or unknown
        return "--:--"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Progress:
    """``Progress(total, done)``; ``update(done, errors)`` as runs finish; ``close()``.

    ``enabled=None`` shows the bar only when ``stream`` is a terminal. The rate counts the
    runs of this session only (a resumed sweep starts with ``done`` > 0)."""

    def __init__(
        self,
        total: int,
        done: int = 0,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        label: str = "sweep",
        interval: float = 0.2,
    ) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.total = total
        self.start_done = done
        self.done = done
        self.errors = 0
        self.label = label
        self.interval = interval
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        ran = self.done - self.start_done
        return ran / elapsed if elapsed > 0 and ran > 0 else 0.0

    @property
    def eta(self) -> float:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else float("nan")

    def update(self, done: int | None = None, errors: int | None = None, force: bool = False):
        if done is not None:
            self.done = done
        if errors is not None:
            self.errors = errors
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self._drawn >= self.interval:
            self._drawn = now
            self._draw()

    def line(self) -> str:
        pct = 100.0 * self.done / self.total if self.total else 100.0
        tail = (
            f" {self.done:,}/{self.total:,} {pct:5.1f}%  {self.rate:,.1f} runs/s  "
            f"left {_clock(self.eta)}"
        )
        if self.errors:
            tail += f"  errors {self.errors:,}"
        columns = shutil.get_terminal_size((100, 20)).columns
        width = max(10, min(40, columns - len(self.label) - len(tail) - 4))
        filled = int(width * self.done / self.total) if self.total else width
        return f"{self.label} [{'#' * filled}{'.' * (width - filled)}]{tail}"

    def _draw(self) -> None:
        text = self.line()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def clear(self) -> None:
        """Blank the bar's line (to print a message); the next update redraws it."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def close(self) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

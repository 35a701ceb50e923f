"""Matplotlib figures drawn in two layers, sent to the browser as changed rectangles.

A live chart keeps one ``Figure`` per session for the life of a run. Its static layer
(axes, ticks, labels, legends, calendar markers, thresholds) is drawn once per layout;
its data artists are ``animated`` and drawn on top with ``draw_artist``. A new round only
draws the new segment of each line onto the canvas that already shows the earlier rounds,
so the cost of a step does not grow with the history. A full redraw happens only when
the layout changes (a new run, or a value outgrowing the y-axis, whose limits are rounded
up generously so that this is rare).

Encoding a whole chart as PNG costs more than drawing the new round (zlib dominates), so
a step sends only the rectangle that changed (``Frame``): the browser keeps the image in
a ``<canvas>`` and paints the patch over it (``chart_canvas.vue``). A full image goes out
after a redraw, or when a canvas asks for one (a new page, a gap in the sequence).
``encode_png`` writes the PNG itself: RGB rows with the "Up" filter (charts repeat
vertically, so most bytes become zero) and zlib level 1, several times faster than
``savefig(format="png")``. Exports (PNG/SVG downloads) do not use any of this: they build
a fresh figure with ordinary artists and call ``savefig``.
"""

from __future__ import annotations

import base64
import io
import math
import struct
import threading
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

DPI = 90
EXPORT_DPI = 150
RC = {
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.labelsize": 9.5,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
}


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an (h, w, 4) uint8 image, stored as RGB with the Up filter."""
    h, w = rgba.shape[:2]
    rgb = np.ascontiguousarray(rgba[:, :, :3]).reshape(h, w * 3)
    raw = np.empty((h, w * 3 + 1), dtype=np.uint8)
    raw[:, 0] = 2  # filter type 2: Up
    raw[0, 1:] = rgb[0]
    np.subtract(rgb[1:], rgb[:-1], out=raw[1:, 1:])  # wraps modulo 256, as PNG wants
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(memoryview(raw), level))
        + _chunk(b"IEND", b"")
    )


def nice_ceiling(value: float, minimum: float = 1.0) -> float:
    """A round upper axis limit with headroom: 1, 2, 2.5 or 5 times a power of ten above
    1.25 * value."""
    target = max(minimum, 1.25 * value)
    power = 10 ** math.floor(math.log10(target))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= target:
            return m * power
    return 10 * power


@dataclass
class Frame:
    """What the browser's canvas needs to show the chart after ``round``: the whole image
    (``full``) or the rectangles that changed since frame ``prev`` (PNG each)."""

    seq: int
    prev: int
    full: bool
    width: int
    height: int
    round: int
    patches: list[tuple[int, int, bytes]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "prev": self.prev,
            "full": self.full,
            "width": self.width,
            "height": self.height,
            "round": self.round,
            "patches": [
                {"x": x, "y": y, "src": "data:image/png;base64," + base64.b64encode(png).decode()}
                for x, y, png in self.patches
            ],
        }

    @property
    def nbytes(self) -> int:
        return sum(len(png) for _, _, png in self.patches)


class LayeredChart:
    """Base class of the live charts (see the module docstring).

    Subclasses implement ``layout_key(run, n)`` (changes when the axes must be rebuilt),
    optionally ``limits(run, n)`` and ``set_limits`` (axis limits that grow with the data;
    a change redraws the static layer without rebuilding it), ``build(run, limits)``
    (static layer; creates ``animated`` data artists when ``self.live``) and
    ``update(run, start, n)`` which sets the data artists to cover
    rounds ``start..n`` (``start`` is the last round already drawn, 0 for all) and
    returns them in drawing order. ``incremental = False`` redraws all data artists on
    the saved background each time (for charts whose every bar moves, like stances);
    such charts say which pixels may change in ``dirty_boxes``.

    ``frame(run, n)`` draws what is missing and returns the changed rectangles as a
    ``Frame``; ``full_frame(run, n)`` returns the whole image.
    """

    size: tuple[float, float] = (7.0, 4.0)
    incremental: bool = True
    alt: str = "chart"

    def __init__(self, live: bool = True, dpi: int = DPI) -> None:
        self.live = live
        self.fig = Figure(figsize=self.size, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.lock = threading.RLock()
        self._key: Hashable = None
        self._limits: Hashable = None
        self._generation = -1
        self._round_key: Hashable = None
        self._background: Any = None
        self._drawn = 0
        self._seq = 0
        self._frame: Frame | None = None
        self._pending: list[tuple[int, int, int, int] | None] = []  # dirty, not yet sent
        self.full_redraws = 0

    # -------------------------------------------------------------- subclass API
    def layout_key(self, run: Any, n: int) -> Hashable:
        raise NotImplementedError

    def limits(self, run: Any, n: int) -> Hashable:
        """Axis limits after round ``n`` (a change redraws the static layer)."""
        return None

    def set_limits(self, limits: Hashable) -> None:
        """Apply new axis limits to the axes ``build`` made."""

    def build(self, run: Any, limits: Hashable) -> None:
        raise NotImplementedError

    def update(self, run: Any, start: int, n: int) -> Iterable[Artist]:
        raise NotImplementedError

    def after_static_draw(self) -> None:
        """Called once the static layer is on the canvas (e.g. to save sub-regions)."""

    def after_restart(self, run: Any) -> None:
        """Called when a new run reuses the static layer (forget per-run state)."""

    def dirty_boxes(self, artists: list[Artist], start: int, n: int) -> list[Bbox]:
        """Display-space boxes that drawing ``artists`` may have changed."""
        renderer = self.fig.canvas.get_renderer()
        return [a.get_window_extent(renderer) for a in artists]

    # -------------------------------------------------------------- drawing
    def draw(self, run: Any, n: int) -> bool:
        """Bring the canvas to round ``n`` of ``run``; True if it was redrawn in full."""
        n = min(n, run.rounds_done)
        with self.lock:
            key = self.layout_key(run, n)
            limits = self.limits(run, n)
            canvas = self.fig.canvas
            restart = run.generation != self._generation or n < self._drawn
            rebuilt = False
            if key != self._key:
                self.fig.clear()
                with matplotlib.rc_context(RC):
                    self.build(run, limits)
                    canvas.draw()  # the static layer (data artists are animated)
                rebuilt = True
            elif limits != self._limits:
                # same axes, new limits: redraw the static layer, not rebuild it
                with matplotlib.rc_context(RC):
                    self.set_limits(limits)
                    canvas.draw()
                rebuilt = True
            elif restart:
                # a new run with the same static layer (e.g. another seed or strategy)
                canvas.restore_region(self._background)
                self.after_restart(run)
            if rebuilt:
                self._background = canvas.copy_from_bbox(self.fig.bbox)
                self.after_static_draw()
                self._key = key
                self._limits = limits
                self.full_redraws += 1
            if rebuilt or restart:
                self._generation = run.generation
                self._drawn = 0
                rebuilt = True
            if self.incremental:
                start = self._drawn
            else:
                canvas.restore_region(self._background)
                start = 0
            if n > start or not self.incremental or rebuilt:
                artists = list(self.update(run, start, n))
                for artist in artists:
                    artist.axes.draw_artist(artist)
                if not rebuilt:
                    self._pending += [
                        _pixels(b, self.fig) for b in self.dirty_boxes(artists, start, n)
                    ]
            self._drawn = n
            return rebuilt

    def frame(self, run: Any, n: int) -> Frame:
        """The changes since the previous frame (a full frame after a redraw)."""
        with self.lock:
            if self._frame is not None and self._round_key == (run.generation, n):
                return self._frame
            if self.draw(run, n) or self._frame is None:
                return self.full_frame(run, n)
            buf = np.asarray(self.fig.canvas.buffer_rgba())
            patches = []
            box = _union(self._pending, buf.shape[1], buf.shape[0])
            if box is not None:
                x0, y0, x1, y1 = box
                patches.append((x0, y0, encode_png(buf[y0:y1, x0:x1])))
            self._pending = []
            self._seq += 1
            self._frame = Frame(
                self._seq, self._seq - 1, False, buf.shape[1], buf.shape[0], n, patches
            )
            self._round_key = (run.generation, n)
            return self._frame

    def full_frame(self, run: Any, n: int) -> Frame:
        """The whole image after round ``n``."""
        with self.lock:
            self.draw(run, n)
            buf = np.asarray(self.fig.canvas.buffer_rgba())
            self._pending = []
            self._seq += 1
            h, w = buf.shape[:2]
            self._frame = Frame(self._seq, -1, True, w, h, n, [(0, 0, encode_png(buf))])
            self._round_key = (run.generation, n)
            return self._frame

    def image(self, run: Any, n: int) -> bytes:
        """The whole chart after round ``n`` as PNG bytes (tests, screenshots)."""
        with self.lock:
            self.draw(run, n)
            return encode_png(np.asarray(self.fig.canvas.buffer_rgba()))

    def export(self, run: Any, n: int, fmt: str) -> bytes:
        """The chart as a PNG or SVG file, drawn afresh with ordinary artists."""
        other = type(self)(live=False, dpi=EXPORT_DPI)
        buf = io.BytesIO()
        with matplotlib.rc_context(RC):
            other.build(run, other.limits(run, n))
            other.update(run, 0, n)
            other.fig.savefig(buf, format=fmt, dpi=EXPORT_DPI, metadata=_metadata(fmt))
        other.close()
        return buf.getvalue()

    def close(self) -> None:
        self.fig.clear()
        self._background = None


def _pixels(box: Bbox, fig: Figure, pad: int = 3) -> tuple[int, int, int, int] | None:
    """A display-space box as (x0, y0, x1, y1) buffer pixels (origin top left); None for
    an empty artist."""
    if not np.isfinite(box.extents).all():
        return None
    height = fig.bbox.height
    return (
        math.floor(box.x0) - pad,
        math.floor(height - box.y1) - pad,
        math.ceil(box.x1) + pad,
        math.ceil(height - box.y0) + pad,
    )


def _union(boxes: list[tuple[int, int, int, int] | None], w: int, h: int):
    finite = [b for b in boxes if b is not None]
    if not finite:
        return None
    x0 = max(0, min(b[0] for b in finite))
    y0 = max(0, min(b[1] for b in finite))
    x1 = min(w, max(b[2] for b in finite))
    y1 = min(h, max(b[3] for b in finite))
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _metadata(fmt: str) -> dict[str, Any]:
    if fmt == "svg":
        return {"Date": None}
    return {}


def savefig_bytes(fig: Figure, fmt: str, dpi: int = EXPORT_DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return buf.getvalue()


def figure_png(fig: Figure) -> bytes:
    """A one-off figure (drawn once, e.g. ensemble charts) as PNG for the page."""
    fig.canvas.draw()
    return encode_png(np.asarray(fig.canvas.buffer_rgba()))


def new_figure(size: tuple[float, float], dpi: int = DPI) -> Figure:
    """A figure on an Agg canvas (never pyplot: no global figure registry to leak into).
    Build it inside ``matplotlib.rc_context(RC)`` for the app's font sizes."""
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig

"""The app's own building blocks: live chart canvases, chart images and render islands
(help captions, error boxes and downloads are in the shared kit, ``ui.components``)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipyvuetify
import reacton
import solara

from negotiation_sim.app.figure import LayeredChart
from negotiation_sim.core.resources import package_file


@solara.component_vue(str(package_file("negotiation_sim.app", "chart_canvas.vue")))
def _ChartCanvasVue(
    frame: dict,
    alt: str,
    name: str,
    event_request_full: Callable[[Any], None] | None = None,
): ...


@solara.component
def ChartCanvas(chart: LayeredChart, run: Any, n: int, name: str):
    """A live chart: the first render of this canvas sends the whole image, later renders
    send the rectangle that changed (see ``figure.py``)."""
    request, set_request = solara.use_state(0)
    served = solara.use_ref(-1)

    def compute() -> dict:
        if served.current != request:
            served.current = request
            return chart.full_frame(run, n).to_json()
        return chart.frame(run, n).to_json()

    frame = solara.use_memo(compute, [chart, run.generation, n, request])
    _ChartCanvasVue(
        frame=frame,
        alt=chart.alt,
        name=name,
        event_request_full=lambda _seq: set_request(lambda r: r + 1),
    )


def data_uri(png: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(png).decode()


@solara.component
def StaticImage(
    png: bytes,
    alt: str,
    name: str,
    max_width: int | None = None,
    data: dict[str, str] | None = None,
):
    """A chart drawn once (ensemble, compare) as an ``<img>`` with alt text; ``data``
    become ``data-*`` attributes (what the chart shows, for tests and scripts)."""
    natural = int.from_bytes(png[16:20], "big") if png[:4] == b"\x89PNG" else 0
    limit = min(w for w in (max_width, natural) if w) if (max_width or natural) else None
    style = "width: 100%; height: auto; display: block;"
    if limit:
        style += f" max-width: {limit}px;"
    solara.v.Html(
        tag="img",
        attributes={
            "src": data_uri(png),
            "alt": alt,
            "data-chart": name,
            "style": style,
            **{f"data-{k}": v for k, v in (data or {}).items()},
        },
    )


@solara.component
def Island(make: Callable[[], Any], name: str, registry: dict | None = None):
    """Render ``make()`` in a render context of its own, shown inside this component.

    Reacton reconciles the whole tree of a render context on every render, so a change in
    one corner costs as much as the page has widgets. The live view changes every round;
    rendering it in its own context means a step re-renders the live view only, not the
    settings panel and the other tabs. ``registry`` (per session) keeps the island's
    render context for the benchmark and the tests.
    """
    host = solara.use_memo(
        lambda: ipyvuetify.Html(tag="div", class_=f"ns-island ns-island-{name}", children=[]),
        [],
    )

    def mount():
        _, context = reacton.render(make(), host, handle_error=True)
        if registry is not None:
            registry[name] = context

        def unmount():
            if registry is not None and registry.get(name) is context:
                del registry[name]
            context.close()
            host.close()

        return unmount

    solara.use_effect(mount, [])
    solara.Div(children=[host])

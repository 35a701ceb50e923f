"""Solara components of the shared kit: the outcome banner, the stage matrix, notes,
help captions, error boxes and download buttons."""

from __future__ import annotations

from collections.abc import Callable

import solara

from negotiation_sim.ui import html as h
from negotiation_sim.ui.css import CSS
from negotiation_sim.views.stage import StageView


@solara.component
def KitStyle():
    """The kit's CSS; render once per page."""
    solara.Style(CSS)


@solara.component
def OutcomeBanner(outcome: str, text: str, detail: str = "", round_: int | None = None):
    solara.HTML(tag="div", unsafe_innerHTML=h.outcome_banner(outcome, text, detail, round_))


@solara.component
def StageMatrix(stage: StageView, row_name: str, col_name: str, show_theirs: bool = True,
                marks: bool = True, corner: str | None = None,
                classes: list[str] | None = None):  # fmt: skip
    """The stage game (``ui.html.stage_matrix``) in a ``div`` with ``classes``."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=h.stage_matrix(stage, row_name, col_name, show_theirs, marks, corner),
        classes=classes or [],
    )


@solara.component
def Note(text: str, name: str):
    """A boxed note; renders nothing for an empty ``text``."""
    if text:
        solara.HTML(tag="div", unsafe_innerHTML=h.note(h.esc(text), name))


@solara.component
def Help(text: str):
    """A short explanation under a control or a chart."""
    solara.HTML(tag="div", unsafe_innerHTML=h.esc(text), classes=["ns-help"])


@solara.component
def Caption(html: str):
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=["ns-caption"])


@solara.component
def ErrorBox(title: str, messages: list[str], name: str):
    """Problems, one per line, in a red box (class ``ns-error-<name>``) that stays until
    the next attempt; nothing when there are none."""
    if not messages:
        return
    body = "\n".join(messages)
    with solara.v.Alert(type="error", outlined=True, dense=True, class_=f"ns-error-{name}"):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{h.esc(title)}</b>")
        solara.HTML(tag="pre", unsafe_innerHTML=h.esc(body), classes=["ns-errors"])


Download = tuple[str, str, Callable[[], bytes | str], str]


@solara.component
def Downloads(items: list[Download], name: str):
    """Download buttons: (label, filename, data callable, mime type); the data is made
    only when a button is pressed."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=[f"ns-downloads-{name}"]):
        for label, filename, data, mime in items:
            solara.FileDownload(
                data,
                filename=filename,
                mime_type=mime,
                children=[
                    solara.Button(
                        label, icon_name="mdi-download", small=True, outlined=True, color="primary"
                    )
                ],
            )

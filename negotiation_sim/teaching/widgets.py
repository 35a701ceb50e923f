"""What every classroom page shares: the layout CSS (one column below 700 px), HTML
helpers (tables that scroll inside their card on a phone, Markdown rendered on the
server), the address helpers, the browser's secret and the polling hook.

Addresses: ``/`` (play), ``/room?code=ABCDE`` (a seat; the room's address carries no
secret: the seat is held by the browser that took it) and ``/instructor``. A hand-back
link adds a one-time ``key`` (``/room?code=ABCDE&key=...``), which the page uses up and
drops from the address.
"""

from __future__ import annotations

import html
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

import markdown
import solara

from negotiation_sim.ui.html import lobby_chip, meter
from negotiation_sim.ui.palette import OKABE_ITO

POLL_SECONDS = 0.5
#: the classroom's name: the browser tab's title (``PageTitle``) and the pages' header
TITLE = "Negotiation classroom"

#: the classroom's own layout, on top of the kit's CSS (``ui.css.CSS``, rendered by
#: ``ui.components.KitStyle``), which styles tables, chips, meters, the stage matrix and
#: muted text: the page and its header, the card grids (one column below 700 px), the
#: move card's buttons and sliders (room for the own-offer tariffs' value bubbles above
#: and end labels below), the room code, the join link, and wide tables shown row by row
#: on a phone (``table(stack=True)``).
CLASSROOM_CSS = f"""
.teach-page {{ max-width: 1200px; width: 100%; margin: 0 auto; padding: 8px 16px 40px 16px;
  box-sizing: border-box; }}
.teach-header {{ display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 24px;
  padding: 10px 16px; background: {OKABE_ITO["blue"]}; color: white; }}
.teach-header a {{ color: white; }}
.teach-header .teach-title {{ font-size: 1.3em; font-weight: 600; }}
.teach-grid {{ display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px;
  align-items: start; }}
.teach-room-grid {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  gap: 16px; align-items: start; }}
.teach-stack {{ display: flex; flex-direction: column; gap: 12px; min-width: 0; }}
.teach-page .v-card__title {{ word-break: normal; overflow-wrap: break-word; hyphens: auto; }}
.teach-page .v-btn {{ max-width: 100%; height: auto !important; min-height: 36px; }}
.teach-page .v-btn__content {{ white-space: normal; flex-shrink: 1; text-align: center;
  line-height: 1.25; padding: 4px 0; }}
.teach-page .v-btn-toggle {{ flex-wrap: wrap; max-width: 100%; }}
.teach-offer-tariffs .v-input__slider {{ margin: 46px 0 22px 0; }}
.teach-row {{ display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; }}
.teach-scroll {{ overflow-x: auto; max-width: 100%; }}
.teach-code {{ font-family: monospace; font-size: 2.2em; letter-spacing: 0.15em;
  font-weight: 700; overflow-wrap: anywhere; }}
.teach-table {{ width: auto; margin: 4px 0 8px 0; }}
.teach-stage {{ margin: 4px 0 8px 0; }}
.teach-table tr.teach-you td {{ background: #fff3cd; font-weight: 600; }}
.teach-qr svg {{ width: 132px; height: 132px; }}
.teach-link {{ font-family: monospace; overflow-wrap: anywhere; }}
@media (max-width: 700px) {{
  .teach-grid, .teach-room-grid {{ grid-template-columns: minmax(0, 1fr); }}
  .teach-page .v-input__slider .v-input__slot {{ flex-wrap: wrap; }}
  .teach-page .v-input__slider .v-input__slot > .v-label {{ flex-basis: 100%;
    margin-bottom: 34px; }}
  .teach-offer-tariffs .v-input__slider {{ margin: 8px 0 22px 0; }}
  .teach-page {{ padding: 4px 8px 32px 8px; }}
  .teach-code {{ font-size: 1.8em; }}
  .teach-stacked thead {{ display: none; }}
  .teach-stacked, .teach-stacked tbody, .teach-stacked tr, .teach-stacked td {{
    display: block; width: 100%; }}
  .teach-stacked tr {{ border-bottom: 1px solid #ddd; padding: 4px 0; }}
  .teach-page .teach-stacked td {{ border: none; text-align: left;
    padding: 1px 4px; overflow-wrap: anywhere; }}
  .teach-stacked td::before {{ content: attr(data-label) ": "; font-weight: 600; }}
  .teach-stacked td:empty {{ display: none; }}
}}
"""


@solara.component
def PageTitle():
    """The browser tab's title, ``TITLE``; rendered by each page, since Solara's router
    names the tab after the route ("Room") and the deepest title wins."""
    solara.Title(TITLE)


# ---------------------------------------------------------------------- addresses
def query(router) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(router.search or "").items() if v}


def base_path(path: str) -> str:
    """The teaching pages' prefix: '' when served alone, '/teach' when mounted there."""
    parts = [p for p in (path or "").split("?")[0].strip("/").split("/") if p]
    if parts and parts[-1] in ("room", "instructor"):
        parts = parts[:-1]
    return "/" + "/".join(parts) if parts else ""


def room_path(base: str, code: str, key: str = "") -> str:
    """A room's address; ``key`` only for a hand-back link."""
    params = {"code": code, **({"key": key} if key else {})}
    return f"{base}/room?" + urllib.parse.urlencode(params)


def site_url(base: str) -> str:
    """The server's own address as the browser reached it (for join links)."""
    headers = solara.lab.headers.value or {}

    def first(name: str) -> str:
        values = headers.get(name) or headers.get(name.title()) or [""]
        return str(values[0]).split(",")[0].strip()

    host = first("x-forwarded-host") or first("host") or "localhost"
    scheme = first("x-forwarded-proto") or "http"
    return f"{scheme}://{host}{base}"


# ---------------------------------------------------------------------- the browser
def browser_secret() -> str:
    """This browser's secret: the value of its Solara session cookie (the same in every
    tab, kept across reloads). Seats and instructor logins are bound to it."""
    try:
        return solara.get_session_id()
    except Exception:  # outside a page (tests): a secret of its own
        return "no-session-" + uuid.uuid4().hex


def current_context() -> Any:
    try:
        from solara.server import kernel_context

        return kernel_context.get_current_context()
    except Exception:
        return None


def page_open(ctx: Any) -> bool:
    """False once this browser session's page has closed or lost its connection."""
    if ctx is None:
        return True
    try:
        if ctx.closed_event.is_set():
            return False
        from solara.server.kernel_context import PageStatus

        statuses = list(ctx.page_status.values())
        return not statuses or PageStatus.CONNECTED in statuses
    except Exception:
        return True


def closed(ctx: Any) -> bool:
    try:
        return ctx is not None and ctx.closed_event.is_set()
    except Exception:
        return False


def use_poll(
    signature: Callable[[], Any],
    dependencies: list,
    interval: float = POLL_SECONDS,
    on_tick: Callable[[], None] | None = None,
) -> Any:
    """Re-render the calling component whenever ``signature()`` changes; checked from a
    background thread every ``interval`` seconds (``on_tick`` runs first, while this
    browser session's page is connected: the heartbeat that keeps a seat). Returns the
    last signature: pass it to child components that read shared state, since a child
    whose arguments did not change is not rendered again."""
    sig_now, set_sig = solara.use_state(None)
    ctx = solara.use_memo(current_context, [])

    def run(cancel: threading.Event) -> None:
        last = object()
        while not cancel.wait(interval):
            if closed(ctx):
                return
            try:
                if on_tick is not None and page_open(ctx):
                    on_tick()
                sig = signature()
            except Exception:
                sig = None
            if sig != last:
                last = sig
                set_sig(sig)

    solara.use_thread(run, dependencies=dependencies, intrusive_cancel=False)
    return sig_now


# ---------------------------------------------------------------------- HTML
class Raw(str):
    """Trusted HTML for a table cell."""


def table(
    headers: list[str],
    rows: list[list[Any]],
    classes: str = "",
    row_classes=None,
    stack: bool = False,
) -> str:
    """An HTML table (text escaped, numbers right-aligned) that scrolls sideways inside
    its card when it is wider than the screen, or, with ``stack``, shows each row as a
    block of "header: value" lines on a phone (``teach-stacked``, below 700 px)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    labels = [html.escape(str(h), quote=True) for h in headers]
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = []
        for j, cell in enumerate(row):  # every cell, as before: a row may outrun its headers
            named = f' data-label="{labels[j]}"' if stack and j < len(labels) else ""
            if isinstance(cell, float):
                cells.append(f'<td class="num"{named}>{cell:.2f}</td>')
            elif isinstance(cell, int) and not isinstance(cell, bool):
                cells.append(f'<td class="num"{named}>{cell}</td>')
            elif isinstance(cell, Raw):
                cells.append(f"<td{named}>{cell}</td>")
            else:
                cells.append(f"<td{named}>{html.escape(str(cell))}</td>")
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    if stack:
        classes = f"{classes} teach-stacked".strip()
    return (
        f'<div class="teach-scroll"><table class="ns-table teach-table {classes}"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def Html(text: str, classes: list[str] | None = None):
    return solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


def Md(text: str, classes: list[str] | None = None):
    """Markdown rendered on the server (``solara.Markdown`` would fetch Mermaid from a
    CDN, which an offline classroom cannot reach). Text from students is escaped before
    it gets here."""
    return Html(markdown.markdown(text, extensions=["tables"]), classes=classes)


def chip(verdict: str) -> Raw:
    """Which way firms push (``core.stance_word``), as the kit's lobbying chip."""
    return Raw(lobby_chip(verdict))


def bar(share: float) -> Raw:
    """A share in [0, 1] as the kit's meter."""
    return Raw(meter(share, OKABE_ITO["blue"]))

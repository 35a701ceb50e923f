"""Solara pages of teaching mode: ``PlayPage`` (start a game or join one), ``RoomPage``
(play a seat, then the debrief) and ``InstructorPage`` (token-protected class monitor).

State: everything shared (rooms, class sessions, saved games) lives in the process-wide
``TeachingService``; everything about one browser session (form fields, the seat key,
whether this session entered the instructor token) lives in component state or in a
per-session ``solara.reactive``. A student's seat is named in the page address
(``room?code=ABCDE&key=...``), so a reload keeps the seat; the key is secret to the
student who took the seat.

Pages poll the service twice a second from a background thread (``use_thread``) and
re-render when their room changed, which is also how a student sees the other seat's
move land and the move timer count down.
"""

from __future__ import annotations

import html
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import markdown
import solara

from negotiation_sim.core import CONTROL_LEVELS, OUTCOMES
from negotiation_sim.scenario import list_scenarios, load_scenario
from negotiation_sim.teaching.bots import play_class, random_policy, tit_for_tat
from negotiation_sim.teaching.debrief import Debrief, news_text
from negotiation_sim.teaching.export import played_by
from negotiation_sim.teaching.moves import TeachingError, instrument_words, library_strategies
from negotiation_sim.teaching.rooms import RoomView
from negotiation_sim.teaching.seatview import SeatView
from negotiation_sim.teaching.service import get_service
from negotiation_sim.teaching.sessions import SessionConfig, adhoc_config

POLL_SECONDS = 0.5
ACTIONS = ("escalate", "hold", "concede")
OUTCOME_LABELS = {
    "ongoing": "Ongoing",
    "truce": "Truce",
    "deal": "Deal",
    "trade_war": "Trade war",
    "stalemate": "Stalemate",
}
SCENARIO_DEFAULT = "(the scenario's own)"

CSS = """
.teach-page { max-width: 1200px; margin: 0 auto; padding: 8px 16px 40px 16px; }
.teach-header { display: flex; align-items: baseline; gap: 24px; padding: 10px 16px;
  background: #0072B2; color: white; }
.teach-header a { color: white; }
.teach-header .teach-title { font-size: 1.3em; font-weight: 600; }
.teach-code { font-family: monospace; font-size: 2.2em; letter-spacing: 0.15em;
  font-weight: 700; }
.teach-table { border-collapse: collapse; margin: 4px 0 8px 0; }
.teach-table th, .teach-table td { border: 1px solid #ccc; padding: 3px 8px;
  text-align: left; vertical-align: top; }
.teach-table th { background: #f2f2f2; }
.teach-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.teach-table tr.teach-you td { background: #fff3cd; font-weight: 600; }
.teach-best { font-weight: 700; }
.teach-chip { display: inline-block; padding: 0 8px; border-radius: 10px;
  font-size: 0.9em; border: 1px solid #999; }
.teach-escalate { background: #D55E00; color: white; border-color: #D55E00; }
.teach-concede { background: #009E73; color: white; border-color: #009E73; }
.teach-quiet { background: #eee; color: #000; }
.teach-bar { display: inline-block; height: 12px; background: #0072B2; }
.teach-muted { color: #555; font-size: 0.92em; }
.teach-status { font-size: 1.1em; }
"""


# ---------------------------------------------------------------------- helpers
def _query(router) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(router.search or "").items() if v}


def _base(path: str) -> str:
    """The teaching pages' prefix: '' when served alone, '/teach' when mounted there."""
    parts = [p for p in (path or "").split("?")[0].strip("/").split("/") if p]
    if parts and parts[-1] in ("room", "instructor"):
        parts = parts[:-1]
    return "/" + "/".join(parts) if parts else ""


def _room_path(base: str, code: str, key: str) -> str:
    return f"{base}/room?" + urllib.parse.urlencode({"code": code, "key": key})


def _current_context() -> Any:
    try:
        from solara.server import kernel_context

        return kernel_context.get_current_context()
    except Exception:
        return None


def _page_open(ctx: Any) -> bool:
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


def _closed(ctx: Any) -> bool:
    try:
        return ctx is not None and ctx.closed_event.is_set()
    except Exception:
        return False


def _table(headers: list[str], rows: list[list[Any]], classes: str = "", row_classes=None) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = []
        for cell in row:
            if isinstance(cell, float):
                cells.append(f'<td class="num">{cell:.2f}</td>')
            elif isinstance(cell, int) and not isinstance(cell, bool):
                cells.append(f'<td class="num">{cell}</td>')
            elif isinstance(cell, Raw):
                cells.append(f"<td>{cell}</td>")
            else:
                cells.append(f"<td>{html.escape(str(cell))}</td>")
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<table class="teach-table {classes}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


class Raw(str):
    """Trusted HTML for a table cell."""


def Html(text: str, classes: list[str] | None = None):
    return solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


def Md(text: str, classes: list[str] | None = None):
    """Markdown rendered on the server (``solara.Markdown`` would fetch Mermaid from a
    CDN, which an offline classroom cannot reach). Text from students is escaped before
    it gets here."""
    return Html(markdown.markdown(text, extensions=["tables"]), classes=classes)


def _chip(verdict: str, text: str) -> Raw:
    return Raw(f'<span class="teach-chip teach-{verdict}">{html.escape(text)}</span>')


def _control_text(controls: dict[str, int]) -> str:
    if not controls:
        return "none held"
    return ", ".join(
        f"{instrument_words(k)}: {CONTROL_LEVELS[v]} (level {v})" for k, v in controls.items()
    )


def _move_text(move: str) -> str:
    action, _, inst = move.partition(":")
    return f"{action} ({instrument_words(inst)})" if inst else action


def _past(move: str) -> str:
    action, _, inst = move.partition(":")
    verb = {"escalate": "escalated", "hold": "held", "concede": "conceded"}.get(action, action)
    return f"{verb} ({instrument_words(inst)})" if inst else verb


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
    ctx = solara.use_memo(_current_context, [])

    def run(cancel: threading.Event) -> None:
        last = object()
        while not cancel.wait(interval):
            if _closed(ctx):
                return
            try:
                if on_tick is not None and _page_open(ctx):
                    on_tick()
                sig = signature()
            except Exception:
                sig = None
            if sig != last:
                last = sig
                set_sig(sig)

    solara.use_thread(run, dependencies=dependencies, intrusive_cancel=False)
    return sig_now


# ---------------------------------------------------------------------- layout
@solara.component
def TeachingLayout(children: list | None = None):
    router = solara.use_router()
    base = _base(router.path)
    with solara.Column(gap="0px", style={"min-height": "100vh"}) as main:
        solara.Style(CSS)
        Html(
            '<div class="teach-header"><span class="teach-title">Negotiation classroom</span>'
            f'<a href="{html.escape(base or "/")}">Play</a>'
            f'<a href="{html.escape(base)}/instructor">Instructor</a></div>'
        )
        with solara.Column(classes=["teach-page"]):
            for child in children or []:
                solara.display(child)
    return main


# ---------------------------------------------------------------------- play page
def _scenario_parties(name: str) -> list[tuple[str, str]]:
    try:
        spec = load_scenario(name)
    except Exception:
        return []
    return [(g, spec.data["governments"][g]["name"]) for g in spec.parties]


@solara.component
def PlayPage():
    """Start page: join with a code, play the computer, or open a room for two."""
    router = solara.use_router()
    base = _base(router.path)
    service = get_service()
    query = _query(router)
    name = solara.use_reactive("")
    code = solara.use_reactive(query.get("code", ""))
    error = solara.use_reactive("")
    scenarios = list_scenarios()
    default_scenario = "classroom_basic" if "classroom_basic" in scenarios else scenarios[0]
    scenario = solara.use_reactive(default_scenario)
    parties = solara.use_memo(lambda: _scenario_parties(scenario.value), [scenario.value])
    side = solara.use_reactive(parties[0][0] if parties else "")
    if parties and side.value not in [g for g, _ in parties]:
        side.set(parties[0][0])
    strategies = [SCENARIO_DEFAULT, *library_strategies()]
    opponent = solara.use_reactive("TitForTat")
    blind = solara.use_reactive(True)
    rounds = solara.use_reactive(10)
    seed = solara.use_reactive(1)
    time_limit = solara.use_reactive(0)

    def go(room, token):
        error.set("")
        router.push(_room_path(base, room.code, token))

    def guarded(action: Callable[[], None]) -> Callable[[], None]:
        def run():
            try:
                action()
            except TeachingError as exc:
                error.set(str(exc))

        return run

    def join():
        if not code.value.strip():
            raise TeachingError("Type the code your teacher or partner gave you.", "unknown_room")
        room, token = service.registry.join(code.value, name.value)
        go(room, token)

    def config(mode: str) -> SessionConfig:
        opp = "" if opponent.value == SCENARIO_DEFAULT else opponent.value
        try:
            return adhoc_config(
                scenario.value,
                mode=mode,
                opponent=opp if mode == "computer" else "",
                blind=blind.value if mode == "computer" else False,
                rounds=int(rounds.value) or None,
                seed=int(seed.value),
                move_time_limit=float(time_limit.value or 0),
            )
        except Exception as exc:
            raise TeachingError(str(exc), "bad_config") from None

    def play_computer():
        room, token = service.registry.create_room(config("computer"), name.value, side.value)
        go(room, token)

    def create_pair():
        room, token = service.registry.create_room(config("pair"), name.value, side.value)
        go(room, token)

    Md(
        "## Play a government\n"
        "You negotiate for one government in a trade standoff: each round you **escalate**, "
        "**hold** or **concede**, with tariffs or export controls, and a concession can "
        "carry a deal offer. Your firms lobby you, scheduled events and deadlines loom, and "
        "a debrief at the end compares your play with every computer strategy."
    )
    solara.InputText("Your name", value=name, continuous_update=True, classes=["teach-name"])
    if error.value:
        solara.Error(error.value, classes=["teach-error"])
    with solara.Columns([1, 1, 1]):
        with solara.Card("Join with a code"):
            Md(
                "A **class code** from your teacher, or a **room code** from a classmate "
                "who opened a room for two."
            )
            solara.InputText(
                "Code", value=code, continuous_update=True, classes=["teach-join-code"]
            )
            solara.Button("Join", on_click=guarded(join), color="primary", classes=["teach-join"])
        with solara.Card("Play the computer"):
            solara.Select("Scenario", values=scenarios, value=scenario, classes=["teach-scenario"])
            Md("**Your side**")
            with solara.ToggleButtonsSingle(value=side, classes=["teach-side"]):
                for gid, gname in parties:
                    solara.Button(gname, value=gid, text=True, classes=[f"teach-side-{gid}"])
            solara.Select("Computer strategy", values=strategies, value=opponent)
            solara.Checkbox(
                label="Blind play: hide the computer's strategy until the debrief", value=blind
            )
            with solara.Row():
                solara.InputInt("Rounds (0 = scenario)", value=rounds, classes=["teach-rounds"])
                solara.InputInt("Seed", value=seed)
            solara.Button(
                "Start game",
                on_click=guarded(play_computer),
                color="primary",
                classes=["teach-start-computer"],
            )
        with solara.Card("Two students: open a room"):
            Md(
                f"You take **{dict(parties).get(side.value, side.value)}** in "
                f"**{scenario.value}** (choose on the left); you get a short code for "
                "your partner, who joins from another computer and plays the other side. "
                "Moves are simultaneous and secret until both have moved."
            )
            solara.InputInt(
                "Seconds per move (0 = no limit)", value=time_limit, classes=["teach-time-limit"]
            )
            solara.Button(
                "Open a room",
                on_click=guarded(create_pair),
                color="primary",
                classes=["teach-create-room"],
            )


# ---------------------------------------------------------------------- room page
@solara.component
def RoomPage():
    """A student's seat: the situation, the move form, the history and the debrief."""
    router = solara.use_router()
    base = _base(router.path)
    query = _query(router)
    code, key = query.get("code", ""), query.get("key", "")
    service = get_service()
    refresh, set_refresh = solara.use_state(0)
    leave_error = solara.use_reactive("")
    registry = service.registry

    def signature():
        room = registry.room(code)
        view_time = None
        player = room.player_for(key)
        if player is not None:
            left = room.time_left(player.seat)
            view_time = None if left is None else int(left)
        return (room.version, room.state, view_time)

    def heartbeat():
        registry.touch(code, key)
        registry.room(code).tick()

    use_poll(signature, [code, key], on_tick=heartbeat)
    try:
        view = registry.view(code, key)
    except TeachingError as exc:
        solara.Error(str(exc), classes=["teach-error"])
        with solara.Link(base or "/"):
            solara.Button("Back to the start page", text=True)
        return

    def act(fn: Callable[[], None], error: solara.Reactive[str]) -> Callable[[], None]:
        def run():
            try:
                fn()
                error.set("")
            except TeachingError as exc:
                error.set(str(exc))
            set_refresh(refresh + 1)

        return run

    RoomHeader(view)
    if view.state == "waiting":
        WaitingPanel(view, code, key, act)
        return
    seat = view.seat
    assert seat is not None
    if view.finished:
        DebriefPanel(view, code)
    with solara.Columns([3, 2]):
        with solara.Column():
            if not view.finished:
                if seat.computer_plays_me:
                    solara.Warning(
                        "The computer plays your seat now. The game carries on without you.",
                        classes=["teach-taken-over"],
                    )
                elif seat.my_pending is not None:
                    who = ", ".join(view.waiting_for) or "the round to resolve"
                    solara.Info(
                        f"Your move for round {seat.round}: {_move_text(seat.my_pending)}. "
                        f"Waiting for {who}...",
                        classes=["teach-waiting-move"],
                    )
                else:
                    MovePanel(view, code, key, act).key(f"move-{view.code}-{seat.round}")
            StatusPanel(view)
            HistoryPanel(seat)
        with solara.Column():
            if not view.finished and view.config.show.stage_game and seat.stage_mine:
                StagePanel(seat)
            if view.config.show.firms:
                FirmsPanel(seat)
            if view.config.show.events:
                EventsPanel(seat)
            NoticesPanel(view)
            if leave_error.value:
                solara.Error(leave_error.value)
            if not view.finished and not seat.computer_plays_me:
                solara.Button(
                    "Leave the game (the computer takes your seat)",
                    on_click=act(lambda: registry.leave(code, key), leave_error),
                    text=True,
                    classes=["teach-leave"],
                )


@solara.component
def RoomHeader(view: RoomView):
    seat = view.seat
    opponent = next((s for s in view.seats if s.gid != view.me), None)
    if opponent is None or seat is None:
        return
    if opponent.kind == "computer":
        against = f"the computer ({opponent.strategy})"
        if opponent.takeover:
            against = f"the computer ({opponent.strategy}; {opponent.takeover})"
    elif opponent.kind == "student":
        against = f"{opponent.player} (a student)"
    else:
        against = "a student who has not joined yet"
    if view.finished:
        status = (
            f"Game over after {seat.rounds_played} rounds: "
            f"**{OUTCOME_LABELS.get(view.outcome, view.outcome)}**."
        )
    elif view.state == "waiting":
        status = "Waiting for a second student."
    else:
        status = (
            f"**Round {seat.round} of {seat.horizon}** ({seat.date:%d %b %Y}). "
            f"So far: {OUTCOME_LABELS.get(view.outcome, view.outcome)}."
        )
        if view.time_left is not None:
            status += f" Time left to move: **{int(view.time_left)} s**."
    Md(
        f"### Room {view.code}: you play {seat.name}\n"
        f"{seat.scenario_name} · against {against}"
        + (f" · class {view.class_code} ({view.session})" if view.class_code else "")
        + f"\n\n{status}",
        classes=["teach-room-header"],
    )


@solara.component
def WaitingPanel(view: RoomView, code: str, key: str, act):
    registry = get_service().registry
    error = solara.use_reactive("")
    with solara.Card("Waiting for your partner"):
        Md("Give this code to your partner; they type it under *Join with a code*:")
        Html(f'<div class="teach-code teach-room-code">{html.escape(view.code)}</div>')
        Md(
            "The game starts when they join. Moves are simultaneous: neither of you sees "
            "the other's move before both have moved."
        )
        if error.value:
            solara.Error(error.value)
        solara.Button(
            "Play the computer instead",
            on_click=act(lambda: registry.play_computer_now(code, key), error),
            text=True,
            classes=["teach-play-computer-now"],
        )


@solara.component
def MovePanel(view: RoomView, code: str, key: str, act):
    seat = view.seat
    registry = get_service().registry
    action = solara.use_reactive("hold")
    instrument = solara.use_reactive("auto")
    own_offer = solara.use_reactive(False)
    standard = seat.standard_offer
    my_t = solara.use_reactive(
        float(round(standard.tariffs[seat.gid] if standard else seat.my_floor, 1))
    )
    their_t = solara.use_reactive(
        float(round(standard.tariffs[seat.partner] if standard else seat.partner_floor, 1))
    )
    purchases = solara.use_reactive(0.0)
    my_ctl = {"rare_earth": solara.use_reactive(0), "chips": solara.use_reactive(0)}
    their_ctl = {"rare_earth": solara.use_reactive(0), "chips": solara.use_reactive(0)}
    error = solara.use_reactive("")

    def submit():
        offer = None
        if action.value == "concede" and own_offer.value:
            offer = {
                "my_tariff": my_t.value,
                "partner_tariff": their_t.value,
                "my_controls": {k: my_ctl[k].value for k in seat.my_controls},
                "partner_controls": {k: their_ctl[k].value for k in seat.partner_controls},
                "purchases": purchases.value if seat.max_purchases > 0 else 0.0,
            }
        inst = None if action.value == "hold" or instrument.value == "auto" else instrument.value
        registry.submit(code, key, seat.gid, action.value, inst, offer)

    with solara.Card(f"Your move for round {seat.round}", classes=["teach-move-card"]):
        with solara.Row(), solara.ToggleButtonsSingle(value=action, classes=["teach-action"]):
            for a in ACTIONS:
                solara.Button(a.capitalize(), value=a, classes=[f"teach-action-{a}"])
        # the parts below change with the choice; they sit in containers that are always
        # there so that the submit button keeps its place (and widget) between renders
        with solara.Column(gap="4px"):
            if action.value != "hold":
                values = ["auto", *seat.instruments]
                with solara.Row(style={"align-items": "center"}):
                    Html("<span class='teach-muted'>with</span>")
                    with solara.ToggleButtonsSingle(value=instrument, classes=["teach-instrument"]):
                        for inst in values:
                            label = "default" if inst == "auto" else instrument_words(inst)
                            solara.Button(
                                label, value=inst, text=True, classes=[f"teach-inst-{inst}"]
                            )
                step = seat.tariff_step
                Md(
                    f"<span class='teach-muted'>A tariff move shifts your tariffs by {step:g} "
                    "points; a control move changes its level by one (0 none ... 3 "
                    "extraterritorial). *default* escalates the first instrument not at its "
                    "maximum, or concedes the one furthest above its floor.</span>"
                )
            if action.value == "concede":
                offer = seat.standard_offer
                if offer is not None:
                    Md(
                        "Every concession carries a deal offer. **Standard offer** (built from "
                        f"your concession curve): {html.escape(offer.describe())}."
                    )
                solara.Checkbox(label="Make my own offer instead", value=own_offer)
                if own_offer.value:
                    solara.SliderFloat(
                        f"My tariff on {seat.partner_name} (%)",
                        value=my_t,
                        min=0.0,
                        max=max(seat.my_tariff, seat.my_floor),
                        step=0.5,
                        thumb_label="always",
                        tick_labels="end_points",
                    )
                    solara.SliderFloat(
                        f"{seat.partner_name}'s tariff on us (%)",
                        value=their_t,
                        min=0.0,
                        max=max(seat.partner_tariff, seat.partner_floor),
                        step=0.5,
                        thumb_label="always",
                        tick_labels="end_points",
                    )
                    for k in seat.my_controls:
                        solara.SliderInt(
                            f"My {instrument_words(k)} control level",
                            value=my_ctl[k],
                            min=0,
                            max=seat.my_controls[k],
                        )
                    for k in seat.partner_controls:
                        solara.SliderInt(
                            f"{seat.partner_name}'s {instrument_words(k)} control level",
                            value=their_ctl[k],
                            min=0,
                            max=seat.partner_controls[k],
                        )
                    if seat.max_purchases > 0:
                        buyer = "We buy" if seat.buyer == seat.gid else f"{seat.partner_name} buys"
                        solara.SliderFloat(
                            f"Purchase commitment, $bn/yr ({buyer})",
                            value=purchases,
                            min=0.0,
                            max=seat.max_purchases,
                            step=5.0,
                        )
                    Md(
                        f"**Your offer:** {seat.name} tariff {my_t.value:g}%, "
                        f"{seat.partner_name} tariff {their_t.value:g}%. "
                        "<span class='teach-muted'>A deal is struck only if both "
                        "governments value it above carrying on; it can only lower tariffs "
                        "and controls.</span>",
                        classes=["teach-own-offer"],
                    )
        with solara.Column(gap="0px"):
            if error.value:
                solara.Error(error.value, classes=["teach-error"])
        solara.Button(
            f"Submit my move for round {seat.round}",
            on_click=act(submit, error),
            color="primary",
            classes=["teach-submit"],
        )


@solara.component
def StatusPanel(view: RoomView):
    seat = view.seat
    rows = [
        [
            f"{seat.name} on {seat.partner_name}",
            f"{seat.my_tariff:.1f}%",
            f"{seat.my_floor:g}%",
            _control_text(seat.my_controls),
        ],
        [
            f"{seat.partner_name} on {seat.name}",
            f"{seat.partner_tariff:.1f}%",
            f"{seat.partner_floor:g}%",
            _control_text(seat.partner_controls),
        ],
    ]
    deal = "no deal in force"
    if seat.deal:
        kind = "comprehensive deal" if seat.deal == "comprehensive" else seat.deal
        deal = f"a {kind} is in force" + (
            f" until round {seat.deal_expires}" if seat.deal_expires else ""
        )
    with solara.Card("Tariffs and controls now", classes=["teach-status-card"]):
        Html(_table(["", "Average tariff", "Floor", "Export controls"], rows))
        Md(
            f"Deal: {deal}. Your payoff so far: **{seat.my_payoff:.2f}** (government "
            "utility in $bn a round, summed; a move's payoff is booked when the next "
            "round is valued)."
        )
        last = seat.last
        if last is not None:
            text = (
                f"**Last round ({last.round})**: you {_past(last.my_move)}, "
                f"{seat.partner_name} {_past(last.partner_move)}."
            )
            if last.events:
                text += f" Events: {last.events}."
            if last.deal_news:
                names = {seat.gid: "you", seat.partner: seat.partner_name}
                text += f" News: {news_text(last.deal_news, names)}."
            if last.partner_offer:
                text += f" {seat.partner_name} offered: {last.partner_offer}."
            Md(text, classes=["teach-last-round"])


@solara.component
def StagePanel(seat: SeatView):
    mine = seat.stage_mine
    theirs = seat.stage_partner
    rows, classes = [], []
    for i, a in enumerate(ACTIONS):
        row: list[Any] = [a.capitalize()]
        for j in range(3):
            col = [mine[k][j] for k in range(3)]
            best = mine[i][j] >= max(col) - 1e-9
            cell = f"{mine[i][j]:+.2f}" + (f" / {theirs[i][j]:+.2f}" if theirs else "")
            row.append(Raw(f'<span class="teach-best">{cell} ★</span>') if best else cell)
        rows.append(row)
        classes.append("")
    heads = ["You ↓ / " + seat.partner_name + " →", *[a.capitalize() for a in ACTIONS]]
    last = seat.last.partner_move.split(":")[0] if seat.last else "hold"
    j = ACTIONS.index(last) if last in ACTIONS else 1
    costs = ", ".join(f"{a} {mine[i][j]:+.2f}" for i, a in enumerate(ACTIONS))
    partner = html.escape(seat.partner_name)
    if_they = f"If {partner} repeats its last move ({last})" if seat.last else f"If {partner} holds"
    with solara.Card("What each choice pays this round", classes=["teach-stage-card"]):
        Html(_table(heads, rows, "teach-stage"))
        Md(
            "<span class='teach-muted'>Your payoff this round for each pair of moves"
            + (f" (yours / {html.escape(seat.partner_name)}'s)" if theirs else "")
            + ", estimated from the policies in force now; this round's scheduled "
            "events, deal value and offers are left out. ★ marks your best reply to each "
            f"move of {partner}. {if_they}: {costs}.</span>"
        )


@solara.component
def FirmsPanel(seat: SeatView):
    with solara.Card("What your firms are saying", classes=["teach-firms-card"]):
        if not seat.firms:
            Md("Your firms report after the first round.")
            return
        rows = []
        for f in seat.firms:
            verdict = {
                "escalate": "push to escalate",
                "concede": "push to concede",
                "quiet": "no strong view",
            }[f.verdict]
            rows.append(
                [
                    f"{f.label}, {f.firms} firms",
                    _chip(f.verdict, verdict),
                    f"{100 * f.profit_change:+.1f}%",
                    "; ".join(f.reasons) or "-",
                ]
            )
        Html(_table(["Sector", "Lobbying", "Profit vs free trade", "Why"], rows))
        lean = "escalation" if seat.lobbying > 0 else "concession"
        Md(
            f"<span class='teach-muted'>On balance your firms lean toward {lean} "
            f"(lobbying index {seat.lobbying:+.2f}, from -1 to +1).</span>"
        )


@solara.component
def EventsPanel(seat: SeatView):
    with solara.Card("Coming up", classes=["teach-events-card"]):
        if seat.rounds_to_deadline is not None:
            when = (
                "this round"
                if seat.rounds_to_deadline == 0
                else (
                    f"in {seat.rounds_to_deadline} round"
                    + ("s" if seat.rounds_to_deadline > 1 else "")
                )
            )
            Md(f"Next deadline: **{when}**.")
        if not seat.upcoming:
            Md("No scheduled events ahead.")
            return
        rows = [
            [e.round, f"{e.date:%d %b %Y}", e.label + (" (deadline)" if e.deadline else "")]
            for e in seat.upcoming[:6]
        ]
        Html(_table(["Round", "Date", "Event"], rows))


@solara.component
def HistoryPanel(seat: SeatView):
    if not seat.history:
        return
    names = {seat.gid: "you", seat.partner: seat.partner_name}
    rows = [
        [
            h.round,
            h.date,
            _move_text(h.my_move),
            _move_text(h.partner_move),
            f"{h.my_tariff:.0f}% / {h.partner_tariff:.0f}%",
            OUTCOME_LABELS.get(h.outcome, h.outcome),
            "; ".join(x for x in (h.events, news_text(h.deal_news, names)) if x),
        ]
        for h in reversed(seat.history)
    ]
    with solara.Card("Rounds played", classes=["teach-history-card"]):
        Html(
            _table(
                [
                    "Round",
                    "Date",
                    "You",
                    seat.partner_name,
                    "Tariffs (yours / theirs)",
                    "State",
                    "News",
                ],
                rows,
                "teach-history",
            )
        )


@solara.component
def NoticesPanel(view: RoomView):
    if not view.notices:
        return
    Md(
        "\n".join(f"- {html.escape(n)}" for n in view.notices),
        classes=["teach-notices"],
    )


@solara.component
def DebriefPanel(view: RoomView, code: str):
    service = get_service()
    room = service.registry.room(code)
    record = room.record
    gid = view.me

    def compute() -> Debrief:
        return service.debrief(record, gid)

    result = solara.use_thread(compute, dependencies=[view.game_id, gid], intrusive_cancel=False)
    with solara.Card("Debrief", classes=["teach-debrief"]):
        if result.state == solara.ResultState.ERROR:
            solara.Error(f"The debrief could not be built: {result.error}")
            return
        if result.state != solara.ResultState.FINISHED or result.value is None:
            Md("Preparing your debrief: replaying the game with every strategy...")
            solara.ProgressLinear(True)
            return
        DebriefView(result.value)


@solara.component
def DebriefView(d: Debrief):
    Md(f"#### {d.summary}\nYour opponent was {d.opponent}.", classes=["teach-debrief-summary"])
    Md("\n\n".join(d.paragraphs), classes=["teach-debrief-story"])
    if d.moments:
        Md(
            "**Key moments**\n\n" + "\n".join(f"- {m}" for m in d.moments),
            classes=["teach-debrief-moments"],
        )
    if d.counterfactuals:
        rows, classes = [], []
        placed = False
        for c in d.counterfactuals:
            if not placed and d.payoff >= c.payoff - 1e-9:
                rows.append(["You", d.payoff, OUTCOME_LABELS.get(d.outcome, d.outcome)])
                classes.append("teach-you")
                placed = True
            rows.append([c.strategy, c.payoff, OUTCOME_LABELS.get(c.outcome, c.outcome)])
            classes.append("")
        if not placed:
            rows.append(["You", d.payoff, OUTCOME_LABELS.get(d.outcome, d.outcome)])
            classes.append("teach-you")
        n = len(d.counterfactuals)
        Md(
            f"**Your payoff against the computer strategies.** Each strategy played your "
            f"seat in the same game (same seed, same opponent). You rank **{d.rank} of "
            f"{n + 1}**.",
            classes=["teach-rank"],
        )
        Html(
            _table(
                ["Who played your seat", "Payoff", "Outcome"],
                rows,
                "teach-counterfactuals",
                classes,
            )
        )
    e = d.ensemble
    if e is not None:
        pct = 100 * e.welfare_percentile
        Md(
            f"**Your game among computer-played games.** In {e.runs} games of this setting "
            f"(every strategy in your seat, {e.seeds_per_strategy} seeds each, against "
            f"{e.partner_strategy}), your country's welfare of {e.welfare:.1f} $bn is higher "
            f"than in **{pct:.0f}%** of them. Your outcome "
            f"({OUTCOME_LABELS.get(e.outcome, e.outcome)}) happened in "
            f"{100 * e.outcome_share:.0f}% of those games.",
            classes=["teach-ensemble"],
        )
        rows = []
        for _, r in e.table.iterrows():
            bar = Raw(f'<span class="teach-bar" style="width:{int(200 * r.probability)}px"></span>')
            rows.append(
                [
                    OUTCOME_LABELS.get(r.outcome, r.outcome),
                    int(r.runs),
                    f"{100 * r.probability:.0f}%",
                    bar,
                ]
            )
        Html(_table(["Outcome", "Games", "Share", ""], rows))


# ---------------------------------------------------------------------- instructor
#: whether this browser session entered the instructor token (a per-session value)
instructor_ok = solara.reactive(False)


@solara.component
def InstructorPage():
    service = get_service()
    router = solara.use_router()
    query = _query(router)
    token = solara.use_reactive("")
    error = solara.use_reactive("")

    def from_link():
        given = query.get("token")
        if given and not instructor_ok.value:
            if service.check_token(given):
                instructor_ok.set(True)
            else:
                error.set("The instructor token in this link is not valid.")

    solara.use_effect(from_link, [query.get("token")])
    if not service.instructor_enabled:
        solara.Error(
            "The instructor view is switched off on this server: start the server with the "
            "environment variable NEGOTIATION_SIM_INSTRUCTOR_TOKEN set to a passphrase.",
            classes=["teach-instructor-off"],
        )
        return
    if not instructor_ok.value:

        def check():
            if service.check_token(token.value):
                instructor_ok.set(True)
                error.set("")
            else:
                error.set("Wrong instructor token.")

        with solara.Card("Instructor view", classes=["teach-login"]):
            Md(
                "This page is for the teacher. Enter the instructor token the server was "
                "started with."
            )
            solara.InputText(
                "Instructor token",
                value=token,
                password=True,
                continuous_update=True,
                classes=["teach-token"],
            )
            if error.value:
                solara.Error(error.value, classes=["teach-error"])
            solara.Button("Open", on_click=check, color="primary", classes=["teach-token-submit"])
        return
    InstructorDashboard()


@solara.component
def InstructorDashboard():
    service = get_service()
    registry = service.registry

    def signature():
        rooms = registry.rooms()
        return (
            tuple((r.code, r.version) for r in rooms),
            len(service.store.games()),
            tuple((k.code, k.open) for k in registry.classes()),
        )

    sig = use_poll(signature, [], interval=1.0)
    configs = service.configs
    labels = {f"{c.name} ({sid})": sid for sid, c in configs.items()}
    choice = solara.use_reactive(next(iter(labels), ""))
    message = solara.use_reactive("")
    bots = solara.use_reactive(4)
    klass_filter = solara.use_reactive("all")

    def launch():
        sid = labels.get(choice.value)
        if sid is None:
            message.set("Choose a session config first.")
            return
        klass = service.launch(sid)
        message.set(f"Launched {klass.config.name}: class code {klass.code}.")

    Md("## Instructor view")
    if service.config_errors:
        solara.Warning("Some session configs are invalid:\n" + "\n".join(service.config_errors))
    with solara.Card("Launch a class session", classes=["teach-launch-card"]):
        if labels:
            solara.Select("Session config", values=list(labels), value=choice)
            cfg = configs.get(labels.get(choice.value, ""))
            if cfg is not None:
                ConfigSummary(cfg)
            solara.Button("Launch", on_click=launch, color="primary", classes=["teach-launch"])
        else:
            Md("No session configs found in scenarios/sessions/.")
        if message.value:
            solara.Success(message.value, classes=["teach-launch-message"])
    classes = registry.classes()
    with solara.Card("Class sessions", classes=["teach-classes-card"]):
        if not classes:
            Md("None launched yet.")
        for k in classes:
            rooms = registry.rooms(k.code)
            done = len(service.results(k.code))
            with solara.Row(style={"align-items": "center"}):
                Html(
                    f'<span class="teach-code" style="font-size:1.3em">{k.code}</span> '
                    f"{html.escape(k.config.name)} · {k.config.mode} · "
                    f"{'open' if k.open else 'closed'} · {len(rooms)} rooms · {done} finished",
                    classes=[f"teach-class-{k.code}"],
                )
                solara.Button(
                    "Close" if k.open else "Reopen",
                    on_click=lambda k=k: registry.close_class(k.code, open_=not k.open),
                    text=True,
                )

                def demo(k=k):
                    n = int(bots.value)
                    policies = [tit_for_tat, random_policy(7), random_policy(11)]
                    threading.Thread(
                        target=play_class,
                        args=(registry, k.code, n, policies, "Bot"),
                        daemon=True,
                    ).start()

                solara.Button(
                    f"Play {int(bots.value)} bot games",
                    on_click=demo,
                    text=True,
                    classes=[f"teach-bots-{k.code}"],
                )
        if classes:
            solara.InputInt(
                "Bot students per demo",
                value=bots,
                continuous_update=True,
                classes=["teach-bot-count"],
            )
    codes = ["all", *[k.code for k in classes]]
    solara.ToggleButtonsSingle(value=klass_filter, values=codes, classes=["teach-class-filter"])
    code = None if klass_filter.value == "all" else klass_filter.value
    LiveRooms(code, sig)
    ClassResults(code, sig)


@solara.component
def ConfigSummary(cfg: SessionConfig):
    names = dict(zip(cfg.parties, cfg.party_names, strict=True))
    shown = [k for k, v in vars(cfg.show).items() if v]
    hidden = [k for k, v in vars(cfg.show).items() if not v]
    opponent = cfg.describe_opponent() or "the scenario's own strategy"
    limit = f"{cfg.move_time_limit:g} s per move" if cfg.move_time_limit else "no move time limit"
    Md(
        f"{cfg.description}\n\n"
        f"- Scenario **{cfg.scenario}**, {cfg.rounds or 'all'} rounds, seed {cfg.seed}\n"
        f"- Mode: **{cfg.mode}**"
        + (f" against {opponent}" if cfg.mode == "computer" else " (students paired by arrival)")
        + f"; sides: {', '.join(names.get(s, s) for s in cfg.seat_choices())}\n"
        f"- {limit}; a seat whose student leaves or stalls goes to {cfg.takeover}\n"
        f"- Shown: {', '.join(shown) or 'nothing extra'}; "
        f"hidden: {', '.join(hidden) or 'nothing'}\n"
        + (f"- Exercise: `{cfg.exercise}`\n" if cfg.exercise else "")
    )


def _seat_text(view: RoomView, s) -> str:
    if s.kind == "student":
        who = s.player
    elif s.kind == "computer":
        who = f"computer ({s.strategy})" + (f" after: {s.takeover}" if s.takeover else "")
    else:
        who = "(open)"
    return f"{s.name}: {who}"


@solara.component
def LiveRooms(class_code: str | None, version: Any = None):
    registry = get_service().registry
    rooms = registry.rooms(class_code)
    rows = []
    for room in sorted(rooms, key=lambda r: r.created, reverse=True):
        view = room.view(instructor=True)
        state = {
            "waiting": "waiting for a partner",
            "playing": "waiting for " + (", ".join(view.waiting_for) or "moves"),
            "finished": "finished: " + OUTCOME_LABELS.get(view.outcome, view.outcome),
        }[view.state]
        rows.append(
            [
                view.code,
                view.class_code or "-",
                view.config.scenario,
                "; ".join(_seat_text(view, s) for s in view.seats),
                f"{view.horizon if view.finished else view.round} / {view.horizon}",
                state,
            ]
        )
    which = f"class {class_code}" if class_code else "all"
    with solara.Card(f"Rooms, {which} ({len(rows)})", classes=["teach-rooms-card"]):
        if rows:
            Html(
                _table(
                    ["Room", "Class", "Scenario", "Seats", "Round", "State"], rows, "teach-rooms"
                )
            )
        else:
            Md("No rooms yet.")


def _side_text(seat: dict) -> str:
    if not seat.get("human"):
        return f"{seat['name']}: computer ({seat.get('strategy', '')})"
    return f"{seat['name']}: {seat.get('player') or 'student'} ({played_by(seat)})"


@solara.component
def ClassResults(class_code: str | None, version: Any = None):
    service = get_service()
    games = service.results(class_code)
    counts = service.outcome_counts(class_code)
    n = len(games)
    which = f"class {class_code}" if class_code else "all classes and open play"
    title = f"Class results, {which} ({n} finished game{'' if n == 1 else 's'})"
    with solara.Card(title, classes=["teach-results-card"]):
        rows = []
        for o in OUTCOMES:
            share = counts.get(o, 0) / n if n else 0.0
            bar = Raw(f'<span class="teach-bar" style="width:{int(200 * share)}px"></span>')
            rows.append([OUTCOME_LABELS[o], counts.get(o, 0), f"{100 * share:.0f}%", bar])
        Html(_table(["Outcome", "Games", "Share", ""], rows, "teach-outcomes"))
        game_rows = []
        for g in reversed(games):
            s1, s2 = g["seats"]
            game_rows.append(
                [
                    g.get("room", ""),
                    g.get("class_code") or "-",
                    g.get("session_name", ""),
                    _side_text(s1),
                    float(s1["payoff"]),
                    _side_text(s2),
                    float(s2["payoff"]),
                    OUTCOME_LABELS.get(g["outcome"], g["outcome"]),
                ]
            )
        if game_rows:
            Html(
                _table(
                    [
                        "Room",
                        "Class",
                        "Session",
                        "Side 1",
                        "Payoff 1",
                        "Side 2",
                        "Payoff 2",
                        "Outcome",
                    ],
                    game_rows,
                    "teach-games",
                )
            )
        name = f"class-results-{class_code or 'all'}.csv"
        solara.FileDownload(
            lambda: service.store.class_csv(class_code),
            filename=name,
            label="Download class results (CSV)",
            mime_type="text/csv",
        )

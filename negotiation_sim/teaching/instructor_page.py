"""The instructor view (``/instructor``): login, the store's health, launching class
sessions (with a join link and QR code), live rooms, handing a seat back, and the class
results with their CSV exports.

Login: the token typed in, or given once in a link (``?token=...``), which the page
then drops from the address; the login is held by this browser's session cookie
(``access``). Wrong tokens are slowed down.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import segno
import solara

from negotiation_sim.core import OUTCOMES
from negotiation_sim.teaching.bots import play_class, random_policy, tit_for_tat
from negotiation_sim.teaching.export import counted, is_dropout, played_by
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.room import RoomView, SeatSummary
from negotiation_sim.teaching.service import get_service
from negotiation_sim.teaching.sessions import SessionConfig
from negotiation_sim.teaching.widgets import (
    Html,
    Md,
    PageTitle,
    bar,
    base_path,
    browser_secret,
    query,
    room_path,
    site_url,
    table,
    use_poll,
)
from negotiation_sim.ui.components import Downloads
from negotiation_sim.views.words import outcome_label


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG (``segno``)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


@solara.component
def InstructorPage():
    PageTitle()
    service = get_service()
    router = solara.use_router()
    base = base_path(router.path)
    params = query(router)
    browser = solara.use_memo(browser_secret, [])
    token = solara.use_reactive("")
    error = solara.use_reactive("")
    logged, set_logged = solara.use_state(service.is_instructor(browser))

    def from_link():
        given = params.get("token")
        if not given:
            return
        result = service.login(given, browser)
        if result.ok:
            set_logged(True)
        else:
            error.set(
                "The instructor token in this link is not valid. " + result.message
                if "Wrong" in result.message
                else result.message
            )
        router.push(f"{base}/instructor")  # the token leaves the address bar either way

    solara.use_effect(from_link, [params.get("token")])
    if not service.instructor_enabled:
        solara.Error(
            "The instructor view is switched off on this server: start the server with the "
            "environment variable NEGOTIATION_SIM_INSTRUCTOR_TOKEN set to a passphrase.",
            classes=["teach-instructor-off"],
        )
        return
    if not (logged and service.is_instructor(browser)):

        def check():
            result = service.login(token.value, browser)
            if result.ok:
                error.set("")
                token.set("")
                set_logged(True)
            else:
                error.set(result.message)

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
    InstructorDashboard(base)


@solara.component
def InstructorDashboard(base: str):
    service = get_service()
    registry = service.registry

    def signature():
        rooms = registry.rooms()
        health = service.store.health()
        return (
            tuple((r.code, r.version) for r in rooms),
            len(service.store.games()),
            tuple((k.code, k.open) for k in registry.classes()),
            (health.waiting, health.unsaved_games, health.error),
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
    StoreHealth(sig)
    if service.problems:
        solara.Info("\n".join(service.problems), classes=["teach-store-notes"])
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
        join = site_url(base) + "/?code="
        for k in classes:
            link = html.escape(join + k.code)
            rooms = registry.rooms(k.code)
            done = len(service.results(k.code))
            with solara.Div(classes=["teach-row", f"teach-class-{k.code}"]):
                Html(
                    f'<div class="teach-qr teach-qr-{k.code}">{qr_svg(join + k.code)}</div>',
                )
                with solara.Div(classes=["teach-stack"]):
                    Html(
                        f'<span class="teach-code" style="font-size:1.3em">{k.code}</span> '
                        f"{html.escape(k.config.name)} · {k.config.mode} · "
                        f"{'open' if k.open else 'closed'} · {len(rooms)} rooms · "
                        f"{done} finished<br>Join link: "
                        f'<a class="teach-link teach-join-link" href="{link}">{link}</a>'
                    )
                    ClassButtons(k.code, k.open, bots.value)
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
    HandBack(base)
    ClassResults(code, sig)


@solara.component
def StoreHealth(version: Any = None):
    health = get_service().store.health()
    if health.ok:
        return
    what = []
    if health.unsaved_games:
        what.append(f"{health.unsaved_games} finished games")
    if health.waiting:
        what.append(f"{health.waiting} changes in all")
    solara.Error(
        "Not saved to disk yet: "
        + (", ".join(what) or "the database is not open")
        + f". {health.error}. The server keeps everything in memory, shows it here and in "
        f"the CSV, and tries again every second: {health.advice}, and do not stop the "
        "server until this warning is gone.",
        classes=["teach-store-warning"],
    )


@solara.component
def ClassButtons(code: str, is_open: bool, bots: int):
    registry = get_service().registry

    def demo():
        policies = [tit_for_tat, random_policy(7), random_policy(11)]
        threading.Thread(
            target=play_class,
            args=(registry, code, int(bots), policies, "Bot"),
            daemon=True,
        ).start()

    with solara.Div(classes=["teach-row"]):
        solara.Button(
            "Close" if is_open else "Reopen",
            on_click=lambda: registry.close_class(code, open_=not is_open),
            text=True,
            classes=[f"teach-close-{code}"],
        )
        solara.Button(
            f"Play {int(bots)} bot games", on_click=demo, text=True, classes=[f"teach-bots-{code}"]
        )
        solara.Button(
            "Archive",
            on_click=lambda: registry.archive_class(code),
            text=True,
            classes=[f"teach-archive-{code}"],
        )


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


def seat_text(s: SeatSummary) -> str:
    if s.kind in ("student", "bot"):
        who = s.player + (" (bot)" if s.kind == "bot" else "")
    elif s.kind == "computer":
        who = f"computer ({s.strategy})"
        if s.takeover:
            who += f" after: {s.takeover}"
            if s.player:
                who = f"{s.player} ({s.player_kind}), then {who}"
    else:
        who = "(open)"
    return f"{s.name}: {who}"


def room_state(view: RoomView) -> str:
    return {
        "waiting": "waiting for a partner",
        "playing": "waiting for " + (", ".join(view.waiting_for) or "moves"),
        "finished": "finished: " + outcome_label(view.outcome),
    }[view.state]


@solara.component
def LiveRooms(class_code: str | None, version: Any = None):
    registry = get_service().registry
    rooms = registry.rooms(class_code)
    rows = []
    for room in sorted(rooms, key=lambda r: r.created, reverse=True):
        view = room.view(instructor=True)
        rows.append(
            [
                view.code,
                view.class_code or "-",
                view.config.scenario,
                "; ".join(seat_text(s) for s in view.seats),
                f"{view.horizon if view.finished else view.round} / {view.horizon}",
                room_state(view),
            ]
        )
    which = f"class {class_code}" if class_code else "all"
    with solara.Card(f"Rooms, {which} ({len(rows)})", classes=["teach-rooms-card"]):
        if rows:
            Html(
                table(["Room", "Class", "Scenario", "Seats", "Round", "State"], rows, "teach-rooms")
            )
        else:
            Md("No rooms yet.")


@solara.component
def HandBack(base: str):
    """A one-time link that moves a student's seat to another browser (a new device, a
    cleared browser): the student opens it, and it is used up."""
    registry = get_service().registry
    code = solara.use_reactive("")
    seat = solara.use_reactive("")
    link = solara.use_reactive("")
    error = solara.use_reactive("")

    def make():
        try:
            room = registry.room(code.value)
            gid = seat.value or next(iter(room.players), "")
            key = registry.hand_back(room.code, gid)
        except TeachingError as exc:
            error.set(str(exc))
            link.set("")
            return
        error.set("")
        link.set(site_url(base) + room_path("", room.code, key))

    with solara.Card("Hand a seat back", classes=["teach-handback-card"]):
        Md(
            "A student's seat belongs to the browser that took it. If they move to another "
            "device, make a one-time link here (room code and side) and give it to them; "
            "the browser that opens it takes the seat, and the link is used up."
        )
        with solara.Div(classes=["teach-row"]):
            solara.InputText("Room code", value=code, classes=["teach-handback-room"])
            solara.InputText("Side (e.g. north)", value=seat, classes=["teach-handback-seat"])
            solara.Button("Make the link", on_click=make, classes=["teach-handback"])
        if error.value:
            solara.Error(error.value, classes=["teach-error"])
        if link.value:
            Html(
                f'<div class="teach-row"><div class="teach-qr">{qr_svg(link.value)}</div>'
                f'<a class="teach-link teach-handback-link" href="{html.escape(link.value)}">'
                f"{html.escape(link.value)}</a></div>"
            )


def side_text(seat: dict) -> str:
    if not seat.get("human"):
        return f"{seat['name']}: computer ({seat.get('strategy', '')})"
    return f"{seat['name']}: {seat.get('player') or 'student'} ({played_by(seat)})"


@solara.component
def ClassResults(class_code: str | None, version: Any = None):
    service = get_service()
    games = service.results(class_code)
    counts = service.outcome_counts(class_code)
    n = len(games)
    kept = sum(counts.values())
    dropouts = sum(is_dropout(s) for g in games for s in g.get("seats", []))
    which = f"class {class_code}" if class_code else "all classes and open play"
    title = f"Class results, {which} ({n} finished game{'' if n == 1 else 's'})"
    unsaved = service.store.unsaved()
    with solara.Card(title, classes=["teach-results-card"]):
        Md(
            f"The outcome chart counts the **{kept}** games a student or bot played; "
            f"{n - kept} without any are left out ({dropouts} dropouts: students who took a "
            "seat and left before their first move).",
            classes=["teach-counted"],
        )
        rows = []
        for o in OUTCOMES:
            share = counts.get(o, 0) / kept if kept else 0.0
            rows.append([outcome_label(o), counts.get(o, 0), f"{100 * share:.0f}%", bar(share)])
        Html(table(["Outcome", "Games", "Share", ""], rows, "teach-outcomes"))
        game_rows = []
        for g in reversed(games):
            s1, s2 = g["seats"]
            note = "" if counted(g) else " (not counted)"
            if g.get("game_id") in unsaved:
                note += " (not saved yet)"
            game_rows.append(
                [
                    g.get("room", ""),
                    g.get("class_code") or "-",
                    g.get("session_name", ""),
                    side_text(s1),
                    float(s1["payoff"]),
                    side_text(s2),
                    float(s2["payoff"]),
                    outcome_label(g["outcome"]) + note,
                ]
            )
        if game_rows:
            heads = ["Room", "Class", "Session", "Side 1", "Payoff 1", "Side 2", "Payoff 2"]
            Html(table([*heads, "Outcome"], game_rows, "teach-games"))
        name = class_code or "all"
        Downloads(
            [
                (
                    "Download class results (CSV)",
                    f"class-results-{name}.csv",
                    lambda: service.store.class_csv(class_code),
                    "text/csv",
                ),
                (
                    "Download every round (CSV)",
                    f"class-rounds-{name}.csv",
                    lambda: service.store.rounds_csv(class_code),
                    "text/csv",
                ),
            ],
            "class-results",
        )

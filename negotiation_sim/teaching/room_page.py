"""The room page (``/room?code=ABCDE``): a student's seat, the move form, the situation
panels and, at the end, the debrief.

The seat is found by this browser's secret (the seat is bound to the browser that took
it), so the address can be shared without giving the seat away. A hand-back link's
one-time ``key`` moves the seat to this browser and is dropped from the address.
No move is preselected: Submit waits until the student has chosen one.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import solara

from negotiation_sim.core import CONTROL_INSTRUMENTS, Action
from negotiation_sim.teaching.debrief_page import DebriefPanel, NewGameButton
from negotiation_sim.teaching.moves import TeachingError, instrument_words
from negotiation_sim.teaching.panels import (
    EventsPanel,
    FirmsPanel,
    HistoryPanel,
    NoticesPanel,
    StagePanel,
    StatusPanel,
    move_text,
)
from negotiation_sim.teaching.room import RoomView
from negotiation_sim.teaching.service import get_service
from negotiation_sim.teaching.widgets import (
    Html,
    Md,
    PageTitle,
    base_path,
    browser_secret,
    query,
    room_path,
    use_poll,
)
from negotiation_sim.views.words import outcome_label

ACTIONS = tuple(a.label for a in Action)
#: the own-offer tariff sliders' step (percentage points)
TARIFF_STEP = 0.5


def end_labels(low: float, high: float, step: float) -> list[str]:
    """A slider's tick labels with only its ends named, to one decimal (Solara's
    ``tick_labels="end_points"`` prints the raw bounds, e.g. ``55.00000000000001``)."""
    inner = max(0, math.ceil((high - low) / step) - 1)
    return [f"{low:.1f}", *([""] * inner), f"{high:.1f}"]


@solara.component
def RoomPage():
    """A student's seat: the situation, the move form, the history and the debrief."""
    PageTitle()
    router = solara.use_router()
    base = base_path(router.path)
    params = query(router)
    code, claim_key = params.get("code", ""), params.get("key", "")
    browser = solara.use_memo(browser_secret, [])
    service = get_service()
    refresh, set_refresh = solara.use_state(0)
    leave_error = solara.use_reactive("")
    claim_error = solara.use_reactive("")
    registry = service.registry

    def claim():
        if not claim_key:
            return
        try:
            registry.claim(code, claim_key, browser)
        except TeachingError as exc:
            claim_error.set(str(exc))
            return
        router.push(room_path(base, code))  # the key is used up: out of the address

    solara.use_effect(claim, [code, claim_key])

    def signature():
        room = registry.room(code)
        view_time = None
        player = room.player_for(browser)
        if player is not None:
            left = room.time_left(player.seat)
            view_time = None if left is None else int(left)
        return (room.version, room.state, view_time)

    def heartbeat():
        registry.touch(code, browser)
        registry.room(code).tick()

    use_poll(signature, [code, browser], on_tick=heartbeat)
    if claim_error.value:
        solara.Error(claim_error.value, classes=["teach-error"])
    if claim_key and not claim_error.value:
        Md("Moving your seat to this browser...")
        return
    try:
        view = registry.view(code, browser)
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
        WaitingPanel(view, code, browser, act)
        return
    seat = view.seat
    assert seat is not None
    if view.finished:
        DebriefPanel(view, code)
    with solara.Div(classes=["teach-room-grid"]):
        with solara.Div(classes=["teach-stack"]):
            if not view.finished:
                if seat.computer_plays_me:
                    solara.Warning(
                        "The computer plays your seat now. The game carries on without you; "
                        "your debrief will say which rounds were yours.",
                        classes=["teach-taken-over"],
                    )
                    NewGameButton(view)
                elif seat.my_pending is not None:
                    who = ", ".join(view.waiting_for) or "the round to resolve"
                    solara.Info(
                        f"Your move for round {seat.round}: {move_text(seat.my_pending)}. "
                        f"Waiting for {who}...",
                        classes=["teach-waiting-move"],
                    )
                else:
                    MovePanel(view, code, browser, act).key(f"move-{view.code}-{seat.round}")
            StatusPanel(view)
            HistoryPanel(seat)
        with solara.Div(classes=["teach-stack"]):
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
                    on_click=act(lambda: registry.leave(code, browser), leave_error),
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
    elif opponent.kind in ("student", "bot"):
        against = f"{opponent.player} (a {opponent.kind})"
    else:
        against = "a student who has not joined yet"
    if view.finished:
        status = f"Game over after {seat.rounds_played} rounds: **{outcome_label(view.outcome)}**."
    elif view.state == "waiting":
        status = "Waiting for a second student."
    else:
        status = (
            f"**Round {seat.round} of {seat.horizon}** ({seat.date:%d %b %Y}). "
            f"So far: {outcome_label(view.outcome)}."
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
def WaitingPanel(view: RoomView, code: str, browser: str, act):
    registry = get_service().registry
    error = solara.use_reactive("")
    with solara.Card("Waiting for your partner", classes=["teach-waiting-card"]):
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
            on_click=act(lambda: registry.play_computer_now(code, browser), error),
            text=True,
            classes=["teach-play-computer-now"],
        )


@solara.component
def MovePanel(view: RoomView, code: str, browser: str, act):
    seat = view.seat
    registry = get_service().registry
    action = solara.use_reactive(None)  # no move is preselected
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
    my_ctl = solara.use_reactive(dict.fromkeys(CONTROL_INSTRUMENTS, 0))  # offered levels
    their_ctl = solara.use_reactive(dict.fromkeys(CONTROL_INSTRUMENTS, 0))
    error = solara.use_reactive("")

    def submit():
        if action.value is None:
            raise TeachingError("Choose escalate, hold or concede first.", "bad_move")
        offer = None
        if action.value == "concede" and own_offer.value:
            offer = {
                "my_tariff": my_t.value,
                "partner_tariff": their_t.value,
                "my_controls": {k: my_ctl.value[k] for k in seat.my_controls},
                "partner_controls": {k: their_ctl.value[k] for k in seat.partner_controls},
                "purchases": purchases.value if seat.max_purchases > 0 else 0.0,
            }
        inst = None if action.value == "hold" or instrument.value == "auto" else instrument.value
        registry.submit(code, browser, seat.gid, action.value, inst, offer)

    with solara.Card(f"Your move for round {seat.round}", classes=["teach-move-card"]):
        with solara.ToggleButtonsSingle(value=action, mandatory=False, classes=["teach-action"]):
            for a in ACTIONS:
                solara.Button(a.capitalize(), value=a, classes=[f"teach-action-{a}"])
        # the parts below change with the choice; they sit in containers that are always
        # there so that the submit button keeps its place (and widget) between renders
        with solara.Column(gap="4px", style={"min-width": "0"}):
            if action.value is None:
                Md("<span class='ns-muted'>Choose your move for this round.</span>")
            elif action.value != "hold":
                values = ["auto", *seat.instruments]
                with solara.Div(classes=["teach-row"]):
                    Html("<span class='ns-muted'>with</span>")
                    with solara.ToggleButtonsSingle(value=instrument, classes=["teach-instrument"]):
                        for inst in values:
                            label = "default" if inst == "auto" else instrument_words(inst)
                            solara.Button(
                                label, value=inst, text=True, classes=[f"teach-inst-{inst}"]
                            )
                step = seat.tariff_step
                Md(
                    f"<span class='ns-muted'>A tariff move shifts your tariffs by {step:g} "
                    "points; a control move changes its level by one (0 none ... 3 "
                    "extraterritorial). *default* escalates the first instrument not at its "
                    "maximum, or concedes the one furthest above its floor.</span>"
                )
            if action.value == "concede":
                OfferForm(seat, own_offer, my_t, their_t, purchases, my_ctl, their_ctl)
        with solara.Column(gap="0px"):
            if error.value:
                solara.Error(error.value, classes=["teach-error"])
        solara.Button(
            f"Submit my move for round {seat.round}",
            on_click=act(submit, error),
            color="primary",
            disabled=action.value is None,
            classes=["teach-submit"],
        )


@solara.component
def OfferForm(seat, own_offer, my_t, their_t, purchases, my_ctl, their_ctl):
    offer = seat.standard_offer
    if offer is not None:
        Md(
            "Every concession carries a deal offer. **Standard offer** (built from "
            f"your concession curve): {html.escape(offer.describe())}.",
            classes=["teach-standard-offer"],
        )
    solara.Checkbox(label="Make my own offer instead", value=own_offer)
    if not own_offer.value:
        return
    with solara.Column(gap="0px", classes=["teach-offer-tariffs"]):
        for label, value, top in (
            (f"My tariff on {seat.partner_name} (%)", my_t, max(seat.my_tariff, seat.my_floor)),
            (
                f"{seat.partner_name}'s tariff on us (%)",
                their_t,
                max(seat.partner_tariff, seat.partner_floor),
            ),
        ):
            solara.SliderFloat(
                label,
                value=value,
                min=0.0,
                max=top,
                step=TARIFF_STEP,
                thumb_label="always",
                tick_labels=end_labels(0.0, top, TARIFF_STEP),
            )
    for levels, held, whose in (
        (my_ctl, seat.my_controls, "My"),
        (their_ctl, seat.partner_controls, f"{seat.partner_name}'s"),
    ):
        for k in held:
            solara.SliderInt(
                f"{whose} {instrument_words(k)} control level",
                value=levels.value[k],
                on_value=lambda v, k=k, levels=levels: levels.set({**levels.value, k: v}),
                min=0,
                max=held[k],
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
        "<span class='ns-muted'>A deal is struck only if both "
        "governments value it above carrying on; it can only lower tariffs "
        "and controls.</span>",
        classes=["teach-own-offer"],
    )

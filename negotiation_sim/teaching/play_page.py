"""The start page (``/``): join with a code, play the computer, or open a room for two.

The rounds and seed typed here are checked as a session file's are
(``sessions.adhoc_config``): a bad value gets a message naming the field, the value
and what is allowed, and no game starts.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from negotiation_sim.scenario import ScenarioError, list_scenarios, load_scenario
from negotiation_sim.teaching.moves import TeachingError, library_strategies
from negotiation_sim.teaching.service import get_service
from negotiation_sim.teaching.sessions import SessionConfig, adhoc_config
from negotiation_sim.teaching.widgets import (
    Md,
    PageTitle,
    base_path,
    browser_secret,
    query,
    room_path,
)

SCENARIO_DEFAULT = "(the scenario's own)"


def scenario_parties(name: str) -> list[tuple[str, str]]:
    try:
        spec = load_scenario(name)
    except Exception:
        return []
    return [(g, spec.data["governments"][g]["name"]) for g in spec.parties]


def play_config(
    scenario: str,
    mode: str,
    opponent: str = "",
    blind: bool = True,
    rounds: int | None = 0,
    seed: int | None = 1,
    move_time_limit: float | None = 0,
) -> SessionConfig:
    """The config of an open-play game from the start page's form (``rounds`` 0 = the
    scenario's own). Raises ``TeachingError`` with every problem, one per line."""
    opp = "" if opponent in ("", SCENARIO_DEFAULT) else opponent
    problems = []
    if rounds is None:
        problems.append("Rounds: type a whole number (0 = the scenario's own).")
    if seed is None:
        problems.append("Seed: type a whole number (0 or more).")
    if move_time_limit is None:
        problems.append("Seconds per move: type a number (0 = no limit).")
    if problems:
        raise TeachingError("\n".join(problems), "bad_config")
    try:
        return adhoc_config(
            scenario,
            mode=mode,
            opponent=opp if mode == "computer" else "",
            blind=blind if mode == "computer" else False,
            rounds=int(rounds) or None,
            seed=int(seed),
            move_time_limit=float(move_time_limit),
        )
    except ScenarioError as exc:  # SessionError too
        raise TeachingError("\n".join(exc.messages), "bad_config") from None
    except (TypeError, ValueError) as exc:
        raise TeachingError(str(exc), "bad_config") from None


@solara.component
def PlayPage():
    """Start page: join with a code, play the computer, or open a room for two."""
    PageTitle()
    router = solara.use_router()
    base = base_path(router.path)
    service = get_service()
    params = query(router)
    browser = solara.use_memo(browser_secret, [])
    name = solara.use_reactive("")
    code = solara.use_reactive(params.get("code", ""))
    error = solara.use_reactive("")
    scenarios = list_scenarios()
    default_scenario = "classroom_basic" if "classroom_basic" in scenarios else scenarios[0]
    scenario = solara.use_reactive(default_scenario)
    parties = solara.use_memo(lambda: scenario_parties(scenario.value), [scenario.value])
    side = solara.use_reactive(parties[0][0] if parties else "")
    if parties and side.value not in [g for g, _ in parties]:
        side.set(parties[0][0])
    strategies = [SCENARIO_DEFAULT, *library_strategies()]
    opponent = solara.use_reactive("TitForTat")
    blind = solara.use_reactive(True)
    rounds = solara.use_reactive(10)
    seed = solara.use_reactive(1)
    time_limit = solara.use_reactive(0)

    def go(room) -> None:
        error.set("")
        router.push(room_path(base, room.code))

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
        room, _ = service.registry.join(code.value, name.value, browser=browser)
        go(room)

    def start(mode: str) -> None:
        config = play_config(
            scenario.value,
            mode,
            opponent.value,
            blind.value,
            rounds.value,
            seed.value,
            time_limit.value if mode == "pair" else 0,
        )
        room, _ = service.registry.create_room(config, name.value, side.value, browser=browser)
        go(room)

    Md(
        "## Play a government\n"
        "You negotiate for one government in a trade standoff: each round you **escalate**, "
        "**hold** or **concede**, with tariffs or export controls, and a concession can "
        "carry a deal offer. Your firms lobby you, scheduled events and deadlines loom, and "
        "a debrief at the end compares your play with every computer strategy."
    )
    solara.InputText("Your name", value=name, continuous_update=True, classes=["teach-name"])
    if error.value:
        solara.Error(error.value, classes=["teach-error"], style={"white-space": "pre-line"})
    with solara.Div(classes=["teach-grid"]):
        with solara.Card("Join with a code", classes=["teach-card-join"]):
            Md(
                "A **class code** from your teacher, or a **room code** from a classmate "
                "who opened a room for two."
            )
            solara.InputText(
                "Code", value=code, continuous_update=True, classes=["teach-join-code"]
            )
            solara.Button("Join", on_click=guarded(join), color="primary", classes=["teach-join"])
        with solara.Card("Play the computer", classes=["teach-card-computer"]):
            solara.Select("Scenario", values=scenarios, value=scenario, classes=["teach-scenario"])
            Md("**Your side**")
            with solara.ToggleButtonsSingle(value=side, classes=["teach-side"]):
                for gid, gname in parties:
                    solara.Button(gname, value=gid, text=True, classes=[f"teach-side-{gid}"])
            solara.Select("Computer strategy", values=strategies, value=opponent)
            solara.Checkbox(
                label="Blind play: hide the computer's strategy until the debrief", value=blind
            )
            with solara.Div(classes=["teach-row"]):
                solara.InputInt("Rounds (0 = scenario)", value=rounds, classes=["teach-rounds"])
                solara.InputInt("Seed", value=seed, classes=["teach-seed"])
            solara.Button(
                "Start game",
                on_click=guarded(lambda: start("computer")),
                color="primary",
                classes=["teach-start-computer"],
            )
        with solara.Card("Two students: open a room", classes=["teach-card-pair"]):
            Md(
                f"You take **{dict(parties).get(side.value, side.value)}** in "
                f"**{scenario.value}** (choose under *Play the computer*); you get a short "
                "code for your partner, who joins from another computer and plays the other "
                "side. Moves are simultaneous and secret until both have moved."
            )
            solara.InputInt(
                "Seconds per move (0 = no limit)", value=time_limit, classes=["teach-time-limit"]
            )
            solara.Button(
                "Open a room",
                on_click=guarded(lambda: start("pair")),
                color="primary",
                classes=["teach-create-room"],
            )

"""The debrief on the room page once the game is over: the story, the student's payoff
against every computer strategy in the same seat (ranked over the student's own rounds
after a takeover), their game among computer-played games, and a button to start a
new game."""

from __future__ import annotations

import solara

from negotiation_sim.teaching.debrief import Debrief
from negotiation_sim.teaching.room import RoomView
from negotiation_sim.teaching.service import get_service
from negotiation_sim.teaching.widgets import Html, Md, bar, base_path, table
from negotiation_sim.views.words import outcome_label


@solara.component
def NewGameButton(view: RoomView):
    """Back to the start page, with the class code filled in for a class game."""
    router = solara.use_router()
    base = base_path(router.path)
    target = (base or "") + (f"/?code={view.class_code}" if view.class_code else "/")
    solara.Button(
        "Start a new game",
        on_click=lambda: router.push(target),
        color="primary",
        outlined=True,
        classes=["teach-new-game"],
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
        elif result.state != solara.ResultState.FINISHED or result.value is None:
            Md("Preparing your debrief: replaying the game with every strategy...")
            solara.ProgressLinear(True)
        else:
            DebriefView(result.value)
        NewGameButton(view)


def rank_text(d: Debrief) -> str:
    n = len(d.counterfactuals)
    if d.own_rounds is None:
        return (
            "**Your payoff against the computer strategies.** Each strategy played your "
            f"seat in the same game (same seed, same opponent). You rank **{d.rank} of "
            f"{n + 1}**."
        )
    if d.rank is None:
        return (
            "**No rank:** the computer played every round of your seat, so there is no "
            "play of yours to compare. The table shows what each strategy would have earned."
        )
    rounds = "round 1" if d.own_rounds == 1 else f"rounds 1 to {d.own_rounds}"
    return (
        "**Your payoff against the computer strategies, over your own rounds.** The "
        f"computer played your seat from round {d.takeover_round}, so you are ranked over "
        f"{rounds} only: your {d.own_payoff:.2f} against each strategy's payoff over the "
        f"same rounds, playing your seat in the same game. You rank **{d.rank} of {n + 1}**."
    )


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
        own = d.own_rounds or None  # the rounds compared (no own round: the whole game)
        mine = d.own_payoff if own is not None else d.payoff
        rows, classes = [], []
        placed = d.rank is None  # with no rank the student has no row
        for c in sorted(d.counterfactuals, key=lambda c: -c.payoff_over(own)):
            if not placed and mine >= c.payoff_over(own) - 1e-9:
                rows.append(["You", mine, outcome_label(d.outcome)])
                classes.append("teach-you")
                placed = True
            rows.append([c.strategy, c.payoff_over(own), outcome_label(c.outcome)])
            classes.append("")
        if not placed:
            rows.append(["You", mine, outcome_label(d.outcome)])
            classes.append("teach-you")
        Md(rank_text(d), classes=["teach-rank"])
        pay = "Payoff" if own is None else f"Payoff, rounds 1 to {own}"
        Html(
            table(["Who played your seat", pay, "Outcome"], rows, "teach-counterfactuals", classes)
        )
    e = d.ensemble
    if e is not None:
        pct = 100 * e.welfare_percentile
        Md(
            f"**Your game among computer-played games.** In {e.runs} games of this setting "
            f"(every strategy in your seat, {e.seeds_per_strategy} seeds each, against "
            f"{e.partner_strategy}), your country's welfare of {e.welfare:.1f} $bn is higher "
            f"than in **{pct:.0f}%** of them. Your outcome ({outcome_label(e.outcome)}) "
            f"happened in {100 * e.outcome_share:.0f}% of those games.",
            classes=["teach-ensemble"],
        )
        rows = [
            [
                outcome_label(r.outcome),
                int(r.runs),
                f"{100 * r.probability:.0f}%",
                bar(r.probability),
            ]
            for _, r in e.table.iterrows()
        ]
        Html(table(["Outcome", "Games", "Share", ""], rows))

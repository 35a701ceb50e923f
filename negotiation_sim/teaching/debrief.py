"""The debrief of a finished game, from one seat.

* ``narrate``: what happened and why, in plain words drawn from the run's record (moves,
  scheduled events, deals struck and broken, tariffs, lobbying).
* ``counterfactuals``: the payoff each library strategy would have earned in the same
  seat, with the same seed, against the same opponent: a computer opponent plays its own
  strategy (and so reacts to the counterfactual moves); a student opponent's recorded
  moves are replayed (and a computer that took over their seat plays on from there).
* ``ensemble_comparison``: where the game falls among computer-played games of the same
  setting: every library strategy in the seat, several seeds each, run with
  ``negotiation_sim.runs.ensemble.run_ensemble``; the student's national welfare is placed in
  that distribution and their outcome's share among those games is given.

Everything works from the record a finished game leaves (``Game.record()`` plus the room
fields), so a debrief can be rebuilt from the store after a server restart.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.core import Action
from negotiation_sim.runs.ensemble import outcome_table, run_ensemble
from negotiation_sim.scenario import Scenario, load_scenario
from negotiation_sim.strategies import get_strategy
from negotiation_sim.strategies.base import Strategy
from negotiation_sim.teaching.game import ReplayStrategy, library_strategies, move_from_dict
from negotiation_sim.views.words import OUTCOME_WORDS


@dataclass(frozen=True)
class Counterfactual:
    strategy: str
    payoff: float
    outcome: str
    welfare: float


@dataclass
class EnsembleComparison:
    runs: int
    seeds_per_strategy: int
    welfare: float  # the student's cumulative national welfare, $bn
    welfare_percentile: float  # share of computer-played games with lower welfare (ties half)
    outcome: str
    outcome_share: float  # share of computer-played games with the student's outcome
    table: pd.DataFrame  # outcome probabilities with Wilson intervals
    by_strategy: pd.DataFrame  # per strategy: runs, mean welfare, most common outcome
    partner_strategy: str


@dataclass
class Debrief:
    seat: str
    name: str
    partner: str
    partner_name: str
    outcome: str
    summary: str
    paragraphs: list[str]
    moments: list[str]
    payoff: float
    partner_payoff: float
    opponent: str  # who played the other seat, revealed
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    rank: int | None = None  # 1 = the student beat every library strategy
    ensemble: EnsembleComparison | None = None


# ---------------------------------------------------------------------- replays
def base_scenario(record: Mapping[str, Any]) -> Scenario:
    """The game's scenario with its overrides (without the seats' strategies)."""
    overrides = {k: v for k, v in record.get("overrides", [])}
    source = record.get("scenario_source") or record["scenario"]
    return load_scenario(source, overrides or None)


def _seat(record: Mapping[str, Any], gid: str) -> dict[str, Any]:
    return next(s for s in record["seats"] if s["gid"] == gid)


def seat_strategy(record: Mapping[str, Any], gid: str) -> Strategy:
    """A strategy that plays seat ``gid`` as it was played in the game: the computer's
    own strategy, or the student's recorded moves (then the takeover strategy, if the
    computer took the seat over)."""
    seat = _seat(record, gid)
    params = dict(seat.get("params") or {})
    if not seat.get("human"):
        return get_strategy(seat["strategy"], **params)
    moves = [move_from_dict(m) for m in seat["moves"]]
    k = seat.get("takeover_round")
    if k is None:
        return ReplayStrategy(moves)
    return ReplayStrategy(moves[: k - 1], then=get_strategy(seat["strategy"], **params))


def play(
    record: Mapping[str, Any],
    strategies: Mapping[str, Strategy],
    seed: int | None = None,
    spec: Scenario | None = None,
) -> NegotiationModel:
    """Play the game's setting to the end with the given seat strategies."""
    spec = spec or base_scenario(record)
    model = NegotiationModel(
        spec,
        rng=record["seed"] if seed is None else seed,
        rounds=record["rounds"],
        record_stage_game=False,
        record=False,
    )
    for gid, strategy in strategies.items():
        model.governments[gid].replace_strategy(strategy)
    while model.running:
        model.step()
    return model


def counterfactuals(record: Mapping[str, Any], gid: str) -> list[Counterfactual]:
    """Each library strategy's payoff in seat ``gid`` with the game's seed and opponent,
    best first."""
    spec = base_scenario(record)
    partner = next(g for g in record["parties"] if g != gid)
    out = []
    for name in library_strategies():
        model = play(
            record,
            {gid: get_strategy(name), partner: seat_strategy(record, partner)},
            spec=spec,
        )
        gov = model.governments[gid]
        out.append(
            Counterfactual(
                name,
                float(sum(gov.payoffs)),
                model.outcome,
                float(model.cumulative_welfare[gov.index]),
            )
        )
    return sorted(out, key=lambda c: -c.payoff)


def ensemble_comparison(
    record: Mapping[str, Any], gid: str, seeds_per_strategy: int = 8
) -> EnsembleComparison:
    """Computer-played games of the same setting: every library strategy in seat ``gid``
    for ``seeds_per_strategy`` seeds each (``run_ensemble``, in this process), against
    the game's computer opponent (for a student opponent: the session's takeover
    strategy)."""
    spec = base_scenario(record)
    partner = next(g for g in record["parties"] if g != gid)
    pseat = _seat(record, partner)
    if pseat.get("human"):
        pname = record.get("takeover_strategy") or pseat.get("strategy") or ""
        pparams = dict(record.get("takeover_params") or {})
    else:
        pname, pparams = pseat["strategy"], dict(pseat.get("params") or {})
    frames = []
    for name in library_strategies():
        overrides: dict[str, Any] = {
            f"governments.{gid}.strategy": name,
            f"governments.{gid}.strategy_params": {},
        }
        if pname:
            overrides[f"governments.{partner}.strategy"] = pname
            overrides[f"governments.{partner}.strategy_params"] = pparams
        result = run_ensemble(
            spec,
            runs=seeds_per_strategy,
            base_seed=int(record["seed"]),
            overrides=overrides,
            rounds=record["rounds"],
            workers=1,
            series=False,
        )
        frame = result.summaries[["outcome", f"welfare.{gid}"]].copy()
        frame["strategy"] = name
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    welfare = runs[f"welfare.{gid}"].to_numpy(dtype=float)
    mine = float(_seat(record, gid)["welfare"])
    below = float((welfare < mine - 1e-9).sum())
    ties = float((abs(welfare - mine) <= 1e-9).sum())
    n = len(runs)
    by = (
        runs.groupby("strategy", sort=False)
        .agg(
            runs=("outcome", "size"),
            mean_welfare=(f"welfare.{gid}", "mean"),
            usual_outcome=("outcome", lambda s: Counter(s).most_common(1)[0][0]),
        )
        .reset_index()
    )
    from negotiation_sim.teaching.game import strategy_label

    return EnsembleComparison(
        runs=n,
        seeds_per_strategy=seeds_per_strategy,
        welfare=mine,
        welfare_percentile=(below + 0.5 * ties) / n if n else 0.0,
        outcome=record["outcome"],
        outcome_share=float((runs["outcome"] == record["outcome"]).mean()) if n else 0.0,
        table=outcome_table(runs["outcome"]),
        by_strategy=by,
        partner_strategy=strategy_label(pname, pparams) if pname else "the scenario's own",
    )


# ---------------------------------------------------------------------- narrative
def _action(move: str) -> str:
    return move.split(":")[0] if move else "hold"


def _instrument(move: str) -> str:
    part = move.split(":")
    return {"tariff": "tariffs", "rare_earth": "rare earths", "chips": "chips"}.get(
        part[1] if len(part) > 1 else "", ""
    )


def news_text(text: str, names: Mapping[str, str]) -> str:
    """``comprehensive broken by us`` -> ``the comprehensive deal was broken by United
    States``."""
    kind, _, rest = text.partition(" ")
    what = {"comprehensive": "comprehensive deal", "truce": "truce"}.get(kind, kind)
    if rest == "struck":
        return f"a {what} was struck"
    if rest.startswith("broken by "):
        who = [names.get(g.strip(), g.strip()) for g in rest[len("broken by ") :].split(",")]
        return f"the {what} was broken by {' and '.join(who)}"
    if rest == "expired":
        return f"the {what} expired"
    return text


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _tally(counts: Counter) -> str:
    words = (("escalate", "escalation"), ("hold", "hold"), ("concede", "concession"))
    return ", ".join(f"{counts[a]} {word}{'' if counts[a] == 1 else 's'}" for a, word in words)


def _date(text: str) -> str:
    try:
        d = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    return f"{d.day} {d.strftime('%b %Y')}"


def _verb(move: str, subject_you: bool) -> str:
    action = _action(move)
    inst = _instrument(move)
    verb = {"escalate": "escalated", "hold": "held", "concede": "conceded"}[action]
    if inst and action != "hold":
        verb += f" on {inst}"
    return verb


def narrate(record: Mapping[str, Any], gid: str) -> tuple[str, list[str], list[str]]:
    """(one-line summary, paragraphs, key moments) of the game from seat ``gid``."""
    rows = record["trajectory"]
    parties = record["parties"]
    partner = next(g for g in parties if g != gid)
    names = {s["gid"]: s["name"] for s in record["seats"]}
    them = names[partner]
    you_names = {**names, gid: "you"}
    n = len(rows)
    outcome = record["outcome"]
    if n == 0:
        return "The game did not start.", [], []
    first, last = rows[0], rows[-1]
    since = record.get("outcome_round") or n
    summary = f"The game ended in {OUTCOME_WORDS.get(outcome, outcome)}"
    if outcome in ("deal", "truce", "trade_war") and since:
        summary += f", in place since round {since}"
    summary += "."
    paragraphs = [
        f"The game ran {n} rounds, from {_date(first['date'])} to {_date(last['date'])}. " + summary
    ]

    # moves
    mine = [_action(r[f"move_{gid}"]) for r in rows]
    theirs = [_action(r[f"move_{partner}"]) for r in rows]
    c_me, c_them = Counter(mine), Counter(theirs)
    text = f"Your moves: {_tally(c_me)}; {_possessive(them)}: {_tally(c_them)}."
    first_e = next(
        (
            (i + 1, who)
            for i in range(n)
            for who, seq in (("you", mine), (them, theirs))
            if seq[i] == "escalate"
        ),
        None,
    )
    if first_e:
        r, who = first_e
        both = mine[r - 1] == theirs[r - 1] == "escalate"
        who = "both sides" if both else who
        text += f" The first escalation came in round {r}, from {who}."
    if n > 2:
        copied = sum(theirs[i] == mine[i - 1] for i in range(1, n))
        share = copied / (n - 1)
        if share >= 0.8 and len(set(theirs)) > 1:
            text += (
                f" {them} repeated your previous move in {copied} of {n - 1} rounds, "
                "much as Tit for Tat does."
            )
    paragraphs.append(text)

    # tariffs
    t_me = [float(r[f"tariff_{gid}_{partner}"]) for r in rows]
    t_them = [float(r[f"tariff_{partner}_{gid}"]) for r in rows]
    paragraphs.append(
        f"Your average tariff on {them} ended at {t_me[-1]:.0f}% (peak {max(t_me):.0f}%); "
        f"{_possessive(them)} on you ended at {t_them[-1]:.0f}% (peak {max(t_them):.0f}%)."
    )

    # why the outcome
    struck = [i for i, r in enumerate(rows) if str(r.get("deal_news", "")).endswith("struck")]
    broken = [i for i, r in enumerate(rows) if "broken" in str(r.get("deal_news", ""))]
    offers = sum(bool(r.get(f"offer_{g}")) for r in rows for g in parties)
    why = ""
    if outcome in ("deal", "truce") and struck:
        i = struck[-1]
        r = rows[i]
        conceders = [
            "you" if g == gid else names[g] for g in parties if _action(r[f"move_{g}"]) == "concede"
        ]
        who = " and ".join(conceders) or "a side"
        what = news_text(r["deal_news"], names).removeprefix("a ").removesuffix(" was struck")
        why = (
            f"The {what} was struck in round {i + 1} "
            f"({_date(r['date'])}) when {who} conceded and offered terms that both "
            "governments valued above carrying on without a deal"
        )
        if r.get("events"):
            why += f"; that round also brought: {r['events']}"
        why += "."
    elif outcome in ("deal", "truce"):
        why = "A truce was already in force when the game began and it held to the end."
    elif outcome == "trade_war":
        why = (
            "Both sides' escalation stayed at or above the trade-war threshold for several "
            f"rounds in a row (from round {since}), with no deal in force: each escalation "
            "was met with another, and no concession lasted long enough to stop it."
        )
    elif outcome == "stalemate" and struck:
        why = (
            f"Deals were struck (round {', '.join(str(i + 1) for i in struck)}) but none "
            "lasted to the end, and escalation never stayed at trade-war level for long "
            "enough."
        )
    elif outcome == "stalemate":
        why = (
            f"{offers} deal offers were made, but none was worth more to both governments "
            "than carrying on"
            if offers
            else "No side conceded, so no deal offer was ever made"
        )
        why += ", and escalation never stayed at trade-war level for long enough."
    if broken:
        why += " " + " ".join(
            f"In round {i + 1}, {news_text(rows[i]['deal_news'], you_names)}." for i in broken
        )
    if why:
        paragraphs.append(why.strip())

    # lobbying
    lob = [float(r.get(f"lobbying_{gid}", 0.0) or 0.0) for r in rows]
    avg = statistics.fmean(lob) if lob else 0.0
    if abs(avg) >= 0.01:
        side = "escalation" if avg > 0 else "concessions"
        paragraphs.append(
            f"Your firms lobbied on balance for {side} (average lobbying index {avg:+.2f}): "
            + (
                "protected sectors gained more than exporters lost."
                if avg > 0
                else "the sectors hurt by the standoff outweighed those it protected."
            )
        )

    seats = {s["gid"]: s for s in record["seats"]}
    paragraphs.append(
        f"Your payoff over the game was {seats[gid]['payoff']:.2f} "
        f"({them}: {seats[partner]['payoff']:.2f}); your country's welfare summed to "
        f"{seats[gid]['welfare']:.1f} $bn against free trade."
    )

    # key moments
    moments = []
    for i, r in enumerate(rows):
        bits = []
        events = [e for e in str(r.get("events") or "").split("; ") if e]
        events = [news_text(e, you_names) for e in events if e != r.get("deal_news")]
        if events:
            bits.append("; ".join(events))
        changed = i == 0 or mine[i] != mine[i - 1] or theirs[i] != theirs[i - 1]
        if changed or r.get("deal_news"):
            bits.append(
                f"you {_verb(r[f'move_{gid}'], True)}, {them} {_verb(r[f'move_{partner}'], False)}"
            )
        if r.get("deal_news"):
            bits.append(news_text(str(r["deal_news"]), you_names))
        if i > 0 and r["outcome"] != rows[i - 1]["outcome"]:
            bits.append(f"now: {str(r['outcome']).replace('_', ' ')}")
        if bits:
            moments.append(f"Round {i + 1} ({_date(r['date'])}): " + "; ".join(bits) + ".")
    if len(moments) > 12:
        extra = len(moments) - 11
        moments = [*moments[:11], f"... and {extra} more rounds with changes."]
    return summary, paragraphs, moments


def build_debrief(
    record: Mapping[str, Any],
    gid: str,
    with_counterfactuals: bool | None = None,
    ensemble_seeds: int | None = None,
) -> Debrief:
    """The whole debrief of seat ``gid`` (counterfactuals and ensemble as the record's
    session asked, unless given)."""
    partner = next(g for g in record["parties"] if g != gid)
    seats = {s["gid"]: s for s in record["seats"]}
    summary, paragraphs, moments = narrate(record, gid)
    pseat = seats[partner]
    if not pseat.get("human"):
        opponent = f"the computer, playing {pseat['strategy']}"
    elif pseat.get("takeover_round") is not None:
        opponent = (
            f"{pseat.get('player') or 'a student'}, then the computer ({pseat['strategy']}) "
            f"from round {pseat['takeover_round']}"
        )
    else:
        opponent = pseat.get("player") or "another student"
    debrief = Debrief(
        seat=gid,
        name=seats[gid]["name"],
        partner=partner,
        partner_name=pseat["name"],
        outcome=record["outcome"],
        summary=summary,
        paragraphs=paragraphs,
        moments=moments,
        payoff=float(seats[gid]["payoff"]),
        partner_payoff=float(pseat["payoff"]),
        opponent=opponent,
    )
    if with_counterfactuals is None:
        with_counterfactuals = bool(record.get("counterfactuals", True))
    if with_counterfactuals:
        debrief.counterfactuals = counterfactuals(record, gid)
        better = sum(c.payoff > debrief.payoff + 1e-9 for c in debrief.counterfactuals)
        debrief.rank = better + 1
    seeds = record.get("ensemble_seeds", 8) if ensemble_seeds is None else ensemble_seeds
    if seeds:
        debrief.ensemble = ensemble_comparison(record, gid, int(seeds))
    return debrief


def action_counts(record: Mapping[str, Any], gid: str) -> dict[str, int]:
    seat = _seat(record, gid)
    counts = Counter(Action.parse(m["action"]).label for m in seat["moves"])
    return {a.label: counts.get(a.label, 0) for a in Action}

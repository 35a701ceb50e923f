"""The debrief of a finished game, from one seat.

* ``narrate`` (``narrate`` module): what happened and why, in plain words.
* ``counterfactuals``: the payoff each library strategy would have earned in the same
  seat, with the same seed, against the same opponent: a computer opponent plays its own
  strategy (and so reacts to the counterfactual moves); a student opponent's recorded
  moves are replayed (and a computer that took over their seat plays on from there).
* ``ensemble_comparison``: where the game falls among computer-played games of the same
  setting: every library strategy in the seat, several seeds each, run with
  ``negotiation_sim.ensemble.run_ensemble``; the student's national welfare is placed in
  that distribution and their outcome's share among those games is given.
* ``DebriefCache``: both are computed once and shared. The ensemble depends only on the
  setting (scenario, overrides, seed, rounds), the seat and the partner's computer
  strategy, so every student of a session shares it; the counterfactuals depend on the
  setting, the seat and how the partner was played (a computer strategy, or a student's
  moves), so every student against the same computer shares them.

After a takeover the student is ranked over their own rounds only (each strategy's
payoff over the same rounds); with no round of their own there is no rank.

Everything works from the record a finished game leaves (``Game.record()`` plus the room
fields), so a debrief can be rebuilt from the store after a server restart.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.core import Action
from negotiation_sim.ensemble import outcome_table, run_ensemble
from negotiation_sim.scenario import Scenario, load_scenario
from negotiation_sim.strategies import get_strategy
from negotiation_sim.strategies.base import Strategy
from negotiation_sim.teaching.moves import (
    ReplayStrategy,
    library_strategies,
    move_from_dict,
    strategy_label,
)
from negotiation_sim.teaching.narrate import narrate, news_text, own_payoff, takeover_round

__all__ = [
    "Counterfactual",
    "Debrief",
    "DebriefCache",
    "EnsembleComparison",
    "build_debrief",
    "counterfactuals",
    "ensemble_comparison",
    "narrate",
    "news_text",
    "play",
    "seat_strategy",
]


@dataclass(frozen=True)
class Counterfactual:
    strategy: str
    payoff: float
    outcome: str
    welfare: float
    round_payoffs: tuple[float, ...] = ()

    def payoff_over(self, rounds: int | None) -> float:
        """The payoff over the first ``rounds`` rounds (all if None)."""
        return self.payoff if rounds is None else float(sum(self.round_payoffs[:rounds]))


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
    takeover_round: int | None = None  # the computer played the seat from this round
    own_rounds: int | None = None  # rounds ranked (None: the whole game)
    own_payoff: float | None = None  # the student's payoff over those rounds


# ---------------------------------------------------------------------- replays
def base_scenario(record: Mapping[str, Any]) -> Scenario:
    """The game's scenario with its overrides (without the seats' strategies)."""
    overrides = {k: v for k, v in record.get("overrides", [])}
    source = record.get("scenario_source") or record["scenario"]
    return load_scenario(source, overrides or None)


def _seat(record: Mapping[str, Any], gid: str) -> dict[str, Any]:
    return next(s for s in record["seats"] if s["gid"] == gid)


def _partner(record: Mapping[str, Any], gid: str) -> str:
    return next(g for g in record["parties"] if g != gid)


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
    partner = _partner(record, gid)
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
                tuple(float(p) for p in gov.payoffs),
            )
        )
    return sorted(out, key=lambda c: -c.payoff)


def _partner_strategy(record: Mapping[str, Any], gid: str) -> tuple[str, dict[str, Any]]:
    """The computer strategy that plays the partner in the ensemble: the game's computer
    opponent, or for a student opponent the session's takeover strategy."""
    pseat = _seat(record, _partner(record, gid))
    if pseat.get("human"):
        name = record.get("takeover_strategy") or pseat.get("strategy") or ""
        return name, dict(record.get("takeover_params") or {})
    return pseat["strategy"], dict(pseat.get("params") or {})


def ensemble_runs(record: Mapping[str, Any], gid: str, seeds_per_strategy: int = 8) -> pd.DataFrame:
    """Computer-played games of the same setting: every library strategy in seat ``gid``
    for ``seeds_per_strategy`` seeds each (``run_ensemble``, in this process); columns
    ``outcome``, ``welfare.<gid>`` and ``strategy``."""
    spec = base_scenario(record)
    partner = _partner(record, gid)
    pname, pparams = _partner_strategy(record, gid)
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
    return pd.concat(frames, ignore_index=True)


def compare(
    record: Mapping[str, Any], gid: str, runs: pd.DataFrame, seeds_per_strategy: int
) -> EnsembleComparison:
    """Place the student's game among the computer-played ``runs``."""
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
    pname, pparams = _partner_strategy(record, gid)
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


def ensemble_comparison(
    record: Mapping[str, Any], gid: str, seeds_per_strategy: int = 8
) -> EnsembleComparison:
    """The student's game among computer-played games of the same setting (against the
    game's computer opponent; for a student opponent, the session's takeover strategy)."""
    runs = ensemble_runs(record, gid, seeds_per_strategy)
    return compare(record, gid, runs, seeds_per_strategy)


# ---------------------------------------------------------------------- sharing
def _setting(record: Mapping[str, Any]) -> tuple:
    overrides = json.dumps(record.get("overrides", []), sort_keys=True, default=str)
    source = record.get("scenario_source") or record["scenario"]
    return (str(source), overrides, int(record["seed"]), int(record["rounds"]))


def counterfactual_key(record: Mapping[str, Any], gid: str) -> tuple:
    """What the counterfactuals of seat ``gid`` depend on: the setting, the seat and how
    the partner was played."""
    p = _seat(record, _partner(record, gid))
    how: tuple = ("computer", p.get("strategy"), json.dumps(p.get("params") or {}, sort_keys=True))
    if p.get("human"):
        how += (json.dumps(p.get("moves"), sort_keys=True, default=str), p.get("takeover_round"))
    return ("counterfactuals", _setting(record), gid, how)


def ensemble_key(record: Mapping[str, Any], gid: str, seeds: int) -> tuple:
    """What the ensemble of seat ``gid`` depends on: the setting, the seat, the partner's
    computer strategy and the number of seeds."""
    name, params = _partner_strategy(record, gid)
    return ("ensemble", _setting(record), gid, name, json.dumps(params, sort_keys=True), seeds)


class DebriefCache:
    """Counterfactuals and ensembles computed once per key and shared (thread-safe: a
    second caller with the same key waits for the first, then reads its result). Keeps
    the ``size`` most recently used results."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._busy: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how many results were computed (not shared)
        #: ``shadow(record, gid)``: counterfactuals played alongside the game, or None
        self.shadow: Callable[[Mapping[str, Any], str], list[Counterfactual] | None] | None = None

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            lock = self._busy.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._done:
                    return self._done[key]
            value = compute()
            with self._lock:
                self._done[key] = value
                self.computed += 1
                while len(self._done) > self.size:
                    self._done.popitem(last=False)
                self._busy.pop(key, None)
            return value

    def counterfactuals(self, record: Mapping[str, Any], gid: str) -> list[Counterfactual]:
        def compute() -> list[Counterfactual]:
            done = self.shadow(record, gid) if self.shadow is not None else None
            return done if done is not None else counterfactuals(record, gid)

        return self.get(counterfactual_key(record, gid), compute)

    def ensemble(self, record: Mapping[str, Any], gid: str, seeds: int) -> EnsembleComparison:
        runs = self.get(ensemble_key(record, gid, seeds), lambda: ensemble_runs(record, gid, seeds))
        return compare(record, gid, runs, seeds)


# ---------------------------------------------------------------------- the debrief
def _opponent(pseat: Mapping[str, Any]) -> str:
    if not pseat.get("human"):
        return f"the computer, playing {pseat['strategy']}"
    who = pseat.get("player") or "another student"
    if pseat.get("player_kind") == "bot":
        who += " (a bot)"
    if pseat.get("takeover_round") is not None:
        return (
            f"{who}, then the computer ({pseat['strategy']}) from round {pseat['takeover_round']}"
        )
    return who


def build_debrief(
    record: Mapping[str, Any],
    gid: str,
    with_counterfactuals: bool | None = None,
    ensemble_seeds: int | None = None,
    cache: DebriefCache | None = None,
) -> Debrief:
    """The whole debrief of seat ``gid`` (counterfactuals and ensemble as the record's
    session asked, unless given; shared through ``cache`` if given)."""
    partner = _partner(record, gid)
    seats = {s["gid"]: s for s in record["seats"]}
    summary, paragraphs, moments = narrate(record, gid)
    pseat = seats[partner]
    k = takeover_round(record, gid)
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
        opponent=_opponent(pseat),
        takeover_round=k,
        own_rounds=None if k is None else k - 1,
        own_payoff=own_payoff(record, gid),
    )
    if with_counterfactuals is None:
        with_counterfactuals = bool(record.get("counterfactuals", True))
    if with_counterfactuals:
        table = (cache.counterfactuals if cache else counterfactuals)(record, gid)
        debrief.counterfactuals = table
        own = debrief.own_rounds
        mine = debrief.own_payoff
        if mine is not None and own != 0:
            better = sum(c.payoff_over(own) > mine + 1e-9 for c in table)
            debrief.rank = better + 1
    seeds = record.get("ensemble_seeds", 8) if ensemble_seeds is None else ensemble_seeds
    if seeds:
        if cache is not None:
            debrief.ensemble = cache.ensemble(record, gid, int(seeds))
        else:
            debrief.ensemble = ensemble_comparison(record, gid, int(seeds))
    return debrief


def action_counts(record: Mapping[str, Any], gid: str) -> dict[str, int]:
    seat = _seat(record, gid)
    counts = Counter(Action.parse(m["action"]).label for m in seat["moves"])
    return {a.label: counts.get(a.label, 0) for a in Action}

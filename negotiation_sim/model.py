"""``NegotiationModel``: one ``step()`` is one round of the standoff.

The round, as ``step`` tells it:
1. scheduled calendar events have fired (Mesa's event list runs them before the step);
2. the economy values this round's trade, welfare and firm profits;
3. firms book profits, adapt and lobby;
4. governments observe and decide, all at once;
5. the protocol applies moves and offers and settles deals;
6. the outcome is classified;
7. the data is collected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from negotiation_sim import stagegame
from negotiation_sim.agents import Firm, FirmPopulation, Government
from negotiation_sim.calendar import event_round, round_of
from negotiation_sim.core import Action, Move, Package
from negotiation_sim.economy import RoundEval, build_world, evaluate
from negotiation_sim.economy.world import CONTROL_COLUMNS
from negotiation_sim.protocol import (
    Deal,
    Directions,
    Policy,
    apply_move,
    build_offer,
    check_move,
    classify,
    package_policy,
)
from negotiation_sim.scenario import Scenario, load_scenario
from negotiation_sim.strategies import MoveRequired, get_strategy
from negotiation_sim.strategies.base import GameView, choose_instrument
from negotiation_sim.strategies.human import Human

Overrides = Mapping[str, Any] | Iterable[str] | None


def as_scenario(scenario: Scenario | str | Path, overrides: Overrides = None) -> Scenario:
    """A ``Scenario`` from a loaded scenario, a path or a scenario name."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.with_overrides(overrides)


class NegotiationModel(mesa.Model):
    """Governments negotiating with tariffs and export controls while their firms lobby.

    ``NegotiationModel(scenario, rng=seed, overrides=None)``; every random draw comes from
    ``self.rng``. ``record_stage_game=False`` skips computing the stage game every round
    (strategies that use payoffs still get it on demand), and ``record=False`` keeps only
    the run summary instead of the per-round table, as sweeps do.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        rng: int | None = None,
        overrides: Overrides = None,
        rounds: int | None = None,
        record_stage_game: bool = True,
        record: bool = True,
    ) -> None:
        super().__init__(rng=rng)
        self._mesa_step = self.step  # Mesa's wrapper: advances time, then calls our step
        self.step = self._checked_step
        self.spec = as_scenario(scenario, overrides)
        data = self.spec.data
        self.data = data
        if rounds is not None and (
            isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1
        ):
            raise ValueError(f"rounds must be a whole number >= 1, got {rounds!r}")
        self.horizon = int(rounds or data["scenario"]["rounds"])
        last_day = (self.horizon - 1) * data["scenario"]["round_days"]
        if (dt.date.max - data["scenario"]["start_date"]).days < last_day:
            raise ValueError(f"rounds = {self.horizon} would run past 9999-12-31")
        self.start_date: dt.date = data["scenario"]["start_date"]
        self.round_days: int = data["scenario"]["round_days"]
        self.record_stage_game = record_stage_game and record
        self.record = record
        self.world = build_world(data, self.rng)
        self.index = {gid: i for i, gid in enumerate(self.world.countries)}
        self.party_ids: tuple[str, str] = self.spec.parties
        self.dirs = Directions(self.world)
        self.policy = Policy(self.world.initial_tariff.copy(), self.world.initial_controls.copy())
        self.governments: dict[str, Government] = {}
        a, b = self.party_ids
        for gid, gspec in data["governments"].items():
            partner = {a: b, b: a}.get(gid)
            strategy = get_strategy(gspec["strategy"], **(gspec["strategy_params"] or {}))
            self.governments[gid] = Government(self, gid, self.index[gid], gspec, strategy, partner)
        self.parties = [self.governments[a], self.governments[b]]
        self.population = FirmPopulation(self.world)
        self.firms = [Firm(self, self.population, row) for row in range(self.world.n_firms)]
        self.deal: Deal | None = None
        self.war_streak = 0
        self.outcome = "ongoing"
        self.outcomes: list[str] = []
        self.round_events: list[str] = []
        self.deal_bonus = 0.0
        self.deal_news = ""
        self.offers: dict[str, Package] = {}
        self.last_eval: RoundEval | None = None
        self._stage_cache: tuple[int, np.ndarray, np.ndarray] | None = None
        self._calendar: dict[int, list[dict[str, Any]]] = {}
        self.deadlines: list[int] = []
        if data["negotiation"]["initial_truce"]:
            self.deal = self._initial_truce()
        self._schedule_calendar()
        self.peak = {g.gid: self.tariff_on_partner(g) for g in self.parties}
        self.cumulative_welfare = np.zeros(len(self.world.countries))
        self.deals_struck = 0
        self.deals_broken = 0
        self.first_deal_round = 0
        self.datacollector = mesa.DataCollector(tables={"rounds": self._columns()})
        self.running = True

    # ------------------------------------------------------------------ the round
    def _checked_step(self) -> None:
        """Refuse to start a round while a Human player still owes a move."""
        self._check_humans()
        self._mesa_step()

    def step(self) -> None:
        """One round (see the module docstring)."""
        ev = self.value_economy()
        self.book_payoffs(ev)
        self.firms_adapt_and_lobby(ev)
        moves = self.governments_decide()
        self.settle(moves)
        self.classify_outcome()
        self.collect()
        self.deal_bonus = 0.0
        self.round_events = []
        if self.round >= self.horizon:
            self.running = False
            self.book_payoffs(self._evaluate([self.policy]))

    @property
    def round(self) -> int:
        """Number of the round being played (1-based); equals Mesa's ``steps``."""
        return self.steps

    @property
    def date(self) -> dt.date:
        return self.date_of(self.round)

    def date_of(self, round_: int) -> dt.date:
        return self.start_date + dt.timedelta(days=(max(round_, 1) - 1) * self.round_days)

    def round_of(self, date: dt.date, takes_effect: bool = False) -> int:
        """Round holding ``date``; with ``takes_effect``, the first round that starts on or
        after it (policy changes take effect from their date)."""
        return round_of(date, self.start_date, self.round_days, takes_effect)

    # ------------------------------------------------------------------ 2. economy
    def value_economy(self) -> RoundEval:
        """Value this round's economy from the policies in force (after calendar events)."""
        ev = self._evaluate([self.policy])
        self.last_eval = ev
        for gov, value in zip(self.parties, self._utilities(ev), strict=True):
            gov.utility_now = value
        return ev

    def _utilities(self, ev: RoundEval) -> list[float]:
        """U1 of each party for the first state of ``ev``, plus the value of a deal in force."""
        weighted = self.population.weighted_delta(ev.firm_delta)
        bonus = self.deal is not None
        return [
            float(gov.utility(ev.welfare, weighted)[0]) + bonus * gov.spec["deal_value"]
            for gov in self.parties
        ]

    def book_payoffs(self, ev: RoundEval) -> None:
        """A move's payoff is the utility of the round it leads to, less the audience cost
        paid for a concession (so round r's payoff is booked when round r + 1 is valued;
        after the last round, from one extra valuation of the final policies)."""
        values = self._utilities(ev)
        for gov, value in zip(self.parties, values, strict=True):
            if len(gov.payoffs) < len(gov.moves):
                gov.payoffs.append(value - gov.paid)

    def _evaluate(
        self, policies: list[Policy], weeks: float | np.ndarray | None = None
    ) -> RoundEval:
        tariff = np.stack([p.tariff for p in policies])
        controls = np.stack([p.controls for p in policies])
        purchases = np.array([p.purchases for p in policies])
        return evaluate(self.world, tariff, controls, purchases, self.population.state, weeks)

    # ------------------------------------------------------------------ 3. firms
    def firms_adapt_and_lobby(self, ev: RoundEval) -> None:
        self.population.book(ev)
        self.population.adapt(ev, self.policy.controls)
        self.population.lobby()

    # ------------------------------------------------------------------ 4. decisions
    def view_for(self, gov: Government) -> GameView:
        deadline = next((r - self.round for r in self.deadlines if r >= self.round), None)
        return GameView(
            round=self.round,
            horizon=self.horizon,
            me=gov.gid,
            partner=gov.partner or "",
            my_moves=gov.moves,
            partner_moves=gov.seen,
            my_payoffs=gov.payoffs,
            instruments=gov.instruments,
            levels=self.levels(gov),
            deal_in_force=self.deal.kind if self.deal else None,
            rounds_to_deadline=deadline,
            lobbying=self.population.lobbying(gov.index),
            rng=self.rng,
            stage_payoffs=gov.stage_payoffs if gov.is_party else None,
        )

    def governments_decide(self) -> dict[str, Move]:
        """Every government decides at once; implementation noise may replace a move."""
        noise = self.data["negotiation"]["implementation_noise"]
        moves = {}
        if self.record_stage_game:
            self.stage_matrices()  # the game as the governments face it, before they move
        for gov in self.governments.values():
            view = self.view_for(gov)
            move = gov.decide(view)
            if noise > 0 and self.rng.random() < noise:
                move = Move(Action(int(self.rng.integers(3))))
                move = Move(move.action, choose_instrument(move.action, view))
            if gov.is_party:
                check_move(move, gov.gid, gov.instruments)
            moves[gov.gid] = move
        return moves

    def _check_humans(self) -> None:
        for gov in self.governments.values():
            s = gov.strategy
            if isinstance(s, Human) and not s.pending and s.fallback is None:
                raise MoveRequired(f"{gov.gid} (Human) has no move for round {self.round + 1}")

    # ------------------------------------------------------------------ 5. protocol
    def settle(self, moves: dict[str, Move]) -> None:
        """Break deals, apply moves, value offers and strike a deal, book audience costs."""
        self.deal_news = ""
        escalated = [g for g in self.party_ids if moves[g].action is Action.ESCALATE]
        if self.deal is not None and escalated:
            self._end_deal(f"broken by {', '.join(escalated)}")
        elif self.deal is not None and self._shock(self.data["negotiation"]["deal_break_hazard"]):
            self._end_deal("broken by outside shock")
        self._pre_move_policy = self.policy.copy()
        for gov in self.governments.values():
            move = moves[gov.gid]
            if gov.is_party:
                apply_move(self.policy, self.world, self.dirs, gov.index, gov.spec, move)
            else:
                self._third_country_move(gov, move)
        # a concession proposes a package, except under a comprehensive deal: then there
        # is nothing left to negotiate (an explicit offer is still considered)
        settled = self.deal is not None and self.deal.kind == "comprehensive"
        self.offers = {
            gov.gid: moves[gov.gid].offer or self._offer(gov)
            for gov in self.parties
            if moves[gov.gid].action is Action.CONCEDE
            and (moves[gov.gid].offer is not None or not settled)
        }
        for gov in self.parties:
            gov.reservation = float("nan")  # valued only in rounds with offers
        if self.offers:
            self._negotiate(moves)
        for gov in self.parties:
            action = moves[gov.gid].action
            gov.paid = gov.audience_cost() if action is Action.CONCEDE else 0.0
            if action is Action.CONCEDE:
                gov.standoff = 0
            elif action is Action.ESCALATE:
                gov.standoff = max(gov.standoff, 1)
            if self.deal is not None and self.deal.in_run:
                gov.standoff = 0
            elif gov.standoff > 0:
                gov.standoff += 1
            gov.moves.append(moves[gov.gid])
        self._perceive(moves)

    def _shock(self, hazard: float) -> bool:
        """A draw with probability ``hazard``; draws nothing when the hazard is 0."""
        return hazard > 0 and self.rng.random() < hazard

    def _negotiate(self, moves: dict[str, Move]) -> None:
        """N2: value each offer against both reservation values; strike the best one both
        accept. The reservation value is the utility of carrying on without a deal,
        valued ``reservation_lookahead`` rounds ahead (stockpiles keep running down)."""
        neg = self.data["negotiation"]
        packages = list(self.offers.values())
        states = [self.policy] + [
            package_policy(p, self.policy, self.world, self.dirs, self.index) for p in packages
        ]
        weeks = np.full((len(states), 1), self.world.round_weeks)
        weeks[0] *= 1 + neg["reservation_lookahead"]
        ev = self._evaluate(states, weeks)
        weighted = self.population.weighted_delta(ev.firm_delta)
        values = {}
        for gov in self.parties:
            values[gov.gid] = gov.utility(ev.welfare, weighted)
            in_deal = gov.spec["deal_value"] if self.deal is not None else 0.0
            gov.reservation = float(values[gov.gid][0]) + in_deal
        best, best_surplus = 0, -np.inf
        for k in range(1, len(states)):
            surplus, accepted = 0.0, True
            for gov in self.parties:
                value = values[gov.gid][k] + gov.spec["deal_value"] + self.deal_bonus
                value -= self.face_cost(gov, states[k])
                if moves[gov.gid].action is Action.ESCALATE or value < gov.reservation:
                    accepted = False
                surplus += value - gov.reservation
            if accepted and surplus > best_surplus:
                best, best_surplus = k, surplus
        if best:
            self._strike(packages[best - 1], states[best])

    def _perceive(self, moves: dict[str, Move]) -> None:
        """Each party records its partner's move, misread with the perception noise."""
        noise = self.data["negotiation"]["perception_noise"]
        for gov in self.parties:
            seen = moves[gov.partner]
            if noise > 0 and self.rng.random() < noise:
                other = [a for a in Action if a is not seen.action]
                action = other[int(self.rng.integers(len(other)))]
                seen = Move(action, seen.instrument)
            gov.seen.append(seen)

    def _offer(self, gov: Government) -> Package:
        t = (self.round - 1) / max(1, self.horizon - 1)
        return build_offer(
            gov.gid,
            gov.partner,
            gov.strategy.aspiration(t),
            self.policy,
            self.world,
            self.dirs,
            self.data["governments"],
            self.data["negotiation"],
            self.index,
        )

    def _strike(self, package: Package, policy: Policy) -> None:
        r = self.round
        expires = None
        if package.kind == "truce":
            expires = r + self.data["negotiation"]["truce_rounds"]
        # if the deal fails, policies return to where they were before this round's moves,
        # or, when it replaces a deal in force, to where that deal would have returned them
        old = self.deal
        snap = old.snapback if old is not None else self._pre_move_policy
        pp = old.snapback_pp if old is not None else 0.0
        self.deal = Deal(package, package.kind, r, expires, snap.copy(), True, pp)
        self.policy = policy.copy()
        self.deal_news = f"{package.kind} struck"
        self.deals_struck += 1
        self.first_deal_round = self.first_deal_round or r
        if expires is not None and expires <= self.horizon:
            self.schedule_event(self._expire_truce, at=expires - 0.5)

    def _end_deal(self, why: str) -> None:
        """The deal ends: policies snap back to at least their pre-deal levels."""
        snap = self.deal.snapback
        self.policy.tariff = np.maximum(self.policy.tariff, snap.tariff)
        self.policy.controls = np.maximum(self.policy.controls, snap.controls)
        if self.deal.snapback_pp:
            for gov in self.parties:
                self.dirs.shift(
                    self.policy.tariff,
                    gov.index,
                    self.deal.snapback_pp,
                    self.world.params["max_tariff"],
                )
        self.policy.purchases = 0.0
        self.deal_news = f"{self.deal.kind} {why}"
        self.deals_broken += why.startswith("broken")
        self.round_events.append(self.deal_news)
        self.deal = None

    def _expire_truce(self) -> None:
        deal = self.deal
        if (
            deal is not None
            and deal.expires_round is not None
            and deal.expires_round <= self.round + 1
        ):
            self._end_deal("expired")

    def _third_country_move(self, gov: Government, move: Move) -> None:
        """A third country tightens (escalate) or loosens (concede) its checks on
        rerouted goods by 0.25, within [0, 1]."""
        if move.action is Action.HOLD:
            return
        k = np.flatnonzero(self.world.third == gov.index)
        if k.size:
            step = 0.25 if move.action is Action.ESCALATE else -0.25
            self.world.enforcement[k] = np.clip(self.world.enforcement[k] + step, 0.0, 1.0)

    # ------------------------------------------------------------------ 6. outcome
    def classify_outcome(self) -> None:
        threshold = self.data["outcomes"]["trade_war_escalation"]
        self.tariff_levels = {g.gid: self.tariff_on_partner(g) for g in self.parties}
        self.escalations = {
            g.gid: self.escalation(g, tariff=self.tariff_levels[g.gid]) for g in self.parties
        }
        hot = min(self.escalations.values()) >= threshold
        self.war_streak = self.war_streak + 1 if hot and self.deal is None else 0
        self.outcome = classify(
            self.deal, self.war_streak, self.round, self.horizon, self.data["outcomes"]
        )
        self.outcomes.append(self.outcome)
        for g, level in self.tariff_levels.items():
            self.peak[g] = max(self.peak[g], level)

    # ------------------------------------------------------------------ measures
    def tariff_on_partner(self, gov: Government, policy: Policy | None = None) -> float:
        """Trade-weighted average tariff (%) of a party on its partner."""
        return float(self.dirs.average((policy or self.policy).tariff, gov.index))

    def levels(self, gov: Government) -> dict[str, float]:
        """Each instrument's level scaled to [0, 1]: 0 at its floor (the tariff floor, or
        no control), 1 at its maximum (``max_tariff``, or level 3)."""
        out = {}
        for name in gov.instruments:
            if name == "tariff":
                floor = gov.spec["tariff_floor"]
                span = 100.0 * self.world.params["max_tariff"] - floor
                above = self.tariff_on_partner(gov) - floor
                out[name] = min(1.0, max(0.0, above / span)) if span > 0 else 0.0
            else:
                out[name] = self.policy.controls[gov.index, CONTROL_COLUMNS[name]] / 3.0
        return out

    def escalation(
        self, gov: Government, policy: Policy | None = None, tariff: float | None = None
    ) -> float:
        """E1: escalation index in [0, 1], the mean over the government's instruments of
        tariff / escalation_tariff_scale (capped at 1) and control level / 3."""
        if not gov.instruments:
            return 0.0
        policy = policy or self.policy
        scale = self.data["economy"]["escalation_tariff_scale"]
        total = 0.0
        for name in gov.instruments:
            if name == "tariff":
                level = self.tariff_on_partner(gov, policy) if tariff is None else tariff
                total += min(1.0, level / scale)
            else:
                total += int(policy.controls[gov.index, CONTROL_COLUMNS[name]]) / 3.0
        return total / len(gov.instruments)

    def face_cost(self, gov: Government, package_policy: Policy) -> float:
        """N2: audience cost of accepting a package in which ``gov`` backs down further
        than its partner: a * standoff * max(0, drop in own escalation - partner's drop)."""
        cost = gov.audience_cost()
        if cost == 0.0:
            return 0.0
        partner = self.governments[gov.partner]
        own = self.escalation(gov) - self.escalation(gov, package_policy)
        other = self.escalation(partner) - self.escalation(partner, package_policy)
        return cost * max(0.0, own - other)

    # ------------------------------------------------------------------ stage game
    def stage_matrices(self, fresh: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """One-round payoffs (A for the first party, B for the second), rows = first
        party's action, columns = second's, from the current policies and stockpiles.

        Cached per round: within a round this is the game the governments faced before
        they moved. ``fresh=True`` values the game from the policies in force now (e.g.
        between rounds, for the next decision)."""
        if not fresh and self._stage_cache is not None and self._stage_cache[0] == self.round:
            return self._stage_cache[1], self._stage_cache[2]
        a, b = self.parties
        va, vb = self.levels(a), self.levels(b)
        states = []
        for i in Action:
            for j in Action:
                p = self.policy.copy()
                for gov, act, lv in ((a, i, va), (b, j, vb)):
                    view = GameView(
                        self.round,
                        self.horizon,
                        gov.gid,
                        gov.partner,
                        instruments=gov.instruments,
                        levels=lv,
                    )
                    apply_move(
                        p,
                        self.world,
                        self.dirs,
                        gov.index,
                        gov.spec,
                        Move(act, choose_instrument(act, view)),
                    )
                states.append(p)
        ev = self._evaluate(states)
        weighted = self.population.weighted_delta(ev.firm_delta)
        ua = a.utility(ev.welfare, weighted).reshape(3, 3)
        ub = b.utility(ev.welfare, weighted).reshape(3, 3)
        ua[Action.CONCEDE, :] -= a.audience_cost()
        ub[:, Action.CONCEDE] -= b.audience_cost()
        self._stage_cache = (self.round, ua, ub)
        return ua, ub

    def stage_payoffs(self, gid: str) -> tuple[np.ndarray, np.ndarray]:
        """Stage-game matrices from ``gid``'s seat: (mine, partner's), rows = my action."""
        ua, ub = self.stage_matrices()
        if gid == self.party_ids[0]:
            return ua, ub
        return ub.T, ua.T

    # ------------------------------------------------------------------ calendar
    def _schedule_calendar(self) -> None:
        for event in self.data["calendar"]:
            r = event_round(event, self.start_date, self.round_days)
            if r > self.horizon:
                continue
            self._calendar.setdefault(r, []).append(event)
            if event["deadline"]:
                self.deadlines.append(r)
        self.deadlines.sort()
        for r in sorted(self._calendar):
            self.schedule_event(self._fire_calendar, at=r - 0.5)

    def _fire_calendar(self) -> None:
        """Fire the calendar events dated in the round about to start."""
        for event in self._calendar.get(int(self.time + 0.5), []):
            self.fire(event)

    def fire(self, event: dict[str, Any]) -> None:
        """Apply one calendar event (docs/model.md, sections 3.2 and 7.15)."""
        kind = event["type"]
        new_deal = self.deal is not None and self.deal.in_run
        skip = event["unless_deal"] and new_deal
        label = event["label"]
        if kind in ("meeting", "summit"):
            self.deal_bonus += event["deal_bonus"]
        elif kind == "tariff_threat":
            if skip:
                label += " (averted by deal)"
            else:
                gov = self.governments[event["government"]]
                if gov.is_party:
                    cap = self.world.params["max_tariff"]
                    self.dirs.shift(self.policy.tariff, gov.index, event["increase"], cap)
                    gov.standoff = max(gov.standoff, 1)
        elif kind == "truce_expiry":
            if self.deal is not None and not self.deal.in_run:
                self._end_deal("expired")
            else:
                label += " (superseded)"
        elif kind == "control_rule":
            if skip:
                label += " (suspended by deal)"
            else:
                g = self.index[event["government"]]
                col = CONTROL_COLUMNS[event["instrument"]]
                self.policy.controls[g, col] = max(self.policy.controls[g, col], event["level"])
        self.round_events.append(label)

    def _initial_truce(self) -> Deal:
        """The truce in force at round 1; it snaps back by the calendar's truce-expiry
        raise (on top of the tariffs then in force) when it expires or breaks."""
        raise_pp = max(
            (e["snapback"] for e in self.data["calendar"] if e["type"] == "truce_expiry"),
            default=0.0,
        )
        levels = {g.gid: self.tariff_on_partner(g) for g in self.parties}
        package = Package("initial", levels, {g.gid: g.controls for g in self.parties}, 0.0)
        return Deal(package, "truce", 0, None, self.policy.copy(), False, raise_pp)

    # ------------------------------------------------------------------ 7. data
    def _columns(self) -> list[str]:
        a, b = self.party_ids
        cols = ["round", "date", "outcome", "deal", "deal_news", "events"]
        cols += [f"tariff_{a}_{b}", f"tariff_{b}_{a}", "tariff_avg"]
        for gov in self.governments.values():
            cols += [f"control_{gov.gid}_{n}" for n in gov.instruments if n != "tariff"]
        for g in self.party_ids:
            cols += [
                f"escalation_{g}",
                f"move_{g}",
                f"offer_{g}",
                f"utility_{g}",
                f"reservation_{g}",
                f"lobbying_{g}",
            ]
        cols += [f"welfare_{c}" for c in self.world.countries]
        cols += [f"profit_{g}" for g in self.world.groups]
        cols += ["stockout_firms", "purchases"]
        cols += ["nash_pure", "nash_mixed", "stage_payoffs"]
        return cols

    def collect(self) -> None:
        """Record the round: the summary trackers always, the per-round table if asked."""
        welfare = self.last_eval.welfare[0]
        self.cumulative_welfare += welfare
        if not self.record:
            return
        a, b = self.parties
        ev = self.last_eval
        row: dict[str, Any] = {
            "round": self.round,
            "date": self.date.isoformat(),
            "outcome": self.outcome,
            "deal": self.deal.kind if self.deal else "",
            "deal_news": self.deal_news,
            "events": "; ".join(self.round_events),
            f"tariff_{a.gid}_{b.gid}": self.tariff_levels[a.gid],
            f"tariff_{b.gid}_{a.gid}": self.tariff_levels[b.gid],
        }
        row["tariff_avg"] = 0.5 * (row[f"tariff_{a.gid}_{b.gid}"] + row[f"tariff_{b.gid}_{a.gid}"])
        for gov in self.governments.values():
            for name, level in gov.controls.items():
                row[f"control_{gov.gid}_{name}"] = level
        for gov in self.parties:
            g = gov.gid
            row[f"escalation_{g}"] = self.escalations[g]
            row[f"move_{g}"] = str(gov.moves[-1])
            row[f"offer_{g}"] = self.offers[g].describe() if g in self.offers else ""
            row[f"utility_{g}"] = gov.utility_now - gov.paid
            row[f"reservation_{g}"] = gov.reservation
            row[f"lobbying_{g}"] = self.population.lobbying(gov.index)
        for c, name in enumerate(self.world.countries):
            row[f"welfare_{name}"] = float(ev.welfare[0, c])
        by_group = np.bincount(
            self.world.firms.group, weights=self.population.profit, minlength=len(self.world.groups)
        )
        for g, name in enumerate(self.world.groups):
            row[f"profit_{name}"] = float(by_group[g])
        row["stockout_firms"] = int(
            np.count_nonzero(
                (self.population.state.short_weeks > 0)
                & (self.world.firms.rare_earth_dependence > 0)
            )
        )
        row["purchases"] = self.policy.purchases
        if self.record_stage_game:
            ua, ub = self.stage_matrices()
            pure, mixed = stagegame.describe(ua, ub)
            row["nash_pure"], row["nash_mixed"] = pure, mixed
            row["stage_payoffs"] = ";".join(
                f"{x:.3f},{y:.3f}" for x, y in zip(ua.ravel(), ub.ravel(), strict=True)
            )
        else:
            row["nash_pure"] = row["nash_mixed"] = row["stage_payoffs"] = ""
        self.datacollector.add_table_row("rounds", row)

    def trajectory(self):
        """The per-round record as a pandas DataFrame."""
        return self.datacollector.get_table_dataframe("rounds")

"""``NegotiationModel``: one ``step()`` is one round of the standoff.

Before a round starts, its opening event (a Mesa event at half a round before the step)
checks that every seat can decide and fires the calendar's events for the round. Then
``step`` tells the round: value the economy, book payoffs, let firms adapt and lobby,
let every government decide, let the mechanism settle, classify, record. The rules
live in the modules they name (``economy``, ``game``); this module is wiring.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import mesa
import numpy as np
from mesa.time import Priority

from negotiation_sim.abm.firm import Firm
from negotiation_sim.abm.government import Government
from negotiation_sim.abm.recording import build_record
from negotiation_sim.abm.seeing import build_view, note_levels
from negotiation_sim.core import Action, Move
from negotiation_sim.economy import RoundEval, build_world
from negotiation_sim.economy.population import FirmPopulation
from negotiation_sim.game import measures
from negotiation_sim.game.calendar import Calendar, fire
from negotiation_sim.game.dyad import Dyad
from negotiation_sim.game.mechanism import Deal, Mechanism, Settlement
from negotiation_sim.game.outcome import OutcomeTracker
from negotiation_sim.game.party import draw_resolve, make_party
from negotiation_sim.game.policy import Policy, check_move
from negotiation_sim.game.record import RecordLayout
from negotiation_sim.game.stagegame import stage_matrices
from negotiation_sim.game.valuation import Valuer, conflict_cost, values_alike
from negotiation_sim.scenario import Scenario
from negotiation_sim.scenario.load import Overrides, as_scenario
from negotiation_sim.strategies import MoveRequired, get_strategy
from negotiation_sim.strategies.base import GameView, choose_instrument


class NegotiationModel(mesa.Model):
    """Governments negotiating with tariffs and export controls while their firms lobby.

    ``NegotiationModel(scenario, rng=seed, overrides=None)``; every random draw comes from
    ``self.rng``. ``record_stage_game=False`` skips computing the stage game every round
    (strategies that use payoffs still get it on demand), and ``record=False`` keeps only
    the run summary instead of the per-round table, as sweeps do. ``spec`` is the
    ``Scenario`` (Mesa's own ``scenario`` attribute is left alone), ``config`` its typed form.
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
        self.seed = rng
        self.spec = as_scenario(scenario, overrides)
        self.config = config = self.spec.config
        if rounds is not None and (
            isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1
        ):
            raise ValueError(f"rounds must be a whole number >= 1, got {rounds!r}")
        meta = config.meta
        self.horizon = int(rounds or meta.rounds)
        if (dt.date.max - meta.start_date).days < (self.horizon - 1) * meta.round_days:
            raise ValueError(f"rounds = {self.horizon} would run past 9999-12-31")
        self.record_stage_game = record_stage_game and record
        self.record = record
        self.world = world = build_world(config.economy_spec(), self.rng)
        self.index = {gid: i for i, gid in enumerate(world.countries)}
        self.dyad = Dyad(world)
        self.party_ids: tuple[str, str] = self.dyad.ids
        govs, cap = config.governments, config.negotiation.audience_cap_rounds
        parties = {}
        for gid, g in govs.items():  # private resolve, drawn after the firms
            p = self.dyad.partner_or_none(gid)
            partner, p_index = (None, None) if p is None else (govs[p], self.index[p])
            resolve = draw_resolve(g, self.rng)
            parties[gid] = make_party(g, self.index[gid], partner, p_index, resolve, cap)
        self.population = FirmPopulation(world)
        self.valuer = Valuer(world, self.population)
        self.calendar = Calendar(config.calendar, meta.start_date, meta.round_days, self.horizon)
        self.mechanism = mech = Mechanism(
            world, self.dyad, parties, config.negotiation,
            config.economy.escalation_tariff_scale_pct, self.valuer, self.rng, self.horizon,
        )  # fmt: skip
        self.governments: dict[str, Government] = {
            gid: Government(self, party, get_strategy(g.strategy, **g.strategy_params), mech)
            for (gid, party), g in zip(parties.items(), config.governments.values(), strict=True)
        }
        self.parties = [self.governments[g] for g in self.party_ids]
        self.firms = [Firm(self, self.population, row) for row in range(world.n_firms)]
        if config.negotiation.initial_truce:
            mech.deal = self.calendar.initial_truce(mech)
        mech.outlook = lambda round_, ahead: self.calendar.outlook(mech, round_, ahead)
        self.schedule_event(self._open_round, at=0.5, priority=Priority.HIGH)
        self.tracker = OutcomeTracker(config.outcomes, self.horizon, self._tariffs())
        self.cumulative_welfare = np.zeros(len(world.countries))
        self.settlement: Settlement | None = None
        self.last_eval: RoundEval | None = None
        self._stage_cache: tuple[int, np.ndarray, np.ndarray] | None = None
        self.layout = RecordLayout(
            self.party_ids,
            tuple((gid, n) for gid, g in config.governments.items() for n in g.instruments
                  if n != "tariff"),
            tuple(world.countries),
            tuple(world.groups),
        )  # fmt: skip
        self.datacollector = mesa.DataCollector(tables={"rounds": self.layout.columns})
        self.running = True

    # ------------------------------------------------------------------ the round
    def step(self) -> None:
        """One round (see the module docstring)."""
        ev = self.value_economy()
        self.book_payoffs(ev)
        self.population.book(ev)
        self.population.adapt(ev, self.policy.controls)
        self.population.lobby()
        moves = self.governments_decide()
        self.settle(moves)
        self.classify_outcome()
        self.collect()
        self.mechanism.close_round()
        if self.round >= self.horizon:
            self.running = False
            self.book_payoffs(self.valuer.evaluate([self.policy]))

    def _open_round(self) -> None:
        """Half a round before round r: refuse to start it while a seat cannot decide (a
        human seat with no move; nothing changes and the opening stays scheduled), else
        fire the calendar's events for round r and schedule the next opening."""
        upcoming = int(self.time + 0.5)
        waiting = [g.gid for g in self.governments.values() if not g.ready]
        if waiting:
            self.schedule_event(self._open_round, at=self.time, priority=Priority.HIGH)
            self.time = upcoming - 1
            raise MoveRequired(f"{waiting[0]} (Human) has no move for round {upcoming}")
        for event in self.calendar.by_round.get(upcoming, []):
            public = fire(event, self.mechanism)
            if public is not None:
                self.governments[public].go_public()
        self.schedule_event(self._open_round, at=upcoming + 0.5, priority=Priority.HIGH)

    def value_economy(self) -> RoundEval:
        """Value this round's economy from the policies in force (after calendar events),
        with two more states for the parties' conflict costs: the pre-dispute reference
        (both at their tariff floors, no controls) and the calendar's no-deal outlook."""
        ahead = self.config.negotiation.reservation_lookahead
        outlook = self.mechanism.outlook(self.round, ahead)
        pair = [g.party for g in self.parties]
        states = [self.policy, measures.reference_policy(self.policy, self.dyad, pair, self.world)]
        if not values_alike(outlook, self.policy, self.population.state.restocked):
            states.append(outlook)
        weeks = np.full((len(states), 1), self.world.round_weeks)
        weeks[2:] *= 1 + ahead
        full = self.valuer.evaluate(states, weeks)
        self.last_eval = ev = full.row(0)
        weighted = self.valuer.weighted(full)
        u = {g.gid: g.preferences.utility(full.welfare, weighted) for g in self.parties}
        for gov, value in zip(self.parties, self._utilities(ev), strict=True):
            mine, theirs = u[gov.gid], u[gov.partner]
            gov.value_round(value)
            last = -1 if len(states) > 2 else 0
            gov.observe_pain(
                now=(conflict_cost(mine[1], mine[0]), conflict_cost(theirs[1], theirs[0])),
                ahead=(conflict_cost(mine[1], mine[last]), conflict_cost(theirs[1], theirs[last])),
            )
        return ev

    def _utilities(self, ev: RoundEval) -> list[float]:
        weighted = self.valuer.weighted(ev)
        deal = self.deal is not None
        return [gov.preferences.value(ev.welfare, weighted, deal) for gov in self.parties]

    def book_payoffs(self, ev: RoundEval) -> None:
        """A move's payoff is the utility of the round it leads to (round r's payoff is
        booked when round r + 1 is valued; after the last round, from one extra valuation
        of the final policies)."""
        for gov, value in zip(self.parties, self._utilities(ev), strict=True):
            gov.book(value)

    def governments_decide(self) -> dict[str, Move]:
        """Every government decides at once; implementation noise may replace a move."""
        noise = self.config.negotiation.implementation_noise
        moves = {}
        if self.record_stage_game:
            self.stage_matrices()  # the game as the governments face it, before they move
        for gov in self.governments.values():
            note_levels(self, gov)
            view = self.view_for(gov)
            move = gov.decide(view)
            if noise > 0 and self.rng.random() < noise:
                action = Action(int(self.rng.integers(3)))
                move = Move(action, choose_instrument(action, view))
            if gov.is_party:
                check_move(move, gov.gid, gov.instruments)
            moves[gov.gid] = move
        return moves

    def settle(self, moves: dict[str, Move]) -> Settlement:
        """The mechanism settles the moves; each party records what it did and saw."""
        standoffs = {g.gid: g.standoff for g in self.parties}
        aspiration = {g.gid: g.strategy.aspiration for g in self.parties}
        pressure = {g.gid: g.pressure for g in self.parties}
        s = self.mechanism.settle(self.round, moves, standoffs, aspiration, pressure)
        self.settlement = s
        expires = s.struck.expires_round if s.struck is not None else None
        if expires is not None and expires <= self.horizon:
            self.schedule_event(self._expire_truce, at=expires - 0.5)
        for gov in self.parties:
            gov.record(moves[gov.gid], s)
        return s

    def _expire_truce(self) -> None:
        self.mechanism.expire_truce(self.round + 1)  # fired half a round before it

    def classify_outcome(self) -> str:
        self.tariff_levels = tariffs = self._tariffs()
        scale = self.config.economy.escalation_tariff_scale_pct
        self.escalations = {
            g.gid: measures.escalation(self.policy, self.dyad, g.party, scale, tariffs[g.gid])
            for g in self.parties
        }
        chose = [g.gid for g in self.parties if g.last_move.action is Action.ESCALATE]
        return self.tracker.update(self.deal, self.round, tariffs, self.escalations, chose)

    def collect(self) -> None:
        """Record the round: the summary trackers always, the per-round table if asked."""
        self.cumulative_welfare += self.last_eval.welfare[0]
        if self.record:
            stage = self.stage_matrices() if self.record_stage_game else None
            row = self.layout.row(build_record(self, stage))
            self.datacollector.add_table_row("rounds", row)

    def trajectory(self):
        """The per-round record as a pandas DataFrame."""
        return self.datacollector.get_table_dataframe("rounds")

    # ------------------------------------------------------------------ views
    def view_for(self, gov: Government) -> GameView:
        """What ``gov`` may know when it decides (a read-only snapshot)."""
        return build_view(self, gov)

    def stage_matrices(self, fresh: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """This round's 3x3 stage game (first party's payoffs, second's), cached per round:
        the game the governments faced before they moved. ``fresh=True`` values it from
        the policies in force now (e.g. between rounds, for the next decision)."""
        cache = self._stage_cache
        if not fresh and cache is not None and cache[0] == self.round:
            return cache[1], cache[2]
        standoffs = {g.gid: g.standoff for g in self.parties}
        pair = (self.parties[0].party, self.parties[1].party)
        ua, ub = stage_matrices(
            self.policy, self.world, self.dyad, pair, standoffs, self.valuer, self.round,
            self.horizon,
        )  # fmt: skip
        self._stage_cache = (self.round, ua, ub)
        return ua, ub

    def stage_payoffs(self, gid: str) -> tuple[np.ndarray, np.ndarray]:
        """Stage-game matrices from ``gid``'s seat: (mine, partner's), rows = my action."""
        return self.dyad.seat(gid, *self.stage_matrices())

    # ------------------------------------------------------------------ measures
    @property
    def round(self) -> int:
        """Number of the round being played (1-based); equals Mesa's ``steps``."""
        return self.steps

    @property
    def policy(self) -> Policy:
        return self.mechanism.policy

    @property
    def deal(self) -> Deal | None:
        return self.mechanism.deal

    @property
    def outcome(self) -> str:
        return self.tracker.outcome

    def tariff_on_partner(self, gov: Government, policy: Policy | None = None) -> float:
        """Trade-weighted average tariff (%) of a party on its partner."""
        return measures.tariff_on_partner(policy or self.policy, self.dyad, gov.party)

    def escalation(self, gov: Government, policy: Policy | None = None) -> float:
        """E1: escalation index in [0, 1] (see ``game.measures.escalation``)."""
        scale = self.config.economy.escalation_tariff_scale_pct
        return measures.escalation(policy or self.policy, self.dyad, gov.party, scale)

    def _tariffs(self) -> dict[str, float]:
        return {g.gid: self.tariff_on_partner(g) for g in self.parties}

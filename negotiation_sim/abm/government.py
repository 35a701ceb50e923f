"""A government agent: its strategy and its own history (moves, what it saw of its
partner, booked payoffs) and its public standoff. Only its methods change its state."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.economy.preferences import Resolve
from negotiation_sim.game.calendar import Calendar
from negotiation_sim.game.measures import control_levels
from negotiation_sim.game.mechanism import Mechanism, Settlement
from negotiation_sim.game.party import Party
from negotiation_sim.strategies import Strategy
from negotiation_sim.strategies.base import GameView

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


#: rounds of hurting after which time presses half as hard as it can (assumption)
TIME_CONSTANT_ROUNDS = 26


class Government(mesa.Agent):
    """A government: its instruments, strategy, preferences and history.

    ``payoffs[k]`` is the payoff of ``moves[k]`` (booked when the next round is valued);
    ``standoff`` counts the rounds of public standoff that an audience cost scales with.
    """

    def __init__(
        self, model: NegotiationModel, party: Party, strategy: Strategy, mechanism: Mechanism
    ) -> None:
        super().__init__(model)
        self.party = party
        self.gid = party.gid
        self.index = party.index
        self.name = party.config.name
        self.partner = party.partner
        self.instruments = party.instruments
        self.preferences = party.preferences
        self.strategy = strategy
        self._mechanism = mechanism  # read-only: the policy in force
        self._moves: list[Move] = []
        self._seen: list[Move] = []  # partner's moves as perceived
        self._payoffs: list[float] = []
        self.standoff = 1 if party.config.public_threat else 0
        self.utility_now = 0.0  # utility of the current round's economy (+ deal value)
        self.paid = 0.0  # audience cost paid for this round's move
        self.reservation = float("nan")  # valued only in rounds with offers
        # conflict costs ($bn per round below the pre-dispute reference), mine and my
        # partner's, now and on the no-deal outlook; escalation levels at each decision
        self._pain: list[tuple[float, float]] = []
        self._ahead: tuple[float, float] = (0.0, 0.0)
        self._levels: list[tuple[float, float]] = []
        self._shifts: list[float] = []  # partner_shifts, one per decision after the first
        # duty values (D1) of both sides' measures now and at the last agreed status quo
        self._duties: tuple[float, float] = (0.0, 0.0)
        self._agreed: tuple[float, float] = (0.0, 0.0)
        self._agreement: tuple[str, int, int | None] | None = None  # the deal in force
        self._step_bn = 0.0
        self._spent = 0.0  # my conflict costs so far (gains count as zero)
        self._hurting = 0  # rounds in which the conflict cost me something

    # ------------------------------------------------------------------ history
    @property
    def moves(self) -> tuple[Move, ...]:
        return tuple(self._moves)

    @property
    def seen(self) -> tuple[Move, ...]:
        return tuple(self._seen)

    @property
    def payoffs(self) -> tuple[float, ...]:
        return tuple(self._payoffs)

    @property
    def last_move(self) -> Move | None:
        return self._moves[-1] if self._moves else None

    @property
    def is_party(self) -> bool:
        return self.partner is not None

    @property
    def pain(self) -> tuple[float, ...]:
        """My conflict cost each round so far ($bn below the pre-dispute reference)."""
        return tuple(p for p, _ in self._pain)

    @property
    def partner_pain(self) -> tuple[float, ...]:
        """My partner's conflict cost each round, as the public economics shows it."""
        return tuple(q for _, q in self._pain)

    @property
    def outlook_pain(self) -> tuple[float, float]:
        """(mine, partner's) conflict cost per round on the calendar's no-deal outlook."""
        return self._ahead

    @property
    def partner_shifts(self) -> tuple[float, ...]:
        """At each decision after the first, how much my partner's escalation index rose
        since my previous decision beyond any rise of my own (its moves and the
        calendar's measures alike; a snap-back that raises both sides, or its answer to
        my own escalation, is no shift, nor is a rise smaller than mine), or, when its
        index fell, by how much it fell (a negative shift: a rise of my own is never
        read as a fall of my partner's).
        Observed policy, not perceived moves: what a government can verify."""
        return tuple(self._shifts)

    @staticmethod
    def _shift(before: tuple[float, float], now: tuple[float, float]) -> float:
        (a0, b0), (a1, b1) = before, now
        return b1 - b0 if b1 < b0 else max(0.0, (b1 - b0) - max(0.0, a1 - a0))

    @property
    def pressure(self) -> float:
        """How hard time and pain press me, in [0, 1]: the larger of my conflict cost
        (so far plus the outlook's, over the reservation lookahead) as a share of my
        cost tolerance and the time share n / (n + 26) of the n rounds I have been
        hurting (assumption: a half-year time constant). It sets the point of my
        concession curve for offers."""
        spent, hurting = self._spent, self._hurting
        tolerance = max(self.preferences.resolve.cost_tolerance_bn, 1e-9)
        pain = min(1.0, (spent + max(0.0, self._ahead[0])) / tolerance)
        return max(pain, hurting / (hurting + TIME_CONSTANT_ROUNDS))

    def observe_pain(self, now: tuple[float, float], ahead: tuple[float, float]) -> None:
        """Record this round's conflict costs (mine, partner's) and the outlook's."""
        self._pain.append((float(now[0]), float(now[1])))
        self._spent += max(0.0, float(now[0]))
        self._hurting += now[0] > 0
        self._ahead = (float(ahead[0]), float(ahead[1]))

    def resolve_in(self, calendar: Calendar, round_: int) -> Resolve:
        """My private resolve in ``round_``: my grievance counts only from the date my
        scenario declares it (``grievance_from``; from round 1 when none is given)."""
        resolve = self.preferences.resolve
        since = self.party.config.grievance_from
        if since is None or round_ >= calendar.round_of(since) or not resolve.grievance_bn:
            return resolve
        return dataclasses.replace(resolve, grievance_bn=0.0)

    @property
    def partner_lead(self) -> float:
        """How far my partner's measures against me have risen beyond mine against it
        since the last agreed status quo (the start, the latest deal struck, or the
        expiry of a truce with its snap-back; a deal broken by an escalation leaves the
        status quo where the deal put it), in my own escalation steps of duty value
        (D1): > 0 means an escalation of its that I have not answered in kind. Its answer to my own
        escalation is no lead, whenever it comes; nor is my own cut (a concession of
        mine that no deal answered is not its escalation). Observed policy, not
        perceived moves."""
        if self._step_bn <= 0.0:
            return 0.0
        (m0, p0), (m1, p1) = self._agreed, self._duties
        return ((p1 - p0) - max(0.0, m1 - m0)) / self._step_bn

    def see_levels(
        self,
        mine: float,
        partner: float,
        duties: tuple[float, float] = (0.0, 0.0),
        agreement: tuple[str, int, int | None] | None = None,
        step_bn: float = 0.0,
        round_: int = 1,
    ) -> None:
        """Note both escalation indices as I decide (for ``partner_shifts``), and both
        sides' duty values (D1) with the deal in force as (kind, struck round, expiry
        round) for ``partner_lead``: a new deal, or a truce's expiry, resets the
        agreed status quo."""
        if self._levels:  # noted once per decision, so the history is not re-read
            self._shifts.append(self._shift(self._levels[-1], (mine, partner)))
        self._levels.append((mine, partner))
        self._duties = duties
        self._step_bn = step_bn
        prev = self._agreement
        expired = prev is not None and prev[2] is not None and prev[2] <= round_
        if len(self._levels) == 1 or (agreement != prev and (agreement or expired)):
            self._agreed = duties
        self._agreement = agreement

    # ------------------------------------------------------------------ instruments
    @property
    def tariffs(self) -> dict[str, dict[str, float]]:
        """Tariff (%) by partner and sector."""
        mech = self._mechanism
        world, tariff = mech.world, mech.policy.tariff
        out: dict[str, dict[str, float]] = {}
        for f in np.flatnonzero(world.flow_importer == self.index):
            exporter = world.countries[int(world.flow_exporter[f])]
            out.setdefault(exporter, {})[world.flow_sector[f]] = 100.0 * float(tariff[f])
        return out

    @property
    def controls(self) -> dict[str, int]:
        return control_levels(self._mechanism.policy, self.party)

    # ------------------------------------------------------------------ the round
    @property
    def ready(self) -> bool:
        """Whether the strategy can decide now (a human seat needs a submitted move)."""
        return self.strategy.ready

    def decide(self, view: GameView) -> Move:
        return self.strategy.decide(view)

    def value_round(self, utility: float) -> None:
        """This round's utility (U1 plus the value of a deal in force)."""
        self.utility_now = utility

    def book(self, utility: float) -> None:
        """Book the payoff of the last move: the utility of the round it led to, less the
        audience cost paid for it."""
        if len(self._payoffs) < len(self._moves):
            self._payoffs.append(utility - self.paid)

    def record(self, move: Move, settlement: Settlement) -> None:
        """Record this round's move and what the settlement told this government. A
        concession pays the audience cost of the standoff so far and ends it; an
        escalation starts one; a standoff grows each round, unless a deal struck in this
        run is in force (Fearon 1994)."""
        action = move.action
        self.paid = (
            self.preferences.audience_cost(self.standoff) if action is Action.CONCEDE else 0.0
        )
        if action is Action.CONCEDE:
            self.standoff = 0
        elif action is Action.ESCALATE:
            self.standoff = max(self.standoff, 1)
        if settlement.deal_in_run:
            self.standoff = 0
        elif self.standoff > 0:
            self.standoff += 1
        self.reservation = settlement.reservation[self.gid]
        self._moves.append(move)
        self._seen.append(settlement.perceived[self.gid])

    def go_public(self) -> None:
        """A tariff threat of this government took effect: its standoff is public."""
        self.standoff = max(self.standoff, 1)

    def replace_strategy(self, strategy: Strategy) -> None:
        """Hand the seat to another strategy (a classroom takeover, a human seat)."""
        self.strategy = strategy

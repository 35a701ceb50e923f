"""One classroom game: a ``NegotiationModel`` whose student seats are played by people.

A student seat holds a ``Human`` strategy without a fallback, so the model refuses to
start a round until that seat has moved. Moves are collected per seat (``submit``); when
every student seat has a move, the round resolves (``model.step()``). When a seat is
taken over (the student left or stalled), its strategy becomes ``Human(fallback=<computer
strategy>)`` and the computer plays it from then on.

Everything a student may see is built by ``seat_view``: it never contains the other
seat's pending move. Bad input raises ``TeachingError`` with a message meant for the
student, and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotiation_sim import views
from negotiation_sim.abm.model import NegotiationModel, Overrides
from negotiation_sim.core import CONTROL_LEVELS, Action, Move, Package
from negotiation_sim.game.offers import build_offer, lasting_kind
from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario, parse_overrides
from negotiation_sim.strategies import Human, get_strategy
from negotiation_sim.strategies.base import choose_instrument
from negotiation_sim.teaching import seatview
from negotiation_sim.teaching.moves import (
    ReplayStrategy,
    TeachingError,
    instrument_words,
    library_strategies,
    move_from_dict,
    move_to_dict,
    package_from_dict,
    package_to_dict,
    strategy_label,
)
from negotiation_sim.teaching.seatview import FirmReport, RoundLine, SeatView, UpcomingEvent

__all__ = [
    "FirmReport",
    "Game",
    "ReplayStrategy",
    "RoundLine",
    "SeatState",
    "SeatView",
    "TeachingError",
    "UpcomingEvent",
    "library_strategies",
    "move_from_dict",
    "move_to_dict",
    "package_from_dict",
    "package_to_dict",
    "strategy_label",
]


@dataclass
class SeatState:
    """Who plays a seat: a student (``human``) or the computer, and since when."""

    gid: str
    human: bool
    strategy: str | None = None  # computer strategy name
    params: dict[str, float] = field(default_factory=dict)
    takeover_round: int | None = None  # first round the computer played after a takeover
    takeover_reason: str = ""

    @property
    def label(self) -> str:
        return strategy_label(self.strategy or "", self.params) if self.strategy else "student"


class Game:
    """A negotiation game with students in some seats.

    ``Game(scenario, seed, human_seats, opponent=None, opponent_params=None, rounds=None,
    overrides=None)``: seats not in ``human_seats`` are played by the computer with the
    ``opponent`` strategy (the scenario's own strategy for that seat when ``None``).
    """

    def __init__(
        self,
        scenario: Scenario | str,
        seed: int = 1,
        human_seats: Iterable[str] = (),
        opponent: str | None = None,
        opponent_params: Mapping[str, float] | None = None,
        rounds: int | None = None,
        overrides: Overrides = None,
    ) -> None:
        try:
            pairs = parse_overrides(overrides) if overrides else []
            base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
            base = base.with_overrides(dict(pairs))
        except ScenarioError as exc:
            raise TeachingError(str(exc), "bad_scenario") from None
        parties = base.parties
        humans = list(dict.fromkeys(human_seats))
        for gid in humans:
            if gid not in parties:
                raise TeachingError(
                    f"There is no side {gid!r} in {base.stem}; choose {' or '.join(parties)}.",
                    "wrong_seat",
                )
        computer_overrides: dict[str, Any] = {}
        self.seats: dict[str, SeatState] = {}
        for gid in parties:
            if gid in humans:
                self.seats[gid] = SeatState(gid, True)
                continue
            if opponent:
                computer_overrides[f"governments.{gid}.strategy"] = opponent
                computer_overrides[f"governments.{gid}.strategy_params"] = dict(
                    opponent_params or {}
                )
            spec = base.data["governments"][gid]
            name = opponent or spec["strategy"]
            params = dict(opponent_params or {}) if opponent else dict(spec["strategy_params"])
            self.seats[gid] = SeatState(gid, False, name, params)
        try:
            self.spec = base.with_overrides(computer_overrides)
        except ScenarioError as exc:
            raise TeachingError(str(exc), "bad_strategy") from None
        for seat in self.seats.values():
            if seat.strategy:
                seat.strategy = get_strategy(seat.strategy, **seat.params).name
        self.scenario = self.spec.stem
        self.source = scenario if isinstance(scenario, str) else base.source
        #: the scenario overrides as (dotted path, value) pairs, without the seat strategies
        self.overrides: list[tuple[str, Any]] = pairs
        self.seed = int(seed)
        try:
            self.model = NegotiationModel(self.spec, rng=self.seed, rounds=rounds)
        except ValueError as exc:  # rounds or seed the model cannot take
            raise TeachingError(f"Cannot start this game: {exc}", "bad_config") from None
        self.horizon = self.model.horizon
        self.parties: tuple[str, str] = self.model.party_ids
        for gid in humans:
            self.model.governments[gid].replace_strategy(Human())
        self.pending: dict[str, Move] = {}
        self._stage: tuple[int, np.ndarray, np.ndarray] | None = None
        self.events = seatview.calendar_events(self)

    # ------------------------------------------------------------------ state
    @property
    def rounds_played(self) -> int:
        return self.model.round

    @property
    def round(self) -> int:
        """The round to be played next (``horizon + 1`` once the game is over)."""
        return self.model.round + 1

    @property
    def finished(self) -> bool:
        return not self.model.running

    @property
    def outcome(self) -> str:
        return self.model.outcome

    def partner_of(self, gid: str) -> str:
        a, b = self.parties
        return b if gid == a else a

    def human_seats(self) -> list[str]:
        """Seats a student plays now."""
        return [g for g in self.parties if self.seats[g].human]

    def waiting_for(self) -> list[str]:
        """Student seats that have not moved in the current round."""
        if self.finished:
            return []
        return [g for g in self.human_seats() if g not in self.pending]

    def payoff(self, gid: str) -> float:
        """The seat's payoff so far: the sum of its booked round payoffs."""
        return float(sum(self.model.governments[gid].payoffs))

    # ------------------------------------------------------------------ moves
    def check_seat(self, gid: str) -> None:
        if gid not in self.parties:
            raise TeachingError(
                f"There is no side {gid!r} in this game; the sides are "
                f"{' and '.join(self.parties)}.",
                "wrong_seat",
            )

    def make_move(
        self,
        gid: str,
        action: Action | str,
        instrument: str | None = None,
        offer: Package | None = None,
    ) -> Move:
        """A checked ``Move`` for seat ``gid`` (raises ``TeachingError``)."""
        self.check_seat(gid)
        if not isinstance(action, Action):
            try:
                action = Action.parse(str(action))
            except ValueError:
                raise TeachingError(
                    f"Unknown move {action!r}: choose escalate, hold or concede.", "bad_move"
                ) from None
        gov = self.model.governments[gid]
        if action is Action.HOLD:
            if offer is not None:
                raise TeachingError("A deal offer goes with a concession, not a hold.", "bad_offer")
            return Move(Action.HOLD)
        if instrument in ("", "auto"):
            instrument = None
        if instrument is not None and instrument not in gov.instruments:
            held = ", ".join(instrument_words(i) for i in gov.instruments)
            raise TeachingError(
                f"{gov.name} cannot {action.label} with {instrument!r}; it holds: {held}.",
                "bad_move",
            )
        if instrument is None:  # the default instrument, named now so the student sees it
            instrument = choose_instrument(action, self.model.view_for(gov))
        if offer is not None:
            if action is not Action.CONCEDE:
                raise TeachingError(
                    "A deal offer goes with a concession, not an escalation.", "bad_offer"
                )
            self.check_offer(gid, offer)
        return Move(action, instrument, offer)

    def submit(
        self,
        gid: str,
        action: Action | str,
        instrument: str | None = None,
        offer: Package | None = None,
    ) -> bool:
        """Record seat ``gid``'s move for the current round; resolve the round when every
        student seat has moved. Returns True if the round resolved."""
        self.check_seat(gid)
        if self.finished:
            raise TeachingError(
                f"The game is over (all {self.horizon} rounds played); no more moves.",
                "game_over",
            )
        seat = self.seats[gid]
        if not seat.human:
            who = self.model.governments[gid].name
            raise TeachingError(
                f"{who} is played by the computer ({seat.label}); it takes no moves from you.",
                "wrong_seat",
            )
        self._check_can_move(gid)
        return self.submit_move(gid, self.make_move(gid, action, instrument, offer))

    def _check_can_move(self, gid: str) -> None:
        if gid in self.pending:
            raise TeachingError(
                f"You have already moved in round {self.round} ({self.pending[gid]}). "
                "Wait for the round to resolve.",
                "double_move",
            )

    def submit_move(self, gid: str, move: Move) -> bool:
        """Queue a checked ``Move`` (from ``make_move``, or a stored one replayed) for seat
        ``gid``; resolve the round when every student seat has moved. True if it did."""
        self.check_seat(gid)
        if self.finished:
            raise TeachingError("The game is over; no more moves.", "game_over")
        if not self.seats[gid].human:
            raise TeachingError("The computer plays this seat; it takes no moves.", "wrong_seat")
        self._check_can_move(gid)
        self.pending[gid] = move
        return self.resolve_if_ready()

    def resolve_if_ready(self) -> bool:
        """Play the round if every student seat has moved. With no student left, the
        computer plays out the rest of the game."""
        if self.finished or self.waiting_for():
            return False
        self._step()
        while not self.finished and not self.human_seats():
            self._step()
        return True

    def _step(self) -> None:
        for gid, move in self.pending.items():
            self.model.governments[gid].strategy.submit(move)
        self.pending = {}
        self.model.step()

    def takeover(
        self,
        gid: str,
        strategy: str,
        params: Mapping[str, float] | None = None,
        reason: str = "",
    ) -> bool:
        """The computer plays seat ``gid`` from now on with ``strategy``. A move the
        student already submitted for this round stands. Returns True if rounds were
        played as a result (the seat was the last one the game was waiting for)."""
        self.check_seat(gid)
        seat = self.seats[gid]
        if not seat.human or self.finished:
            return False
        try:
            self.model.governments[gid].replace_strategy(
                Human(fallback=strategy, **dict(params or {}))
            )
        except ValueError as exc:
            raise TeachingError(
                f"Cannot hand the seat to {strategy!r}: {exc}", "bad_strategy"
            ) from None
        seat.human = False
        seat.strategy = get_strategy(strategy, **dict(params or {})).name
        seat.params = dict(params or {})
        seat.takeover_round = self.round + (1 if gid in self.pending else 0)
        seat.takeover_reason = reason
        return self.resolve_if_ready()

    # ------------------------------------------------------------------ offers
    def offer_terms(self, gid: str) -> dict[str, Any]:
        """Bounds for a student's own offer: current levels, floors and caps."""
        m = self.model
        seat = views.seat_view(m, gid, firms=False)
        neg = m.spec.data["negotiation"]
        return {
            "my_tariff": seat.tariff_pct,
            "partner_tariff": seat.partner_tariff_pct,
            "my_floor": seat.floor_pct,
            "partner_floor": seat.partner_floor_pct,
            "my_controls": seat.controls,
            "partner_controls": seat.partner_controls,
            "max_purchases": neg["max_purchases"],
            "buyer": neg["buyer"] if neg["max_purchases"] > 0 else "",
        }

    def standard_offer(self, gid: str) -> Package:
        """The offer the protocol would build for a concession this round (N1) from the
        current levels (the real one uses the levels after this round's moves)."""
        m = self.model
        gov = m.governments[gid]
        partner = m.governments[gov.partner]
        aspiration = gov.strategy.aspiration(gov.pressure)  # as the mechanism's N1 does
        return build_offer(
            gov.party, partner.party, aspiration, m.policy, m.world, m.dyad, m.config.negotiation
        )

    def make_offer(
        self,
        gid: str,
        my_tariff: float,
        partner_tariff: float,
        my_controls: Mapping[str, int] | None = None,
        partner_controls: Mapping[str, int] | None = None,
        purchases: float = 0.0,
    ) -> Package:
        """A lasting deal package proposed by seat ``gid`` (checked). Its kind is
        comprehensive when both tariffs are within the scenario's tolerance of their
        floors and no controls remain, otherwise partial (``game.offers.lasting_kind``,
        the protocol's own rule)."""
        self.check_seat(gid)
        m = self.model
        partner = self.partner_of(gid)
        cap = 100.0 * m.world.max_tariff
        tariffs = {gid: my_tariff, partner: partner_tariff}
        for g, value in tariffs.items():
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise TeachingError(f"The offered tariff for {g} must be a number.", "bad_offer")
            if not 0.0 <= value <= cap:
                raise TeachingError(
                    f"The offered tariff for {g} must be between 0% and {cap:g}%; got {value:g}%.",
                    "bad_offer",
                )
        controls: dict[str, dict[str, int]] = {}
        for g, given in ((gid, my_controls), (partner, partner_controls)):
            gov = m.governments[g]
            held = gov.controls
            levels = dict(held if given is None else given)
            for name, level in levels.items():
                if name not in held:
                    raise TeachingError(
                        f"{gov.name} holds no {instrument_words(name)} control.",
                        "bad_offer",
                    )
                if isinstance(level, bool) or level not in range(len(CONTROL_LEVELS)):
                    raise TeachingError(
                        f"A control level is 0 to 3 ({', '.join(CONTROL_LEVELS)}); got {level!r}.",
                        "bad_offer",
                    )
            controls[g] = {name: int(levels.get(name, held[name])) for name in held}
        neg = m.spec.data["negotiation"]
        cap_p = neg["max_purchases"]
        if not isinstance(purchases, int | float) or not 0.0 <= purchases <= cap_p:
            raise TeachingError(
                f"Purchases must be between 0 and {cap_p:g} $bn a year; got {purchases!r}.",
                "bad_offer",
            )
        kind = lasting_kind(
            m.governments[gid].party, m.governments[partner].party,
            tariffs, controls, m.config.negotiation,
        )  # fmt: skip
        return Package(
            proposer=gid,
            tariffs={g: float(v) for g, v in tariffs.items()},
            controls=controls,
            purchases=float(purchases) if cap_p > 0 else 0.0,
            kind=kind,
            aspiration=float("nan"),
        )

    def check_offer(self, gid: str, offer: Package) -> None:
        if not isinstance(offer, Package):
            raise TeachingError("An offer must be a deal package.", "bad_offer")
        if offer.proposer != gid:
            raise TeachingError("You can only make offers for your own side.", "wrong_seat")
        if set(offer.tariffs) != set(self.parties):
            raise TeachingError("An offer must name a tariff for both sides.", "bad_offer")

    # ------------------------------------------------------------------ what a seat sees
    def stage(self) -> tuple[np.ndarray, np.ndarray]:
        """This round's stage game (first party's and second party's payoffs), estimated
        from the policies in force now, before this round's scheduled events."""
        if self._stage is None or self._stage[0] != self.model.round:
            # after a step the model's per-round cache holds the game the governments
            # faced *before* their moves, so value it afresh
            ua, ub = self.model.stage_matrices(fresh=True)
            self._stage = (self.model.round, ua.copy(), ub.copy())
        return self._stage[1], self._stage[2]

    def stage_from(self, gid: str) -> tuple[np.ndarray, np.ndarray]:
        """The stage game from ``gid``'s seat: (mine, partner's), rows = my action."""
        ua, ub = self.stage()
        return (ua, ub) if gid == self.parties[0] else (ub.T, ua.T)

    def firm_reports(self, gid: str) -> list[FirmReport]:
        """What each firm group of ``gid``'s country is lobbying for, and why."""
        return views.firm_reports(self.model, gid)

    def history(self, gid: str) -> list[RoundLine]:
        """Played rounds as seen from ``gid``'s seat (the partner's moves as perceived)."""
        return seatview.history(self, gid)

    def seat_view(self, gid: str, stage: bool = True, partner_stage: bool = False) -> SeatView:
        """What the student in seat ``gid`` sees now. ``stage``/``partner_stage`` include
        the stage-game estimate (my payoffs / the partner's)."""
        return seatview.seat_view(self, gid, stage, partner_stage)

    # ------------------------------------------------------------------ the record
    def record(self) -> dict[str, Any]:
        """The game as plain data (JSON-ready): setup, seats with their moves and payoffs,
        outcome and a compact per-round table. Enough to rebuild the debrief."""
        m = self.model
        table = m.datacollector.tables["rounds"]
        a, b = self.parties
        keep = ["round", "date", "outcome", "deal", "deal_news", "events"]
        keep += [f"tariff_{a}_{b}", f"tariff_{b}_{a}"]
        for g in self.parties:
            keep += [f"escalation_{g}", f"move_{g}", f"offer_{g}", f"utility_{g}"]
            keep += [f"lobbying_{g}"]
        keep += [f"welfare_{g}" for g in self.parties]
        rows = [
            {k: _plain(table[k][i]) for k in keep if k in table} for i in range(len(table["round"]))
        ]
        seats = []
        for g in self.parties:
            gov, seat = m.governments[g], self.seats[g]
            seats.append(
                {
                    "gid": g,
                    "name": gov.name,
                    "human": seat.human or seat.takeover_round is not None,
                    "strategy": seat.strategy or "",
                    "params": dict(seat.params),
                    "takeover_round": seat.takeover_round,
                    "takeover_reason": seat.takeover_reason,
                    "payoff": round(self.payoff(g), 6),
                    "welfare": round(float(m.cumulative_welfare[gov.index]), 6),
                    "moves": [move_to_dict(mv) for mv in gov.moves],
                    "round_payoffs": [round(float(p), 6) for p in gov.payoffs],
                }
            )
        deals = views.deal_counts(m)
        outcomes = m.tracker.outcomes
        final = outcomes[-1] if outcomes else "ongoing"
        start = len(outcomes)
        while start > 1 and outcomes[start - 2] == final:
            start -= 1
        return {
            "scenario": self.scenario,
            "scenario_name": self.spec.name,
            "scenario_source": str(self.source),
            "overrides": [[k, _plain(v)] for k, v in self.overrides],
            "seed": self.seed,
            "rounds": self.horizon,
            "rounds_played": m.round,
            "parties": list(self.parties),
            "outcome": final,
            "outcome_round": start if outcomes else 0,
            "deals_struck": deals.struck,
            "deals_broken": deals.broken,
            "final_tariffs": {
                g: round(m.tariff_on_partner(m.governments[g]), 4) for g in self.parties
            },
            "seats": seats,
            "trajectory": rows,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value

"""The negotiation mechanism: it owns the policy in force and the deal in force, and
settles a round's moves into a ``Settlement`` (docs/model.md, Process overview):

1. a deal in force breaks if a party escalates (or by an outside shock);
2. every government's move is applied;
3. each conceding party proposes a package (N1), unless a comprehensive deal leaves
   nothing to negotiate (an explicit offer is still considered);
4. every package is valued against both parties' reservation values (N2) and the best
   one both accept is struck;
5. each party perceives its partner's move, misread with the perception noise.

A deal that ends (expiry, break) snaps policies back to at least their pre-deal levels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from negotiation_sim.core import Action, Move, Package
from negotiation_sim.economy.world import World
from negotiation_sim.game.dyad import Dyad
from negotiation_sim.game.measures import escalation
from negotiation_sim.game.offers import (
    NamedMeasure,
    build_control_truce,
    build_demand_offer,
    build_measure_truce,
    build_offer,
    build_purchase_offer,
    build_truce,
    package_policy,
)
from negotiation_sim.game.party import Party
from negotiation_sim.game.policy import Policy, apply_move, apply_third_country_move
from negotiation_sim.game.valuation import Valuer
from negotiation_sim.scenario.config import NegotiationRules


@dataclass
class Deal:
    """A deal in force. A truce has an expiry round. When a deal expires or breaks,
    instruments return to at least their ``snapback`` levels and then rise by
    ``snapback_pp`` points: the tariffs a truce suspended (the initial truce), which a deal
    that replaces it inherits.
    ``in_run`` is False for a truce already in force at round 1."""

    package: Package
    kind: str
    struck_round: int
    expires_round: int | None
    snapback: Policy
    in_run: bool = True
    snapback_pp: float = 0.0


@dataclass(frozen=True, slots=True)
class Settlement:
    """What one round's settlement decided. ``perceived[g]`` is the partner's move as
    party g saw it; ``reservation[g]`` is NaN in rounds without offers; ``struck`` is
    the deal struck this round (or ``None``)."""

    moves: Mapping[str, Move]
    perceived: Mapping[str, Move]
    offers: Mapping[str, Package]
    reservation: Mapping[str, float]
    struck: Deal | None
    deal_in_run: bool


class Mechanism:
    """Owns the negotiation state: the policy in force, the deal in force, this round's
    news and events, the deal bonus of this round's meetings, and the deal counters."""

    def __init__(
        self,
        world: World,
        dyad: Dyad,
        parties: Mapping[str, Party],
        rules: NegotiationRules,
        escalation_scale_pct: float,
        valuer: Valuer,
        rng: np.random.Generator,
        horizon: int,
    ) -> None:
        self.world = world
        self.dyad = dyad
        self.parties = parties  # every government, in scenario order
        self.pair = tuple(parties[g] for g in dyad.ids)
        self.index = {gid: p.index for gid, p in parties.items()}
        self.rules = rules
        self.scale = escalation_scale_pct
        self.valuer = valuer
        self.rng = rng
        self.horizon = horizon
        self.policy = Policy.initial(world)
        self.deal: Deal | None = None
        self.deal_bonus = 0.0
        self.talks = False  # a meeting with talks this round: both sides table packages
        self.news = ""
        self.events: list[str] = []
        self.struck = 0  # new agreements (a truce's extension is not one)
        self.extended = 0  # truce extensions
        self.broken = 0
        self.first_deal_round = 0
        #: open offers: proposer -> (round made, packages)
        self.standing: dict[str, tuple[int, tuple[Package, ...]]] = {}
        #: the calendar's no-deal path: (round, lookahead) -> Policy (set by the wiring;
        #: without a calendar, the policy in force)
        self.outlook: Callable[[int, int], Policy] = lambda round_, ahead: self.policy
        #: terms of every deal struck: (round, description)
        self.history: list[tuple[int, str]] = []
        #: threats that fell due under a truce struck in the run, as (label, due): ``due
        #: (policy, mechanism)`` applies the measure when the truce ends without a
        #: lasting deal (a lasting deal averts them)
        self.postponed: list[tuple[str, Callable[[Policy, Mechanism], object]]] = []
        #: by party, the latest calendar measure that took effect against its partner, as
        #: a ``NamedMeasure`` (what a named-measure truce, N1f, suspends)
        self.latest: dict[str, NamedMeasure] = {}

    # ------------------------------------------------------------------ the round
    def settle(
        self,
        round_: int,
        moves: Mapping[str, Move],
        standoffs: Mapping[str, int],
        aspiration: Mapping[str, Callable[[float], float]],
        pressure: Mapping[str, float],
    ) -> Settlement:
        """Break deals, apply moves, collect offers, strike the best acceptable package
        (a standing offer, or the extension of a truce about to expire), perceive.

        ``pressure[g]`` in [0, 1] is how hard time and pain press party g (it sets the
        point of its concession curve, ``aspiration(pressure)``)."""
        self.news = ""
        escalated = [p.gid for p in self.pair if moves[p.gid].action is Action.ESCALATE]
        if self.deal is not None and escalated:
            self.end_deal(f"broken by {', '.join(escalated)}")
        elif self.deal is not None and self._shock(self.rules.deal_break_hazard):
            self.end_deal("broken by outside shock")
        before = self.policy.copy()
        for gid, party in self.parties.items():
            move = moves[gid]
            if party.is_party:
                cfg = party.config
                apply_move(
                    self.policy, self.world, self.dyad, party.index,
                    cfg.tariff_floor_pct, cfg.tariff_step_pp, move,
                )  # fmt: skip
            else:
                apply_third_country_move(self.policy, self.world, party.index, move)
        # a concession proposes packages, except under a comprehensive deal: then there
        # is nothing left to negotiate (an explicit offer is still considered)
        settled = self.deal is not None and self.deal.kind == "comprehensive"
        offers: dict[str, Package] = {}
        # at a meeting or summit with talks, a party that holds also tables its packages
        talks = self.talks and not escalated
        for p in self.pair:
            move = moves[p.gid]
            tabled = move.action is Action.CONCEDE or (talks and move.action is Action.HOLD)
            if not tabled or (move.offer is None and settled):
                continue
            made = (
                [move.offer]
                if move.offer is not None
                else self._offers(p, aspiration[p.gid], pressure[p.gid])
            )
            offers[p.gid] = made[0]
            self.standing[p.gid] = (round_, tuple(made))
        reservation = {p.gid: float("nan") for p in self.pair}  # valued only with offers
        candidates = self._candidates(round_)
        struck = None
        if candidates:
            struck = self._negotiate(round_, moves, candidates, standoffs, reservation, before)
        return Settlement(
            moves=dict(moves),
            perceived=self._perceive(moves),
            offers=offers,
            reservation=reservation,
            struck=struck,
            deal_in_run=self.deal is not None and self.deal.in_run,
        )

    def open_offer(self, proposer: str, round_: int) -> Package | None:
        """``proposer``'s standing lasting offer if it is still open in ``round_`` (made
        within ``offer_rounds``), else ``None``."""
        standing = self.standing.get(proposer)
        if standing is None or not self._is_open(standing[0], round_):
            return None
        return standing[1][0]

    def _is_open(self, made: int, round_: int) -> bool:
        """Whether an offer made in round ``made`` still stands in ``round_``."""
        return round_ - made < self.rules.offer_rounds

    def _candidates(self, round_: int) -> list[Package]:
        """Standing offers still open (made within ``offer_rounds``), and the extension
        of a truce within ``extension_window`` rounds of its expiry."""
        for gid, (made, _) in list(self.standing.items()):
            if not self._is_open(made, round_):
                del self.standing[gid]
        out = [pkg for _, packages in self.standing.values() for pkg in packages]
        deal = self.deal
        expires = None if deal is None else deal.expires_round
        if (
            expires is not None
            and deal.kind == "truce"
            and 0 <= expires - round_ <= self.rules.extension_window
        ):
            out.append(replace(deal.package, proposer="both", duration=self.rules.truce_rounds))
        return out

    def close_round(self) -> None:
        """Forget this round's meeting bonus, talks and event labels."""
        self.deal_bonus = 0.0
        self.talks = False
        self.events = []

    # ------------------------------------------------------------------ offers
    def _offers(
        self,
        party: Party,
        aspiration: Callable[[float], float],
        pressure: float,
    ) -> list[Package]:
        """A conceding party's proposals: a lasting deal of matched cuts at the point of
        its concession curve that time and pain have reached (N1), a truce that
        suspends both sides' latest step (N1b) and, where they apply, the demand met for
        the partner's measures (N1c), a standstill with purchases (N1d), a truce on
        controls only (N1e) and a truce that suspends the latest named measures (N1f);
        under a truce struck in the run, only the lasting ones (N1, N1c, N1d)."""
        partner = self.parties[party.partner]
        a = aspiration(pressure)
        state = (self.policy, self.world, self.dyad, self.rules)
        # under a truce struck in the run, talks aim at a lasting deal: a new truce would
        # only suspend one more step (its extension is a candidate of its own)
        truces = not (self.deal is not None and self.deal.in_run and self.deal.kind == "truce")
        made = (
            build_offer(party, partner, a, *state),
            build_truce(party, partner, *state) if truces else None,
            build_demand_offer(party, partner, a, *state),
            build_purchase_offer(party, partner, a, *state),
            build_control_truce(party, partner, *state) if truces else None,
            build_measure_truce(party, partner, self.latest, *state) if truces else None,
        )
        return [pkg for pkg in made if pkg is not None]

    def package_state(self, package: Package) -> Policy:
        """The policy state ``package`` would produce now."""
        return package_policy(package, self.policy, self.world, self.dyad, self.index)

    def _negotiate(
        self,
        round_: int,
        moves: Mapping[str, Move],
        packages: list[Package],
        standoffs: Mapping[str, int],
        reservation: dict[str, float],
        before: Policy,
    ) -> Deal | None:
        """N2: value each package against both reservation values; strike the best one
        both accept (neither escalating this round). The reservation value is the
        utility of carrying on without a (new) deal, valued ``reservation_lookahead``
        rounds ahead on the calendar's no-deal path (``outlook``): stockpiles keep running
        down and scheduled measures take effect. One-off terms (a meeting's deal bonus,
        the face cost) count ``1 - discount`` as much as a lasting per-round gain."""
        lookahead = self.rules.reservation_lookahead
        ahead = self.outlook(round_, lookahead)
        states = [ahead] + [self.package_state(p) for p in packages]
        weeks = np.full((len(states), 1), self.world.round_weeks)
        weeks[0] *= 1 + lookahead
        ev = self.valuer.evaluate(states, weeks)
        weighted = self.valuer.weighted(ev)
        one_off = 1.0 - self.rules.discount
        in_force = self.deal is not None
        # a truce that lapses within the lookahead is gone on the outlook, and so is
        # its value
        lapses = in_force and self.deal.expires_round is not None
        lapses = lapses and self.deal.expires_round <= round_ + lookahead
        values = {}
        for party in self.pair:
            values[party.gid] = party.preferences.utility(ev.welfare, weighted)
            in_deal = party.deal_value(self.deal.package) if in_force and not lapses else 0.0
            terms = party.terms(self.deal.package if in_force else None)
            reservation[party.gid] = float(values[party.gid][0]) + in_deal + terms
        best, best_surplus = 0, -np.inf
        for k in range(1, len(states)):
            surplus, accepted = 0.0, True
            package = packages[k - 1]
            for party in self.pair:
                g = party.gid
                value = values[g][k] + party.deal_value(package) + party.terms(package)
                value += one_off * (
                    self.deal_bonus - self._face_cost(party, states[k], standoffs[g])
                )
                if (
                    moves[g].action is Action.ESCALATE
                    or value < reservation[g]
                    or not party.accepts_terms(package)
                ):
                    accepted = False
                surplus += value - reservation[g]
            if accepted and surplus > best_surplus:
                best, best_surplus = k, surplus
        if best:
            self.standing.clear()
            return self.strike(packages[best - 1], states[best], round_, before)
        return None

    def _face_cost(self, party: Party, state: Policy, standoff: int) -> float:
        """N2: the audience cost of a package in which ``party`` backs down further than
        its partner (drops of the escalation index from the policy in force)."""
        partner = self.parties[party.partner]
        own = self._drop(party, state)
        other = self._drop(partner, state)
        return party.preferences.face_cost(standoff, own, other)

    def _drop(self, party: Party, state: Policy) -> float:
        now = escalation(self.policy, self.dyad, party, self.scale)
        return now - escalation(state, self.dyad, party, self.scale)

    # ------------------------------------------------------------------ deals
    def strike(self, package: Package, policy: Policy, round_: int, before: Policy) -> Deal:
        """Put ``package`` in force. If it fails, policies return to where they were
        before this round's moves, or, when it replaces a deal in force, to where that
        deal would have returned them."""
        length = package.duration or self.rules.truce_rounds
        expires = round_ + length if package.kind == "truce" else None
        old = self.deal
        snap = old.snapback if old is not None else before
        pp = old.snapback_pp if old is not None else 0.0
        extended = package.proposer == "both"
        if package.lasting:
            self.postponed = []  # a lasting deal averts what a truce postponed
        self.deal = Deal(package, package.kind, round_, expires, snap.copy(), True, pp)
        self.policy = policy.copy()
        self.news = "truce extended" if extended else f"{package.kind} struck"
        self.struck += not extended
        self.extended += extended
        self.first_deal_round = self.first_deal_round or round_
        self.history.append((round_, package.describe()))
        return self.deal

    def postpone(self, label: str, due: Callable[[Policy, Mechanism], object]) -> None:
        """Hold a threat that fell due under a truce until the truce ends."""
        self.postponed.append((label, due))

    def end_deal(self, why: str) -> None:
        """The deal ends: policies snap back to at least their pre-deal levels, and the
        threats a truce postponed take effect."""
        deal = self.deal
        snap = deal.snapback
        self.policy.tariff = np.maximum(self.policy.tariff, snap.tariff)
        self.policy.controls = np.maximum(self.policy.controls, snap.controls)
        if deal.snapback_pp:
            for party in self.pair:
                self.dyad.shift(
                    self.policy.tariff, party.index, deal.snapback_pp, self.world.max_tariff
                )
        self.policy.purchases = 0.0
        for label, due in self.postponed:
            due(self.policy, self)
            self.events.append(f"{label} (takes effect: the truce ended)")
        self.postponed = []
        self.news = f"{deal.kind} {why}"
        self.broken += int(why.startswith("broken"))
        self.events.append(self.news)
        self.deal = None

    def expire_truce(self, upcoming: int) -> None:
        """End a truce due to expire by round ``upcoming``."""
        deal = self.deal
        if deal is not None and deal.expires_round is not None and deal.expires_round <= upcoming:
            self.end_deal("expired")

    # ------------------------------------------------------------------ chance
    def _shock(self, hazard: float) -> bool:
        """A draw with probability ``hazard``; draws nothing when the hazard is 0."""
        return hazard > 0 and self.rng.random() < hazard

    def _perceive(self, moves: Mapping[str, Move]) -> dict[str, Move]:
        """Each party's view of its partner's move, misread with the perception noise."""
        noise = self.rules.perception_noise
        out = {}
        for party in self.pair:
            seen = moves[party.partner]
            if noise > 0 and self.rng.random() < noise:
                other = [a for a in Action if a is not seen.action]
                action = other[int(self.rng.integers(len(other)))]
                seen = Move(action, seen.instrument)
            out[party.gid] = seen
        return out

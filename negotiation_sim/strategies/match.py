"""A lightweight repeated-game harness without the economic model, for tests and classrooms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies.base import GameView, Strategy


def _default_payoffs() -> tuple[np.ndarray, np.ndarray]:
    # Separable trade war, $bn per round: my payoff = own[my action] + other[partner's].
    own = np.array([5.0, 0.0, -5.0])  # escalating wins terms of trade; conceding costs
    other = np.array([-25.0, 0.0, 10.0])  # partner escalation hurts; partner concession helps
    mine = own[:, None] + other[None, :]
    mine.setflags(write=False)
    theirs = mine.T.copy()
    theirs.setflags(write=False)
    return mine, theirs


#: A symmetric 3x3 trade-war Prisoner's Dilemma in $bn per round, from the first player's
#: seat: ``(mine, partner's)``, rows = my action, columns = partner's, both indexed by
#: ``Action`` value (ESCALATE, HOLD, CONCEDE). My payoff::
#:
#:                 partner E   partner H   partner C
#:     escalate       -20           5          15
#:     hold           -25           0          10
#:     concede        -30          -5           5
#:
#: Escalating is strictly dominant in the one-shot game (+5 over holding, +10 over
#: conceding, whatever the partner does), yet mutual concession (5, 5) beats mutual
#: escalation (-20, -20) and the status quo (0, 0).
DEFAULT_PAYOFFS: tuple[np.ndarray, np.ndarray] = _default_payoffs()


def _checked(payoffs: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if len(payoffs) != 2:
        raise ValueError("payoffs must be a pair of 3x3 matrices (first player's, second's)")
    out = []
    for matrix in payoffs:
        array = np.array(matrix, dtype=float)
        if array.shape != (3, 3):
            raise ValueError(f"each payoff matrix must be 3x3, got shape {array.shape}")
        array.setflags(write=False)
        out.append(array)
    return out[0], out[1]


def play_match(
    a: Strategy,
    b: Strategy,
    rounds: int,
    payoffs: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    deadline_round: int | None = None,
    lobbying: Sequence[float] | None = None,
) -> list[tuple[Move, Move]]:
    """Play ``rounds`` simultaneous rounds of ``a`` (seat "A") against ``b`` (seat "B").

    ``payoffs`` is ``(A's, B's)`` from A's seat, both indexed ``[A's action, B's action]``
    (the same convention as ``GameView.stage_payoffs``); B is shown the transposes.
    Defaults to ``DEFAULT_PAYOFFS``. Both strategies are reset first and share one
    ``np.random.default_rng(seed)``; A decides before B each round, but neither sees the
    other's move for that round. There is no perception noise. ``lobbying[r - 1]`` is
    the firms' net lobbying both sides see in round r (default 0). A side's ``pain`` in a
    round is its payoff at mutual hold less its payoff that round; ``partner_shifts``
    follow the partner's moves (``shifts_of``), and so does its ``partner_lead``
    (``lead_of``). Returns the move pairs.
    """
    if a is b:
        raise ValueError("play_match needs two strategy instances, got the same one twice")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 0:
        raise ValueError(f"rounds must be a non-negative integer, got {rounds!r}")
    pa, pb = _checked(DEFAULT_PAYOFFS if payoffs is None else payoffs)
    rng = np.random.default_rng(seed)
    a.reset()
    b.reset()
    moves_a: list[Move] = []
    moves_b: list[Move] = []
    pay_a: list[float] = []
    pay_b: list[float] = []
    history: list[tuple[Move, Move]] = []
    for rnd in range(1, rounds + 1):
        common: dict[str, Any] = {
            "round": rnd,
            "horizon": rounds,
            "instruments": ("tariff",),
            "rounds_to_deadline": None,
            "rng": rng,
            "lobbying": float(lobbying[rnd - 1]) if lobbying is not None else 0.0,
        }
        if deadline_round is not None and deadline_round - rnd >= 0:
            common["rounds_to_deadline"] = deadline_round - rnd
        pain_a = [float(pa[Action.HOLD, Action.HOLD]) - x for x in pay_a]
        pain_b = [float(pb[Action.HOLD, Action.HOLD]) - x for x in pay_b]
        view_a = GameView(
            me="A",
            partner="B",
            my_moves=list(moves_a),
            partner_moves=list(moves_b),
            my_payoffs=list(pay_a),
            levels={"tariff": 0.5},
            stage_payoffs=lambda: (pa, pb),
            pain=tuple(pain_a),
            partner_pain=tuple(pain_b),
            partner_shifts=shifts_of(moves_b, moves_a),
            partner_lead=lead_of(moves_b, moves_a),
            **common,
        )
        view_b = GameView(
            me="B",
            partner="A",
            my_moves=list(moves_b),
            partner_moves=list(moves_a),
            my_payoffs=list(pay_b),
            levels={"tariff": 0.5},
            stage_payoffs=lambda: (pb.T, pa.T),
            pain=tuple(pain_b),
            partner_pain=tuple(pain_a),
            partner_shifts=shifts_of(moves_a, moves_b),
            partner_lead=lead_of(moves_a, moves_b),
            **common,
        )
        move_a = a.decide(view_a)
        move_b = b.decide(view_b)
        i, j = move_a.action.value, move_b.action.value
        moves_a.append(move_a)
        moves_b.append(move_b)
        pay_a.append(float(pa[i, j]))
        pay_b.append(float(pb[i, j]))
        history.append((move_a, move_b))
    return history


#: the escalation-index change of one escalation or concession in the harness
STEP = 0.1


def shifts_of(partner: list[Move], mine: list[Move]) -> tuple[float, ...]:
    """The partner's verified shifts as the model defines them (``GameView``): in each
    past round, its index change beyond any rise of mine (a concession of its is a fall
    whatever I did), one step per escalation or concession (round k's view holds the
    shifts of rounds 1 .. k - 1)."""
    sign = {Action.ESCALATE: STEP, Action.HOLD: 0.0, Action.CONCEDE: -STEP}
    return tuple(
        sign[p.action]
        if p.action is Action.CONCEDE
        else max(0, sign[p.action] - max(0, sign[m.action]))
        for p, m in zip(partner, mine, strict=True)
    )


def lead_of(partner: list[Move], mine: list[Move]) -> float:
    """The partner's lead as the model defines it (``GameView.partner_lead``), one step
    per escalation (+1) or concession (-1) on either side, both sides' steps alike:
    the partner's net steps less mine, from the start."""
    sign = {Action.ESCALATE: 1.0, Action.HOLD: 0.0, Action.CONCEDE: -1.0}
    return sum(sign[p.action] for p in partner) - sum(sign[m.action] for m in mine)

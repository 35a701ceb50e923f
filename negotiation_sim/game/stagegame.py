"""The one-round stage game: the 3x3 payoff matrices of the two parties' actions from
the policy in force, valued through the economy with each party's preferences, less the
audience cost of conceding (docs/model.md, Stage game). The solver is in ``solver.py``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from negotiation_sim.core import Action, Move
from negotiation_sim.economy.world import World
from negotiation_sim.game.dyad import Dyad
from negotiation_sim.game.measures import levels
from negotiation_sim.game.party import Party
from negotiation_sim.game.policy import Policy, apply_move
from negotiation_sim.game.valuation import Valuer
from negotiation_sim.strategies.base import GameView, choose_instrument


def stage_matrices(
    policy: Policy,
    world: World,
    dyad: Dyad,
    pair: tuple[Party, Party],
    standoffs: Mapping[str, int],
    valuer: Valuer,
    round_: int,
    horizon: int,
) -> tuple[np.ndarray, np.ndarray]:
    """One-round payoffs (A for the first party, B for the second), rows = first
    party's action, columns = second's; each action on its default instrument."""
    a, b = pair
    va, vb = levels(policy, dyad, a, world), levels(policy, dyad, b, world)
    states = []
    for i in Action:
        for j in Action:
            p = policy.copy()
            for party, act, lv in ((a, i, va), (b, j, vb)):
                view = GameView(
                    round_, horizon, party.gid, party.partner, instruments=party.instruments,
                    levels=lv,
                )  # fmt: skip
                cfg = party.config
                move = Move(act, choose_instrument(act, view))
                apply_move(
                    p, world, dyad, party.index, cfg.tariff_floor_pct, cfg.tariff_step_pp, move
                )
            states.append(p)
    ev = valuer.evaluate(states)
    weighted = valuer.weighted(ev)
    ua = a.preferences.utility(ev.welfare, weighted).reshape(3, 3)
    ub = b.preferences.utility(ev.welfare, weighted).reshape(3, 3)
    ua[Action.CONCEDE, :] -= a.preferences.audience_cost(standoffs[a.gid])
    ub[:, Action.CONCEDE] -= b.preferences.audience_cost(standoffs[b.gid])
    return ua, ub

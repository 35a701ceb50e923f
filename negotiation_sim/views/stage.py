"""The one-round stage game as front ends show it: the 3x3 payoffs from one seat (rows =
my action, columns = the partner's), its Nash equilibria, my best replies and the
moves played. Built from a model (``game/stagegame.py``, solved by ``game/solver.py``)
or from a round's record (its ``stage_payoffs``, ``nash_pure`` and ``nash_mixed``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.core import Action
from negotiation_sim.game import solver
from negotiation_sim.views.words import split_move

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel

ACTIONS: tuple[Action, ...] = tuple(Action)
Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class StageView:
    """Payoffs ``mine[i][j]`` and ``theirs[i][j]`` ($bn per round) when I play action i
    and the partner j (``Action`` order: escalate, hold, concede). ``pure`` are the pure
    Nash equilibria, ``mixed`` the mixed ones as (my probabilities, partner's);
    ``played`` the cell of the moves made (``None`` before they are)."""

    me: str
    partner: str
    mine: tuple[tuple[float, ...], ...]
    theirs: tuple[tuple[float, ...], ...]
    pure: tuple[Cell, ...]
    mixed: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
    played: Cell | None = None

    def best_reply(self, i: int, j: int) -> bool:
        """Whether my action i is a best reply to the partner's action j."""
        column = [row[j] for row in self.mine]
        return self.mine[i][j] >= max(column) - 1e-9

    def is_nash(self, i: int, j: int) -> bool:
        return (i, j) in self.pure


def _view(me, partner, mine, theirs, played=None) -> StageView:
    mine, theirs = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    mixed = tuple(
        (tuple(float(x) for x in p), tuple(float(x) for x in q))
        for p, q in solver.equilibria(mine, theirs)
        if (p > 1e-9).sum() > 1 or (q > 1e-9).sum() > 1
    )
    return StageView(
        me=me,
        partner=partner,
        mine=tuple(tuple(float(x) for x in row) for row in mine),
        theirs=tuple(tuple(float(x) for x in row) for row in theirs),
        pure=tuple(solver.pure_equilibria(mine, theirs)),
        mixed=mixed,
        played=played,
    )


def seat_stage(
    me: str,
    partner: str,
    mine: np.ndarray | list[list[float]],
    theirs: np.ndarray | list[list[float]] | None = None,
    played: Cell | None = None,
) -> StageView:
    """A stage game from ``me``'s seat given its payoffs (rows = my action): with the
    partner's payoffs, solved for its equilibria; without them (``theirs=None``, a seat
    that may not see them) ``theirs``, ``pure`` and ``mixed`` are empty and only my best
    replies are known."""
    if theirs is not None:
        return _view(me, partner, mine, theirs, played)
    rows = tuple(tuple(float(x) for x in row) for row in np.asarray(mine, dtype=float))
    return StageView(me=me, partner=partner, mine=rows, theirs=(), pure=(), mixed=(),
                     played=played)  # fmt: skip


def stage_view(model: NegotiationModel, gid: str | None = None, fresh: bool = False) -> StageView:
    """The stage game from ``gid``'s seat (the first party's by default): this round's
    game as the governments faced it, or with ``fresh`` valued from the policies in
    force now (between rounds: the game of the next decision)."""
    gid = gid or model.party_ids[0]
    ua, ub = model.stage_matrices(fresh=fresh)
    mine, theirs = model.dyad.seat(gid, ua, ub)
    return _view(gid, model.dyad.partner(gid), mine, theirs)


def parse_payoffs(text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The recorded ``stage_payoffs`` ("a,b;a,b;..." row by row) as two 3x3 matrices."""
    if not text:
        return None
    pairs = np.array([[float(x) for x in cell.split(",")] for cell in text.split(";")])
    return pairs[:, 0].reshape(3, 3), pairs[:, 1].reshape(3, 3)


def parse_pure(text: str) -> tuple[Cell, ...]:
    """The recorded ``nash_pure`` ("E/E;H/C") as cells (first party's action, second's)."""
    cells = []
    for item in filter(None, (text or "").split(";")):
        i, j = item.split("/")
        cells.append((Action.parse(i).value, Action.parse(j).value))
    return tuple(cells)


def parse_mixed(text: str) -> tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]:
    """The recorded ``nash_mixed`` ("E0.50 H0.50 C0.00 / E0.20 H0.80 C0.00;...")."""
    out = []
    for item in filter(None, (text or "").split(";")):
        sides = [tuple(float(w[1:]) for w in side.split()) for side in item.split("/")]
        out.append((sides[0], sides[1]))
    return tuple(out)


def recorded_stage(
    record: dict[str, str], parties: tuple[str, str], moves: tuple[str, str] = ("", "")
) -> StageView | None:
    """A round's recorded stage game from the first party's seat, with its recorded
    equilibria and the moves made; ``record`` holds the round's ``stage_payoffs``,
    ``nash_pure`` and ``nash_mixed``. ``None`` when the run did not record it."""
    matrices = parse_payoffs(record.get("stage_payoffs", ""))
    if matrices is None:
        return None
    actions = [split_move(m)[0] for m in moves]
    played = None
    if all(actions):
        played = (Action.parse(actions[0]).value, Action.parse(actions[1]).value)
    mine, theirs = matrices
    return StageView(
        me=parties[0],
        partner=parties[1],
        mine=tuple(tuple(float(x) for x in row) for row in mine),
        theirs=tuple(tuple(float(x) for x in row) for row in theirs),
        pure=parse_pure(record.get("nash_pure", "")),
        mixed=parse_mixed(record.get("nash_mixed", "")),
        played=played,
    )

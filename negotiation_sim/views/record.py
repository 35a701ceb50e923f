"""The per-round record as front ends read it: column names (from the record layout's
rules in ``game/record.py`` and the instrument registry), a read-only view on a model's
growing table, the eventful rounds, and CSV without float noise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from negotiation_sim.core import REGISTRY
from negotiation_sim.game.record import PartyRound

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel

#: significant digits of floats in exported CSV: 55.00000000000001 is written 55
CSV_DIGITS = 12


def tariff_column(gid: str, partner: str) -> str:
    """The column of ``gid``'s average tariff on ``partner``."""
    return REGISTRY["tariff"].record_column(gid, partner)


def control_column(gid: str, instrument: str) -> str:
    return REGISTRY[instrument].record_column(gid)


def party_column(field: str, gid: str) -> str:
    """The column of one negotiating party's field (``escalation``, ``move``, ...)."""
    if field not in PartyRound.__slots__:
        raise KeyError(f"no party field {field!r}; allowed: {', '.join(PartyRound.__slots__)}")
    return f"{field}_{gid}"


def welfare_column(country: str) -> str:
    return f"welfare_{country}"


def profit_column(group: str) -> str:
    return f"profit_{group}"


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with floats to ``CSV_DIGITS`` significant digits (no
    ``55.00000000000001`` from binary fractions); integers and text as they are."""
    return frame.to_csv(index=False, float_format=f"%.{CSV_DIGITS}g")


class RunRecord:
    """Read-only view on a model's per-round table. The table's columns are lists that
    only grow, so a front end may read rounds ``1..n`` while the model plays on."""

    def __init__(self, model: NegotiationModel) -> None:
        self._model = model
        self._table: dict[str, list] = model.datacollector.tables["rounds"]

    @property
    def rounds_done(self) -> int:
        return len(self._table["round"])

    @property
    def columns(self) -> list[str]:
        return list(self._table)

    def column(self, name: str, n: int) -> np.ndarray:
        """Rounds 1..n of a numeric column."""
        return np.asarray(self._table[name][:n], dtype=float)

    def texts(self, name: str, n: int) -> list[str]:
        return list(self._table[name][:n])

    def value(self, name: str, n: int, default: Any = None) -> Any:
        """Value of a column in round ``n`` (1-based), or ``default`` before round 1."""
        return self._table[name][n - 1] if n >= 1 else default

    def outcome_since(self, n: int) -> int:
        """First round of the stretch of the same outcome that round ``n`` ends."""
        outcomes = self._table["outcome"][:n]
        if not outcomes:
            return 0
        last = outcomes[-1]
        start = len(outcomes)
        while start > 1 and outcomes[start - 2] == last:
            start -= 1
        return start

    def trajectory(self) -> pd.DataFrame:
        return self._model.trajectory()

    def csv(self) -> str:
        return csv_text(self.trajectory())


# ---------------------------------------------------------------------- the moves table
@dataclass(frozen=True, slots=True)
class MovesRow:
    """One line of the moves table: round ``first`` to ``last`` (one round when equal).
    Quiet rounds in a row (both held, no offer, news, event or change of outcome) are
    folded into one line; ``eventful`` marks a round where something happened."""

    first: int
    last: int
    eventful: bool
    events: str
    moves: tuple[str, str]
    offers: tuple[str, ...]
    news: str
    outcome: str

    @property
    def rounds(self) -> int:
        return self.last - self.first + 1


def eventful(record: RunRecord, parties: tuple[str, str], r: int) -> bool:
    """Whether something happened in round ``r``: a move other than hold, an offer,
    deal news, a calendar event, or a change of outcome."""
    value = record.value
    if any(value(party_column("move", g), r) not in ("hold", "") for g in parties):
        return True
    if any(value(party_column("offer", g), r) for g in parties):
        return True
    if value("deal_news", r) or value("events", r):
        return True
    return r == 1 or value("outcome", r) != value("outcome", r - 1)


def moves_rows(record: RunRecord, parties: tuple[str, str], n: int) -> list[MovesRow]:
    """Rounds 1..n for the moves table, newest first, quiet stretches folded."""
    rows: list[MovesRow] = []
    for r in range(n, 0, -1):
        busy = eventful(record, parties, r)
        moves = tuple(record.value(party_column("move", g), r) for g in parties)
        outcome = record.value("outcome", r)
        prev = rows[-1] if rows else None
        if (
            not busy
            and prev is not None
            and not prev.eventful
            and prev.outcome == outcome
            and prev.moves == moves
        ):
            rows[-1] = MovesRow(r, prev.last, False, "", moves, (), "", outcome)
            continue
        offers = tuple(o for g in parties if (o := record.value(party_column("offer", g), r)))
        rows.append(
            MovesRow(
                r, r, busy, record.value("events", r), moves, offers, record.value("deal_news", r),
                outcome,
            )
        )  # fmt: skip
    return rows

"""The round record: a typed structure per round, and the layout that turns it into
the per-round table. Every column name is written here once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from negotiation_sim.core import REGISTRY


@dataclass(frozen=True, slots=True)
class PartyRound:
    """One negotiating party's part of a round."""

    escalation: float
    move: str
    offer: str
    utility: float
    reservation: float
    lobbying: float


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """Everything recorded of one round. ``tariffs`` are the two parties' average
    tariffs on each other (first party's first); ``controls`` every government's control
    levels by (gid, instrument); money in $bn per round."""

    round: int
    date: str
    outcome: str
    deal: str
    deal_news: str
    events: tuple[str, ...]
    tariffs: tuple[float, float]
    controls: dict[tuple[str, str], int]
    parties: tuple[PartyRound, PartyRound]
    welfare: tuple[float, ...]
    profit: tuple[float, ...]
    stockout_firms: int
    purchases: float
    nash_pure: str = ""
    nash_mixed: str = ""
    stage_payoffs: str = ""


@dataclass(frozen=True)
class RecordLayout:
    """The table's columns for a run: the pair, every government's control instruments
    (in scenario order), the countries and the firm groups."""

    pair: tuple[str, str]
    controls: tuple[tuple[str, str], ...]
    countries: tuple[str, ...]
    groups: tuple[str, ...]

    @cached_property
    def columns(self) -> list[str]:
        a, b = self.pair
        cols = ["round", "date", "outcome", "deal", "deal_news", "events"]
        cols += [REGISTRY["tariff"].record_column(a, b), REGISTRY["tariff"].record_column(b, a)]
        cols += ["tariff_avg"]
        cols += [REGISTRY[name].record_column(gid) for gid, name in self.controls]
        for g in self.pair:
            cols += [f"{field}_{g}" for field in PartyRound.__slots__]
        cols += [f"welfare_{c}" for c in self.countries]
        cols += [f"profit_{g}" for g in self.groups]
        cols += ["stockout_firms", "purchases", "nash_pure", "nash_mixed", "stage_payoffs"]
        return cols

    def row(self, rec: RoundRecord) -> dict[str, Any]:
        """The table row of ``rec``, keyed by ``columns`` in order."""
        values: list[Any] = [
            rec.round, rec.date, rec.outcome, rec.deal, rec.deal_news, "; ".join(rec.events),
            rec.tariffs[0], rec.tariffs[1], 0.5 * (rec.tariffs[0] + rec.tariffs[1]),
        ]  # fmt: skip
        values += [rec.controls[key] for key in self.controls]
        for party in rec.parties:
            values += [getattr(party, field) for field in PartyRound.__slots__]
        values += [*rec.welfare, *rec.profit]
        values += [rec.stockout_firms, rec.purchases, rec.nash_pure, rec.nash_mixed]
        values += [rec.stage_payoffs]
        return dict(zip(self.columns, values, strict=True))

"""Read models for front ends, Mesa-free in what they return: run and scenario facts
(event rounds from ``game.calendar``), the comprehensive-deal zone, whether seeds can
differ, a seat's view (instruments, levels, lobbying by firm group), the stage game
with its equilibria, firm-group reports, the per-round record (eventful rounds, CSV),
and every word from ``core``. The app, the classroom and the CLI read the model through
these and nothing else; no Solara or matplotlib here."""

from negotiation_sim.views.ensemble import path_count, same_path_note
from negotiation_sim.views.firms import FirmReport, GroupLobbying, firm_reports, group_lobbying
from negotiation_sim.views.record import (
    MovesRow,
    RunRecord,
    control_column,
    csv_text,
    moves_rows,
    party_column,
    profit_column,
    tariff_column,
    welfare_column,
)
from negotiation_sim.views.run_info import (
    DealCounts,
    EventInfo,
    GroupInfo,
    RunInfo,
    calendar_events,
    deal_counts,
    run_info,
)
from negotiation_sim.views.scenario import (
    PartyInfo,
    ScenarioInfo,
    SeedVariation,
    deal_zone,
    scenario_info,
    seed_variation,
)
from negotiation_sim.views.seat import InstrumentLevel, SeatView, seat_view
from negotiation_sim.views.stage import StageView, recorded_stage, seat_stage, stage_view

__all__ = [
    "DealCounts",
    "EventInfo",
    "FirmReport",
    "GroupInfo",
    "GroupLobbying",
    "InstrumentLevel",
    "MovesRow",
    "PartyInfo",
    "RunInfo",
    "RunRecord",
    "ScenarioInfo",
    "SeatView",
    "SeedVariation",
    "StageView",
    "calendar_events",
    "control_column",
    "csv_text",
    "deal_counts",
    "deal_zone",
    "firm_reports",
    "group_lobbying",
    "moves_rows",
    "party_column",
    "path_count",
    "profit_column",
    "recorded_stage",
    "run_info",
    "same_path_note",
    "scenario_info",
    "seat_stage",
    "seat_view",
    "seed_variation",
    "stage_view",
    "tariff_column",
    "welfare_column",
]

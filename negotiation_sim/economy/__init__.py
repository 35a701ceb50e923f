"""The economic model: pure numpy functions, no agents (docs/model.md, Details)."""

from negotiation_sim.economy.controls import drawdown, effective_cut, outage_fraction
from negotiation_sim.economy.diversion import diversion_share
from negotiation_sim.economy.evaluate import FirmState, RoundEval, base_profit, evaluate
from negotiation_sim.economy.tariffs import (
    consumer_cost,
    deadweight_loss,
    exporter_price,
    free_trade_volume,
    import_volume,
    importer_price,
    tariff_revenue,
)
from negotiation_sim.economy.utility import government_utility, lobbying_index
from negotiation_sim.economy.world import FirmTable, World, build_world

__all__ = [
    "FirmState",
    "FirmTable",
    "RoundEval",
    "World",
    "base_profit",
    "build_world",
    "consumer_cost",
    "deadweight_loss",
    "diversion_share",
    "drawdown",
    "effective_cut",
    "evaluate",
    "exporter_price",
    "free_trade_volume",
    "government_utility",
    "import_volume",
    "importer_price",
    "lobbying_index",
    "outage_fraction",
    "tariff_revenue",
]

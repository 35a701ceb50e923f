"""One round of the economy: firm profit changes and national welfare from the policies.

``evaluate`` is vectorised over a leading batch axis B of policy states, so the stage
game (nine move pairs) or a set of deal packages is valued in one call. Money is in $bn
per round, measured against free trade with no controls (equation W1 and the
blocks it sums, docs/model.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS
from negotiation_sim.economy.controls import drawdown, effective_cut, outage_fraction
from negotiation_sim.economy.diversion import diversion_share
from negotiation_sim.economy.tariffs import (
    consumer_cost,
    exporter_price,
    import_volume,
    importer_price,
    tariff_revenue,
)
from negotiation_sim.economy.world import World

RE = CONTROL_COLUMNS["rare_earth"]  # column of the stockpile channel (C1-C3, in evaluate)


@dataclass
class FirmState:
    """What firms carry from round to round (arrays over firms)."""

    stockpile: np.ndarray
    short_weeks: np.ndarray
    stock_target: np.ndarray
    reroute: np.ndarray  # share of rerouting capacity in use, 0..capacity
    control_weeks: np.ndarray  # (C, controls) weeks each country's controls have been in force
    restocked: bool = False  # every stockpile at its target and no firm short

    @classmethod
    def initial(cls, world: World, reroute_start: float = 0.5) -> FirmState:
        firms = world.firms
        return cls(
            stockpile=firms.stockpile_weeks.copy(),
            short_weeks=np.zeros(len(firms)),
            stock_target=firms.stockpile_weeks.copy(),
            reroute=firms.reroute_capacity * reroute_start,
            control_weeks=np.zeros(world.holds.shape),
        )


@dataclass
class RoundEval:
    """Results for B policy states. Shapes: (B, C), (B, N), (B, F)."""

    welfare: np.ndarray
    firm_delta: np.ndarray  # profit change vs free trade, all channels
    firm_external: np.ndarray  # the part that is not a transfer within the country
    stockpile: np.ndarray
    short_weeks: np.ndarray
    rare_earth_cut: np.ndarray
    imports: np.ndarray
    revenue: np.ndarray
    consumer_cost: np.ndarray
    rerouted: np.ndarray
    divert_share: np.ndarray  # (B, F) share of lost trade a fully adapted firm reroutes

    def row(self, k: int) -> RoundEval:
        """The results of state ``k`` alone (a batch of one)."""
        return RoundEval(*(getattr(self, f)[k : k + 1] for f in self.__dataclass_fields__))


def evaluate(
    world: World,
    tariff: np.ndarray,
    controls: np.ndarray,
    purchases: np.ndarray,
    state: FirmState,
    enforcement: np.ndarray,
    weeks: float | np.ndarray | None = None,
) -> RoundEval:
    """Value B policy states for one round.

    ``tariff`` is (B, F) in fractions, ``controls`` (B, C, controls) integer levels and
    ``purchases`` (B,) committed purchases in $bn/yr; ``enforcement`` (K,) is the share
    of rerouting each third country blocks. ``weeks`` (a number or (B, 1))
    sets how long stockpiles are drawn down before the round is valued; by default one
    round, more to value the no-deal path some rounds ahead.
    """
    prm = world.params
    f = world.firms
    co = _coefficients(world)
    k = world.round_years
    weeks = world.round_weeks if weeks is None else weeks

    fl = _flows(world, tariff, enforcement)

    # X1: exporters lose their margin on lost sales and the price cut on what they still
    # sell (fl["export_loss"]), and earn their margin less the rerouting cost on what
    # they reroute; X2 (import-competing gains, retailers' absorbed tariff) is fl["domestic"]
    rerouted = state.reroute * fl["reroutable"]
    d_export = fl["export_loss"] + co["keep"] * rerouted

    # C1-C3: rare-earth controls, stockpiles and outages; then the other controls'
    # channels (CHANNELS: chips and software). (With no control in force and stockpiles
    # full, these terms are zero: skipped.)
    b = tariff.shape[0]
    zeros = _zeros(world, b)
    lost_output = d_controls = 0.0
    re_cut = zeros
    if controls[:, :, RE].any():
        re_cut = _target_cut(world, controls, RE, state, extraterritorial=True)
    if re_cut is not zeros or not state.restocked:
        stock, short = drawdown(
            state.stockpile,
            state.short_weeks,
            re_cut,
            weeks,
            state.stock_target,
            prm.restock_rate,
        )
    else:
        stock, short = np.broadcast_to(state.stockpile, (b, f.revenue.size)), zeros
    if re_cut is not zeros:
        dependence = f.exposure["rare_earth_dependence"]
        outage = outage_fraction(dependence, re_cut, short, prm.outage_ramp_weeks)
        own_re = world.cuts[RE][controls[:, :, RE]][:, f.country]
        lost_output = f.revenue * outage
        d_controls = -co["re_exports"] * own_re
    for name, channel in CHANNELS.items():
        column = CONTROL_COLUMNS[name]
        if controls[:, :, column].any():
            lost, withheld = channel(world, controls, column, state)
            lost_output = lost_output + lost
            d_controls = d_controls - withheld
    d_controls = d_controls - f.margin * lost_output

    # P1: purchase commitments, delivered in part
    delivered = prm.delivery_ratio * purchases
    if delivered.any():
        d_controls = d_controls + co["purchase"] * delivered[:, None]

    external = k * (d_export + d_controls)
    delta = external + fl["domestic"]
    # wages lost on output lost to input outages (plants idled by controls; welfare
    # only). Exports lost to tariffs cost no wages: their workers are re-employed, as in
    # Fajgelbaum et al. (2020) and Amiti, Redding & Weinstein (2019), whose welfare
    # losses are the tariff block's alone.
    wages = (-k * prm.labour_share) * lost_output

    # W1: national welfare: tariff revenue less consumer cost, firms' external profit
    # changes and lost wages; tariff revenue on rerouted goods and third-country value added
    flow_rer = rerouted @ world.onehot_out  # (B, F)
    welfare = fl["tariff_welfare"] + (external + wages) @ world.onehot_country
    if fl["share"] is not None:
        welfare += (flow_rer * fl["via_tariff"]) @ world.flow_onehot_importer
        welfare[:, world.third] += np.einsum("bf,bfk->bk", flow_rer, fl["share"])
    if world.buyer >= 0 and delivered.any():
        welfare[:, world.buyer] -= k * prm.purchase_premium * delivered
    return RoundEval(
        welfare=welfare,
        firm_delta=delta,
        firm_external=external,
        stockpile=stock,
        short_weeks=short,
        rare_earth_cut=re_cut,
        imports=fl["m"],
        revenue=fl["revenue"],
        consumer_cost=fl["cc"],
        rerouted=flow_rer,
        divert_share=fl["dsum"],
    )


def _flows(world: World, tariff: np.ndarray, enforcement: np.ndarray) -> dict[str, np.ndarray]:
    """T1-T6 and D1 for each flow (B, F), the per-unit effects gathered to firms, and the
    flow terms of W1 (per round).

    They depend only on the tariffs (and third countries' enforcement), so the last few
    results are kept: most rounds repeat the tariffs of an earlier valuation."""
    key = tariff.tobytes() + enforcement.tobytes()
    cache = world._flow_cache
    hit = cache.get(key)
    if hit is not None:
        return hit
    prm = world.params
    co = _coefficients(world)
    k = world.round_years
    phi, eps = prm.pass_through, prm.elasticity
    p_m = importer_price(tariff, phi)
    p_x = exporter_price(tariff, phi)
    m = import_volume(world.m_free, p_m, eps)
    ratio = np.power(p_m, -eps)  # m / m_free
    revenue = tariff_revenue(tariff, p_x, m)
    cc = consumer_cost(world.m_free, p_m, eps)
    share = via_tariff = None
    if world.third.size:
        d = (
            diversion_share(
                tariff[..., None],
                world.t_via,
                world.reroute_cost,
                prm.reroute_response_per_pp,
                enforcement,
            )
            * world.divertible[:, None]
        )
        dsum = d.sum(axis=-1)
        split = d / np.maximum(dsum[..., None], 1e-300)  # (B, F, K) split of rerouted goods
        via_tariff = k * (split * world.t_via).sum(axis=-1)
        share = (k * prm.third_country_value_added) * split
    else:
        dsum = np.zeros_like(tariff)
    lost_unit = 1.0 - ratio
    out_q = np.stack((lost_unit, dsum * lost_unit, (1.0 - p_x) * ratio), axis=1)[:, :, co["out"]]
    in_q = np.stack((p_m - 1.0, ratio * (p_m - 1.0)), axis=1)[:, :, co["in"]]
    f = world.firms
    lost = f.exports_free * out_q[:, 0]  # X1: lost export volume per firm
    result = {
        "m": m,
        "revenue": revenue,
        "cc": cc,
        "dsum": dsum,
        "tariff_welfare": k * ((revenue - cc) @ world.flow_onehot_importer),
        "via_tariff": via_tariff,
        "share": share,
        "reroutable": f.exports_free * out_q[:, 1],  # X1: rerouted volume at full adaptation
        "export_loss": -f.margin * lost - f.exports_free * out_q[:, 2],  # X1
        "domestic": k * (co["compete"] * in_q[:, 0] - co["absorb"] * in_q[:, 1]),  # X2
    }
    if len(cache) > 32:
        cache.clear()
    cache[key] = result
    return result


def _zeros(world: World, b: int) -> np.ndarray:
    """A shared read-only (b, N) array of zeros."""
    cache = world._zeros
    if b not in cache:
        cache[b] = np.zeros((b, world.n_firms))
        cache[b].flags.writeable = False
    return cache[b]


def _coefficients(world: World) -> dict[str, np.ndarray]:
    """Per-firm constants of the round's arithmetic, computed once per world."""
    co = world._memo.get("coef")
    if co is None:
        f, prm = world.firms, world.params
        co = {
            "out": np.maximum(f.flow_out, 0),
            "in": np.maximum(f.flow_in, 0),
            "keep": np.maximum(0.0, f.margin - world.reroute_cost),
            "compete": f.competing * prm.domestic_price_response,
            "absorb": f.imports_free * (1.0 - prm.retail_pass_through),
            "re_exports": f.margin * f.exposure["rare_earth_exports"],
            "purchase": f.margin * f.purchase_share,
        }
        world._memo["coef"] = co
    return co


def _target_cut(
    world: World, controls: np.ndarray, column: int, state: FirmState, extraterritorial: bool
) -> np.ndarray:
    """Share of a controlled input withheld from each firm (B, N): the strongest control
    any other country applies to it (C1). With ``extraterritorial`` (rare earths), firms
    in a third country are reached at level 3 (extraterritorial) too."""
    cut_by_level = world.cuts[column]
    cut = None
    for c in world.controllers[column]:
        level = controls[:, c, column]
        s = effective_cut(
            level, cut_by_level, state.control_weeks[c, column], world.params.substitution_weeks
        )[:, None]
        reach = world.target_partner[c]
        if extraterritorial and (level == 3).any():
            reach = np.where((level == 3)[:, None], reach + world.target_third[c], reach)
        hit = s * reach
        cut = hit if cut is None else np.maximum(cut, hit)
    return _zeros(world, controls.shape[0]) if cut is None else cut


#: A control's economy channel: ``(world, controls (B, C, controls), its column, firm
#: state) -> (output each firm loses, the margin its controller's firms lose on the sales
#: the control withholds)``, both (B, N) in $bn/yr.
Channel = Callable[[World, np.ndarray, int, FirmState], tuple[np.ndarray, np.ndarray]]


def supply_channel(dependence: str, sales: str, *, extraterritorial: bool = False) -> Channel:
    """The channel of a control on an input without stockpiles (docs/model.md 7.5, the
    chip terms): a firm loses the share ``dependence`` of its output times the cut it
    faces (C1); the controller's firms lose their margin on their ``sales`` of the input
    times their own cut. ``dependence`` and ``sales`` are firm-table columns (the
    registry's ``firm_spans`` and ``firm_amounts``)."""

    def channel(
        world: World, controls: np.ndarray, column: int, state: FirmState
    ) -> tuple[np.ndarray, np.ndarray]:
        f = world.firms
        cut = _target_cut(world, controls, column, state, extraterritorial)
        own = world.cuts[column][controls[:, :, column]][:, f.country]
        memo = _coefficients(world)
        margin_sales = memo.get("margin_" + sales)
        if margin_sales is None:
            margin_sales = memo["margin_" + sales] = f.margin * f.exposure[sales]
        return f.revenue * f.exposure[dependence] * cut, margin_sales * own

    return channel


#: The channels of the controls other than rare earths (whose stockpile channel is
#: written out in ``evaluate``), valued in this order: instrument name -> channel. A new
#: control instrument adds its entry here.
CHANNELS: dict[str, Channel] = {"chips": supply_channel("tech_dependence", "tech_exports")}


def base_profit(world: World) -> np.ndarray:
    """Each firm's profit per round under free trade: margin * revenue * round length."""
    return world.firms.margin * world.firms.revenue * world.round_years

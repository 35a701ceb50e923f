"""The static structure of a scenario's economy, compiled to arrays: countries, trade
flows and the firm table drawn from the scenario's sector-level firm specifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotiation_sim.core import control_instruments
from negotiation_sim.economy.params import EconomyParams, EconomySpec
from negotiation_sim.economy.tariffs import free_trade_volume


@dataclass
class FirmTable:
    """Per-firm attributes, one array entry per firm (annual $bn unless noted).

    The control instruments' columns (their registry entries' ``firm_spans`` and
    ``firm_amounts``, e.g. ``rare_earth_dependence``, ``tech_exports``) are in
    ``exposure`` and read as attributes too (``table.tech_dependence``)."""

    group: np.ndarray  # index into World.groups
    country: np.ndarray
    partner: np.ndarray
    revenue: np.ndarray
    margin: np.ndarray
    exports_free: np.ndarray  # exports to partner at free trade (volume, $bn/yr)
    flow_out: np.ndarray  # index of the export flow (-1 none)
    imports_free: np.ndarray  # inputs imported from partner at free trade
    flow_in: np.ndarray
    competing: np.ndarray  # sales competing with the partner's imports
    flow_comp: np.ndarray
    reroute_capacity: np.ndarray
    political_weight: np.ndarray
    purchase_share: np.ndarray  # share of committed purchases this firm sells
    exposure: dict[str, np.ndarray] = field(default_factory=dict)  # controls' columns

    def __len__(self) -> int:
        return len(self.revenue)

    def __getattr__(self, name: str) -> np.ndarray:
        exposure = self.__dict__.get("exposure", {})
        if name in exposure:
            return exposure[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


@dataclass(frozen=True, eq=False)
class World:
    """The economy's structure for a run, fixed for the whole run (the policy state,
    third countries' enforcement included, lives in ``game.policy.Policy``).

    ``max_tariff`` and ``reroute_cost`` are fractions (the parameters hold percent)."""

    countries: list[str]
    parties: tuple[int, int]
    third: np.ndarray  # indices of third countries (K,)
    partner_of: np.ndarray  # negotiating partner of each country, -1 for third countries
    groups: list[str]
    group_sector: list[str]
    params: EconomyParams
    round_years: float
    round_weeks: float
    # flows
    flow_exporter: np.ndarray
    flow_importer: np.ndarray
    flow_sector: list[str]
    flow_value_ref: np.ndarray
    m_free: np.ndarray
    divertible: np.ndarray
    t_via: np.ndarray  # (F, K) importer's tariff on each third country, fraction
    initial_enforcement: np.ndarray  # (K,)
    initial_tariff: np.ndarray  # (F,) fraction
    # firms and one-hot maps (dense, float) used to aggregate with matrix products
    firms: FirmTable
    onehot_out: np.ndarray  # (N, F)
    onehot_country: np.ndarray  # (N, C)
    flow_onehot_importer: np.ndarray  # (F, C)
    target_partner: np.ndarray  # (C, N) firm sits in country c's negotiating partner
    target_third: np.ndarray  # (C, N) firm sits in a third country (extraterritorial reach)
    holds: np.ndarray  # (C, controls) bool: country holds each control instrument
    initial_controls: np.ndarray  # (C, controls) int
    buyer: int  # -1 if no purchase lever
    max_tariff: float = field(init=False)
    reroute_cost: float = field(init=False)
    #: share of supply withheld at each level, one array per control column
    cuts: tuple[np.ndarray, ...] = field(init=False)
    #: countries holding each control instrument, one list per control column
    controllers: tuple[list[int], ...] = field(init=False)

    def __post_init__(self) -> None:
        prm = self.params
        derived = {
            "max_tariff": prm.max_tariff_pct / 100.0,
            "reroute_cost": prm.reroute_cost_pct / 100.0,
            "cuts": tuple(
                np.asarray(prm.control_cuts[i.name], dtype=float) for i in control_instruments()
            ),
            "controllers": tuple(
                [int(c) for c in np.flatnonzero(self.holds[:, col])]
                for col in range(self.holds.shape[1])
            ),
            # memo tables of evaluate(): they change no result, only its cost
            "_flow_cache": {},
            "_zeros": {},
            "_memo": {},
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def n_firms(self) -> int:
        return len(self.firms)

    def flows_between(self, importer: int, exporter: int) -> np.ndarray:
        """Indices of the flows on which ``importer`` levies tariffs on ``exporter``."""
        return np.flatnonzero((self.flow_importer == importer) & (self.flow_exporter == exporter))


def _draw(rng: np.random.Generator, span: tuple[float, float], n: int) -> np.ndarray:
    return rng.uniform(span[0], span[1], n)


def build_world(spec: EconomySpec, rng: np.random.Generator) -> World:
    """Compile an ``EconomySpec`` into a ``World``, drawing firms from ``rng``.

    Draws per firm group, in file order: sizes (log-normal), margin, export intensity,
    each control instrument's ``firm_spans`` in registry order (rare-earth dependence,
    stockpile weeks, tech dependence), rerouting capacity.
    """
    prm = spec.params
    govs = spec.countries
    countries = list(govs)
    idx = {c: i for i, c in enumerate(countries)}
    pa, pb = (idx[p] for p in spec.parties)
    n_c = len(countries)
    partner_of = np.full(n_c, -1)
    partner_of[pa], partner_of[pb] = pb, pa
    third = np.array([i for i in range(n_c) if i not in (pa, pb)], dtype=int)
    phi, eps = prm.pass_through, prm.elasticity

    def tariff_of(importer: str, exporter: str, sector: str) -> float:
        return govs[importer].tariff_pct(exporter, sector) / 100.0

    # trade flows from the exporting firm groups
    flow_key: dict[tuple[int, int, str], int] = {}
    values: list[float] = []
    for group in spec.firms.values():
        if group.exports_bn > 0:
            key = (idx[group.country], idx[group.partner], group.sector)
            if key not in flow_key:
                flow_key[key] = len(values)
                values.append(0.0)
            values[flow_key[key]] += group.exports_bn
    keys = list(flow_key)
    flow_exporter = np.array([k[0] for k in keys], dtype=int)
    flow_importer = np.array([k[1] for k in keys], dtype=int)
    flow_sector = [k[2] for k in keys]
    value_ref = np.array(values, dtype=float)
    t_ref = np.array(
        [
            govs[countries[i]].reference_tariffs_pct.get(countries[e], 0.0) / 100.0
            for e, i in zip(flow_exporter, flow_importer, strict=True)
        ]
    )
    m_free = free_trade_volume(value_ref, t_ref, phi, eps)
    initial = np.array(
        [tariff_of(countries[i], countries[e], s) for e, i, s in keys], dtype=float
    ).reshape(len(keys))
    parties = {pa, pb}
    divertible = np.array([e in parties and i in parties for e, i, _ in keys], dtype=bool).reshape(
        len(keys)
    )
    t_via = np.array(
        [[tariff_of(countries[i], countries[k], s) for k in third] for _, i, s in keys]
    ).reshape(len(keys), len(third))
    enforcement = np.array([govs[countries[k]].transship_enforcement for k in third])

    firms, groups, group_sector = _draw_firms(spec, rng, idx, flow_key, m_free, value_ref)
    n = len(firms)
    onehot_out = np.zeros((n, len(keys)))
    has = firms.flow_out >= 0
    onehot_out[np.flatnonzero(has), firms.flow_out[has]] = 1.0
    onehot_country = np.zeros((n, n_c))
    onehot_country[np.arange(n), firms.country] = 1.0
    flow_onehot_importer = np.zeros((len(keys), n_c))
    flow_onehot_importer[np.arange(len(keys)), flow_importer] = 1.0
    target_partner = np.zeros((n_c, n))
    target_third = np.zeros((n_c, n))
    for c in (pa, pb):
        target_partner[c] = firms.country == partner_of[c]
        target_third[c] = np.isin(firms.country, third)
    instruments = control_instruments()
    holds = np.zeros((n_c, len(instruments)), dtype=bool)
    controls = np.zeros((n_c, len(instruments)), dtype=int)
    for c, gov in enumerate(govs.values()):
        for inst in instruments:
            holds[c, inst.column] = inst.name in gov.controls_held
            controls[c, inst.column] = gov.control_levels.get(inst.name, 0)
    buyer = idx[spec.purchases.buyer] if spec.purchases.active else -1
    days = spec.round_days
    return World(
        countries=countries,
        parties=(pa, pb),
        third=third,
        partner_of=partner_of,
        groups=groups,
        group_sector=group_sector,
        params=prm,
        round_years=days / 365.0,
        round_weeks=days / 7.0,
        flow_exporter=flow_exporter,
        flow_importer=flow_importer,
        flow_sector=flow_sector,
        flow_value_ref=value_ref,
        m_free=m_free,
        divertible=divertible,
        t_via=t_via,
        initial_enforcement=enforcement,
        initial_tariff=initial,
        firms=firms,
        onehot_out=onehot_out,
        onehot_country=onehot_country,
        flow_onehot_importer=flow_onehot_importer,
        target_partner=target_partner,
        target_third=target_third,
        holds=holds,
        initial_controls=controls,
        buyer=buyer,
    )


def _draw_firms(
    spec: EconomySpec,
    rng: np.random.Generator,
    idx: dict[str, int],
    flow_key: dict[tuple[int, int, str], int],
    m_free: np.ndarray,
    value_ref: np.ndarray,
) -> tuple[FirmTable, list[str], list[str]]:
    """Draw the firm table group by group (see ``build_world``)."""
    instruments = control_instruments()
    spans = [key for inst in instruments for key in inst.firm_spans]
    amounts = [key for inst in instruments for key in inst.firm_amounts]
    cols: dict[str, list[np.ndarray]] = {k: [] for k in FirmTable.__dataclass_fields__}
    del cols["exposure"]
    cols.update({k: [] for k in (*spans, *amounts)})
    groups, group_sector = [], []
    lever = spec.purchases
    seller = None
    if lever.active:
        a, b = spec.parties
        seller = b if lever.buyer == a else a
    scale = np.where(value_ref > 0, m_free / np.maximum(value_ref, 1e-300), 1.0)
    for g_index, (name, group) in enumerate(spec.firms.items()):
        n = group.count
        groups.append(name)
        group_sector.append(group.sector)
        size = rng.lognormal(0.0, group.size_sigma, n)
        weight = size / size.sum()
        margin = _draw(rng, group.margin, n)
        intensity = _draw(rng, group.export_spread, n) * weight
        for key in spans:  # registry order: the random stream depends on it
            cols[key].append(_draw(rng, group.spans[key], n))
        reroute = _draw(rng, group.reroute_capacity, n)
        c, p, s = idx[group.country], idx[group.partner], group.sector
        out = flow_key.get((c, p, s), -1) if group.exports_bn > 0 else -1
        inflow = flow_key.get((p, c, s), -1)
        exports = group.exports_bn * intensity / max(intensity.sum(), 1e-300)
        cols["group"].append(np.full(n, g_index))
        cols["country"].append(np.full(n, c))
        cols["partner"].append(np.full(n, p))
        cols["revenue"].append(group.revenue_bn * weight)
        cols["margin"].append(margin)
        cols["exports_free"].append(exports * (scale[out] if out >= 0 else 1.0))
        cols["flow_out"].append(np.full(n, out))
        imports = group.imports_bn * weight if inflow >= 0 else np.zeros(n)
        cols["imports_free"].append(imports * (scale[inflow] if inflow >= 0 else 1.0))
        cols["flow_in"].append(np.full(n, inflow))
        cols["competing"].append(group.import_competing_bn * weight if inflow >= 0 else 0 * weight)
        cols["flow_comp"].append(np.full(n, inflow))
        for key in amounts:
            cols[key].append(group.amounts_bn[key] * weight)
        cols["reroute_capacity"].append(reroute)
        cols["political_weight"].append(np.full(n, group.political_weight))
        buys = seller is not None and group.country == seller and s == lever.sector
        cols["purchase_share"].append(group.revenue_bn * weight if buys else np.zeros(n))
    arrays = {k: np.concatenate(v) if v else np.zeros(0) for k, v in cols.items()}
    for key in ("group", "country", "partner", "flow_out", "flow_in", "flow_comp"):
        arrays[key] = arrays[key].astype(int)
    total = arrays["purchase_share"].sum()
    if total > 0:
        arrays["purchase_share"] = arrays["purchase_share"] / total
    exposure = {k: arrays.pop(k) for k in (*spans, *amounts)}
    return FirmTable(**arrays, exposure=exposure), groups, group_sector

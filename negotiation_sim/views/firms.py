"""Firm groups as front ends report them: which way each group pushes and why.

A group's stance is the political-weighted mean of its firms' stances (profit change
relative to normal profit, in [-1, 1]); ``core.stance_word`` turns it into "escalate",
"concede" or "quiet" with the one lobbying threshold ``core.QUIET_STANCE``. The shares
of firms pushing each way use the same threshold. Read through the model's firm
population (the Mesa ``Firm`` agents are views on the same rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from negotiation_sim.core import CONTROL_COLUMNS, QUIET_STANCE, stance_word
from negotiation_sim.views.words import control_level_name

if TYPE_CHECKING:
    from negotiation_sim.abm.model import NegotiationModel


@dataclass(frozen=True, slots=True)
class GroupLobbying:
    """What every firm group says after a round, by group index (arrays of length G):
    political-weighted mean stance, the shares of firms pushing to escalate and to
    concede, and the group's profit change against free trade (a fraction)."""

    stance: np.ndarray
    escalate: np.ndarray
    concede: np.ndarray
    profit_change: np.ndarray

    def word(self, g: int) -> str:
        return stance_word(float(self.stance[g]))


def group_lobbying(model: NegotiationModel) -> GroupLobbying:
    """Every firm group's lobbying now (zeros before round 1)."""
    world, pop = model.world, model.population
    group, weight = world.firms.group, world.firms.political_weight
    g = len(world.groups)
    counts = np.bincount(group, minlength=g).astype(float)
    counts[counts == 0] = np.nan
    wsum = np.bincount(group, weights=weight, minlength=g)
    wsum[wsum == 0] = np.nan
    stance = pop.stance
    base = np.bincount(group, weights=pop.base, minlength=g)
    delta = np.bincount(group, weights=pop.delta, minlength=g)
    return GroupLobbying(
        stance=np.nan_to_num(np.bincount(group, weights=stance * weight, minlength=g) / wsum),
        escalate=np.nan_to_num(
            np.bincount(group, weights=stance > QUIET_STANCE, minlength=g) / counts
        ),
        concede=np.nan_to_num(
            np.bincount(group, weights=stance < -QUIET_STANCE, minlength=g) / counts
        ),
        profit_change=np.divide(delta, base, out=np.zeros(g), where=base > 0),
    )


@dataclass(frozen=True)
class FirmReport:
    """What one firm group of a government's country is saying, and why."""

    group: str
    label: str
    firms: int
    stance: float  # political-weighted mean stance, > 0 pushes for escalation
    profit_change: float  # group profit change vs free trade, fraction
    verdict: str  # core.stance_word: "escalate", "concede" or "quiet"
    reasons: tuple[str, ...]


def firm_reports(model: NegotiationModel, gid: str) -> list[FirmReport]:
    """What each firm group of ``gid``'s country lobbies for and why, most eager to
    concede first (empty before round 1)."""
    if model.round == 0:
        return []
    world, table = model.world, model.world.firms
    gov = model.governments[gid]
    partner = model.governments[model.dyad.partner(gid)]
    lobbying = group_lobbying(model)
    mine = gov.tariffs.get(partner.gid, {})
    theirs = partner.tariffs.get(gid, {})
    reports = []
    for g, name in enumerate(world.groups):
        sel = (table.group == g) & (table.country == gov.index)
        if not sel.any():
            continue
        sector = world.group_sector[g]
        roles = _roles(table, sel)
        stance = float(lobbying.stance[g])
        reports.append(
            FirmReport(
                group=name,
                label=f"{sector.replace('_', ' ').capitalize()} ({', '.join(roles) or 'firms'})",
                firms=int(sel.sum()),
                stance=stance,
                profit_change=float(lobbying.profit_change[g]),
                verdict=stance_word(stance),
                reasons=tuple(_reasons(model, sel, sector, gov, partner, mine, theirs)),
            )
        )
    return sorted(reports, key=lambda r: r.stance)


def _reasons(model, sel, sector, gov, partner, my_tariffs, their_tariffs) -> list[str]:
    table, state = model.world.firms, model.population.state
    p_name, levels = partner.name, model.policy.controls
    out = []
    if table.exports_free[sel].sum() > 0:
        t = their_tariffs.get(sector)
        if t is not None:
            out.append(f"{p_name}'s {t:.0f}% tariff hits their exports")
    if table.competing[sel].sum() > 0:
        t = my_tariffs.get(sector)
        if t is not None and t > 0.5:
            out.append(f"our {t:.0f}% tariff shields them from imports")
        elif t is not None:
            out.append("no tariff of ours shields them from imports any more")
    if table.imports_free[sel].sum() > 0:
        t = my_tariffs.get(sector)
        if t is not None:
            out.append(f"they pay our {t:.0f}% tariff on the goods they import")
    dependent = sel & (table.rare_earth_dependence > 0)
    if dependent.any():
        short = int(np.count_nonzero(state.short_weeks[dependent] > 0))
        stock = float(np.median(state.stockpile[dependent]))
        col = CONTROL_COLUMNS["rare_earth"]
        holders = [int(i) for i in np.flatnonzero(model.world.holds[:, col])] or [0]
        re_level = max(int(levels[i, col]) for i in holders)
        text = f"rare-earth stockpiles at about {stock:.0f} weeks"
        if re_level:
            text += f" under {control_level_name(re_level)} controls"
        if short:
            text += f"; {short} firms already short"
        out.append(text)
    if table.tech_exports[sel].sum() > 0 and "chips" in gov.controls:
        level = control_level_name(gov.controls["chips"])
        out.append(f"our chip controls ({level}) limit their sales to {p_name}")
    if table.tech_dependence[sel].sum() > 0 and "chips" in partner.controls:
        level = control_level_name(partner.controls["chips"])
        out.append(f"they need chips that {p_name} controls ({level})")
    if table.rare_earth_exports[sel].sum() > 0 and "rare_earth" in gov.controls:
        level = control_level_name(gov.controls["rare_earth"])
        out.append(f"our rare-earth controls ({level}) limit their sales")
    return out


def _roles(table, sel) -> list[str]:
    roles = []
    if table.exports_free[sel].sum() > 0:
        roles.append("exporters")
    if table.competing[sel].sum() > 0:
        roles.append("import-competing")
    if table.imports_free[sel].sum() > 0:
        roles.append("importers")
    if table.tech_exports[sel].sum() > 0:
        roles.append("tech sellers")
    if table.rare_earth_exports[sel].sum() > 0:
        roles.append("rare-earth producers")
    return roles

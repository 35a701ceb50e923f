"""``run_simulation``: one seeded run in, one picklable result out. Sweeps call this."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from negotiation_sim.abm.model import NegotiationModel, Overrides, as_scenario
from negotiation_sim.scenario import Scenario


@dataclass
class SimulationResult:
    """A finished run: the per-round trajectory (``None`` when not recorded) and its
    outcome summary (see ``summarize``)."""

    scenario: str
    seed: int
    rounds: int
    summary: dict[str, Any]
    trajectory: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def outcome(self) -> str:
        return self.summary["outcome"]


def run_simulation(
    scenario: Scenario | str | Path,
    seed: int,
    rounds: int | None = None,
    overrides: Overrides = None,
    *,
    trajectory: bool = True,
    stage_game: bool = True,
) -> SimulationResult:
    """Run one simulation to its horizon and return a ``SimulationResult``.

    ``scenario`` is a loaded ``Scenario``, a path or a scenario name; ``overrides`` are
    dotted-path settings (``{"economy.elasticity": 3.0}`` or ``["economy.elasticity=3"]``).
    Sweeps pass ``trajectory=False, stage_game=False`` to keep only the summary.
    """
    spec = as_scenario(scenario, overrides)
    model = NegotiationModel(
        spec, rng=seed, rounds=rounds, record_stage_game=stage_game, record=trajectory
    )
    while model.running:
        model.step()
    return SimulationResult(
        scenario=spec.stem,
        seed=seed,
        rounds=model.horizon,
        summary=summarize(model),
        trajectory=model.trajectory() if trajectory else None,
    )


def summarize(model: NegotiationModel) -> dict[str, Any]:
    """Outcome summary of a model: outcome and the round it was reached, peak tariffs,
    cumulative welfare by country ($bn), final policy levels and deal history."""
    final, since = model.tracker.final
    peak = model.tracker.peak
    a, b = model.parties
    mech = model.mechanism
    return {
        "scenario": model.spec.stem,
        "seed": model.seed,
        "rounds": model.round,
        "outcome": final,
        "outcome_round": since,
        "peak_tariffs": {
            f"{a.gid}_on_{b.gid}": round(peak[a.gid], 4),
            f"{b.gid}_on_{a.gid}": round(peak[b.gid], 4),
        },
        "welfare": {
            c: round(float(w), 4)
            for c, w in zip(model.world.countries, model.cumulative_welfare, strict=True)
        },
        "final_tariffs": {
            f"{g.gid}_on_{g.partner}": round(model.tariff_on_partner(g), 4) for g in model.parties
        },
        "final_controls": {
            f"{g.gid}_{name}": level
            for g in model.governments.values()
            for name, level in g.controls.items()
        },
        "final_escalation": {g.gid: round(model.escalation(g), 4) for g in model.parties},
        "purchases": model.policy.purchases,
        "deal": model.deal.kind if model.deal else "",
        "deals_struck": mech.struck,
        "deals_broken": mech.broken,
        "truce_extensions": mech.extended,
        "first_deal_round": mech.first_deal_round,
        "deal_terms": "; ".join(f"round {r}: {terms}" for r, terms in mech.history),
    }

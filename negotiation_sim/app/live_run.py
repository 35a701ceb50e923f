"""One browser session's live run: its model, the facts the views label things with, and
what they draw from.

Views never read the model while it steps: they read the run's record (``views.RunRecord``,
lists that only grow) up to the number of rounds they were asked to show, and the
snapshots taken at the end of each step (each party's ``views.SeatView`` and every firm
group's lobbying). A ``LiveRun`` belongs to one session; nothing here is module-level
state.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np

from negotiation_sim import views
from negotiation_sim.abm.model import NegotiationModel
from negotiation_sim.scenario import Scenario
from negotiation_sim.strategies import MoveRequired

_generations = itertools.count(1)


@dataclass(frozen=True)
class Snapshot:
    """What the views need of the model after a round, besides the record."""

    seats: dict[str, views.SeatView]
    lobbying: views.GroupLobbying


class LiveRun:
    """A model being stepped in one session, with the record its views draw from."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.model = NegotiationModel(scenario, rng=seed)
        self.info = views.run_info(self.model)
        self.record = views.RunRecord(self.model)
        self.seeds = views.seed_variation(scenario.config)
        self.generation = next(_generations)
        self.lock = threading.RLock()
        self._snapshots: dict[int, Snapshot] = {0: self._snapshot()}
        self.error: str | None = None

    def _snapshot(self) -> Snapshot:
        parties = [p.gid for p in self.info.parties]
        seats = {g: views.seat_view(self.model, g, firms=False) for g in parties}
        return Snapshot(seats, views.group_lobbying(self.model))

    @property
    def rounds_done(self) -> int:
        return self.record.rounds_done

    @property
    def finished(self) -> bool:
        return not self.model.running

    def step(self) -> int:
        """Play one round (if the run is not over); returns the rounds done."""
        with self.lock:
            if self.model.running:
                try:
                    self.model.step()
                except MoveRequired as exc:  # a Human strategy from an uploaded scenario
                    self.error = str(exc)
                    self.model.running = False
                    return self.rounds_done
                self._snapshots[self.rounds_done] = self._snapshot()
            return self.rounds_done

    def snapshot(self, n: int) -> Snapshot:
        """The snapshot after round ``n`` (the nearest earlier one if none was kept)."""
        if n in self._snapshots:
            return self._snapshots[n]
        return self._snapshots[max(k for k in self._snapshots if k <= n)]

    def column(self, name: str, n: int) -> np.ndarray:
        return self.record.column(name, n)

    def value(self, name: str, n: int, default=None):
        return self.record.value(name, n, default)

    def series(self, column: str, n: int, with_start: bool = True) -> np.ndarray:
        """Rounds 0..n of a column (round 0 = the state before round 1)."""
        values = self.record.column(column, n)
        if not with_start:
            return values
        return np.concatenate([[self.info.initial[column]], values])

    def csv(self) -> str:
        with self.lock:
            return self.record.csv()

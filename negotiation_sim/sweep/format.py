"""The sweep spec format: its constants, its schema (``SPEC``) and its error type.

A sweep file has a ``[sweep]`` table (base scenario, design, sizes, seeds, outputs) and one
``[[parameters]]`` table per varied input. It is validated with the schema DSL of
scenarios (``config.schema``), so problems read like scenario problems: file, field path,
bad value, what is allowed.
"""

from __future__ import annotations

from typing import Any

from negotiation_sim.config import kinds
from negotiation_sim.config.schema import Any_, Bool, ListOf, Num, Str, Table
from negotiation_sim.config.toml import Format
from negotiation_sim.scenario import ScenarioError

DESIGNS = ("grid", "latin_hypercube", "sobol", "saltelli", "morris", "monte_carlo")
#: designs whose samples feed SALib's Sobol or Morris analysis
SENSITIVITY_DESIGNS = ("sobol", "saltelli", "morris")
DISTRIBUTIONS = ("uniform", "loguniform", "normal", "lognormal", "triangular")
#: output groups a sweep can keep (outcome, outcome_round and rounds are always kept)
OUTPUT_GROUPS = (
    "peak_tariffs",
    "welfare",
    "final_tariffs",
    "final_controls",
    "final_escalation",
    "deals",
)
#: summary keys every sweep keeps, and those of the ``deals`` output group
ALWAYS = ("outcome", "outcome_round", "rounds")
DEALS = (
    "purchases",
    "deal",
    "deals_struck",
    "deals_broken",
    "truce_extensions",
    "first_deal_round",
)
SEED_MODES = ("per_run", "common")
DEFAULT_GRID_LEVELS = 5
DEFAULT_MORRIS_LEVELS = 4
MAX_SEED = 2**63 - 1
#: column names of the results that parameters may not take
RESERVED = frozenset({"run", "point", "replicate", "seed", "scenario", "error", *ALWAYS, *DEALS})
RESERVED_PREFIXES = (*(f"{g}." for g in OUTPUT_GROUPS if g != "deals"), "u:")


#: most runs (points x replicates) in one sweep
MAX_RUNS = 1_000_000_000
#: most points of a grid
MAX_GRID_POINTS = 100_000_000
#: most varied parameters, and most values of one
MAX_PARAMETERS = 1_000
MAX_VALUES = 10_000


class SweepError(ScenarioError):
    """Invalid sweep input. ``messages`` lists every problem found, one per line.

    A ``ScenarioError``, so code that reports scenario problems reports these too."""


PARAMETER = Table(
    doc="One varied input: a scenario path and the values it takes.",
    fields={
        "path": Any_(
            doc="Dotted scenario path (economy.elasticity), or a list of paths that all "
            "take the same value."
        ),
        "name": Str(
            doc="Column name in the results (default: the path).", default="", max_length=200
        ),
        "range": ListOf(
            doc="[low, high] of a continuous parameter (or the truncation of a normal).",
            item=Num(),
            min_items=2,
            default=None,
        ),
        "values": ListOf(
            doc="Discrete values, drawn with equal weight (or the levels of a grid).",
            item=Any_(),
            min_items=1,
            max_items=MAX_VALUES,
            default=None,
        ),
        "distribution": Str(
            doc="Distribution of a continuous parameter.", choices=DISTRIBUTIONS, default="uniform"
        ),
        "mean": Num(doc="Mean of a normal (of ln x for a lognormal).", default=None),
        "sd": Num(
            doc="Standard deviation of a normal (of ln x for a lognormal).",
            low=0,
            low_open=True,
            default=None,
        ),
        "mode": Num(doc="Mode of a triangular distribution.", default=None),
        "levels": Num(
            doc="Grid levels of a range (grid design; default [sweep].levels).",
            low=1,
            high=100_000,
            integer=True,
            default=None,
        ),
        "integer": Bool(doc="Round drawn values to whole numbers.", default=False),
        "scale": Bool(
            doc="The drawn value multiplies the scenario's own value at the path "
            "(for a [low, high] firm range, both ends).",
            default=False,
        ),
    },
)

SWEEP = Table(
    doc="The sweep: base scenario, design, sizes, seeds and outputs.",
    fields={
        "name": Str(doc="Short title of the sweep.", default="", max_length=200),
        "description": Str(doc="What the sweep asks.", default="", max_length=10_000),
        "scenario": Str(
            doc="Base scenario: a file (relative to this spec) or a name in scenarios/."
        ),
        "design": Str(doc="Sampling design.", choices=DESIGNS),
        "samples": Num(
            doc="Points (latin_hypercube, monte_carlo), base sample N (sobol, saltelli: a "
            "power of 2) or trajectories (morris). Not used by grid.",
            low=1,
            high=100_000_000,
            integer=True,
            default=None,
        ),
        "replicates": Num(
            doc="Runs (seeds) per design point.", low=1, high=1_000_000, integer=True, default=1
        ),
        "rounds": Num(
            doc="Rounds per run (default: the scenario's horizon).",
            low=1,
            high=10_000,
            integer=True,
            default=None,
        ),
        "seed": Num(doc="Sweep seed.", low=0, high=MAX_SEED, integer=True, default=0),
        "seeds": Str(
            doc="per_run: every run its own stream; common: replicate r uses the same "
            "stream at every point (common random numbers).",
            choices=SEED_MODES,
            default="per_run",
        ),
        "levels": Num(
            doc="Default grid levels of a range (grid, default 5) or Morris levels (default 4).",
            low=2,
            high=100_000,
            integer=True,
            default=None,
        ),
        "second_order": Bool(
            doc="sobol/saltelli: also sample for second-order indices (N(2D+2) points "
            "instead of N(D+2)).",
            default=False,
        ),
        "outputs": ListOf(
            doc="Output groups kept per run besides outcome, outcome_round and rounds.",
            item=Str(choices=("all", *OUTPUT_GROUPS)),
            default=["all"],
        ),
        "trajectories": Bool(
            doc="Also keep per-round trajectories (a separate Parquet dataset).", default=False
        ),
        "trajectory_columns": ListOf(
            doc="Trajectory columns to keep (default: all).",
            item=Str(max_length=200),
            default=[],
            max_items=MAX_VALUES,
        ),
        "stage_game": Bool(
            doc="Record the stage game every round (only with trajectories).", default=False
        ),
        "set": Any_(doc='Fixed overrides for every run: "dotted.path" = value.', default={}),
    },
)

SPEC = Table(
    doc="A negotiation-sim sweep.",
    fields={
        "sweep": SWEEP,
        "parameters": ListOf(item=PARAMETER, min_items=1, max_items=MAX_PARAMETERS),
    },
)

#: the file kind (``config.kinds``), for callers that pick a loader by a file's look
KIND = kinds.SWEEP
FORMAT = Format(KIND, SPEC, SweepError)


def looks_like_sweep(raw: Any) -> bool:
    """Whether parsed TOML looks like a sweep spec (by its top-level tables)."""
    return kinds.looks_like(raw) == KIND

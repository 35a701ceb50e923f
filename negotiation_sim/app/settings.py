"""The app's settings: what the side panel edits, and how it becomes scenario overrides.

A ``Settings`` value is plain data. ``overrides(base, settings)`` turns it into the dotted
overrides of ``Scenario.with_overrides`` (only the fields that differ from the base
scenario, so the scenario's own choices survive), and ``apply(base, settings)`` validates
them: a problem raises ``ScenarioError`` with the same messages as the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from negotiation_sim.scenario import Scenario, ScenarioError, load_scenario, loads_scenario
from negotiation_sim.strategies import STRATEGIES, get_strategy

#: strategies offered in the app: every registered one except the human player, whose
#: moves come from outside (not part of this app yet)
APP_STRATEGIES: tuple[str, ...] = tuple(n for n in STRATEGIES if n != "Human")

#: ranges of the app's own controls (the scenario schema allows more)
MAX_ROUNDS = 520
MAX_STOCKPILE_WEEKS = 520.0  # the schema's upper bound on firms.*.stockpile_weeks
#: upper bound of the uploaded file size we read (a scenario file is a few kB)
MAX_UPLOAD_BYTES = 2_000_000


@dataclass(frozen=True)
class Settings:
    """Everything the settings panel sets. ``strategy``/``params`` are keyed by the
    negotiating parties' government ids."""

    strategy: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, float]] = field(default_factory=dict)
    elasticity: float = 2.5
    stockpile_scale: float = 1.0
    perception_noise: float = 0.0
    implementation_noise: float = 0.0
    rounds: int = 52
    seed: int = 1

    def with_strategy(self, gid: str, name: str) -> Settings:
        """Another strategy for ``gid``, with that strategy's default parameters."""
        strategy = {**self.strategy, gid: name}
        params = {**self.params, gid: default_params(name)}
        return replace(self, strategy=strategy, params=params)

    def with_param(self, gid: str, key: str, value: float) -> Settings:
        params = {**self.params, gid: {**self.params.get(gid, {}), key: value}}
        return replace(self, params=params)


def canonical(name: str) -> str:
    """The registry's spelling of a strategy name (names match case-insensitively)."""
    try:
        return get_strategy(name).name if name.lower() != "human" else "Human"
    except (ValueError, TypeError):
        return name


def default_params(name: str) -> dict[str, float]:
    cls = STRATEGIES.get(name)
    if cls is None:
        return {}
    return {key: p.default for key, p in cls.params.items()}


def scenario_params(scenario: Scenario, gid: str) -> dict[str, float]:
    """The effective parameters of ``gid``'s strategy: the registry defaults overlaid
    with the scenario's ``strategy_params``."""
    gov = scenario.data["governments"][gid]
    name = canonical(gov["strategy"])
    params = default_params(name)
    for key, value in (gov["strategy_params"] or {}).items():
        if key in params:
            params[key] = value
    return params


def settings_for(scenario: Scenario, seed: int = 1) -> Settings:
    """The settings that reproduce ``scenario`` as it is."""
    data = scenario.data
    parties = scenario.parties
    return Settings(
        strategy={g: canonical(data["governments"][g]["strategy"]) for g in parties},
        params={g: scenario_params(scenario, g) for g in parties},
        elasticity=float(data["economy"]["elasticity"]),
        stockpile_scale=1.0,
        perception_noise=float(data["negotiation"]["perception_noise"]),
        implementation_noise=float(data["negotiation"]["implementation_noise"]),
        rounds=int(data["scenario"]["rounds"]),
        seed=seed,
    )


def rare_earth_groups(scenario: Scenario) -> list[str]:
    """Firm groups that depend on rare earths (their stockpile matters)."""
    out = []
    for name, group in scenario.data["firms"].items():
        dep = group["rare_earth_dependence"]
        if max(dep) > 0 and max(group["stockpile_weeks"]) > 0:
            out.append(name)
    return out


def overrides(base: Scenario, settings: Settings) -> dict[str, Any]:
    """Dotted overrides that turn ``base`` into the scenario ``settings`` describe."""
    out: dict[str, Any] = {}
    data = base.data
    for gid in base.parties:
        name = settings.strategy.get(gid)
        if name is None:
            continue
        gov = data["governments"][gid]
        old = canonical(gov["strategy"])
        params = dict(settings.params.get(gid, {}))
        if name == "Human" and old == "Human":
            continue
        if name != old or params != scenario_params(base, gid):
            out[f"governments.{gid}.strategy"] = name
            cls = STRATEGIES.get(name)
            if cls is not None:
                out[f"governments.{gid}.strategy_params"] = {
                    key: (int(v) if cls.params[key].integer and float(v).is_integer() else v)
                    for key, v in params.items()
                    if key in cls.params
                }
    if settings.elasticity != data["economy"]["elasticity"]:
        out["economy.elasticity"] = settings.elasticity
    if settings.stockpile_scale != 1.0:
        m = settings.stockpile_scale
        for name in rare_earth_groups(base):
            lo, hi = data["firms"][name]["stockpile_weeks"]
            out[f"firms.{name}.stockpile_weeks"] = [round(lo * m, 4), round(hi * m, 4)]
    for key in ("perception_noise", "implementation_noise"):
        if getattr(settings, key) != data["negotiation"][key]:
            out[f"negotiation.{key}"] = getattr(settings, key)
    if settings.rounds != data["scenario"]["rounds"]:
        out["scenario.rounds"] = settings.rounds
    return out


def apply(base: Scenario, settings: Settings) -> Scenario:
    """``base`` with the settings applied; ``ScenarioError`` lists any problem."""
    problems = check(settings)
    if problems:
        raise ScenarioError(problems)
    return base.with_overrides(overrides(base, settings))


def check(settings: Settings) -> list[str]:
    """Problems the scenario schema cannot see (values the app needs to be whole)."""
    out = []
    if not isinstance(settings.seed, int) or settings.seed < 0:
        out.append(f"seed: {settings.seed!r} is not allowed; allowed: a whole number >= 0")
    if not isinstance(settings.rounds, int) or not 1 <= settings.rounds <= MAX_ROUNDS:
        out.append(
            f"horizon: {settings.rounds!r} rounds is not allowed; allowed: 1 to {MAX_ROUNDS}"
        )
    if not 0 <= settings.stockpile_scale <= 10:
        out.append(
            f"stockpile multiplier: {settings.stockpile_scale!r} is not allowed; allowed: 0 to 10"
        )
    return out


def load_named(name: str) -> Scenario:
    """A shipped scenario by name."""
    return load_scenario(name)


def parse_upload(filename: str, data: bytes) -> Scenario:
    """Validate an uploaded scenario file; ``ScenarioError`` with the messages of
    ``negotiation-sim validate`` if it is not a valid scenario."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            [f"{filename}: file too large ({len(data):,} bytes); a scenario is a small TOML file"]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{filename}: cannot read file: not UTF-8 text ({exc})"]) from None
    return loads_scenario(text, source=filename)


def strategy_summary(name: str) -> str:
    """What a strategy does, in a line: its description up to the source citation."""
    cls = STRATEGIES.get(name)
    if cls is None:
        return ""
    text = cls.describe().replace("``", "")
    head, sep, _ = text.partition(": ")
    return head + "." if sep else text


def strategy_source(name: str) -> str:
    """The full description, with its source (for hover text)."""
    cls = STRATEGIES.get(name)
    return cls.describe().replace("``", "").replace("*", "") if cls else ""

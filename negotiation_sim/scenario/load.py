"""Loading scenario files: TOML parsing, dotted overrides, schema and cross-field checks."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from negotiation_sim.core import CONTROL_INSTRUMENTS
from negotiation_sim.core.resources import SCENARIOS, shipped_dir
from negotiation_sim.scenario.config import ScenarioConfig, compile_config
from negotiation_sim.scenario.schema import MISSING, ListOf, MapOf, Problem, Table, lookup
from negotiation_sim.scenario.spec import SCENARIO

SCENARIO_DIR = shipped_dir(SCENARIOS)  # the shipped scenarios (package data)


class ScenarioError(ValueError):
    """Invalid scenario input. ``messages`` lists every problem found, one per line."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: nested data with defaults filled in, and where it came from."""

    data: dict[str, Any]
    source: str = "<dict>"
    overrides: tuple[str, ...] = ()
    digest: str = field(default="", compare=False)

    @cached_property
    def config(self) -> ScenarioConfig:
        """The scenario as frozen, typed configuration (``scenario/config.py``)."""
        return compile_config(self.data)

    @property
    def name(self) -> str:
        return self.data["scenario"]["name"]

    @property
    def stem(self) -> str:
        return Path(self.source).stem if self.source != "<dict>" else self.name

    @property
    def parties(self) -> tuple[str, str]:
        a, b = self.data["scenario"]["parties"]
        return a, b

    @property
    def rounds(self) -> int:
        return self.data["scenario"]["rounds"]

    def with_overrides(self, overrides: Mapping[str, Any] | Iterable[str] | None) -> Scenario:
        """A new scenario with dotted-path overrides applied and validated."""
        if not overrides:
            return self
        raw = copy.deepcopy(self.data)
        pairs = parse_overrides(overrides)
        problems = apply_overrides(raw, pairs)
        tags = self.overrides + tuple(f"{k}={v!r}" for k, v in pairs)
        return _finish(raw, self.source, problems, {k for k, _ in pairs}, tags)


def resolve_path(name: str | Path) -> Path:
    """A scenario path: an existing file, or a name in the ``scenarios/`` folder."""
    path = Path(name)
    if path.is_file():
        return path
    for folder in (SCENARIO_DIR, Path.cwd() / "scenarios"):
        for candidate in (folder / str(name), folder / f"{name}.toml"):
            if candidate.is_file():
                return candidate
    raise ScenarioError(
        [f"{name}: no such scenario file; known scenarios: {', '.join(list_scenarios())}"]
    )


def list_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Scenario:
    """Read and validate a scenario file (a path or a name in ``scenarios/``).

    Raises ``ScenarioError`` listing every problem with file, field path, value and what
    is allowed.
    """
    file = resolve_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{file}: cannot read file: {exc}"]) from None
    return loads_scenario(text, source=str(file), overrides=overrides)


def loads_scenario(
    text: str,
    source: str = "<text>",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    """Validate scenario TOML given as text (used for uploads)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{source}: not valid TOML: {exc}"]) from None
    return scenario_from_dict(raw, source=source, overrides=overrides)


def scenario_from_dict(
    raw: dict[str, Any],
    source: str = "<dict>",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Scenario:
    raw = copy.deepcopy(raw)
    pairs = parse_overrides(overrides) if overrides else []
    problems = apply_overrides(raw, pairs)
    tags = tuple(f"{k}={v!r}" for k, v in pairs)
    return _finish(raw, source, problems, {k for k, _ in pairs}, tags)


def _finish(
    raw: dict[str, Any],
    source: str,
    problems: list[Problem],
    overridden: set[str],
    tags: tuple[str, ...],
) -> Scenario:
    data = SCENARIO.validate(raw, "", problems)
    if not problems:
        problems.extend(cross_check(data))
    if problems:
        raise ScenarioError([_render(p, source, overridden) for p in problems])
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return Scenario(data=data, source=source, overrides=tags, digest=digest)


def _render(problem: Problem, source: str, overridden: set[str]) -> str:
    for key in overridden:
        if (
            problem.path == key
            or problem.path.startswith(key + ".")
            or problem.path.startswith(key + "[")
        ):
            return problem.render(f"{source} (--set {key})")
    return problem.render(source)


def parse_overrides(overrides: Mapping[str, Any] | Iterable[str]) -> list[tuple[str, Any]]:
    """``["a.b=3", "c=x"]`` or ``{"a.b": 3}`` to ``[("a.b", 3), ("c", "x")]``.

    Values in strings are read as TOML values (numbers, booleans, lists, dates, quoted
    strings); anything else is taken as a bare string.
    """
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    pairs = []
    for item in overrides:
        key, sep, text = str(item).partition("=")
        if not sep or not key.strip():
            raise ScenarioError([f"--set {item!r}: expected PATH=VALUE, e.g. economy.elasticity=3"])
        pairs.append((key.strip(), parse_value(text.strip())))
    return pairs


def parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(raw: dict[str, Any], pairs: list[tuple[str, Any]]) -> list[Problem]:
    """Set each dotted path in ``raw``; unknown paths become problems.

    Overriding a government's ``strategy`` drops the scenario's ``strategy_params`` for
    it (they belong to the old strategy) unless they are overridden too.
    """
    problems: list[Problem] = []
    keys = {k for k, _ in pairs}
    for key, _ in pairs:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "governments" and parts[2] == "strategy":
            params_key = f"governments.{parts[1]}.strategy_params"
            gov = raw.get("governments", {}).get(parts[1])
            if isinstance(gov, dict) and params_key not in keys:
                gov["strategy_params"] = {}
    for key, value in pairs:
        parts = key.split(".")
        node = lookup(SCENARIO, parts)
        if node is None or not all(parts):
            problems.append(
                Problem(key, value, "a dotted path to a scenario field", "unknown override path")
            )
            continue
        target: Any = raw
        schema: Any = SCENARIO
        ok = True
        for part in parts[:-1]:
            if isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            elif isinstance(target, dict):
                if part not in target:
                    if isinstance(schema, MapOf):
                        problems.append(
                            Problem(
                                key,
                                value,
                                "an existing id: " + ", ".join(target) if target else "none",
                                f"no entry {part!r} to override",
                            )
                        )
                        ok = False
                        break
                    target[part] = {}
                target = target[part]
            else:
                problems.append(Problem(key, value, "an existing path", "cannot override"))
                ok = False
                break
            schema = _child(schema, part)
        if ok:
            last = parts[-1]
            if isinstance(target, list) and last.isdigit() and int(last) < len(target):
                target[int(last)] = value
            elif isinstance(target, dict):
                target[last] = value
            else:
                problems.append(Problem(key, value, "an existing path", "cannot override"))
    return problems


def _child(schema: Any, part: str) -> Any:
    if isinstance(schema, Table):
        return schema.fields[part]
    if isinstance(schema, MapOf | ListOf):
        return schema.item
    return schema


def sectors_of(data: dict[str, Any]) -> set[str]:
    return {g["sector"] for g in data["firms"].values()}


def cross_check(data: dict[str, Any]) -> list[Problem]:
    """Checks that span several fields: ids that must exist, consistent pairs."""
    out: list[Problem] = []
    govs = data["governments"]
    ids = ", ".join(govs)
    parties = data["scenario"]["parties"]
    if len(parties) != 2 or len(set(parties)) != 2:
        out.append(Problem("scenario.parties", parties, "two different government ids", "bad"))
    for i, pid in enumerate(parties):
        if pid not in govs:
            out.append(Problem(f"scenario.parties[{i}]", pid, ids, "unknown government"))
        elif not govs[pid]["instruments"]:
            out.append(
                Problem(
                    f"governments.{pid}.instruments",
                    [],
                    "at least one of tariff, rare_earth, chips for a negotiating party",
                    "no instruments",
                )
            )
    sectors = sectors_of(data)
    cap = data["economy"]["max_tariff"]
    for gid, gov in govs.items():
        base = f"governments.{gid}"
        levels = [(f"tariffs.{p}", v) for p, v in gov["tariffs"].items()] + [
            (f"sector_tariffs.{p}.{s}", v)
            for p, by in gov["sector_tariffs"].items()
            for s, v in by.items()
        ]
        for key, value in levels:
            if value > cap:
                out.append(
                    Problem(
                        f"{base}.{key}", value, f"at most economy.max_tariff = {cap}", "too high"
                    )
                )
        out.extend(check_strategy(base, gov["strategy"], gov["strategy_params"]))
        if len(set(gov["instruments"])) != len(gov["instruments"]):
            out.append(Problem(f"{base}.instruments", gov["instruments"], "no repeats", "repeat"))
        for key in ("tariffs", "reference_tariffs", "sector_tariffs"):
            for partner in gov[key]:
                if partner not in govs or partner == gid:
                    out.append(
                        Problem(f"{base}.{key}.{partner}", partner, f"another of: {ids}", "unknown")
                    )
        for partner, by_sector in gov["sector_tariffs"].items():
            for sector in by_sector:
                if sector not in sectors:
                    out.append(
                        Problem(
                            f"{base}.sector_tariffs.{partner}.{sector}",
                            sector,
                            ", ".join(sorted(sectors)),
                            "unknown sector",
                        )
                    )
        for inst in gov["controls"]:
            if inst not in CONTROL_INSTRUMENTS:
                out.append(
                    Problem(f"{base}.controls.{inst}", inst, "rare_earth, chips", "not a control")
                )
            elif inst not in gov["instruments"]:
                out.append(
                    Problem(
                        f"{base}.controls.{inst}",
                        inst,
                        "an instrument listed in instruments",
                        "instrument not held",
                    )
                )
    for name, group in data["firms"].items():
        base = f"firms.{name}"
        for key in ("country", "partner"):
            if group[key] not in govs:
                out.append(Problem(f"{base}.{key}", group[key], ids, "unknown government"))
        if group["country"] == group["partner"]:
            out.append(Problem(f"{base}.partner", group["partner"], "not the home country", "bad"))
        flow = any(
            g["country"] == group["partner"]
            and g["partner"] == group["country"]
            and g["sector"] == group["sector"]
            and g["exports"] > 0
            for g in data["firms"].values()
        )
        for key in ("imports", "import_competing"):
            if group[key] > 0 and not flow:
                out.append(
                    Problem(
                        f"{base}.{key}",
                        group[key],
                        f"0 unless a {group['partner']} firm group exports sector "
                        f"{group['sector']!r} to {group['country']}",
                        "no matching trade flow",
                    )
                )
    start = data["scenario"]["start_date"]
    span = (data["scenario"]["rounds"] - 1) * data["scenario"]["round_days"]
    if (dt.date.max - start).days < span:
        out.append(
            Problem(
                "scenario.start_date",
                str(start),
                "a date that leaves room for rounds * round_days days before 9999-12-31",
                "run ends after the last representable date",
            )
        )
    for i, event in enumerate(data["calendar"]):
        base = f"calendar[{i}]"
        if event["date"] < start:
            out.append(Problem(f"{base}.date", str(event["date"]), f"on or after {start}", "early"))
        kind = event["type"]
        if kind in ("tariff_threat", "control_rule") and event["government"] not in govs:
            out.append(Problem(f"{base}.government", event["government"], ids, "unknown"))
        if kind == "control_rule":
            gov = govs.get(event["government"])
            if event["instrument"] not in CONTROL_INSTRUMENTS:
                out.append(
                    Problem(f"{base}.instrument", event["instrument"], "rare_earth, chips", "bad")
                )
            elif gov is not None and event["instrument"] not in gov["instruments"]:
                out.append(
                    Problem(
                        f"{base}.instrument",
                        event["instrument"],
                        f"an instrument of {event['government']}",
                        "instrument not held",
                    )
                )
    for key in ("rare_earth_cut", "chip_cut"):
        cut = data["economy"][key]
        if len(cut) != 4:
            out.append(Problem(f"economy.{key}", cut, "exactly 4 shares (levels 0..3)", "length"))
    neg = data["negotiation"]
    if neg["max_purchases"] > 0:
        if neg["buyer"] not in parties:
            out.append(Problem("negotiation.buyer", neg["buyer"], " or ".join(parties), "bad"))
        else:
            seller = parties[1] if neg["buyer"] == parties[0] else parties[0]
            own = {g["sector"] for g in data["firms"].values() if g["country"] == seller}
            if neg["purchase_sector"] not in own:
                out.append(
                    Problem(
                        "negotiation.purchase_sector",
                        neg["purchase_sector"],
                        f"a sector of {seller}'s firms: {', '.join(sorted(own))}",
                        "unknown sector",
                    )
                )
    return out


def check_strategy(base: str, name: Any, params: Any) -> list[Problem]:
    """The strategy must exist and each of its parameters must be known and in range."""
    from negotiation_sim.strategies import STRATEGIES, get_strategy

    if not isinstance(params, dict):
        return [Problem(f"{base}.strategy_params", params, "a table of name = number", "bad")]
    key = name.strip().lower() if isinstance(name, str) else None
    cls = STRATEGIES.get(name) or next(
        (c for k, c in STRATEGIES.items() if k.lower() == key),
        None,
    )
    if cls is None:
        return [Problem(f"{base}.strategy", name, ", ".join(STRATEGIES), "unknown strategy")]
    out = []
    if cls.params or not params:
        for key, value in params.items():
            spec = cls.params.get(key)
            if spec is None:
                allowed = ", ".join(cls.params) or "none"
                out.append(
                    Problem(f"{base}.strategy_params.{key}", value, allowed, "unknown parameter")
                )
                continue
            kind = "a whole number" if spec.integer else "a number"
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and spec.low <= value <= spec.high
                and (not spec.integer or float(value).is_integer())
            )
            if not ok:
                out.append(
                    Problem(
                        f"{base}.strategy_params.{key}",
                        value,
                        f"{kind} from {spec.low:g} to {spec.high:g} ({spec.doc})",
                        "bad strategy parameter",
                    )
                )
    if not out:
        try:
            get_strategy(name, **params)
        except (ValueError, TypeError) as exc:
            out.append(Problem(f"{base}.strategy_params", params, str(exc), "bad strategy"))
    return out


def raw_value(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or ``MISSING``."""
    node: Any = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node

"""Checks of a scenario that span several fields: ids that must exist, consistent pairs,
the strategies and their parameters, and the totals that bound a run's memory.

They run on the schema's output even when the schema found problems: each check runs
when its own inputs are sound (``Broken``) and is skipped otherwise, so that every
problem of a file is reported at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from negotiation_sim.config.schema import Broken, Problem, is_number, is_whole
from negotiation_sim.core import CONTROL_LEVELS, REGISTRY, control_instruments
from negotiation_sim.scenario.spec import MAX_TOTAL_FIRMS


def sectors_of(data: dict[str, Any]) -> set[str]:
    return {g["sector"] for g in data["firms"].values()}


def _control_names() -> tuple[str, ...]:
    """The names of the registry's control instruments, in column order."""
    return tuple(i.name for i in control_instruments())


def _table(broken: Broken, path: str, value: Any) -> dict[str, Any]:
    """``value`` if it is a table of the right type, else an empty one (its checks skip)."""
    return value if broken.known(path) and isinstance(value, dict) else {}


def cross_check(data: Any, problems: Iterable[Problem] = ()) -> list[Problem]:
    """Problems spanning several fields of validated ``data``; ``problems`` are those the
    schema found (the checks whose inputs they touch are skipped)."""
    broken = Broken(problems)
    ok = broken.ok
    out: list[Problem] = []
    if not isinstance(data, dict):
        return out
    meta = _table(broken, "scenario", data.get("scenario"))
    govs = _table(broken, "governments", data.get("governments"))
    firms = _table(broken, "firms", data.get("firms"))
    economy = _table(broken, "economy", data.get("economy"))
    ids = ", ".join(govs)
    parties: list[str] = meta.get("parties", []) if ok("scenario.parties") else []
    if parties and (len(parties) != 2 or len(set(parties)) != 2):
        out.append(Problem("scenario.parties", parties, "two different government ids", "bad"))
    for i, pid in enumerate(parties if govs else []):
        if pid not in govs:
            out.append(Problem(f"scenario.parties[{i}]", pid, ids, "unknown government"))
        elif ok(f"governments.{pid}.instruments") and not govs[pid]["instruments"]:
            out.append(
                Problem(
                    f"governments.{pid}.instruments",
                    [],
                    f"at least one of {', '.join(REGISTRY)} for a negotiating party",
                    "no instruments",
                )
            )
    names = list(firms)
    sectors_ok = all(ok(f"firms.{n}.sector") for n in names)
    sectors = sectors_of({"firms": firms}) if sectors_ok else set()
    for gid, gov in govs.items():
        if isinstance(gov, dict) and broken.known(f"governments.{gid}"):
            out += _government(broken, gid, gov, govs, economy, sectors_ok, sectors)
    out += _firms(broken, firms, govs)
    out += _calendar(broken, data, meta, govs)
    levels = len(CONTROL_LEVELS)
    for key in (i.cut for i in control_instruments()):
        if ok(f"economy.{key}") and len(economy[key]) != levels:
            cut = economy[key]
            want = f"exactly {levels} shares (levels 0..{levels - 1})"
            out.append(Problem(f"economy.{key}", cut, want, "length"))
    out += _purchases(broken, data, parties, firms)
    return out


def _government(
    broken: Broken,
    gid: str,
    gov: dict[str, Any],
    govs: dict[str, Any],
    economy: dict[str, Any],
    sectors_ok: bool,
    sectors: set[str],
) -> list[Problem]:
    ok = broken.ok
    out: list[Problem] = []
    base = f"governments.{gid}"
    tariffs = _table(broken, f"{base}.tariffs", gov.get("tariffs"))
    by_sector = _table(broken, f"{base}.sector_tariffs", gov.get("sector_tariffs"))
    if ok("economy.max_tariff"):
        cap = economy["max_tariff"]
        levels = [(f"tariffs.{p}", v) for p, v in tariffs.items()] + [
            (f"sector_tariffs.{p}.{s}", v)
            for p, by in by_sector.items()
            for s, v in _table(broken, f"{base}.sector_tariffs.{p}", by).items()
        ]
        for key, value in levels:
            if ok(f"{base}.{key}") and value > cap:
                out.append(
                    Problem(
                        f"{base}.{key}", value, f"at most economy.max_tariff = {cap}", "too high"
                    )
                )
    if ok(f"{base}.strategy", f"{base}.strategy_params"):
        out.extend(check_strategy(base, gov["strategy"], gov["strategy_params"]))
    instruments_ok = ok(f"{base}.instruments")
    if instruments_ok and len(set(gov["instruments"])) != len(gov["instruments"]):
        out.append(Problem(f"{base}.instruments", gov["instruments"], "no repeats", "repeat"))
    ids = ", ".join(govs)
    for key in ("tariffs", "reference_tariffs", "sector_tariffs"):
        for partner in _table(broken, f"{base}.{key}", gov.get(key)):
            if partner not in govs or partner == gid:
                out.append(
                    Problem(f"{base}.{key}.{partner}", partner, f"another of: {ids}", "unknown")
                )
    for partner, table in by_sector.items():
        for sector in _table(broken, f"{base}.sector_tariffs.{partner}", table):
            if sectors_ok and sector not in sectors:
                out.append(
                    Problem(
                        f"{base}.sector_tariffs.{partner}.{sector}",
                        sector,
                        ", ".join(sorted(sectors)),
                        "unknown sector",
                    )
                )
    controls = _control_names()
    for inst in _table(broken, f"{base}.controls", gov.get("controls")):
        if inst not in controls:
            want = ", ".join(controls)
            out.append(Problem(f"{base}.controls.{inst}", inst, want, "not a control"))
        elif instruments_ok and inst not in gov["instruments"]:
            out.append(
                Problem(
                    f"{base}.controls.{inst}",
                    inst,
                    "an instrument listed in instruments",
                    "instrument not held",
                )
            )
    return out


def _firms(broken: Broken, firms: dict[str, Any], govs: dict[str, Any]) -> list[Problem]:
    ok = broken.ok
    out: list[Problem] = []
    ids = ", ".join(govs)
    groups = {n: g for n, g in firms.items() if isinstance(g, dict) and broken.known(f"firms.{n}")}
    flow_keys = ("country", "partner", "sector", "exports")
    flows_ok = len(groups) == len(firms) and all(
        ok(*(f"firms.{n}.{k}" for k in flow_keys)) for n in groups
    )
    flows = (
        {(g["country"], g["partner"], g["sector"]) for g in groups.values() if g["exports"] > 0}
        if flows_ok
        else set()
    )
    for name, group in groups.items():
        base = f"firms.{name}"
        for key in ("country", "partner"):
            if ok(f"{base}.{key}") and govs and group[key] not in govs:
                out.append(Problem(f"{base}.{key}", group[key], ids, "unknown government"))
        if ok(f"{base}.country", f"{base}.partner") and group["country"] == group["partner"]:
            out.append(Problem(f"{base}.partner", group["partner"], "not the home country", "bad"))
        for key in ("imports", "import_competing"):
            if not flows_ok or not ok(f"{base}.{key}") or group[key] <= 0:
                continue
            if (group["partner"], group["country"], group["sector"]) not in flows:
                out.append(
                    Problem(
                        f"{base}.{key}",
                        group[key],
                        f"0 unless a {group['partner']} firm group exports sector "
                        f"{group['sector']!r} to {group['country']}",
                        "no matching trade flow",
                    )
                )
    counts = [g["count"] for n, g in groups.items() if ok(f"firms.{n}.count")]
    if sum(counts) > MAX_TOTAL_FIRMS:
        out.append(
            Problem(
                "firms",
                sum(counts),
                f"at most {MAX_TOTAL_FIRMS:,} firms in all (count summed over the groups; "
                "memory grows with every firm)",
                "too many firms",
            )
        )
    return out


def _calendar(
    broken: Broken, data: dict[str, Any], meta: dict[str, Any], govs: dict[str, Any]
) -> list[Problem]:
    ok = broken.ok
    out: list[Problem] = []
    ids = ", ".join(govs)
    controls = _control_names()
    start = meta.get("start_date") if ok("scenario.start_date") else None
    if start is not None and ok("scenario.rounds", "scenario.round_days"):
        span = (meta["rounds"] - 1) * meta["round_days"]
        if (dt.date.max - start).days < span:
            out.append(
                Problem(
                    "scenario.start_date",
                    str(start),
                    "a date that leaves room for rounds * round_days days before 9999-12-31",
                    "run ends after the last representable date",
                )
            )
    events = data.get("calendar") if broken.known("calendar") else None
    for i, event in enumerate(events if isinstance(events, list) else []):
        base = f"calendar[{i}]"
        if not isinstance(event, dict) or not broken.known(base):
            continue
        if start is not None and ok(f"{base}.date") and event["date"] < start:
            out.append(Problem(f"{base}.date", str(event["date"]), f"on or after {start}", "early"))
        kind = event.get("type") if ok(f"{base}.type") else None
        acts = ("tariff_threat", "control_rule", "tariff_cut", "control_relief")
        if kind not in acts or not ok(f"{base}.government"):
            continue
        if govs and event["government"] not in govs:
            out.append(Problem(f"{base}.government", event["government"], ids, "unknown"))
        if kind in ("control_rule", "control_relief") and ok(f"{base}.instrument"):
            gov = govs.get(event["government"])
            held = ok(f"governments.{event['government']}.instruments")
            if event["instrument"] not in controls:
                want = ", ".join(controls)
                out.append(Problem(f"{base}.instrument", event["instrument"], want, "bad"))
            elif gov is not None and held and event["instrument"] not in gov["instruments"]:
                out.append(
                    Problem(
                        f"{base}.instrument",
                        event["instrument"],
                        f"an instrument of {event['government']}",
                        "instrument not held",
                    )
                )
    return out


def _purchases(
    broken: Broken, data: dict[str, Any], parties: list[str], firms: dict[str, Any]
) -> list[Problem]:
    ok = broken.ok
    if not ok("negotiation.max_purchases", "negotiation.buyer") or not parties:
        return []
    neg = data["negotiation"]
    if neg["max_purchases"] <= 0:
        return []
    if neg["buyer"] not in parties:
        return [Problem("negotiation.buyer", neg["buyer"], " or ".join(parties), "bad")]
    seller = parties[1] if neg["buyer"] == parties[0] else parties[0]
    names = list(firms)
    if not ok("negotiation.purchase_sector") or not all(
        ok(f"firms.{n}.sector", f"firms.{n}.country") for n in names
    ):
        return []
    own = {g["sector"] for g in firms.values() if g["country"] == seller}
    if neg["purchase_sector"] in own:
        return []
    return [
        Problem(
            "negotiation.purchase_sector",
            neg["purchase_sector"],
            f"a sector of {seller}'s firms: {', '.join(sorted(own))}",
            "unknown sector",
        )
    ]


def check_strategy(base: str, name: Any, params: Any) -> list[Problem]:
    """The strategy must exist and each of its parameters must be known and in range."""
    from negotiation_sim.strategies import STRATEGIES, get_strategy

    if not isinstance(params, dict):
        return [Problem(f"{base}.strategy_params", params, "a table of name = number", "bad")]
    key = name.strip().lower() if isinstance(name, str) else None
    cls = STRATEGIES.get(name) if isinstance(name, str) else None
    cls = cls or next((c for k, c in STRATEGIES.items() if k.lower() == key), None)
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
                is_number(value)
                and spec.low <= value <= spec.high
                and (not spec.integer or is_whole(value))
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

"""The ``list`` and ``describe`` commands: the shipped scenarios and the registered
strategies, and a scenario described in words."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import tomllib
from typing import Any

from negotiation_sim.cli.common import EXIT_OK, add_set, echo, load, wrap
from negotiation_sim.game.calendar import event_round


def add_list(sub: Any) -> None:
    listing = sub.add_parser(
        "list",
        help="list scenarios and strategies",
        description="List the shipped scenarios and the registered strategies.",
    )
    listing.add_argument("--json", action="store_true", help="print the lists as JSON")
    listing.set_defaults(func=cmd_list)


def add_describe(sub: Any) -> None:
    describe = sub.add_parser(
        "describe",
        help="describe a scenario",
        description="Describe a scenario: dates, governments, firms, calendar and economy.",
    )
    describe.add_argument(
        "scenario", metavar="SCENARIO", help="scenario file, or a name in scenarios/"
    )
    add_set(describe)
    describe.set_defaults(func=cmd_describe)


# ---------------------------------------------------------------------------- list
def scenario_entries() -> list[dict[str, Any]]:
    """Shipped scenarios: name, title (``[scenario].name``) and path. Read without
    validation, so a broken file still lists (``validate`` says what is wrong)."""
    from negotiation_sim.scenario import list_scenarios, resolve_path

    out = []
    for name in list_scenarios():
        path = resolve_path(name)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            title = raw.get("scenario", {}).get("name", "")
            title = title if isinstance(title, str) else str(title)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            title = "(unreadable: run validate)"
        out.append({"name": name, "title": title, "path": str(path)})
    return out


def strategy_entries() -> list[dict[str, Any]]:
    """Registered strategies: name, classifier, parameters and description."""
    from negotiation_sim.strategies import STRATEGIES

    out = []
    for name, cls in STRATEGIES.items():
        classifier = {k: _finite(v) for k, v in cls.classifier.items()}
        params = {
            key: {
                "default": p.default,
                "low": p.low,
                "high": p.high,
                "integer": p.integer,
                "doc": p.doc,
            }
            for key, p in cls.params.items()
        }
        out.append(
            {
                "name": name,
                "classifier": classifier,
                "params": params,
                "description": cls.describe(),
            }
        )
    return out


def _finite(value: Any) -> Any:
    """JSON has no infinity: an infinite memory depth is written as the string "inf"."""
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _flags(classifier: dict[str, Any]) -> str:
    flags = ["stochastic" if classifier.get("stochastic") else "deterministic"]
    depth = classifier.get("memory_depth")
    if depth is not None:
        flags.append(f"memory {depth}")
    if classifier.get("uses_payoffs"):
        flags.append("uses payoffs")
    if classifier.get("human"):
        flags.append("human")
    known = {"stochastic", "memory_depth", "uses_payoffs", "human"}
    flags += [f"{k}={v}" for k, v in classifier.items() if k not in known]
    return ", ".join(flags)


def _num(value: float) -> str:
    return f"{value:g}"


def cmd_list(args: argparse.Namespace) -> int:
    scenarios = scenario_entries()
    strategies = strategy_entries()
    if args.json:
        echo(json.dumps({"scenarios": scenarios, "strategies": strategies}, indent=2))
        return EXIT_OK
    lines = ["Scenarios:"]
    width = max((len(s["name"]) for s in scenarios), default=0)
    lines += [f"  {s['name']:<{width}}  {s['title']}" for s in scenarios] or ["  (none)"]
    lines += ["", f"Strategies ({len(strategies)}):"]
    for s in strategies:
        lines.append(f"  {s['name']}  [{_flags(s['classifier'])}]")
        for key, p in s["params"].items():
            kind = ", whole number" if p["integer"] else ""
            doc = f": {p['doc']}" if p["doc"] else ""
            lines.append(
                f"      {key} = {_num(p['default'])} "
                f"(range {_num(p['low'])} to {_num(p['high'])}{kind}){doc}"
            )
        lines += wrap(s["description"], " " * 6, " " * 6)
    echo("\n".join(lines))
    return EXIT_OK


# ---------------------------------------------------------------------------- describe
def cmd_describe(args: argparse.Namespace) -> int:
    scenario = load(args.scenario, args.overrides)
    echo(format_description(scenario))
    return EXIT_OK


def format_description(scenario) -> str:
    """A scenario as readable text: title, description, dates, governments, firm groups,
    calendar (with the round of each event) and the economy and protocol parameters."""
    data = scenario.data
    meta = data["scenario"]
    start: dt.date = meta["start_date"]
    days, rounds = meta["round_days"], meta["rounds"]
    try:
        end = (start + dt.timedelta(days=rounds * days - 1)).isoformat()
    except OverflowError:
        end = "beyond year 9999"
    parties = meta["parties"]
    govs = data["governments"]

    lines = [meta["name"], "=" * len(meta["name"]), f"File: {scenario.source}"]
    if scenario.overrides:
        lines += wrap("Overrides: " + ", ".join(scenario.overrides), "", "  ")
    if meta["description"]:
        lines += ["", *wrap(meta["description"], "", "")]
    lines += [
        "",
        f"Dates:    {start.isoformat()} to {end}",
        f"Horizon:  {rounds} rounds of {days} days",
        "Parties:  " + " vs ".join(f"{p} ({govs[p]['name']})" if p in govs else p for p in parties),
    ]

    lines += ["", "Governments"]
    pad = " " * 6
    for gid, gov in govs.items():
        role = "party" if gid in parties else "third country"
        lines.append(f"  {gid}: {gov['name']} ({role})")
        params = gov["strategy_params"] or {}
        shown = ", ".join(f"{k}={_show(v)}" for k, v in params.items())
        lines.append(f"{pad}strategy:     {gov['strategy']}" + (f"({shown})" if shown else ""))
        lines.append(f"{pad}instruments:  {', '.join(gov['instruments']) or 'none'}")
        tariffs = ", ".join(f"on {p} {_num(v)}%" for p, v in gov["tariffs"].items())
        lines.append(f"{pad}tariffs:      {tariffs or 'none'}")
        for partner, by_sector in gov["sector_tariffs"].items():
            sectors = ", ".join(f"{s} {_num(v)}%" for s, v in by_sector.items())
            lines += wrap(f"by sector on {partner}: {sectors}", pad, pad + "  ")
        controls = ", ".join(f"{k} {v}" for k, v in gov["controls"].items())
        lines.append(f"{pad}controls:     {controls or 'none'}")
        if gid in parties:
            text = (
                f"tariff floor {_num(gov['tariff_floor'])}%, step {_num(gov['tariff_step'])} pp; "
                f"lobby weight {_num(gov['lobby_weight'])}; "
                f"audience cost ${_num(gov['audience_cost'])}bn; "
                f"coercion weight {_num(gov['coercion_weight'])}; "
                f"deal value ${_num(gov['deal_value'])}bn/round"
                + ("; public threat made" if gov["public_threat"] else "")
            )
            lines += wrap(text, pad, pad)
        elif gov["transship_enforcement"]:
            lines.append(f"{pad}transshipment enforcement {_num(gov['transship_enforcement'])}")

    firms = data["firms"]
    total = sum(g["count"] for g in firms.values())
    counts = f"{_plural(len(firms), 'group')}, {_plural(total, 'firm')}"
    lines += ["", f"Firm groups ({counts}; money in $bn/yr)"]
    if firms:
        rows = [
            (
                name,
                f"{g['country']}->{g['partner']}",
                g["sector"],
                str(g["count"]),
                _num(g["revenue"]),
                _num(g["exports"]),
                "; ".join(
                    f"{label} {_num(g[key])}"
                    for key, label in (
                        ("imports", "imports"),
                        ("tech_exports", "tech exports"),
                        ("rare_earth_exports", "rare-earth exports"),
                        ("import_competing", "import-competing"),
                    )
                    if g[key]
                ),
            )
            for name, g in firms.items()
        ]
        head = ("group", "trade", "sector", "firms", "revenue", "exports", "")
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]
        right = (False, False, False, True, True, True)
        for row in [head, *rows]:
            cells = [
                c.rjust(w) if r else c.ljust(w)
                for c, w, r in zip(row[:6], widths, right, strict=True)
            ]
            lines.append(("  " + "  ".join(cells) + ("  " + row[6] if row[6] else "")).rstrip())

    typed = scenario.config.calendar
    calendar = sorted(data["calendar"], key=lambda e: e["date"])
    order = sorted(range(len(typed)), key=lambda i: typed[i].date)
    lines += ["", f"Calendar ({_plural(len(calendar), 'event')} and the round each falls in)"]
    kind_width = max((len(e["type"]) for e in calendar), default=0)
    for i, event in zip(order, calendar, strict=True):
        r = event_round(typed[i], start, days)
        where = f"round {r}" if r <= rounds else "after horizon"
        head = f"  {event['date'].isoformat()}  {where:<13}  {event['type']:<{kind_width}}  "
        lines.append(head + event["label"])
        detail = _event_detail(event)
        if detail:
            lines += wrap(f"({detail})", " " * len(head), " " * (len(head) + 1))

    for title, key in (
        ("Economy", "economy"),
        ("Negotiation", "negotiation"),
        ("Outcome rules", "outcomes"),
    ):
        lines += ["", title]
        width = max(len(k) for k in data[key])
        for name, value in data[key].items():
            lines.append(f"  {name:<{width}}  {_show(value)}")
    return "\n".join(lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _event_detail(event: dict[str, Any]) -> str:
    kind = event["type"]
    parts = []
    if kind == "tariff_threat":
        parts.append(f"{event['government']} +{_num(event['increase'])} pp")
    elif kind == "truce_expiry":
        parts.append(f"snap-back +{_num(event['snapback'])} pp")
    elif kind == "control_rule":
        parts.append(f"{event['government']} {event['instrument']} to level {event['level']}")
    if kind in ("meeting", "summit") and event["deal_bonus"]:
        parts.append(f"deal bonus ${_num(event['deal_bonus'])}bn")
    if kind in ("tariff_threat", "control_rule") and event["unless_deal"]:
        parts.append("skipped if a deal is in force")
    if event["deadline"]:
        parts.append("deadline")
    return "; ".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    return str(value)

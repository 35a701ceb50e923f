"""Class results as CSV: one row per game (``class_csv``) or one row per seat per round
(``rounds_csv``, as oTree exports), with who played each seat: a student, a bot, the
computer, or a dropout (a student who took the seat and left before their first move)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

CSV_COLUMNS = [
    "finished_at",
    "class_code",
    "session",
    "room",
    "mode",
    "scenario",
    "seed",
    "rounds",
    "outcome",
    "outcome_round",
    "deals_struck",
    "counted",
]
SEAT_COLUMNS = ["side", "government", "player", "played_by", "strategy", "payoff", "welfare"]
ROUND_COLUMNS = [
    "game_id",
    "finished_at",
    "class_code",
    "session",
    "room",
    "mode",
    "scenario",
    "seed",
    "counted",
    "round",
    "date",
    "side",
    "government",
    "player",
    "played_by",
    "move",
    "offer",
    "partner_move",
    "tariff",
    "partner_tariff",
    "escalation",
    "lobbying",
    "payoff",
    "utility",
    "welfare",
    "outcome",
    "deal",
    "deal_news",
    "events",
]


def player_kind(seat: Mapping[str, Any]) -> str:
    """``student`` or ``bot``: who took a human seat."""
    return "bot" if seat.get("player_kind") == "bot" else "student"


def is_dropout(seat: Mapping[str, Any]) -> bool:
    """A seat a student took and left before their first move (the computer played it
    from round 1)."""
    return bool(seat.get("human")) and seat.get("takeover_round") == 1


def played_by(seat: Mapping[str, Any]) -> str:
    """``student``, ``bot``, ``computer``, ``dropout (why)`` or ``student, then computer
    from round k (why)``."""
    if not seat.get("human"):
        return "computer"
    why = f" ({seat['takeover_reason']})" if seat.get("takeover_reason") else ""
    if is_dropout(seat):
        return f"dropout{why}"
    if seat.get("takeover_round") is not None:
        return f"{player_kind(seat)}, then computer from round {seat['takeover_round']}{why}"
    return player_kind(seat)


def counted(game: Mapping[str, Any]) -> bool:
    """Whether a finished game counts among the class's games: some seat was played by a
    student or bot for at least one round (dropouts and computer-only games do not)."""
    return any(s.get("human") and not is_dropout(s) for s in game.get("seats", []))


def played_in_round(seat: Mapping[str, Any], r: int) -> str:
    """Who chose the seat's move in round ``r``."""
    k = seat.get("takeover_round")
    if not seat.get("human") or (k is not None and r >= k):
        return "computer"
    return player_kind(seat)


def class_rows(games: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per finished game (the CSV's rows)."""
    rows = []
    for game in games:
        row = {key: game.get(key, "") for key in CSV_COLUMNS}
        row["counted"] = "yes" if counted(game) else "no"
        for i, seat in enumerate(game.get("seats", []), 1):
            row[f"side_{i}"] = seat.get("gid", "")
            row[f"government_{i}"] = seat.get("name", "")
            row[f"player_{i}"] = seat.get("player", "")
            row[f"played_by_{i}"] = played_by(seat)
            row[f"strategy_{i}"] = seat.get("strategy", "")
            row[f"payoff_{i}"] = seat.get("payoff", "")
            row[f"welfare_{i}"] = seat.get("welfare", "")
        rows.append(row)
    return rows


def round_rows(games: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per seat per round of each finished game."""
    rows = []
    for game in games:
        seats = game.get("seats", [])
        ids = [s.get("gid", "") for s in seats]
        common = {k: game.get(k, "") for k in ROUND_COLUMNS[:8]}
        common["counted"] = "yes" if counted(game) else "no"
        for k, r in enumerate(game.get("trajectory", [])):
            rnd = int(r.get("round", k + 1))
            for seat in seats:
                g = seat.get("gid", "")
                p = next((x for x in ids if x != g), "")
                pays = seat.get("round_payoffs") or []
                rows.append(
                    {
                        **common,
                        "round": rnd,
                        "date": r.get("date", ""),
                        "side": g,
                        "government": seat.get("name", ""),
                        "player": seat.get("player", ""),
                        "played_by": played_in_round(seat, rnd),
                        "move": r.get(f"move_{g}", ""),
                        "offer": r.get(f"offer_{g}", ""),
                        "partner_move": r.get(f"move_{p}", ""),
                        "tariff": r.get(f"tariff_{g}_{p}", ""),
                        "partner_tariff": r.get(f"tariff_{p}_{g}", ""),
                        "escalation": r.get(f"escalation_{g}", ""),
                        "lobbying": r.get(f"lobbying_{g}", ""),
                        "payoff": pays[k] if k < len(pays) else "",
                        "utility": r.get(f"utility_{g}", ""),
                        "welfare": r.get(f"welfare_{g}", ""),
                        "outcome": r.get("outcome", ""),
                        "deal": r.get("deal", ""),
                        "deal_news": r.get("deal_news", ""),
                        "events": r.get("events", ""),
                    }
                )
    return rows


def _csv(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def class_csv(games: Iterable[Mapping[str, Any]]) -> str:
    columns = CSV_COLUMNS + [f"{c}_{i}" for i in (1, 2) for c in SEAT_COLUMNS]
    return _csv(columns, class_rows(games))


def rounds_csv(games: Iterable[Mapping[str, Any]]) -> str:
    return _csv(ROUND_COLUMNS, round_rows(games))

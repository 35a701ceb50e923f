"""The kinds of TOML file the package reads, told apart by their top-level tables.

A cheap "looks like" check: a loader that meets a file of another kind says so instead of
listing every key as unknown, and ``negotiation-sim validate`` can pick the loader for a
file. Each kind's marker tables are pinned against its format's schema by the tests.
"""

from __future__ import annotations

from typing import Any

SCENARIO = "scenario"
SESSION = "session config"
SWEEP = "sweep spec"
EPISODE = "back-test episode"
CALIBRATION = "calibration spec"

#: kind: the top-level tables that mark it (every one is a required table of the format)
MARKERS: dict[str, tuple[str, ...]] = {
    SCENARIO: ("scenario", "governments", "economy"),
    SESSION: ("session",),
    SWEEP: ("sweep", "parameters"),
    EPISODE: ("episode", "observed"),
    CALIBRATION: ("calibration", "parameters"),
}


def looks_like(raw: Any) -> str | None:
    """The kind of file whose marker tables ``raw`` (parsed TOML) holds the most of, or
    ``None`` when it holds none (or two kinds tie)."""
    if not isinstance(raw, dict):
        return None
    scores = {kind: sum(key in raw for key in keys) for kind, keys in MARKERS.items()}
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def wrong_kind(raw: Any, kind: str) -> str | None:
    """Which other kind ``raw`` looks like, when it has none of ``kind``'s markers."""
    other = looks_like(raw)
    if other is None or other == kind or any(key in raw for key in MARKERS[kind]):
        return None
    return other


def wrong_kind_message(raw: dict[str, Any], kind: str, other: str, source: str) -> str:
    """The one message for a file of the wrong kind."""
    tables = ", ".join(f"[{key}]" for key in MARKERS[other] if key in raw)
    return (
        f"{source}: this looks like a {other} (it has {tables}), not a {kind}; "
        f"a {kind} has the tables " + ", ".join(f"[{key}]" for key in MARKERS[kind])
    )

"""Who holds a seat and what a room looks like from a seat: ``Player`` (a seat's holder,
by the hashes of its token and of the browser that took it), ``SeatSummary`` and
``RoomView`` (the snapshots pages read), and a session config as stored data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from negotiation_sim.teaching.seatview import SeatView
from negotiation_sim.teaching.sessions import SessionConfig, Show

PLAYER_KINDS = ("student", "bot")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Player:
    seat: str
    name: str
    token_hash: str
    joined: float
    last_seen: float
    kind: str = "student"  # "student" or "bot"
    browser_hash: str = ""  # the browser that holds the seat
    claim_hash: str = ""  # a one-time hand-back key the instructor issued
    joined_at: str = field(default_factory=now_iso)
    token: str = ""  # the secret, only in the call that took the seat

    def row(self) -> dict[str, Any]:
        return {
            "gid": self.seat,
            "name": self.name,
            "kind": self.kind,
            "token_hash": self.token_hash,
            "browser_hash": self.browser_hash,
            "claim_hash": self.claim_hash,
            "joined_at": self.joined_at,
        }

    def holds(self, hashed: str) -> bool:
        return any(
            h and secrets.compare_digest(h, hashed) for h in (self.token_hash, self.browser_hash)
        )


@dataclass(frozen=True)
class SeatSummary:
    gid: str
    name: str
    player: str  # student's name ("" for an open seat or the computer)
    kind: str  # "student", "bot", "computer" or "open"
    strategy: str  # computer strategy label, "hidden", or ""
    moved: bool  # has moved this round (never which move)
    takeover: str  # "" or why the computer took over
    player_kind: str = ""  # who took the seat: "student", "bot" or "" (never taken)


@dataclass
class RoomView:
    """A snapshot of a room from one seat (``me``), or for the instructor (``me`` None)."""

    code: str
    class_code: str
    session: str
    state: str  # "waiting", "playing" or "finished"
    mode: str
    config: SessionConfig
    me: str | None
    player: str
    seat: SeatView | None
    seats: list[SeatSummary]
    round: int
    horizon: int
    waiting_for: list[str]
    time_left: float | None
    notices: list[str]
    version: int
    game_id: str
    outcome: str

    @property
    def finished(self) -> bool:
        return self.state == "finished"


def config_to_dict(config: SessionConfig) -> dict[str, Any]:
    """A session config as JSON-ready data (the store keeps each room's own)."""
    return dataclasses.asdict(config)


def config_from_dict(data: Mapping[str, Any]) -> SessionConfig:
    """The config a room was opened with (stored by ``config_to_dict``)."""
    known = {f.name for f in dataclasses.fields(SessionConfig)}
    data = {k: v for k, v in data.items() if k in known}
    for key in ("seats", "overrides", "parties", "party_names"):
        if key in data:
            data[key] = tuple(data[key])
    data["show"] = Show(**data.get("show", {}))
    return SessionConfig(**data)


def clean_name(name: str) -> str:
    """A display name: one line, at most 40 characters, no markup characters."""
    text = "".join(c for c in str(name or "") if c not in "<>&\"'`\\*_[]#|")
    text = " ".join(text.split())[:40]
    return text or "Student"

"""Rooms and the registry of a teaching server, under one name: ``Room`` (one game and the
people in it: ``room``) and ``RoomRegistry`` (all rooms and class sessions: ``registry``)."""

from negotiation_sim.teaching.registry import (
    ALPHABET,
    CODE_LENGTH,
    ClassSession,
    RoomRegistry,
    normalize_code,
)
from negotiation_sim.teaching.room import (
    Player,
    Room,
    RoomView,
    SeatSummary,
    clean_name,
    now_iso,
)

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "ClassSession",
    "Player",
    "Room",
    "RoomRegistry",
    "RoomView",
    "SeatSummary",
    "clean_name",
    "normalize_code",
    "now_iso",
]

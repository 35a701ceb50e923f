"""Which seats of a scenario a person must play."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def human_seats(governments: Mapping[str, Any]) -> list[str]:
    """Governments (``scenario.data["governments"]``) played by the ``Human`` strategy with
    no computer fallback: their moves must come from a person (the app or the classroom),
    so a command-line run, an ensemble or a sweep cannot play them."""
    from negotiation_sim.strategies import Human  # on use, as scenario.checks imports them

    return [
        gid
        for gid, gov in governments.items()
        if str(gov["strategy"]).strip().lower() == Human.name.lower()
        and not (gov["strategy_params"] or {}).get("fallback")
    ]

"""Teaching mode: students play a government in the browser, against the computer or
each other, with exercises, session configs, debriefs and an instructor view.

The game logic is free of any user interface and is tested on its own:

* ``game``: a ``Game`` wraps one ``NegotiationModel`` with ``Human`` strategies in the
  student seats; moves are collected per seat and a round resolves when every seat moved.
* ``rooms``: a thread-safe ``RoomRegistry`` of rooms with short codes, seats, timers and
  computer takeover; class sessions launched from session configs.
* ``sessions``: session config TOML files (``scenarios/sessions/``), validated with the
  scenario schema so that errors read the same.
* ``debrief``: plain-language account of a finished game, counterfactual payoffs of every
  library strategy in the same seat with the same seed, and the ensemble comparison.
* ``store``: finished games saved atomically as JSON lines; class results as CSV.
* ``bots``: bot players that drive rooms through the same API as the browser pages.
* ``pages`` / ``standalone``: the Solara pages and their routes.
"""

from negotiation_sim.teaching.game import Game, TeachingError
from negotiation_sim.teaching.rooms import Room, RoomRegistry
from negotiation_sim.teaching.sessions import SessionConfig, SessionError, load_session
from negotiation_sim.teaching.store import GameStore

__all__ = [
    "Game",
    "GameStore",
    "Room",
    "RoomRegistry",
    "SessionConfig",
    "SessionError",
    "TeachingError",
    "load_session",
]

"""Teaching mode: students play a government in the browser, against the computer or
each other, with exercises, session configs, debriefs and an instructor view.

The game logic is free of any user interface and is tested on its own:

* ``game`` (with ``moves`` and ``seatview``): a ``Game`` wraps one ``NegotiationModel``
  with ``Human`` strategies in the student seats; moves are collected per seat and a
  round resolves when every seat moved; ``seat_view`` is what a seat may see.
* ``room`` / ``registry`` (both under ``rooms``): the controller around a game (seats held
  by a token or a browser, timers, computer takeover, the journal of changes) and the
  thread-safe registry of rooms and class sessions, rebuilt after a restart.
* ``sessions``: session config TOML files (``scenarios/sessions/``), validated with the
  scenario schema so that errors read the same.
* ``narrate`` / ``debrief``: the story of a finished game, counterfactual payoffs of every
  library strategy in the same seat with the same seed, and the ensemble comparison,
  shared between students through a cache.
* ``store`` (with ``legacy`` and ``export``): the SQLite classroom database; class
  results as CSV, per game and per seat per round.
* ``access``: the instructor token, browser logins, and the brake on guessing.
* ``bots``: bot players that drive rooms through the same API as the browser pages.
* ``pages`` / ``standalone``: the Solara pages and their routes.
"""

from negotiation_sim.teaching.game import Game
from negotiation_sim.teaching.moves import TeachingError
from negotiation_sim.teaching.registry import RoomRegistry
from negotiation_sim.teaching.room import Room
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

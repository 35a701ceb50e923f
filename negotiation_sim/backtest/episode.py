"""Episode files, as the back-test reads them: re-exported from ``views.episode``, where
they live so that the app (which may not import ``backtest``) can read episodes too."""

from negotiation_sim.views.episode import (
    EPISODE_DIR,
    FORMAT,
    POLICY_COLUMNS,
    Episode,
    EpisodeError,
    Event,
    Observation,
    Target,
    cross_check,
    episode_from_dict,
    find_file,
    list_episodes,
    load_episode,
    loads_episode,
    record_columns,
    resolve_episode,
)

__all__ = [
    "EPISODE_DIR",
    "FORMAT",
    "POLICY_COLUMNS",
    "Episode",
    "EpisodeError",
    "Event",
    "Observation",
    "Target",
    "cross_check",
    "episode_from_dict",
    "find_file",
    "list_episodes",
    "load_episode",
    "loads_episode",
    "record_columns",
    "resolve_episode",
]

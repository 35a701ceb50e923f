"""Session configs are validated like scenarios: every problem at once, with the file,
field, value and what is allowed; configs built in code (the Play page's form,
``with_changes``) go through the same checks as files."""

from __future__ import annotations

from pathlib import Path

import pytest

from negotiation_sim.teaching.sessions import (
    MAX_ROUNDS,
    SessionError,
    adhoc_config,
    load_session,
    loads_session,
)

ROOT = Path(__file__).resolve().parents[1]
HEAD = '[session]\nname = "x"\nscenario = "classroom_basic"\n'


def problems(text: str) -> list[str]:
    with pytest.raises(SessionError) as info:
        loads_session(text, source="class.toml")
    return info.value.messages


# ---------------------------------------------------------------------- the Play page
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rounds": 97_000}, ["session.rounds: out of range: got 97000", "<= 1000"]),
        ({"rounds": 1_000_000}, ["session.rounds: out of range: got 1000000"]),
        ({"rounds": -2}, ["session.rounds: out of range: got -2"]),
        ({"seed": -1}, ["session.seed: out of range: got -1", ">= 0"]),
        ({"seed": 2**64}, ["session.seed: out of range"]),
        ({"move_time_limit": -3.0}, ["timing.move_time_limit: out of range: got -3.0"]),
        ({"mode": "solo"}, ["session.mode: unknown choice: got 'solo'"]),
    ],
)
def test_the_play_page_form_is_held_to_the_session_file_limits(changes, expected):
    """A 97,000-round game used to be accepted; seed -1 or a million rounds did nothing
    on the page, with no message: now the form's config raises with the reason."""
    with pytest.raises(SessionError) as info:
        adhoc_config("classroom_basic", **changes)
    (message,) = info.value.messages
    assert message.startswith("play page: ")
    for text in expected:
        assert text in message


def test_the_play_page_reports_rounds_and_seed_together():
    with pytest.raises(SessionError) as info:
        adhoc_config("classroom_basic", rounds=1_000_000, seed=-1, opponent="Nope")
    joined = "\n".join(info.value.messages)
    assert len(info.value.messages) == 3
    assert "session.rounds: out of range" in joined and "session.seed: out of range" in joined
    assert "opponent.strategy: unknown strategy: got 'Nope'" in joined


def test_valid_play_page_settings_still_make_a_game_config():
    config = adhoc_config("classroom_basic", rounds=MAX_ROUNDS, seed=0, opponent="TitForTat")
    assert (config.rounds, config.seed, config.parties) == (MAX_ROUNDS, 0, ("north", "south"))
    assert adhoc_config("classroom_basic").rounds is None  # the scenario's own 20 rounds


def test_changes_made_in_code_are_checked_too():
    config = adhoc_config("classroom_basic", rounds=3)
    with pytest.raises(SessionError, match=r"timing\.absent_after: out of range: got 0"):
        config.with_changes(absent_after=0.0)
    with pytest.raises(SessionError, match=r"session\.rounds: bad: got 0"):
        config.with_changes(rounds=0)
    assert config.with_changes(absent_after=15.0).absent_after == 15.0


def test_the_scenario_own_horizon_must_fit_a_class_game(tmp_path):
    text = (ROOT / "scenarios" / "classroom_basic.toml").read_text(encoding="utf-8")
    long = tmp_path / "long.toml"
    long.write_text(text.replace("rounds = 20 ", "rounds = 5000 "), encoding="utf-8")
    with pytest.raises(SessionError) as info:
        adhoc_config(str(long))
    (message,) = info.value.messages
    assert "session.rounds: too many rounds: got 0" in message
    assert "the scenario's own 5,000 rounds" in message
    assert adhoc_config(str(long), rounds=30).rounds == 30


# ---------------------------------------------------------------------- files
def test_every_problem_of_a_session_file_is_reported_at_once():
    text = HEAD.replace('"x"', '"x"\nrounds = -3\nseats = ["east"]')
    text += '[opponent]\nstrategy = "Nope"\n[timing]\nmove_time_limit = -1\ncolour = 1\n'
    messages = problems(text)
    joined = "\n".join(messages)
    for needle in (
        "class.toml: session.rounds: out of range: got -3",
        "class.toml: session.seats[0]: not a party: got 'east'; allowed: north or south",
        "class.toml: opponent.strategy: unknown strategy: got 'Nope'",
        "class.toml: timing.move_time_limit: out of range: got -1",
        "class.toml: timing.colour: unknown key",
    ):
        assert needle in joined, (needle, messages)
    assert len(messages) == 5


def test_a_bad_scenario_does_not_hide_the_session_own_problems():
    text = HEAD.replace("classroom_basic", "atlantis") + "[debrief]\nensemble_seeds = -1\n"
    joined = "\n".join(problems(text))
    assert "session.scenario / session.overrides" in joined and "atlantis" in joined
    assert "debrief.ensemble_seeds: out of range: got -1" in joined


def test_a_scenario_given_as_a_session_config_says_so():
    with pytest.raises(SessionError) as info:
        load_session(ROOT / "scenarios" / "classroom_basic.toml")
    (message,) = info.value.messages
    assert "this looks like a scenario" in message and "not a session config" in message


def test_hostile_session_files_get_clear_messages(tmp_path):
    deep = HEAD + "[opponent]\nparams = { x = " + "[" * 600 + "]" * 600 + " }\n"
    (message,) = problems(deep)
    assert message.startswith("class.toml: opponent.params (line 5): nested too deeply")
    (message,) = problems(HEAD.replace('"x"', '"' + "x" * 5000 + '"'))
    assert "session.name: too long" in message and "(5,000 characters)" in message
    big = tmp_path / "big.toml"
    big.write_text(HEAD + "#" * 2_100_000, encoding="utf-8")
    with pytest.raises(SessionError, match="file too large"):
        load_session(big)

"""Test support for strategies, after Axelrod-Python's ``TestPlayer`` and ``versus_test``.

* ``versus_test(player, opponent, expected)`` plays a match through
  ``negotiation_sim.strategies.match.play_match`` and asserts both sides' actions, and,
  with ``attrs``, the state the player keeps afterwards (a learner's propensities).
* ``StrategyTest`` is the base of every strategy's test class. It checks what must hold
  for every registered strategy: its registry entry and name, a docstring citing its
  source, an honest classifier (``stochastic``, ``memory_depth``, ``uses_payoffs``),
  reset, reproducibility, pickling mid-match and its parameter specs. A subclass sets
  ``player``, ``name`` and ``expected_classifier`` and pins the strategy's behaviour in
  ``test_strategy`` with ``self.versus_test``.
* ``Cycler`` is the test opponent that repeats a fixed pattern of actions.

Expected actions are pairs ``[(H, H), (E, H), ...]`` (player's action, opponent's) or a
string ``"HE/HH"``: the player's actions, a slash, the opponent's, in E (escalate),
H (hold) and C (concede).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import pickle
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pytest

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies import STRATEGIES, Param, Random, Strategy, get_strategy
from negotiation_sim.strategies.base import GameView, move
from negotiation_sim.strategies.match import DEFAULT_PAYOFFS, lead_of, play_match, shifts_of

E, H, C = Action.ESCALATE, Action.HOLD, Action.CONCEDE

Payoffs = tuple[np.ndarray, np.ndarray]
Expected = str | Sequence[tuple[Action | str, Action | str]]

# ------------------------------------------------------------------- test opponents


class Cycler(Strategy):
    """Test opponent that repeats a fixed pattern of actions, e.g. ``Cycler("EHC")``.

    After the Cycler player of Axelrod-Python (Knight et al., 2016, JORS 4).
    """

    name = "Cycler"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": False,
        "human": False,
    }

    def __init__(self, pattern: str) -> None:
        if not pattern:
            raise ValueError("Cycler needs a non-empty pattern of E, H and C")
        self.pattern = [Action.parse(letter) for letter in pattern]
        super().__init__()

    def decide(self, view: GameView) -> Move:
        return move(self.pattern[len(view.my_moves) % len(self.pattern)], view)

    def __repr__(self) -> str:
        return f"Cycler({letters(self.pattern)!r})"


def opponent_of(opponent: Strategy | str) -> Strategy:
    """A strategy instance, or a ``Cycler`` for a pattern string."""
    return Cycler(opponent) if isinstance(opponent, str) else opponent


# -------------------------------------------------------------------- payoff games


def symmetric(mine: list[list[float]]) -> Payoffs:
    """Payoff pair for a symmetric game given the row player's matrix."""
    matrix = np.array(mine, dtype=float)
    return matrix, matrix.T


#: Coordination game: 1 for matching the partner's action, 0 otherwise. The best response
#: to an action is that action, so a myopic best responder behaves like Tit for Tat.
MATCHING = symmetric(np.eye(3).tolist())

#: Ties: vs E, escalate and concede tie (-> concede); vs H all tie (-> hold);
#: vs C, hold and concede tie (-> hold).
TIES = symmetric([[1, 0, 0], [0, 0, 2], [1, 0, 2]])

#: Escalating pays 10 whatever the partner does, anything else 0.
STRONGLY_DOMINANT = symmetric([[10, 10, 10], [0, 0, 0], [0, 0, 0]])

#: The games the generic checks play: the default trade war and three that reward
#: different actions, so that a strategy reading payoffs plays differently in some.
GAMES: dict[str, Payoffs] = {
    "default": DEFAULT_PAYOFFS,
    "matching": MATCHING,
    "ties": TIES,
    "dominant": STRONGLY_DOMINANT,
}

# ------------------------------------------------------------------ action strings


def letters(actions: Sequence[Action]) -> str:
    """``[E, H, C]`` as ``"EHC"``."""
    return "".join(a.name[0] for a in actions)


def format_actions(pairs: Sequence[tuple[Action, Action]]) -> str:
    """Action pairs as ``"PLAYER/OPPONENT"``, e.g. ``[(H, H), (E, H)]`` as ``"HE/HH"``."""
    return f"{letters([a for a, _ in pairs])}/{letters([b for _, b in pairs])}"


def _action(value: Action | str) -> Action:
    if isinstance(value, Action):
        return value
    if isinstance(value, str):
        return Action.parse(value)
    raise ValueError(f"expected an Action or a letter E/H/C, got {value!r}")


def parse_expected(expected: Expected) -> list[tuple[Action, Action]]:
    """Expected actions as ``(player's, opponent's)`` pairs, from pairs or ``"HE/HH"``.

    Raises ``ValueError`` for a string without exactly one slash, for sides of different
    lengths and for anything that is not an action.
    """
    if isinstance(expected, str):
        mine, sep, theirs = expected.replace(" ", "").partition("/")
        if not sep or "/" in theirs:
            raise ValueError(
                f"expected actions {expected!r}: write 'PLAYER/OPPONENT', e.g. 'HE/HH'"
            )
        if len(mine) != len(theirs):
            raise ValueError(
                f"expected actions {expected!r}: the player has {len(mine)} actions, "
                f"the opponent {len(theirs)}"
            )
        return [(_action(a), _action(b)) for a, b in zip(mine, theirs, strict=True)]
    pairs = []
    for k, item in enumerate(expected, start=1):
        if isinstance(item, str) or len(item) != 2:
            raise ValueError(f"expected actions, round {k}: need a pair of actions, got {item!r}")
        pairs.append((_action(item[0]), _action(item[1])))
    return pairs


# ------------------------------------------------------------------- kept state


def state_of(value: Any) -> Any:
    """A comparable snapshot of ``value``: a strategy's attributes, recursively, with
    numpy arrays and generators turned into plain data (for reset and pickling checks)."""
    if isinstance(value, Strategy):
        fields = dict(getattr(value, "__dict__", {}))
        for cls in type(value).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if hasattr(value, slot):
                    fields[slot] = getattr(value, slot)
        return (type(value).__name__, {k: state_of(v) for k, v in sorted(fields.items())})
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tolist())
    if isinstance(value, np.random.Generator):
        return ("Generator", value.bit_generator.state)
    if isinstance(value, Mapping):
        return {k: state_of(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(state_of(v) for v in value)
    return value


def _attribute(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


#: Tolerance for numeric attributes in ``attrs`` (propensities are sums of products).
ATTR_RTOL = 1e-12
ATTR_ATOL = 1e-12


def _same(got: Any, want: Any) -> bool:
    numeric = (float, np.floating, np.ndarray)
    if isinstance(got, numeric) or isinstance(want, numeric):
        try:
            a, b = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=ATTR_RTOL, atol=ATTR_ATOL))
    return bool(got == want)


def check_attrs(player: Strategy, attrs: Mapping[str, Any]) -> None:
    """Assert each (dotted) attribute of ``player``: numbers within 1e-12, else equal."""
    problems = []
    for path, want in attrs.items():
        got = _attribute(player, path)
        if not _same(got, want):
            problems.append(f"  {path}: expected {want!r}, got {got!r}")
    if problems:
        raise AssertionError(f"{player!r} after the match:\n" + "\n".join(problems))


# ------------------------------------------------------------------- versus_test


def versus_test(
    player: Strategy,
    opponent: Strategy | str,
    expected_actions: Expected,
    *,
    seed: int = 0,
    payoffs: Payoffs | None = None,
    deadline_round: int | None = None,
    lobbying: Sequence[float] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> list[tuple[Move, Move]]:
    """Play ``player`` (seat A) against ``opponent`` (seat B, or ``Cycler(opponent)`` for
    a pattern string) for as many rounds as ``expected_actions`` lists, and assert both
    sides' actions round by round; then assert ``attrs`` on the player (dotted names
    allowed, e.g. ``"fallback_strategy.propensities"``). Returns the match's move pairs.

    ``seed``, ``payoffs``, ``deadline_round`` and ``lobbying`` go to ``play_match``. The
    player's state is its state after its last decision: a learner has not yet learned
    from the last round's payoff.
    """
    expected = parse_expected(expected_actions)
    rival = opponent_of(opponent)
    history = play_match(
        player, rival, len(expected), payoffs, seed, deadline_round, lobbying=lobbying
    )
    actual = [(a.action, b.action) for a, b in history]
    if actual != expected:
        k = next(i for i, (x, y) in enumerate(zip(actual, expected, strict=True)) if x != y)
        raise AssertionError(
            f"{player!r} vs {rival!r} (seed {seed}), round {k + 1}: expected "
            f"{letters(expected[k])}, got {letters(actual[k])}\n"
            f"  expected {format_actions(expected)}\n  actual   {format_actions(actual)}"
        )
    if attrs:
        check_attrs(player, attrs)
    return history


# ------------------------------------------------------------ helpers for checks


def own_actions(player: Strategy, opponent: Strategy | str, rounds: int, **kwargs: Any) -> str:
    """The player's actions against ``opponent`` as a string of E/H/C."""
    history = play_match(player, opponent_of(opponent), rounds, **kwargs)
    return letters([mine.action for mine, _ in history])


def both_actions(player: Strategy, opponent: Strategy | str, rounds: int, **kwargs: Any) -> str:
    """Both sides' actions as ``"PLAYER/OPPONENT"``."""
    history = play_match(player, opponent_of(opponent), rounds, **kwargs)
    return format_actions([(a.action, b.action) for a, b in history])


def shares(player: Strategy, opponent: Strategy | str, rounds: int, **kwargs: Any) -> np.ndarray:
    """Share of escalate, hold and concede in the player's actions."""
    history = play_match(player, opponent_of(opponent), rounds, **kwargs)
    counts = np.bincount([mine.action.value for mine, _ in history], minlength=3)
    return counts / max(1, len(history))


def scripted_views(
    seed: int, rounds: int = 8, payoffs: Payoffs = DEFAULT_PAYOFFS
) -> list[GameView]:
    """Views for rounds 1..rounds of a random history, in the game ``payoffs``."""
    rng = np.random.default_rng(seed)
    mine = [Move(Action(int(a))) for a in rng.integers(0, 3, rounds)]
    theirs = [Move(Action(int(a))) for a in rng.integers(0, 3, rounds)]
    pays = [float(payoffs[0][m.action, t.action]) for m, t in zip(mine, theirs, strict=False)]
    return [
        with_history(
            GameView(
                round=r,
                horizon=12,
                me="A",
                partner="B",
                my_moves=mine[: r - 1],
                partner_moves=theirs[: r - 1],
                my_payoffs=pays[: r - 1],
                rounds_to_deadline=max(0, 6 - r),
                stage_payoffs=lambda: payoffs,
            )
        )
        for r in range(1, rounds + 1)
    ]


def with_history(view: GameView) -> GameView:
    """``view`` with the model-derived history fields recomputed from its moves, as
    ``play_match`` shows them: each side's pain (its payoff at mutual hold less its
    payoff), the partner's verified shifts and its lead."""
    mine_pay, theirs_pay = (np.asarray(m, dtype=float) for m in view.stage_payoffs())
    h = Action.HOLD
    pairs = [(m.action, t.action) for m, t in zip(view.my_moves, view.partner_moves, strict=True)]
    return dataclasses.replace(
        view,
        pain=tuple(float(mine_pay[h, h] - mine_pay[i, j]) for i, j in pairs),
        partner_pain=tuple(float(theirs_pay[h, h] - theirs_pay[i, j]) for i, j in pairs),
        partner_shifts=shifts_of(list(view.partner_moves), list(view.my_moves)),
        partner_lead=lead_of(list(view.partner_moves), list(view.my_moves)),
    )


def splice_round(view: GameView, donor: GameView, back: int) -> GameView:
    """``view`` with the round ``back`` rounds ago taken from ``donor`` (same length)."""
    k = len(view.my_moves) - back

    def put(mine: list[Any], theirs: list[Any]) -> list[Any]:
        return [*mine[:k], theirs[k], *mine[k + 1 :]]

    return with_history(
        dataclasses.replace(
            view,
            my_moves=put(view.my_moves, donor.my_moves),
            partner_moves=put(view.partner_moves, donor.partner_moves),
            my_payoffs=put(view.my_payoffs, donor.my_payoffs),
        )
    )


class ForbiddenRng:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a deterministic strategy used view.rng.{name}")


class PickledMidMatch(Strategy):
    """Plays ``inner``, swapping it at round ``at`` for a pickled-and-unpickled copy."""

    name = "PickledMidMatch"

    def __init__(self, inner: Strategy, at: int) -> None:
        self.inner, self.at = inner, at
        self.swapped = False
        super().__init__()

    def reset(self) -> None:
        self.inner.reset()

    def decide(self, view: GameView) -> Move:
        if view.round == self.at:
            copy = pickle.loads(pickle.dumps(self.inner))
            assert state_of(copy) == state_of(self.inner), "pickling changed the state"
            self.inner, self.swapped = copy, True
        return self.inner.decide(view)

    def aspiration(self, t: float) -> float:
        return self.inner.aspiration(t)


#: Deterministic opponents for the generic checks, as Cycler patterns.
PATTERNS: tuple[str, ...] = ("EHC", "E", "C", "HHCE")
#: Match settings for the generic checks: the default game, a game that rewards
#: matching the partner, and a deadline with varying lobbying.
LOBBYING = [-0.2, 0.0, 0.2, 0.04, -0.05, 0.05] * 4
SETTINGS: tuple[dict[str, Any], ...] = (
    {},
    {"payoffs": MATCHING},
    {"deadline_round": 6, "lobbying": LOBBYING},
)
ROUNDS = 20
#: Opponents for the reproducibility check: the Cyclers and one that draws from the
#: match's generator too.
OPPONENTS: tuple[Callable[[], Strategy], ...] = (
    *(functools.partial(Cycler, pattern) for pattern in PATTERNS),
    Random,
)

#: "Author (year)" or "Author, year" in a docstring's first paragraph.
CITATION = re.compile(r"[A-Z][a-z]+,? \(?(1[89]\d\d|20\d\d)\b")

# ------------------------------------------------------------------- StrategyTest


class StrategyTest:
    """Base of every strategy's test class (pytest collects the ``Test...`` subclasses).

    Set ``player`` (the class), ``name`` (its registry name) and ``expected_classifier``;
    ``init_kwargs`` builds the instance the generic checks use; ``bad_params`` lists
    ``(params, message regex)`` that ``get_strategy(name, **params)`` must reject.
    Override ``test_strategy`` with the strategy's pinned ``versus_test`` cases.
    """

    player: ClassVar[type[Strategy]]
    name: ClassVar[str]
    expected_classifier: ClassVar[dict[str, Any]]
    init_kwargs: ClassVar[dict[str, Any]] = {}
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = []

    def make(self, **kwargs: Any) -> Strategy:
        """A new instance with ``init_kwargs``, updated by ``kwargs``."""
        return self.player(**{**self.init_kwargs, **kwargs})

    def versus_test(
        self,
        opponent: Strategy | str,
        expected_actions: Expected,
        *,
        init_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[tuple[Move, Move]]:
        """``versus_test`` for a new instance: the class's ``init_kwargs`` updated by
        ``init_kwargs``; the other keyword arguments go to ``versus_test``."""
        player = self.make(**(init_kwargs or {}))
        return versus_test(player, opponent, expected_actions, **kwargs)

    def test_strategy(self) -> None:
        pytest.fail(f"{type(self).__name__}: pin {self.name}'s behaviour with versus_test")

    # -- identity

    def test_name_and_registry_entry(self) -> None:
        assert self.player.name == self.name == self.player.__name__
        assert STRATEGIES[self.name] is self.player
        assert issubclass(self.player, Strategy)
        assert type(get_strategy(self.name, **self.init_kwargs)) is self.player

    def test_repr_names_the_strategy(self) -> None:
        assert repr(self.make()).startswith(f"{self.name}(")

    def test_docstring_cites_its_source(self) -> None:
        cls = self.player
        summary = cls.describe()
        assert summary and cls.__doc__ is not cls.__mro__[1].__doc__
        assert CITATION.search(summary), f"{cls.name}: first paragraph cites no (author, year)"

    # -- classifier

    def test_classifier(self) -> None:
        cls = self.player
        c = cls.classifier
        assert c == self.expected_classifier
        assert {"stochastic", "memory_depth", "uses_payoffs", "human"} <= set(c)
        assert isinstance(c["stochastic"], bool) and isinstance(c["uses_payoffs"], bool)
        assert c["human"] is (cls.name == "Human")
        depth = c["memory_depth"]
        assert depth == math.inf or (isinstance(depth, int) and depth >= 0)

    def test_classifier_is_honest(self) -> None:
        """Deterministic strategies never draw; strategies not using payoffs ignore them."""
        c = self.player.classifier
        for seed in range(5):
            for view in scripted_views(seed):
                rng = ForbiddenRng() if not c["stochastic"] else np.random.default_rng(seed)
                view = dataclasses.replace(view, rng=rng)
                played = self.make().decide(view)
                assert isinstance(played, Move)
                if not c["uses_payoffs"]:
                    blind = dataclasses.replace(
                        view,
                        stage_payoffs=None,
                        my_payoffs=[-1000.0 * k for k in range(len(view.my_payoffs))],
                        rng=view.rng if not c["stochastic"] else np.random.default_rng(seed),
                    )
                    assert self.make().decide(blind).action is played.action

    def test_play_varies_with_the_seed_only_if_stochastic(self) -> None:
        """Against deterministic opponents a deterministic strategy plays the same for
        every seed; a stochastic one plays differently for some seed."""
        varied = []
        for pattern in PATTERNS:
            for setting in SETTINGS:
                runs = {
                    own_actions(self.make(), pattern, ROUNDS, seed=seed, **setting)
                    for seed in range(8)
                }
                varied.append(len(runs) > 1)
        if self.player.classifier["stochastic"]:
            assert any(varied), f"{self.name} is classed stochastic but never varies"
        else:
            assert not any(varied), f"{self.name} is classed deterministic but varies"

    def test_uses_payoffs_only_if_classified(self) -> None:
        """A strategy classed as using payoffs plays differently in some game; one that
        is not plays the same in every game (the same seed)."""
        differs = []
        for pattern in PATTERNS:
            for seed in range(3):
                runs = {
                    own_actions(self.make(), pattern, ROUNDS, payoffs=game, seed=seed)
                    for game in GAMES.values()
                }
                differs.append(len(runs) > 1)
        if self.player.classifier["uses_payoffs"]:
            assert any(differs), f"{self.name} is classed uses_payoffs but ignores them"
        else:
            assert not any(differs), f"{self.name} reads payoffs but is not classed so"

    def test_memory_depth_is_honest(self) -> None:
        """A strategy ignores rounds older than its memory depth (given the same draws)."""
        depth = self.player.classifier["memory_depth"]
        if depth == math.inf:
            return
        stochastic = self.player.classifier["stochastic"]
        for seed in range(20):
            a, b = scripted_views(seed)[-1], scripted_views(seed + 100)[-1]
            keep = len(a.my_moves) - depth
            b = with_history(
                dataclasses.replace(
                    b,
                    my_moves=b.my_moves[:keep] + a.my_moves[keep:],
                    partner_moves=b.partner_moves[:keep] + a.partner_moves[keep:],
                    my_payoffs=b.my_payoffs[:keep] + a.my_payoffs[keep:],
                )
            )
            assert a.my_moves != b.my_moves or a.partner_moves != b.partner_moves
            if stochastic:
                a = dataclasses.replace(a, rng=np.random.default_rng(seed))
                b = dataclasses.replace(b, rng=np.random.default_rng(seed))
            assert self.make().decide(a).action is self.make().decide(b).action

    def test_memory_depth_is_tight(self) -> None:
        """A finite memory depth d is not overstated: the round d rounds ago matters."""
        depth = self.player.classifier["memory_depth"]
        if depth == math.inf or depth == 0:
            return
        stochastic = self.player.classifier["stochastic"]
        for game, seed in itertools.product(GAMES.values(), range(30)):
            a = scripted_views(seed, payoffs=game)[-1]
            b = splice_round(a, scripted_views(seed + 100, payoffs=game)[-1], depth)
            if stochastic:
                a = dataclasses.replace(a, rng=np.random.default_rng(seed))
                b = dataclasses.replace(b, rng=np.random.default_rng(seed))
            if self.make().decide(a).action is not self.make().decide(b).action:
                return
        pytest.fail(f"{self.name}: the round {depth} rounds ago never changes the move")

    # -- state

    def test_reset_plays_like_a_new_instance(self) -> None:
        """After a match and ``reset()`` the strategy keeps the state of a new one, and
        decides as a new one does (shown views directly, without play_match's reset)."""
        for pattern in PATTERNS:
            player = self.make()
            play_match(player, Cycler(pattern), ROUNDS, seed=3)
            player.reset()
            assert state_of(player) == state_of(self.make())
            fresh = self.make()
            for view in scripted_views(seed=len(pattern)):
                view = dataclasses.replace(view, rng=np.random.default_rng(view.round))
                mine = player.decide(view)
                view = dataclasses.replace(view, rng=np.random.default_rng(view.round))
                assert mine == fresh.decide(view)

    def test_same_seed_same_moves(self) -> None:
        """Same seed, same match: for a new instance and for one that played before."""
        reused = self.make()
        for opponent in OPPONENTS:
            for seed in (0, 7):
                first = both_actions(self.make(), opponent(), ROUNDS, seed=seed)
                assert both_actions(self.make(), opponent(), ROUNDS, seed=seed) == first
                assert both_actions(reused, opponent(), ROUNDS, seed=seed) == first

    def test_pickled_mid_match_continues_identically(self) -> None:
        """A strategy pickled and unpickled in the middle of a match (its state kept)
        plays the rest of the match as the original does."""
        assert state_of(pickle.loads(pickle.dumps(self.make()))) == state_of(self.make())
        for pattern in PATTERNS:
            for setting in SETTINGS:
                for seed in (0, 5):
                    plain = own_actions(self.make(), pattern, ROUNDS, seed=seed, **setting)
                    wrapped = PickledMidMatch(self.make(), at=ROUNDS // 2)
                    again = own_actions(wrapped, pattern, ROUNDS, seed=seed, **setting)
                    assert wrapped.swapped and again == plain, (pattern, setting, seed)

    # -- parameters

    def test_param_specs_are_valid(self) -> None:
        cls = self.player
        for key, spec in cls.params.items():
            assert isinstance(spec, Param) and spec.doc, key
            assert spec.low <= spec.default <= spec.high, key
            if spec.integer:
                assert all(float(v).is_integer() for v in (spec.low, spec.default, spec.high))
            for value in (spec.low, spec.high, spec.default):
                player = cls(**{key: value})
                assert getattr(player, key) == value
        player = cls()
        assert all(getattr(player, key) == spec.default for key, spec in cls.params.items())

    def test_bad_params_are_rejected(self) -> None:
        """Unknown names, values out of range, non-numbers and (for whole-number
        params) fractions raise ``ValueError`` naming the strategy and the parameter."""
        cls, name = self.player, self.name
        with pytest.raises(ValueError, match=rf"{name}\b.*\bnosuch\b"):
            cls(nosuch=1.0)
        for key, spec in cls.params.items():
            for value in (spec.low - 1.0, spec.high + 1.0, float("nan")):
                with pytest.raises(ValueError, match=re.escape(f"{name}.{key} = ")):
                    cls(**{key: value})
            for value in ("0.5", None, True):
                with pytest.raises(
                    ValueError, match=re.escape(f"{name}.{key} must be a number, got {value!r}")
                ):
                    cls(**{key: value})
            if spec.integer and spec.high - spec.low >= 1:
                with pytest.raises(ValueError, match=re.escape(f"{name}.{key} must be a whole")):
                    cls(**{key: spec.low + 0.5})
        for params, message in self.bad_params:
            with pytest.raises(ValueError, match=message):
                get_strategy(name, **params)


def strategy_test_classes(base: type = StrategyTest) -> list[type[StrategyTest]]:
    """Every subclass of ``StrategyTest`` defined so far, depth first."""
    found: list[type[StrategyTest]] = []
    for sub in base.__subclasses__():
        found += [sub, *strategy_test_classes(sub)]
    return found

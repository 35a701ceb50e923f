"""Tests for negotiation_sim.strategies: golden trajectories, behaviour and the registry.

Golden trajectories follow Axelrod-Python's ``versus_test``: a strategy plays a ``Cycler``
that repeats a fixed pattern of actions, and its exact action sequence is asserted. Action
sequences are written as strings of E (escalate), H (hold) and C (concede).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pytest

from negotiation_sim.core import Action, Move
from negotiation_sim.strategies import (
    STRATEGIES,
    GameView,
    MoveRequired,
    Param,
    Strategy,
    get_strategy,
    strategy_names,
)
from negotiation_sim.strategies.base import move
from negotiation_sim.strategies.concession import Boulware, Conceder, LinearConcession
from negotiation_sim.strategies.deadline import DeadlineBrinkmanship
from negotiation_sim.strategies.human import Human
from negotiation_sim.strategies.learning import RothErev
from negotiation_sim.strategies.lobby import LobbyResponsive
from negotiation_sim.strategies.match import DEFAULT_PAYOFFS, play_match
from negotiation_sim.strategies.payoff import LogitQuantalResponse, MyopicBestResponse
from negotiation_sim.strategies.reciprocal import (
    GenerousTitForTat,
    GrimTrigger,
    TitForTat,
    WinStayLoseShift,
)
from negotiation_sim.strategies.simple import AlwaysConcede, AlwaysEscalate, AlwaysHold, Random

E, H, C = Action.ESCALATE, Action.HOLD, Action.CONCEDE

# ---------------------------------------------------------------------------- helpers


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
        self.pattern = [Action.parse(letter) for letter in pattern]
        super().__init__()

    def decide(self, view: GameView) -> Move:
        return move(self.pattern[len(view.my_moves) % len(self.pattern)], view)


def letters(actions: list[Action]) -> str:
    return "".join(a.name[0] for a in actions)


def versus(
    player: Strategy,
    pattern: str,
    rounds: int,
    payoffs: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    deadline_round: int | None = None,
    lobbying: list[float] | None = None,
) -> str:
    """The player's actions against ``Cycler(pattern)``, as a string of E/H/C."""
    history = play_match(
        player, Cycler(pattern), rounds, payoffs, seed, deadline_round, lobbying=lobbying
    )
    return letters([mine.action for mine, _ in history])


def shares(player: Strategy, pattern: str, rounds: int, **kwargs: Any) -> np.ndarray:
    """Share of escalate, hold and concede in the player's actions against a Cycler."""
    history = play_match(player, Cycler(pattern), rounds, **kwargs)
    counts = np.bincount([mine.action.value for mine, _ in history], minlength=3)
    return counts / max(1, len(history))


def symmetric(mine: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
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


def all_classes() -> list[type[Strategy]]:
    return list(STRATEGIES.values())


# ---------------------------------------------------------------- golden trajectories

# (player factory, cycler pattern, rounds, play_match keyword arguments, expected)
GOLDEN: list[tuple[str, Callable[[], Strategy], str, int, dict[str, Any], str]] = [
    ("AlwaysEscalate", AlwaysEscalate, "EHC", 6, {}, "EEEEEE"),
    ("AlwaysHold", AlwaysHold, "EHC", 6, {}, "HHHHHH"),
    ("AlwaysConcede", AlwaysConcede, "EHC", 6, {}, "CCCCCC"),
    # Hold first, then copy the partner's previous action.
    ("TitForTat", TitForTat, "EHCE", 8, {}, "HEHCEEHC"),
    ("TitForTat vs dove", TitForTat, "C", 5, {}, "HCCCC"),
    # Generosity 0 is Tit for Tat; generosity 1 answers every escalation with hold.
    ("GTFT g=0", lambda: GenerousTitForTat(generosity=0.0), "EHCE", 8, {}, "HEHCEEHC"),
    ("GTFT g=1", lambda: GenerousTitForTat(generosity=1.0), "EHCE", 8, {}, "HHHCHHHC"),
    # The partner first escalates in round 4, so the trigger fires from round 5.
    ("GrimTrigger", GrimTrigger, "HHCE", 8, {}, "HHHHEEEE"),
    ("GrimTrigger vs dove", GrimTrigger, "C", 6, {}, "HHHHHH"),
    # Default payoffs (rows E/H/C vs E/H/C): [-20, 5, 15], [-25, 0, 10], [-30, -5, 5].
    # Round: action (reason) payoff. 1: H -25; 2: H (round 2 stays) 0; 3: H (0 >= -25) 10;
    # 4: H (10 >= 0) -25; 5: E (-25 < 10, shift H->E) 5; 6: E (5 >= -25) 15;
    # 7: E (15 >= 5) -20; 8: C (-20 < 15, shift E->C) -5; 9: C (-5 >= -20) 5;
    # 10: C (5 >= -5) -30; 11: E (-30 < 5, shift C->E).
    ("WinStayLoseShift", WinStayLoseShift, "EHC", 11, {}, "HHHHEEECCCE"),
    # Against a hawk every payoff is -25: a tie counts as a win, so it holds forever.
    ("WinStayLoseShift vs hawk", WinStayLoseShift, "E", 6, {}, "HHHHHH"),
    # Escalation is dominant in the default game.
    ("MyopicBestResponse", MyopicBestResponse, "EHC", 6, {}, "EEEEEE"),
    # In a matching game the best reply copies the partner: Tit for Tat again.
    ("MBR matching", MyopicBestResponse, "EHCE", 8, {"payoffs": MATCHING}, "HEHCEEHC"),
    # Reply to H (round 1), E, H, C, E, H: ties resolved toward hold, then concede.
    ("MBR ties", MyopicBestResponse, "EHC", 6, {"payoffs": TIES}, "HCHHCH"),
    # Large lambda: the logit response is the best response (escalate, dominant).
    ("LogitQR lam=100", lambda: LogitQuantalResponse(lam=100.0), "EHC", 8, {}, "EEEEEEEE"),
    # t = (r-1)/9; 1 - t**4 >= 0.9 while t <= 0.562, i.e. rounds 1-6.
    ("Boulware", Boulware, "E", 10, {}, "HHHHHHCCCC"),
    # 1 - t >= 0.9 only for t <= 0.1: round 1 only.
    ("LinearConcession", LinearConcession, "E", 10, {}, "HCCCCCCCCC"),
    # 1 - t >= 0.5 while t <= 0.5: rounds 1-5.
    ("Linear thr=0.5", lambda: LinearConcession(threshold=0.5), "E", 10, {}, "HHHHHCCCCC"),
    # 1 - t**0.25 < 0.9 from round 2 (t = 1/9).
    ("Conceder", Conceder, "E", 10, {}, "HCCCCCCCCC"),
    # 1 - t**0.25 >= 0.5 while t <= 0.0625: round 1 only.
    ("Conceder thr=0.5", lambda: Conceder(threshold=0.5), "E", 10, {}, "HCCCCCCCCC"),
    # Deadline in round 6: rounds_to_deadline 5,4,3,2,1,0 then None.
    ("Brinkmanship", DeadlineBrinkmanship, "H", 8, {"deadline_round": 6}, "EEEECCEE"),
    (
        "Brinkmanship hold",
        lambda: DeadlineBrinkmanship(escalate=0),
        "H",
        8,
        {"deadline_round": 6},
        "HHHHCCHH",
    ),
    (
        "Brinkmanship w=0",
        lambda: DeadlineBrinkmanship(window=0),
        "H",
        8,
        {"deadline_round": 6},
        "EEEEECEE",
    ),
    (
        "Brinkmanship w=3",
        lambda: DeadlineBrinkmanship(window=3),
        "H",
        8,
        {"deadline_round": 6},
        "EECCCCEE",
    ),
    ("Brinkmanship no deadline", DeadlineBrinkmanship, "H", 8, {}, "EEEEEEEE"),
    ("Human fallback", lambda: Human(fallback="TitForTat"), "EHCE", 8, {}, "HEHCEEHC"),
    # Recorded once with seed 0 (see the behavioural tests below for the checks).
    ("Random seed 0", Random, "EHC", 12, {}, "HEEECCHCHCCE"),
    ("GTFT seed 0", GenerousTitForTat, "E", 12, {}, "HEHHHEEEEEEE"),
    (
        "LogitQR seed 0",
        lambda: LogitQuantalResponse(lam=3.0),
        "CCE",
        12,
        {"payoffs": MATCHING},
        "HHEECCCCCCCE",
    ),
    ("RothErev seed 0", RothErev, "EHC", 12, {}, "HEEEHCHCHCCE"),
    # Follows the lobbying: concede at or below -0.05, escalate at or above +0.05.
    (
        "LobbyResponsive",
        LobbyResponsive,
        "EHC",
        6,
        {"lobbying": [-0.2, 0.0, 0.2, 0.04, -0.05, 0.05]},
        "CHEHCE",
    ),
    (
        "LobbyResponsive threshold 0.5",
        lambda: LobbyResponsive(threshold=0.5),
        "EHC",
        4,
        {"lobbying": [-0.2, 0.6, -0.5, 0.49]},
        "HECH",
    ),
]


@pytest.mark.parametrize(
    ("factory", "pattern", "rounds", "kwargs", "expected"),
    [case[1:] for case in GOLDEN],
    ids=[case[0] for case in GOLDEN],
)
def test_golden_trajectory(
    factory: Callable[[], Strategy],
    pattern: str,
    rounds: int,
    kwargs: dict[str, Any],
    expected: str,
) -> None:
    assert versus(factory(), pattern, rounds, **kwargs) == expected


def test_every_registered_strategy_has_a_golden_trajectory() -> None:
    covered = {factory().name for _, factory, *_ in GOLDEN}
    assert covered == set(STRATEGIES)


def test_trajectories_are_reproducible_and_reset() -> None:
    player = RothErev()
    first = versus(player, "EHC", 30, seed=7)
    assert versus(player, "EHC", 30, seed=7) == first  # play_match resets the learner
    assert versus(RothErev(), "EHC", 30, seed=7) == first


# ------------------------------------------------------------- stochastic behaviour


def test_random_matches_its_rule_for_a_fixed_seed() -> None:
    # One uniform draw u per round: E if u < p, H if u < p + (1 - p) / 2, else C.
    p = 1 / 3
    draws = np.random.default_rng(3).random(40)
    expected = ["E" if u < p else "H" if u < p + (1 - p) / 2 else "C" for u in draws]
    assert versus(Random(), "EHC", 40, seed=3) == "".join(expected)


def test_random_extremes_and_frequencies() -> None:
    assert versus(Random(p=1.0), "EHC", 200) == "E" * 200
    never = shares(Random(p=0.0), "EHC", 2000, seed=1)
    assert never[E] == 0.0
    assert 0.45 < never[H] < 0.55 and 0.45 < never[C] < 0.55
    default = shares(Random(), "EHC", 3000, seed=2)
    assert np.allclose(default, 1 / 3, atol=0.04)


def test_generous_tit_for_tat_matches_its_rule_for_a_fixed_seed() -> None:
    # Against a hawk it draws once per round from round 2: hold if u < 1/3.
    draws = np.random.default_rng(5).random(29)
    expected = "H" + "".join("H" if u < 1 / 3 else "E" for u in draws)
    assert versus(GenerousTitForTat(), "E", 30, seed=5) == expected


def test_generous_tit_for_tat_forgives_at_its_rate() -> None:
    for pattern in ("EHCE", "E", "CCEH", "HEEC"):
        for seed in range(3):
            assert versus(GenerousTitForTat(generosity=0.0), pattern, 20, seed=seed) == (
                versus(TitForTat(), pattern, 20)
            )
            assert "E" not in versus(GenerousTitForTat(generosity=1.0), pattern, 20, seed=seed)
    forgiving = shares(GenerousTitForTat(), "E", 3001, seed=4)
    assert abs(forgiving[H] - 1 / 3) < 0.04 and forgiving[C] == 0.0
    # Non-escalations are copied exactly, whatever the draw.
    assert versus(GenerousTitForTat(), "HC", 10, seed=9) == "HHCHCHCHCH"


def test_logit_probabilities() -> None:
    view = GameView(round=1, horizon=10, me="A", partner="B", stage_payoffs=lambda: MATCHING)
    # Round 1: uniform beliefs; in the matching game every action then has equal EU.
    assert np.allclose(LogitQuantalResponse(lam=5.0).probabilities(view), 1 / 3)
    view = dataclasses.replace(view, partner_moves=(Move(C), Move(C)))
    # Beliefs (1, 1, 3) / 5 with add-one smoothing: EU = (0.2, 0.2, 0.6).
    probs = LogitQuantalResponse(lam=10.0).probabilities(view)
    weights = np.exp(10.0 * np.array([0.2, 0.2, 0.6]))
    assert np.allclose(probs, weights / weights.sum())
    assert np.allclose(LogitQuantalResponse(lam=0.0).probabilities(view), 1 / 3)
    # Numerically stable for huge utilities.
    huge = symmetric([[1e6, 1e6, 1e6], [0, 0, 0], [-1e6, -1e6, -1e6]])
    view = dataclasses.replace(view, stage_payoffs=lambda: huge)
    assert np.allclose(LogitQuantalResponse(lam=100.0).probabilities(view), [1, 0, 0])


def test_logit_extremes() -> None:
    uniform = shares(LogitQuantalResponse(lam=0.0), "EHC", 1500, seed=6)
    assert np.allclose(uniform, 1 / 3, atol=0.04)
    # Large lambda against a dove in the matching game: after round 1 (uniform beliefs,
    # a random choice) beliefs favour concede, so it concedes every round.
    for seed in range(5):
        played = versus(LogitQuantalResponse(lam=100.0), "C", 12, MATCHING, seed=seed)
        assert played[1:] == "C" * 11
    # Default lambda in the default game: escalate with probability about 0.993.
    assert shares(LogitQuantalResponse(), "EHC", 1000, seed=8)[E] > 0.98


def test_roth_erev_update_by_hand() -> None:
    learner = RothErev()
    assert np.allclose(learner.propensities, [1, 1, 1])
    learner.learn(E, 10.0)  # first payoff is the minimum: reward 0, only forgetting
    assert np.allclose(learner.propensities, [0.9, 0.9, 0.9])
    learner.learn(H, 30.0)  # reward 20: 0.8 * 20 to hold, 0.1 * 20 to each other action
    assert np.allclose(learner.propensities, [2.81, 16.81, 2.81])
    learner.learn(C, -10.0)  # new minimum: reward 0
    assert np.allclose(learner.propensities, [2.529, 15.129, 2.529])
    assert np.allclose(learner.probabilities(), np.array([2.529, 15.129, 2.529]) / 20.187)
    learner.reset()
    assert np.allclose(learner.propensities, [1, 1, 1])


def test_roth_erev_rebuilds_state_from_the_view() -> None:
    history = [Move(E), Move(H), Move(H), Move(C)]
    payoffs = [-20.0, 0.0, 10.0, -30.0]
    view = GameView(
        round=5, horizon=10, me="A", partner="B", my_moves=history, rng=np.random.default_rng(0)
    )
    view = dataclasses.replace(view, my_payoffs=payoffs)
    incremental = RothErev()
    for k in range(4):
        incremental.learn(history[k].action, payoffs[k])
    fresh = RothErev()
    fresh.decide(view)
    assert np.allclose(fresh.propensities, incremental.propensities)
    # Shown a shorter history (a new game without reset), it starts over.
    view = GameView(
        round=2, horizon=10, me="A", partner="B", my_moves=history[:1], rng=np.random.default_rng(0)
    )
    view = dataclasses.replace(view, my_payoffs=payoffs[:1])
    fresh.decide(view)
    assert fresh._learned == 1
    assert np.allclose(fresh.propensities, [0.9, 0.9, 0.9])


def test_roth_erev_concentrates_on_a_dominant_action() -> None:
    for seed in range(3):
        late = play_match(RothErev(), Cycler("EHC"), 2000, STRONGLY_DOMINANT, seed=seed)
        escalations = sum(mine.action is E for mine, _ in late[-1000:])
        # Experimentation 0.2 caps the limit share at 0.8.
        assert escalations > 700
    # In the default trade war the dominant action is also the most reinforced one.
    default = shares(RothErev(), "EHC", 3000, seed=11)
    assert default[E] == default.max() and default[E] > 0.4
    # Without forgetting or experimentation it locks in almost completely.
    purist = RothErev(forgetting=0.0, experimentation=0.0)
    assert shares(purist, "EHC", 3000, payoffs=STRONGLY_DOMINANT, seed=12)[E] > 0.95


# ----------------------------------------------------------------- time and deadlines


def first_concession(player: Strategy, rounds: int = 52) -> int:
    played = versus(player, "E", rounds)
    assert "CH" not in played, "a time-based concession is never withdrawn"
    return played.index("C") + 1


def test_concession_order_over_52_rounds() -> None:
    # t = (r-1)/51 and the threshold 0.9: concede once t > 0.1 ** (1 / e).
    boulware, linear, conceder = (
        first_concession(s()) for s in (Boulware, LinearConcession, Conceder)
    )
    assert boulware > linear > conceder
    assert (boulware, linear, conceder) == (30, 7, 2)


def test_concession_exponent_param() -> None:
    assert (Boulware.concession_exponent, LinearConcession.concession_exponent) == (4.0, 1.0)
    assert Conceder.concession_exponent == 0.25
    tuned = LinearConcession(exponent=4.0)
    assert tuned.concession_exponent == 4.0
    assert tuned.aspiration(0.5) == pytest.approx(1 - 0.5**4)
    assert first_concession(tuned) == first_concession(Boulware())
    assert LinearConcession().concession_exponent == 1.0  # the class is untouched
    assert Boulware(threshold=0.0).aspiration(1.0) == 0.0
    assert "C" not in versus(Boulware(threshold=0.0), "E", 20)


def test_brinkmanship_rejects_fractional_rounds() -> None:
    with pytest.raises(ValueError, match="whole number"):
        DeadlineBrinkmanship(window=1.5)
    with pytest.raises(ValueError, match="whole number"):
        DeadlineBrinkmanship(escalate=0.5)
    assert DeadlineBrinkmanship(window=2.0).window == 2


# ------------------------------------------------------------------- classifiers


def scripted_views(seed: int, rounds: int = 8) -> list[GameView]:
    """Views for rounds 1..rounds of a random history, with default payoffs."""
    rng = np.random.default_rng(seed)
    mine = [Move(Action(int(a))) for a in rng.integers(0, 3, rounds)]
    theirs = [Move(Action(int(a))) for a in rng.integers(0, 3, rounds)]
    pays = [
        float(DEFAULT_PAYOFFS[0][m.action, t.action]) for m, t in zip(mine, theirs, strict=False)
    ]
    return [
        GameView(
            round=r,
            horizon=12,
            me="A",
            partner="B",
            my_moves=mine[: r - 1],
            partner_moves=theirs[: r - 1],
            my_payoffs=pays[: r - 1],
            rounds_to_deadline=max(0, 6 - r),
            stage_payoffs=lambda: DEFAULT_PAYOFFS,
        )
        for r in range(1, rounds + 1)
    ]


class ForbiddenRng:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a deterministic strategy used view.rng.{name}")


@pytest.mark.parametrize("cls", all_classes(), ids=strategy_names())
def test_classifier(cls: type[Strategy]) -> None:
    c = cls.classifier
    assert {"stochastic", "memory_depth", "uses_payoffs", "human"} <= set(c)
    assert isinstance(c["stochastic"], bool) and isinstance(c["uses_payoffs"], bool)
    assert c["human"] is (cls is Human)
    depth = c["memory_depth"]
    assert depth == math.inf or (isinstance(depth, int) and depth >= 0)


@pytest.mark.parametrize("cls", all_classes(), ids=strategy_names())
def test_classifier_is_honest(cls: type[Strategy]) -> None:
    """Deterministic strategies never draw; strategies not using payoffs ignore them."""
    c = cls.classifier

    def fresh() -> Strategy:
        return Human(fallback="TitForTat") if cls is Human else cls()

    for seed in range(5):
        for view in scripted_views(seed):
            rng = ForbiddenRng() if not c["stochastic"] else np.random.default_rng(seed)
            view = dataclasses.replace(view, rng=rng)
            played = fresh().decide(view)
            assert isinstance(played, Move)
            if not c["uses_payoffs"]:
                blind = dataclasses.replace(
                    view,
                    stage_payoffs=None,
                    my_payoffs=[-1000.0 * k for k in range(len(view.my_payoffs))],
                    rng=view.rng if not c["stochastic"] else np.random.default_rng(seed),
                )
                assert fresh().decide(blind).action is played.action


@pytest.mark.parametrize(
    "cls",
    [
        c
        for c in all_classes()
        if not c.classifier["stochastic"] and c.classifier["memory_depth"] != math.inf
    ],
)
def test_memory_depth_is_honest(cls: type[Strategy]) -> None:
    """A deterministic strategy ignores rounds older than its memory depth."""
    depth = cls.classifier["memory_depth"]
    for seed in range(20):
        a, b = scripted_views(seed)[-1], scripted_views(seed + 100)[-1]
        keep = len(a.my_moves) - depth
        b = dataclasses.replace(
            b,
            my_moves=b.my_moves[:keep] + a.my_moves[keep:],
            partner_moves=b.partner_moves[:keep] + a.partner_moves[keep:],
            my_payoffs=b.my_payoffs[:keep] + a.my_payoffs[keep:],
        )
        assert a.my_moves != b.my_moves or a.partner_moves != b.partner_moves
        assert cls().decide(a).action is cls().decide(b).action


# -------------------------------------------------------------------- the registry

CITATION = re.compile(r"[A-Z][a-z]+,? \(?(1[89]\d\d|20\d\d)\b")


def test_registry_lists_the_strategies() -> None:
    assert len(STRATEGIES) >= 13 and "Human" in STRATEGIES
    assert strategy_names() == list(STRATEGIES)
    assert strategy_names()[:3] == ["AlwaysEscalate", "AlwaysHold", "AlwaysConcede"]
    for key, cls in STRATEGIES.items():
        assert key == cls.name == cls.__name__
        assert issubclass(cls, Strategy)


@pytest.mark.parametrize("cls", all_classes(), ids=strategy_names())
def test_docstring_cites_its_source(cls: type[Strategy]) -> None:
    summary = cls.describe()
    assert summary and cls.__doc__ is not cls.__mro__[1].__doc__
    assert CITATION.search(summary), f"{cls.name}: first paragraph cites no (author, year)"


@pytest.mark.parametrize("cls", all_classes(), ids=strategy_names())
def test_param_specs_are_valid(cls: type[Strategy]) -> None:
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


def test_get_strategy() -> None:
    assert isinstance(get_strategy("TitForTat"), TitForTat)
    assert isinstance(get_strategy("titfortat"), TitForTat)
    assert get_strategy("GenerousTitForTat", generosity=0.5).generosity == 0.5
    assert get_strategy("Human", fallback="AlwaysHold").fallback == "AlwaysHold"
    with pytest.raises(ValueError, match="unknown strategy 'Nope'; allowed: AlwaysEscalate") as err:
        get_strategy("Nope")
    assert all(name in str(err.value) for name in STRATEGIES)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        (
            "TitForTat",
            {"generosity": 0.5},
            r"TitForTat: unknown parameter\(s\) generosity; allowed: none",
        ),
        ("GenerousTitForTat", {"generosity": 1.5}, r"generosity = 1.5 is out of range"),
        ("GenerousTitForTat", {"generosity": -0.1}, r"out of range; allowed: 0.0 to 1.0"),
        ("GenerousTitForTat", {"generosity": float("nan")}, r"out of range"),
        ("Random", {"p": "0.5"}, r"Random.p must be a number, got '0.5'"),
        ("Random", {"p": None}, r"must be a number"),
        ("Random", {"p": True}, r"must be a number"),
        ("LogitQuantalResponse", {"lam": 101}, r"lam = 101 is out of range"),
        ("RothErev", {"initial_propensity": 0.0}, r"initial_propensity = 0.0 is out of range"),
        ("Boulware", {"exponent": 0.0}, r"exponent = 0.0 is out of range"),
        ("DeadlineBrinkmanship", {"window": 53}, r"window = 53 is out of range"),
        ("DeadlineBrinkmanship", {"window": 2.5}, r"must be a whole number"),
        ("Human", {"fallback": "Nope"}, r"unknown strategy 'Nope'"),
        ("Human", {"fallback": "Human"}, r"fallback must be a computer strategy"),
        ("Human", {"generosity": 0.5}, r"given without a fallback strategy"),
        ("Human", {"fallback": "Random", "q": 0.5}, r"Random: unknown parameter\(s\) q"),
    ],
)
def test_bad_params_raise(name: str, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        get_strategy(name, **params)


# ----------------------------------------------------------------------------- Human


def view_for(round_: int = 3, me: str = "US") -> GameView:
    return GameView(round=round_, horizon=10, me=me, partner="China", levels={"tariff": 0.5})


def test_human_plays_the_submitted_move() -> None:
    human = Human()
    assert human.pending is None
    chosen = Move(E, "tariff")
    human.submit(chosen)
    assert human.pending == chosen
    assert human.decide(view_for()) == chosen
    assert human.pending is None
    human.submit(Move(C))  # no instrument: the default one is filled in
    assert human.decide(view_for()) == Move(C, "tariff")


def test_human_double_submit_raises() -> None:
    human = Human()
    human.submit(Move(H))
    with pytest.raises(ValueError, match="a move for this round was already submitted"):
        human.submit(Move(E))
    assert human.pending == Move(H)
    with pytest.raises(TypeError):
        human.submit(E)  # type: ignore[arg-type]


def test_human_without_move_or_fallback_raises() -> None:
    human = Human()
    with pytest.raises(MoveRequired, match=r"US must submit a move for round 7"):
        human.decide(view_for(7, "US"))
    assert issubclass(MoveRequired, RuntimeError)
    with pytest.raises(MoveRequired, match="A must submit a move for round 1"):
        play_match(Human(), AlwaysHold(), 3)


def test_human_fallback() -> None:
    human = Human(fallback="AlwaysConcede")
    assert human.decide(view_for()).action is C
    human.submit(Move(E))
    assert human.decide(view_for()).action is E  # a submitted move wins
    assert human.decide(view_for()).action is C
    generous = Human(fallback="GenerousTitForTat", generosity=1.0)
    assert generous.fallback_strategy is not None
    assert generous.fallback_strategy.generosity == 1.0  # type: ignore[attr-defined]
    human.submit(Move(E))
    human.reset()
    assert human.pending is None


# ------------------------------------------------------------------------ the harness


def test_default_payoffs_are_a_trade_war_dilemma() -> None:
    mine, theirs = DEFAULT_PAYOFFS
    assert mine.shape == theirs.shape == (3, 3)
    assert np.array_equal(theirs, mine.T)
    for partner in Action:
        column = mine[:, partner]
        assert column[E] > column[H] > column[C]  # escalation strictly dominant
    assert mine[C, C] > mine[E, E] and theirs[C, C] > theirs[E, E]
    assert mine[C, C] > mine[H, H] > mine[E, E]
    with pytest.raises(ValueError):
        mine[0, 0] = 1.0  # read-only


class Recorder(Strategy):
    """Test helper that records every view and plays a fixed action."""

    name = "Recorder"

    def __init__(self, action: Action) -> None:
        self.action = action
        self.views: list[GameView] = []
        super().__init__()

    def decide(self, view: GameView) -> Move:
        self.views.append(view)
        return move(self.action, view)


def test_play_match_builds_views_from_each_seat() -> None:
    pa = np.arange(9.0).reshape(3, 3)
    pb = 100 + pa
    a, b = Recorder(E), Recorder(C)
    history = play_match(a, b, 4, payoffs=(pa, pb), seed=1, deadline_round=2)
    assert [(x.action, y.action) for x, y in history] == [(E, C)] * 4
    assert history[0] == (Move(E, "tariff"), Move(C, "tariff"))
    last_a, last_b = a.views[-1], b.views[-1]
    assert (last_a.me, last_a.partner, last_b.me, last_b.partner) == ("A", "B", "B", "A")
    assert [v.round for v in a.views] == [1, 2, 3, 4]
    assert {v.horizon for v in a.views} == {4}
    assert [v.rounds_to_deadline for v in b.views] == [1, 0, None, None]
    assert last_a.my_payoffs == (pa[E, C],) * 3 and last_b.my_payoffs == (pb[E, C],) * 3
    assert [m.action for m in last_b.partner_moves] == [E, E, E]
    assert [m.action for m in last_b.my_moves] == [C, C, C]
    assert last_a.instruments == ("tariff",) and last_a.levels == {"tariff": 0.5}
    assert last_a.rng is last_b.rng
    mine_b, theirs_b = last_b.payoffs()
    assert np.array_equal(mine_b, pb.T) and np.array_equal(theirs_b, pa.T)
    assert np.array_equal(last_a.payoffs()[0], pa)


def test_play_match_rejects_bad_input() -> None:
    player = TitForTat()
    with pytest.raises(ValueError, match="two strategy instances"):
        play_match(player, player, 3)
    with pytest.raises(ValueError, match="non-negative integer"):
        play_match(TitForTat(), TitForTat(), -1)
    with pytest.raises(ValueError, match="3x3"):
        play_match(TitForTat(), TitForTat(), 3, payoffs=(np.zeros((2, 2)), np.zeros((2, 2))))
    assert play_match(TitForTat(), TitForTat(), 0) == []


def test_classic_pairings() -> None:
    """Sanity checks from the repeated-game literature."""
    assert versus(TitForTat(), "H", 10) == "H" * 10
    tft_vs_tft = play_match(TitForTat(), TitForTat(), 10)
    assert all(x.action is H and y.action is H for x, y in tft_vs_tft)
    # Grim against TFT: both hold for ever.
    assert all(x.action is H for x, _ in play_match(GrimTrigger(), TitForTat(), 10))

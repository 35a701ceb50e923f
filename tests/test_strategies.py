"""Tests for negotiation_sim.strategies: one test class per strategy, the registry and the
match harness.

Each strategy's test class inherits ``StrategyTest`` (tests/strategy_harness.py), after
Axelrod-Python's ``TestPlayer``: the inherited checks (registry entry, cited source,
honest classifier, reset, reproducibility, pickling, parameter specs) run for every
strategy, and ``test_strategy`` pins its behaviour with ``versus_test``, which asserts both
sides' actions, written ``"PLAYER/OPPONENT"`` in E (escalate), H (hold) and C (concede).
A pattern string as the opponent is a ``Cycler`` repeating it. Adding a strategy takes its
module and its test class here.
"""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any, ClassVar

import numpy as np
import pytest
from strategy_harness import (
    MATCHING,
    STRONGLY_DOMINANT,
    TIES,
    Cycler,
    StrategyTest,
    both_actions,
    letters,
    own_actions,
    parse_expected,
    shares,
    strategy_test_classes,
    symmetric,
    versus_test,
)

from negotiation_sim.core import Action, Move
from negotiation_sim.economy.preferences import Resolve
from negotiation_sim.strategies import (
    STRATEGIES,
    GameView,
    MoveRequired,
    Strategy,
    get_strategy,
    strategy_names,
)
from negotiation_sim.strategies.base import move
from negotiation_sim.strategies.concession import Boulware, Conceder, LinearConcession
from negotiation_sim.strategies.crisis import CostTolerance, CrisisBargainer, VerifiedReciprocity
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

#: The classifier of a deterministic strategy that remembers nothing and reads no payoffs.
MEMORYLESS: dict[str, Any] = {
    "stochastic": False,
    "memory_depth": 0,
    "uses_payoffs": False,
    "human": False,
}

#: RothErev's propensities after 12 rounds against Cycler("EHC"), seed 0 (it has learned
#: from rounds 1-11), recorded once.
ROTH_EREV_SEED0_PROPENSITIES = [35.19311315209001, 42.475379353090005, 53.43645185309]

# ----------------------------------------------------------------------- unconditional


class TestAlwaysEscalate(StrategyTest):
    player = AlwaysEscalate
    name = "AlwaysEscalate"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        self.versus_test("EHC", "EEEEEE/EHCEHC")
        self.versus_test(TitForTat(), [(E, H), (E, E), (E, E)])


class TestAlwaysHold(StrategyTest):
    player = AlwaysHold
    name = "AlwaysHold"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        self.versus_test("EHC", "HHHHHH/EHCEHC")


class TestAlwaysConcede(StrategyTest):
    player = AlwaysConcede
    name = "AlwaysConcede"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        self.versus_test("EHC", "CCCCCC/EHCEHC")


class TestRandom(StrategyTest):
    player = Random
    name = "Random"
    expected_classifier: ClassVar[dict[str, Any]] = {**MEMORYLESS, "stochastic": True}
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"p": "0.5"}, r"Random.p must be a number, got '0.5'"),
        ({"p": None}, r"must be a number"),
        ({"p": True}, r"must be a number"),
    ]

    def test_strategy(self) -> None:
        # Recorded once with seed 0 (see the behavioural tests below for the checks).
        self.versus_test("EHC", "HEEECCHCHCCE/EHCEHCEHCEHC")

    def test_matches_its_rule_for_a_fixed_seed(self) -> None:
        # One uniform draw u per round: E if u < p, H if u < p + (1 - p) / 2, else C.
        p = 1 / 3
        draws = np.random.default_rng(3).random(40)
        expected = ["E" if u < p else "H" if u < p + (1 - p) / 2 else "C" for u in draws]
        assert own_actions(Random(), "EHC", 40, seed=3) == "".join(expected)

    def test_extremes_and_frequencies(self) -> None:
        assert own_actions(Random(p=1.0), "EHC", 200) == "E" * 200
        never = shares(Random(p=0.0), "EHC", 2000, seed=1)
        assert never[E] == 0.0
        assert 0.45 < never[H] < 0.55 and 0.45 < never[C] < 0.55
        default = shares(Random(), "EHC", 3000, seed=2)
        assert np.allclose(default, 1 / 3, atol=0.04)


# -------------------------------------------------------------------------- reciprocal


class TestTitForTat(StrategyTest):
    player = TitForTat
    name = "TitForTat"
    expected_classifier: ClassVar[dict[str, Any]] = {**MEMORYLESS, "memory_depth": 1}
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"generosity": 0.5}, r"TitForTat: unknown parameter\(s\) generosity; allowed: none"),
    ]

    def test_strategy(self) -> None:
        # Hold first, then copy the partner's previous action.
        self.versus_test("EHCE", "HEHCEEHC/EHCEEHCE")
        self.versus_test("C", "HCCCC/CCCCC")

    def test_classic_pairings(self) -> None:
        """Sanity checks from the repeated-game literature."""
        assert own_actions(TitForTat(), "H", 10) == "H" * 10
        tft_vs_tft = play_match(TitForTat(), TitForTat(), 10)
        assert all(x.action is H and y.action is H for x, y in tft_vs_tft)
        self.versus_test(TitForTat(), "H" * 10 + "/" + "H" * 10)


class TestGenerousTitForTat(StrategyTest):
    player = GenerousTitForTat
    name = "GenerousTitForTat"
    expected_classifier: ClassVar[dict[str, Any]] = {
        **MEMORYLESS,
        "stochastic": True,
        "memory_depth": 1,
    }
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"generosity": 1.5}, r"generosity = 1.5 is out of range"),
        ({"generosity": -0.1}, r"out of range; allowed: 0.0 to 1.0"),
        ({"generosity": float("nan")}, r"out of range"),
    ]

    def test_strategy(self) -> None:
        # Generosity 0 is Tit for Tat; generosity 1 answers every escalation with hold.
        self.versus_test("EHCE", "HEHCEEHC/EHCEEHCE", init_kwargs={"generosity": 0.0})
        self.versus_test("EHCE", "HHHCHHHC/EHCEEHCE", init_kwargs={"generosity": 1.0})
        # Recorded once with seed 0.
        self.versus_test("E", "HEHHHEEEEEEE/EEEEEEEEEEEE")

    def test_matches_its_rule_for_a_fixed_seed(self) -> None:
        # Against a hawk it draws once per round from round 2: hold if u < 1/3.
        draws = np.random.default_rng(5).random(29)
        expected = "H" + "".join("H" if u < 1 / 3 else "E" for u in draws)
        assert own_actions(GenerousTitForTat(), "E", 30, seed=5) == expected

    def test_forgives_at_its_rate(self) -> None:
        for pattern in ("EHCE", "E", "CCEH", "HEEC"):
            for seed in range(3):
                assert own_actions(GenerousTitForTat(generosity=0.0), pattern, 20, seed=seed) == (
                    own_actions(TitForTat(), pattern, 20)
                )
                generous = own_actions(GenerousTitForTat(generosity=1.0), pattern, 20, seed=seed)
                assert "E" not in generous
        forgiving = shares(GenerousTitForTat(), "E", 3001, seed=4)
        assert abs(forgiving[H] - 1 / 3) < 0.04 and forgiving[C] == 0.0
        # Non-escalations are copied exactly, whatever the draw.
        assert own_actions(GenerousTitForTat(), "HC", 10, seed=9) == "HHCHCHCHCH"


class TestGrimTrigger(StrategyTest):
    player = GrimTrigger
    name = "GrimTrigger"
    expected_classifier: ClassVar[dict[str, Any]] = {**MEMORYLESS, "memory_depth": float("inf")}

    def test_strategy(self) -> None:
        # The partner first escalates in round 4, so the trigger fires from round 5.
        self.versus_test("HHCE", "HHHHEEEE/HHCEHHCE")
        self.versus_test("C", "HHHHHH/CCCCCC")
        # The trigger never resets: one escalation long ago is enough.
        self.versus_test("EHHHHH", "HEEEEEEE/EHHHHHEH")

    def test_classic_pairings(self) -> None:
        # Grim against TFT: both hold for ever.
        assert all(x.action is H for x, _ in play_match(GrimTrigger(), TitForTat(), 10))
        self.versus_test(TitForTat(), "H" * 10 + "/" + "H" * 10)


class TestWinStayLoseShift(StrategyTest):
    player = WinStayLoseShift
    name = "WinStayLoseShift"
    expected_classifier: ClassVar[dict[str, Any]] = {
        **MEMORYLESS,
        "memory_depth": 2,
        "uses_payoffs": True,
    }

    def test_strategy(self) -> None:
        # Default payoffs (rows E/H/C vs E/H/C): [-20, 5, 15], [-25, 0, 10], [-30, -5, 5].
        # Round: action (reason) payoff. 1: H -25; 2: H (round 2 stays) 0; 3: H (0 >= -25) 10;
        # 4: H (10 >= 0) -25; 5: E (-25 < 10, shift H->E) 5; 6: E (5 >= -25) 15;
        # 7: E (15 >= 5) -20; 8: C (-20 < 15, shift E->C) -5; 9: C (-5 >= -20) 5;
        # 10: C (5 >= -5) -30; 11: E (-30 < 5, shift C->E).
        self.versus_test("EHC", "HHHHEEECCCE/EHCEHCEHCEH")
        # Against a hawk every payoff is -25: a tie counts as a win, so it holds forever.
        self.versus_test("E", "HHHHHH/EEEEEE")


# ---------------------------------------------------------------------- payoff-reading


class TestMyopicBestResponse(StrategyTest):
    player = MyopicBestResponse
    name = "MyopicBestResponse"
    expected_classifier: ClassVar[dict[str, Any]] = {
        **MEMORYLESS,
        "memory_depth": 1,
        "uses_payoffs": True,
    }

    def test_strategy(self) -> None:
        # Escalation is dominant in the default game.
        self.versus_test("EHC", "EEEEEE/EHCEHC")
        # In a matching game the best reply copies the partner: Tit for Tat again.
        self.versus_test("EHCE", "HEHCEEHC/EHCEEHCE", payoffs=MATCHING)
        # Reply to H (round 1), E, H, C, E, H: ties resolved toward hold, then concede.
        self.versus_test("EHC", "HCHHCH/EHCEHC", payoffs=TIES)


class TestLogitQuantalResponse(StrategyTest):
    player = LogitQuantalResponse
    name = "LogitQuantalResponse"
    expected_classifier: ClassVar[dict[str, Any]] = {
        **MEMORYLESS,
        "stochastic": True,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
    }
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"lam": 101}, r"lam = 101 is out of range"),
    ]

    def test_strategy(self) -> None:
        # Large lambda: the logit response is the best response (escalate, dominant).
        self.versus_test("EHC", "EEEEEEEE/EHCEHCEH", init_kwargs={"lam": 100.0})
        # Recorded once with seed 0.
        self.versus_test(
            "CCE", "HHEECCCCCCCE/CCECCECCECCE", init_kwargs={"lam": 3.0}, payoffs=MATCHING
        )

    def test_probabilities(self) -> None:
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

    def test_extremes(self) -> None:
        uniform = shares(LogitQuantalResponse(lam=0.0), "EHC", 1500, seed=6)
        assert np.allclose(uniform, 1 / 3, atol=0.04)
        # Large lambda against a dove in the matching game: after round 1 (uniform beliefs,
        # a random choice) beliefs favour concede, so it concedes every round.
        for seed in range(5):
            played = own_actions(
                LogitQuantalResponse(lam=100.0), "C", 12, payoffs=MATCHING, seed=seed
            )
            assert played[1:] == "C" * 11
        # Default lambda in the default game: escalate with probability about 0.993.
        assert shares(LogitQuantalResponse(), "EHC", 1000, seed=8)[E] > 0.98


# ---------------------------------------------------------------------------- learning


class TestRothErev(StrategyTest):
    player = RothErev
    name = "RothErev"
    expected_classifier: ClassVar[dict[str, Any]] = {
        **MEMORYLESS,
        "stochastic": True,
        "memory_depth": float("inf"),
        "uses_payoffs": True,
    }
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"initial_propensity": 0.0}, r"initial_propensity = 0.0 is out of range"),
    ]

    def test_strategy(self) -> None:
        # Recorded once with seed 0; it has learned from rounds 1-11 (lowest payoff -30,
        # conceding against an escalation).
        self.versus_test(
            "EHC",
            "HEEEHCHCHCCE/EHCEHCEHCEHC",
            attrs={
                "propensities": ROTH_EREV_SEED0_PROPENSITIES,
                "_learned": 11,
                "_min_payoff": -30.0,
            },
        )
        # Without forgetting or experimentation, escalating pays 10 and anything else 0:
        # round 1 holds (payoff 0, the minimum: reward 0), rounds 2-5 escalate (reward
        # 10 - 0 each), so escalate's propensity is 1 + 4 * 10 after learning from 5 rounds.
        self.versus_test(
            "E",
            "HEEEEE/EEEEEE",
            init_kwargs={"forgetting": 0.0, "experimentation": 0.0},
            payoffs=STRONGLY_DOMINANT,
            attrs={"propensities": [41.0, 1.0, 1.0], "_learned": 5, "_min_payoff": 0.0},
        )
        # Forgetting 0.5 and experimentation 0.5: each round halves every propensity; an
        # escalation (reward 10) adds 5 to escalate and 2.5 to hold and concede.
        # Round 1 (hold, reward 0): (0.5, 0.5, 0.5); round 2: (5.25, 2.75, 2.75);
        # round 3: (7.625, 3.875, 3.875); round 4: (8.8125, 4.4375, 4.4375).
        self.versus_test(
            "E",
            "HEEEC/EEEEE",
            init_kwargs={"forgetting": 0.5, "experimentation": 0.5},
            payoffs=STRONGLY_DOMINANT,
            attrs={"propensities": [8.8125, 4.4375, 4.4375], "_learned": 4},
        )

    def test_reproducible_and_reset(self) -> None:
        player = RothErev()
        first = own_actions(player, "EHC", 30, seed=7)
        assert own_actions(player, "EHC", 30, seed=7) == first  # play_match resets the learner
        assert own_actions(RothErev(), "EHC", 30, seed=7) == first

    def test_update_by_hand(self) -> None:
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

    def test_rebuilds_state_from_the_view(self) -> None:
        history = [Move(E), Move(H), Move(H), Move(C)]
        payoffs = [-20.0, 0.0, 10.0, -30.0]
        view = GameView(
            round=5,
            horizon=10,
            me="A",
            partner="B",
            my_moves=history,
            rng=np.random.default_rng(0),
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
            round=2,
            horizon=10,
            me="A",
            partner="B",
            my_moves=history[:1],
            rng=np.random.default_rng(0),
        )
        view = dataclasses.replace(view, my_payoffs=payoffs[:1])
        fresh.decide(view)
        assert fresh._learned == 1
        assert np.allclose(fresh.propensities, [0.9, 0.9, 0.9])

    def test_concentrates_on_a_dominant_action(self) -> None:
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


# ------------------------------------------------------------------------- time-based


class TestBoulware(StrategyTest):
    player = Boulware
    name = "Boulware"
    expected_classifier = MEMORYLESS
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"exponent": 0.0}, r"exponent = 0.0 is out of range"),
    ]

    def test_strategy(self) -> None:
        # t = (r-1)/9; 1 - t**4 >= 0.9 while t <= 0.562, i.e. rounds 1-6.
        self.versus_test("E", "HHHHHHCCCC/EEEEEEEEEE", attrs={"concession_exponent": 4.0})


class TestLinearConcession(StrategyTest):
    player = LinearConcession
    name = "LinearConcession"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        # 1 - t >= 0.9 only for t <= 0.1: round 1 only.
        self.versus_test("E", "HCCCCCCCCC/EEEEEEEEEE", attrs={"concession_exponent": 1.0})
        # 1 - t >= 0.5 while t <= 0.5: rounds 1-5.
        self.versus_test("E", "HHHHHCCCCC/EEEEEEEEEE", init_kwargs={"threshold": 0.5})
        # The exponent param sets the instance's concession curve (here Boulware's).
        self.versus_test(
            "E",
            "HHHHHHCCCC/EEEEEEEEEE",
            init_kwargs={"exponent": 4.0},
            attrs={"concession_exponent": 4.0},
        )


class TestConceder(StrategyTest):
    player = Conceder
    name = "Conceder"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        # 1 - t**0.25 < 0.9 from round 2 (t = 1/9).
        self.versus_test("E", "HCCCCCCCCC/EEEEEEEEEE", attrs={"concession_exponent": 0.25})
        # 1 - t**0.25 >= 0.5 while t <= 0.0625: round 1 only.
        self.versus_test("E", "HCCCCCCCCC/EEEEEEEEEE", init_kwargs={"threshold": 0.5})


def first_concession(player: Strategy, rounds: int = 52) -> int:
    played = own_actions(player, "E", rounds)
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
    assert "C" not in own_actions(Boulware(threshold=0.0), "E", 20)


# --------------------------------------------------------------------------- deadline


class TestDeadlineBrinkmanship(StrategyTest):
    player = DeadlineBrinkmanship
    name = "DeadlineBrinkmanship"
    expected_classifier = MEMORYLESS
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"window": 53}, r"window = 53 is out of range"),
        ({"window": 2.5}, r"must be a whole number"),
    ]

    def test_strategy(self) -> None:
        # Deadline in round 6: rounds_to_deadline 5,4,3,2,1,0 then None.
        self.versus_test("H", "EEEECCEE/HHHHHHHH", deadline_round=6)
        self.versus_test("H", "HHHHCCHH/HHHHHHHH", deadline_round=6, init_kwargs={"escalate": 0})
        self.versus_test("H", "EEEEECEE/HHHHHHHH", deadline_round=6, init_kwargs={"window": 0})
        self.versus_test("H", "EECCCCEE/HHHHHHHH", deadline_round=6, init_kwargs={"window": 3})
        # No deadline ahead: it presses every round.
        self.versus_test("H", "EEEEEEEE/HHHHHHHH")

    def test_rejects_fractional_rounds(self) -> None:
        with pytest.raises(ValueError, match="whole number"):
            DeadlineBrinkmanship(window=1.5)
        with pytest.raises(ValueError, match="whole number"):
            DeadlineBrinkmanship(escalate=0.5)
        assert DeadlineBrinkmanship(window=2.0).window == 2


# ---------------------------------------------------------------------------- lobbying


class TestLobbyResponsive(StrategyTest):
    player = LobbyResponsive
    name = "LobbyResponsive"
    expected_classifier = MEMORYLESS

    def test_strategy(self) -> None:
        # Follows the lobbying: concede at or below -0.05, escalate at or above +0.05.
        self.versus_test("EHC", "CHEHCE/EHCEHC", lobbying=[-0.2, 0.0, 0.2, 0.04, -0.05, 0.05])
        self.versus_test(
            "EHC",
            "HECH/EHCE",
            init_kwargs={"threshold": 0.5},
            lobbying=[-0.2, 0.6, -0.5, 0.49],
        )


# --------------------------------------------------------------------- crisis bargaining

#: read pains and the stage game; remember the whole history (cumulative costs)
CRISIS: dict[str, Any] = {**MEMORYLESS, "memory_depth": float("inf"), "uses_payoffs": True}


def crisis_view(**changes: Any) -> GameView:
    """A model-like view: one instrument at mid level, my pain and my partner's."""
    base = GameView(
        round=5, horizon=20, me="A", partner="B", levels={"tariff": 0.5},
        pain=(0.0, 0.0), partner_pain=(0.0, 0.0), partner_shifts=(0.0,),
        resolve=Resolve(cost_tolerance_bn=10.0, audience_sensitivity=1.0, grievance_bn=0.0),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


class TestVerifiedReciprocity(StrategyTest):
    player = VerifiedReciprocity
    name = "VerifiedReciprocity"
    expected_classifier: ClassVar[dict[str, Any]] = {**MEMORYLESS, "memory_depth": 1}

    def test_strategy(self) -> None:
        # Answers the partner's escalation beyond its own: against a constant escalator
        # its answer balances the next round, so it answers every other round.
        self.versus_test("E", "HEHEHEHE/EEEEEEEE")
        # A concession is answered with a concession; holding with holding.
        self.versus_test("C", "HCCCC/CCCCC")
        # Answers each escalation once and holds: its own answer is no fall of the
        # partner's measures, so it does not then concede (it did, before 2026-12-02).
        self.versus_test("HHE", "HHHEHHEH/HHEHHEHH")

    def test_forgives_a_misread_move_its_measures_do_not_confirm(self) -> None:
        seen_escalation = crisis_view(partner_moves=(Move(E),), partner_shifts=(0.0,))
        assert VerifiedReciprocity().decide(seen_escalation).action is H
        real = crisis_view(partner_moves=(Move(H),), partner_shifts=(0.2,))  # the calendar
        assert VerifiedReciprocity().decide(real).action is E


class TestCostTolerance(StrategyTest):
    player = CostTolerance
    name = "CostTolerance"
    expected_classifier = CRISIS
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"outlook_rounds": -1}, r"CostTolerance.outlook_rounds = -1 is out of range"),
    ]

    def test_strategy(self) -> None:
        # Against an escalator, holding costs 25 a round (the default game), more than
        # the tolerance of 10: it concedes from round 2 on.
        self.versus_test("E", "HCCCC/EEEEE")
        # Against a holder nothing hurts: it holds; a conceder costs it nothing either.
        self.versus_test("H", "HHHHH/HHHHH")
        self.versus_test("C", "HHHHH/CCCCC")

    def test_concedes_only_beyond_tolerance_plus_audience_cost(self) -> None:
        view = crisis_view(pain=(4.0, 4.0), outlook_pain=(0.0, 0.0), partner_shifts=(0.0,))
        assert CostTolerance().decide(view).action is H  # 8 < 10
        assert CostTolerance().decide(dataclasses.replace(view, pain=(6.0, 4.0))).action is C
        costly = dataclasses.replace(view, pain=(6.0, 4.0), audience_cost=5.0)
        assert CostTolerance().decide(costly).action is H  # 10 < 10 + 5
        ahead = dataclasses.replace(view, outlook_pain=(1.0, 0.0))  # 8 + 4 x 1 >= 10
        assert CostTolerance().decide(ahead).action is C


class TestCrisisBargainer(StrategyTest):
    player = CrisisBargainer
    name = "CrisisBargainer"
    expected_classifier = CRISIS
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"ripeness": 2}, r"CrisisBargainer.ripeness = 2 is out of range"),
    ]

    def test_strategy(self) -> None:
        # No grievance: it never escalates first; it answers an escalator by seeking a
        # settlement once holding out costs more than its tolerance (round 2), and
        # concedes again only ``patience`` (4) rounds after a concession no deal answered.
        self.versus_test("E", "HCHHHCHHHC/EEEEEEEEEE")
        self.versus_test("H", "HHHHH/HHHHH")
        self.versus_test("HHE", "HHHCHHHCHH/HHEHHEHHEH")

    def test_seeks_a_settlement_again_only_after_patience_rounds(self) -> None:
        hurting = crisis_view(pain=(6.0, 6.0), partner_pain=(1.0, 1.0))
        assert CrisisBargainer().decide(hurting).action is C
        conceded = dataclasses.replace(hurting, my_moves=(Move(C), Move(H)))
        assert CrisisBargainer().decide(conceded).action is H  # 2 rounds < 4: it waits
        assert CrisisBargainer(patience=2).decide(conceded).action is C

    def test_renegotiates_a_truce_as_its_expiry_nears(self) -> None:
        truce = crisis_view(pain=(6.0, 6.0), partner_pain=(1.0, 1.0), deal_in_force="truce")
        early = dataclasses.replace(truce, deal_expires_in=9)
        assert CrisisBargainer().decide(early).action is H  # the truce still has time
        near = dataclasses.replace(truce, deal_expires_in=3)
        assert CrisisBargainer().decide(near).action is C  # within patience of expiry

    def test_presses_a_grievance_only_while_pressing_pays(self) -> None:
        quiet = crisis_view(stage_payoffs=lambda: DEFAULT_PAYOFFS)
        assert CrisisBargainer().decide(quiet).action is H  # free trade, no grievance
        # Mutual escalation costs 20 a round against holding in the default game.
        small = dataclasses.replace(quiet, resolve=Resolve(10.0, 1.0, 5.0))
        assert CrisisBargainer().decide(small).action is H
        large = dataclasses.replace(quiet, resolve=Resolve(10.0, 1.0, 25.0))
        assert CrisisBargainer().decide(large).action is E
        hurting = dataclasses.replace(large, pain=(6.0, 6.0), partner_pain=(1.0, 1.0))
        assert CrisisBargainer().decide(hurting).action is C

    def test_keeps_a_deal_unless_the_partner_defects(self) -> None:
        deal = crisis_view(deal_in_force="partial", partner_moves=(Move(E),))
        assert CrisisBargainer().decide(deal).action is H  # a misread move: forgiven
        defected = dataclasses.replace(deal, partner_lead=1.0)  # its measures show it
        assert CrisisBargainer().decide(defected).action is E
        small = dataclasses.replace(deal, partner_lead=0.4)  # less than half my step
        assert CrisisBargainer().decide(small).action is H

    def test_answers_a_lead_in_kind_but_not_the_answer_to_its_own_escalation(self) -> None:
        led = crisis_view(partner_moves=(Move(H),), partner_lead=2.0)
        assert CrisisBargainer().decide(led).action is E  # by the calendar or a move
        # I escalated last round and the partner answered now: no lead, no echo.
        answered = crisis_view(
            my_moves=(Move(E), Move(H)), partner_moves=(Move(H), Move(E)), partner_lead=0.0
        )
        assert CrisisBargainer().decide(answered).action is H
        versus = play_match(CrisisBargainer(), TitForTat(), 6)
        assert [m.action for m, _ in versus] == [H] * 6  # never escalates first

    def test_lets_its_declared_threats_press_and_answer_for_it(self) -> None:
        pressing = crisis_view(
            stage_payoffs=lambda: DEFAULT_PAYOFFS, resolve=Resolve(10.0, 1.0, 25.0)
        )
        assert CrisisBargainer().decide(pressing).action is E
        declared = dataclasses.replace(pressing, threats_ahead=1, partner_lead=2.0)
        assert CrisisBargainer().decide(declared).action is H
        hurting = dataclasses.replace(declared, pain=(6.0, 6.0), partner_pain=(1.0, 1.0))
        assert CrisisBargainer().decide(hurting).action is C  # pain still brings talks

    def test_presses_at_most_once_every_patience_rounds(self) -> None:
        pressing = crisis_view(
            stage_payoffs=lambda: DEFAULT_PAYOFFS,
            resolve=Resolve(10.0, 1.0, 25.0),
            my_moves=(Move(E), Move(H)),
            partner_moves=(Move(H), Move(H)),
        )
        assert CrisisBargainer().decide(pressing).action is H  # 2 rounds < 4
        assert CrisisBargainer(patience=2).decide(pressing).action is E

    def test_a_mutually_hurting_stalemate_brings_talks_sooner(self) -> None:
        one_sided = crisis_view(pain=(3.0, 3.0), partner_pain=(0.0, -1.0))
        assert CrisisBargainer().decide(one_sided).action is H  # 6 < 10
        mutual = dataclasses.replace(one_sided, partner_pain=(1.0, 1.0))
        assert CrisisBargainer().decide(mutual).action is C  # 6 >= 0.5 x 10


# ------------------------------------------------------------------------------ Human


def view_for(round_: int = 3, me: str = "US") -> GameView:
    return GameView(round=round_, horizon=10, me=me, partner="China", levels={"tariff": 0.5})


class TestHuman(StrategyTest):
    player = Human
    name = "Human"
    expected_classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": float("inf"),
        "uses_payoffs": False,
        "human": True,
    }
    #: The generic checks play a Human seat that nobody fills: it follows Tit for Tat.
    init_kwargs: ClassVar[dict[str, Any]] = {"fallback": "TitForTat"}
    bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"fallback": "Nope"}, r"unknown strategy 'Nope'"),
        ({"fallback": "Human"}, r"fallback must be a computer strategy"),
        ({"generosity": 0.5}, r"given without a fallback strategy"),
        ({"fallback": "Random", "q": 0.5}, r"Random: unknown parameter\(s\) q"),
    ]

    def test_strategy(self) -> None:
        self.versus_test("EHCE", "HEHCEEHC/EHCEEHCE", attrs={"pending": None})
        # With a learning fallback it plays, and learns, exactly as the learner alone.
        self.versus_test(
            "EHC",
            "HEEEHCHCHCCE/EHCEHCEHCEHC",
            init_kwargs={"fallback": "RothErev"},
            attrs={
                "fallback_strategy.propensities": ROTH_EREV_SEED0_PROPENSITIES,
                "fallback_strategy._learned": 11,
            },
        )

    def test_plays_the_submitted_move(self) -> None:
        human = Human()
        assert human.pending is None
        chosen = Move(E, "tariff")
        human.submit(chosen)
        assert human.pending == chosen
        assert human.decide(view_for()) == chosen
        assert human.pending is None
        human.submit(Move(C))  # no instrument: the default one is filled in
        assert human.decide(view_for()) == Move(C, "tariff")

    def test_double_submit_raises(self) -> None:
        human = Human()
        human.submit(Move(H))
        with pytest.raises(ValueError, match="a move for this round was already submitted"):
            human.submit(Move(E))
        assert human.pending == Move(H)
        with pytest.raises(TypeError):
            human.submit(E)  # type: ignore[arg-type]

    def test_without_move_or_fallback_raises(self) -> None:
        human = Human()
        with pytest.raises(MoveRequired, match=r"US must submit a move for round 7"):
            human.decide(view_for(7, "US"))
        assert issubclass(MoveRequired, RuntimeError)
        with pytest.raises(MoveRequired, match="A must submit a move for round 1"):
            play_match(Human(), AlwaysHold(), 3)

    def test_fallback(self) -> None:
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


# ------------------------------------------------------------------------ the registry


def test_every_registered_strategy_has_a_test_class() -> None:
    classes = [c for c in strategy_test_classes() if "<locals>" not in c.__qualname__]
    tested = [c.player.name for c in classes]
    assert sorted(tested) == sorted(STRATEGIES), "one StrategyTest subclass per strategy"
    for cls in classes:
        assert cls.__name__.startswith("Test"), f"pytest does not collect {cls.__name__}"
        assert cls.test_strategy is not StrategyTest.test_strategy, (
            f"{cls.__name__} pins no behaviour: override test_strategy with versus_test cases"
        )


def test_registry_lists_the_strategies() -> None:
    assert len(STRATEGIES) >= 13 and "Human" in STRATEGIES
    assert strategy_names() == list(STRATEGIES)
    assert strategy_names()[:3] == ["AlwaysEscalate", "AlwaysHold", "AlwaysConcede"]
    for key, cls in STRATEGIES.items():
        assert key == cls.name == cls.__name__
        assert issubclass(cls, Strategy)


def test_get_strategy() -> None:
    assert isinstance(get_strategy("TitForTat"), TitForTat)
    assert isinstance(get_strategy("titfortat"), TitForTat)
    assert get_strategy("GenerousTitForTat", generosity=0.5).generosity == 0.5
    assert get_strategy("Human", fallback="AlwaysHold").fallback == "AlwaysHold"
    with pytest.raises(ValueError, match="unknown strategy 'Nope'; allowed: AlwaysEscalate") as err:
        get_strategy("Nope")
    assert all(name in str(err.value) for name in STRATEGIES)


# ------------------------------------------------------------------ the match harness


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


# ----------------------------------------------------------- the strategy test harness


def test_versus_test_takes_pairs_or_strings() -> None:
    history = versus_test(TitForTat(), "EH", [(H, E), (E, H), (H, E)])
    assert [(a.action, b.action) for a, b in history] == [(H, E), (E, H), (H, E)]
    assert versus_test(TitForTat(), "EH", "HEH/EHE") == history
    assert versus_test(TitForTat(), "EH", [("H", "E"), ("escalate", "hold")]) == history[:2]
    assert versus_test(TitForTat(), "EH", "/") == []
    assert parse_expected("HE / HH") == [(H, H), (E, H)]
    assert both_actions(TitForTat(), "EH", 3) == "HEH/EHE"
    assert letters([E, H, C]) == "EHC"


def test_versus_test_fails_on_either_side() -> None:
    with pytest.raises(AssertionError, match=r"round 2: expected HH, got EH"):
        versus_test(TitForTat(), "EH", "HH/EH")
    # the opponent's side is asserted too
    with pytest.raises(AssertionError, match=r"round 1: expected HH, got HE") as err:
        versus_test(TitForTat(), "EH", "HE/HH")
    assert "expected HE/HH" in str(err.value) and "actual   HE/EH" in str(err.value)
    with pytest.raises(AssertionError, match=r"seed 3"):
        versus_test(Random(), "E", "EEEEEEEE/EEEEEEEE", seed=3)


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ("HEH/EH", r"the player has 3 actions, the opponent 2"),
        ("HEH", r"write 'PLAYER/OPPONENT'"),
        ("H/E/H", r"write 'PLAYER/OPPONENT'"),
        ("HX/EH", r"unknown action 'X'"),
        ([(H,)], r"round 1: need a pair of actions"),
        ([(H, E), "HE"], r"round 2: need a pair of actions"),
        ([(H, 1)], r"expected an Action or a letter E/H/C, got 1"),
    ],
)
def test_versus_test_rejects_malformed_expectations(expected: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        versus_test(TitForTat(), "EH", expected)


def test_versus_test_checks_the_state_kept() -> None:
    versus_test(RothErev(), "EHC", "HEE/EHC", attrs={"_learned": 2})
    with pytest.raises(AssertionError, match=r"_learned: expected 3, got 2"):
        versus_test(RothErev(), "EHC", "HEE/EHC", attrs={"_learned": 3})
    with pytest.raises(AssertionError, match=r"propensities: expected \[1.0, 1.0, 1.0\]"):
        versus_test(RothErev(), "EHC", "HEE/EHC", attrs={"propensities": [1.0, 1.0, 1.0]})
    with pytest.raises(AttributeError):
        versus_test(TitForTat(), "EHC", "HE/EH", attrs={"nosuch": 1})


def test_cycler_needs_a_pattern() -> None:
    with pytest.raises(ValueError, match="non-empty pattern"):
        Cycler("")
    assert repr(Cycler("EHC")) == "Cycler('EHC')"


class Sneaky(Strategy):
    """Classed deterministic, memoryless and payoff-blind, but escalates after a draw
    below one half, or when its last payoff was positive, or every other round it was
    asked: a strategy every inherited check should catch (Axelrod, 1984)."""

    name = "Sneaky"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": False,
        "memory_depth": 0,
        "uses_payoffs": False,
        "human": False,
    }

    def __init__(self, cheat: str) -> None:
        self.cheat = cheat
        self.asked = 0
        super().__init__()

    def reset(self) -> None:
        if self.cheat != "reset":
            self.asked = 0

    def decide(self, view: GameView) -> Move:
        self.asked += 1
        if self.cheat == "rng" and view.rng.random() < 0.5:
            return move(E, view)
        if self.cheat == "payoffs" and view.my_payoffs and view.my_payoffs[-1] > 0:
            return move(E, view)
        if self.cheat == "memory" and view.partner_moves and view.partner_moves[0].action is E:
            return move(E, view)
        if self.cheat == "reset" and self.asked % 2:
            return move(E, view)
        if self.cheat == "pickle":
            self.hook = lambda: None  # an unpicklable attribute
        return move(H, view)


@pytest.mark.parametrize(
    ("cheat", "check"),
    [
        ("rng", "test_play_varies_with_the_seed_only_if_stochastic"),
        ("rng", "test_classifier_is_honest"),
        ("payoffs", "test_uses_payoffs_only_if_classified"),
        ("payoffs", "test_classifier_is_honest"),
        ("memory", "test_memory_depth_is_honest"),
        ("reset", "test_reset_plays_like_a_new_instance"),
        ("pickle", "test_pickled_mid_match_continues_identically"),
    ],
)
def test_inherited_checks_catch_a_dishonest_strategy(cheat: str, check: str) -> None:
    class CheckSneaky(StrategyTest):
        player = Sneaky
        name = "Sneaky"
        expected_classifier = Sneaky.classifier
        init_kwargs: ClassVar[dict[str, Any]] = {"cheat": cheat}

    # (pickling a lambda raises PicklingError or AttributeError, by Python version)
    with pytest.raises((AssertionError, pickle.PicklingError, AttributeError)):
        getattr(CheckSneaky(), check)()
    CheckSneaky.init_kwargs = {"cheat": "none"}
    getattr(CheckSneaky(), check)()  # the honest variant passes the same check

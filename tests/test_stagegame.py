"""The stage game's equilibria against nashpy and against textbook games."""

import warnings

import nashpy
import numpy as np
import pytest

from negotiation_sim.game.solver import describe, equilibria, pure_equilibria


def as_set(eqs):
    return {(tuple(np.round(p, 6) + 0.0), tuple(np.round(q, 6) + 0.0)) for p, q in eqs}


def test_prisoners_dilemma_has_one_pure_equilibrium():
    a = np.array([[1.0, 5.0], [0.0, 3.0]])  # row 0 = defect
    assert pure_equilibria(a, a.T) == [(0, 0)]
    assert as_set(equilibria(a, a.T)) == {((1.0, 0.0), (1.0, 0.0))}


def test_matching_pennies_mixes_half_half():
    a = np.array([[1.0, -1.0], [-1.0, 1.0]])
    [(p, q)] = equilibria(a, -a)
    assert p == pytest.approx([0.5, 0.5]) and q == pytest.approx([0.5, 0.5])


def test_rock_paper_scissors_uses_the_full_support():
    a = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    [(p, q)] = equilibria(a, -a)
    assert p == pytest.approx([1 / 3] * 3) and q == pytest.approx([1 / 3] * 3)


@pytest.mark.parametrize("seed", range(25))
def test_agrees_with_nashpy_on_random_3x3_games(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # vertex enumeration finds every equilibrium of a non-degenerate game (random
        # normal payoffs are non-degenerate with probability 1)
        expected = as_set(nashpy.Game(a, b).vertex_enumeration())
    assert as_set(equilibria(a, b)) == expected


def test_describe_labels_moves():
    a = np.array([[1.0, 5.0, 6.0], [0.0, 3.0, 4.0], [-1.0, 2.0, 3.0]])
    pure, mixed = describe(a, a.T)
    assert pure == "E/E" and mixed == ""
    # matching pennies on E/H; C is strictly dominated for both players
    a = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [-5.0, -5.0, -5.0]])
    b = np.array([[-1.0, 1.0, -5.0], [1.0, -1.0, -5.0], [0.0, 0.0, -5.0]])
    pure, mixed = describe(a, b)
    assert pure == "" and "E0.50 H0.50 C0.00" in mixed

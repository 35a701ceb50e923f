"""Nash equilibria of the one-round stage game (pure and mixed), by support enumeration
(Nisan et al. 2007, ch. 3).

Written here rather than taken from nashpy because the game is solved every round:
pure equilibria are checked directly and 2x2 supports in closed form, so a 3x3 game
takes a few hundred microseconds where nashpy's support enumeration takes several
milliseconds; the tests check it against nashpy's vertex enumeration.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

LABELS = "EHC"  # escalate, hold, concede, in Action order


def _indifference(m: np.ndarray, rows: tuple[int, ...], cols: tuple[int, ...]):
    """Mix over ``cols`` making every row in ``rows`` of ``m`` equally good, or None."""
    s = len(rows)
    if s == 1:
        return np.array([1.0])
    if s == 2:  # closed form: q1 (m[r1,c1] - m[r1,c2]) + m[r1,c2] = same for r2
        (r1, r2), (c1, c2) = rows, cols
        denom = (m[r1, c1] - m[r1, c2]) - (m[r2, c1] - m[r2, c2])
        if abs(denom) < 1e-12:
            return None
        q1 = (m[r2, c2] - m[r1, c2]) / denom
        return np.array([q1, 1.0 - q1])
    system = np.zeros((s + 1, s + 1))
    system[:s, :s] = m[np.ix_(rows, cols)]
    system[:s, s] = -1.0
    system[s, :s] = 1.0
    rhs = np.zeros(s + 1)
    rhs[s] = 1.0
    try:
        sol = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        return None
    return sol[:s]


def equilibria(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> list[tuple[np.ndarray, ...]]:
    """All Nash equilibria (p, q) found by support enumeration with equal-size supports.

    ``a`` holds the row player's payoffs, ``b`` the column player's. Returns mixed
    strategies as probability vectors; pure equilibria appear as unit vectors. In
    degenerate games (ties), equilibria with supports of unequal size may be missed, but
    every pure equilibrium is always found.
    """
    n, k = a.shape
    found: list[tuple[np.ndarray, np.ndarray]] = [
        (np.eye(n)[i], np.eye(k)[j]) for i, j in pure_equilibria(a, b, tol)
    ]
    bt = b.T
    for size in range(2, min(n, k) + 1):
        for rows in combinations(range(n), size):
            for cols in combinations(range(k), size):
                q_s = _indifference(a, rows, cols)
                if q_s is None or (q_s < -tol).any():
                    continue
                p_s = _indifference(bt, cols, rows)
                if p_s is None or (p_s < -tol).any():
                    continue
                p = np.zeros(n)
                q = np.zeros(k)
                p[list(rows)] = np.clip(p_s, 0, None)
                q[list(cols)] = np.clip(q_s, 0, None)
                row_values = a @ q
                col_values = p @ b
                if row_values.max() > row_values[list(rows)].min() + tol:
                    continue
                if col_values.max() > col_values[list(cols)].min() + tol:
                    continue
                if not any(np.allclose(p, x) and np.allclose(q, y) for x, y in found):
                    found.append((p, q))
    return found


def pure_equilibria(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> list[tuple[int, int]]:
    """Cells (i, j) where each move is a best response to the other."""
    return [
        (i, j)
        for i in range(a.shape[0])
        for j in range(a.shape[1])
        if a[i, j] >= a[:, j].max() - tol and b[i, j] >= b[i, :].max() - tol
    ]


def describe(a: np.ndarray, b: np.ndarray) -> tuple[str, str]:
    """Short text forms: pure equilibria as ``"E/E;H/C"`` and mixed ones as
    ``"E0.50 H0.50 C0.00 / E0.20 H0.80 C0.00"`` (first player / second player)."""
    pure = ";".join(f"{LABELS[i]}/{LABELS[j]}" for i, j in pure_equilibria(a, b))
    mixed = []
    for p, q in equilibria(a, b):
        if (p > 1e-9).sum() > 1 or (q > 1e-9).sum() > 1:
            left = " ".join(f"{LABELS[i]}{p[i]:.2f}" for i in range(len(p)))
            right = " ".join(f"{LABELS[j]}{q[j]:.2f}" for j in range(len(q)))
            mixed.append(f"{left} / {right}")
    return pure, ";".join(mixed)

"""Exact rounding of numeric data: rationals near floats, and the least-norm exact correction onto an
affine set (used to turn a numeric realisation into an exact one, physics.md §8)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg


def rational(z: complex, denominator: int) -> Cyclo:
    """The nearest ``p + q i`` with rationals p, q of denominators at most ``denominator``."""
    re = Fraction(z.real).limit_denominator(denominator)
    im = Fraction(z.imag).limit_denominator(denominator)
    return Cyclo(re) + Cyclo(im) * Cyclo.I


def least_norm_correction(A: np.ndarray, b: np.ndarray, j: np.ndarray) -> np.ndarray | None:
    """``j + A_I†(A_I A_I†)⁻¹(b_I − A_I j)`` over a maximal independent set I of A's rows; None when the
    system is inconsistent (checked on every row)."""
    pivots = linalg._rref([list(r) for r in alg.dagger(A)], A.shape[0])  # pivot columns of A† = rows of A
    Ai, bi = A[pivots], b[pivots]
    Ai_dag = alg.dagger(Ai)
    z = linalg.solve(linalg.matmul(Ai, Ai_dag), bi - linalg.matmul(Ai, j))
    out = j + linalg.matmul(Ai_dag, z)
    return out if alg.equal(linalg.matmul(A, out), b) else None


def hermitian_correction(A: np.ndarray, b: np.ndarray, start: np.ndarray, n: int) -> tuple[np.ndarray | None, str]:
    """The n×n Hermitian ``X = (Y + Y†)/2`` of the least-norm exact correction ``Y`` of ``start`` with
    ``A vec Y = b`` (:func:`least_norm_correction`), checked to satisfy ``A vec X = b`` exactly; ``(None,
    reason)`` when the equations have no exact solution or the Hermitian part leaves them."""
    y = least_norm_correction(A, b, start)
    if y is None:
        return None, "the equations have no exact solution"
    x = y.reshape(n, n)
    x = (x + alg.dagger(x)) * Cyclo(Fraction(1, 2))
    if not alg.equal(linalg.matmul(A, x.reshape(-1, 1)), b):
        return None, "the Hermitian part does not satisfy the equations exactly"
    return x, ""


def exact_psd_blocks(A: np.ndarray, b: np.ndarray, numeric: list[np.ndarray], denominator: int
                     ) -> tuple[list[np.ndarray] | None, str]:
    """Exact Hermitian PSD blocks ``X_i`` (stacked row-major into one vector ``t``) with ``A t = b``,
    rounded from numeric blocks near that set: rationals of denominator at most ``denominator``, then the
    least-norm correction (:func:`least_norm_correction`) with face reduction — row and column j of a block
    are set to zero wherever its diagonal entry is (numerically below 1e-9, or exactly after a correction),
    as PSD requires — then ``(X + X†)/2`` and an exact PSD test of each block.  ``(blocks, "")``, or
    ``(None, reason)``."""
    sizes = [m.shape[0] for m in numeric]
    offsets = np.cumsum([0] + [n * n for n in sizes])
    start = np.array([rational(v, denominator) for m in numeric for v in np.asarray(m).ravel()],
                     dtype=object).reshape(-1, 1)
    zero = _zero_positions([np.asarray(m).diagonal().real < 1e-9 for m in numeric], sizes, offsets)
    for _ in range(sum(sizes) + 1):  # each pass zeroes at least one more diagonal entry or stops
        t = least_norm_correction(*_with_zeros(A, b, zero), start)
        if t is None:
            return None, "the equations have no exact solution"
        more = _zero_positions([[t[o + i * n + i, 0].is_zero for i in range(n)] for n, o in zip(sizes, offsets)],
                               sizes, offsets)
        if more <= zero:
            break
        zero |= more
    half = Cyclo(Fraction(1, 2))
    blocks = []
    for i, (n, o) in enumerate(zip(sizes, offsets)):
        m = t[o:o + n * n].reshape(n, n)
        m = (m + alg.dagger(m)) * half
        if linalg.psd(m).decided is not True:
            return None, f"rounded block {i} is not PSD exactly"
        blocks.append(m)
    hermitised = np.concatenate([m.reshape(-1, 1) for m in blocks])
    if not alg.equal(linalg.matmul(A, hermitised), b):
        return None, "the Hermitian part does not satisfy the equations exactly"
    return blocks, ""


def _zero_positions(flags: list, sizes: list[int], offsets) -> set[int]:
    """The positions of row j and column j of block i wherever ``flags[i][j]`` (its diagonal entry j is 0)."""
    out = set()
    for flag, n, o in zip(flags, sizes, offsets):
        for i, zero in enumerate(flag):
            if zero:
                out |= {int(o) + i * n + j for j in range(n)} | {int(o) + j * n + i for j in range(n)}
    return out


def _with_zeros(A: np.ndarray, b: np.ndarray, zero: set[int]) -> tuple[np.ndarray, np.ndarray]:
    """``A t = b`` plus ``t_p = 0`` for every position p in ``zero``."""
    if not zero:
        return A, b
    rows = np.array([[Cyclo(int(c == p)) for c in range(A.shape[1])] for p in sorted(zero)], dtype=object)
    return np.vstack([A, rows]), np.vstack([b, np.array([[Cyclo(0)]] * len(zero), dtype=object)])

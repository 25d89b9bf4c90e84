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

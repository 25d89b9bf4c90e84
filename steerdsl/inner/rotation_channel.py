"""Exact qubit unitary channels from rational rotations (instrumental certificates with a unitary channel).

A qubit unitary channel acts on Bloch vectors by a rotation ``R ∈ SO(3)``; its Choi matrix
``J = (id ⊗ E)(Φ) = ½ Σ_{μν} R̃_{νμ} σ_μᵀ ⊗ σ_ν`` (``R̃ = 1 ⊕ R``, ``σ_0 = I``, ``Φ = ½ Σ_μ σ_μᵀ ⊗ σ_μ``) is
linear in R, so a rational R gives an exact rank-1 Choi matrix even where the unitary itself needs a square
root.  A rational rotation with ``Rδ = δ'`` for rational vectors of equal length is the product of two
Householder reflections ``H_w H_v``: ``v = δ − δ'`` (``H_v δ = δ'``) and ``w ⊥ δ'`` (``H_w δ' = δ'``), so
``det = +1`` (Householder, J. ACM 5, 339 (1958); the Cartan–Dieudonné construction).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.builtins import CONSTANTS

Vector = tuple[Cyclo, Cyclo, Cyclo]


def bloch(m: np.ndarray) -> Vector:
    """``(tr Xm, tr Ym, tr Zm)`` of an exact qubit operator."""
    return (m[0, 1] + m[1, 0], Cyclo.I * (m[0, 1] - m[1, 0]), m[0, 0] - m[1, 1])


def _dot(u: Vector, v: Vector) -> Cyclo:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def _cross(u: Vector, v: Vector) -> Vector:
    return (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])


def _householder(v: Vector) -> np.ndarray:
    """``I − 2vvᵀ/(v·v)`` (the identity for v = 0)."""
    H = alg.identity(3)
    norm = _dot(v, v)
    if norm.is_zero:
        return H
    for i in range(3):
        for j in range(3):
            H[i, j] = H[i, j] - Cyclo(2) * v[i] * v[j] / norm
    return H


def rational_rotation(pairs: list[tuple[Vector, Vector]]) -> np.ndarray | None:
    """A rational ``R ∈ SO(3)`` with ``Rδ = δ'`` for every pair (module docstring: built from the first pair
    with δ ≠ 0, then every pair checked exactly), or None (no pair fixes one, lengths differ, or another pair
    is not mapped)."""
    first = next(((d, e) for d, e in pairs if not _dot(d, d).is_zero), None)
    if first is None:
        return alg.identity(3) if all(_dot(e, e).is_zero for _, e in pairs) else None
    d, e = first
    if not alg.equal(_dot(d, d), _dot(e, e)):
        return None
    axis = next(c for c in (_cross(e, b) for b in ((Cyclo(1), Cyclo(0), Cyclo(0)), (Cyclo(0), Cyclo(1), Cyclo(0)),
                                                   (Cyclo(0), Cyclo(0), Cyclo(1)))) if not _dot(c, c).is_zero)
    R = linalg.matmul(_householder(axis), _householder(tuple(a - b for a, b in zip(d, e))))
    for d, e in pairs:
        image = linalg.matmul(R, np.array([[c] for c in d], dtype=object))
        if not all(alg.equal(image[i, 0], e[i]) for i in range(3)):
            return None
    return R


def rotation_choi(R: np.ndarray) -> np.ndarray | None:
    """The Choi matrix ``½ Σ_{μν} R̃_{νμ} σ_μᵀ ⊗ σ_ν`` of the qubit channel rotating Bloch vectors by R, when
    it is checked exactly PSD and trace preserving (R a rotation); else None."""
    full = alg.zeros(4, 4)
    full[0, 0] = Cyclo(1)
    full[1:, 1:] = R
    s = [alg.identity(2)] + [CONSTANTS[name] for name in "XYZ"]  # the language's exact Paulis
    J = alg.zeros(4, 4)
    for mu in range(4):
        for nu in range(4):
            if not full[nu, mu].is_zero:
                J = J + linalg.kron(s[mu].T, s[nu]) * (full[nu, mu] * Cyclo(Fraction(1, 2)))
    if linalg.psd(J).decided is not True or not alg.equal(linalg.partial_trace(J, (2, 2), [1]), alg.identity(2)):
        return None
    return J

"""Exact linear algebra over cyclotomic numbers (numpy object arrays of :class:`Cyclo`).

- Positive semidefiniteness by an exact LDL† with diagonal pivoting; a failure
  comes with an exact vector ``v`` and the exact value ``v†Av < 0``.  Signs
  are decided rigorously (:meth:`Cyclo.sign`), never rounded.
- Characteristic polynomials of matrices whose entries have rational real
  and imaginary parts go through python-flint's ``fmpq_mat.charpoly`` on the
  real form ``[[B, −C], [C, B]]`` of ``A = B + iC`` (its characteristic
  polynomial is ``p_A(t)²``); eigenvalues are then exact roots.
- Partial traces and transposes work on exact and numeric arrays alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import fmpq, fmpq_mat, fmpq_poly

from steerdsl.exact.cyclotomic import Cyclo, NotExact


@dataclass
class PsdResult:
    """Outcome of a positivity test: ``decided`` is True (PSD), False (not PSD) or None
    (undecided, numeric only); ``witness`` is a vector with ``v†Av = value < 0``."""

    decided: bool | None
    witness: np.ndarray | None = None
    value: object = None
    exact: bool = True


def _zeros(n: int, m: int) -> np.ndarray:
    out = np.empty((n, m), dtype=object)
    out.fill(Cyclo(0))
    return out


def _eye(n: int) -> np.ndarray:
    out = _zeros(n, n)
    for i in range(n):
        out[i, i] = Cyclo(1)
    return out


def _dagger(a: np.ndarray) -> np.ndarray:
    out = np.empty((a.shape[1], a.shape[0]), dtype=object)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[j, i] = a[i, j].conjugate()
    return out


def first_nonzero(m: np.ndarray) -> tuple[tuple[int, int], Cyclo] | None:
    """The first nonzero entry ``((i, j), value)`` of an exact matrix, or None."""
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if not m[i, j].is_zero:
                return (i, j), m[i, j]
    return None


def hermitian_violation(m: np.ndarray) -> tuple[int, int] | None:
    """The first ``(i, j)`` with ``A[i, j] ≠ conj(A[j, i])``, or None if Hermitian."""
    for i in range(m.shape[0]):
        for j in range(i, m.shape[1]):
            if m[i, j] != m[j, i].conjugate():
                return (i, j)
    return None


def psd(a: np.ndarray, atol: float = 1e-9, rtol: float = 1e-9) -> PsdResult:
    """Is the Hermitian matrix ``A ⪰ 0``?

    Exact: symmetric elimination ``T A T† = D`` pivoting on nonzero diagonal
    entries.  A negative pivot ``d_p`` gives ``v = T†e_p`` with ``v†Av = d_p``;
    a zero diagonal with a nonzero ``c = M_ij`` gives ``w = −c e_i + e_j`` with
    ``w†Mw = −2|c|²``.  Numeric: the smallest eigenvalue against
    ``atol + rtol·‖A‖``."""
    if a.dtype != object:
        herm = (a + a.conj().T) / 2
        w, v = np.linalg.eigh(herm)
        tol = atol + rtol * float(np.max(np.abs(w))) if len(w) else atol
        if w[0] < -tol:
            return PsdResult(False, v[:, 0], float(w[0]), False)
        return PsdResult(True, None, float(w[0]), False)
    n = a.shape[0]
    m = a.copy()
    t = _eye(n)
    active = list(range(n))
    while active:
        pivot = next((i for i in active if not m[i, i].is_zero), None)
        if pivot is None:
            for i in active:
                for j in active:
                    if i != j and not m[i, j].is_zero:
                        w = _zeros(n, 1)
                        w[i, 0] = -m[i, j]
                        w[j, 0] = Cyclo(1)
                        return _witness(a, t, w)
            return PsdResult(True)
        d = m[pivot, pivot]
        if d.sign() < 0:
            w = _zeros(n, 1)
            w[pivot, 0] = Cyclo(1)
            return _witness(a, t, w)
        inv_d = d.inverse()
        for i in active:
            if i == pivot or m[i, pivot].is_zero:
                continue
            f = m[i, pivot] * inv_d
            fc = f.conjugate()
            m[i, :] = m[i, :] - m[pivot, :] * f
            m[:, i] = m[:, i] - m[:, pivot] * fc
            t[i, :] = t[i, :] - t[pivot, :] * f
        active.remove(pivot)
    return PsdResult(True)


def _witness(a: np.ndarray, t: np.ndarray, w: np.ndarray) -> PsdResult:
    """Map a witness ``w`` of ``M = T A T†`` back: ``v = T†w``, ``v†Av = w†Mw``."""
    v = _dagger(t) @ w
    value = (_dagger(v) @ a @ v)[0, 0]
    return PsdResult(False, v[:, 0], value, True)


# ---------------------------------------------------------------- Gaussian elimination
def _rref(a: np.ndarray) -> tuple[np.ndarray, list[int]]:
    m = a.copy()
    rows, cols = m.shape
    pivots: list[int] = []
    r = 0
    for c in range(cols):
        p = next((i for i in range(r, rows) if not m[i, c].is_zero), None)
        if p is None:
            continue
        m[[r, p]] = m[[p, r]]
        m[r, :] = m[r, :] * m[r, c].inverse()
        for i in range(rows):
            if i != r and not m[i, c].is_zero:
                m[i, :] = m[i, :] - m[r, :] * m[i, c]
        pivots.append(c)
        r += 1
        if r == rows:
            break
    return m, pivots


def rank(a: np.ndarray) -> int:
    """Rank by exact row reduction."""
    return len(_rref(a)[1])


def inverse(a: np.ndarray) -> np.ndarray:
    """``A⁻¹`` by Gauss–Jordan elimination; ``ValueError`` if singular."""
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError("only square matrices have inverses")
    reduced, pivots = _rref(np.hstack([a, _eye(n)]))
    if pivots[:n] != list(range(n)):
        raise ValueError("the matrix is singular")
    return reduced[:, n:].copy()


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X`` with ``A X = B`` for invertible ``A``."""
    return inverse(a) @ b


def nullspace(a: np.ndarray) -> list[np.ndarray]:
    """A basis of ``{v : A v = 0}`` (column vectors)."""
    reduced, pivots = _rref(a)
    n = a.shape[1]
    basis = []
    for free in (c for c in range(n) if c not in pivots):
        v = _zeros(n, 1)
        v[free, 0] = Cyclo(1)
        for row, pc in enumerate(pivots):
            v[pc, 0] = -reduced[row, free]
        basis.append(v)
    return basis


# ---------------------------------------------------------------- spectra
def _real_form(a: np.ndarray) -> fmpq_mat | None:
    """``[[B, −C], [C, B]]`` for ``A = B + iC`` when B, C are rational; else None."""
    n = a.shape[0]
    big = [[fmpq(0)] * (2 * n) for _ in range(2 * n)]
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            re, im = v.real, v.imag
            if not (re.is_rational and im.is_rational):
                return None
            b = fmpq(re.to_fraction().numerator, re.to_fraction().denominator)
            c = fmpq(im.to_fraction().numerator, im.to_fraction().denominator)
            big[i][j] = big[i + n][j + n] = b
            big[i][j + n] = -c
            big[i + n][j] = c
    return fmpq_mat(big)


def charpoly(a: np.ndarray) -> fmpq_poly:
    """``det(tI − A)`` for an exact Hermitian-or-not ``A`` with rational real and imaginary parts.

    Raises :class:`NotExact` when entries are irrational (use :func:`eigenvalues` then)."""
    form = _real_form(a)
    if form is None:
        raise NotExact("the characteristic polynomial is computed exactly for rational and Gaussian-rational "
                       "entries only")
    squared = form.charpoly()
    root = squared.sqrt()
    if root is None:
        raise NotExact("unexpected: the real form's characteristic polynomial is not a square")
    return root


def eigenvalues(a: np.ndarray) -> tuple[list, bool]:
    """Eigenvalues of a Hermitian matrix, ascending: exact sympy numbers when the
    characteristic polynomial is rational, floats otherwise; the flag says which."""
    import sympy

    if a.dtype == object:
        try:
            p = charpoly(a)
        except NotExact:
            p = None
        if p is not None:
            t = sympy.Symbol("t")
            coeffs = [sympy.Rational(int(c.p), int(c.q)) for c in reversed(p.coeffs())]
            roots = sympy.Poly(coeffs, t).real_roots()
            return sorted(roots, key=lambda r: float(r)), True
        a = np.array([[complex(v) for v in row] for row in a])
    return sorted(float(w) for w in np.linalg.eigvalsh((a + a.conj().T) / 2)), False


def min_eigenvalue(a: np.ndarray) -> tuple[object, bool]:
    """The smallest eigenvalue of a Hermitian matrix and whether it is exact."""
    values, exact = eigenvalues(a)
    return values[0], exact


def sqrtm(a: np.ndarray) -> np.ndarray:
    """``√A`` for Hermitian PSD ``A`` with rational eigenvalues λ:
    ``Σ_λ √λ P_λ``, ``P_λ = Π_{μ≠λ} (A − μI)/(λ − μ)`` (Sylvester)."""
    values, exact = eigenvalues(a)
    if not exact or not all(v.is_Rational for v in values):
        raise NotExact("sqrtm needs rational eigenvalues here")
    distinct = sorted({Fraction(int(v.p), int(v.q)) for v in values})
    if distinct[0] < 0:
        raise NotExact("sqrtm of a matrix with a negative eigenvalue")
    n = a.shape[0]
    out = _zeros(n, n)
    for lam in distinct:
        proj = _eye(n)
        for mu in distinct:
            if mu != lam:
                proj = proj @ ((a - _eye(n) * Cyclo(mu)) * Cyclo(1 / (lam - mu)))
        out = out + proj * Cyclo.sqrt_rational(lam)
    return out


# ---------------------------------------------------------------- tensor structure
def partial_trace(a: np.ndarray, dims: tuple[int, ...], traced: tuple[int, ...]) -> np.ndarray:
    """``tr_S A`` over the subsystems ``S = traced`` of ``A`` on ``⊗_k C^{dims[k]}``."""
    n = len(dims)
    t = a.reshape(tuple(dims) + tuple(dims))
    keep = [k for k in range(n) if k not in traced]
    for k in sorted(set(traced), reverse=True):
        half = t.ndim // 2
        t = np.trace(t, axis1=k, axis2=k + half)
    d = int(np.prod([dims[k] for k in keep])) if keep else 1
    return np.asarray(t).reshape(d, d)


def partial_transpose(a: np.ndarray, dims: tuple[int, ...], systems: tuple[int, ...]) -> np.ndarray:
    """``A^{T_S}``: transpose the subsystems ``S = systems``."""
    n = len(dims)
    t = a.reshape(tuple(dims) + tuple(dims))
    axes = list(range(2 * n))
    for k in systems:
        axes[k], axes[n + k] = axes[n + k], axes[k]
    return t.transpose(axes).reshape(a.shape).copy()

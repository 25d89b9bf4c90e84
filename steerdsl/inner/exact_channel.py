"""Exact CPTP channels through given exact input–output pairs, rounded from a numeric fit (physics.md §8).

The fit deepest inside the PSD cone (``max t`` with ``J ⪰ tI``, :func:`steerdsl.inner.channel_fit.interior_channel`),
else the nearest one, is rounded to rationals, moved exactly onto the affine set
``{J : tr_out J = I, E_J(τ) = T}`` by the least-norm correction (independent rows), made Hermitian and tested
PSD exactly; every ``E_J(τ)`` is recomputed exactly.  When the set meets the PSD cone only on its boundary
(every such J rank-deficient), rounding leaves the cone; then the fit is polished at its rank and its kernel
kept exactly (face reduction, :func:`_face_reduced`).
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.rounding import hermitian_correction, rational
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import apply_choi

DENOMINATOR = 10**6
"""Largest denominator of the rationals a numeric channel is rounded to before the exact correction."""
KERNEL_DENOMINATORS = (10**2, 10**4, 10**6)
"""Denominators tried in turn for the exact kernel of a rank-deficient channel (:func:`_face_reduced`)."""


def identity_choi(d: int) -> np.ndarray:
    """The Choi matrix ``Σ_ij |ii⟩⟨jj|`` of the identity channel on C^d, exact."""
    J = alg.zeros(d * d, d * d)
    for i in range(d):
        for j in range(d):
            J[i * d + i, j * d + j] = Cyclo(1)
    return J


def exact_channel(pairs: list[tuple[np.ndarray, np.ndarray]], din: int, dout: int,
                  candidates: list[np.ndarray] | None = None, denominators: tuple[int, ...] = (10**3, DENOMINATOR)
                  ) -> tuple[np.ndarray | None, str | None]:
    """An exact CPTP Choi matrix J with ``E_J(τ) = T`` for every exact pair ``(τ, T)`` (τ need not be a
    state: any Hermitian matrix), rounded from numeric Choi matrices: ``candidates`` when given, else the fit
    deepest in the PSD cone, then the nearest one (rationals of each of ``denominators`` in turn);
    ``(None, reason)`` when no rounding gives one."""
    from steerdsl.inner.channel_fit import fit_channel, interior_channel

    numeric_pairs = [(alg.to_numeric(t).astype(complex), alg.to_numeric(s).astype(complex)) for t, s in pairs]
    if candidates is not None:
        fits = candidates
    else:
        interior = interior_channel(numeric_pairs, din, dout)
        fits = ([interior[0]] if interior is not None else []) + [fit_channel(numeric_pairs, din, dout)]
    A, b = _channel_equations(pairs, din, dout)
    why = "no numeric fit"
    fits = [f for f in fits if np.all(np.isfinite(f))]  # a failed solve leaves NaN
    for numeric in fits:
        for denominator in denominators:
            J, why = _rounded_channel(numeric, denominator, A, b, pairs, din, dout)
            if J is not None:
                return J, None
    for numeric in fits:
        J, face_why = _face_reduced(numeric, numeric_pairs, A, b, pairs, din, dout)
        if J is not None:
            return J, None
        why = f"{why}; with its kernel kept: {face_why}"
    return None, why


def _face_reduced(numeric: np.ndarray, numeric_pairs, A: np.ndarray, b: np.ndarray, pairs, din: int, dout: int
                  ) -> tuple[np.ndarray | None, str]:
    """A rank-deficient fit rounded on its face: polished at its rank to machine precision
    (:func:`steerdsl.inner.choi_polish.polish_channel`), its kernel rounded to exact vectors v
    (:func:`steerdsl.inner.face.rational_kernel`) and ``Jv = 0`` added to the equations before the exact
    correction (:func:`_rounded_channel`)."""
    from steerdsl.inner.choi_polish import polish_channel
    from steerdsl.inner.face import kernel_rows, numeric_rank, rational_kernel

    n = din * dout
    rank = numeric_rank(numeric)
    if rank == n:
        return None, "the fit has full rank"
    polished, residual = polish_channel(numeric_pairs, numeric, din, dout, rank)
    if residual > 1e-10:
        return None, f"no channel of rank {rank} through the pairs (residual {residual:.1e})"
    why = "its kernel is not a subspace of small rational vectors"
    for denominator in KERNEL_DENOMINATORS:
        vectors = rational_kernel(polished, rank, denominator)
        if vectors is None:
            continue
        K, zeros = kernel_rows(vectors, n)
        J, why = _rounded_channel(polished, DENOMINATOR, np.vstack([A, K]), np.vstack([b, zeros]), pairs, din,
                                  dout)
        if J is not None:
            return J, ""
    return None, why


def _rounded_channel(numeric: np.ndarray, denominator: int, A: np.ndarray, b: np.ndarray, pairs, din: int,
                     dout: int) -> tuple[np.ndarray | None, str | None]:
    n = din * dout
    j = np.array([rational(v, denominator) for v in numeric.ravel()], dtype=object).reshape(-1, 1)
    J, why = hermitian_correction(A, b, j, n)
    if J is None:
        return None, f"the channel: {why}"
    if linalg.psd(J).decided is not True:
        return None, "the rounded channel is not completely positive (its Choi matrix is not PSD exactly)"
    for tau, target in pairs:
        if not alg.equal(apply_choi(J, din, dout, tau), target):
            return None, "the rounded channel does not reproduce σ exactly"
    return J, None


def _channel_equations(pairs, din: int, dout: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``A vec(J) = b``: ``tr_out J = I`` and ``E_J(τ) = T`` entry by entry (``vec`` row-major)."""
    n = din * dout
    rows, rhs = [], []

    def row() -> list:
        return [Cyclo(0)] * (n * n)

    for i in range(din):
        for k in range(din):
            r = row()
            for a in range(dout):
                r[(i * dout + a) * n + k * dout + a] = Cyclo(1)
            rows.append(r)
            rhs.append(Cyclo(int(i == k)))
    for tau, target in pairs:
        for a in range(dout):
            for c in range(dout):
                r = row()
                for i in range(din):
                    for k in range(din):
                        if not tau[i, k].is_zero:
                            r[(i * dout + a) * n + k * dout + c] = tau[i, k]
                rows.append(r)
                rhs.append(target[a, c])
    return np.array(rows, dtype=object), np.array(rhs, dtype=object).reshape(-1, 1)

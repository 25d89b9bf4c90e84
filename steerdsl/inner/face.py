"""Face reduction for exact rounding: the kernel of a rank-deficient numeric PSD matrix as exact vectors.

A PSD matrix on the boundary of the cone (rank r < n) stays PSD under rounding only if its kernel is kept
exactly: ``Jv = 0`` for a basis v of the kernel, imposed as linear equations before the exact correction.
When that kernel is a rational subspace (as for a channel with rational Kraus operators), its reduced row
echelon basis — unique for the subspace once the pivot columns are chosen — has rational entries, which
rounding a numeric kernel known to machine precision recovers (:func:`rational_kernel`).
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.rounding import rational
from steerdsl.numeric.echelon import echelon_transform

KERNEL_TOL = 1e-9
"""Largest ``‖Jv‖`` of a rounded kernel vector accepted before the exact step (the numeric matrix)."""


def numeric_rank(m: np.ndarray, rtol: float = 1e-6) -> int:
    """Eigenvalues of the Hermitian ``m`` above ``rtol·max|λ|``."""
    w = np.linalg.eigvalsh((m + m.conj().T) / 2)
    return int(np.sum(w > rtol * max(np.max(np.abs(w)), 1e-300)))


def rational_kernel(m: np.ndarray, rank: int, denominator: int) -> list[np.ndarray] | None:
    """Exact vectors ``v`` (object arrays of :class:`Cyclo`, Gaussian rationals of denominators at most
    ``denominator``) spanning the kernel of the Hermitian ``m`` beyond its ``rank`` largest eigenvalues: the
    reduced row echelon form of the numeric kernel K (:func:`steerdsl.numeric.echelon.echelon_transform`),
    rounded; None when a rounded vector is not a kernel vector of m to
    :data:`KERNEL_TOL`."""
    _, U = np.linalg.eigh((m + m.conj().T) / 2)
    K = U[:, :m.shape[0] - rank]
    if not K.shape[1]:
        return []
    R = (K @ echelon_transform(K)).T
    vectors = [np.array([rational(complex(v), denominator) for v in row], dtype=object) for row in R]
    for v in vectors:
        if np.linalg.norm(m @ np.array([complex(c) for c in v])) > KERNEL_TOL * max(1.0, np.linalg.norm(m)):
            return None
    return vectors


def kernel_rows(vectors: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``A t = 0`` on the row-major entries t of an ``n × n`` matrix J: ``Jv = 0`` and ``v†J = 0`` for each v."""
    rows = []
    for v in vectors:
        for i in range(n):
            row = [Cyclo(0)] * (n * n)
            for j in range(n):
                row[i * n + j] = v[j]
            rows.append(row)
            row = [Cyclo(0)] * (n * n)
            for j in range(n):
                row[j * n + i] = v[j].conjugate()
            rows.append(row)
    return np.array(rows, dtype=object), np.array([[Cyclo(0)]] * len(rows), dtype=object)

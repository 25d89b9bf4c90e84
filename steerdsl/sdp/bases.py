"""Orthonormal bases used to write matrix equalities as full-rank real rows."""

from __future__ import annotations

import numpy as np
import picos


def traceless_basis(d: int) -> list[np.ndarray]:
    """An orthonormal basis (Hilbert–Schmidt) of the traceless Hermitian d×d matrices: the
    generalised Gell-Mann matrices."""
    basis = []
    for i in range(d):
        for j in range(i + 1, d):
            s = np.zeros((d, d), dtype=complex)
            s[i, j] = s[j, i] = 1 / np.sqrt(2)
            a = np.zeros((d, d), dtype=complex)
            a[i, j], a[j, i] = -1j / np.sqrt(2), 1j / np.sqrt(2)
            basis += [s, a]
    for k in range(1, d):
        diag = np.zeros(d)
        diag[:k] = 1
        diag[k] = -k
        basis.append(np.diag(diag / np.sqrt(k * (k + 1))).astype(complex))
    return basis


def traceless_rows(expression, target: np.ndarray, d: int, direction: np.ndarray | None = None, s=None) -> list:
    """``⟨g, X⟩ = ⟨g, T⟩`` for every traceless basis element g: the traceless part of ``X = T`` as
    independent real rows (the trace row is left to the caller, so it is never imposed twice).  With
    ``direction`` D and a scalar variable ``s`` the target is the affine ``T + s·D``."""
    rows = []
    for g in traceless_basis(d):
        value = float(np.trace(g.conj().T @ target).real)
        if direction is not None:
            value = value + s * float(np.trace(g.conj().T @ direction).real)
        rows.append((picos.Constant(g) | expression).real == value)
    return rows

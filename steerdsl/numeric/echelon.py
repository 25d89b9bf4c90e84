"""A reduced echelon basis of a numerically given column span.

For a full-rank ``n × r`` matrix ``Q``, a column-pivoted QR of ``Q†`` picks ``r`` well-conditioned rows ``π``
(Businger & Golub, Numer. Math. 7, 269 (1965)), and ``E = Q R`` with ``R = (Q[π, :])⁻¹`` spans the same
columns with ``E[π, :] = I``: the reduced column echelon form for that choice of pivots, unique for the span.
When the span has a sparse basis (orbit sums of a group, exact rational vectors), ``E`` is that basis up to
rounding, while an orthonormal basis from an eigen- or QR decomposition is dense.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg


def echelon_transform(q: np.ndarray) -> np.ndarray:
    """``R = (Q[π, :])⁻¹`` with ``Q R`` the reduced column echelon basis of the span of ``Q`` (module
    docstring)."""
    pivots = scipy.linalg.qr(q.conj().T, pivoting=True, mode="r")[1][:q.shape[1]]
    return np.linalg.inv(q[pivots])


def drop_rounding(m: np.ndarray, rounding: float) -> np.ndarray:
    """``m`` with its entries below ``rounding`` times the largest set to zero (in place)."""
    m[np.abs(m) < rounding * np.abs(m).max(initial=0.0)] = 0
    return m

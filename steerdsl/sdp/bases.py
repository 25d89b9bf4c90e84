"""Orthonormal bases used to write matrix equalities as full-rank real rows."""

from __future__ import annotations

import cvxopt
import numpy as np
import picos
from picos.expressions import AffineExpression


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


def hermitian_basis(d: int, real: bool) -> np.ndarray:
    """An orthonormal basis (Hilbert–Schmidt) of the Hermitian d×d matrices, ``I/√d`` followed by the
    generalised Gell-Mann matrices; with ``real`` only its real symmetric members (a basis of the real
    symmetric matrices).  Shape ``(n, d, d)``, ``n = d²`` or ``d(d + 1)/2``."""
    mats = [np.eye(d, dtype=complex) / np.sqrt(d)] + traceless_basis(d)
    return np.array([g for g in mats if not (real and np.any(g.imag))]).reshape(-1, d, d)


def real_form(matrix: np.ndarray) -> np.ndarray:
    """``[[Re X, −Im X], [Im X, Re X]]``: for Hermitian ``X`` a real symmetric matrix with each eigenvalue of
    ``X`` twice, so ``X ⪰ 0`` iff it is ``⪰ 0`` (the standard real embedding of Hermitian matrices; picos
    applies the same one to complex LMIs)."""
    return np.block([[matrix.real, -matrix.imag], [matrix.imag, matrix.real]])


class OrthonormalBasis:
    """Coordinates in an orthonormal (Hilbert–Schmidt) basis ``{B_j}`` of Hermitian matrices:
    ``x_j = tr(B_j X)`` and ``X = Σ_j x_j B_j`` on their span."""

    def __init__(self, matrices: np.ndarray):
        self.matrices = matrices

    @property
    def size(self) -> int:
        """The number of basis matrices."""
        return len(self.matrices)

    def coordinates(self, matrix: np.ndarray) -> np.ndarray:
        """``(tr(B_j X))_j``: the coordinates of a Hermitian ``X``, and the row with ``tr(F X) = f · x``."""
        return np.einsum("jab,ba->j", self.matrices, matrix).real

    def operator(self, coordinates: np.ndarray) -> np.ndarray:
        """``Σ_j x_j B_j``."""
        return np.einsum("j,jab->ab", np.asarray(coordinates, dtype=float).ravel(), self.matrices)


class HermitianCoordinates(OrthonormalBasis):
    """Hermitian (or, with ``real``, real symmetric) d×d matrices as real coordinate vectors,
    ``X = Σ_j x_j B_j`` with ``x_j = tr(B_j X)`` for the basis of :func:`hermitian_basis`
    (``d²`` or ``d(d + 1)/2`` coordinates).

    :meth:`psd` writes ``X ⪰ 0`` as one real LMI — on ``real_form(X)`` (size 2d) or on ``X`` itself
    (real case) — straight from its coefficient matrices.  picos would otherwise turn each
    complex LMI into its real form itself, term by term, which on small LHS problems took longer than
    the solver (measured: the qubit m = 3 robustness 25 ms → 16 ms end to end)."""

    def __init__(self, d: int, real: bool):
        super().__init__(hermitian_basis(d, real))
        self.dim = d
        self.real = real
        self.lmi_size = d if real else 2 * d
        forms = [g.real if real else real_form(g) for g in self.matrices]
        self._columns = np.array([f.reshape(-1, order="F") for f in forms]).T

    def psd(self, terms: dict, constant: np.ndarray | None = None, identity: dict | None = None):
        """The picos constraint ``X ⪰ 0`` for ``X = C + Σ_v Σ_j (K_v vec v)_j B_j + Σ_v (r_v · vec v) I``: ``terms``
        maps picos variables ``v`` to ``K_v`` (``size × v.dim``, on picos' column-major ``vec``), ``identity``
        maps variables to rows ``r_v`` (a multiple of ``I`` given directly keeps its coefficient exact:
        ``(1/√d)·(1/√d)`` is not ``1/d`` in floating point, and that last bit changed cvxopt's path on the
        qubit m = 5, 6 LHS visibilities from converging to "singular KKT matrix"), ``constant`` is ``C``
        (Hermitian d×d, or None).  The real form is written as one affine expression from its coefficient
        matrices, without picos' term-by-term algebra."""
        coefficients = {variable: self._columns @ k for variable, k in terms.items()}
        unit = (np.eye(self.dim) if self.real else np.eye(2 * self.dim)).reshape(-1, 1, order="F")
        for variable, row in (identity or {}).items():
            extra = unit @ np.asarray(row, dtype=float).reshape(1, -1)
            coefficients[variable] = coefficients[variable] + extra if variable in coefficients else extra
        coefficients = {variable: _sparse(c) for variable, c in coefficients.items()}
        if constant is not None:
            form = constant.real if self.real else real_form(constant)
            coefficients[()] = _sparse(form.reshape(-1, 1, order="F"))
        return AffineExpression("X", (self.lmi_size, self.lmi_size), coefficients) >> 0


def _sparse(matrix: np.ndarray) -> cvxopt.spmatrix:
    """``matrix`` as the cvxopt sparse matrix picos stores coefficients in."""
    rows, cols = np.nonzero(matrix)
    return cvxopt.spmatrix(matrix[rows, cols].tolist(), rows.tolist(), cols.tolist(), matrix.shape)

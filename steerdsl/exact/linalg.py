"""Linear algebra over cyclotomic numbers.

Exact matrices are numpy object arrays of :class:`Cyclo` (zeros are ``Cyclo(0)``);
numeric matrices are ``complex128`` arrays.  Functions that make sense for both
accept both.

- Positive semidefiniteness by an exact LDL† with diagonal pivoting; a failure
  comes with an exact vector ``v`` and the exact value ``v†Av < 0``.  Signs are
  decided rigorously (:meth:`Cyclo.sign`), never rounded.
- Characteristic polynomials by Berkowitz's division-free algorithm (python-flint
  does the work for rational matrices and Hermitian ones over Q(i)); eigenvalues
  are exact sympy numbers when the polynomial is rational.
- Products are accumulated as polynomials in one field and reduced once per
  entry (:func:`matmul`), which is several times faster than ``@`` on objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np
from flint import fmpq, fmpq_mat, fmpq_poly, fmpz_poly

from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.limits import check_entries

__all__ = [
    "PsdResult", "charpoly", "dagger", "eigenvalues", "exact_array", "first_nonzero", "hermitian_violation",
    "identity", "inverse", "is_exact", "is_zero_matrix", "kron", "matmul", "min_eigenvalue", "nullspace",
    "partial_trace", "partial_transpose", "psd", "rank", "solve", "sqrtm", "to_complex", "trace", "transpose",
    "zeros",
]

_ZERO = Cyclo(0)
_ONE = Cyclo(1)


# ---------------------------------------------------------------- construction and conversion
def _exact_scalar(v: object) -> Cyclo:
    if isinstance(v, Cyclo):
        return v
    try:
        return Cyclo(v)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{v!r} is not an exact number (use to_complex for numeric work)") from None


def _object_array(values: Iterable[object], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    out.flat = list(values)
    return out


def exact_array(nested: object) -> np.ndarray:
    """An object array of :class:`Cyclo` with the shape of ``nested`` (ints, Fractions, fmpq, Cyclo)."""
    arr = np.array(nested, dtype=object)
    return _object_array((_exact_scalar(v) for v in arr.flat), arr.shape)


def is_exact(a: np.ndarray) -> bool:
    """True for exact (object) arrays, False for numeric ones."""
    return a.dtype == object


def to_complex(a: np.ndarray) -> np.ndarray:
    """The complex128 array nearest to ``a`` (each entry correctly rounded, see ``Cyclo.__complex__``)."""
    if not is_exact(a):
        return np.asarray(a, dtype=complex)
    return np.array([complex(v) for v in a.flat], dtype=complex).reshape(a.shape)


def zeros(n: int, m: int) -> np.ndarray:
    """The exact ``n×m`` zero matrix."""
    check_entries("this matrix", (n, m))
    return _object_array([_ZERO] * (n * m), (n, m))


def identity(n: int) -> np.ndarray:
    """The exact ``n×n`` identity ``δ_ij``."""
    check_entries("this identity", (n, n))
    return _object_array((_ONE if i == j else _ZERO for i in range(n) for j in range(n)), (n, n))


def _rows(a: np.ndarray) -> list[list[Cyclo]]:
    return [list(row) for row in a]


def _fmpq(x: Cyclo) -> fmpq:
    f = x.to_fraction()
    return fmpq(f.numerator, f.denominator)


# ---------------------------------------------------------------- elementary operations
def dagger(a: np.ndarray) -> np.ndarray:
    """``(A†)_ij = conj(A_ji)`` (for a 1-D vector, the entrywise conjugate)."""
    if not is_exact(a):
        return a.conj().T
    t = a.T
    return _object_array((v.conjugate() for v in t.flat), t.shape)


def transpose(a: np.ndarray) -> np.ndarray:
    """``(Aᵀ)_ij = A_ji``."""
    return a.T.copy()


def trace(a: np.ndarray) -> Cyclo | complex:
    """``tr A = Σ_i A_ii``."""
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"trace of a non-square array of shape {a.shape}")
    if not is_exact(a):
        return complex(np.trace(a))
    return sum((a[i, i] for i in range(a.shape[0])), _ZERO)


def kron(*arrays: np.ndarray) -> np.ndarray:
    """``A ⊗ B ⊗ …``: ``(A⊗B)_{(i,k),(j,l)} = A_ij B_kl`` (numeric if any factor is numeric)."""
    if not arrays:
        raise ValueError("kron needs at least one factor")
    if not all(is_exact(a) for a in arrays):
        arrays = tuple(to_complex(a) for a in arrays)
    else:
        check_entries("this tensor product", tuple(math.prod(s) for s in zip(*(a.shape for a in arrays))))
    return reduce(np.kron, arrays)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(AB)_ij = Σ_k A_ik B_kj``.  Exact entries are lifted once to one field Q(ζ_N), N = lcm of the
    conductors, the sums of products are accumulated as rational polynomials, and each entry is
    reduced mod Φ_N and moved to its minimal field once."""
    if not (is_exact(a) and is_exact(b)):
        return to_complex(a) @ to_complex(b)
    a, b = exact_array(a), exact_array(b)
    vector = b.ndim == 1
    if vector:
        b = b.reshape(-1, 1)
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not match")
    check_entries("this product", (a.shape[0], b.shape[1]))
    big = math.lcm(1, *(v.conductor for v in a.flat), *(v.conductor for v in b.flat))
    left = [[(k, v.coordinates(big)) for k, v in enumerate(row) if v] for row in a]
    right = [{k: v.coordinates(big) for k, v in enumerate(col) if v} for col in b.T]
    out = []
    for row in left:
        for col in right:
            acc = fmpq_poly()
            for k, p in row:
                q = col.get(k)
                if q is not None:
                    acc += p * q
            out.append(Cyclo.from_polynomial(acc, big))
    c = _object_array(out, (a.shape[0], b.shape[1]))
    return c[:, 0] if vector else c


def is_zero_matrix(a: np.ndarray) -> bool:
    """``A = 0`` exactly (every entry, exact or numeric, equal to 0)."""
    return first_nonzero(a) is None


def first_nonzero(a: np.ndarray) -> tuple[tuple[int, int], object] | None:
    """The first entry ``((i, j), A_ij)`` with ``A_ij ≠ 0`` in row-major order, or None."""
    for (i, j), v in np.ndenumerate(a):
        if v:
            return (i, j), v
    return None


def hermitian_violation(a: np.ndarray) -> tuple[int, int] | None:
    """The first ``(i, j)``, i ≤ j, with ``A_ij ≠ conj(A_ji)`` (exact comparison), or None if ``A = A†``."""
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError(f"a non-square matrix of shape {a.shape} is not Hermitian")
    for i in range(n):
        for j in range(i, n):
            if a[i, j] != a[j, i].conjugate():
                return i, j
    return None


# ---------------------------------------------------------------- positivity
@dataclass(frozen=True)
class PsdResult:
    """Outcome of :func:`psd`.

    ``decided``: True (PSD), False (not PSD) or None (undecided: non-finite numeric input).
    ``witness``: a vector ``v`` with ``value = v†Av < 0`` when not PSD (exact when ``exact``).
    ``value``: ``v†Av`` (a :class:`Cyclo` when exact; for numeric input the smallest eigenvalue).
    ``exact``: False for numeric input, whose verdicts hold within the tolerance only."""

    decided: bool | None
    witness: np.ndarray | None = None
    value: Cyclo | float | None = None
    exact: bool = True


def psd(a: np.ndarray, atol: float = 1e-9, rtol: float = 1e-9) -> PsdResult:
    """Is the Hermitian matrix ``A ⪰ 0``, i.e. ``v†Av ≥ 0`` for all v?

    Exact: symmetric elimination ``M = T A T†`` with positive diagonal pivots ``d``
    (Schur complement ``M_ij ← M_ij − M_ip M_pj / d``).  A negative diagonal entry
    ``M_ii`` gives ``w = e_i``; if the remaining diagonal is 0 but ``c = M_ij ≠ 0``,
    ``w = −c e_i + e_j`` gives ``w†Mw = −2|c|²``.  The witness is ``v = T†w``
    (``v†Av = w†Mw < 0``), re-evaluated exactly on ``A``.

    Numeric (within tolerance): the smallest eigenvalue λ of ``(A + A†)/2``;
    not PSD iff ``λ < −(atol + rtol·max|λ_k|)``, the witness being its eigenvector.
    ``ValueError`` for an exact matrix that is not Hermitian."""
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"psd of a non-square matrix of shape {a.shape}")
    if not is_exact(a):
        return _psd_numeric(np.asarray(a, dtype=complex), atol, rtol)
    bad = hermitian_violation(a)
    if bad is not None:
        raise ValueError(f"psd expects a Hermitian matrix: entry {bad} is not the conjugate of its mirror")
    m = _rows(exact_array(a))
    active = list(range(len(m)))
    steps: list[tuple[int, dict[int, Cyclo]]] = []
    signs = {i: m[i][i].sign() for i in active}
    while active:
        negative = next((i for i in active if signs[i] < 0), None)
        if negative is not None:
            return _witness(a, steps, {negative: _ONE})
        positive = [i for i in active if signs[i] > 0]
        if not positive:
            pair = next(((i, j) for i in active for j in active if m[i][j]), None)
            if pair is None:
                break
            i, j = pair
            return _witness(a, steps, {i: -m[i][j], j: _ONE})
        p = next((i for i in positive if m[i][i].is_rational), positive[0])
        inv = m[p][p].inverse()
        active.remove(p)
        factors = {i: m[i][p] * inv for i in active if m[i][p]}
        pivot_row = [(j, m[p][j]) for j in active if m[p][j]]
        for i, f in factors.items():
            row = m[i]
            for j, v in pivot_row:
                row[j] = row[j] - f * v
            signs[i] = row[i].sign()
        steps.append((p, factors))
    return PsdResult(True)


def _witness(a: np.ndarray, steps: list[tuple[int, dict[int, Cyclo]]], w: dict[int, Cyclo]) -> PsdResult:
    """``v = T†w = E_1†⋯E_k† w``, ``E_s = I − Σ_i f_i e_i e_pᵀ``: ``(E_s†w)_p = w_p − Σ_i conj(f_i) w_i``."""
    v = [w.get(i, _ZERO) for i in range(a.shape[0])]
    for p, factors in reversed(steps):
        v[p] = v[p] - sum((f.conjugate() * v[i] for i, f in factors.items() if v[i]), _ZERO)
    vec = _object_array(v, (len(v),))
    value = _quadratic_form(a, vec)
    if value.sign() >= 0:
        raise AssertionError(f"internal error: the psd witness gives v†Av = {value}")
    return PsdResult(False, vec, value, True)


def _quadratic_form(a: np.ndarray, v: np.ndarray) -> Cyclo:
    """``v†Av = Σ_ij conj(v_i) A_ij v_j``."""
    support = [i for i in range(len(v)) if v[i]]
    conj = {i: v[i].conjugate() for i in support}
    return sum((conj[i] * a[i, j] * v[j] for i in support for j in support if a[i, j]), _ZERO)


def _psd_numeric(a: np.ndarray, atol: float, rtol: float) -> PsdResult:
    if not np.all(np.isfinite(a)):
        return PsdResult(None, exact=False)
    w, vecs = np.linalg.eigh((a + a.conj().T) / 2)
    if len(w) == 0:
        return PsdResult(True, exact=False)
    tol = atol + rtol * float(np.max(np.abs(w)))
    if w[0] < -tol:
        return PsdResult(False, vecs[:, 0], float(w[0]), False)
    return PsdResult(True, None, float(w[0]), False)


# ---------------------------------------------------------------- spectra
def charpoly(a: np.ndarray) -> list[Cyclo]:
    """Coefficients of ``det(tI − A)``, highest degree first.

    Berkowitz: with ``A_{r+1} = [[A_r, C], [R, a]]``, ``p_{r+1} = T·p_r`` for the lower-triangular
    Toeplitz matrix with first column ``(1, −a, −RC, −RA_rC, …, −RA_r^{r−1}C)``.  Rational ``A`` and
    Hermitian ``A = B + iC`` with rational B, C go through python-flint instead: the real form
    ``[[B, −C], [C, B]] ≅ A ⊕ Ā`` has characteristic polynomial ``p_A·p_Ā = p_A²``."""
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError(f"charpoly of a non-square matrix of shape {a.shape}")
    a = exact_array(a)
    fast = _rational_charpoly(a)
    if fast is not None:
        return [Cyclo(c) for c in reversed(fast.coeffs())]
    return _berkowitz(_rows(a))


def _rational_charpoly(a: np.ndarray) -> fmpq_poly | None:
    n = a.shape[0]
    if all(v.is_rational for v in a.flat):
        return fmpq_mat([[_fmpq(v) for v in row] for row in a]).charpoly()
    if all(v.conductor == 4 or v.is_rational for v in a.flat) and hermitian_violation(a) is None:
        big = [[fmpq(0)] * (2 * n) for _ in range(2 * n)]
        for (i, j), v in np.ndenumerate(a):
            re, im = _fmpq(v.real), _fmpq(v.imag)
            big[i][j] = big[i + n][j + n] = re
            big[i][j + n], big[i + n][j] = -im, im
        root = fmpq_mat(big).charpoly().sqrt()
        return root if root.leading_coefficient() > 0 else -root
    return None


def _berkowitz(rows: list[list[Cyclo]]) -> list[Cyclo]:
    """Berkowitz's recursion (see :func:`charpoly`) on coordinates in one field Q(ζ_N): sums of
    products are accumulated as rational polynomials and reduced mod Φ_N once per entry."""
    big = math.lcm(1, *(v.conductor for row in rows for v in row))
    phi = fmpq_poly(fmpz_poly.cyclotomic(big))
    lifted = [[v.coordinates(big) for v in row] for row in rows]

    def dot(xs: Sequence[fmpq_poly], ys: Sequence[fmpq_poly]) -> fmpq_poly:
        acc = fmpq_poly()
        for x, y in zip(xs, ys):
            if x and y:
                acc += x * y
        return acc % phi

    one = fmpq_poly([1])
    poly = [one]
    for r in range(len(lifted)):
        block = [row[:r] for row in lifted[:r]]
        left, v = lifted[r][:r], [lifted[i][r] for i in range(r)]
        toeplitz = [one, -lifted[r][r]]
        for k in range(r):
            toeplitz.append(-dot(left, v))
            if k < r - 1:
                v = [dot(row, v) for row in block]
        poly = [dot([toeplitz[i - j] for j in range(min(i, r) + 1)], poly) for i in range(r + 2)]
    return [Cyclo.from_polynomial(c, big) for c in poly]


def eigenvalues(a: np.ndarray) -> tuple[list, bool]:
    """Eigenvalues of a Hermitian matrix, ascending, and whether they are exact.

    Exact when the characteristic polynomial is rational: its flint factorisation gives the roots
    of each irreducible factor as sympy numbers (Rational, surds for quadratics, CRootOf beyond).
    Otherwise floats from ``numpy.linalg.eigvalsh``."""
    import sympy

    if is_exact(a):
        if hermitian_violation(a) is not None:
            raise ValueError("eigenvalues() expects a Hermitian matrix")
        coeffs = charpoly(a)
        if all(c.is_rational for c in coeffs):
            poly = fmpq_poly([_fmpq(c) for c in reversed(coeffs)])
            t = sympy.Symbol("t")
            roots = []
            for factor, mult in poly.factor()[1]:
                cs = [sympy.Rational(int(c.p), int(c.q)) for c in reversed(factor.coeffs())]
                roots += sympy.Poly(cs, t).real_roots(radicals=True) * mult
            return sorted(roots, key=lambda r: float(r.evalf(30))), True
        a = to_complex(a)
    return [float(w) for w in np.linalg.eigvalsh((a + a.conj().T) / 2)], False


def min_eigenvalue(a: np.ndarray) -> tuple[object, bool]:
    """``λ_min(A)`` of a Hermitian matrix (a sympy number when exact, else a float) and the exact flag."""
    values, exact = eigenvalues(a)
    return values[0], exact


def sqrtm(a: np.ndarray) -> np.ndarray:
    """``√A`` for Hermitian PSD ``A`` whose eigenvalues are rational (Sylvester):
    ``√A = Σ_λ √λ P_λ``, ``P_λ = Π_{μ≠λ} (A − μI)/(λ − μ)`` over the distinct eigenvalues.

    Raises :class:`NotExact` when A is not Hermitian, has an irrational or a negative eigenvalue."""
    if not is_exact(a) or hermitian_violation(a) is not None:
        raise NotExact("sqrtm is exact here for Hermitian exact matrices only")
    coeffs = charpoly(a)
    if not all(c.is_rational for c in coeffs):
        raise NotExact("sqrtm needs rational eigenvalues")
    roots = fmpq_poly([_fmpq(c) for c in reversed(coeffs)]).roots()
    if sum(mult for _, mult in roots) != a.shape[0]:
        raise NotExact("sqrtm needs rational eigenvalues")
    distinct = [lam for lam, _ in roots]
    if any(lam < 0 for lam in distinct):
        raise NotExact("sqrtm of a matrix with a negative eigenvalue")
    n = a.shape[0]
    out = zeros(n, n)
    for lam in distinct:
        proj = identity(n)
        for mu in distinct:
            if mu != lam:
                proj = matmul(proj, (a - identity(n) * mu) * (1 / (lam - mu)))
        out = out + proj * Cyclo.sqrt_rational(lam)
    return out


# ---------------------------------------------------------------- linear systems
def _rref(rows: list[list[Cyclo]], pivot_columns: int) -> list[int]:
    """Gauss–Jordan in place on the first ``pivot_columns`` columns; returns the pivot columns."""
    pivots: list[int] = []
    r = 0
    for c in range(pivot_columns):
        p = next((i for i in range(r, len(rows)) if rows[i][c]), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        inv = rows[r][c].inverse()
        rows[r] = [x * inv for x in rows[r]]
        for i, row in enumerate(rows):
            f = row[c]
            if i != r and f:
                rows[i] = [x - f * y if y else x for x, y in zip(row, rows[r])]
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    return pivots


def rank(a: np.ndarray) -> int:
    """``rank A`` = the number of pivots of the reduced row echelon form."""
    return len(_rref(_rows(exact_array(a)), a.shape[1]))


def nullspace(a: np.ndarray) -> list[np.ndarray]:
    """A basis of ``{v : Av = 0}`` as column vectors (n×1, like kets): for each free column f of
    the RREF R, ``v_f = 1``, ``v_{p_r} = −R_{r f}`` at the pivot columns, 0 elsewhere."""
    rows = _rows(exact_array(a))
    n = a.shape[1]
    pivots = _rref(rows, n)
    basis = []
    for free in (c for c in range(n) if c not in pivots):
        v = [_ZERO] * n
        v[free] = _ONE
        for r, pc in enumerate(pivots):
            v[pc] = -rows[r][free]
        basis.append(_object_array(v, (n, 1)))
    return basis


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The ``X`` with ``AX = B`` for square invertible ``A`` (Gauss–Jordan on ``[A | B]``);
    ``ValueError`` if A is singular.  ``B`` may be a vector or a matrix."""
    n = a.shape[0]
    if a.shape != (n, n) or b.shape[0] != n:
        raise ValueError(f"solve: shapes {a.shape} and {b.shape} do not fit")
    rhs = exact_array(b).reshape(n, -1)
    rows = [list(ra) + list(rb) for ra, rb in zip(exact_array(a), rhs)]
    if len(_rref(rows, n)) < n:
        raise ValueError("the matrix is singular")
    out = _object_array((x for row in rows for x in row[n:]), rhs.shape)
    return out.reshape(b.shape)


def inverse(a: np.ndarray) -> np.ndarray:
    """``A⁻¹`` by Gauss–Jordan on ``[A | I]``; ``ValueError`` if A is singular or not square."""
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"only square matrices have inverses, not shape {a.shape}")
    return solve(a, identity(a.shape[0]))


# ---------------------------------------------------------------- tensor structure
def _check_dims(a: np.ndarray, dims: Sequence[int], systems: Iterable[int]) -> tuple[int, ...]:
    total = math.prod(dims)
    if a.shape != (total, total):
        raise ValueError(f"a matrix of shape {a.shape} does not act on dimensions {tuple(dims)}")
    chosen = tuple(sorted(set(systems)))
    if any(not 0 <= s < len(dims) for s in chosen):
        raise ValueError(f"subsystems {chosen} out of range for {len(dims)} subsystems")
    return chosen


def partial_trace(a: np.ndarray, dims: Sequence[int], traced: Iterable[int]) -> np.ndarray:
    """``tr_S A`` on ``⊗_k C^{d_k}``: ``(tr_S A)_{i_K, j_K} = Σ_{i_S} A_{(i_K, i_S), (j_K, i_S)}``,
    K the kept subsystems (exact or numeric)."""
    chosen = _check_dims(a, dims, traced)
    t = a.reshape(tuple(dims) * 2)
    for s in reversed(chosen):
        t = np.trace(t, axis1=s, axis2=s + t.ndim // 2)
    keep = math.prod(d for k, d in enumerate(dims) if k not in chosen)
    return np.asarray(t, dtype=a.dtype).reshape(keep, keep)


def partial_transpose(a: np.ndarray, dims: Sequence[int], systems: Iterable[int]) -> np.ndarray:
    """``A^{T_S}``: ``(A^{T_S})_{(i_S, i_K), (j_S, j_K)} = A_{(j_S, i_K), (i_S, j_K)}`` (exact or numeric)."""
    chosen = _check_dims(a, dims, systems)
    k = len(dims)
    axes = list(range(2 * k))
    for s in chosen:
        axes[s], axes[k + s] = axes[k + s], axes[s]
    return a.reshape(tuple(dims) * 2).transpose(axes).reshape(a.shape).copy()

"""Exact linear algebra against numpy on the same matrices, and exact identities
(A·A⁻¹ = I, √A·√A = A, Cayley–Hamilton, witnesses re-evaluated by hand)."""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from steerdsl.exact import linalg as la
from steerdsl.exact.cyclotomic import Cyclo, NotExact

F = Fraction
I = Cyclo.I  # noqa: E741
SQRT2 = Cyclo.sqrt_rational(2)

small = st.integers(-3, 3)
# entries a + b i + c √2 + d i√2 with small integers: Q(√2, i) = Q(ζ_8)
q8 = st.builds(lambda a, b, c, d: a + b * I + c * SQRT2 + d * I * SQRT2, small, small, small, small)


def matrices(n: int, m: int | None = None, entries=q8):
    m = n if m is None else m
    return st.lists(st.lists(entries, min_size=m, max_size=m), min_size=n, max_size=n).map(la.exact_array)


def gram(vectors: list[np.ndarray]) -> np.ndarray:
    """``Σ_k v_k v_k†``: PSD, of rank ≤ len(vectors)."""
    d = len(vectors[0])
    out = la.zeros(d, d)
    for v in vectors:
        col = v.reshape(-1, 1)
        out = out + la.matmul(col, la.dagger(col))
    return out


def quadratic_form(a: np.ndarray, v: np.ndarray) -> Cyclo:
    """``v†Av`` written out independently of the library."""
    return sum((v[i].conjugate() * a[i, j] * v[j] for i in range(len(v)) for j in range(len(v))), Cyclo(0))


def assert_witness(a: np.ndarray, res: la.PsdResult) -> None:
    assert res.decided is False and res.exact
    value = quadratic_form(a, res.witness)
    assert value == res.value and value.sign() < 0
    num_v, num_a = la.to_complex(res.witness), la.to_complex(a)
    assert abs(num_v.conj() @ num_a @ num_v - complex(value)) < 1e-9 * max(1, abs(complex(value)))


# ---------------------------------------------------------------- construction, elementary operations
def test_construction_and_conversion():
    a = la.exact_array([[1, F(1, 2)], [I, SQRT2]])
    assert la.is_exact(a) and all(isinstance(v, Cyclo) for v in a.flat)
    assert np.allclose(la.to_complex(a), [[1, 0.5], [1j, 2**0.5]])
    assert not la.is_exact(la.to_complex(a))
    with pytest.raises(TypeError):
        la.exact_array([[0.5]])
    assert la.is_zero_matrix(la.zeros(2, 3)) and la.zeros(2, 3).shape == (2, 3)
    assert la.first_nonzero(la.identity(3) - la.identity(3)) is None
    e = la.zeros(3, 3)
    e[1, 2] = Cyclo(F(1, 8))
    assert la.first_nonzero(e) == ((1, 2), F(1, 8)) and not la.is_zero_matrix(e)


@settings(max_examples=60, deadline=None)
@given(matrices(3, 2), matrices(2, 3), matrices(2, 2))
def test_elementary_operations_agree_with_numpy(a, b, c):
    na, nb, nc = la.to_complex(a), la.to_complex(b), la.to_complex(c)
    assert np.allclose(la.to_complex(la.matmul(a, b)), na @ nb)
    assert np.all(la.matmul(a, b) == a @ b)
    assert np.allclose(la.to_complex(la.dagger(a)), na.conj().T)
    assert np.allclose(la.to_complex(la.transpose(a)), na.T)
    assert np.allclose(la.to_complex(la.kron(a, b, c)), np.kron(np.kron(na, nb), nc))
    assert abs(complex(la.trace(c)) - np.trace(nc)) < 1e-9
    assert np.allclose(la.matmul(na, nb), na @ nb) and np.allclose(la.kron(a, nb), np.kron(na, nb))
    v = la.exact_array([1, I, SQRT2])
    assert np.all(la.matmul(b, v) == b @ v)
    h = c + la.dagger(c)
    assert la.hermitian_violation(h) is None
    h[0, 1] = h[0, 1] + I
    assert la.hermitian_violation(h) == (0, 1)


# ---------------------------------------------------------------- positivity
def test_psd_of_projectors():
    r = Cyclo.sqrt_rational(F(1, 14))
    psi = la.exact_array([0, r, I * r, 0, 0, -r, 0, r, 0, -I * r, 0, 3 * r, 0, 0, 0, 0])  # ‖ψ‖² = 14/14
    rho = gram([psi])
    assert la.trace(rho) == 1 and la.matmul(rho, rho).tolist() == rho.tolist()
    assert {v.conductor for v in rho.flat} <= {1, 4}
    assert la.psd(rho).decided is True
    assert la.psd(la.identity(16) - rho).decided is True
    res = la.psd(rho - la.identity(16) * F(1, 100))
    assert_witness(rho - la.identity(16) * F(1, 100), res)


def breuer_choi() -> np.ndarray:
    """Choi matrix ``J = Σ_ij E_ij ⊗ Λ(E_ij)`` of ``Λ(ρ) = ½(tr(ρ) I₄ − ρ − UρᵀU†)``, ``U = X ⊗ Y``."""
    x = la.exact_array([[0, 1], [1, 0]])
    y = la.exact_array([[0, -I], [I, 0]])
    u = la.kron(x, y)

    def breuer(r):
        rotated = la.matmul(la.matmul(u, la.transpose(r)), la.dagger(u))
        return (la.identity(4) * la.trace(r) - r - rotated) * F(1, 2)

    j = la.zeros(16, 16)
    for a, b in itertools.product(range(4), repeat=2):
        e = la.zeros(4, 4)
        e[a, b] = Cyclo(1)
        j = j + la.kron(e, breuer(e))
    return j


def test_breuer_choi_matrix_is_not_psd():
    j = breuer_choi()
    assert la.hermitian_violation(j) is None
    assert_witness(j, la.psd(j))
    numeric = np.linalg.eigvalsh(la.to_complex(j))
    value, exact = la.min_eigenvalue(j)
    assert exact and abs(float(value) - numeric[0]) < 1e-12 and numeric[0] < -0.5
    values, exact = la.eigenvalues(j)
    assert exact and np.allclose([float(v) for v in values], numeric)
    res = la.psd(la.to_complex(j))
    assert res.decided is False and not res.exact and res.value < 0
    # Λ is trace preserving: tr_out J = I
    assert np.all(la.partial_trace(j, (4, 4), (1,)) == la.identity(4))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.data())
def test_gram_matrices_are_psd_and_shifts_are_not(d, data):
    vectors = [la.exact_array(data.draw(st.lists(q8, min_size=d, max_size=d))) for _ in range(d - 1)]
    g = gram(vectors)  # rank ≤ d − 1 < d, so λ_min(g) = 0
    assert la.psd(g).decided is True
    eps = data.draw(st.sampled_from([F(1, 10**6), F(1, 3), SQRT2 / 1000]))
    shifted = g - la.identity(d) * eps  # λ_min = −eps < 0
    assert_witness(shifted, la.psd(shifted))
    numeric = la.psd(la.to_complex(shifted), atol=1e-12, rtol=1e-12)
    assert numeric.decided is False and not numeric.exact


@settings(max_examples=60, deadline=None)
@given(matrices(3))
def test_psd_decision_agrees_with_eigenvalues(a):
    h = a + la.dagger(a)
    res = la.psd(h)
    smallest = np.linalg.eigvalsh(la.to_complex(h))[0]
    if smallest < -1e-9:
        assert_witness(h, res)
    elif smallest > 1e-9:
        assert res.decided is True
    elif res.decided is False:
        assert_witness(h, res)


def test_zero_diagonal_and_degenerate_cases():
    m = la.exact_array([[0, 1 + I], [1 - I, 0]])
    assert_witness(m, la.psd(m))
    m = la.exact_array([[1, 0, 0], [0, 0, SQRT2], [0, SQRT2, 0]])
    assert_witness(m, la.psd(m))
    assert la.psd(la.zeros(3, 3)).decided is True
    m = la.exact_array([[1, 1], [1, 1]])  # rank 1: pivoting leaves an exact zero
    assert la.psd(m).decided is True
    with pytest.raises(ValueError):
        la.psd(la.exact_array([[1, 1], [0, 1]]))


def test_numeric_psd_is_within_tolerance():
    res = la.psd(np.diag([1.0, -1e-12]))
    assert res.decided is True and not res.exact
    res = la.psd(np.diag([1.0, -1e-3]))
    assert res.decided is False and abs(res.value + 1e-3) < 1e-15 and abs(abs(res.witness[1]) - 1) < 1e-12
    assert la.psd(np.array([[np.nan]])).decided is None


# ---------------------------------------------------------------- spectra
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.data())
def test_charpoly_cayley_hamilton_and_numpy(n, data):
    gaussian = st.builds(lambda a, b: a + b * I, small, small)
    entries = data.draw(st.sampled_from([q8, small.map(Cyclo), gaussian]))
    a = data.draw(matrices(n, entries=entries))
    coeffs = la.charpoly(a)
    assert len(coeffs) == n + 1 and coeffs[0] == 1
    assert np.allclose([complex(c) for c in coeffs], np.poly(la.to_complex(a)), atol=1e-8)
    total, power = la.zeros(n, n), la.identity(n)
    for c in reversed(coeffs):  # Σ c_k A^k = 0 exactly
        total = total + power * c
        power = la.matmul(power, a)
    assert la.is_zero_matrix(total)
    h = a + la.dagger(a)
    assert la.charpoly(h) == la._berkowitz(la._rows(h))  # flint fast path (when taken) equals Berkowitz


def test_eigenvalues_exact_and_numeric():
    m = la.exact_array([[2, I], [-I, 2]])
    values, exact = la.eigenvalues(m)
    assert exact and values == [1, 3]
    m = la.exact_array([[1, SQRT2], [SQRT2, 0]])  # t² − t − 2: eigenvalues −1, 2
    assert la.eigenvalues(m) == ([-1, 2], True)
    m = la.exact_array([[1, 1], [1, 0]])
    values, exact = la.eigenvalues(m)
    assert exact and np.allclose([float(v) for v in values], [(1 - 5**0.5) / 2, (1 + 5**0.5) / 2])
    m = la.exact_array([[SQRT2, 1], [1, 0]])  # irrational characteristic polynomial: numeric
    values, exact = la.eigenvalues(m)
    assert not exact and np.allclose(values, np.linalg.eigvalsh(la.to_complex(m)))
    value, exact = la.min_eigenvalue(la.exact_array([[2, 1, 0], [1, 2, 1], [0, 1, 2]]))
    assert exact and sympy.simplify(value - (2 - sympy.sqrt(2))) == 0


def test_sqrtm_squares_back():
    # eigenvalues {1, 3}, {2, 1/4} (√2 and 1/2 appear in √A) and {0, 1, 4}
    examples = ([[2, I], [-I, 2]], [[F(9, 8), F(-7, 8)], [F(-7, 8), F(9, 8)]],
                [[1, 0, 0], [0, 4, 0], [0, 0, 0]])
    for m in examples:
        a = la.exact_array(m)
        root = la.sqrtm(a)
        assert np.all(la.matmul(root, root) == a) and la.psd(root).decided is True
    with pytest.raises(NotExact):
        la.sqrtm(la.exact_array([[1, 1], [1, 0]]))
    with pytest.raises(NotExact):
        la.sqrtm(la.exact_array([[-1, 0], [0, 1]]))


# ---------------------------------------------------------------- linear systems
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.data())
def test_inverse_solve_rank_nullspace(n, data):
    a = data.draw(matrices(n))
    b = data.draw(matrices(n, 2))
    r = la.rank(a)
    assert r == np.linalg.matrix_rank(la.to_complex(a), tol=1e-8)
    basis = la.nullspace(a)
    assert len(basis) == n - r and all(la.is_zero_matrix(la.matmul(a, v)) for v in basis)
    if r == n:
        inv = la.inverse(a)
        assert np.all(la.matmul(inv, a) == la.identity(n)) and np.all(la.matmul(a, inv) == la.identity(n))
        x = la.solve(a, b)
        assert np.all(la.matmul(a, x) == b)
        v = la.solve(a, b[:, 0])
        assert v.shape == (n,) and np.all(la.matmul(a, v) == b[:, 0])
    else:
        with pytest.raises(ValueError):
            la.inverse(a)


# ---------------------------------------------------------------- tensor structure
@settings(max_examples=30, deadline=None)
@given(st.sampled_from([(2, 3), (3, 2), (2, 2, 2), (2, 1, 3)]), st.data())
def test_partial_trace_and_transpose_agree_with_numpy(dims, data):
    n = int(np.prod(dims))
    a = data.draw(matrices(n, entries=st.builds(lambda x, y: x + y * I, small, small)))
    k = len(dims)
    systems = data.draw(st.sets(st.integers(0, k - 1)))
    t = la.to_complex(a).reshape(dims * 2)
    letters = "abcdefgh"
    rows, cols = list(letters[:k]), list(letters[k:2 * k])
    for s in systems:
        cols[s] = rows[s]
    kept = [s for s in range(k) if s not in systems]
    spec = "".join(rows + cols) + "->" + "".join([rows[s] for s in kept] + [cols[s] for s in kept])
    keep = int(np.prod([dims[s] for s in kept]))
    expected = np.einsum(spec, t).reshape(keep, keep)
    assert np.allclose(la.to_complex(la.partial_trace(a, dims, systems)), expected)
    assert np.allclose(la.partial_trace(la.to_complex(a), dims, systems), expected)
    axes = list(range(2 * k))
    for s in systems:
        axes[s], axes[k + s] = axes[k + s], axes[s]
    expected_t = t.transpose(axes).reshape(n, n)
    assert np.allclose(la.to_complex(la.partial_transpose(a, dims, systems)), expected_t)
    assert np.allclose(la.partial_transpose(la.to_complex(a), dims, systems), expected_t)


# ---------------------------------------------------------------- speed (measured, not asserted)
def test_speed_report():
    rng = np.random.default_rng(7)

    def entry():
        a, b, c, d = (int(x) for x in rng.integers(-3, 4, size=4))
        return a + b * I + c * SQRT2 + d * I * SQRT2

    mats = []
    for k in range(81):
        g = gram([la.exact_array([entry() for _ in range(4)]) for _ in range(2)])
        mats.append(g if k % 2 else g - la.identity(4) * F(1, 2))
    start = time.perf_counter()
    results = [la.psd(m) for m in mats]
    psd_time = time.perf_counter() - start
    assert all(r.decided is bool(k % 2) for k, r in enumerate(results))

    r = Cyclo.sqrt_rational(F(1, 14))
    big = la.exact_array([[entry() * r for _ in range(16)] for _ in range(16)])  # entries in Q(ζ_56)
    other = la.exact_array([[entry() for _ in range(16)] for _ in range(16)])
    start = time.perf_counter()
    product = la.matmul(big, other)
    matmul_time = time.perf_counter() - start
    start = time.perf_counter()
    assert np.all(big @ other == product)
    object_time = time.perf_counter() - start
    print(f"psd of 81 Hermitian 4×4 in Q(√2, i): {psd_time:.3f} s; 16×16 matmul in Q(ζ_56)·Q(ζ_8): "
          f"{matmul_time:.3f} s (numpy @ on objects: {object_time:.3f} s)")

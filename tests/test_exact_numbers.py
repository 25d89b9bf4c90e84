"""Cyclotomic numbers and exact linear algebra against floating point and known identities."""

from __future__ import annotations

import cmath
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.model import algebra as alg

F = Fraction
SQ2 = Cyclo.sqrt_rational(2)


@st.composite
def cyclos(draw):
    """Random elements: rational combinations of roots of unity of small orders."""
    n = draw(st.sampled_from([1, 3, 4, 5, 8, 12]))
    terms = draw(st.lists(st.tuples(st.integers(-5, 5), st.integers(1, 4), st.integers(0, 11)), max_size=4))
    x = Cyclo(0)
    for num, den, k in terms:
        x = x + Cyclo.zeta(k, n) * Cyclo(F(num, den))
    return x


def close(a: complex, b: complex) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@settings(max_examples=250, deadline=None)
@given(cyclos(), cyclos())
def test_arithmetic_agrees_with_complex_floats(x, y):
    cx, cy = complex(x), complex(y)
    assert close(complex(x + y), cx + cy)
    assert close(complex(x - y), cx - cy)
    assert close(complex(x * y), cx * cy)
    assert close(complex(x.conjugate()), cx.conjugate())
    if not y.is_zero:
        assert close(complex(x / y), cx / cy)
    assert (x == y) == (x - y).is_zero
    if x == y:
        assert hash(x) == hash(y)
    r = x.real
    assert r.is_real and close(complex(r), cx.real)
    if abs(cx.real) > 1e-9:
        assert r.sign() == (1 if cx.real > 0 else -1)


def test_identities():
    assert SQ2 * SQ2 == 2
    assert Cyclo.sqrt_rational(3) * Cyclo.sqrt_rational(6) == 3 * SQ2
    assert Cyclo.cos_pi(F(1, 4)) == SQ2 / 2
    assert Cyclo.cos_pi(F(1, 5)) == (1 + Cyclo.sqrt_rational(5)) / 4
    assert Cyclo.sin_pi(F(1, 6)) == F(1, 2)
    assert Cyclo.zeta(1, 7) ** 7 == 1
    assert Cyclo.I.conjugate() == -Cyclo.I
    assert Cyclo.exp_i_pi(F(1, 2)) == Cyclo.I
    assert Cyclo.sqrt_rational(-4) == 2 * Cyclo.I
    for p in (2, 3, 5, 7, 11, 13):
        s = Cyclo.sqrt_rational(p)
        assert s * s == p and s.sign() == 1


def test_values_return_to_their_smallest_field():
    r = Cyclo.sqrt_rational(F(1, 14))
    assert r.conductor == 56
    assert (r * r).conductor == 1 and r * r == F(1, 14)
    z = (Cyclo.I * r) * (SQ2 * r)
    assert z.conductor in (4, 8)
    assert (Cyclo.zeta(1, 8) ** 2).conductor == 4


def test_signs_of_close_numbers_are_decided():
    assert (SQ2 - F(141421356, 10**8)).sign() == 1
    assert (SQ2 - F(141421357, 10**8)).sign() == -1
    assert (Cyclo.cos_pi(F(1, 7)) - F(9009688679, 10**10)).sign() == 1
    with pytest.raises(ValueError):
        Cyclo.I.sign()


def test_printing_is_exact_and_readable():
    assert str(SQ2 / 2) == "sqrt(2)/2"
    assert str((1 + Cyclo.I) / 2) == "1/2 + i/2"
    assert str(-Cyclo.I / 2) == "-i/2"
    assert str(Cyclo.exp_i_pi(F(1, 3))) == "1/2 + sqrt(3)/2*i"
    assert str(Cyclo.cos_pi(F(1, 5))) == "(1 + sqrt(5))/4"
    assert str(Cyclo(F(-3, 7))) == "-3/7"


def test_to_sympy_is_equal():
    import sympy

    for x in (SQ2 / 2, (1 + Cyclo.I) / 3, Cyclo.cos_pi(F(1, 7)), Cyclo.exp_i_pi(F(2, 5))):
        assert abs(complex(sympy.N(x.to_sympy(), 30)) - complex(x)) < 1e-12


def test_sqrt_of_irrational_is_refused():
    with pytest.raises(NotExact):
        SQ2.sqrt()


def _gram(seed: int, d: int, r: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    g = alg.zeros(d, d)
    for _ in range(r):
        v = alg.exact_array([[Cyclo(int(a)) + Cyclo.I * Cyclo(int(b)) + SQ2 * int(c)]
                             for a, b, c in rng.integers(-2, 3, size=(d, 3))])
        g = g + v @ alg.dagger(v)
    return g


@pytest.mark.parametrize("seed", range(6))
def test_psd_on_gram_matrices_and_shifts(seed):
    g = _gram(seed, 4, 2)  # rank ≤ 2, PSD
    assert linalg.psd(g).decided is True
    shifted = g - alg.identity(4) * Cyclo(F(1, 100))  # rank-deficient minus εI: not PSD
    res = linalg.psd(shifted)
    assert res.decided is False and res.exact
    v = res.witness.reshape(-1, 1)
    value = (alg.dagger(v) @ shifted @ v)[0, 0]
    assert value == res.value and value.sign() < 0
    numeric = np.array([[complex(x) for x in row] for row in shifted])
    assert np.linalg.eigvalsh(numeric)[0] < 0


def test_zero_diagonal_witness():
    m = alg.exact_array([[0, 1 + Cyclo.I], [1 - Cyclo.I, 0]])
    res = linalg.psd(m)
    assert res.decided is False and res.value.sign() < 0


def test_eigenvalues_and_sqrtm():
    m = alg.exact_array([[2, Cyclo.I], [-Cyclo.I, 2]])
    values, exact = linalg.eigenvalues(m)
    assert exact and [int(v) for v in values] == [1, 3]
    root = linalg.sqrtm(m)
    assert alg.equal(root @ root, m)


def test_inverse_rank_nullspace_partial_trace():
    m = _gram(11, 3, 3) + alg.identity(3)
    assert alg.equal(linalg.inverse(m) @ m, alg.identity(3))
    singular = alg.exact_array([[1, 2], [2, 4]])
    assert linalg.rank(singular) == 1
    (v,) = linalg.nullspace(singular)
    assert alg.equal(singular @ v, alg.zeros(2, 1))
    a = _gram(5, 4, 4)
    numeric = np.array([[complex(x) for x in row] for row in a]).reshape(2, 2, 2, 2)
    pt = linalg.partial_trace(a, (2, 2), (0,))
    assert np.allclose(np.array([[complex(x) for x in r] for r in pt]), np.einsum("ijik->jk", numeric))
    ptt = linalg.partial_transpose(a, (2, 2), (1,))
    assert np.allclose(np.array([[complex(x) for x in r] for r in ptt]).reshape(2, 2, 2, 2),
                       numeric.transpose(0, 3, 2, 1))


def test_exact_checks_of_81_algebraic_4x4_matrices_are_fast():
    """Measured, not asserted as a timing: 81 Hermitian 4×4 PSD tests in Q(√2, i) (printed with -s)."""
    import time

    mats = [_gram(s, 4, 2) for s in range(81)]
    start = time.perf_counter()
    assert all(linalg.psd(m).decided for m in mats)
    print(f"81 exact PSD tests: {time.perf_counter() - start:.3f} s")


def test_cmath_reference_for_gauss_sums():
    assert close(complex(Cyclo.sqrt_rational(7)), cmath.sqrt(7))
    assert close(complex(Cyclo.sqrt_rational(F(-3, 5))), cmath.sqrt(-3 / 5))

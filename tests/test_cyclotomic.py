"""Cyclotomic numbers against independent computations: complex floating point, cmath/math,
sympy, and a direct definition of the conductor through flint polynomials modulo Φ_N."""

from __future__ import annotations

import cmath
import math
import pickle
import timeit
from fractions import Fraction

import pytest
import sympy
from flint import fmpq, fmpq_poly, fmpz_poly
from hypothesis import given, settings
from hypothesis import strategies as st

from steerdsl.api import loads
from steerdsl.exact.cyclotomic import Cyclo, NotExact

F = Fraction
I = Cyclo.I  # noqa: E741
SQRT2 = Cyclo.sqrt_rational(2)
ORDERS = [1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 20, 24]

rationals = st.fractions(min_value=-8, max_value=8, max_denominator=12)


@st.composite
def cyclos(draw) -> Cyclo:
    """Rational combinations of roots of unity and square roots of rationals."""
    x = Cyclo(draw(rationals))
    for _ in range(draw(st.integers(0, 3))):
        n = draw(st.sampled_from(ORDERS))
        x = x + Cyclo.zeta(draw(st.integers(0, n - 1)), n) * draw(rationals)
    if draw(st.booleans()):
        x = x + Cyclo.sqrt_rational(draw(st.integers(-12, 12))) * draw(rationals)
    return x


def close(a: complex, b: complex, tol: float = 1e-9) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


# ---------------------------------------------------------------- arithmetic vs floating point
@settings(max_examples=300, deadline=None)
@given(cyclos(), cyclos(), rationals, st.integers(-3, 4))
def test_arithmetic_agrees_with_complex_floats(x, y, q, e):
    cx, cy = complex(x), complex(y)
    assert close(complex(x + y), cx + cy)
    assert close(complex(x - y), cx - cy)
    assert close(complex(x * y), cx * cy)
    assert close(complex(-x), -cx)
    assert close(complex(x * q), cx * float(q)) and close(complex(q * x), cx * float(q))
    assert close(complex(q - x), float(q) - cx) and close(complex(x + q), cx + float(q))
    assert close(complex(x.conjugate()), cx.conjugate())
    assert close(complex(x.real), cx.real) and close(complex(x.imag), cx.imag)
    assert x.real.is_real and x.imag.is_real and x.real + I * x.imag == x
    if y:
        assert close(complex(x / y), cx / cy)
        assert (x / y) * y == x
        assert close(complex(y**e), cy**e)
    else:
        with pytest.raises(ZeroDivisionError):
            x / y
    if q:
        assert close(complex(x / q), cx / float(q)) and close(complex(q / (x + 100)), float(q) / (cx + 100))


@settings(max_examples=300, deadline=None)
@given(cyclos(), cyclos())
def test_equality_hash_and_zero_test_are_exact(x, y):
    assert (x == y) == (x - y).is_zero == (not (x - y))
    if x == y:
        assert hash(x) == hash(y)
    assert x.is_real == (x == x.conjugate())
    if x.is_real:
        assert complex(x).imag == 0
    assert x.is_rational == (x.conductor == 1)
    same = (x * y + x) - x * y  # the same number reached through other fields
    assert same == x and hash(same) == hash(x) and same.conductor == x.conductor


@settings(max_examples=300, deadline=None)
@given(cyclos())
def test_sign_agrees_with_floating_point(x):
    r = x.real
    value = float(r)
    assert close(value, complex(x).real)
    if abs(value) > 1e-9:
        assert r.sign() == (1 if value > 0 else -1)
    assert (r.sign() == 0) == r.is_zero
    assert (r * r).sign() >= 0


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-30, max_value=30, max_denominator=12))
def test_square_roots_of_rationals(q):
    s = Cyclo.sqrt_rational(q)
    assert s * s == q
    assert close(complex(s), cmath.sqrt(float(q)))
    if q >= 0:
        assert s.is_real and s.sign() >= 0
    else:
        assert s.real.is_zero and s.imag.sign() > 0
    assert Cyclo(q).sqrt() == s


@settings(max_examples=200, deadline=None)
@given(st.integers(-48, 48), st.integers(1, 24))
def test_trigonometric_constants(a, b):
    r = F(a, b)
    assert close(complex(Cyclo.cos_pi(r)), math.cos(math.pi * r))
    assert close(complex(Cyclo.sin_pi(r)), math.sin(math.pi * r))
    assert close(complex(Cyclo.exp_i_pi(r)), cmath.exp(1j * math.pi * r))
    assert Cyclo.cos_pi(r) ** 2 + Cyclo.sin_pi(r) ** 2 == 1
    assert Cyclo.exp_i_pi(r) == Cyclo.cos_pi(r) + I * Cyclo.sin_pi(r)
    assert Cyclo.zeta(a, 2 * b) == Cyclo.exp_i_pi(r)


# ---------------------------------------------------------------- minimal fields
def _conductor_by_definition(poly: fmpq_poly, big: int) -> int:
    """The least d | big with x = poly(ζ_big) ∈ Q(ζ_d), i.e. σ_a(x) = x for every unit a ≡ 1 (mod d)."""
    phi = fmpq_poly(fmpz_poly.cyclotomic(big))
    x = poly % phi
    units = [a for a in range(1, big) if math.gcd(a, big) == 1]

    def fixed(a: int) -> bool:
        image = fmpq_poly([0] * big)
        for k, c in enumerate(poly.coeffs()):
            image += c * fmpq_poly([0] * ((k * a) % big) + [1])
        return image % phi == x

    for d in sorted(d for d in range(1, big + 1) if big % d == 0):
        if all(fixed(a) for a in units if a % d == 1 % d):
            return d // 2 if d % 4 == 2 else d
    raise AssertionError("unreachable")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([8, 12, 20, 24, 28, 36, 40, 45, 56, 60]),
       st.lists(st.tuples(st.integers(0, 59), rationals), min_size=1, max_size=4))
def test_conductor_is_the_minimal_field(big, terms):
    x = sum((Cyclo.zeta(k, big) * q for k, q in terms), Cyclo(0))
    coeffs = [fmpq(0)] * big
    for k, q in terms:
        coeffs[k % big] += fmpq(q.numerator, q.denominator)
    assert x.conductor == _conductor_by_definition(fmpq_poly(coeffs), big)


def test_values_fall_back_to_their_minimal_field():
    r = Cyclo.sqrt_rational(F(1, 14))
    assert r.conductor == 56 and r.degree == 2
    assert r * r == F(1, 14) and (r * r).conductor == 1
    # |ψ⟩ = (1, i, −1)/√14-type entries: ψ_a conj(ψ_b) lies in Q(i)
    psi = [r, I * r, -r * 2]
    assert {(a * b.conjugate()).conductor for a in psi for b in psi} == {1, 4}
    assert (Cyclo.zeta(1, 8) ** 2).conductor == 4
    assert Cyclo.zeta(1, 6) == Cyclo.exp_i_pi(F(1, 3)) and Cyclo.zeta(1, 6).conductor == 3
    assert Cyclo.zeta(1, 10).conductor == 5 and Cyclo.zeta(5, 10) == -1
    assert (Cyclo.zeta(1, 12) + Cyclo.zeta(5, 12)) == I
    assert (SQRT2 * Cyclo.sqrt_rational(3) * I).conductor == 24


# ---------------------------------------------------------------- exact identities
def test_identities():
    assert SQRT2**2 == 2 and Cyclo.sqrt_rational(2) ** 2 == 2
    assert Cyclo.sqrt_rational(3) * Cyclo.sqrt_rational(6) == 3 * SQRT2
    assert Cyclo.cos_pi(F(1, 4)) == SQRT2 / 2
    assert Cyclo.cos_pi(F(1, 5)) == (1 + Cyclo.sqrt_rational(5)) / 4
    assert Cyclo.sin_pi(F(1, 6)) == F(1, 2) and Cyclo.cos_pi(F(1, 3)) == F(1, 2)
    for n in (1, 2, 3, 5, 6, 7, 10, 12, 14, 30, 56):
        assert Cyclo.zeta(1, n) ** n == 1
        assert all(Cyclo.zeta(1, n) ** k != 1 for k in range(1, n))
    assert I.conjugate() == -I and I * I == -1 and Cyclo.exp_i_pi(F(1, 2)) == I
    assert Cyclo.sqrt_rational(-4) == 2 * I and Cyclo.sqrt_rational(F(9, 4)) == F(3, 2)
    assert SQRT2 == Cyclo.zeta(1, 8) + Cyclo.zeta(-1, 8)
    assert (1 / Cyclo.sqrt_rational(14)) ** 2 == F(1, 14)
    assert SQRT2**-3 == SQRT2 / 4
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 1999, 2 * 3 * 5 * 7 * 11):
        s = Cyclo.sqrt_rational(p)
        assert s * s == p and s.sign() == 1 and close(float(s), math.sqrt(p))


def test_comparison_with_python_numbers_and_hashing():
    assert Cyclo(3) == 3 and Cyclo(F(1, 2)) == F(1, 2) and Cyclo(fmpq(2, 3)) == F(2, 3)
    assert hash(Cyclo(3)) == hash(3) and hash(Cyclo(F(-1, 2))) == hash(F(-1, 2))
    assert SQRT2 != 1.4142135623730951 and Cyclo(1) != "1"
    assert len({Cyclo.zeta(2, 8), I, Cyclo.exp_i_pi(F(1, 2)), Cyclo(1), Cyclo(F(2, 2))}) == 2
    assert bool(Cyclo(0)) is False and bool(SQRT2 - SQRT2) is False and bool(I)
    assert pickle.loads(pickle.dumps(Cyclo.sqrt_rational(F(1, 14)))) == Cyclo.sqrt_rational(F(1, 14))
    with pytest.raises(TypeError):
        Cyclo(0.5)  # type: ignore[arg-type]


def test_properties_and_refusals():
    assert (SQRT2 + I).degree == 4 and Cyclo.cos_pi(F(2, 7)).degree == 3 and Cyclo(5).degree == 1
    assert Cyclo(F(3, 4)).to_fraction() == F(3, 4)
    with pytest.raises(ValueError):
        SQRT2.to_fraction()
    with pytest.raises(ValueError):
        I.sign()
    with pytest.raises(TypeError):
        float(I)
    with pytest.raises(NotExact):
        SQRT2.sqrt()
    with pytest.raises(ZeroDivisionError):
        Cyclo(0).inverse()
    with pytest.raises(ZeroDivisionError):
        SQRT2 / 0
    assert float(SQRT2) == math.sqrt(2) and complex(I) == 1j


# ---------------------------------------------------------------- rigorous signs
def test_signs_of_very_close_numbers():
    assert (SQRT2 - F(141421356, 10**8)).sign() == 1
    assert (SQRT2 - F(141421357, 10**8)).sign() == -1
    # convergents p/q of √2 (p² − 2q² = ±1) differ from √2 by < 1/q² ≈ 1e-76
    p, q = 1, 1
    for _ in range(100):
        p, q = p + 2 * q, p + q
    expected = 1 if p * p - 2 * q * q < 0 else -1
    assert (SQRT2 - F(p, q)).sign() == expected and (F(p, q) - SQRT2).sign() == -expected
    golden = (1 + Cyclo.sqrt_rational(5)) / 2
    a, b = 1, 1
    for _ in range(120):
        a, b = b, a + b
    assert (golden - F(b, a)).sign() == (1 if b * b - a * b - a * a < 0 else -1)
    assert (Cyclo.cos_pi(F(1, 7)) - F(9009688679, 10**10)).sign() == 1
    assert (SQRT2 * Cyclo.sqrt_rational(3) - Cyclo.sqrt_rational(6)).sign() == 0


# ---------------------------------------------------------------- printing and sympy
def test_printing_is_exact_and_readable():
    assert str(Cyclo(F(1, 2))) == "1/2" and str(Cyclo(F(-3, 7))) == "-3/7" and str(Cyclo(0)) == "0"
    assert str(-I / 2) == "-i/2" and str(I) == "i" and str(I * F(3, 4)) == "3*i/4"
    assert str(SQRT2 / 2) == "sqrt(2)/2" and repr(SQRT2 / 2) == "sqrt(2)/2"
    assert str(Cyclo.exp_i_pi(F(1, 3))) == "1/2 + sqrt(3)/2*i"
    assert str(Cyclo.exp_i_pi(F(-1, 3))) == "1/2 - sqrt(3)/2*i"
    assert str(Cyclo.cos_pi(F(1, 5))) == "(1 + sqrt(5))/4"
    assert str(-Cyclo.cos_pi(F(1, 5))) == "-(1 + sqrt(5))/4"
    assert str(Cyclo.cos_pi(F(1, 8)) ** 2) == "1/2 + sqrt(2)/4"
    assert str(Cyclo.zeta(1, 8)) == "sqrt(2)/2 + sqrt(2)/2*i"
    assert str((1 + I) / 2) == "1/2 + i/2"
    assert str(Cyclo.cos_pi(F(1, 7))) == "cos(pi/7)"
    assert str(Cyclo.cos_pi(F(1, 8)) / 2) == "cos(pi/8)/2"  # (ζ₁₆ − ζ₁₆⁷)/4, once printed as cyclo(n=16: …)
    assert str(Cyclo.zeta(1, 7)) == "cos(2*pi/7) + sin(2*pi/7)*i"
    assert str(Cyclo.zeta(6, 7)) == "cos(2*pi/7) - sin(2*pi/7)*i"
    assert str(1 - Cyclo.cos_pi(F(1, 7)) * I) == "1 - cos(pi/7)*i"


@settings(max_examples=150, deadline=None)
@given(cyclos(), cyclos())
def test_printed_numbers_evaluate_back_exactly_in_the_language(x, y):
    """Every printed number, of any degree, is a ``.steer`` expression equal to it in exact arithmetic
    (the language's own evaluator is the second path); no internal ``cyclo(`` form is ever printed."""
    for value in (x, x * y):
        text = str(value)
        assert "cyclo(" not in text and "z^" not in text
        assert loads(f"let v = {text}\n")["v"] == value, text


@settings(max_examples=200, deadline=None)
@given(rationals, rationals, rationals, st.sampled_from([2, 3, 5, 6, 7, 10, 15]), st.booleans())
def test_printed_surds_parse_back_to_the_same_number(a, b, c, d, imaginary):
    x = a + b * Cyclo.sqrt_rational(d) + (c * I if imaginary else 0)
    parsed = complex(sympy.sympify(str(x).replace("i", "I")))
    assert close(parsed, complex(x))


@settings(max_examples=200, deadline=None)
@given(cyclos())
def test_to_sympy_is_equal(x):
    assert close(complex(sympy.N(x.to_sympy(), 30)), complex(x))


def test_to_sympy_forms():
    assert Cyclo(F(3, 4)).to_sympy() == sympy.Rational(3, 4)
    assert Cyclo.cos_pi(F(1, 5)).to_sympy() == sympy.Rational(1, 4) + sympy.sqrt(5) / 4
    assert (1 / Cyclo.sqrt_rational(14)).to_sympy() == sympy.sqrt(14) / 14
    assert (I * SQRT2).to_sympy() == sympy.I * sympy.sqrt(2)


# ---------------------------------------------------------------- speed (measured, not asserted)
def test_scalar_speed_report():
    a = F(1, 3) + SQRT2 * F(2, 5) + I * F(1, 7) + I * SQRT2 * F(3, 11)
    b = F(2, 3) - SQRT2 * F(1, 5) + I * F(3, 7) - I * SQRT2 * F(1, 13)
    assert a.degree == b.degree == 4
    n = 2000
    mul = min(timeit.repeat(lambda: a * b, number=n, repeat=3)) / n * 1e6
    add = min(timeit.repeat(lambda: a + b, number=n, repeat=3)) / n * 1e6
    print(f"degree-4 product {mul:.1f} µs, sum {add:.1f} µs")

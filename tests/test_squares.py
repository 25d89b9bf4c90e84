"""Sums of four squares without factoring (:mod:`steerdsl.exact.squares`): every answer is re-added exactly
(Lagrange's theorem says one exists for every n ≥ 0), including at sizes sympy's factoring cannot reach."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from steerdsl.exact.ghjw import rational_squares
from steerdsl.exact.squares import four_squares, two_squares_of_prime


@given(st.integers(min_value=0, max_value=10**260))
def test_four_squares_add_up(n):
    squares = four_squares(n)
    assert squares is not None and sum(v * v for v in squares) == n


def test_four_squares_of_powers_of_four_and_small_numbers():
    """``4^k m`` has no split with p ≡ 1 (mod 4): the factor 4 is taken out first."""
    for n in [0, 1, 2, 3, 4, 7, 8, 12, 28, 4**60 * 7, 4**60]:
        assert sum(v * v for v in four_squares(n)) == n


def test_two_squares_of_a_prime_one_mod_four():
    """Fermat: a prime p ≡ 1 (mod 4) is a² + b² (2^255 − 19 is one)."""
    for p in [5, 13, 10**9 + 9, 2**255 - 19]:
        assert p % 4 == 1
        a, b = two_squares_of_prime(p)
        assert a * a + b * b == p


def test_rational_squares_of_a_large_pivot():
    """A 200-digit numerator·denominator (beyond sympy's factoring) is written as rational squares."""
    q = Fraction(3**300 + 7, 10**60 + 3)
    parts = rational_squares(q)
    assert len(parts) <= 4 and sum(c * c for c in parts) == q

"""Sums of four integer squares without factoring (Rabin–Shallit), for the exact GHJW factor of large pivots.

Lagrange: every ``n ≥ 0`` is ``a² + b² + c² + d²``.  sympy's ``sum_of_four_squares`` factors n, hopeless at
a hundred digits.  Rabin & Shallit (Comm. Pure Appl. Math. 39, S239 (1986)) avoid factoring: pick x, y
with ``p = n − x² − y²`` a prime ``≡ 1 (mod 4)`` (by the prime number theorem about one try in ``ln p / 2``
succeeds), then ``p = a² + b²`` by Cornacchia's algorithm from a square root ``t`` of −1 modulo p
(``t = c^{(p−1)/4}`` for any quadratic non-residue c).  The tries are drawn from a generator seeded by n,
so the answer is a function of n.  Every result is checked (``Σ squares = n``) before it is returned.
"""

from __future__ import annotations

import random
from math import isqrt

MAX_TRIES = 200_000
"""Candidates tried before giving up (expected: about ``ln n / 2``, 300 at 260 digits)."""


def _sqrt_minus_one(p: int) -> int | None:
    """``t`` with ``t² ≡ −1 (mod p)`` for a prime ``p ≡ 1 (mod 4)``: ``c^{(p−1)/4}`` for the first c that
    works (half of all c are non-residues); None if none of the first 200 does (p then is not prime)."""
    for c in range(2, 202):
        t = pow(c, (p - 1) // 4, p)
        if t * t % p == p - 1:
            return t
    return None


def two_squares_of_prime(p: int) -> tuple[int, int] | None:
    """``(a, b)`` with ``a² + b² = p`` for a prime ``p ≡ 1 (mod 4)`` (Cornacchia with d = 1: Euclid on
    ``(p, t)``, ``t² ≡ −1``, stopped at the first remainder below √p), or None if that fails."""
    t = _sqrt_minus_one(p)
    if t is None:
        return None
    r0, r1 = p, max(t, p - t)
    root = isqrt(p)
    while r1 > root:
        r0, r1 = r1, r0 % r1
    rest = p - r1 * r1
    b = isqrt(rest)
    return (r1, b) if b * b == rest else None


def four_squares(n: int) -> tuple[int, ...] | None:
    """``(x, y, a, b)`` with ``x² + y² + a² + b² = n`` for ``n ≥ 0`` (module docstring; a factor 4 taken out
    first, ``n = 4m`` from ``2·(squares of m)``), or None after :data:`MAX_TRIES` candidates."""
    from sympy import isprime

    if n < 2:
        return (n, 0, 0, 0)
    if n % 4 == 0:  # then p = n − x² − y² ≢ 1 (mod 4): solve n/4 and double
        quarter = four_squares(n // 4)
        return None if quarter is None else tuple(2 * v for v in quarter)
    rng = random.Random(n)
    root = isqrt(n)
    for _ in range(MAX_TRIES):
        x = root - rng.randrange(0, min(root, 1 << 20) + 1)  # n − x² ≈ 2k√n: half n's size, likelier prime
        rest = n - x * x
        y = rng.randrange(0, isqrt(rest) + 1)
        p = rest - y * y
        if p < 2:
            if p in (0, 1):
                return (x, y, p, 0)
            continue
        if p == 2:
            return (x, y, 1, 1)
        if p % 4 != 1 or not isprime(p):
            continue
        ab = two_squares_of_prime(p)
        if ab is not None and x * x + y * y + ab[0] ** 2 + ab[1] ** 2 == n:
            return (x, y, *ab)
    return None

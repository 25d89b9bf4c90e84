"""Exact numbers: elements of cyclotomic fields Q(ζ_n), ζ_n = exp(2πi/n).

Every constant of the language — rationals, ``i``, square roots of rationals,
cos/sin of rational multiples of π, roots of unity — lies in some Q(ζ_n), and
Q(ζ_m), Q(ζ_n) both embed in Q(ζ_L), L = lcm(m, n), by ζ_m = ζ_L^{L/m}.  So
model values are built in a number field from the start (converting generic
sympy expressions was measured to be slow, and sympy's positivity is often
undecided).

An element is ``p(ζ_n)`` with ``p`` a python-flint ``fmpq_poly`` reduced
modulo the cyclotomic polynomial Φ_n, so the zero test is exact.  Every result
is moved to its minimal field, n = the conductor (never ≡ 2 mod 4, since
Q(ζ_2m) = Q(ζ_m) for odd m; n = 1 for rationals).  The representation is
therefore canonical: equal numbers have equal ``(n, p)``, which makes ``==``
and ``hash`` cheap, and keeps downstream costs low (entries of |ψ⟩⟨ψ| for
|ψ⟩ ∝ 1/√14 fall back from Q(ζ_56), degree 24, to Q(i)).

Minimal field: for a prime q | n, let m = n/q.  If q | m, Φ_n(x) = Φ_m(x^q)
and x ∈ Q(ζ_m) iff only powers ζ_n^{qj} occur.  If q ∤ m, x ∈ Q(ζ_m) iff it is
fixed by σ_a (σ_a: ζ_n ↦ ζ_n^a) for a ≡ 1 (mod m), a ≡ g (mod q), g a
primitive root mod q; then x = Tr(x)/(q−1) = Σ_k c_k ζ_m^{sk} w_k with
s = q⁻¹ mod m, w_k = 1 if q | k else −1/(q−1).

Signs of real elements are decided rigorously with ball arithmetic (``acb``)
at increasing precision, which terminates because the element is known to be
nonzero by the exact zero test.

Square roots of rationals use Gauss sums: for an odd prime p,
``g = Σ_{a=1}^{p−1} (a/p) ζ_p^a`` equals ``√p`` if p ≡ 1 (mod 4) and ``i√p`` if
p ≡ 3 (mod 4); ``√2 = ζ_8 + ζ_8⁻¹``.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from flint import acb, acb_poly, arb, ctx, fmpq, fmpq_poly, fmpz, fmpz_poly, nmod_poly

from steerdsl.limits import limit

if TYPE_CHECKING:
    import sympy

__all__ = ["Cyclo", "NotExact", "Rational", "field_degree"]

Rational = int | Fraction | fmpq


class NotExact(ValueError):
    """A value that has no exact representation here (e.g. √(√2))."""


MAX_DEGREE = 8192
"""Largest degree φ(n) of a field Q(ζ_n) computed in by default (the budget ``cyclotomic_degree``,
see :mod:`steerdsl.limits`): cos(π/4096) or √p for a prime p ≡ 1 (mod 4) up to 8192 still
work, larger fields (e.g. √ of a 30-digit prime, exp(iπ/99991)) are refused with :class:`NotExact`
instead of building polynomials of that degree.  Square roots divide out primes up to this default
whatever the budget."""


@cache
def _totient(n: int) -> int:
    out = n
    for p, _ in fmpz(n).factor():
        out = out // int(p) * (int(p) - 1)
    return out


def field_degree(n: int) -> int:
    """φ(n), the degree of Q(ζ_n) over Q."""
    return _totient(n)


def _field(n: int) -> int:
    """``n``, after checking that Q(ζ_n) has degree at most the budget ``cyclotomic_degree``."""
    top = limit("cyclotomic_degree")
    if n > top + 1 and (n > 64 * top**2 or _totient(n) > top):
        raise NotExact(f"this number needs the cyclotomic field Q(ζ_{n}), of degree above {top} "
                       "(the budget cyclotomic_degree)")
    return n


# ---------------------------------------------------------------- field data (cached)
@cache
def _phi(n: int) -> fmpq_poly:
    """The cyclotomic polynomial Φ_n."""
    return fmpq_poly(fmpz_poly.cyclotomic(n))


@cache
def _monomial(k: int) -> fmpq_poly:
    """``x^k``."""
    return fmpq_poly([0] * k + [1])


@cache
def _prime_factors(n: int) -> tuple[int, ...]:
    return tuple(int(p) for p, _ in fmpz(n).factor())


@cache
def _units(n: int) -> tuple[int, ...]:
    """(Z/n)^*, i.e. the indices ``a`` of the Galois automorphisms σ_a of Q(ζ_n)."""
    return tuple(a for a in range(1, n + 1) if math.gcd(a, n) == 1)


@cache
def _power_image(n: int, a: int) -> fmpq_poly:
    """``x^a mod Φ_n`` (the image of ζ_n under σ_a)."""
    return _monomial(a % n) % _phi(n)


@cache
def _positions(n: int, a: int, length: int) -> tuple[int, ...]:
    """``k·a mod n`` for k < length: where ζ^k goes under ζ ↦ ζ^a."""
    return tuple((k * a) % n for k in range(length))


def _permuted(p: fmpq_poly, n: int, a: int, signs: bool = False) -> fmpq_poly:
    """``Σ_k c_k x^{ka mod n}`` (with ``(−1)^k c_k`` when ``signs``), not yet reduced."""
    cs = p.coeffs()
    out: list = [0] * n
    for k, (pos, c) in enumerate(zip(_positions(n, a, len(cs)), cs)):
        if c:
            out[pos] += -c if signs and k % 2 else c
    return fmpq_poly(out)


def _galois(p: fmpq_poly, n: int, a: int) -> fmpq_poly:
    """σ_a(p(ζ_n)) = p(ζ_n^a).  Composition ``p(x^a mod Φ_n)`` is fastest for small fields but grows
    like deg³, so larger fields permute the coefficients ζ^k ↦ ζ^{ka} and reduce mod Φ_n."""
    if p.degree() <= 0:
        return p
    if p.degree() < 12:
        return p(_power_image(n, a)) % _phi(n)
    return _permuted(p, n, a) % _phi(n)


@cache
def _modular_points(n: int, a: int) -> tuple[int, int, int]:
    """``(ℓ, ω, ω^a)``: a prime ℓ ≡ 1 (mod n) near 2^62 and ω ∈ F_ℓ of multiplicative order n."""
    ell = (2**62 // n) * n + 1
    while not fmpz(ell).is_prime():
        ell += n
    for g in range(2, ell):
        omega = pow(g, (ell - 1) // n, ell)
        if all(pow(omega, n // f, ell) != 1 for f in _prime_factors(n)):
            return ell, omega, pow(omega, a % n, ell)
    raise AssertionError("unreachable: F_ℓ^* is cyclic of order divisible by n")


def _fixed(p: fmpq_poly, n: int, a: int) -> bool:
    """Is σ_a(x) = x?  A cheap necessary condition first: reducing modulo a prime ideal over ℓ
    (ζ ↦ ω), the numerator N of ``p`` satisfies N(ω) ≡ N(ω^a) (mod ℓ) when x is fixed."""
    if p.degree() <= 0:
        return True
    ell, omega, omega_a = _modular_points(n, a)
    f = nmod_poly(p.numer(), ell)
    return f(omega) == f(omega_a) and _galois(p, n, a) == p


def _embed(p: fmpq_poly, n: int, big: int) -> fmpq_poly:
    """``p(ζ_n)`` written in Q(ζ_big), ``n | big``: ``p(x^{big/n}) mod Φ_big``."""
    if n == big or p.degree() <= 0:
        return p
    k = big // n
    if p.degree() * k <= 256:
        return p(_monomial(k)) % _phi(big)
    cs = p.coeffs()
    out: list = [0] * (k * (len(cs) - 1) + 1)
    out[::k] = cs
    return fmpq_poly(out) % _phi(big)


def _from_half(p: fmpq_poly, m: int) -> tuple[int, fmpq_poly]:
    """``p(ζ_m)`` for m ≡ 2 (mod 4) written in Q(ζ_k), k = m/2 odd: ζ_m = −ζ_k^{(k+1)/2}."""
    k = m // 2
    if k == 1 or p.degree() <= 0:
        return 1, fmpq_poly([p(-1)])
    return k, _permuted(p, k, (k + 1) // 2, signs=True) % _phi(k)


Descent = Callable[[fmpq_poly], "tuple[int, fmpq_poly] | None"]


def _power_descent(n: int, q: int) -> Descent:
    """q | n/q: x ∈ Q(ζ_{n/q}) iff only exponents ≡ 0 (mod q) occur; ζ_n^{qj} = ζ_{n/q}^j."""
    m = n // q

    def descend(p: fmpq_poly) -> tuple[int, fmpq_poly] | None:
        for k in range(1, p.degree() + 1):  # usually exits at k = 1: no list of coefficients is built
            if k % q and p[k]:
                return None
        sub = fmpq_poly(p.coeffs()[::q])
        return _from_half(sub, m) if m % 4 == 2 else (m, sub)

    return descend


def _trace_descent(n: int, q: int) -> Descent:
    """q ∤ n/q = m: x ∈ Q(ζ_m) iff σ_a(x) = x (a ≡ 1 mod m, a ≡ g mod q); then x = Tr(x)/(q−1)."""
    m = n // q
    g = next(g for g in range(2, q) if all(pow(g, (q - 1) // f, q) != 1 for f in _prime_factors(q - 1)))
    a = next(a for a in range(1, n) if a % m == 1 and a % q == g)
    s = pow(q, -1, m)
    other = fmpq(-1, q - 1)

    def descend(p: fmpq_poly) -> tuple[int, fmpq_poly] | None:
        if not _fixed(p, n, a):
            return None
        out = [fmpq(0)] * m
        for k, c in enumerate(p.coeffs()):
            if c:
                out[(s * k) % m] += c if k % q == 0 else c * other
        return m, fmpq_poly(out) % _phi(m)

    return descend


@cache
def _descents(n: int) -> tuple[Descent, ...]:
    """Tests for the maximal cyclotomic subfields Q(ζ_{n/q}) ⊊ Q(ζ_n), cheap ones first (besides Q)."""
    power = [_power_descent(n, q) for q in _prime_factors(n) if (n // q) % q == 0 and n // q > 2]
    trace = [_trace_descent(n, q) for q in _prime_factors(n) if (n // q) % q != 0 and n // q > 2]
    return tuple(power + trace)


def _canonical(n: int, p: fmpq_poly) -> tuple[int, fmpq_poly]:
    """The conductor of ``p(ζ_n)`` and the coordinates of the number there (``p`` reduced mod Φ_n)."""
    while n > 1:
        if p.degree() <= 0:
            return 1, p
        for descend in _descents(n):
            found = descend(p)
            if found is not None:
                n, p = found
                break
        else:
            return n, p
    return n, p


@cache
def _zeta_ball(n: int, prec: int) -> acb:
    """A ball around ζ_n at the working precision ``prec`` (which must be set by the caller)."""
    return acb(arb(2) / n).exp_pi_i()


def _as_fmpq(value: object) -> fmpq | None:
    """``value`` as an fmpq if it is a rational number (int, Fraction, fmpq, numpy integer), else None."""
    if isinstance(value, int):
        return fmpq(int(value))
    if isinstance(value, fmpq):
        return value
    if isinstance(value, numbers.Rational):
        return fmpq(int(value.numerator), int(value.denominator))
    return None


def _as_fraction(value: Rational) -> Fraction:
    if isinstance(value, fmpq):
        return Fraction(int(value.p), int(value.q))
    return Fraction(value)


def _split_square(k: int) -> tuple[int, int]:
    """``(s, D)`` with ``k = s²·D``, D squarefree (k > 0).

    Only primes p ≤ MAX_DEGREE + 1 are divided out (√p for a larger prime lives in a field of degree
    p − 1 > MAX_DEGREE); a rest that is not a perfect square raises :class:`NotExact`, so a huge
    number is never factored."""
    square, free = 1, 1
    for p in _small_primes():
        if p * p > k:
            break
        e = 0
        while k % p == 0:
            k //= p
            e += 1
        square *= p ** (e // 2)
        if e % 2:
            free *= p
    if k > 1:
        if k <= MAX_DEGREE + 1:  # a prime left after dividing out every p with p² ≤ k
            free *= k
        else:
            root = math.isqrt(k)
            if root * root != k:
                raise NotExact(f"√{k} needs a prime factor above {MAX_DEGREE + 1}, so a cyclotomic field of "
                               f"degree above {MAX_DEGREE}")
            square *= root
    return square, free


@cache
def _small_primes() -> tuple[int, ...]:
    bound = MAX_DEGREE + 1
    sieve = bytearray([1]) * (bound + 1)
    sieve[:2] = b"\x00\x00"
    for p in range(2, math.isqrt(bound) + 1):
        if sieve[p]:
            sieve[p * p::p] = bytearray(len(sieve[p * p::p]))
    return tuple(p for p in range(bound + 1) if sieve[p])


def _ball_float(part: arb, is_zero: Callable[[], bool]) -> float | None:
    """The double nearest a ball narrower than 2^-60 of its centre, 0.0 for an exact zero, None to refine."""
    if part.rad() <= abs(part.mid()) * 2.0**-60:
        return float(part.mid())
    if part.contains(0) and is_zero():
        return 0.0
    return None


def _key(p: fmpq_poly) -> tuple:
    """A hashable image of ``p`` (fmpq hashing is slow; fmpz hashing is not)."""
    return tuple(p.numer().coeffs()), p.denom()


def _new(n: int, p: fmpq_poly) -> Cyclo:
    obj = object.__new__(Cyclo)
    obj._n = n
    obj._p = p
    return obj


def _rational(q: fmpq) -> Cyclo:
    return _new(1, fmpq_poly([q]))


def _linear(x: Cyclo, y: Cyclo, op: Callable[[fmpq_poly, fmpq_poly], fmpq_poly]) -> Cyclo:
    """``x ± y`` in Q(ζ_lcm), moved to the minimal field (adding a rational keeps the conductor)."""
    n, m = x._n, y._n
    if n == m:
        return _new(1, op(x._p, y._p)) if n == 1 else _new(*_canonical(n, op(x._p, y._p)))
    if n == 1 or m == 1:
        return _new(max(n, m), op(x._p, y._p))
    big = _field(math.lcm(n, m))
    return _new(*_canonical(big, op(_embed(x._p, n, big), _embed(y._p, m, big))))


# ---------------------------------------------------------------- the number type
class Cyclo:
    """An exact element of a cyclotomic field, kept in its minimal field; immutable and hashable.

    Arithmetic mixes freely with ``int``, ``Fraction`` and ``flint.fmpq``."""

    __slots__ = ("_n", "_p")
    _n: int
    _p: fmpq_poly
    I: ClassVar[Cyclo]  # noqa: E741  (the imaginary unit, as in the language)

    def __init__(self, value: Rational | Cyclo = 0):
        if isinstance(value, Cyclo):
            self._n, self._p = value._n, value._p
            return
        q = _as_fmpq(value)
        if q is None:
            raise TypeError(f"cannot make an exact number from {type(value).__name__}")
        self._n, self._p = 1, fmpq_poly([q])

    def __reduce__(self) -> tuple:
        return _from_coefficients, (self._n, tuple((int(c.p), int(c.q)) for c in self._p.coeffs()))

    # -------------------------------------------------------------- constructors
    @classmethod
    def zeta(cls, k: int, n: int) -> Cyclo:
        """``exp(2πik/n)``; for n ≡ 2 (mod 4), ζ_n = −ζ_{n/2}^{(n/2+1)/2} keeps the field minimal."""
        if n < 1:
            raise ValueError("zeta(k, n) needs n ≥ 1")
        g = math.gcd(k, n)
        k, n = (k // g) % (n // g), _field(n // g)
        if n % 4 == 2:
            return _new(*_from_half(_monomial(k), n))
        return _new(n, _monomial(k) % _phi(n)) if n > 1 else _rational(fmpq(1))

    @classmethod
    def exp_i_pi(cls, r: Rational) -> Cyclo:
        """``exp(iπr) = ζ_{2b}^a`` for ``r = a/b``."""
        f = _as_fraction(r)
        return cls.zeta(f.numerator, 2 * f.denominator)

    @classmethod
    def cos_pi(cls, r: Rational) -> Cyclo:
        """``cos(πr) = (z + z⁻¹)/2`` with ``z = exp(iπr)``."""
        z = cls.exp_i_pi(r)
        return (z + z.conjugate()) * fmpq(1, 2)

    @classmethod
    def sin_pi(cls, r: Rational) -> Cyclo:
        """``sin(πr) = (z − z⁻¹)/(2i)`` with ``z = exp(iπr)``."""
        z = cls.exp_i_pi(r)
        return (z - z.conjugate()) * (cls.I * fmpq(-1, 2))

    @classmethod
    def sqrt_rational(cls, q: Rational) -> Cyclo:
        """The principal square root: ``√(a/b) = (s/b)·√D`` with ``ab = s²D``, D squarefree;
        ``√q = i·√|q|`` for ``q < 0``."""
        f = _as_fraction(q)
        if f < 0:
            return cls.I * cls.sqrt_rational(-f)
        if f == 0:
            return cls(0)
        square, free = _split_square(f.numerator * f.denominator)
        return _sqrt_squarefree(free) * fmpq(square, f.denominator)

    @classmethod
    def from_polynomial(cls, p: fmpq_poly, n: int) -> Cyclo:
        """``p(ζ_n)`` for any rational polynomial ``p``: reduced mod Φ_n, then moved to its minimal field."""
        p = p % _phi(n)
        if n % 4 == 2:
            n, p = _from_half(p, n)
        return _new(*_canonical(n, p))

    def coordinates(self, n: int) -> fmpq_poly:
        """The polynomial ``p``, deg p < φ(n), with ``x = p(ζ_n)`` (``n`` a multiple of the conductor)."""
        if n % self._n:
            raise ValueError(f"{self} is not in Q(ζ_{n})")
        return _embed(self._p, self._n, n)

    # -------------------------------------------------------------- arithmetic
    def __add__(self, other: Cyclo | Rational) -> Cyclo:
        if type(other) is not Cyclo:
            q = _as_fmpq(other)
            return NotImplemented if q is None else _new(self._n, self._p + q)
        return _linear(self, other, operator.add)

    __radd__ = __add__

    def __sub__(self, other: Cyclo | Rational) -> Cyclo:
        if type(other) is not Cyclo:
            q = _as_fmpq(other)
            return NotImplemented if q is None else _new(self._n, self._p - q)
        return _linear(self, other, operator.sub)

    def __rsub__(self, other: Rational) -> Cyclo:
        q = _as_fmpq(other)
        return NotImplemented if q is None else _new(self._n, q - self._p)

    def __neg__(self) -> Cyclo:
        return _new(self._n, -self._p)

    def __pos__(self) -> Cyclo:
        return self

    def __mul__(self, other: Cyclo | Rational) -> Cyclo:
        if type(other) is not Cyclo:
            q = _as_fmpq(other)
            if q is None:
                return NotImplemented
            return _new(self._n if q else 1, self._p * q)
        n, m = self._n, other._n
        if n == 1 or m == 1:
            p = self._p * other._p
            return _new(1 if p.is_zero() else max(n, m), p)
        if n == m:
            return _new(*_canonical(n, self._p * other._p % _phi(n)))
        big = _field(math.lcm(n, m))
        return _new(*_canonical(big, _embed(self._p, n, big) * _embed(other._p, m, big) % _phi(big)))

    __rmul__ = __mul__

    def inverse(self) -> Cyclo:
        """``1/x = s(ζ)`` from the Bézout relation ``s·p + t·Φ_n = 1`` (extended Euclid)."""
        if self._p.is_zero():
            raise ZeroDivisionError("division by zero")
        if self._n == 1:
            return _rational(1 / self._p[0])
        g, s, _ = self._p.xgcd(_phi(self._n))
        return _new(self._n, s / g[0])

    def __truediv__(self, other: Cyclo | Rational) -> Cyclo:
        if type(other) is not Cyclo:
            q = _as_fmpq(other)
            if q is None:
                return NotImplemented
            if not q:
                raise ZeroDivisionError("division by zero")
            return _new(self._n, self._p / q)
        return self * other.inverse()

    def __rtruediv__(self, other: Rational) -> Cyclo:
        q = _as_fmpq(other)
        if q is None:
            return NotImplemented
        return self.inverse() * q

    def __pow__(self, e: int) -> Cyclo:
        """Square-and-multiply; negative exponents go through :meth:`inverse`."""
        if not isinstance(e, int):
            return NotImplemented
        if e < 0:
            return self.inverse() ** (-e)
        if self._n == 1:
            return _rational(self._p[0] ** e)
        out, base = _rational(fmpq(1)), self
        while e:
            if e & 1:
                out = out * base
            e >>= 1
            if e:
                base = base * base
        return out

    def __eq__(self, other: object) -> bool:
        if type(other) is Cyclo:
            return self._n == other._n and self._p == other._p
        q = _as_fmpq(other)
        if q is None:
            return NotImplemented
        return self._n == 1 and self._p == q

    def __hash__(self) -> int:
        if self._n == 1:
            return hash(self._p[0])
        return hash((self._n, _key(self._p)))

    def __bool__(self) -> bool:
        return not self._p.is_zero()

    # -------------------------------------------------------------- structure
    def conjugate(self) -> Cyclo:
        """Complex conjugate σ_{−1}: ζ ↦ ζ⁻¹."""
        return self if self._n == 1 else _new(self._n, _galois(self._p, self._n, -1))

    def galois_orbit(self, limit: int | None = None) -> list[Cyclo]:
        """The distinct conjugates σ_a(x), a ∈ (Z/n)^*; their number is the degree over Q.
        With ``limit``, stop once that many are found."""
        seen: dict[tuple, Cyclo] = {}
        for a in _units(self._n):
            image = _galois(self._p, self._n, a)
            seen.setdefault(_key(image), _new(self._n, image))
            if limit is not None and len(seen) >= limit:
                break
        return list(seen.values())

    @property
    def real(self) -> Cyclo:
        """``(x + x̄)/2``."""
        return self if self.is_real else (self + self.conjugate()) * fmpq(1, 2)

    @property
    def imag(self) -> Cyclo:
        """``(x − x̄)/(2i)``."""
        return _rational(fmpq(0)) if self.is_real else (self - self.conjugate()) * (Cyclo.I * fmpq(-1, 2))

    @property
    def is_zero(self) -> bool:
        """``x = 0`` (exact: p = 0 as a polynomial reduced mod Φ_n)."""
        return self._p.is_zero()

    @property
    def is_rational(self) -> bool:
        """``x ∈ Q`` ⟺ conductor 1."""
        return self._n == 1

    @property
    def is_real(self) -> bool:
        """``x = x̄``, i.e. x is fixed by σ_{−1}."""
        return self._n == 1 or _fixed(self._p, self._n, -1)

    @property
    def conductor(self) -> int:
        """The smallest n with x ∈ Q(ζ_n) (1 for rationals; never ≡ 2 mod 4)."""
        return self._n

    @property
    def field_degree(self) -> int:
        """φ(n), the degree of the field Q(ζ_n) of the conductor n: what one operation on x costs grows with it."""
        return _totient(self._n)

    @property
    def bits(self) -> int:
        """The size of the number: the largest bit length of a numerator or of the common denominator
        of its coordinates."""
        num = self._p.numer()
        top = max((abs(int(c)).bit_length() for c in num.coeffs()), default=0) if num.degree() > 0 \
            else abs(int(num[0])).bit_length()
        return max(top, int(self._p.denom()).bit_length())

    @property
    def degree(self) -> int:
        """``[Q(x) : Q]`` = the size of the Galois orbit of x."""
        return len(self.galois_orbit())

    def to_fraction(self) -> Fraction:
        """The value as a Fraction (``ValueError`` if irrational)."""
        if self._n != 1:
            raise ValueError(f"{self} is not rational")
        return _as_fraction(self._p[0])

    def sign(self) -> int:
        """−1, 0 or 1 for a real number, decided rigorously: the real part of a ball
        enclosing x at precision 64, 128, 256, … bits until the ball excludes 0."""
        if not self.is_real:
            raise ValueError(f"the sign of the non-real number {self}")
        if self._n == 1:
            c = self._p[0]
            return (c > 0) - (c < 0)
        prec = 64
        while True:
            re = self._ball(prec).real
            if re > 0:
                return 1
            if re < 0:
                return -1
            prec *= 2

    def _ball(self, prec: int) -> acb:
        """A complex ball enclosing x, computed at ``prec`` bits."""
        old = ctx.prec
        ctx.prec = prec
        try:
            return acb_poly(self._p)(_zeta_ball(self._n, prec))
        finally:
            ctx.prec = old

    def sqrt(self) -> Cyclo:
        """The principal square root of a rational (see :meth:`sqrt_rational`); ``NotExact`` otherwise."""
        if self._n == 1:
            return Cyclo.sqrt_rational(self._p[0])
        raise NotExact(f"the square root of {self} is not an exact number here")

    # -------------------------------------------------------------- conversions
    def __complex__(self) -> complex:
        """The nearest doubles to the real and imaginary parts: the enclosing ball is refined until
        each part is known to 60 bits, a part that is exactly 0 being recognised exactly."""
        if self._n == 1:
            return complex(float(self._p[0]))
        exact_zero = (lambda: self.conjugate() == -self, lambda: self.is_real)
        prec = 64
        while True:
            v = self._ball(prec)
            parts = [_ball_float(part, is_zero) for part, is_zero in zip((v.real, v.imag), exact_zero)]
            if None not in parts:
                return complex(*parts)
            prec *= 2

    def __float__(self) -> float:
        """The nearest double to a real x (``TypeError`` if x is not real)."""
        if not self.is_real:
            raise TypeError(f"{self} is not real")
        return complex(self).real

    def to_sympy(self) -> sympy.Expr:
        """A sympy expression equal to x: ``Rational``; ``a + b·sqrt(D)`` for real and imaginary
        parts of degree ≤ 2; otherwise ``Σ_k c_k exp(2πik/n)``."""
        import sympy

        parts = [_surd(self.real), _surd(self.imag)]
        if None not in parts:
            re, im = (sympy.Rational(a.numerator, a.denominator)
                      + sympy.Rational(b.numerator, b.denominator) * sympy.sqrt(r) for a, b, r in parts)
            return re + sympy.I * im
        zeta = sympy.exp(2 * sympy.pi * sympy.I / self._n)
        coeffs = self._p.coeffs()
        return sympy.Add(*(sympy.Rational(int(c.p), int(c.q)) * zeta**k for k, c in enumerate(coeffs) if c))

    def __repr__(self) -> str:
        return _format(self)

    __str__ = __repr__


Cyclo.I = Cyclo.zeta(1, 4)


def _from_coefficients(n: int, coeffs: tuple[tuple[int, int], ...]) -> Cyclo:
    """Rebuild a pickled number (``n`` is its conductor)."""
    return _new(n, fmpq_poly([fmpq(p, q) for p, q in coeffs]))


@cache
def _sqrt_squarefree(d: int) -> Cyclo:
    """√D = Π_{p | D} √p, with the sign verified rigorously."""
    root = _rational(fmpq(1))
    for p in _prime_factors(d) if d > 1 else ():
        root = root * _sqrt_prime(p)
    if root.sign() < 0:  # cannot happen by Gauss's theorem; the check makes the result independent of it
        root = -root
    return root


def _sqrt_prime(p: int) -> Cyclo:
    """√p by a quadratic Gauss sum g = Σ (a/p) ζ_p^a: √p = g (p ≡ 1 mod 4), −i·g (p ≡ 3 mod 4)."""
    if p == 2:
        return Cyclo.zeta(1, 8) + Cyclo.zeta(7, 8)
    coeffs = [0] + [1 if pow(a, (p - 1) // 2, p) == 1 else -1 for a in range(1, p)]
    g = _new(p, fmpq_poly(coeffs) % _phi(p))
    return g if p % 4 == 1 else g * (Cyclo.I * -1)


# ---------------------------------------------------------------- printing
def _surd(x: Cyclo) -> tuple[Fraction, Fraction, int] | None:
    """``(a, b, D)`` with ``x = a + b·√D`` for a real x of degree ≤ 2 (b = 0 when rational), from
    the Galois orbit {x, x'}: x = s/2 ± √(s² − 4P)/2, s = x + x', P = x·x', the sign from sign()."""
    if x.is_rational:
        return x.to_fraction(), Fraction(0), 1
    orbit = x.galois_orbit(limit=3)
    if len(orbit) != 2:
        return None
    other = orbit[1] if orbit[0] == x else orbit[0]
    s, prod = (x + other).to_fraction(), (x * other).to_fraction()
    disc = s * s - 4 * prod
    square, free = _split_square(disc.numerator * disc.denominator)
    b = Fraction(square, 2 * disc.denominator)
    return s / 2, (b if (x - s / 2).sign() > 0 else -b), free


def _frac_text(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _scaled(c: Fraction, unit: str) -> str:
    """``c·unit`` for c > 0: ``unit``, ``3*unit``, ``unit/2``, ``3*unit/4``."""
    body = unit if c.numerator == 1 else f"{c.numerator}*{unit}"
    return body if c.denominator == 1 else f"{body}/{c.denominator}"


def _surd_text(a: Fraction, b: Fraction, r: int) -> str:
    """``a + b·√D``: ``sqrt(2)/2``, ``-3*sqrt(5)/4``, ``(1 + sqrt(5))/4`` when a and b share their
    denominator, otherwise ``1/2 + sqrt(2)/4``."""
    if b == 0:
        return _frac_text(a)
    if a == 0:
        return ("-" if b < 0 else "") + _scaled(abs(b), f"sqrt({r})")
    if a.denominator == b.denominator != 1:
        root = _scaled(Fraction(abs(b.numerator)), f"sqrt({r})")
        if a < 0 and b < 0:
            return f"-({-a.numerator} + {root})/{a.denominator}"
        return f"({a.numerator} {'+' if b > 0 else '-'} {root})/{a.denominator}"
    return f"{_frac_text(a)} {'+' if b > 0 else '-'} {_scaled(abs(b), f'sqrt({r})')}"


def _imag_text(a: Fraction, b: Fraction, r: int) -> str:
    """The imaginary part times i: ``i``, ``-i/2``, ``3*i/4``, ``sqrt(3)/2*i``, ``(1 + sqrt(5))/4*i``."""
    if b == 0:
        return ("-" if a < 0 else "") + _scaled(abs(a), "i")
    text = _surd_text(a, b, r)
    return f"({text})*i" if " " in text and not text.startswith(("(", "-(")) else f"{text}*i"


def _trig_sum_text(x: Cyclo, part: str) -> str:
    """The real (``part="cos"``) or imaginary (``"sin"``) part of ``x = Σ_k c_k ζ_n^k`` as
    ``Σ_k c_k cos(2πk/n)`` or ``Σ_k c_k sin(2πk/n)``, each angle folded into [0, π/2] (cos(−θ) = cos θ,
    cos(π − θ) = −cos θ; sin(−θ) = −sin θ, sin(π − θ) = sin θ) and equal angles merged: ``cos(pi/8)/2``
    for (ζ₁₆ − ζ₁₆⁷)/4, ``cos(2*pi/7) + sin(2*pi/7)*i`` for ζ₇.  Exact and in the language's own syntax
    (it parses back to the same number), though not unique when the terms are linearly dependent."""
    terms: dict[Fraction, Fraction] = {}  # angle/π in [0, 1/2] -> coefficient
    for k, c in enumerate(x._p.coeffs()):
        if not c:
            continue
        t, sign = Fraction(k, x._n), 1  # the angle is 2πt, 0 ≤ t < 1
        if t > Fraction(1, 2):
            t, sign = 1 - t, (1 if part == "cos" else -1)
        if t > Fraction(1, 4):
            t, sign = Fraction(1, 2) - t, (-sign if part == "cos" else sign)
        vanishes = t == (Fraction(1, 4) if part == "cos" else 0)
        if not vanishes:
            terms[2 * t] = terms.get(2 * t, Fraction(0)) + sign * _as_fraction(c)
    parts = []
    for angle, c in sorted(terms.items()):
        if c == 0:
            continue
        if angle in (0, Fraction(1, 2)):  # cos 0 = sin π/2 = 1
            parts.append(_frac_text(c))
            continue
        pi = "pi" if angle.numerator == 1 else f"{angle.numerator}*pi"
        parts.append(("-" if c < 0 else "") + _scaled(abs(c), f"{part}({pi}/{angle.denominator})"))
    return " + ".join(parts).replace("+ -", "- ") if parts else "0"


def _format(x: Cyclo) -> str:
    """``re + im*i``, each part in radicals when its degree is ≤ 2 (``1/2 + sqrt(3)/2*i``), otherwise
    as the shortest of three exact sums of cosines or sines of rational multiples of π
    (:func:`_trig_sum_text` of x, of its mirror −x̄, and of the part itself)."""
    re, im = x.real, x.imag
    mirror = -x.conjugate()  # the same imaginary part as x, and often fewer terms (ζ₇⁶ = −1 − ζ₇ − … − ζ₇⁵)
    re_s = _surd(re)
    if re_s is not None:
        real = _surd_text(*re_s)
    else:
        real = min((_trig_sum_text(x, "cos"), _trig_sum_text(-mirror, "cos"), _trig_sum_text(re, "cos")), key=len)
    if im.is_zero:
        return real
    im_s = _surd(im)
    if im_s is not None:
        imag = _imag_text(*im_s)
    else:
        text = min((_trig_sum_text(x, "sin"), _trig_sum_text(mirror, "sin"), _trig_sum_text(im, "cos")), key=len)
        imag = f"({text})*i" if " " in text.lstrip("-") else f"{text}*i"
    if re.is_zero:
        return imag
    return f"{real} - {imag[1:]}" if imag.startswith("-") else f"{real} + {imag}"

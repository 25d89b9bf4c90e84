"""Exact numbers: elements of cyclotomic fields Q(ζ_n), ζ_n = exp(2πi/n).

Every constant of the language — rationals, ``i``, square roots of rationals,
cos/sin of rational multiples of π, roots of unity — lies in some Q(ζ_n), and
Q(ζ_m), Q(ζ_n) both embed in Q(ζ_lcm(m,n)) by ζ_m = ζ_L^{L/m}.  So model
values are built in a number field from the start (never converted from
generic sympy expressions, which was measured to be slow and undecided).

An element is ``p(ζ_n)`` with ``p`` a python-flint ``fmpq_poly`` reduced
modulo the cyclotomic polynomial Φ_n, so the zero test is exact.  Elements
are kept in their minimal field (conductor), which makes the representation
canonical: equal numbers have equal ``(n, p)``.  Signs of real elements are
decided rigorously with ball arithmetic (``acb``) at increasing precision.

Square roots of rationals use Gauss sums: for an odd prime p,
``g = Σ_{a=1}^{p−1} (a/p) ζ_p^a`` equals ``√p`` if p ≡ 1 (mod 4) and ``i√p`` if
p ≡ 3 (mod 4) (Gauss); ``√2 = ζ_8 + ζ_8⁻¹``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

from flint import acb, arb, ctx, fmpq, fmpq_mat, fmpq_poly, fmpz_poly

__all__ = ["Cyclo", "NotExact"]


class NotExact(ValueError):
    """A value that has no exact representation here (e.g. √(√2))."""


# ---------------------------------------------------------------- field data (cached)
@cache
def _phi(n: int) -> fmpq_poly:
    """The cyclotomic polynomial Φ_n."""
    return fmpq_poly(fmpz_poly.cyclotomic(n).coeffs())


@cache
def _prime_factors(n: int) -> tuple[int, ...]:
    out, f = [], 2
    while f * f <= n:
        if n % f == 0:
            out.append(f)
            while n % f == 0:
                n //= f
        f += 1
    if n > 1:
        out.append(n)
    return tuple(out)


def _totient(n: int) -> int:
    result = n
    for p in _prime_factors(n):
        result -= result // p
    return result


def _stretch(p: fmpq_poly, k: int) -> fmpq_poly:
    """``p(x^k)``."""
    if k == 1 or p.degree() <= 0:
        return p
    coeffs = [fmpq(0)] * (k * p.degree() + 1)
    for i, c in enumerate(p.coeffs()):
        coeffs[i * k] = c
    return fmpq_poly(coeffs)


def _embed(p: fmpq_poly, n: int, big: int) -> fmpq_poly:
    """``p(ζ_n)`` written in Q(ζ_big), ``n | big``."""
    if n == big:
        return p
    return _stretch(p, big // n) % _phi(big)


def _galois(p: fmpq_poly, n: int, a: int) -> fmpq_poly:
    """σ_a: ζ_n ↦ ζ_n^a applied to ``p(ζ_n)``."""
    if p.degree() <= 0:
        return p
    coeffs = [fmpq(0)] * n
    for i, c in enumerate(p.coeffs()):
        if c != 0:
            coeffs[(i * a) % n] += c
    return fmpq_poly(coeffs) % _phi(n)


@cache
def _kernel_generators(n: int, m: int) -> tuple[int, ...]:
    """Units ``a ≡ 1 (mod m)`` of Z/n generating the subgroup fixing Q(ζ_m) (all of them; small)."""
    return tuple(a for a in range(1, n) if a % m == 1 % m and math.gcd(a, n) == 1 and a != 1)


@cache
def _descent(n: int, m: int) -> fmpq_mat:
    """A left inverse of the embedding Q(ζ_m) → Q(ζ_n) in power-basis coordinates."""
    dn, dm = _totient(n), _totient(m)
    cols = []
    for k in range(dm):
        e = _embed(fmpq_poly([0] * k + [1]), m, n)
        c = list(e.coeffs()) + [fmpq(0)] * (dn - len(e.coeffs()))
        cols.append(c)
    E = fmpq_mat(dn, dm, [cols[j][i] for i in range(dn) for j in range(dm)])
    Et = E.transpose()
    return (Et * E).inv() * Et


def _minimal(n: int, p: fmpq_poly) -> tuple[int, fmpq_poly]:
    """The conductor of ``p(ζ_n)`` and its coordinates there."""
    if p.degree() <= 0:
        return 1, p
    changed = True
    while changed and n > 2:
        changed = False
        for q in _prime_factors(n):
            m = n // q
            if m == 1:
                continue
            if all(_galois(p, n, a) == p for a in _kernel_generators(n, m)):
                coords = _descent(n, m) * fmpq_mat(_totient(n), 1, _padded(p, _totient(n)))
                p = fmpq_poly([coords[i, 0] for i in range(coords.nrows())])
                n = m
                changed = True
                break
    if n == 2:  # Q(ζ_2) = Q
        return 1, p
    return n, p


def _padded(p: fmpq_poly, length: int) -> list:
    c = list(p.coeffs())
    return c + [fmpq(0)] * (length - len(c))


@cache
def _zeta_ball(n: int, prec: int) -> acb:
    old = ctx.prec
    ctx.prec = prec
    try:
        return acb(arb(2) / n).exp_pi_i()
    finally:
        ctx.prec = old


# ---------------------------------------------------------------- the number type
class Cyclo:
    """An exact element of a cyclotomic field; immutable and hashable.

    Arithmetic mixes freely with ``int`` and ``Fraction``."""

    __slots__ = ("n", "p")
    I: Cyclo  # noqa: E741  (the imaginary unit, as in the language)

    def __init__(self, value: int | Fraction | fmpq | Cyclo = 0):
        if isinstance(value, Cyclo):
            self.n, self.p = value.n, value.p
            return
        if isinstance(value, Fraction):
            value = fmpq(value.numerator, value.denominator)
        elif isinstance(value, bool):
            value = int(value)
        elif not isinstance(value, (int, fmpq)):
            raise TypeError(f"cannot make an exact number from {type(value).__name__}")
        self.n = 1
        self.p = fmpq_poly([value]) if value != 0 else fmpq_poly([])

    @classmethod
    def _raw(cls, n: int, p: fmpq_poly, reduce: bool = True) -> Cyclo:
        obj = cls.__new__(cls)
        if n > 1:
            p = p % _phi(n)
        if reduce:
            n, p = _minimal(n, p)
        obj.n, obj.p = n, p
        return obj

    # -------------------------------------------------------------- constructors
    @classmethod
    def zeta(cls, k: int, n: int) -> Cyclo:
        """``exp(2πik/n)``."""
        k %= n
        return cls._raw(n, fmpq_poly([0] * k + [1]))

    @classmethod
    def exp_i_pi(cls, r) -> Cyclo:
        """``exp(iπr)`` for rational ``r``."""
        r = Fraction(r)
        return cls.zeta(r.numerator, 2 * r.denominator)

    @classmethod
    def cos_pi(cls, r) -> Cyclo:
        """``cos(πr) = (ζ + ζ⁻¹)/2`` with ``ζ = exp(iπr)``."""
        z = cls.exp_i_pi(r)
        return (z + z.conjugate()) * Fraction(1, 2)

    @classmethod
    def sin_pi(cls, r) -> Cyclo:
        """``sin(πr) = (ζ − ζ⁻¹)/(2i)``."""
        z = cls.exp_i_pi(r)
        return (z - z.conjugate()) * (-cls.I) * Fraction(1, 2)

    @classmethod
    def sqrt_rational(cls, q) -> Cyclo:
        """The principal square root of a rational (``i·√|q|`` for ``q < 0``)."""
        q = Fraction(q)
        if q < 0:
            return cls.I * cls.sqrt_rational(-q)
        if q == 0:
            return cls(0)
        num = q.numerator * q.denominator
        square, free = 1, 1
        for p in _prime_factors(num):
            e = 0
            while num % p == 0:
                num //= p
                e += 1
            square *= p ** (e // 2)
            if e % 2:
                free *= p
        out = cls(Fraction(square, q.denominator))
        for p in _prime_factors(free):
            out = out * _sqrt_prime(p)
        return out

    # -------------------------------------------------------------- arithmetic
    def _lift(self, other) -> tuple[int, fmpq_poly, fmpq_poly] | None:
        if not isinstance(other, Cyclo):
            if isinstance(other, (int, Fraction, fmpq)) and not isinstance(other, bool) or isinstance(other, bool):
                other = Cyclo(other)
            else:
                return None
        if self.n == other.n:
            return self.n, self.p, other.p
        big = math.lcm(self.n, other.n)
        return big, _embed(self.p, self.n, big), _embed(other.p, other.n, big)

    def __add__(self, other):
        t = self._lift(other)
        if t is None:
            return NotImplemented
        return Cyclo._raw(t[0], t[1] + t[2])

    __radd__ = __add__

    def __sub__(self, other):
        t = self._lift(other)
        if t is None:
            return NotImplemented
        return Cyclo._raw(t[0], t[1] - t[2])

    def __rsub__(self, other):
        t = self._lift(other)
        if t is None:
            return NotImplemented
        return Cyclo._raw(t[0], t[2] - t[1])

    def __mul__(self, other):
        t = self._lift(other)
        if t is None:
            return NotImplemented
        if t[1].is_zero() or t[2].is_zero():
            return Cyclo(0)
        return Cyclo._raw(t[0], t[1] * t[2])

    __rmul__ = __mul__

    def inverse(self) -> Cyclo:
        """``1/x``, via the extended Euclidean algorithm modulo Φ_n."""
        if self.is_zero:
            raise ZeroDivisionError("division by zero")
        if self.n == 1:
            return Cyclo._raw(1, fmpq_poly([1 / self.p[0]]), reduce=False)
        g, s, _ = self.p.xgcd(_phi(self.n))
        return Cyclo._raw(self.n, s * (1 / g[0]))

    def __truediv__(self, other):
        if not isinstance(other, Cyclo):
            if isinstance(other, (int, Fraction, fmpq)):
                other = Cyclo(other)
            else:
                return NotImplemented
        return self * other.inverse()

    def __rtruediv__(self, other):
        if not isinstance(other, (int, Fraction, fmpq)):
            return NotImplemented
        return Cyclo(other) * self.inverse()

    def __neg__(self) -> Cyclo:
        obj = Cyclo.__new__(Cyclo)
        obj.n, obj.p = self.n, -self.p
        return obj

    def __pos__(self) -> Cyclo:
        return self

    def __pow__(self, e: int) -> Cyclo:
        if not isinstance(e, int):
            return NotImplemented
        if e < 0:
            return self.inverse() ** (-e)
        out, base = Cyclo(1), self
        while e:
            if e & 1:
                out = out * base
            e >>= 1
            if e:
                base = base * base
        return out

    # -------------------------------------------------------------- structure
    def conjugate(self) -> Cyclo:
        """Complex conjugate: ζ ↦ ζ⁻¹."""
        if self.n <= 2:
            return self
        return Cyclo._raw(self.n, _galois(self.p, self.n, self.n - 1), reduce=False)

    @property
    def real(self) -> Cyclo:
        return (self + self.conjugate()) * Fraction(1, 2)

    @property
    def imag(self) -> Cyclo:
        return (self - self.conjugate()) * (-Cyclo.I) * Fraction(1, 2)

    @property
    def is_zero(self) -> bool:
        return self.p.is_zero()

    @property
    def is_rational(self) -> bool:
        return self.n == 1

    @property
    def is_real(self) -> bool:
        return self.n <= 2 or self.conjugate().p == self.p

    @property
    def conductor(self) -> int:
        """The ``n`` of the smallest cyclotomic field holding this number."""
        return self.n

    def galois_orbit(self) -> list[Cyclo]:
        """The distinct conjugates ``σ_a(x)``, ``a ∈ (Z/n)^*``; their number is the degree over Q."""
        seen: dict[str, Cyclo] = {}
        for a in range(1, max(self.n, 2)):
            if math.gcd(a, self.n) == 1:
                c = Cyclo._raw(self.n, _galois(self.p, self.n, a), reduce=False)
                seen.setdefault(str(c.p), c)
        return list(seen.values())

    @property
    def degree(self) -> int:
        return len(self.galois_orbit())

    def to_fraction(self) -> Fraction:
        """The value as a Fraction (``ValueError`` if irrational)."""
        if not self.is_rational:
            raise ValueError(f"{self} is not rational")
        if self.p.is_zero():
            return Fraction(0)
        c = self.p[0]
        return Fraction(int(c.p), int(c.q))

    def sign(self) -> int:
        """−1, 0 or 1 for a real number, decided rigorously (ball arithmetic)."""
        if not self.is_real:
            raise ValueError(f"the sign of the non-real number {self}")
        if self.is_zero:
            return 0
        if self.is_rational:
            f = self.to_fraction()
            return 1 if f > 0 else -1
        prec = 64
        while True:
            re = self._ball(prec).real
            if re > 0:
                return 1
            if re < 0:
                return -1
            prec *= 2

    def _ball(self, prec: int) -> acb:
        old = ctx.prec
        ctx.prec = prec
        try:
            z = _zeta_ball(self.n, prec)
            value, power = acb(0), acb(1)
            for c in self.p.coeffs():
                if c != 0:
                    value += power * acb(arb(c))
                power *= z
            return value
        finally:
            ctx.prec = old

    def sqrt(self) -> Cyclo:
        """Exact square root of a rational; ``NotExact`` otherwise."""
        if self.is_rational:
            return Cyclo.sqrt_rational(self.to_fraction())
        raise NotExact(f"sqrt({self}) is not a cyclotomic number known here")

    # -------------------------------------------------------------- conversions
    def __complex__(self) -> complex:
        if self.is_rational:
            return complex(float(self.to_fraction()))
        v = self._ball(80)
        return complex(float(v.real.mid()), float(v.imag.mid()))

    def __float__(self) -> float:
        if not self.is_real:
            raise TypeError(f"{self} is not real")
        return complex(self).real

    def __eq__(self, other) -> bool:
        if isinstance(other, (int, Fraction, fmpq)):
            other = Cyclo(other)
        if isinstance(other, Cyclo):
            return self.n == other.n and self.p == other.p
        return NotImplemented

    def __hash__(self) -> int:
        if self.is_rational:
            return hash(self.to_fraction())
        return hash((self.n, str(self.p)))

    def __bool__(self) -> bool:
        return not self.is_zero

    def to_sympy(self):
        """A sympy expression equal to this number (``a + b*sqrt(D)`` parts where the degree allows)."""
        import sympy

        def part(x: Cyclo):
            q = _quadratic(x)
            if q is not None:
                rational, coef, free = q
                return sympy.Rational(rational.numerator, rational.denominator) + \
                    sympy.Rational(coef.numerator, coef.denominator) * sympy.sqrt(free)
            return sum(sympy.Rational(int(c.p), int(c.q)) * sympy.exp(2 * sympy.pi * sympy.I * k / x.n)
                       for k, c in enumerate(x.p.coeffs()) if c != 0)

        return part(self.real) + sympy.I * part(self.imag)

    def __repr__(self) -> str:
        return _format(self)

    __str__ = __repr__


Cyclo.I = Cyclo.zeta(1, 4)


def _sqrt_prime(p: int) -> Cyclo:
    """√p by a quadratic Gauss sum."""
    if p == 2:
        return Cyclo.zeta(1, 8) + Cyclo.zeta(7, 8)
    coeffs = [0] * p
    for a in range(1, p):
        coeffs[a] = 1 if pow(a, (p - 1) // 2, p) == 1 else -1
    g = Cyclo._raw(p, fmpq_poly(coeffs))
    return g if p % 4 == 1 else -(Cyclo.I * g)


# ---------------------------------------------------------------- printing
def _frac_text(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _scaled(coef: Fraction, unit: str) -> str:
    """``coef·unit`` written as a physicist would: sqrt(2)/2, -3*sqrt(5)/4, i/2."""
    sign = "-" if coef < 0 else ""
    c = abs(coef)
    body = unit if c.numerator == 1 else f"{c.numerator}*{unit}"
    return f"{sign}{body}" + (f"/{c.denominator}" if c.denominator != 1 else "")


def _quadratic(x: Cyclo) -> tuple[Fraction, Fraction, int] | None:
    """``(r, c, D)`` with ``x = r + c·√D`` (``D`` squarefree) for a real ``x`` of degree ≤ 2."""
    if x.is_rational:
        return x.to_fraction(), Fraction(0), 1
    orbit = x.galois_orbit()
    if len(orbit) != 2:
        return None
    other = orbit[1] if orbit[0] == x else orbit[0]
    s = (x + other).to_fraction()
    disc = s * s - 4 * (x * other).to_fraction()  # x = s/2 ± √disc/2
    num = disc.numerator * disc.denominator
    square, free = 1, 1
    for p in _prime_factors(num):
        e = 0
        while num % p == 0:
            num //= p
            e += 1
        square *= p ** (e // 2)
        if e % 2:
            free *= p
    coef = Fraction(square, 2 * disc.denominator)
    if (x - Cyclo(s / 2)).sign() < 0:
        coef = -coef
    return s / 2, coef, free


def _real_text(x: Cyclo) -> str:
    """A real number: rational, ``a + b*sqrt(D)``, or an exact root-of-unity sum."""
    q = _quadratic(x)
    if q is None:
        return _root_sum(x)
    rational, coef, free = q
    if coef == 0:
        return _frac_text(rational)
    surd = _scaled(coef, f"sqrt({free})")
    if rational == 0:
        return surd
    return f"{_frac_text(rational)} {'-' if coef < 0 else '+'} {surd.lstrip('-')}"


def _root_sum(x: Cyclo) -> str:
    terms = []
    for k, c in enumerate(x.p.coeffs()):
        if c != 0:
            f = Fraction(int(c.p), int(c.q))
            unit = "1" if k == 0 else f"e({_frac_text(Fraction(k, x.n))})"
            terms.append(_frac_text(f) if k == 0 else _scaled(f, unit))
    return "(" + " + ".join(terms).replace("+ -", "- ") + ")"


def _format(x: Cyclo) -> str:
    if x.is_real:
        return _real_text(x)
    re, im = x.real, x.imag
    if im.is_rational:
        imag = _scaled(im.to_fraction(), "i")
    else:
        text = _real_text(im)
        imag = f"{text}*i" if " " not in text or text.startswith("(") else f"({text})*i"
    if re.is_zero:
        return imag
    sign = " - " if imag.startswith("-") else " + "
    return f"{_real_text(re)}{sign}{imag.lstrip('-')}"

"""Arithmetic on model values: exact scalars, floats, and matrices.

Scalars are Python ``int`` (indices, counts), :class:`Cyclo` (exact algebraic
numbers) or ``complex`` (numeric).  Matrices are numpy arrays: ``dtype=object``
holding :class:`Cyclo` when exact, ``complex128`` when numeric.  Anything
numeric makes the result numeric; nothing numeric ever becomes exact again.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact, field_degree
from steerdsl.limits import active, check_entries

Scalar = int | Cyclo | complex | float


class AlgebraError(ValueError):
    """An operation that does not make sense on these operands (shape, kind)."""


def is_matrix(v: object) -> bool:
    return isinstance(v, np.ndarray)


def is_scalar(v: object) -> bool:
    return isinstance(v, (int, Cyclo, complex, float, Fraction)) and not isinstance(v, bool) or isinstance(v, bool)


def is_exact(v: object) -> bool:
    """True for ints, exact numbers and object-dtype matrices."""
    if isinstance(v, np.ndarray):
        return v.dtype == object
    return isinstance(v, (int, bool, Cyclo, Fraction))


def exact_scalar(v: int | Fraction | Cyclo | bool) -> Cyclo:
    return v if isinstance(v, Cyclo) else Cyclo(Fraction(int(v)) if isinstance(v, bool) else v)


def to_numeric(v):
    """The complex (numeric) version of a scalar or matrix."""
    if isinstance(v, np.ndarray):
        if v.dtype == object:
            return np.array([complex(e) for e in v.flat], dtype=complex).reshape(v.shape)
        return v.astype(complex)
    return complex(v)


def as_matrix(v) -> np.ndarray:
    """A scalar as a 1×1 matrix; matrices unchanged."""
    if isinstance(v, np.ndarray):
        return v
    if is_exact(v):
        return np.array([[exact_scalar(v)]], dtype=object)
    return np.array([[complex(v)]], dtype=complex)


def _unify(a, b):
    """Bring two operands to the same exactness."""
    if is_exact(a) and is_exact(b):
        return a, b
    return to_numeric(a), to_numeric(b)


def bits(v) -> int:
    """The size of an exact value in bits (its largest numerator or denominator; 0 if numeric)."""
    if isinstance(v, (bool, int)):
        return abs(int(v)).bit_length()
    if isinstance(v, Cyclo):
        return v.bits
    if isinstance(v, Fraction):
        return max(abs(v.numerator).bit_length(), v.denominator.bit_length())
    if isinstance(v, np.ndarray) and v.dtype == object:
        return max((bits(e) for e in v.flat), default=0)
    return 0


def weight(*values) -> int:
    """The cost of one exact scalar operation on entries of ``values``, in the units of the budget
    exact_operations (about a microsecond each): 1 for rationals and small fields, φ(n)/2 for Q(ζ_n) —
    an addition in a field of degree 2052 took up to 1.5 ms."""
    top = 1
    for v in values:
        if isinstance(v, Cyclo):
            top = max(top, v.conductor)
        elif isinstance(v, np.ndarray) and v.dtype == object:
            top = max(top, max((e.conductor for e in v.flat if isinstance(e, Cyclo)), default=1))
    return 1 if top <= 16 else max(1, field_degree(top) // 2)


def charge(units: int, what: str) -> None:
    """Count exact work towards the budget exact_operations."""
    active().charge("exact_operations", units, what)


def check_bits(size: int, what: str) -> None:
    """Refuse an exact number of ``size`` bits above the budget ``integer_bits``."""
    active().check("integer_bits", size, f"the size of {what} (bits)")


def _scalar_op(op: str, a, b):
    if isinstance(a, Cyclo) or isinstance(b, Cyclo):  # large fields and long coefficients cost more
        size = bits(a) + bits(b)
        charge(weight(a, b) * max(1, size >> 10), "this operation")
    if op in ("*", "/") and is_exact(a) and is_exact(b):
        check_bits(bits(a) + bits(b), "this product" if op == "*" else "this quotient")
    out = _scalar_op_unchecked(op, a, b)
    if (op in ("+", "-") and isinstance(out, Cyclo)) or op == "/":  # sums of fractions grow too
        check_bits(bits(out), "this result")
    return out


def _scalar_op_unchecked(op: str, a, b):
    if isinstance(a, bool):
        a = int(a)
    if isinstance(b, bool):
        b = int(b)
    if isinstance(a, int) and isinstance(b, int):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise ZeroDivisionError("division by zero")
            return a // b if a % b == 0 else Cyclo(Fraction(a, b))
    a, b = _unify(a, b)
    if is_exact(a):
        a, b = exact_scalar(a), exact_scalar(b)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if (b == 0) if not isinstance(b, Cyclo) else b.is_zero:
            raise ZeroDivisionError("division by zero")
        return a / b
    raise AlgebraError(f"unknown operator {op}")


def binary(op: str, a, b):
    """``a op b`` for ``op`` in ``+ - * /``; ``*`` is the matrix product."""
    am, bm = is_matrix(a), is_matrix(b)
    if not am and not bm:
        return _scalar_op(op, a, b)
    a, b = _unify(a, b)
    if is_exact(a) and not am:
        a = exact_scalar(a)
    if is_exact(b) and not bm:
        b = exact_scalar(b)
    if op in ("+", "-"):
        if not (am and bm):
            raise AlgebraError(f"cannot {'add' if op == '+' else 'subtract'} a number and a matrix; "
                               "write the number times I(d)")
        if a.shape != b.shape:
            raise AlgebraError(f"dimension mismatch: {shape_text(a)} {op} {shape_text(b)}")
        if a.dtype == object:
            charge(a.size * weight(a, b), f"this {shape_text(a)} sum")
        return a + b if op == "+" else a - b
    if op == "*":
        if am and bm:
            if a.shape[1] != b.shape[0]:
                raise AlgebraError(f"dimension mismatch in a product: {shape_text(a)} times {shape_text(b)}")
            if a.dtype != object:
                return a @ b
            _charge_product(a, b, 1)
            return linalg.matmul(a, b)
        if is_exact(a):
            m, c = (a, b) if am else (b, a)
            charge(m.size * weight(m, c), f"this {shape_text(m)} scaling")
            check_bits(bits(m) + bits(c), "this product")
        return a * b if am else b * a
    if op == "/":
        if bm:
            raise AlgebraError("cannot divide by a matrix; use inv(·)")
        if (b == 0) if not isinstance(b, Cyclo) else b.is_zero:
            raise ZeroDivisionError("division by zero")
        if is_exact(a):
            inv = 1 / b
            return a * inv
        return a / b
    raise AlgebraError(f"unknown operator {op}")


def shape_text(m: np.ndarray) -> str:
    return f"{m.shape[0]}×{m.shape[1]}"


def negate(a):
    if is_matrix(a):
        return -a
    if isinstance(a, bool):
        return -int(a)
    return -a


def power(base, exponent):
    """``base ^ n`` for an integer ``n`` (matrices: repeated product; exact rationals allowed as
    exponent only for ``sqrt``-like halves of rationals)."""
    if not isinstance(exponent, int):
        if isinstance(exponent, Cyclo) and exponent.is_rational and exponent.to_fraction().denominator == 1:
            exponent = int(exponent.to_fraction())
        elif not is_matrix(base) and not is_exact(exponent):
            return complex(base) ** complex(exponent)
        else:
            raise AlgebraError("exponents must be integers (use sqrt(·) for square roots)")
    if is_matrix(base):
        if base.shape[0] != base.shape[1]:
            raise AlgebraError(f"only square matrices have powers, not {shape_text(base)}")
        if exponent < 0:
            raise AlgebraError("negative matrix powers: use inv(·)")
        _check_exponent(base, exponent)
        if base.dtype == object and exponent > 1:
            _charge_product(base, base, exponent)
        out, square = identity_like(base), base
        while exponent:  # square and multiply: about 2·log2(n) products
            if exponent & 1:
                out = out @ square
            exponent >>= 1
            if exponent:
                square = square @ square
        return out
    if isinstance(base, bool):
        base = int(base)
    _check_exponent(base, exponent)
    if is_exact(base) and base not in (0, 1, -1):
        size = bits(base) * abs(exponent)
        check_bits(size, "this power")
        if isinstance(base, Cyclo):
            charge(weight(base) * 2 * exponent.bit_length() * max(1, size >> 10), "this power")
    if isinstance(base, int):
        if exponent >= 0:
            return base**exponent
        if base == 0:
            raise ZeroDivisionError("0 to a negative power")
        return Cyclo(Fraction(1, base ** (-exponent)))
    if isinstance(base, Cyclo):
        return base**exponent
    return complex(base) ** exponent


MAX_EXACT_EXPONENT = 4096
"""Exact powers b^n with |n| above this are refused (unless b is 0, 1 or −1): 7^(10^9) has
2.8·10^9 digits.  Floating-point bases are not limited (they overflow to inf)."""


def _check_exponent(base, exponent: int) -> None:
    if abs(exponent) <= MAX_EXACT_EXPONENT or not is_exact(base):
        return
    if not is_matrix(base) and base in (0, 1, -1):
        return
    shown = exponent if exponent.bit_length() <= 64 else f"of about {int(exponent.bit_length() * 0.30103)} digits"
    raise NotExact(f"the exponent {shown} is too large for exact arithmetic (at most "
                   f"{MAX_EXACT_EXPONENT}); use float(·) for a numeric power")


def _charge_product(a: np.ndarray, b: np.ndarray, exponent: int) -> None:
    """Count the exact operations of ``a @ b`` (of ``a ^ exponent`` when ``exponent > 1``: about
    2·log2(exponent) products) and refuse a result above the entry and bit budgets."""
    n, m, p = a.shape[0], a.shape[1], b.shape[1]
    check_entries("this product", (n, p))
    products = 1 if exponent == 1 else 2 * exponent.bit_length()
    what = f"this {shape_text(a)} times {shape_text(b)} product" if exponent == 1 else \
        f"this power of a {shape_text(a)} matrix"
    charge(n * m * p * products * weight(a, b), what)
    growth = (bits(a) + bits(b) + m.bit_length()) if exponent == 1 else (bits(a) + m.bit_length()) * exponent
    check_bits(growth, what)


def identity_like(m: np.ndarray) -> np.ndarray:
    n = m.shape[0]
    if m.dtype == object:
        return identity(n)
    return np.eye(n, dtype=complex)


identity = linalg.identity
zeros = linalg.zeros


def exact_array(rows) -> np.ndarray:
    """An exact object matrix from nested lists of ints/Fractions/Cyclos (a flat list is a column)."""
    arr = linalg.exact_array(rows)
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def kron(a, b):
    """Tensor product ``a ⊗ b`` (numbers act as scalars)."""
    if not is_matrix(a) or not is_matrix(b):
        return binary("*", a, b)
    a, b = _unify(a, b)
    if a.dtype == object:
        check_entries("this tensor product", (a.shape[0] * b.shape[0], a.shape[1] * b.shape[1]))
        charge(a.size * b.size * weight(a, b), "this tensor product")
        check_bits(bits(a) + bits(b), "this tensor product")
    return linalg.kron(a, b)


def dagger(a):
    """Conjugate transpose ``a†``."""
    if is_matrix(a):
        return linalg.dagger(a)
    return conjugate(a)


def conjugate(a):
    if is_matrix(a):
        if a.dtype == object:
            return np.vectorize(lambda v: v.conjugate(), otypes=[object])(a)
        return a.conj()
    if isinstance(a, (int, bool)):
        return int(a)
    return a.conjugate()


def trace(a):
    if not is_matrix(a):
        return a
    if a.shape[0] != a.shape[1]:
        raise AlgebraError(f"trace of a non-square {shape_text(a)} matrix")
    return linalg.trace(a)


def equal(a, b) -> bool:
    """Exact equality (numeric operands compare exactly too: use ``allclose`` for tolerance)."""
    if is_matrix(a) or is_matrix(b):
        a, b = as_matrix(a), as_matrix(b)
        if a.shape != b.shape:
            return False
        a, b = _unify(a, b)
        if a.dtype == object:
            return all((x - y).is_zero for x, y in zip(a.flat, b.flat))
        return bool(np.array_equal(a, b))
    if is_exact(a) and is_exact(b):
        d = _scalar_op("-", a, b)
        return d == 0 if isinstance(d, int) else d.is_zero
    return complex(a) == complex(b)


def real_sign(v) -> int:
    """Sign of a real scalar (exact for exact numbers)."""
    if isinstance(v, (int, bool)):
        return (v > 0) - (v < 0)
    if isinstance(v, Cyclo):
        return v.sign()
    c = complex(v)
    if abs(c.imag) > 1e-12 * max(1.0, abs(c.real)):
        raise AlgebraError("cannot order complex numbers")
    return (c.real > 0) - (c.real < 0)


def to_int(v) -> int | None:
    """The integer value of a scalar, or None if it is not an integer."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, Cyclo) and v.is_rational:
        f = v.to_fraction()
        return int(f) if f.denominator == 1 else None
    return None

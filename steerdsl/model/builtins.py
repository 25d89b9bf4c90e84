"""Built-in constants and functions of the language.

Constants: ``i``, ``pi``/``π``, ``I`` (identity, dimension from context),
``X``, ``Y``, ``Z``.  Functions take evaluated arguments and return values;
they raise :class:`BuiltinError` with a message the evaluator turns into a
diagnostic at the call.
"""

from __future__ import annotations

import cmath
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.limits import check_entries
from steerdsl.model import algebra as alg
from steerdsl.model.values import Angle, ScaledIdentity


class BuiltinError(ValueError):
    """A built-in called with arguments it cannot take."""

    def __init__(self, message: str, hint: str | None = None, code: str = "E103"):
        super().__init__(message)
        self.hint = hint
        self.code = code


def _pauli(rows) -> np.ndarray:
    return alg.exact_array([[Cyclo(v) if not isinstance(v, Cyclo) else v for v in r] for r in rows])


CONSTANTS = {
    "i": Cyclo.I,
    "pi": Angle(Fraction(1)),
    "π": Angle(Fraction(1)),
    "I": ScaledIdentity(Cyclo(1)),
    "X": _pauli([[0, 1], [1, 0]]),
    "Y": _pauli([[0, -Cyclo.I], [Cyclo.I, 0]]),
    "Z": _pauli([[1, 0], [0, -1]]),
}


def matrix_arg(v, what: str = "argument") -> np.ndarray:
    if isinstance(v, ScaledIdentity):
        raise BuiltinError(f"the dimension of I is unknown in this {what}", "write I(d) with the dimension")
    if not alg.is_matrix(v):
        raise BuiltinError(f"expected a matrix as {what}, got a number")
    return v


def int_arg(v, what: str = "argument") -> int:
    n = alg.to_int(v)
    if n is None:
        raise BuiltinError(f"expected an integer as {what}", code="E106")
    return n


def int_list(v, what: str) -> list[int]:
    if isinstance(v, list):
        return [int_arg(e, what) for e in v]
    return [int_arg(v, what)]


def _identity(d) -> np.ndarray:
    n = int_arg(d, "dimension")
    if n < 1:
        raise BuiltinError(f"dimension must be at least 1, not {n}")
    return alg.identity(n)


def basis_ket(labels: list[int], dims: list[int]) -> np.ndarray:
    """``|j1 j2 …⟩`` in ``C^{d1} ⊗ C^{d2} ⊗ …`` as an exact column vector."""
    index = 0
    for j, d in zip(labels, dims):
        if not 0 <= j < d:
            raise BuiltinError(f"label {j} is out of range for dimension {d}", code="E105")
        index = index * d + j
    vec = alg.zeros(int(np.prod(dims)), 1)
    vec[index, 0] = Cyclo(1)
    return vec


def _ket(*labels) -> np.ndarray:
    ints = [int_arg(v, "ket label") for v in labels]
    return basis_ket(ints, [2] * len(ints))


def _basis(d, *labels) -> np.ndarray:
    n = int_arg(d, "dimension")
    ints = [int_arg(v, "label") for v in labels]
    return basis_ket(ints, [n] * len(ints))


def named_ket(label: str) -> np.ndarray:
    """``|0⟩ |1⟩ |+⟩ |−⟩ |+i⟩ |−i⟩`` and products like ``|01⟩`` or ``|+−⟩``."""
    half = Cyclo.sqrt_rational(Fraction(1, 2))
    singles = {
        "0": [Cyclo(1), Cyclo(0)],
        "1": [Cyclo(0), Cyclo(1)],
        "+": [half, half],
        "-": [half, -half],
        "+i": [half, half * Cyclo.I],
        "-i": [half, -half * Cyclo.I],
    }
    text = label.replace("−", "-")
    qubits = len(text) - text.count("i")
    check_entries(f"the ket |{label if len(label) <= 12 else label[:12] + '…'}⟩", (2**min(qubits, 4096), 1))
    vec = None
    pos = 0
    while pos < len(text):
        tok = text[pos : pos + 2] if text[pos : pos + 2] in ("+i", "-i") else text[pos]
        if tok not in singles:
            raise BuiltinError(f"unknown ket label {tok!r} in |{label}⟩",
                               "kets are qubit labels 0 1 + − +i −i; use basis(d, j) for other dimensions",
                               code="E105")
        part = alg.exact_array([[v] for v in singles[tok]])
        vec = part if vec is None else np.kron(vec, part)
        pos += len(tok)
    if vec is None:
        raise BuiltinError("empty ket", code="E105")
    return vec


def _proj(v) -> np.ndarray:
    m = matrix_arg(v, "vector")
    if m.shape[1] != 1:
        if m.shape[0] == 1:
            m = alg.dagger(m)
        else:
            raise BuiltinError(f"proj takes a vector, got a {alg.shape_text(m)} matrix")
    return alg.binary("*", m, alg.dagger(m))


def _sqrt(v):
    if isinstance(v, (int, bool)) or (isinstance(v, Cyclo) and v.is_rational):
        return Cyclo.sqrt_rational(Fraction(int(v)) if isinstance(v, (int, bool)) else v.to_fraction())
    if isinstance(v, Cyclo):
        try:
            return v.sqrt()
        except NotExact as exc:
            raise BuiltinError(f"the square root of {v} is not an exact number here",
                               "use float(·) to compute it numerically", code="E108") from exc
    if alg.is_matrix(v) or isinstance(v, ScaledIdentity):
        raise BuiltinError("sqrt of a matrix: use sqrtm(·)")
    return complex(v) ** 0.5


def _trig(name: str):
    def fn(v):
        if isinstance(v, Angle) and not v.imaginary:
            return {"cos": Cyclo.cos_pi, "sin": Cyclo.sin_pi}[name](v.r)
        if isinstance(v, (int, bool)) and int(v) == 0:
            return Cyclo(1) if name == "cos" else Cyclo(0)
        if alg.is_matrix(v) or isinstance(v, ScaledIdentity):
            raise BuiltinError(f"{name} of a matrix is not supported")
        c = complex(v)
        return cmath.cos(c) if name == "cos" else cmath.sin(c)  # OverflowError (E108), not inf

    return fn


def _exp(v):
    if isinstance(v, Angle) and v.imaginary:
        return Cyclo.exp_i_pi(v.r)
    if isinstance(v, (int, bool)) and int(v) == 0:
        return Cyclo(1)
    if alg.is_matrix(v) or isinstance(v, ScaledIdentity):
        raise BuiltinError("exp of a matrix is not supported")
    return cmath.exp(complex(v))  # OverflowError (E108), not inf


def _tr(m):
    if isinstance(m, ScaledIdentity):
        raise BuiltinError("the trace of I needs its dimension", "write I(d)")
    return alg.trace(m)


def _ptrace(m, dims, traced):
    mat = matrix_arg(m)
    d = int_list(dims, "dimension")
    return linalg.partial_trace(mat, tuple(d), tuple(int_list(traced, "subsystem")))


def _ptranspose(m, dims, systems):
    mat = matrix_arg(m)
    d = int_list(dims, "dimension")
    return linalg.partial_transpose(mat, tuple(d), tuple(int_list(systems, "subsystem")))


def _transpose(m):
    return matrix_arg(m).T.copy()


def _inv(m):
    mat = matrix_arg(m)
    try:
        return linalg.inverse(mat) if mat.dtype == object else np.linalg.inv(mat)
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise BuiltinError("the matrix is singular", code="E107") from exc


def _sqrtm(m):
    mat = matrix_arg(m)
    if mat.shape[0] != mat.shape[1]:
        raise BuiltinError(f"sqrtm takes a square matrix, not {alg.shape_text(mat)}", code="E104")
    if mat.dtype != object:
        w, v = np.linalg.eigh(mat)
        return (v * np.sqrt(np.clip(w, 0, None))) @ v.conj().T
    try:
        return linalg.sqrtm(mat)
    except NotExact as exc:
        raise BuiltinError("this matrix has no exact square root here",
                           "use sqrtm(float(·)) to compute it numerically", code="E108") from exc


def _delta(a, b):
    return int(alg.equal(a, b))


def _float(v):
    if isinstance(v, (Angle, ScaledIdentity)):
        return complex(v) if isinstance(v, Angle) else ScaledIdentity(complex(v.c))
    return alg.to_numeric(v)


def _kron(*ms):
    out = ms[0]
    for m in ms[1:]:
        out = alg.kron(out, m)
    return out


def _real(v):
    return alg.binary("/", alg.binary("+", v, alg.conjugate(v)), 2)


def _imag(v):
    return alg.binary("/", alg.binary("-", v, alg.conjugate(v)), alg.binary("*", 2, Cyclo.I))


def _abs(v):
    if alg.is_matrix(v):
        raise BuiltinError("abs takes a number")
    sq = alg.binary("*", v, alg.conjugate(v))
    return _sqrt(sq) if alg.is_exact(sq) else abs(complex(v))


def _diag(*vals):
    if any(alg.is_matrix(v) or isinstance(v, (Angle, ScaledIdentity)) for v in vals):
        raise BuiltinError("diag takes numbers, the diagonal entries", "diag(1, 0) is |0⟩⟨0|")
    n = len(vals)
    exact = all(alg.is_exact(v) for v in vals)
    out = alg.zeros(n, n) if exact else np.zeros((n, n), dtype=complex)
    for k, v in enumerate(vals):
        out[k, k] = alg.exact_scalar(v) if exact else complex(v)
    return out


FUNCTIONS: dict[str, tuple[Callable, int | tuple[int, int]]] = {
    # name: (function, number of arguments or (min, max))
    "I": (_identity, 1),
    "ket": (_ket, (1, 32)),
    "basis": (_basis, (2, 32)),
    "bra": (lambda *a: alg.dagger(_ket(*a)), (1, 32)),
    "proj": (_proj, 1),
    "sqrt": (_sqrt, 1),
    "cos": (_trig("cos"), 1),
    "sin": (_trig("sin"), 1),
    "exp": (_exp, 1),
    "tr": (_tr, 1),
    "ptrace": (_ptrace, 3),
    "ptranspose": (_ptranspose, 3),
    "T": (_transpose, 1),
    "dag": (lambda m: alg.dagger(m), 1),
    "conj": (lambda m: alg.conjugate(m), 1),
    "inv": (_inv, 1),
    "sqrtm": (_sqrtm, 1),
    "delta": (_delta, 2),
    "float": (_float, 1),
    "kron": (_kron, (1, 64)),
    "re": (_real, 1),
    "im": (_imag, 1),
    "abs": (_abs, 1),
    "diag": (_diag, (1, 256)),
}

REDUCERS = ("sum", "prod", "kron")

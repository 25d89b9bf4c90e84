"""A model's validity conditions as sympy expressions (``steer compile --emit constraints``, :func:`constraints`).

Each :class:`Constraint` is a name (object, indices, property), a sympy expression ``e`` and a relation
``e == 0`` or ``e >= 0``, so a user can evaluate it with sympy alone (physics.md §2):

* Hermiticity of a matrix ``A``: ``A[i,j] − conj(A[j,i]) == 0`` for ``i ≤ j``;
* ``A ⪰ 0`` for Hermitian ``A`` (n × n): the coefficients ``c_k`` of ``det(tI − A)`` alternate weakly in
  sign, ``(−1)^(n−k) c_k >= 0`` for ``k = 0 … n−1`` (``(−1)^(n−k) c_k`` is the sum of the principal minors of
  size ``n − k``; Horn & Johnson, *Matrix Analysis*, Cor. 7.1.5 and §1.2);
* assemblages: the kind's no-signalling structure, declared once in :mod:`steerdsl.model.nosignalling` — in
  every copy (one Bob, each Bob input ``y``, each Bob) and for every Alice ``j``, ``Σ_{a_j} σ_{a|x}`` does not
  depend on ``x_j`` and ``tr Σ_a σ_{a|x} = 1``; ``tr σ_{a|x}`` is the same in every copy.  Instrumental
  assemblages get positivity and normalisation only (being general instrumental is an SDP question, see
  :func:`steerdsl.exact.checks.general_instrumental`); sequential ones get positivity only (E302): both say
  so in :attr:`Constraints.notes`;
* measurements: elements ``⪰ 0`` and ``Σ_a M_{a|x} = I``; states: ``ρ ⪰ 0`` and ``tr ρ = 1``; maps:
  completely positive (``J ⪰ 0``) and trace preserving (``tr_out J = I``) for the Choi matrix ``J``.

Exact values become sympy numbers through :func:`steerdsl.emit.to_sympy` (``Cyclo.to_sympy``).
:func:`decide` settles a constraint with sympy alone: an equality by the minimal polynomial of its
expression (zero iff it is ``x``), a sign by ``evalf`` once the number is proved nonzero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sympy

from steerdsl.checking import stated_tol
from steerdsl.diagnostics import Refusal
from steerdsl.emit import to_sympy
from steerdsl.exact.report import NUMERIC_ATOL
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.model import Model
from steerdsl.model.nosignalling import signalling_groups, structure
from steerdsl.model.scenario import Key, Scenario
from steerdsl.model.values import Behaviour, LinearMap, Measurement, State


@dataclass(frozen=True)
class Constraint:
    """``expr == 0`` (relation ``"=="``) or ``expr >= 0`` (``">="``); ``subject`` is the object and
    ``property`` the exact check it belongs to (``psd``, ``normalised``, ``nonsignalling``, …)."""

    name: str
    expr: sympy.Expr
    relation: str
    subject: str
    property: str
    tolerance: float = NUMERIC_ATOL
    """How far from holding floating-point data may be (a table's stated ``numeric tol T``); exact data: 0."""

    def __str__(self) -> str:
        return f"{self.name}: {self.expr} {self.relation} 0"

    def holds(self) -> bool | None:
        """:func:`decide` on this constraint."""
        return decide(self)


@dataclass
class Constraints:
    """The constraints of one object or model, and notes on the parts that have no finite form."""

    constraints: list[Constraint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Constraint]:
        return iter(self.constraints)

    def __len__(self) -> int:
        return len(self.constraints)

    def __getitem__(self, i: int) -> Constraint:
        return self.constraints[i]

    def extend(self, other: Constraints) -> None:
        self.constraints += other.constraints
        self.notes += other.notes

    def text(self) -> str:
        """One line per constraint, then the notes (what ``steer compile --emit constraints`` prints)."""
        lines = [str(c) for c in self.constraints]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


def constraints(obj: Model | Assemblage | Measurement | State | LinearMap | Behaviour,
                form: str = "sympy") -> Constraints:
    """The validity conditions of a model (every assemblage, measurement, state and map it defines) or of
    one object, as sympy expressions (module docstring; physics.md §2).  Only ``form="sympy"`` exists."""
    if form != "sympy":
        raise ValueError(f"constraints: unknown form {form!r} (the only form is 'sympy')")
    if isinstance(obj, Model):
        out = Constraints()
        for d in obj.definitions.values():
            if d.span is not None and d.span.file != obj.file:
                continue  # emitted with its own file
            v = d.value
            if isinstance(v, Assemblage) and d.kind == "assemblage" or isinstance(v, (Measurement, State, LinearMap)):
                found, tol = constraints(v), stated_tol(d)
                if tol is not None:  # as the checks do, and saying so
                    found.constraints = [replace(c, tolerance=tol) for c in found]
                    found.notes.append(f"{d.name}: floating-point data within the tolerance {tol:g} it states")
                out.extend(found)
        return out
    if isinstance(obj, Behaviour):
        return assemblage_constraints(obj.as_assemblage())
    if isinstance(obj, Assemblage):
        return assemblage_constraints(obj)
    if isinstance(obj, Measurement):
        return measurement_constraints(obj)
    if isinstance(obj, State):
        return state_constraints(obj)
    if isinstance(obj, LinearMap):
        return map_constraints(obj)
    raise TypeError(f"constraints: no constraints for {type(obj).__name__}")


# ---------------------------------------------------------------- matrices
def _matrix(m: Any) -> sympy.ImmutableMatrix:
    arr = np.asarray(m, dtype=object)
    return to_sympy(arr.reshape(1, 1) if arr.ndim == 0 else arr)


def hermitian(a: sympy.MatrixBase, label: str, subject: str, prop: str) -> list[Constraint]:
    """``A[i,j] − conj(A[j,i]) == 0`` for ``i ≤ j``."""
    n = a.shape[0]
    return [Constraint(f"{label} hermitian ({i},{j})", a[i, j] - sympy.conjugate(a[j, i]), "==", subject, prop)
            for i in range(n) for j in range(i, n)]


def charpoly_coefficients(a: sympy.MatrixBase) -> list[sympy.Expr]:
    """``c_0 … c_n`` of ``det(tI − A) = Σ_k c_k t^k`` by Faddeev–LeVerrier (exact in characteristic 0):
    ``M_0 = 0``, ``M_k = A M_{k−1} + c_{n−k+1} I``, ``c_{n−k} = −tr(A M_k)/k`` (entries expanded each step)."""
    n = a.shape[0]
    a = sympy.Matrix(a)
    c = [sympy.Integer(0)] * n + [sympy.Integer(1)]
    m = sympy.zeros(n)
    for k in range(1, n + 1):
        m = (a * m + c[n - k + 1] * sympy.eye(n)).applyfunc(sympy.expand)
        c[n - k] = sympy.expand(-(a * m).trace() / k)
    return c


def psd(a: sympy.MatrixBase, label: str, subject: str, prop: str = "psd") -> list[Constraint]:
    """``A ⪰ 0``: Hermitian, and ``(−1)^(n−k) c_k >= 0`` for the coefficients ``c_k`` of
    ``det(tI − A) = Σ_k c_k t^k`` (k < n; :func:`charpoly_coefficients`)."""
    n = a.shape[0]
    coeffs = charpoly_coefficients(a)
    signs = [Constraint(f"{label} psd (-1)^{n - k}·c_{k}", sympy.expand((-1) ** (n - k) * coeffs[k]), ">=",
                        subject, prop) for k in range(n)]
    return hermitian(a, label, subject, prop) + signs


def equal(a: sympy.MatrixBase, b: sympy.MatrixBase, label: str, subject: str, prop: str) -> list[Constraint]:
    """``A − B == 0`` entrywise on ``i ≤ j`` (both Hermitian, their difference is)."""
    n = a.shape[0]
    return [Constraint(f"{label} ({i},{j})", a[i, j] - b[i, j], "==", subject, prop)
            for i in range(n) for j in range(i, n)]


# ---------------------------------------------------------------- assemblages
def _key(name: str, key: Key, free: int | None = None) -> str:
    a, x, y = key
    a_txt = " ".join("·" if j == free else str(v) for j, v in enumerate(a))
    return f"{name}[{a_txt}|{' '.join(str(v) for v in list(x) + list(y))}]"


def assemblage_constraints(sigma: Assemblage) -> Constraints:
    """Positivity of every element, then the kind's no-signalling structure (module docstring)."""
    sc, name = sigma.scenario, sigma.name
    out = Constraints()
    several = len(sc.bobs) > 1
    for key, element in sigma.elements.items():
        parts = element if isinstance(element, tuple) else (element,)
        for k, m in enumerate(parts):
            who = f" (bob {sc.bobs[k].name})" if several else ""
            out.constraints += psd(_matrix(m), _key(name, key) + who, name)
    try:
        ns = structure(sc)
    except Refusal as exc:
        out.notes.append(f"{name}: no no-signalling or normalisation constraint emitted ({exc.code}: {exc})")
        return out
    if not ns.observed:  # instrumental: only the copy y = a of each element is data
        for x in sc.input_tuples():
            total = sum(_matrix(m).trace() for (a, xx, _), m in sigma.elements.items() if xx == x)
            out.constraints.append(Constraint(f"{name} normalised Σ_a tr {name}[a|{' '.join(map(str, x))}] − 1",
                                              total - 1, "==", name, "normalised"))
        out.notes.append(f"{name}: being a general instrumental assemblage (the post-selection y = a of a "
                         "no-signalling BWI assemblage, PRL 2020 Def. 6) has no finite set of identities on σ; "
                         "no constraint emitted for it (an SDP, or exact given a certificate ω)")
        return out
    copies: list[dict[Key, sympy.ImmutableMatrix]] = [{} for _ in ns.copies]
    for key, element in sigma.elements.items():
        for loc in ns.locate(sc, key):
            copies[loc.copy][loc.key] = _matrix(element[loc.part] if loc.part is not None else element)
    for c, copy in enumerate(ns.copies):
        where = f" ({copy.label})" if copy.label else ""
        out.constraints += _within_copy(ns.base, copies[c], name, where)
    shared = "consistent_bobs" if sc.kind == "several_bobs" else "no_bob_signalling"
    for c in range(1, len(ns.copies)):
        for key in ns.base.keys():
            out.constraints.append(Constraint(
                f"{name} shared trace tr {_key(name, key)} ({ns.copies[0].label}) − ({ns.copies[c].label})",
                copies[0][key].trace() - copies[c][key].trace(), "==", name, shared))
    return out


def _within_copy(base: Scenario, elems: dict[Key, sympy.ImmutableMatrix], name: str, where: str) -> list[Constraint]:
    """For every slot ``j``: ``Σ_{a_k, k ∈ group(j)} σ_{a|x}`` equal for every ``x_j`` (the groups of
    :func:`steerdsl.model.nosignalling.signalling_groups`: the slot alone, or with a sequential Alice's later
    rounds); ``tr Σ_a σ_{a|x} = 1`` for every x."""
    out = []
    for j, (slot, group) in enumerate(zip(base.slots, signalling_groups(base))):
        sums: dict = {}
        for (a, x, y), m in elems.items():
            ctx = (tuple(v for k, v in enumerate(a) if k not in group), x[:j] + x[j + 1:])
            per_input = sums.setdefault(ctx, {})
            prev = per_input.get(x[j])
            per_input[x[j]] = (m if prev is None else prev[0] + m, prev[1] if prev else (a, x, y))
        for per_input in sums.values():
            inputs = sorted(per_input)
            m0, k0 = per_input[inputs[0]]
            for xj in inputs[1:]:
                m, k = per_input[xj]
                label = (f"{name}{where} no-signalling from {slot.alice}: "
                         f"Σ_a {_key(name, k0, j)} − Σ_a {_key(name, k, j)}")
                out += equal(m0, m, label, name, "nonsignalling")
    totals: dict = {}
    for (_a, x, _y), m in elems.items():
        totals[x] = totals.get(x, 0) + m.trace()
    for x, t in totals.items():
        out.append(Constraint(f"{name}{where} normalised Σ_a tr {name}[a|{' '.join(map(str, x))}] − 1", t - 1, "==",
                              name, "normalised"))
    return out


# ---------------------------------------------------------------- measurements, states, maps
def measurement_constraints(meas: Measurement) -> Constraints:
    """Every ``M[a|x] ⪰ 0`` and ``Σ_a M[a|x] − I == 0``."""
    out = Constraints()
    for (a, x), m in meas.elements.items():
        out.constraints += psd(_matrix(m), f"{meas.name}[{a}|{x}]", meas.name)
    eye = sympy.eye(meas.dim)
    for x in range(meas.inputs):
        total = sum((_matrix(meas.elements[(a, x)]) for a in range(meas.outputs[x])), sympy.zeros(meas.dim))
        out.constraints += equal(total, eye, f"{meas.name} povm Σ_a {meas.name}[a|{x}] − I", meas.name, "povm")
    return out


def state_constraints(state: State) -> Constraints:
    """``ρ ⪰ 0`` (a pseudo-state: Hermitian only) and ``tr ρ − 1 == 0``."""
    rho = _matrix(state.rho)
    checks = hermitian(rho, state.name, state.name, "psd") if state.pseudo else psd(rho, state.name, state.name)
    return Constraints(checks + [Constraint(f"{state.name} trace tr ρ − 1", rho.trace() - 1, "==", state.name,
                                            "normalised")])


def map_constraints(lin: LinearMap) -> Constraints:
    """Completely positive: ``J ⪰ 0``; trace preserving: ``tr_out J − I == 0`` (J = Choi matrix, input first)."""
    j = _matrix(lin.choi)
    cp = psd(j, f"{lin.name} Choi", lin.name, "completely_positive")
    reduced = sympy.Matrix(lin.din, lin.din, lambda r, c: sum(j[r * lin.dout + k, c * lin.dout + k]
                                                              for k in range(lin.dout)))
    tp = equal(reduced, sympy.eye(lin.din), f"{lin.name} trace preserving tr_out J − I", lin.name,
               "trace_preserving")
    return Constraints(cp + tp)


# ---------------------------------------------------------------- deciding with sympy alone
X = sympy.Symbol("x")


def is_zero(expr: sympy.Expr, digits: int = 30) -> bool | None:
    """Is the algebraic number ``expr`` zero?  True when its minimal polynomial (``sympy.minimal_polynomial``)
    is ``x``; False when ``evalf`` shows it nonzero; None if sympy cannot tell."""
    e = sympy.expand(expr)
    if e == 0:
        return True
    value = sympy.N(e, digits, maxn=400)
    if abs(value) > sympy.Float(10) ** (5 - digits):
        return False
    try:
        return sympy.minimal_polynomial(e, X) == X
    except (NotImplementedError, sympy.polys.polyerrors.PolynomialError):
        return None


def decide(c: Constraint, digits: int = 30) -> bool | None:
    """Settle ``c`` with sympy alone: ``== 0`` by :func:`is_zero`; ``>= 0`` is True when the number is zero,
    else by the sign of its real part at ``digits`` digits (a nonzero imaginary part fails); None when
    undecided.  Floating-point data (``sympy.Float`` in the expression) is compared within the constraint's
    ``tolerance`` instead (the checks' ``NUMERIC_ATOL``, or a table's stated one), as
    :mod:`steerdsl.exact.checks` does: not an exact decision."""
    if c.expr.has(sympy.Float):
        v, tol = complex(sympy.N(c.expr)), c.tolerance
        if c.relation == "==":
            return abs(v) <= tol
        return abs(v.imag) <= tol and v.real >= -tol
    zero = is_zero(c.expr, digits)
    if c.relation == "==" or zero is not False:
        return zero
    e = sympy.expand(c.expr)
    for n in (digits, 4 * digits):  # nonzero: enough digits show its sign
        re, im = sympy.N(e, n, maxn=1000).as_real_imag()
        if abs(im) > sympy.Float(10) ** (5 - n):
            return False
        if abs(re) > sympy.Float(10) ** (5 - n):
            return bool(re > 0)
    return None


def holds_all(items: Constraints | list[Constraint]) -> bool | None:
    """True when every constraint holds, False when one fails, else None."""
    verdicts = [decide(c) for c in items]
    return False if False in verdicts else (None if None in verdicts else True)


__all__ = ["Constraint", "Constraints", "constraints", "decide", "holds_all", "is_zero"]

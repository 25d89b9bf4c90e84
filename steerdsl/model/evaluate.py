"""Evaluate expressions to exact (or, where asked, numeric) values.

Names resolve first in the local scope (index variables, parameters), then in
the model's definitions, then among the built-ins.  Every error becomes a
:class:`~steerdsl.diagnostics.SteerError` pointing at the offending
sub-expression.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from steerdsl.diagnostics import Span, did_you_mean, error
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.limits import Meter, TooLarge, metering
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.builtins import CONSTANTS, REDUCERS, BuiltinError, named_ket
from steerdsl.model.library_builtins import FUNCTIONS, LIST_ARGUMENTS
from steerdsl.model.values import Angle, Function, LinearMap, ScaledIdentity
from steerdsl.syntax import ast


def materialise(value, dim: int):
    """Fix the dimension of a context-sized identity ``c·I``."""
    if isinstance(value, ScaledIdentity):
        eye = alg.identity(dim) if alg.is_exact(value.c) else np.eye(dim, dtype=complex)
        return alg.binary("*", value.c, eye)
    return value


def _is_number(v) -> bool:
    return isinstance(v, (int, float, complex, Fraction, Cyclo))


TAKES_BARE_I = ("tr", "float", "sqrt", "cos", "sin", "exp", "diag")
"""Built-ins that accept a bare ``I`` (its dimension unknown) and say themselves what they make of it."""


class Evaluator:
    """Evaluates AST expressions against the model's definitions.

    ``lookup(name)`` returns a defined value or None; ``apply_map(map, value,
    span)`` and ``subscript(value, outcomes, inputs, span)`` are supplied by
    the resolver, which knows the scenario."""

    def __init__(
        self,
        lookup: Callable[[str], Any],
        known_names: Callable[[], list[str]],
        apply_map: Callable[[LinearMap, Any, Span | None], Any],
        subscript: Callable[[Any, list[int], list[int] | None, Span | None], Any],
        measure: Callable[[Any, list[tuple[str, Any]], Span | None], Any],
        meter: Meter | None = None,
    ):
        self.meter = meter if meter is not None else Meter()
        self._step_limit = self.meter.limit("steps")
        self.lookup = lookup
        self.known_names = known_names
        self.apply_map = apply_map
        self.subscript_value = subscript
        self.measure = measure

    # ------------------------------------------------------------------ entry
    def eval(self, node: ast.Expr, scope: dict[str, Any]) -> Any:
        """The value of ``node``, with the model's budgets (:mod:`steerdsl.limits`) in force."""
        try:
            with metering(self.meter):
                return self._eval(node, scope)
        except RecursionError:  # deep bodies inside recursive calls: the call_depth budget is not enough
            raise error("E254", "evaluating this expression nests too deeply for the interpreter (let functions "
                        "calling each other inside deeply nested expressions)", getattr(node, "span", None),
                        "lower the nesting, or the budget call_depth") from None
        except MemoryError:  # a limit of the process (ulimit -v) below what the budgets allow
            raise error("E134", "evaluating this expression ran out of memory", getattr(node, "span", None),
                        "make it smaller, or give the process more memory") from None

    def _eval(self, node: ast.Expr, scope: dict[str, Any]) -> Any:
        method = getattr(self, "_" + type(node).__name__)
        meter = self.meter
        meter.steps += 1
        try:
            if meter.steps > self._step_limit:
                raise meter.step_budget_exceeded()
            return method(node, scope)
        except BuiltinError as exc:
            raise error(exc.code, str(exc), getattr(node, "span", None), exc.hint) from None
        except alg.AlgebraError as exc:
            code = "E104" if "dimension" in str(exc) else "E103"
            raise error(code, str(exc), getattr(node, "span", None)) from None
        except ZeroDivisionError as exc:
            raise error("E107", str(exc) or "division by zero", getattr(node, "span", None)) from None
        except NotExact as exc:
            raise error("E108", f"not exactly representable: {exc}", getattr(node, "span", None),
                        "use float(·) to compute it numerically") from None
        except TooLarge as exc:
            raise error(exc.code, str(exc), getattr(node, "span", None), exc.hint) from None
        except OverflowError as exc:
            raise error("E108", f"the number overflows floating point ({exc})", getattr(node, "span", None),
                        "keep numeric values below about 1e308") from None

    def index(self, node: ast.Expr, scope: dict[str, Any]) -> int:
        value = self.eval(node, scope)
        n = alg.to_int(value)
        if n is None:
            raise error("E106", "an index must be an integer", node.span)
        return n

    # ------------------------------------------------------------------ atoms
    def _Number(self, node: ast.Number, scope):
        v = node.value
        return int(v) if v.denominator == 1 else Cyclo(v)

    def _Name(self, node: ast.Name, scope):
        if node.id in scope:
            return scope[node.id]
        value = self.lookup(node.id)
        if value is not None:
            return value
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise error("E103", f"{node.id} is a function; call it as {node.id}(…)", node.span)
        candidates = list(scope) + self.known_names() + list(CONSTANTS) + list(FUNCTIONS)
        near = did_you_mean(node.id, candidates)
        raise error("E101", f"unknown name {node.id!r}", node.span,
                    f'did you mean "{near}"?' if near else "define it with let, state, measurement, map "
                    "or assemblage before using it")

    def _Ket(self, node: ast.Ket, scope):
        vec = named_ket(node.label)
        return alg.dagger(vec) if node.bra else vec

    def _Bracket(self, node: ast.Bracket, scope):
        values = [self._eval(item, scope) for item in node.items]
        if len(values) == 1 and isinstance(values[0], bool):
            return int(values[0])  # Iverson bracket
        if not values:
            raise error("E103", "empty brackets", node.span)
        if all(isinstance(v, list) for v in values):
            widths = {len(v) for v in values}
            if len(widths) != 1:
                raise error("E104", f"matrix rows have different lengths {sorted(widths)}", node.span)
            return self._matrix(values, node.span)
        if any(isinstance(v, list) for v in values):
            raise error("E103", "mixing rows and numbers in a matrix literal", node.span)
        return values

    def _matrix(self, rows: list[list[Any]], span: Span | None) -> np.ndarray:
        flat = [v for r in rows for v in r]
        for v in flat:
            if alg.is_matrix(v) or isinstance(v, (ScaledIdentity, list, bool)):
                raise error("E103", "matrix entries must be numbers", span)
        if all(alg.is_exact(v) for v in flat):
            return alg.exact_array([[alg.exact_scalar(v) for v in r] for r in rows])
        return np.array([[complex(v) for v in r] for r in rows], dtype=complex)

    # ------------------------------------------------------------------ operators
    def _Unary(self, node: ast.Unary, scope):
        v = self._eval(node.operand, scope)
        if node.op == "+":
            return v
        if isinstance(v, Angle):
            return Angle(-v.r, v.imaginary)
        if isinstance(v, ScaledIdentity):
            return ScaledIdentity(alg.negate(v.c))
        if isinstance(v, Assemblage):
            return self._scale_assemblage(v, -1)
        if isinstance(v, list):
            raise error("E103", "a list cannot take part in arithmetic", node.span,
                        "write a matrix as [[a, b], [c, d]]")
        return alg.negate(v)

    def _Binary(self, node: ast.Binary, scope):
        left = self._eval(node.left, scope)
        right = self._eval(node.right, scope)
        return self.combine(node.op, left, right, node)

    def combine(self, op: str, left, right, node):
        if op == "xor" or op == "mod":
            a, b = alg.to_int(left), alg.to_int(right)
            if a is None or b is None:
                raise error("E106", f"{op} takes integers", node.span)
            if op == "xor":
                return a ^ b
            if b == 0:
                raise error("E107", "mod 0", node.span)
            return a % b
        if isinstance(left, list) or isinstance(right, list):
            raise error("E103", "a list cannot take part in arithmetic", node.span,
                        "write a matrix as [[a, b], [c, d]]")
        if op == "^":
            exponent = self._plain(right)
            if not _is_number(exponent):
                raise error("E103", "an exponent must be a number", node.span)
            if isinstance(left, ScaledIdentity):
                return ScaledIdentity(alg.power(left.c, exponent))
            base = self._plain(left)
            if not (_is_number(base) or alg.is_matrix(base)):
                raise error("E103", "only numbers and square matrices have powers", node.span)
            return alg.power(base, exponent)
        if isinstance(left, Angle) or isinstance(right, Angle):
            if _is_number(self._plain(left)) and _is_number(self._plain(right)):
                return self._angle_op(op, left, right)
            left, right = self._plain(left), self._plain(right)  # an angle with a matrix: its number
        if isinstance(left, Assemblage) or isinstance(right, Assemblage):
            return self._assemblage_op(op, left, right, node)
        if op == "⊗":
            if isinstance(left, ScaledIdentity) or isinstance(right, ScaledIdentity):
                raise error("E104", "the dimension of I is unknown in a tensor product", node.span,
                            "write I(d) with the dimension")
            return alg.kron(left, right)
        if isinstance(left, ScaledIdentity) or isinstance(right, ScaledIdentity):
            return self._identity_op(op, left, right, node)
        for v in (left, right):
            if not (_is_number(v) or alg.is_matrix(v)):
                what = "one element per Bob" if isinstance(v, tuple) else f"a {type(v).__name__.lower()}"
                raise error("E103", f"{what} cannot take part in {op!r}", node.span,
                            "arithmetic combines numbers and matrices (and assemblages with numbers)")
        return alg.binary(op, left, right)

    @staticmethod
    def _plain(v):
        if isinstance(v, Angle):
            return complex(v)
        return v

    def _angle_op(self, op, left, right):
        la, ra = isinstance(left, Angle), isinstance(right, Angle)
        other = right if la else left
        angle = left if la else right
        if op in ("*", "/") and not (la and ra):
            if op == "/" and ra:
                return complex(left) / complex(right)
            if isinstance(other, Cyclo) and other == Cyclo.I and not angle.imaginary and op == "*":
                return Angle(angle.r, True)
            if isinstance(other, (int, Cyclo)) and (isinstance(other, int) or other.is_rational):
                q = Fraction(other) if isinstance(other, int) else other.to_fraction()
                return Angle(angle.r * q if op == "*" else angle.r / q, angle.imaginary)
        if op in ("+", "-") and la and ra and left.imaginary == right.imaginary:
            return Angle(left.r + right.r if op == "+" else left.r - right.r, left.imaginary)
        return alg.binary(op, complex(left) if la else alg.to_numeric(left),
                          complex(right) if ra else alg.to_numeric(right))

    def _identity_op(self, op, left, right, node):
        li, ri = isinstance(left, ScaledIdentity), isinstance(right, ScaledIdentity)
        if li and ri:
            if op in ("+", "-"):
                return ScaledIdentity(alg.binary(op, left.c, right.c))
            if op == "*":
                return ScaledIdentity(alg.binary("*", left.c, right.c))
            raise error("E103", "cannot divide by I", node.span)
        other = right if li else left
        ident = left if li else right
        if alg.is_matrix(other):
            if op == "*":
                return alg.binary("*", ident.c, other)
            if op in ("+", "-"):
                if other.shape[0] != other.shape[1]:
                    raise error("E104", f"I plus a non-square {alg.shape_text(other)} matrix", node.span)
                full = materialise(ident, other.shape[0])
                return alg.binary(op, full, other) if li else alg.binary(op, other, full)
            raise error("E103", "cannot divide by a matrix", node.span, "use inv(·)")
        if op == "*":
            return ScaledIdentity(alg.binary("*", ident.c, other))
        if op == "/" and li:
            return ScaledIdentity(alg.binary("/", ident.c, other))
        raise error("E103", "cannot add a number to I (a matrix)", node.span,
                    "write the number times I, e.g. c*I")

    def _scale_assemblage(self, s: Assemblage, c) -> Assemblage:
        def scale(e):
            if isinstance(e, tuple):
                return tuple(alg.binary("*", c, m) for m in e)
            return alg.binary("*", c, e)

        elements = {k: scale(v) for k, v in s.elements.items()}
        exact = s.exact and alg.is_exact(c)
        if not exact:
            elements = {k: (tuple(alg.to_numeric(m) for m in v) if isinstance(v, tuple) else alg.to_numeric(v))
                        for k, v in elements.items()}
        return Assemblage(s.scenario, elements, exact, s.name)

    def _assemblage_op(self, op, left, right, node):
        if isinstance(left, Assemblage) and isinstance(right, Assemblage):
            if op not in ("+", "-"):
                raise error("E103", f"assemblages can be added and scaled, not combined with {op!r}", node.span)
            if left.scenario != right.scenario:
                raise error("E104", "the two assemblages belong to different scenarios", node.span)
            exact = left.exact and right.exact
            out = {}
            for k in left.elements:
                a, b = left.elements[k], right.elements[k]
                if isinstance(a, tuple):
                    out[k] = tuple(alg.binary(op, x, y) for x, y in zip(a, b))
                else:
                    out[k] = alg.binary(op, a, b)
            return Assemblage(left.scenario, out, exact, left.name)
        if op == "*":
            s, c = (left, right) if isinstance(left, Assemblage) else (right, left)
            if alg.is_matrix(c) or isinstance(c, ScaledIdentity):
                raise error("E103", "an assemblage can only be multiplied by a number", node.span)
            return self._scale_assemblage(s, c)
        if op == "/" and isinstance(left, Assemblage):
            return self._scale_assemblage(left, alg.binary("/", 1, right))
        raise error("E103", f"cannot combine an assemblage and a number with {op!r}", node.span)

    def _Compare(self, node: ast.Compare, scope):
        left = self._plain(self._eval(node.left, scope))
        right = self._plain(self._eval(node.right, scope))
        if node.op in ("==", "!="):
            for v in (left, right):
                if not (_is_number(v) or alg.is_matrix(v) or isinstance(v, (ScaledIdentity, tuple))):
                    raise error("E103", f"a {type(v).__name__.lower()} cannot be compared with {node.op}", node.span,
                                "compare numbers and matrices (assemblage elements, not whole assemblages)")
            eq = self._equal(left, right)
            return eq if node.op == "==" else not eq
        if alg.is_matrix(left) or alg.is_matrix(right):
            raise error("E103", f"matrices cannot be compared with {node.op}", node.span)
        if not (_is_number(left) and _is_number(right)):
            raise error("E103", f"only numbers can be compared with {node.op}", node.span)
        try:
            sign = alg.real_sign(alg.binary("-", left, right))
        except (alg.AlgebraError, ValueError):
            raise error("E103", f"complex numbers cannot be compared with {node.op}", node.span) from None
        return {"<": sign < 0, "<=": sign <= 0, ">": sign > 0, ">=": sign >= 0}[node.op]

    def _equal(self, left, right) -> bool:
        """Exact equality; a tuple (one element per Bob) equals a matrix when every part does,
        and ``c·I`` takes the other side's dimension."""
        if isinstance(left, tuple) or isinstance(right, tuple):
            parts, other = (left, right) if isinstance(left, tuple) else (right, left)
            if isinstance(other, tuple):
                return len(parts) == len(other) and all(self._equal(p, q) for p, q in zip(parts, other))
            return all(self._equal(p, other) for p in parts)
        if isinstance(left, ScaledIdentity) and alg.is_matrix(right):
            left = materialise(left, right.shape[0])
        if isinstance(right, ScaledIdentity) and alg.is_matrix(left):
            right = materialise(right, left.shape[0])
        if isinstance(left, ScaledIdentity) and isinstance(right, ScaledIdentity):
            return alg.equal(left.c, right.c)
        if isinstance(left, ScaledIdentity) or isinstance(right, ScaledIdentity):
            return False
        return alg.equal(left, right)

    def _truth(self, node: ast.Expr, scope) -> bool:
        v = self._eval(node, scope)
        if isinstance(v, bool):
            return v
        n = alg.to_int(v)
        if n is None:
            raise error("E103", "a condition must be true or false (or an integer)", node.span)
        return n != 0

    def _BoolOp(self, node: ast.BoolOp, scope):
        if node.op == "not":
            return not self._truth(node.left, scope)
        left = self._truth(node.left, scope)
        if node.op == "and":
            return left and self._truth(node.right, scope)
        return left or self._truth(node.right, scope)

    def _Conditional(self, node: ast.Conditional, scope):
        return self._eval(node.then if self._truth(node.test, scope) else node.orelse, scope)

    def _Dagger(self, node: ast.Dagger, scope):
        v = self._plain(self._eval(node.operand, scope))
        if isinstance(v, ScaledIdentity):
            return ScaledIdentity(alg.conjugate(v.c))
        if not (_is_number(v) or alg.is_matrix(v)):
            raise error("E103", "† applies to numbers and matrices", node.span)
        return alg.dagger(v)

    # ------------------------------------------------------------------ calls
    def _Call(self, node: ast.Call, scope):
        target = scope.get(node.func) if node.func in scope else self.lookup(node.func)
        args = [self._eval(a, scope) for a in node.args]
        if isinstance(target, Function):
            if len(args) != len(target.params):
                raise error("E102", f"{node.func} takes {len(target.params)} argument(s), got {len(args)}",
                            node.span)
            return self._call_function(target, args, node)
        if isinstance(target, LinearMap):
            if len(args) != 1:
                raise error("E102", f"the map {node.func} takes one argument", node.span)
            return self.apply_map(target, args[0], node.span)
        if target is not None:
            raise error("E103", f"{node.func} is not a function", node.span)
        if node.func in FUNCTIONS:
            fn, arity = FUNCTIONS[node.func]
            lo, hi = arity if isinstance(arity, tuple) else (arity, arity)
            if not lo <= len(args) <= hi:
                want = str(lo) if lo == hi else f"{lo} to {hi}"
                raise error("E102", f"{node.func} takes {want} argument(s), got {len(args)}", node.span)
            args = [self._plain(a) if node.func not in ("cos", "sin", "exp", "float") else a for a in args]
            if node.func not in LIST_ARGUMENTS and any(isinstance(a, list) for a in args):
                raise error("E103", f"{node.func} does not take a list", node.span,
                            "write a matrix as [[a, b], [c, d]] and a column vector as [[a], [b]]")
            if node.func not in TAKES_BARE_I and any(isinstance(a, ScaledIdentity) for a in args):
                raise error("E104", f"the dimension of I is unknown in {node.func}(…)", node.span,
                            "write I(d) with the dimension")
            self._charge_builtin(node.func, args)
            return fn(*args)
        near = did_you_mean(node.func, list(FUNCTIONS) + list(REDUCERS) + self.known_names())
        raise error("E101", f"unknown function {node.func!r}", node.span,
                    f'did you mean "{near}"?' if near else None)

    def _call_function(self, target: Function, args: list, node: ast.Call):
        """A let-defined function's body on ``args``, within the budgets call_depth and calls."""
        meter = self.meter
        meter.charge("calls", 1, f"this call of {node.func}")
        if meter.depth >= meter.limit("call_depth"):
            raise TooLarge(f"calls of let functions nest more than the budget call_depth = {meter.limit('call_depth')} "
                           f"deep here ({node.func} calls itself, or functions call each other, too deeply)",
                           "E254", "call_depth")
        meter.depth += 1
        try:
            return self._eval(target.body, dict(zip(target.params, args)))
        finally:
            meter.depth -= 1

    CUBIC = ("inv", "sqrtm")
    """Built-ins whose exact work grows like n³ on an n×n matrix (elimination, eigenvectors)."""

    def _charge_builtin(self, func: str, args: list) -> None:
        """Count a built-in's exact work before it runs: each exact matrix argument's entries (times n
        for :data:`CUBIC` ones), weighted by its field, towards the budget exact_operations."""
        for a in args:
            if alg.is_matrix(a) and a.dtype == object:
                units = a.size * alg.weight(a) * (a.shape[0] if func in self.CUBIC else 1)
                alg.charge(units, f"this {func}(…) of a {alg.shape_text(a)} matrix")

    def _Comprehension(self, node: ast.Comprehension, scope):
        if node.func not in REDUCERS:
            raise error("E101", f"{node.func}(… for …) is not a reducer; use sum, prod or kron", node.span)
        bindings: list[tuple[str, range]] = []
        for f in node.fors:
            lo = self.index(f.range.lo, scope)
            hi = self.index(f.range.hi, scope)
            for name in f.names:
                bindings.append((name, range(lo, hi + 1)))
        terms = 1
        for _, r in bindings:  # before iterating: the count of terms, from the range sizes
            terms *= max(0, r.stop - r.start)  # not len(r): it overflows above 2^63
        self.meter.check("sum_terms", terms, f"the number of terms of this {node.func}(…)")
        names = [b[0] for b in bindings]
        result = None
        for combo in itertools.product(*(b[1] for b in bindings)):
            self.meter.charge("model_terms", 1, f"a term of this {node.func}(…)")
            inner = dict(scope)
            inner.update(zip(names, combo))
            if node.cond is not None and not self._truth(node.cond, inner):
                continue
            value = self._eval(node.body, inner)
            if result is None:
                result = value
            elif node.func == "sum":
                result = self.combine("+", result, value, node)
            elif node.func == "prod":
                result = self.combine("*", result, value, node)
            else:
                result = self.combine("⊗", result, value, node)
        if result is None:
            if node.func == "sum":
                return 0
            if node.func == "prod":
                return 1
            raise error("E103", "kron over an empty range", node.span)
        return result

    def _Range(self, node: ast.Range, scope):
        raise error("E103", "a range lo..hi can only appear after 'in'", node.span)

    def _Subscript(self, node: ast.Subscript, scope):
        table = scope.get("__table__")
        if table is not None and isinstance(node.base, ast.Name) and node.base.id not in scope \
                and self.lookup(node.base.id) is None:
            inputs = self.labels(node.inputs, scope) if node.inputs is not None else []
            value = table(node.base.id, self.labels(node.outcomes, scope), inputs, node.span)
            if value is not None:
                return value
        base = self._eval(node.base, scope)
        outcomes = self.labels(node.outcomes, scope)
        inputs = self.labels(node.inputs, scope) if node.inputs is not None else None
        return self.subscript_value(base, outcomes, inputs, node.span)

    def labels(self, items: tuple[ast.Expr, ...], scope) -> list:
        """Evaluated subscript labels; a multi-digit literal stays ``("digits", text)``
        until :func:`expand_digits` knows how many labels are expected."""
        out: list = []
        for item in items:
            if isinstance(item, ast.IndexDigits):
                out.append(int(item.text) if len(item.text) == 1 else ("digits", item.text))
            else:
                out.append(self.index(item, scope))
        return out

    def _IndexDigits(self, node: ast.IndexDigits, scope):
        return int(node.text)

    def _Measure(self, node: ast.Measure, scope):
        target = self._eval(node.target, scope)
        pairs = [(party, self._eval(expr, scope)) for party, expr in node.pairs]
        return self.measure(target, pairs, node.span)


def expand_digits(labels: list, expected: int) -> list[int] | None:
    """Resolve runs of digits like ``00`` in subscripts into single-digit labels when the
    count of labels then matches ``expected``; None if it cannot match."""
    plain = list(labels)
    if not any(isinstance(lab, tuple) for lab in plain):
        return plain if len(plain) == expected else None
    split: list[int] = []
    for lab in plain:
        if isinstance(lab, tuple):
            split.extend(int(ch) for ch in lab[1])
        else:
            split.append(lab)
    if len(split) == expected:
        return split
    joined = [int(lab[1]) if isinstance(lab, tuple) else lab for lab in plain]
    return joined if len(joined) == expected else None

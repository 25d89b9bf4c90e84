"""The abstract syntax tree of a .steer model.

Frozen dataclasses; every node keeps its source :class:`Span` in a field
excluded from equality and repr, so tests can compare trees with ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from steerdsl.diagnostics import Span


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- expressions
@dataclass(frozen=True)
class Expr:
    pass


@dataclass(frozen=True)
class Number(Expr):
    """A literal: integers and decimals are exact rationals (``0.1`` is 1/10)."""

    value: Fraction
    text: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Name(Expr):
    id: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Ket(Expr):
    """``|01⟩``, ``|+⟩``, ``|−⟩``, ``|+i⟩``… (``bra`` for ``⟨0|``)."""

    label: str
    bra: bool = False
    span: Span | None = _span()


@dataclass(frozen=True)
class Bracket(Expr):
    """``[e1, e2, …]``: a row of a matrix literal, or an Iverson bracket ``[cond]``."""

    items: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Unary(Expr):
    op: str
    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Binary(Expr):
    """Arithmetic: ``+ - * / mod ^ ⊗ xor``."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class BoolOp(Expr):
    """``and`` / ``or`` / ``not`` (``right`` is None for ``not``)."""

    op: str
    left: Expr
    right: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True)
class Conditional(Expr):
    then: Expr
    test: Expr
    orelse: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Dagger(Expr):
    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Range(Expr):
    """``lo..hi``, both ends included."""

    lo: Expr
    hi: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class CompFor:
    names: tuple[str, ...]
    range: Range
    span: Span | None = _span()


@dataclass(frozen=True)
class Comprehension(Expr):
    """``sum(body for a, b in 0..1 if cond)`` (also ``prod``, ``kron``…)."""

    func: str
    body: Expr
    fors: tuple[CompFor, ...]
    cond: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True)
class Subscript(Expr):
    """``sigma[a1 a2|x1 x2]``; ``inputs`` is None without a bar."""

    base: Expr
    outcomes: tuple[Expr, ...]
    inputs: tuple[Expr, ...] | None
    span: Span | None = _span()


@dataclass(frozen=True)
class IndexDigits(Expr):
    """An integer in a subscript; ``00`` may stand for two labels."""

    text: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Measure(Expr):
    """``measure psi with A1: M1, A2: M2``."""

    target: Expr
    pairs: tuple[tuple[str, Expr], ...]
    span: Span | None = _span()


# ---------------------------------------------------------------- statements
@dataclass(frozen=True)
class Statement:
    pass


@dataclass(frozen=True)
class AliceDecl:
    name: str
    inputs: int | None
    outputs: tuple[int, ...] | None
    rounds: int
    span: Span | None = _span()


@dataclass(frozen=True)
class BobDecl:
    name: str
    dim: int | None
    inputs: int
    input_from: str | None
    span: Span | None = _span()
    input_from_span: Span | None = _span()


@dataclass(frozen=True)
class ScenarioDecl(Statement):
    alices: tuple[AliceDecl, ...]
    bobs: tuple[BobDecl, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Import(Statement):
    """``import "f.steer"`` (names None: everything) or ``from "f.steer" import a, b as c``;
    ``names`` holds ``(name, alias)`` pairs."""

    path: str
    names: tuple[tuple[str, str], ...] | None
    span: Span | None = _span()


@dataclass(frozen=True)
class Let(Statement):
    name: str
    params: tuple[str, ...] | None
    body: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class PartyDim:
    name: str
    dim: int | None
    span: Span | None = _span()


@dataclass(frozen=True)
class StateDef(Statement):
    """``state`` (a density matrix) or ``pseudostate`` (Hermitian, unit trace, maybe not PSD)."""

    name: str
    parties: tuple[PartyDim, ...]
    body: Expr
    span: Span | None = _span()
    pseudo: bool = False


@dataclass(frozen=True)
class Header:
    """``[a1 a2|x1 x2 y]``: the names bound to outcomes and inputs."""

    outcomes: tuple[str, ...]
    inputs: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Case:
    """One entry of a piecewise definition: ``x = 0, y = 1 : expr``.

    ``conditions`` are pairs ``(name, expr)`` for ``name = expr`` or
    ``(None, expr)`` for a boolean expression; ``bob`` names the Bob this
    part is for (``on B1 : …``); ``otherwise`` marks the fallback entry."""

    conditions: tuple[tuple[str | None, Expr], ...]
    body: Expr
    bob: str | None = None
    otherwise: bool = False
    span: Span | None = _span()


@dataclass(frozen=True)
class Definition:
    """``= expr`` (``formula``) or a block of cases."""

    formula: Expr | None
    cases: tuple[Case, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True)
class RangeBinding:
    name: str
    range: Range
    span: Span | None = _span()


@dataclass(frozen=True)
class MeasurementDef(Statement):
    name: str
    header: Header
    party: str | None
    ranges: tuple[RangeBinding, ...]
    definition: Definition
    span: Span | None = _span()
    party_span: Span | None = _span()


@dataclass(frozen=True)
class MapDef(Statement):
    """A linear map ``din -> dout`` given by a formula in ``param``, Kraus
    operators, or its Choi matrix."""

    name: str
    din: int
    dout: int
    kind: str
    param: str | None
    body: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class ObjectDef(Statement):
    """``assemblage`` / ``functional`` / ``behaviour`` by formula or cases."""

    kind: str
    name: str
    header: Header | None
    numeric: bool
    definition: Definition
    span: Span | None = _span()
    tol: Fraction | None = None
    """``numeric tol T``: the tolerance the data was printed to, applied to its checks (and reported)."""


@dataclass(frozen=True)
class TableEntry:
    """``A1A2[00|01] = expr`` (cg form: the parties' names) or ``sigma[0 1|1 0] = expr``
    (full form: the table's own name); a ``plain`` entry ``rho = …`` has no subscript."""

    parties: str
    outcomes: tuple[Expr, ...]
    inputs: tuple[Expr, ...]
    bob: str | None
    body: Expr
    span: Span | None = _span()
    plain: bool = False


@dataclass(frozen=True)
class Precision:
    """``numeric [tol T]`` after a definition's name: floating-point data, printed to tolerance ``T``."""

    tol: Fraction | None = None


@dataclass(frozen=True)
class TableDef(Statement):
    """An explicit table, in full (``table``) or Collins–Gisin (``cg``) form."""

    kind: str
    name: str
    form: str
    numeric: bool
    entries: tuple[TableEntry, ...]
    span: Span | None = _span()
    tol: Fraction | None = None
    """``numeric tol T``: the tolerance the data was printed to, applied to its checks (and reported)."""


@dataclass(frozen=True)
class Expectation:
    """``expect …``: a word (``pass``, ``excluded``…), ``≈ value tol t``,
    ``== value`` or an order ``<= value``."""

    kind: str
    word: str | None = None
    negated: bool = False
    op: str | None = None
    value: Expr | None = None
    tol: Fraction | None = None
    span: Span | None = _span()


@dataclass(frozen=True)
class Option:
    key: str
    value: object
    span: Span | None = _span()


@dataclass(frozen=True)
class Property:
    name: str
    negated: bool
    span: Span | None = _span()


@dataclass(frozen=True)
class Check(Statement):
    target: str
    properties: tuple[Property, ...]
    expect: Expectation | None
    span: Span | None = _span()
    target_span: Span | None = _span()


@dataclass(frozen=True)
class Solve(Statement):
    target: str
    task: str
    options: tuple[Option, ...]
    expect: Expectation | None
    span: Span | None = _span()
    target_span: Span | None = _span()
    task_span: Span | None = _span()


@dataclass(frozen=True)
class Bound(Statement):
    sense: str
    target: str
    over: str
    options: tuple[Option, ...]
    expect: Expectation | None
    span: Span | None = _span()
    target_span: Span | None = _span()
    task_span: Span | None = _span()


@dataclass(frozen=True)
class ValueOf(Statement):
    functional: str
    target: str
    expect: Expectation | None
    span: Span | None = _span()
    functional_span: Span | None = _span()
    target_span: Span | None = _span()


@dataclass(frozen=True)
class ExpectStmt(Statement):
    """``expect sigma : postquantum`` — a claim about a named object."""

    target: str
    words: tuple[str, ...]
    span: Span | None = _span()
    target_span: Span | None = _span()


@dataclass(frozen=True)
class Assert(Statement):
    """``assert cond for a in 0..1, …``: an exact claim checked for every binding."""

    condition: Expr
    fors: tuple[CompFor, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class SweepParam:
    """One swept parameter: ``v in lo..hi points n`` (evenly spaced, ends included),
    ``v in lo..hi random n seed s`` (seeded uniform draws) or ``v in {e1, e2, …}`` (a list)."""

    name: str
    kind: str
    range: Range | None = None
    count: int = 0
    seed: int = 0
    values: tuple[Expr, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True)
class Sweep(Statement):
    """``sweep v in … , w in … { questions }``: the questions re-asked at every point of the grid."""

    params: tuple[SweepParam, ...]
    questions: tuple[Statement, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Module:
    """A parsed file."""

    file: str
    statements: tuple[Statement, ...]

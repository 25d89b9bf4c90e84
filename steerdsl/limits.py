"""Budgets: size and work limits that turn hostile or runaway models into diagnostics.

Exact values are object arrays of cyclotomic numbers (a few hundred bytes each), the reader is an
LALR parser in Python and the evaluator walks syntax trees, so a tensor product of forty qubits, a
sum of 10⁹ terms, ``fib(60)`` or a number of 10⁸ digits would exhaust memory or run for hours.
Each such resource has a named **budget** here, checked *before* the work where its size can be
known (range sizes, product shapes, exponent × bits) and counted while working otherwise (terms,
calls, exact operations).  Running over a budget raises :class:`TooLarge` carrying the
diagnostic code and the budget's name; the message says how to raise it:
``steer check --budget NAME=N`` or ``load(…, budgets={"NAME": N})``.

The defaults are far above every bundled model and chosen so that reaching any of them takes
well under 2 s and 1 GiB (measured in docs/reliability.md, which lists them).  Counters belong to
one :class:`Meter` per loaded model (imports share their importer's); :func:`metering` makes a
meter the active one while a model is evaluated, and :func:`active` returns it — or, when none is
active, a meter of the :data:`OUTSIDE_A_MODEL` limits, without totals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from math import prod


@dataclass(frozen=True)
class Budget:
    """One named limit: its default, the diagnostic code it ends in, and what it counts."""

    name: str
    default: int
    code: str
    counts: str


BUDGETS: dict[str, Budget] = {b.name: b for b in (
    Budget("input_bytes", 1 << 20, "E132", "bytes of one model file (or of standard input)"),
    Budget("tokens", 10_000, "E132", "tokens of one model file, counted before it is parsed"),
    Budget("statements", 1_000, "E259", "statements of one model file, counted before it is parsed"),
    Budget("import_depth", 16, "E260", "files importing each other in a chain"),
    Budget("party_labels", 4096, "E181", "inputs, outputs, rounds or Hilbert dimension of one party"),
    Budget("exact_entries", 1 << 17, "E181",
           "exact entries of one value (a matrix, a ket, a tensor product) or one assemblage"),
    Budget("integer_bits", 100_000, "E250", "bits of one exact number (numerator or denominator)"),
    Budget("cyclotomic_degree", 8192, "E108", "degree of the cyclotomic field an exact number needs"),
    Budget("steps", 120_000, "E258", "syntax nodes evaluated in one model (each takes 2–6 µs)"),
    Budget("sum_terms", 50_000, "E252", "terms of one sum(…), prod(…) or kron(…) comprehension, from its ranges"),
    Budget("model_terms", 60_000, "E253", "terms of all comprehensions of one model, counted"),
    Budget("call_depth", 100, "E254", "nested calls of let-defined functions"),
    Budget("calls", 10_000, "E255", "calls of let-defined functions in one model"),
    Budget("exact_operations", 500_000, "E257",
           "exact operations, about a microsecond each: an n×m times m×p product costs n·m·p, a sum, a "
           "scaling, building a matrix or passing it to a built-in one per entry (inv, sqrtm: n per entry); "
           "each weighted by φ(n)/2 for entries of a field Q(ζ_n) of degree above 16, and scalar "
           "operations on numbers of a large field or with long coefficients too; in one operation and "
           "in one model"),
)}
"""Every budget, by name (docs/reliability.md lists them; a test keeps the two in step)."""


class TooLarge(ValueError):
    """A request above a budget; the message names the size, ``code`` the diagnostic, ``budget``
    the budget that fired (None for limits that are not budgets)."""

    def __init__(self, message: str, code: str = "E181", budget: str | None = None):
        super().__init__(message)
        self.code = code
        self.budget = budget

    @property
    def hint(self) -> str:
        if self.budget is None:
            return "make the object smaller"
        return raise_hint(self.budget)


def raise_hint(name: str) -> str:
    """How to raise the budget ``name``."""
    return (f"make it smaller; if the model really needs more, raise the budget with --budget {name}=N "
            f"(Python: budgets={{'{name}': N}})")


def parse_budgets(values: Mapping[str, int] | None) -> dict[str, int]:
    """The budgets of a model: the defaults, overridden by ``values`` (names checked, positive ints)."""
    out = {name: b.default for name, b in BUDGETS.items()}
    for name, value in (values or {}).items():
        if name not in BUDGETS:
            raise ValueError(f"unknown budget {name!r}; budgets are {', '.join(BUDGETS)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"the budget {name} must be a positive integer, not {value!r}")
        out[name] = value
    return out


@dataclass
class Meter:
    """The budgets of one model and what it has used of the counted ones."""

    limits: dict[str, int] = field(default_factory=lambda: parse_budgets(None))
    totals: bool = True
    """False for the default meter used outside any model: only per-operation limits apply."""
    used: dict[str, int] = field(default_factory=dict)
    depth: int = 0
    """Current nesting of let-function calls."""
    steps: int = 0
    """Syntax nodes evaluated (kept apart from ``used``: it is counted on the evaluator's hot path)."""

    def step_budget_exceeded(self) -> TooLarge:
        limit = self.limits["steps"]
        return exceeded("steps", f"this model evaluates more than its budget steps = {limit:,} syntax nodes "
                        "(sums, calls and definitions together); it stopped here")

    def limit(self, name: str) -> int:
        return self.limits[name]

    def check(self, name: str, size: int, what: str) -> None:
        """Refuse ``size`` of ``what`` above the budget ``name``."""
        limit = self.limits[name]
        if size > limit:
            raise exceeded(name, f"{what} is {_shown(size)}, more than the budget {name} = {limit}")

    def charge(self, name: str, amount: int, what: str) -> None:
        """Count ``amount`` towards the model's total of ``name`` (after checking it alone)."""
        self.check(name, amount, what)
        if not self.totals:
            return
        total = self.used.get(name, 0) + amount
        self.used[name] = total
        limit = self.limits[name]
        if total > limit:
            raise exceeded(name, f"this model uses more than its budget {name} = {limit} ({BUDGETS[name].counts}); "
                           f"{what} brings it to {_shown(total)}")


def exceeded(name: str, message: str) -> TooLarge:
    """The exception of the budget ``name``."""
    return TooLarge(message, BUDGETS[name].code, name)


def _shown(n: int) -> str:
    if n.bit_length() > 64:
        return f"about 10^{int(n.bit_length() * 0.30103)}"
    return f"{n:,}"


UNLIMITED = 1 << 62

OUTSIDE_A_MODEL = {**{name: BUDGETS[name].default for name in ("input_bytes", "tokens", "statements",
                                                                  "import_depth", "party_labels",
                                                                  "cyclotomic_degree")},
                   "exact_entries": 1 << 20}
"""The limits in force outside the evaluation of a model (exact checks of its values, SDPs, certificates,
direct use of the arithmetic from Python): reading text as for a model, and the engine's size guards
with their historical values; the work budgets are unlimited there, since that work is bounded by the
values the model built."""

_DEFAULT = Meter({name: OUTSIDE_A_MODEL.get(name, UNLIMITED) for name in BUDGETS}, totals=False)
_ACTIVE: ContextVar[Meter | None] = ContextVar("steerdsl_meter", default=None)


def active() -> Meter:
    """The meter of the model being evaluated, or the default budgets (no totals)."""
    m = _ACTIVE.get()
    return _DEFAULT if m is None else m


def limit(name: str) -> int:
    """The value of the budget ``name`` in force."""
    return active().limits[name]


@contextlib.contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Make ``meter`` the active one (re-entrant)."""
    if _ACTIVE.get() is meter:
        yield meter
        return
    token = _ACTIVE.set(meter)
    try:
        yield meter
    finally:
        _ACTIVE.reset(token)


def check_count(what: str, n: int) -> None:
    """Refuse a party count (inputs, outputs, dimension …) above the budget ``party_labels``."""
    active().check("party_labels", n, what)


def check_entries(what: str, shape: tuple[int, ...]) -> None:
    """Refuse an exact object with more entries than the budget ``exact_entries``; building it counts
    one exact operation per entry."""
    n = prod(shape)
    meter = active()
    limit_ = meter.limits["exact_entries"]
    if n > limit_:
        dims = "×".join(str(s) for s in shape)
        raise exceeded("exact_entries", f"{what} would have {dims} = {_shown(n)} exact entries, more than the "
                       f"budget exact_entries = {limit_}")
    if meter.totals:
        meter.charge("exact_operations", n, f"building {what}")


"""Check results: pass / fail / undecided, with the residual that shows why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from steerdsl.diagnostics import Span

PASS = "pass"
FAIL = "fail"
UNDECIDED = "undecided"

NUMERIC_ATOL = 1e-9
"""Absolute tolerance of checks on floating-point (``numeric``) values, unless the data states its own."""

_STATED: ContextVar[float | None] = ContextVar("stated_tolerance", default=None)


def numeric_atol() -> float:
    """The absolute tolerance of numeric checks here: :data:`NUMERIC_ATOL`, or the tolerance a table states
    (``assemblage s table numeric tol 1e-4 {…}``) while its checks run (:func:`stated_tolerance`)."""
    stated = _STATED.get()
    return NUMERIC_ATOL if stated is None else stated


@contextmanager
def stated_tolerance(tol: float | None) -> Iterator[None]:
    """Run checks with the tolerance ``tol`` that numeric data was printed to (None: the default).  Their
    results carry it as ``tolerance``, so every output shows it (language.md, "Tables")."""
    token = _STATED.set(None if tol is None else float(tol))
    try:
        yield
    finally:
        _STATED.reset(token)


@dataclass
class CheckResult:
    """The answer to one check of one object.

    ``status`` is ``pass``, ``fail`` or ``undecided`` (never rounded to a
    side); ``detail`` names indices and residuals on failure; ``exact`` says
    whether the answer is exact or numeric (then ``tolerance`` applies);
    ``code`` is the diagnostic code a failure raises."""

    subject: str
    property: str
    status: str
    detail: str = ""
    exact: bool = True
    tolerance: float | None = None
    code: str | None = None
    span: Span | None = None
    expected: str = PASS
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.exact and self.tolerance is None:
            self.tolerance = numeric_atol()

    @property
    def ok(self) -> bool:
        """True when the answer is the one the model claims."""
        return self.status == self.expected

    def to_json(self) -> dict:
        d = {
            "subject": self.subject,
            "property": self.property,
            "status": self.status,
            "expected": self.expected,
            "ok": self.ok,
            "exactness": "exact" if self.exact else "numeric",
        }
        if self.detail:
            d["detail"] = self.detail
        if self.tolerance is not None:
            d["tolerance"] = self.tolerance
        if self.code:
            d["code"] = self.code
        if self.span:
            d["line"], d["column"] = self.span.line, self.span.column
        if self.notes:
            d["notes"] = self.notes
        return d

    def _repr_html_(self) -> str:
        from steerdsl.notebook import check_result_html

        return check_result_html(self)


def combine(results: list[CheckResult], subject: str, prop: str) -> CheckResult:
    """One result from several: the first failure, else undecided if any, else pass."""
    for r in results:
        if r.status == FAIL:
            return r
    for r in results:
        if r.status == UNDECIDED:
            return r
    exact = all(r.exact for r in results)
    tol = next((r.tolerance for r in results if r.tolerance is not None), None)
    return CheckResult(subject, prop, PASS, exact=exact, tolerance=tol)

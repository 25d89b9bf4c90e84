"""Check results: pass / fail / undecided, with the residual that shows why."""

from __future__ import annotations

from dataclasses import dataclass, field

from steerdsl.diagnostics import Span

PASS = "pass"
FAIL = "fail"
UNDECIDED = "undecided"

NUMERIC_ATOL = 1e-9
"""Absolute tolerance of checks on floating-point (``numeric``) values."""


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
            self.tolerance = NUMERIC_ATOL

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

"""Run a model's exact checks: implicit validity of every definition and its ``check`` lines.

Every assemblage must be a valid assemblage of its scenario, every
measurement a POVM and every state a density matrix; ``check NAME : …``
lines ask for more (map properties, negated claims).  The result is a
:class:`ModelReport` with one :class:`CheckResult` per question and a
diagnostic for each answer that contradicts the model.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import prod

from steerdsl.diagnostics import Diagnostic, SteerError, did_you_mean, error
from steerdsl.exact import checks as ac
from steerdsl.exact import map_positivity as mp
from steerdsl.exact import operator_checks as oc
from steerdsl.exact import witness_checks as wc
from steerdsl.exact.ghjw import realisation_check
from steerdsl.exact.report import FAIL, PASS, UNDECIDED, CheckResult, combine, stated_tolerance
from steerdsl.limits import TooLarge
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.model import Definition, Model
from steerdsl.model.values import Behaviour, LinearMap, Measurement, State
from steerdsl.syntax import ast


def _valid(sigma: Assemblage, name: str) -> CheckResult:
    return combine(ac.valid_assemblage(sigma, name), name, "valid")


ASSEMBLAGE_PROPERTIES: dict[str, Callable[[Assemblage, str], CheckResult]] = {
    "valid": _valid,
    "nonsignalling": ac.no_signalling,
    "no_signalling": ac.no_signalling,
    "psd": ac.elements_psd,
    "positive": ac.elements_psd,
    "normalised": ac.normalised,
    "normalized": ac.normalised,
    "consistent_bobs": ac.bobs_agree,
    "no_bob_signalling": ac.bob_to_alice,
    "ghjw": realisation_check,
}

MAP_PROPERTIES: dict[str, Callable[[LinearMap], CheckResult]] = {
    "trace_preserving": oc.trace_preserving,
    "completely_positive": oc.completely_positive,
    "cp": oc.completely_positive,
    "tp": oc.trace_preserving,
    "hermiticity_preserving": oc.hermiticity_preserving,
    "positive": mp.positive,
    "decomposable": mp.decomposable,
    "co_completely_positive": mp.co_completely_positive,
}

STATE_PROPERTIES = {"valid": oc.state_checks, "state": oc.state_checks, "psd": wc.state_psd,
                    "entanglement_witness": wc.entanglement_witness}


def _on_behaviour(check: Callable[[Assemblage, str], CheckResult | list[CheckResult]]) -> Callable:
    """An assemblage check applied to a behaviour's dimension-1 assemblage."""
    return lambda p: check(p.as_assemblage(), p.name)


BEHAVIOUR_PROPERTIES = {
    "valid": _on_behaviour(ac.valid_assemblage),
    "nonsignalling": _on_behaviour(ac.no_signalling),
    "no_signalling": _on_behaviour(ac.no_signalling),
    "normalised": _on_behaviour(ac.normalised),
    "normalized": _on_behaviour(ac.normalised),
    "positive": _on_behaviour(ac.elements_psd),
}
MEASUREMENT_PROPERTIES = {"valid": oc.povm_checks, "povm": oc.povm_checks}


@dataclass
class ModelReport:
    """Every check of one model, and the diagnostics for the ones that contradict it."""

    file: str
    results: list[CheckResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "checks": [r.to_json() for r in self.results],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }

    def _repr_html_(self) -> str:
        from steerdsl.notebook import model_report_html

        return model_report_html(self)


def implicit_checks(model: Model) -> list[CheckResult]:
    """Validity of every definition (assemblages, measurements, states)."""
    out = []
    for name, d in model.definitions.items():
        if d.span is not None and d.span.file != model.file:
            continue  # checked in its own file
        v = d.value
        with stated_tolerance(stated_tol(d)):
            if isinstance(v, Assemblage) and d.kind == "assemblage":
                results = ac.valid_assemblage(v, name, instrumental_certificate(model, v, name))
            elif isinstance(v, Measurement):
                results = oc.povm_checks(v)
            elif isinstance(v, State):
                results = oc.state_checks(v)
            else:
                continue
        for r in results:
            r.span = d.span
            out.append(_noted(r, d))
    return out


def stated_tol(d: Definition) -> float | None:
    """The tolerance ``T`` a definition's numeric data states (``… numeric tol T``), else None."""
    tol = getattr(d.statement, "tol", None)
    return None if tol is None else float(tol)


def _noted(r: CheckResult, d: Definition) -> CheckResult:
    """``r`` with a note saying that it was decided within its data's stated tolerance (never silent)."""
    tol = stated_tol(d)
    if tol is not None and not r.exact:
        line = f" (line {d.span.line})" if d.span is not None else ""
        r.notes.append(f"checked within the tolerance {tol:g} that {d.name}'s data states{line}")
    return r


def instrumental_certificate(model: Model, sigma: Assemblage, name: str) -> Assemblage | None:
    """A BWI assemblage ω defined in the model that proves σ general instrumental (``ω[a|x a] = σ[a|x]``,
    ω valid, exactly), else the first one of the right shape (its check says why it fails), else None."""
    if sigma.scenario.kind != "instrumental":
        return None
    fitting = [d.value for other, d in model.definitions.items()
               if other != name and isinstance(d.value, Assemblage) and ac.certificate_fits(sigma, d.value)]
    for omega in fitting:
        if ac.general_instrumental(sigma, name, omega).status == PASS:
            return omega
    return fitting[0] if fitting else None


def _properties_for(value) -> dict[str, Callable]:
    if isinstance(value, Assemblage):
        return ASSEMBLAGE_PROPERTIES
    if isinstance(value, LinearMap):
        return MAP_PROPERTIES
    if isinstance(value, State):
        return STATE_PROPERTIES
    if isinstance(value, Measurement):
        return MEASUREMENT_PROPERTIES
    if isinstance(value, Behaviour):
        return BEHAVIOUR_PROPERTIES
    return {}


def check_property(value, name: str, prop: str, model: Model | None = None) -> CheckResult:
    """Answer one named property of a value (see the tables above); ``model`` supplies certificates (an
    instrumental assemblage's ω, :func:`instrumental_certificate`)."""
    table = _properties_for(value)
    fn = table[prop]
    if prop == "valid" and isinstance(value, Assemblage) and model is not None:
        result = combine(ac.valid_assemblage(value, name, instrumental_certificate(model, value, name)), name, prop)
    else:
        result = fn(value, name) if isinstance(value, Assemblage) else fn(value)
    if isinstance(result, list):
        result = combine(result, name, prop)
    result.property = prop
    return result


def explicit_checks(model: Model) -> tuple[list[CheckResult], list[Diagnostic]]:
    results, diags = [], []
    for q in model.questions:
        if not isinstance(q, ast.Check):
            continue
        if q.target not in model.definitions:
            near = did_you_mean(q.target, list(model.definitions))
            diags.append(Diagnostic("E101", f"unknown name {q.target!r}", q.target_span,
                                    f'did you mean "{near}"?' if near else None))
            continue
        value = model[q.target]
        table = _properties_for(value)
        for prop in q.properties:
            if prop.name not in table:
                near = did_you_mean(prop.name, list(table))
                kind = type(value).__name__.lower()
                article = "an" if kind[0] in "aeiou" else "a"
                diags.append(Diagnostic("E140", f"{prop.name!r} is not a property {article} {kind} can be checked for",
                                        prop.span, f'did you mean "{near}"?' if near else
                                        f"properties: {', '.join(sorted(table))}" if table else None))
                continue
            with stated_tolerance(stated_tol(model.definitions[q.target])):
                r = _noted(check_property(value, q.target, prop.name, model), model.definitions[q.target])
            r.span = prop.span
            r.expected = FAIL if prop.negated else PASS
            if q.expect is not None and q.expect.kind == "word" and q.expect.word in (PASS, FAIL, UNDECIDED):
                r.expected = q.expect.word
            results.append(r)
    return results, diags


def _bindings(model: Model, fors) -> Iterator[dict]:
    """The bindings of ``for …`` clauses, one at a time, within the budgets sum_terms (counted from
    the ranges, before the first) and model_terms."""
    ev = model.evaluator
    names, ranges = [], []
    for f in fors:
        lo, hi = ev.index(f.range.lo, {}), ev.index(f.range.hi, {})
        for n in f.names:
            names.append(n)
            ranges.append(range(lo, hi + 1))
    span = fors[0].span if fors else None
    try:
        terms = prod(max(0, r.stop - r.start) for r in ranges)
        ev.meter.check("sum_terms", terms, "the number of bindings of this assert")
        for combo in itertools.product(*ranges):
            ev.meter.charge("model_terms", 1, "a binding of this assert")
            yield dict(zip(names, combo))
    except TooLarge as exc:
        raise error(exc.code, str(exc), span, exc.hint) from None


def assert_checks(model: Model) -> list[CheckResult]:
    """``assert cond for …``: the condition must hold exactly for every binding."""
    out = []
    for q in model.questions:
        if not isinstance(q, ast.Assert):
            continue
        line = model.sources.get(q.span.file, "").splitlines()[q.span.line - 1] if q.span else "assert"
        text = line.split("#")[0].strip()
        result = CheckResult(text, "assert", PASS, span=q.span)
        for scope in _bindings(model, q.fors):
            value = model.evaluator.eval(q.condition, scope)
            if not isinstance(value, bool):
                raise error("E103", "an assert needs a true/false condition (a comparison)", q.condition.span)
            if not value:
                where = ", ".join(f"{k}={v}" for k, v in scope.items())
                detail = f"the assertion is false{' at ' + where if where else ''}"
                if isinstance(q.condition, ast.Compare):
                    left = model.evaluator.eval(q.condition.left, scope)
                    right = model.evaluator.eval(q.condition.right, scope)
                    detail += f": left side = {_show(left)}, right side = {_show(right)}"
                result = CheckResult(text, "assert", FAIL, detail, code="E211", span=q.condition.span)
                break
        out.append(result)
    return out


def _show(v) -> str:
    if alg.is_matrix(v):
        return "[" + "; ".join(", ".join(ac.fmt(e) for e in row) for row in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(_show(m) for m in v) + ")"
    return ac.fmt(v)


def value_checks(model: Model) -> list[CheckResult]:
    """``value F on sigma [expect …]``: the exact value of a functional."""
    out = []
    for q in model.questions:
        if not isinstance(q, ast.ValueOf):
            continue
        for name, span in ((q.functional, q.functional_span), (q.target, q.target_span)):
            if name not in model.definitions:
                near = did_you_mean(name, list(model.definitions))
                raise error("E101", f"unknown name {name!r}", span, f'did you mean "{near}"?' if near else None)
        functional, target = model[q.functional], model[q.target]
        if not isinstance(functional, Functional):
            raise error("E103", f"{q.functional} is not a functional", q.functional_span)
        if isinstance(target, Behaviour):
            target = target.as_assemblage()
        if not isinstance(target, Assemblage):
            raise error("E103", f"{q.target} is not an assemblage or behaviour", q.target_span)
        if target.scenario != functional.scenario:
            raise error("E104", f"{q.functional} and {q.target} belong to different scenarios", q.span)
        value = functional_value(functional, target)
        subject = f"{q.functional} on {q.target}"
        r = CheckResult(subject, "value", PASS, f"= {_show(value)}", exact=alg.is_exact(value), span=q.span)
        if q.expect is not None:
            r = _compare_expectation(model, r, value, q.expect)
        out.append(r)
    return out


def _compare_expectation(model: Model, r: CheckResult, value, exp: ast.Expectation) -> CheckResult:
    target = model.evaluator.eval(exp.value, {}) if exp.value is not None else None
    r.span = exp.span
    if exp.kind == "exact":
        ok = alg.equal(value, target) if alg.is_exact(value) and alg.is_exact(target) else \
            abs(complex(value) - complex(target)) <= ac.ATOL
        r.detail = f"{r.subject} = {_show(value)}; expected exactly {_show(target)}"
    elif exp.kind == "approx":
        tol = float(exp.tol) if exp.tol is not None else 1e-6
        ok = abs(complex(value) - complex(target)) <= tol
        r.detail = (f"{r.subject} = {_show(value)} ≈ {complex(value).real:.10g}; "
                    f"expected ≈ {complex(target).real:.10g} ± {tol:g}")
        r.tolerance = tol
    elif exp.kind == "order":
        sign = alg.real_sign(alg.binary("-", value, target))
        ok = {"<": sign < 0, "<=": sign <= 0, ">": sign > 0, ">=": sign >= 0}[exp.op]
        r.detail = f"{r.subject} = {_show(value)}; expected {exp.op} {_show(target)}"
    else:
        raise error("E140", f"a value takes 'expect == v', 'expect ≈ v tol t' or an order, not {exp.word!r}",
                    exp.span)
    if not ok:
        r.status = FAIL
        r.code = "E212"
    return r


def _diagnostic(r: CheckResult, model: Model) -> Diagnostic | None:
    if r.ok:
        return None
    if r.status == UNDECIDED:
        return Diagnostic("W301", f"{r.subject}: {r.property} is undecided — {r.detail}", r.span,
                          severity="warning")
    if r.expected == FAIL and r.status == PASS:
        return Diagnostic("E210", f"{r.subject} is {r.property.replace('_', ' ')}, but the model claims it is not",
                          r.span, "remove 'not' or fix the definition")
    message = r.detail or f"{r.subject} fails {r.property}"
    hint = None
    if r.code == "E201":
        hint = "an Alice's input must not change Bob's reduced state"
    elif r.code == "E202":
        hint = "every element must be positive semidefinite"
    elif r.code == "E203":
        hint = "check the normalisation (probabilities sum to 1, POVMs to I)"
    return Diagnostic(r.code or "E200", message, r.span, hint)


def check_model(model: Model) -> ModelReport:
    """All exact checks of a model, as a :class:`ModelReport`."""
    report = ModelReport(model.file)
    implicit = implicit_checks(model)
    explicit, diags = explicit_checks(model)
    report.diagnostics.extend(diags)
    try:
        claims = assert_checks(model) + value_checks(model)
    except SteerError as exc:
        report.diagnostics.append(exc.diagnostic)
        claims = []
    for r in implicit + explicit + claims:
        report.results.append(r)
        d = _diagnostic(r, model)
        if d is not None:
            report.diagnostics.append(d)
    return report


__all__ = ["check_model", "check_property", "ModelReport", "PASS", "FAIL", "UNDECIDED"]

"""Answer every question of a model: exact checks, SDP tasks, bounds, expectations.

``steer run`` and :func:`run_model` are the same function.  Each ``solve``,
``bound`` and standalone ``expect`` line becomes an :class:`Answer` carrying
its SDP result (value, verdict, margin, tolerance, solver status, times) and
whether the line's expectation holds.  Numbers within a tolerance of a
boundary are reported as ``undecided`` and never rounded to a side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from steerdsl.checking import ModelReport, check_model
from steerdsl.diagnostics import Diagnostic, Refusal, Span, SteerError, did_you_mean
from steerdsl.layout import complex_json, full_form
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.model import Model
from steerdsl.model.values import Behaviour, LinearMap, State
from steerdsl.object_tasks import object_task
from steerdsl.sdp.result import EXCLUDED, MEMBER, UNDECIDED, SDPResult
from steerdsl.sdp.size import SDPTooLarge, too_large_diagnostic
from steerdsl.sdp.solve import SolverError, SolverTimeLimit, time_limit
from steerdsl.syntax import ast
from steerdsl.tasks import TaskError, bound_task, default_quantum_task, note_no_certificate, solve_task

# words accepted after 'expect' on a solve line, as the verdict they require
VERDICT_WORDS = {
    "member": {MEMBER},
    "excluded": {EXCLUDED},
    "undecided": {UNDECIDED},
    "postquantum": {EXCLUDED},
    "steerable": {EXCLUDED},
    "quantum": {MEMBER},
    "lhs": {MEMBER},
    "feasible": {MEMBER, UNDECIDED},
    "local": {MEMBER},
    "nonlocal": {EXCLUDED},
    "decomposable": {MEMBER},
}
CERTIFIED = "certified"
"""``expect certified``: the line's claim (an exclusion, a bound) carries a verified exact certificate."""


CLAIMS = {"postquantum": "quantum", "quantum": "quantum", "steerable": "lhs", "lhs": "lhs"}
"""``expect NAME : CLAIM``: the set each claim is tested against (``quantum``: the kind's default relaxation)."""


SOLVABLE = (Assemblage, Behaviour, LinearMap, State, np.ndarray)
"""What a ``solve`` line can name: assemblages (tasks.py) and the objects of object_tasks.py."""


@dataclass
class Answer:
    """One answered question: the line, its result and its expectation."""

    line: int
    text: str
    subject: str
    task: str
    result: SDPResult | None = None
    expectation: str = ""
    ok: bool | None = None
    message: str = ""
    seconds: float = 0.0
    span: Span | None = None

    def to_json(self) -> dict:
        r = self.result
        out: dict[str, Any] = {"line": self.line, "question": self.text, "subject": self.subject,
                               "task": self.task, "expectation": self.expectation or None, "ok": self.ok,
                               "seconds": round(self.seconds, 4)}
        if self.message:
            out["message"] = self.message
        if r is not None:
            out.update(value=r.value, verdict=r.verdict, status=r.status, solver=r.solver,
                       exactness=r.exactness, compile_seconds=round(r.compile_seconds, 4),
                       solve_seconds=round(r.solve_seconds, 4))
            if r.exactness != "exact":
                out.update(tolerance=r.tolerance, margin=r.margin)
            if r.bound is not None:
                out["bound"] = r.bound
            if r.witness_value is not None:
                out["witness_value"] = r.witness_value
            if r.witness is not None:
                out["witness"] = witness_json(r.witness)
            details = {k: v for k, v in r.details.items()
                       if isinstance(v, (int, float, str, bool)) or v is None or k in ("bracket", "symmetry")}
            if details:
                out["details"] = details
        return out


@dataclass
class RunReport:
    """Everything ``steer run`` found in one model."""

    file: str
    checks: ModelReport
    answers: list[Answer] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.checks.ok and not self.diagnostics and all(a.ok is not False for a in self.answers)

    def to_json(self) -> dict:
        return {"file": self.file, "ok": self.ok, "checks": self.checks.to_json()["checks"],
                "answers": [a.to_json() for a in self.answers],
                "diagnostics": [d.to_json() for d in self.checks.diagnostics + self.diagnostics]}

    def _repr_html_(self) -> str:
        from steerdsl.notebook import run_report_html

        return run_report_html(self)


def witness_json(functional: Functional) -> dict[str, Any]:
    """A witness in JSON: ``{"a|x y": {"real": [[…]], "imag": [[…]]}}`` on every full key (a list of such
    matrices, one per Bob, with several Bobs); :func:`steerdsl.layout.full_form`."""
    return {f"{' '.join(map(str, a))}|{' '.join(map(str, (*x, *y)))}": complex_json(op)
            for (a, x, y), op in full_form(functional).items()}


def _options(stmt) -> dict[str, Any]:
    return {o.key: o.value for o in getattr(stmt, "options", ())}


NAMED_NOISES = ("white", "ghz", "w")


def _noise_option(model: Model, options: dict[str, Any], stmt) -> dict[str, Any]:
    """``noise NAME``: an assemblage of the model by that name, else one of the named noises
    (``white``, ``ghz``, ``w``)."""
    name = options.get("noise")
    user = name in model.definitions and isinstance(model[name], Assemblage)
    if name is None or (name in NAMED_NOISES and not user):
        return options
    if name not in model.definitions:
        near = did_you_mean(name, list(model.definitions) + list(NAMED_NOISES))
        hint = f'did you mean "{near}"?' if near else f"noises: {', '.join(NAMED_NOISES)} or an assemblage"
        raise SteerError(Diagnostic("E101", f"unknown noise {name!r}", stmt.span, hint))
    return {**options, "noise_value": _lookup(model, name, stmt.span, Assemblage, "an assemblage")}


def _line_text(model: Model, span: Span | None) -> str:
    if span is None:
        return ""
    lines = model.sources.get(span.file, "").splitlines()
    if span.line > len(lines):
        return ""
    return lines[span.line - 1].split("#")[0].split(" expect ")[0].strip()


def _lookup(model: Model, name: str, span, kind: type, what: str):
    if name not in model.definitions:
        near = did_you_mean(name, list(model.definitions))
        hint = f'did you mean "{near}"?' if near else None
        raise SteerError(Diagnostic("E101", f"unknown name {name!r}", span, hint))
    value = model[name]
    if not isinstance(value, kind):
        raise SteerError(Diagnostic("E103", f"{name} is not {what}", span))
    return value


def _judge_verdict(answer: Answer, exp: ast.Expectation) -> None:
    r = answer.result
    word = exp.word
    if word == CERTIFIED:
        answer.ok = (r.exactness == CERTIFIED) != exp.negated
        answer.expectation = ("not " if exp.negated else "") + word
        return
    if word not in VERDICT_WORDS:
        near = did_you_mean(word, list(VERDICT_WORDS))
        words = f"words: {', '.join(VERDICT_WORDS)}, {CERTIFIED}"
        raise SteerError(Diagnostic("E140", f"unknown expectation {word!r}", exp.span,
                                    f'did you mean "{near}"?' if near else words))
    wanted = VERDICT_WORDS[word]
    holds = r.verdict in wanted
    if exp.negated:
        holds = r.verdict is not None and r.verdict not in wanted
    answer.ok = holds
    answer.expectation = ("not " if exp.negated else "") + word


def _judge_value(answer: Answer, exp: ast.Expectation, model: Model) -> None:
    value = answer.result.value
    target = complex(model.evaluator.eval(exp.value, {})).real
    if value is None:
        answer.ok = False
        answer.expectation = f"value {exp.kind} {target:g}"
        answer.message = "the solver returned no value"
        return
    if exp.kind == "approx":
        tol = float(exp.tol) if exp.tol is not None else 1e-6
        answer.ok = abs(value - target) <= tol
        answer.expectation = f"≈ {target:.10g} ± {tol:g}"
    elif exp.kind == "exact":
        tol = answer.result.tolerance
        answer.ok = abs(value - target) <= tol
        answer.expectation = f"= {target:.10g} (numeric, ± {tol:g})"
    else:
        op = exp.op
        answer.ok = {"<": value < target, "<=": value <= target, ">": value > target, ">=": value >= target}[op]
        answer.expectation = f"{op} {target:.10g}"


def _judge(answer: Answer, exp: ast.Expectation | None, model: Model) -> None:
    if exp is None or answer.result is None:
        return
    if exp.kind == "word":
        _judge_verdict(answer, exp)
    else:
        _judge_value(answer, exp, model)


def answer_question(model: Model, stmt, defaults: dict | None = None) -> Answer | None:
    """Run one ``solve`` / ``bound`` / ``expect`` line (``defaults`` fill options the line leaves out)."""
    start = time.perf_counter()
    defaults = defaults or {}
    text = _line_text(model, stmt.span)
    if isinstance(stmt, ast.Solve):
        target = _lookup(model, stmt.target, stmt.target_span, SOLVABLE, "an object a task applies to")
        answer = Answer(stmt.span.line, text, stmt.target, stmt.task, span=stmt.span)
        options = _noise_option(model, {**defaults, **_options(stmt)}, stmt)
        answer.result = solve_task(target, stmt.task, options) if isinstance(target, Assemblage) else \
            note_no_certificate(object_task(target, stmt.target, stmt.task, options), options)
        _judge(answer, stmt.expect, model)
    elif isinstance(stmt, ast.Bound):
        functional = _lookup(model, stmt.target, stmt.target_span, Functional, "a functional")
        answer = Answer(stmt.span.line, text, stmt.target, f"bound {stmt.sense} over {stmt.over}", span=stmt.span)
        answer.result = bound_task(functional, stmt.sense, stmt.over, {**defaults, **_options(stmt)})
        _judge(answer, stmt.expect, model)
    elif isinstance(stmt, ast.ExpectStmt):
        sigma = _lookup(model, stmt.target, stmt.target_span, Assemblage, "an assemblage")
        words = " ".join(stmt.words)
        negated = stmt.words[0] == "not"
        word = stmt.words[-1]
        if word not in CLAIMS:
            raise SteerError(Diagnostic("E140", f"expect {words}: unknown claim", stmt.span,
                                        f"claims: {', '.join(CLAIMS)}"))
        task, options = ("lhs", {}) if CLAIMS[word] == "lhs" else default_quantum_task(sigma)
        answer = Answer(stmt.span.line, text, stmt.target, task, span=stmt.span)
        answer.result = solve_task(sigma, task, {**defaults, **options})
        _judge(answer, ast.Expectation("word", word=word, negated=negated, span=stmt.span), model)
    else:
        return None
    answer.seconds = time.perf_counter() - start
    return answer


def run_model(model: Model, progress: Callable[[str], None] | None = None, solver: str | None = None,
              max_sdp_size: int | None = None, time_limit_seconds: float | None = None,
              max_sdp_memory: float | None = None, symmetry: bool = True) -> RunReport:
    """Exact checks, then every SDP question of the model, in file order.

    ``solver`` is used by every line that does not name its own; an SDP estimated above
    ``max_sdp_size`` real variables (default :data:`steerdsl.sdp.size.DEFAULT_MAX_VARIABLES`) is
    refused with E182 before it is built, and so is one whose estimated memory is above ``max_sdp_memory``
    GiB (default 2, :data:`steerdsl.sdp.size.DEFAULT_MAX_MEMORY`); a line that takes more than
    ``time_limit_seconds`` in all (building its SDPs, solving them, certifying) is stopped with E310.
    ``symmetry=False`` (``--no-symmetry``) turns the symmetry reduction off on every question."""
    defaults: dict[str, Any] = {"solver": solver} if solver else {}
    if max_sdp_size is not None:
        defaults["max_sdp_size"] = max_sdp_size
    if max_sdp_memory is not None:
        defaults["max_sdp_memory"] = max_sdp_memory
    if not symmetry:
        defaults["no_symmetry"] = True
    report = RunReport(model.file, check_model(model), sources=model.sources)
    questions = [q for q in model.questions if isinstance(q, (ast.Solve, ast.Bound, ast.ExpectStmt))]
    for k, stmt in enumerate(questions, start=1):
        if progress is not None:
            progress(f"[{k}/{len(questions)}] {model.file}:{stmt.span.line} {_line_text(model, stmt.span)}")
        try:
            with time_limit(time_limit_seconds, f"line {stmt.span.line}"):
                answer = answer_question(model, stmt, defaults)
        except SteerError as exc:
            report.diagnostics.append(exc.diagnostic)
            continue
        except TaskError as exc:
            report.diagnostics.append(Diagnostic("E140", str(exc), stmt.span, exc.hint))
            continue
        except SDPTooLarge as exc:
            report.diagnostics.append(too_large_diagnostic(exc, stmt.span))
            continue
        except SolverTimeLimit as exc:
            report.diagnostics.append(Diagnostic("E310", f"the time limit of {time_limit_seconds:g} s ran out on "
                                                 f"{exc.task}", stmt.span, "raise it with --time-limit, or ask "
                                                 "for a smaller problem", notes=exc.attempts))
            continue
        except SolverError as exc:
            report.diagnostics.append(Diagnostic("E300", f"the solver failed on {exc.task}", stmt.span,
                                                 "try another solver with 'solver NAME' or --solver",
                                                 notes=exc.attempts))
            continue
        except Refusal as exc:
            report.diagnostics.append(Diagnostic(exc.code, str(exc), stmt.span, exc.hint))
            continue
        except (ValueError, ArithmeticError) as exc:
            code = getattr(exc, "code", "E301")  # the inner side's own codes (steerdsl.inner.realisation)
            text = str(exc) if code != "E301" else f"cannot set up this problem: {exc}"
            report.diagnostics.append(Diagnostic(code, text, stmt.span))
            continue
        if answer is not None:
            report.answers.append(answer)
    return report

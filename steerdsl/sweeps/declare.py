"""Sweeps inside the resolver: parameter overrides and ``sweep`` statements.

A sweep parameter either overrides a model's ``let NAME = …`` (wherever it
stands in the file) or, when no such ``let`` exists, is declared by the
``sweep`` statement itself: it is then defined at the sweep's position, so the
definitions below it may use it.  Resolving the file alone binds such a
parameter to its first point; a sweep task re-resolves the same text with
``overrides`` (``{name: exact expression text}``) replacing each value.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from steerdsl.diagnostics import Span, did_you_mean, error
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model.values import Angle
from steerdsl.sweeps.grid import Point, SweepSpec, fraction_text, positions
from steerdsl.syntax import ast
from steerdsl.syntax.parser import parse

OVERRIDE_FILE = "<sweep>"


def parse_overrides(values: dict[str, str] | None) -> dict[str, ast.Expr]:
    """``{name: text}`` → ``{name: expression}``; each text is read as the right side of a ``let``."""
    out: dict[str, ast.Expr] = {}
    for name, text in (values or {}).items():
        module = parse(f"let {name} = {text}", OVERRIDE_FILE)
        (stmt,) = module.statements
        out[name] = stmt.body
    return out


def source_text(text: str, span: Span) -> str:
    """The source text a span covers (1-based lines and columns, end exclusive)."""
    lines = text.splitlines(keepends=True)
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1:]] + lines[span.line:span.end_line - 1]
    parts.append(lines[span.end_line - 1][:span.end_column - 1])
    return "".join(parts)


def _rational(v: Any) -> Fraction | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Fraction)):
        return Fraction(v)
    if isinstance(v, Cyclo) and v.is_rational:
        return v.to_fraction()
    return None


def _pi_multiple(v: Any) -> Fraction | None:
    if isinstance(v, Angle) and not v.imaginary:
        return v.r
    q = _rational(v)
    return q if q == 0 else None


def _real_number(v: Any, span: Span | None, what: str) -> float:
    try:
        c = complex(v)
    except (TypeError, ValueError):
        raise error("E161", f"{what} must be a real number, not a {type(v).__name__}", span,
                    "sweep over numbers: v in 0..1 points 11, or v in {1/2, 1/sqrt(2)}") from None
    if isinstance(v, bool) or abs(c.imag) > 1e-12 * max(1.0, abs(c.real)):
        raise error("E161", f"{what} must be a real number, not {v!r}", span,
                    "sweep over real numbers: complex values cannot be ordered or plotted")
    return c.real


MAX_POINTS = 100_000
"""Most points of one swept parameter (the points are listed when the model is read)."""


def _interval_points(param: ast.SweepParam, evaluate, text: str) -> list[Point]:
    rng = param.range
    lo, hi = evaluate(rng.lo), evaluate(rng.hi)
    lo_f = _real_number(lo, rng.lo.span, "the lower end of a sweep")
    hi_f = _real_number(hi, rng.hi.span, "the upper end of a sweep")
    if param.count < 1 or (param.kind == "points" and param.count < 2 and lo_f != hi_f):
        raise error("E161", f"a sweep of {param.name} needs at least {2 if param.kind == 'points' else 1} points",
                    param.span, "e.g. v in 0..1 points 11")
    if param.count > MAX_POINTS:
        raise error("E161", f"a sweep of {param.name} asks for {param.count} points, more than {MAX_POINTS}",
                    param.span, "sweep fewer points, or split the interval into several sweeps")
    lo_text, hi_text = source_text(text, rng.lo.span).strip(), source_text(text, rng.hi.span).strip()
    q_lo, q_hi = _rational(lo), _rational(hi)
    r_lo, r_hi = _pi_multiple(lo), _pi_multiple(hi)
    points = []
    for t in positions(param.kind, param.count, param.seed, param.name):
        number = lo_f + float(t) * (hi_f - lo_f)
        if q_lo is not None and q_hi is not None:
            exact = fraction_text(q_lo + t * (q_hi - q_lo))
        elif r_lo is not None and r_hi is not None:
            r = r_lo + t * (r_hi - r_lo)
            exact = {0: "0", 1: "pi"}.get(r, f"{fraction_text(r)}*pi")
        elif t == 0:
            exact = lo_text
        elif t == 1:
            exact = hi_text
        else:
            exact = f"({lo_text}) + {fraction_text(t)}*(({hi_text}) - ({lo_text}))"
        points.append(Point(exact, number))
    return points


def sweep_points(param: ast.SweepParam, evaluate, text: str) -> list[Point]:
    """The points of one parameter (see :mod:`steerdsl.sweeps.grid`); ``evaluate(expr)`` is exact."""
    if param.kind == "values":
        out = []
        for expr in param.values:
            number = _real_number(evaluate(expr), expr.span, f"a value of {param.name}")
            out.append(Point(source_text(text, expr.span).strip(), number))
        return out
    return _interval_points(param, evaluate, text)


def declare_sweep(resolver, stmt: ast.Sweep) -> SweepSpec:
    """Compute a sweep's points, declare the parameters no ``let`` defines, and describe the sweep."""
    evaluate = lambda expr: resolver.evaluator.eval(expr, {})  # noqa: E731
    params: dict[str, list[Point]] = {}
    for param in stmt.params:
        if param.name in params:
            raise error("E160", f"{param.name} is swept twice in one sweep", param.span,
                        "give each parameter once; several parameters make a grid")
        known = resolver.definitions.get(param.name)
        if known is not None and known.kind != "let":
            raise error("E160", f"{param.name} is a {known.kind}, not a number that can be swept", param.span,
                        "sweep a parameter defined by 'let NAME = …', or a new name")
        params[param.name] = sweep_points(param, evaluate, resolver.text)
        if param.name not in resolver.let_names and known is None:
            override = resolver.overrides.pop(param.name, None)
            value = evaluate(override) if override is not None else evaluate_point(resolver, params[param.name][0])
            resolver.define(param.name, "let", value, param.span, stmt)
    questions = [source_text(resolver.text, q.span).strip() for q in stmt.questions]
    return SweepSpec(params, questions, stmt.span.line if stmt.span else 0, stmt.span,
                     [q.span for q in stmt.questions])


def evaluate_point(resolver, point: Point) -> Any:
    """The exact value of a point's expression in the resolver's current scope."""
    return resolver.evaluator.eval(parse_overrides({"_": point.text})["_"], {})


def check_overrides_used(resolver) -> None:
    """Every override must name a ``let`` of the model or a parameter its sweeps declare."""
    for name in resolver.overrides:
        near = did_you_mean(name, sorted(resolver.let_names))
        raise error("E160", f"cannot set {name}: the model has no 'let {name} = …' and no sweep declares it",
                    None, f'did you mean "{near}"?' if near else "only numbers defined by let can be set")

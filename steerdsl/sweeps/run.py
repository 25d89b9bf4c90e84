"""Run a sweep: build its tasks, skip the ones already saved, execute the rest, make the table.

>>> import steerdsl as sd
>>> table = sd.sweep("models/e10_werner_xyz.steer", {"v": "0.3..0.9 points 50"},
...                  ["solve sigma : lhs"], jobs=2, out="werner.jsonl")    # doctest: +SKIP
>>> print(table); table.to_pandas(); table.plot(path="werner.png")         # doctest: +SKIP

Without ``params`` the ``sweep`` statements of the file are run.  Parameter
values are given in the language's own sweep syntax (``"0.3..0.9 points
50"``, ``"0..1 random 20 seed 7"``, ``"{1/2, 1/sqrt(2)}"``) or as a list of
numbers (ints, Fractions, floats — a float is read as its shortest decimal,
exactly) or expression texts.  ``jobs = N`` uses a local process pool,
``scheduler = ADDRESS`` (or a ``distributed.Client``) a Dask cluster; ``out``
is the JSON-lines file that saves every result as it arrives and lets an
interrupted sweep resume; ``limit`` stops after computing that many new tasks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from steerdsl.diagnostics import SteerError, did_you_mean, error
from steerdsl.model.model import Model
from steerdsl.model.resolve import load_text
from steerdsl.sweeps.declare import source_text
from steerdsl.sweeps.execute import execute
from steerdsl.sweeps.grid import SweepSpec, fraction_text
from steerdsl.sweeps.store import ResultStore
from steerdsl.sweeps.table import SweepStats, SweepTable, row_from_record
from steerdsl.sweeps.task import make_task, parse_question
from steerdsl.syntax import ast

QUESTION_KINDS = (ast.Solve, ast.Bound, ast.ValueOf, ast.Check, ast.ExpectStmt)


def model_source(model: Model | str | Path, file: str | None = None) -> tuple[str, str]:
    """``(text, file name)`` of a model given as a Model, a path, or the text itself."""
    if isinstance(model, Model):
        return model.sources[model.file], model.file
    if isinstance(model, Path) or ("\n" not in model and model.endswith(".steer")):
        path = Path(model)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise error("E131", f"cannot read {path}: {exc}", None, "check the path") from None
    return model, file or "<string>"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError("a sweep value cannot be a bool")
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, (int, float)):
        return repr(value)  # a float's shortest decimal, which the language reads exactly
    return str(value)


def _spec_text(name: str, values: str | Iterable[Any]) -> str:
    if isinstance(values, str):
        return f"{name} in {values}"
    return f"{name} in {{{', '.join(_value_text(v) for v in values)}}}"


def python_sweep(text: str, file: str, params: dict[str, str | Iterable[Any]],
                 questions: list[str] | None) -> SweepSpec:
    """A sweep given from Python, with its points computed exactly as a ``sweep`` line would."""
    line = "sweep " + ", ".join(_spec_text(n, v) for n, v in params.items()) + " { }"
    try:
        model = load_text(f"{text}\n{line}\n", file)
    except SteerError as exc:
        span = exc.diagnostic.span
        if span is None or span.file != file or span.line <= text.count("\n") + 1:
            raise
        # the error is in the parameters, not in the file: say so, and where in the parameters
        column = span.column - len("sweep ")
        raise error("E232", f"cannot read the sweep parameters {line[6:-4]!r}: {exc.diagnostic.message} (at "
                    f"character {max(column, 1)} of the parameters)", None,
                    "write NAME=VALUES with VALUES an interval 'a..b points n' or a set '{x, y, …}' of numbers, "
                    "e.g. --param 'v=0..1 points 11' or --param 'v={1/2, 0.7}'",
                    [f"{exc.diagnostic.code}: {exc.diagnostic.message}"]) from None
    spec = model.sweeps[-1]
    spec.span, spec.line = None, 0  # the sweep line is not part of the file: diagnostics must not point there
    if questions is None:
        questions = [source_text(text, q.span).strip() for q in model.questions if isinstance(q, QUESTION_KINDS)]
    spec.questions = list(questions)
    return spec


def imported_sources(model: Model) -> dict[str, str]:
    """The texts of the files a model imports (they enter the task keys)."""
    return {f: t for f, t in model.sources.items() if f != model.file and not f.startswith("<")}


def _check_questions(text: str, file: str, spec: SweepSpec) -> None:
    """Fail early, with a diagnostic, on a question that cannot be asked at the sweep's first point."""
    if not spec.questions:
        raise error("E162", "the sweep asks no questions", spec.span,
                    "put solve/bound/value/check lines between the sweep's braces")
    first = {name: points[0].text for name, points in spec.params.items()}
    model = load_text(text, file, overrides=first)
    spans = spec.question_spans or [None] * len(spec.questions)
    for question, span in zip(spec.questions, spans):
        stmt = parse_question(question)
        for name in (getattr(stmt, "target", None), getattr(stmt, "functional", None)):
            if name is not None and name not in model:
                near = did_you_mean(name, list(model.definitions))
                raise error("E101", f"unknown name {name!r} in the sweep question {question!r}", span or spec.span,
                            f'did you mean "{near}"?' if near else None)


def _has_expectation(stmt) -> bool:
    return isinstance(stmt, ast.ExpectStmt) or getattr(stmt, "expect", None) is not None


def sweep(model: Model | str | Path, params: dict[str, str | Iterable[Any]] | None = None,
          questions: list[str] | None = None, *, file: str | None = None, jobs: int = 1, scheduler=None,
          out: str | Path | None = None, limit: int | None = None, solver: str | None = None,
          progress: Callable[[int, int, dict], None] | None = None,
          expectations_only: bool = False) -> SweepTable:
    """Re-ask a model's questions over a grid of parameter values; see the module docstring.

    A task is (model text, parameter values, question) → JSON result (:mod:`steerdsl.sweeps.task`), so
    the table is the same serially, with ``jobs``, or on Dask.  ``progress(done, total, record)`` is
    called after each newly computed task.  ``expectations_only`` keeps only the questions that carry an
    ``expect`` clause (what ``steer test`` checks)."""
    text, file = model_source(model, file)
    base = load_text(text, file)
    specs = [python_sweep(text, file, params, questions)] if params else list(base.sweeps)
    if not specs:
        raise error("E162", f"{file} has no sweep statement and no parameters were given", None,
                    "add e.g. 'sweep v in 0..1 points 11 { solve sigma : lhs }' to the model")
    if questions is not None and not params:
        for spec in specs:
            spec.questions, spec.question_spans = list(questions), []
    imports = imported_sources(base)
    names: list[str] = []
    plan: list[tuple[dict[str, float], str, dict]] = []
    if expectations_only:
        for spec in specs:
            spec.questions = [q for q in spec.questions if _has_expectation(parse_question(q))]
        specs = [spec for spec in specs if spec.questions]
    for spec in specs:
        _check_questions(text, file, spec)
        names += [n for n in spec.params if n not in names]
        for point in spec.grid():
            exact = {n: p.text for n, p in point.items()}
            numbers = {n: p.number for n, p in point.items()}
            label = ", ".join(f"{n}={t}" for n, t in exact.items())
            for question in spec.questions:
                plan.append((numbers, label, make_task(text, file, exact, question, solver, imports)))
    store = ResultStore(out)
    todo = list({t["key"]: t for _, _, t in plan if t["key"] not in store}.values())
    if limit is not None:
        todo = todo[:max(0, limit)]
    stats = SweepStats(total=len({t["key"] for _, _, t in plan}))
    stats.reused = stats.total - len({t["key"] for _, _, t in plan if t["key"] not in store})
    start = time.perf_counter()

    fresh: dict[str, dict] = {}

    def on_result(record: dict) -> None:
        store.add(record)
        fresh[record["key"]] = record
        stats.computed += 1
        if progress is not None:
            progress(stats.computed, len(todo), record)

    try:
        execute(todo, on_result, jobs=jobs, scheduler=scheduler)
    finally:
        stats.seconds = time.perf_counter() - start
        store.close()
    records = [store.get(t["key"]) or fresh.get(t["key"]) for _, _, t in plan]
    rows = [row_from_record(numbers, label, t["question"], r) for (numbers, label, t), r in zip(plan, records)]
    return SweepTable(names, rows, records, stats)

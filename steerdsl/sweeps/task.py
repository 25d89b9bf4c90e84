"""One sweep task: a pure function from (model text, parameter values, question) to a JSON result.

A task is a plain dict — ``model`` (the text), ``file`` (its name, for
imports and diagnostics), ``params`` (``{name: exact expression text}``),
``question`` (one ``solve`` / ``bound`` / ``value`` / ``check`` / ``expect``
line) and ``solver`` — so it pickles to a process pool or a Dask worker and
its :func:`task_key` (SHA-256 of everything that determines the answer,
including the text of imported files and the steerdsl version) names its
result in the saved results.  :func:`run_task` re-resolves the model with the
parameters bound (:func:`steerdsl.model.resolve.load_text` with
``overrides``) and answers the question as ``steer run`` would; the result
holds only JSON values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from functools import lru_cache
from typing import Any

from steerdsl.diagnostics import Diagnostic, Refusal, SteerError, error

QUESTION_FILE = "<question>"
TIMING_FIELDS = ("seconds", "compile_seconds", "solve_seconds")
"""Result fields that measure time and so differ between otherwise identical runs."""


def make_task(model: str, file: str, params: dict[str, str], question: str, solver: str | None = None,
              imports: dict[str, str] | None = None) -> dict:
    """A task dict (``imports``: the texts of imported files, which enter only the key)."""
    task = {"model": model, "file": file, "params": dict(params), "question": question, "solver": solver}
    task["key"] = task_key(task, imports or {})
    return task


def task_key(task: dict, imports: dict[str, str]) -> str:
    """SHA-256 of the model text, imported texts, parameters, question, solver and steerdsl version."""
    from steerdsl import __version__

    payload = {"model": task["model"], "imports": sorted(imports.values()), "params": sorted(task["params"].items()),
               "question": task["question"], "solver": task.get("solver"), "steerdsl": __version__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_question(text: str):
    """The one question statement of ``text`` (a SteerError if it is not exactly one question)."""
    from steerdsl.syntax import ast
    from steerdsl.syntax.parser import parse

    statements = parse(text, QUESTION_FILE).statements
    kinds = (ast.Solve, ast.Bound, ast.ValueOf, ast.Check, ast.ExpectStmt)
    if len(statements) != 1 or not isinstance(statements[0], kinds):
        raise error("E162", f"{text!r} is not one question", None,
                    "a sweep asks solve, bound, value, check or expect lines, e.g. 'solve sigma : lhs'")
    return statements[0]


@lru_cache(maxsize=8)
def _model(text: str, file: str, params: tuple[tuple[str, str], ...]):
    from steerdsl.model.resolve import load_text

    return load_text(text, file, overrides=dict(params))


def _check_answer(model, stmt) -> dict:
    from steerdsl.checking import explicit_checks
    from steerdsl.exact.report import FAIL, PASS, UNDECIDED

    results, diagnostics = explicit_checks(dataclasses.replace(model, questions=[stmt]))
    if diagnostics:
        raise SteerError(diagnostics[0])
    statuses = {r.status for r in results}
    status = UNDECIDED if UNDECIDED in statuses else (FAIL if FAIL in statuses else PASS)
    return {"task": "check", "verdict": status, "ok": all(r.ok for r in results),
            "checks": [{k: v for k, v in r.to_json().items() if k != "span"} for r in results]}


def _value_answer(model, stmt) -> dict:
    from steerdsl.checking import value_checks
    from steerdsl.model.marginals import functional_value
    from steerdsl.model.values import Behaviour

    (result,) = value_checks(dataclasses.replace(model, questions=[stmt]))
    target = model[stmt.target]
    target = target.as_assemblage() if isinstance(target, Behaviour) else target
    value = complex(functional_value(model[stmt.functional], target)).real
    out = {"task": "value", "value": value, "exactness": "exact" if result.exact else "numeric",
           "detail": result.detail}
    if stmt.expect is not None:
        out["ok"] = result.ok
    return out


def answer(model, stmt, solver: str | None = None) -> dict:
    """Answer one question of a resolved model as JSON (what ``steer run`` reports for the line)."""
    from steerdsl.run import answer_question
    from steerdsl.syntax import ast

    if isinstance(stmt, ast.Check):
        return _check_answer(model, stmt)
    if isinstance(stmt, ast.ValueOf):
        return _value_answer(model, stmt)
    result = answer_question(model, stmt, {"solver": solver} if solver else {})
    out = result.to_json()
    for k in ("line", "question", "subject"):
        out.pop(k, None)
    return out


def run_task(task: dict) -> dict:
    """Resolve the model with the task's parameters, answer its question, return a JSON record.

    Mistakes in the model or question and solver failures are part of the answer (``error``,
    with the diagnostic), because rerunning gives the same; an unexpected internal error is
    marked ``internal`` so that a resumed sweep tries the task again."""
    from steerdsl.sdp.size import SDPTooLarge, too_large_diagnostic
    from steerdsl.sdp.solve import SolverError
    from steerdsl.tasks import TaskError

    start = time.perf_counter()
    record: dict[str, Any] = {"key": task["key"], "params": task["params"], "question": task["question"]}
    try:
        model = _model(task["model"], task["file"], tuple(sorted(task["params"].items())))
        stmt = parse_question(task["question"])
        model.sources[QUESTION_FILE] = task["question"]
        record["result"] = answer(model, stmt, task.get("solver"))
    except SteerError as exc:
        record["error"] = exc.diagnostic.to_json()
    except SDPTooLarge as exc:
        record["error"] = too_large_diagnostic(exc, None).to_json()
    except TaskError as exc:
        record["error"] = Diagnostic("E140", str(exc), None, exc.hint).to_json()
    except SolverError as exc:
        record["error"] = Diagnostic("E300", f"the solver failed on {exc.task}", None,
                                     "try another solver with --solver", notes=exc.attempts).to_json()
    except Refusal as exc:
        record["error"] = Diagnostic(exc.code, str(exc), None, exc.hint).to_json()
    except (ValueError, ArithmeticError) as exc:
        record["error"] = Diagnostic("E301", f"cannot set up this problem: {exc}").to_json()
    except Exception as exc:  # noqa: BLE001 - reported, not saved: a rerun tries again
        record["error"] = Diagnostic("E900", f"internal error: {type(exc).__name__}: {exc}").to_json()
        record["internal"] = True
    record["seconds"] = round(time.perf_counter() - start, 4)
    return record

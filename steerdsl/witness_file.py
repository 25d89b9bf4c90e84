"""Witnesses as ``.steer`` files: the dual steering functional of an answer, written so that ``steer run``
reads it back and recomputes its bound.

A file holds the witness's scenario block (:func:`scenario_block`), the functional as a ``table numeric`` (operators on
full keys, :func:`steerdsl.layout.full_form`; entries as decimals, which the language reads exactly) and
the question ``bound max|min W over SET`` that the witness certifies, with the numbers of the run in a
comment.  ``β_W(σ) > bound`` is what the witness says about σ (physics.md §4.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from steerdsl.layout import full_form
from steerdsl.model.assemblage import Functional
from steerdsl.model.model import Model
from steerdsl.model.scenario import Scenario

DIGITS = 12
"""Significant digits of each written entry."""


def _number(z: complex) -> str:
    re, im = (float(f"{v:.{DIGITS}g}") for v in (z.real, z.imag))
    if im == 0:
        return repr(re)
    if re == 0:
        return f"{im!r}*i"
    return f"{re!r} {'-' if im < 0 else '+'} {abs(im)!r}*i"


def _matrix(m: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(_number(complex(v)) for v in row) + "]" for row in m) + "]"


def scenario_block(sc: Scenario) -> str:
    """``scenario { … }`` declaring ``sc`` in the language (a Bell scenario declares no Bob)."""
    lines = ["scenario {"]
    for al in sc.alices:
        outputs = str(al.outputs[0]) if len(set(al.outputs)) == 1 else f"[{', '.join(map(str, al.outputs))}]"
        rounds = f", rounds {al.rounds}" if al.rounds > 1 else ""
        lines.append(f"    alice {al.name} : inputs {al.inputs}, outputs {outputs}{rounds}")
    for bob in sc.bobs:
        if sc.kind == "bell":
            break
        extra = f", inputs {bob.inputs}" if bob.inputs else ""
        extra += f", input = outcome of {bob.input_from}" if bob.input_from else ""
        lines.append(f"    bob {bob.name} : dim {bob.dim}{extra}")
    return "\n".join(lines + ["}"])


def functional_table(functional: Functional, name: str) -> str:
    """``functional NAME table numeric { NAME[a|x y] (on BOB) = [[…]] … }`` in full form."""
    sc = functional.scenario
    lines = [f"functional {name} table numeric {{"]
    for (a, x, y), op in sorted(full_form(functional).items()):
        index = f"{', '.join(map(str, a))}|{', '.join(map(str, (*x, *y)))}"
        parts = op if isinstance(op, tuple) else (op,)
        for bob, part in zip(sc.bobs, parts):
            if part is None:
                continue
            on = f" on {bob.name}" if len(sc.bobs) > 1 else ""
            lines.append(f"    {name}[{index}]{on} = {_matrix(np.asarray(part))}")
    lines.append("}")
    return "\n".join(lines)


def witness_file(model: Model, answer: Any, name: str = "W") -> str | None:
    """The ``.steer`` text of ``answer``'s witness (None when it has none): scenario, functional and the
    bound question over the set the answer is about."""
    result = answer.result
    if result is None or result.witness is None:
        return None
    scenario = scenario_block(result.witness.scenario)
    over = _bound_set(result.task)
    header = (f"# Witness of {model.file}:{answer.line}: {answer.text}\n"
              f"# reported bound {result.bound!r}, value on {answer.subject} {result.witness_value!r}; "
              f"beta_{name}(sigma) > bound certifies that {answer.subject} is outside the set.\n")
    question = f"bound max {name} over {over}\n" if over else ""
    return f"{header}{scenario}\n\n{functional_table(result.witness, name)}\n\n{question}"


def _bound_set(task: str) -> str | None:
    """The set over which a task's witness has its bound, in the language (None when not one line)."""
    if task in ("lhs", "visibility", "generalised_robustness", "consistent_robustness", "steering_weight"):
        return "lhs"
    if task == "local polytope":
        return "lhs"
    if task.startswith("quantum level "):
        level = task.removeprefix("quantum level ")
        return "almost_quantum" if level == "1+AB" else f"npa level {level}"
    return None

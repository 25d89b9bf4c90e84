"""``solve NAME : TASK`` for objects other than assemblages: behaviours, maps, matrices, (pseudo-)states.

- Behaviour (Bell correlations): ``local`` (the local-polytope LP), ``npa level n``,
  ``almost_quantum``, ``quantum`` and the other assemblage tasks on its dimension-1 assemblage.
- Map: ``decomposable`` (the SDP of :mod:`steerdsl.sdp.decomposable`; ``check Λ : decomposable``
  gives the exactly verified answer).
- Matrix or (pseudo-)state: ``product_minimum`` — ``min ⟨ψ|H|ψ⟩`` over product vectors by
  multistart alternating minimisation (an estimate: an upper bound attained by the reported
  vector, never a proof); dimensions from ``dims d1 d2 …`` or the state's parties.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from steerdsl.model import algebra as alg
from steerdsl.model.values import Behaviour, LinearMap, State
from steerdsl.numeric.product_minimum import RESTARTS, STALL, product_minimum
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.size import decomposable_size, lhs_size
from steerdsl.sets import registry
from steerdsl.tasks import TaskError, check_task_size, solve_task

BEHAVIOUR_TASKS = ("local", "lhs", "npa", "almost_quantum", "quantum", "moments", "visibility")


def behaviour_task(p: Behaviour, task: str, options: dict[str, Any]) -> SDPResult:
    """A Bell-scenario task on a behaviour (see the module docstring)."""
    from steerdsl.sdp import bell

    if task in ("local", "lhs"):
        registry.validate("membership", "lhs", "bell", options)
        check_task_size(lhs_size(p.as_assemblage().scenario, "local polytope"), options)
        return bell.local(p, solver=options.get("solver"))
    if task in BEHAVIOUR_TASKS:
        return solve_task(p.as_assemblage(), task, options)
    raise TaskError(f"unknown task {task!r} for a behaviour", f"tasks: {', '.join(BEHAVIOUR_TASKS)}")


def product_minimum_task(value, name: str, options: dict[str, Any]) -> SDPResult:
    """``min ⟨ψ|H|ψ⟩`` over product vectors, as an answer carrying its method and best vector."""
    if isinstance(value, State):
        h, dims = value.rho, options.get("dims", value.dims)
    else:
        h, dims = value, options.get("dims")
        if dims is None:
            raise TaskError("product_minimum needs the factors' dimensions", "add 'dims 2 2 2' to the line")
    h = alg.to_numeric(h)
    if h.shape[0] != int(np.prod(dims)):
        raise TaskError(f"{name} is {h.shape[0]}×{h.shape[0]}, which does not split as {' × '.join(map(str, dims))}")
    est = product_minimum(h, dims, restarts=options.get("restarts", RESTARTS), seed=options.get("seed", 0))
    note = (f"estimate (an upper bound on the minimum, not a proof), attained by ψ = {est.describe_vectors()}; "
            f"method: {est.method}")
    return SDPResult(task="product minimum", value=est.value, status="estimate", tolerance=STALL,
                     solver="alternating minimisation",
                     details={"method": est.method, "best_product_vector": est.describe_vectors(),
                              "restarts": est.restarts, "hits": est.hits, "note": note})


def object_task(value, name: str, task: str, options: dict[str, Any]) -> SDPResult:
    """Dispatch ``solve name : task`` on a behaviour, map, matrix or state."""
    if isinstance(value, Behaviour):
        return behaviour_task(value, task, options)
    if isinstance(value, LinearMap):
        if task != "decomposable":
            raise TaskError(f"unknown task {task!r} for a map", "tasks: decomposable (or check the map's properties)")
        from steerdsl.sdp.decomposable import decomposability

        check_task_size(decomposable_size(value.din, value.dout), options)
        return decomposability(value, solver=options.get("solver"))
    if isinstance(value, State) or alg.is_matrix(value):
        if task != "product_minimum":
            raise TaskError(f"unknown task {task!r} for a matrix or state", "tasks: product_minimum")
        return product_minimum_task(value, name, options)
    raise TaskError(f"{name} cannot be solved for: give an assemblage, behaviour, map, matrix or state")

"""Several Bobs: bounds of functionals over parent states and the QX_k levels.

A several-Bobs functional has the local form ``F_{a|x} = Σ_k I ⊗ F^(k)_{a|x} ⊗ I`` on ``H_1 ⊗ … ⊗ H_N``
(physics.md §9; stored as the tuple ``(F^(1), …, F^(N))``), so on the Bobs' marginals of a parent assemblage
``Σ_{a|x}`` on the merged Bob it reads

    β_F(σ) = Σ_k Σ_{a,x} tr(F^(k)_{a|x} tr_{¬k} Σ_{a|x}) + c = Σ_{a,x} tr(F^joint_{a|x} Σ_{a|x}) + c.

A bound over a set of several-Bobs assemblages defined by their parents is therefore the bound of
``F^joint`` over the parents, with the partial-trace conditions of :mod:`steerdsl.sdp.parents` defining the
marginals rather than constraining them:

* ``parent_states``: the parents are no-signalling assemblages of the merged Bob (dimension ``Π d_k``).  With
  one Alice this is the quantum set exactly (Sainz 2026, Thm 6, with GHJW on the merged Bob, physics.md §3.2);
  with several Alices it is the outer set "no-signalling parents".
* ``quantum level k`` (QX_k, physics.md §3.2): the parents are in addition in level ``k`` of the moment-matrix
  hierarchy on the merged Bob (:func:`steerdsl.sdp.relaxation.bound`, the same construction as the membership
  test :func:`steerdsl.sdp.parents.several_bobs_membership`).  With one Alice every level equals
  ``parent_states``.

Both are outer bounds on the quantum value, at most the several-Bobs no-signalling bound (whose copies only
share traces) and at least the LHS bound.
"""

from __future__ import annotations

import time
from math import prod

import numpy as np

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.functional import full_key_terms
from steerdsl.sdp.relaxation import bound, nosignalling_bound
from steerdsl.sdp.result import SDPResult


def merged_scenario(scenario: Scenario) -> Scenario:
    """The scenario of the parent assemblage: the same Alices and one Bob of dimension ``Π_k d_k``."""
    return Scenario(scenario.alices, (Bob("B", prod(scenario.bob_dims)),))


def embed(part: np.ndarray, dims: tuple[int, ...], k: int) -> np.ndarray:
    """``I_{d_1⋯d_{k−1}} ⊗ part ⊗ I_{d_{k+1}⋯d_N}`` (Bob ``k``'s operator on the joint space)."""
    before, after = prod(dims[:k]), prod(dims[k + 1:])
    return np.kron(np.kron(np.eye(before), part), np.eye(after))


def joint_functional(functional: Functional) -> Functional:
    """``F^joint_{a|x} = Σ_k I ⊗ F^(k)_{a|x} ⊗ I`` on the merged Bob (physics.md §9), on full keys, same constant:
    ``β_{F^joint}(Σ) = β_F(tr_{¬1} Σ, …, tr_{¬N} Σ)`` for every parent assemblage ``Σ``."""
    sc = functional.scenario
    if sc.kind != "several_bobs":
        raise ValueError(f"a joint functional is for several Bobs, not a {sc.kind} scenario")
    dims = sc.bob_dims
    terms = {}
    for key, element in full_key_terms(functional).items():
        parts = element if isinstance(element, tuple) else (element,)
        terms[key] = sum(embed(np.asarray(p, dtype=complex), dims, k) for k, p in enumerate(parts))
    return Functional(merged_scenario(sc), terms, exact=False, name=f"{functional.name}_joint",
                      constant=complex(functional.constant).real)


def several_bobs_bound(functional: Functional, sense: str = "max", level: str | int | None = None,
                       solver: str | None = None) -> SDPResult:
    """``max`` (or ``min``) of ``β_F`` over several-Bobs assemblages with parent states (``level`` None) or
    with parents in level ``level`` of the moment hierarchy on the merged Bob (QX_k): the bound of
    :func:`joint_functional` over the merged Bob's no-signalling set, or over its relaxation of ``level``.
    One Alice: the parent-state bound is the quantum value (Sainz 2026, Thm 6)."""
    sc = functional.scenario
    if sc.kind != "several_bobs":
        raise ValueError(f"parent-state bounds are for several Bobs, not a {sc.kind} scenario")
    if any(b.inputs or b.input_from for b in sc.bobs):
        raise ValueError("parent-state bounds are for Bobs without inputs")
    start = time.perf_counter()
    joint = joint_functional(functional)
    merged = joint.scenario
    built = time.perf_counter() - start
    if level is None:
        result = nosignalling_bound(joint, sense=sense, solver=solver)
        what = "parent states"
    else:
        result = bound(joint, sense=sense, level=level, solver=solver)
        what = f"QX level {level}"
    # the dual and the optimiser are the merged functional's: no certificate of F can be read from them here
    for key in ("dual_matrix", "words", "optimiser_blocks"):
        result.details.pop(key, None)
    result.task = f"bound {sense} over {what}"
    result.compile_seconds += built
    result.details.update({"merged_dim": merged.dim, "bob_dims": list(sc.bob_dims),
                           "exact_for_one_alice": len(sc.alices) == 1})
    if level is not None:
        result.details["level"] = str(level)
    return result

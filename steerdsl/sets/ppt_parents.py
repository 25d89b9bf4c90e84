"""``ppt_parents``: several-Bobs assemblages whose parent elements are positive on every PPT state — a
relaxation of Bob's side of the parent-state test (:mod:`steerdsl.sets.several_bobs`).

The parent-state test (Sainz 2026, Thm 6) asks for no-signalling parents ``Σ_{a|x}`` on
``H_1 ⊗ … ⊗ H_N`` with ``tr_{¬k} Σ_{a|x} = σ^(k)_{a|x}`` and ``Σ_{a|x} ⪰ 0``.  Here ``Σ_{a|x} ⪰ 0`` is
relaxed to the cone dual to the PPT states, the decomposable operators ``P + Q^Γ`` with ``P, Q ⪰ 0`` and
``Γ`` the partial transpose on the last Bob (Størmer 1982; the PPT cone is self-dual up to Γ).  So

    parent states (quantum, one Alice)  ⊆  ppt_parents  ⊆  nosignalling:

a PSD Σ is ``P = Σ, Q = 0``, and each Bob's marginal of ``P + Q^Γ`` is PSD (``tr_{¬k} Q^Γ`` is
``tr_{¬k} Q`` or its transpose).  The margin is ``−λ`` with λ the largest value such that
``Σ_{a|x} − λI = P_{a|x} + Q_{a|x}^Γ`` (both ⪰ 0), λ ≤ 1: ``λ_ppt ≥ λ_parents``, so it never excludes an
assemblage that has parent states.  Parents are parametrised in Collins–Gisin form, no-signalling by
construction, as in :mod:`steerdsl.sdp.parents`.

This module is the worked example of docs/contributing.md: a set written in one file (its SDP included)
and one line in :data:`steerdsl.sets.registry.SETS`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import marginal
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.bases import traceless_rows
from steerdsl.sdp.moment_matrix import cg_expansion, data_words, word_key
from steerdsl.sdp.parents import lambda_result
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.solve import run
from steerdsl.sets.spec import OUTER, Question, SetSpec

TOLERANCE = 1e-7


def _bob_components(sigma: Assemblage) -> list[Assemblage]:
    """``σ^(k)`` for each Bob, as a one-Bob assemblage (numeric)."""
    sc, num = sigma.scenario, sigma.to_numeric()
    return [Assemblage(Scenario(sc.alices, (bob,)), num.bob_component(k), False, sigma.name)
            for k, bob in enumerate(sc.bobs)]


def ppt_parent_problem(sigma: Assemblage) -> tuple[picos.Problem, picos.RealVariable]:
    """``max λ ≤ 1`` over Collins–Gisin parents ``Σ_w`` on ``⊗_k H_k`` with each Bob's marginal
    ``tr_{¬k} Σ_w = σ^(k)_w`` and every parent element ``Σ_{a|x} − λI = P_{a|x} + Q_{a|x}^Γ``, ``P, Q ⪰ 0``."""
    sc = sigma.scenario
    dims = sc.bob_dims
    D = int(np.prod(dims))
    comps = _bob_components(sigma)
    words = data_words(Scenario(sc.alices, (sc.bobs[0],)))
    merged = Scenario(sc.alices, (Bob("B", D),))
    parent = {w: picos.HermitianVariable(f"S{i}", D) for i, w in enumerate(words)}
    problem = picos.Problem()
    lam = picos.RealVariable("lambda")
    for w, X in parent.items():
        key = word_key(merged, w)
        targets = [np.asarray(marginal(c, key), dtype=complex) for c in comps]
        problem.add_constraint(picos.trace(X).real == float(np.trace(targets[0]).real))
        for k, target in enumerate(targets):
            others = tuple(j for j in range(len(dims)) if j != k)
            reduced = picos.partial_trace(X, subsystems=others, dimensions=dims) if others else X
            problem.add_list_of_constraints(traceless_rows(reduced, target, dims[k]))
    last = len(dims) - 1
    for n, key in enumerate(merged.keys()):
        element = sum(sign * parent[w] for sign, w in cg_expansion(merged, key))
        P, Q = picos.HermitianVariable(f"P{n}", D), picos.HermitianVariable(f"Q{n}", D)
        problem.add_list_of_constraints([P >> 0, Q >> 0])
        problem.add_constraint(element - lam * picos.Constant(np.eye(D))
                               == P + picos.partial_transpose(Q, subsystems=last, dimensions=dims))
    problem.add_constraint(lam <= 1)
    problem.set_objective("max", lam)
    return problem, lam


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Do parents positive on PPT states exist?  ``value = margin = −λ`` (> 0 excluded, < 0 member), with λ
    in ``details["lambda"]``, read as :func:`steerdsl.sdp.parents.parent_states` reads its λ."""
    start = time.perf_counter()
    problem, _ = ppt_parent_problem(sigma)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"PPT-relaxed parent states of {sigma.name}", solver=options["solver"])
    return lambda_result("PPT-relaxed parent states", outcome, problem, compiled, TOLERANCE)


def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    """The parents of :func:`steerdsl.sdp.size.parents_size` plus ``P`` and ``Q`` (D×D Hermitian, D² real
    unknowns each) per parent element."""
    base = sdp_size.parents_size(scenario, None)
    D = int(np.prod(scenario.bob_dims))
    elements = len(list(scenario.keys()))
    return sdp_size.SDPSize("PPT-relaxed parent states", base.blocks + 2 * elements, D,
                            base.variables + 2 * elements * D * D)


SET = SetSpec(
    "ppt_parents", ("several_bobs",), doc="parent elements positive on PPT states (P + Q^Γ), relaxing parent_states",
    questions={"membership": Question("membership", membership, size=size)}, side=OUTER)

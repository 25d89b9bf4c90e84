"""Several Bobs: parent states, and the combined test with the moment-matrix hierarchy.

One Alice (Sainz 2026, Thm 6): ``(σ^(1), …, σ^(N))`` is quantum iff there
are PSD ``Σ_{a|x}`` on ``H_1 ⊗ … ⊗ H_N``, no-signalling, with
``tr_{¬k} Σ_{a|x} = σ^(k)_{a|x}``.  The margin (Sainz 2026, App. B) is the
largest λ with ``Σ_{a|x} ⪰ λ I``; λ < 0 means no parent states.

The parent is parametrised in Collins–Gisin form (``ρ`` and ``Σ_{a|x}`` for
``a < k−1``; the last outcome is ``ρ − Σ_a Σ_{a|x}``), which makes it
no-signalling by construction.  Each partial-trace condition is imposed as
real rows on the traceless part (in an orthonormal traceless basis) plus one
trace row per word, so no row repeats another (every Bob's marginal has the
same trace p(a|x)).

Several Alices: the parent assemblage (Bobs merged into one party of
dimension Π d_k) must also be in a relaxation of the quantum set — its
Collins–Gisin blocks become the data words of a moment matrix (physics.md §3.2).
"""

from __future__ import annotations

import time

import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import marginal
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.bases import traceless_rows
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words, word_key
from steerdsl.sdp.noise import VISIBILITY, noise_assemblage
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sdp.solve import run

TOLERANCE = 1e-7


def _ptrace_expr(X, dims: tuple[int, ...], keep: int):
    """``tr_{¬keep} X`` for a picos expression on ``⊗ dims``, as a sum of sub-blocks."""
    n = len(dims)
    d = dims[keep]
    out = None
    # X[(i_1..i_n), (j_1..j_n)] summed over i_k = j_k for k ≠ keep
    others = [range(dims[k]) for k in range(n) if k != keep]
    for combo in np.ndindex(*[len(r) for r in others]) if others else [()]:
        rows = []
        for a in range(d):
            idx = list(combo)
            idx.insert(keep, a)
            rows.append(int(np.ravel_multi_index(idx, dims)))
        sub = picos.block([[X[r, c] for c in rows] for r in rows])
        out = sub if out is None else out + sub
    return out


def _bob_values(sigma: Assemblage):
    sc = sigma.scenario
    num = sigma.to_numeric()
    comps = []
    for k in range(len(sc.bobs)):
        part = Assemblage(Scenario(sc.alices, (sc.bobs[k],)), num.bob_component(k), False, sigma.name)
        comps.append(part)
    return comps


def _parent_problem(sigma: Assemblage, level: str | None, noise: Assemblage | None = None):
    """Without noise: ``max λ`` with every parent element ``⪰ λI``.  With noise N: ``max v ≤ 2`` with
    PSD parents of ``vσ + (1 − v)N`` (the robustness to noise, Sainz 2026 §6)."""
    sc = sigma.scenario
    dims = sc.bob_dims
    D = int(np.prod(dims))
    comps = _bob_values(sigma)
    noise_comps = _bob_values(noise) if noise is not None else None
    words = data_words(Scenario(sc.alices, (sc.bobs[0],)))
    merged = Scenario(sc.alices, (Bob("B", D),))
    var = {w: picos.HermitianVariable(f"P{i}", D) for i, w in enumerate(words)}
    problem = picos.Problem()
    lam = picos.RealVariable("lambda" if noise is None else "v")
    for w, X in var.items():
        key = word_key(merged, w)
        targets = [np.asarray(marginal(c, key), dtype=complex) for c in comps]
        reduced = [_ptrace_expr(X, dims, k) for k in range(len(dims))]
        if noise is None:
            problem.add_constraint(picos.trace(X).real == float(np.trace(targets[0]).real))
            for k, red in enumerate(reduced):
                problem.add_list_of_constraints(traceless_rows(red, targets[k], dims[k]))
            continue
        mixed = [VISIBILITY.parts(t, np.asarray(marginal(c, key), dtype=complex))
                 for t, c in zip(targets, noise_comps, strict=True)]
        base, direction = mixed[0]
        problem.add_constraint(picos.trace(X).real == float(np.trace(base).real)
                               + lam * float(np.trace(direction).real))
        for k, red in enumerate(reduced):
            problem.add_list_of_constraints(traceless_rows(red, mixed[k][0], dims[k], mixed[k][1], lam))
    margin = lam if noise is None else 0
    for key in merged.keys():
        element = sum(sign * var[w] for sign, w in cg_expansion(merged, key))
        problem.add_constraint(element - margin * picos.Constant(np.eye(D)) >> 0)
    if level is not None and len(sc.alices) > 1:
        mm = build(level_words(merged, level), D, lambda w: var[w], real=False, name="Q")
        problem.add_constraint(mm.expression - margin * picos.Constant(np.eye(mm.size)) >> 0)
    if noise is None:
        problem.add_constraint(lam <= 1)
        problem.set_objective("max", lam)
    else:
        VISIBILITY.pose(problem, lam)
    return problem, lam


def parent_states(sigma: Assemblage, solver: str | None = None, tolerance: float = TOLERANCE,
                  level: str | None = None) -> SDPResult:
    """Do parent states exist (one Alice: the exact quantum test)?  With λ Sainz's margin (the largest λ with
    every parent element ⪰ λI, in ``details["lambda"]``), ``value`` and ``margin`` are both ``−λ``: like every
    membership value, positive outside the set (excluded when ``−λ > tol``) and negative inside it."""
    sc = sigma.scenario
    if sc.kind != "several_bobs":
        raise ValueError(f"parent states are for several-Bobs assemblages, not for a {sc.kind} one")
    start = time.perf_counter()
    problem, lam = _parent_problem(sigma, level)
    compiled = time.perf_counter() - start
    what = "parent states" if level is None else f"parent states + level {level}"
    outcome = run(problem, f"{what} of {sigma.name}", solver=solver)
    result = lambda_result(what, outcome, problem, compiled, tolerance)
    if outcome.status == "infeasible":
        result.details["note"] = "no Hermitian parent reproduces the Bobs' marginals"
    return result


def lambda_result(task: str, outcome, problem, compiled: float, tolerance: float) -> SDPResult:
    """A membership result read off Sainz's margin λ (the largest λ with every parent element ⪰ λI, Sainz
    2026 App. B): ``value = margin = −λ`` (> 0 excluded, < 0 member), λ in ``details["lambda"]``; an
    infeasible problem is excluded with margin +∞, a failed solve undecided."""
    result = SDPResult(task=task, value=outcome.value, status=outcome.status, tolerance=tolerance,
                       problem=problem, solver=outcome.solver, compile_seconds=compiled,
                       solve_seconds=outcome.seconds, details={"lambda": outcome.value})
    if outcome.status == "infeasible":
        result.verdict, result.margin = "excluded", float("inf")
    elif outcome.value is not None:
        result.value = result.margin = -outcome.value
        result.verdict = verdict_from_margin(result.margin, tolerance)
    else:
        result.verdict = "undecided"
    return result


def parent_visibility(sigma: Assemblage, noise: str | Assemblage = "white", level: str | None = None,
                      solver: str | None = None, tolerance: float = TOLERANCE) -> SDPResult:
    """Robustness to noise against the parent-state test (with ``level`` for several Alices): the
    largest ``v ≤ 2`` such that ``vσ + (1 − v)N`` has PSD parent states (Sainz 2026 §6: the least
    noise fraction is ``r = 1 − v``).  Margin ``(1 − v)/v``; white, GHZ and W noise are quantum, so
    ``v > 1`` proves membership for them."""
    sc = sigma.scenario
    if sc.kind != "several_bobs":
        raise ValueError(f"parent states are for several-Bobs assemblages, not for a {sc.kind} one")
    if level is None and len(sc.alices) > 1:
        level = "1+AB"
    start = time.perf_counter()
    noise_asm = noise_assemblage(sc, noise)
    problem, v = _parent_problem(sigma, level, noise_asm)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"parent-state visibility of {sigma.name}", solver=solver)
    result = SDPResult(task="parent-state visibility", value=outcome.value, status=outcome.status,
                       tolerance=tolerance, problem=problem, solver=outcome.solver, compile_seconds=compiled,
                       solve_seconds=outcome.seconds, details={"noise": noise_asm.name})
    if outcome.value is None:
        result.verdict = "undecided"
        result.details["note"] = "no mixture with the noise has parent states: does the noise?"
        return result
    result.margin = VISIBILITY.margin(outcome.value)
    result.details.update(VISIBILITY.describe(outcome.value))
    result.verdict = verdict_from_margin(result.margin, tolerance)
    if result.verdict == "member" and not isinstance(noise, str):
        result.verdict = "undecided"
        result.details["note"] = "v > 1 proves membership only for noise known to be quantum"
    return result


def several_bobs_membership(sigma: Assemblage, level: str | None = "1+AB", solver: str | None = None,
                            tolerance: float = TOLERANCE) -> SDPResult:
    """The combined test: parent states whose merged assemblage is in the relaxation ``level``
    (for one Alice this is :func:`parent_states`, which is exact)."""
    if len(sigma.scenario.alices) == 1:
        return parent_states(sigma, solver=solver, tolerance=tolerance)
    return parent_states(sigma, solver=solver, tolerance=tolerance, level=level or "1+AB")


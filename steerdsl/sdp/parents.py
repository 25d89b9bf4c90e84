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

import itertools
import time

import cvxopt
import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import marginal
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.bases import hermitian_basis
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words, word_key
from steerdsl.sdp.noise import VISIBILITY, noise_assemblage
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.parent_bounds import embed
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sdp.solve import run

TOLERANCE = 1e-7


def _bob_values(sigma: Assemblage):
    sc = sigma.scenario
    num = sigma.to_numeric()
    comps = []
    for k in range(len(sc.bobs)):
        part = Assemblage(Scenario(sc.alices, (sc.bobs[k],)), num.bob_component(k), False, sigma.name)
        comps.append(part)
    return comps


def correlation_basis(dims: tuple[int, ...], real: bool) -> np.ndarray:
    """An orthonormal basis (Hilbert–Schmidt) of the Hermitian operators ``K`` on ``⊗_k H_k`` with
    ``tr_{¬k} K = 0`` for every k: the products ``⊗_k g_k`` of each Bob's basis (``I/√d_k`` and the generalised
    Gell-Mann matrices, :func:`~steerdsl.sdp.bases.hermitian_basis`) with at least two traceless factors — the
    others have linearly independent marginals, so these span the kernel.  With ``real`` only the real
    symmetric products (an even number of imaginary antisymmetric factors).  Shape ``(r, D, D)``,
    ``r = D² − 1 − Σ_k (d_k² − 1)`` for Hermitian operators."""
    factors = [hermitian_basis(d, False) for d in dims]
    out = []
    for combo in itertools.product(*(range(len(f)) for f in factors)):
        if sum(1 for i in combo if i > 0) < 2:  # index 0 is I/√d
            continue
        op = np.ones((1, 1), dtype=complex)
        for f, i in zip(factors, combo, strict=True):
            op = np.kron(op, f[i])
        if real and np.any(np.abs(op.imag) > 1e-12):
            continue
        out.append(op.real.astype(complex) if real else op)
    D = int(np.prod(dims))
    return np.array(out).reshape(-1, D, D)


def particular_parent(targets: list[np.ndarray], dims: tuple[int, ...]) -> np.ndarray:
    """``t I/D + Σ_k (d_k/D) I ⊗ (σ^(k) − tr σ^(k) I/d_k) ⊗ I`` with ``t = tr σ^(1)``: an operator whose
    marginal on Bob k is ``σ^(k)`` (the traceless parts of the other Bobs trace out to zero) when every Bob's
    trace is ``t`` — as in any several-Bobs assemblage; otherwise Bob k's traceless part with trace ``t``."""
    D = int(np.prod(dims))
    out = np.trace(targets[0]) * np.eye(D, dtype=complex) / D
    for k, (target, d) in enumerate(zip(targets, dims, strict=True)):
        out = out + d / D * embed(target - np.trace(target) * np.eye(d) / d, dims, k)
    return out


def _affine_parent(constant: np.ndarray, basis: np.ndarray, coordinates, direction: np.ndarray | None,
                   s, real: bool):
    """``C + s·Δ + Σ_i c_i K_i`` as one picos affine expression, written from its coefficient matrices (picos'
    term-by-term algebra is quadratic in the number of terms)."""
    D = constant.shape[0]

    def vec(m):
        m = m.real if real else m
        return cvxopt.matrix(np.asarray(m, dtype=float if real else complex).reshape(-1, 1, order="F"))

    columns = np.array([k.reshape(-1, order="F") for k in basis]).T
    coefs = {(): vec(constant)}
    if len(basis):
        coefs[coordinates] = cvxopt.matrix(np.ascontiguousarray(columns.real if real else columns))
    if direction is not None:
        coefs[s] = vec(direction)
    kind = picos.expressions.AffineExpression if real else picos.expressions.ComplexAffineExpression
    return kind("Σ", (D, D), coefs)


def _parent_problem(sigma: Assemblage, level: str | None, noise: Assemblage | None = None):
    """Without noise: ``max λ`` with every parent element ``⪰ λI``.  With noise N: ``max v ≤ 2`` with
    PSD parents of ``vσ + (1 − v)N`` (the robustness to noise, Sainz 2026 §6).

    Each Collins–Gisin parent is ``Σ_w = Σ⁰_w + Σ_i c_{w,i} K_i``: :func:`particular_parent` of the Bobs'
    data (affine in v) plus free coordinates on :func:`correlation_basis`, so the marginals hold by
    construction (no equality rows) and the moment matrix receives the parents as affine blocks
    (:func:`steerdsl.sdp.moment_matrix.build`).  With real data (and noise) the parents are taken real
    symmetric: the average of a solution and its complex conjugate is a real solution with the same objective."""
    sc = sigma.scenario
    dims = sc.bob_dims
    D = int(np.prod(dims))
    comps = _bob_values(sigma)
    noise_comps = _bob_values(noise) if noise is not None else None
    words = data_words(Scenario(sc.alices, (sc.bobs[0],)))
    merged = Scenario(sc.alices, (Bob("B", D),))
    lam = picos.RealVariable("lambda" if noise is None else "v")
    targets, directions = {}, {}
    for w in words:
        key = word_key(merged, w)
        values = [np.asarray(marginal(c, key), dtype=complex) for c in comps]
        if noise is None:
            targets[w], directions[w] = particular_parent(values, dims), None
            continue
        mixed = [VISIBILITY.parts(t, np.asarray(marginal(c, key), dtype=complex))
                 for t, c in zip(values, noise_comps, strict=True)]
        targets[w] = particular_parent([m[0] for m in mixed], dims)
        directions[w] = particular_parent([m[1] for m in mixed], dims)
    real = all(np.allclose(m.imag, 0) for m in [*targets.values(), *(d for d in directions.values()
                                                                      if d is not None)])
    basis = correlation_basis(dims, real)
    var = {}
    for i, w in enumerate(words):
        coordinates = picos.RealVariable(f"P{i}", len(basis)) if len(basis) else None
        var[w] = _affine_parent(targets[w], basis, coordinates, directions[w], lam, real)
    problem = picos.Problem()
    margin = lam if noise is None else 0
    identity = picos.Constant(np.eye(D))
    for key in merged.keys():
        element = picos.sum([sign * var[w] for sign, w in cg_expansion(merged, key)])
        problem.add_constraint(element - margin * identity >> 0)
    if level is not None and len(sc.alices) > 1:
        mm = build(level_words(merged, level), D, lambda w: var[w], real=real, name="Q")
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


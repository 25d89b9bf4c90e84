"""LHS benchmarks: steerdsl's visibility and robustness vs the same SDPs written by hand in picos.

The hand-written models are what a user would type (Cavalcanti & Skrzypczyk, Rep. Prog. Phys. 80,
024001 (2017), eqs. 5, 43 and §6.1): one Hermitian variable ``σ_λ ⪰ 0`` per deterministic strategy,
``σ_{a|x}`` matched entry by entry, solved by cvxopt through picos with the same tolerances as
steerdsl's.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import picos

from benchmarks.assemblages import steering_assemblage
from steerdsl.sdp import lhs
from steerdsl.sdp.noise import VISIBILITY_CAP

PICOS_OPTIONS = dict(solver="cvxopt", abs_prim_fsb_tol=1e-8, abs_dual_fsb_tol=1e-8, abs_ipm_opt_tol=1e-8,
                     rel_ipm_opt_tol=1e-8, max_iterations=200, verbosity=-1)
"""The tolerances steerdsl's solves use (steerdsl.sdp.solve.run)."""
LDL = dict(PICOS_OPTIONS, cvxopt_kktsolver="ldl")
"""The plain visibility model repeats equality rows (the no-signalling relations between inputs), which
cvxopt's default KKT solver rejects (ArithmeticError, "Rank(A) < p"); the ``ldl`` KKT solver accepts them."""


def prepare(d: int, m: int, k: int, seed: int = 1):
    """The assemblage of :func:`benchmarks.assemblages.steering_assemblage` and its numeric elements."""
    sigma = steering_assemblage(m, k, d, seed)
    data = {(key[0][0], key[1][0]): np.asarray(v) for key, v in sigma.elements.items()}
    return {"sigma": sigma, "data": data, "d": d, "m": m, "k": k}


def ours_visibility(state) -> dict:
    r = lhs.visibility(state["sigma"])
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def ours_robustness(state) -> dict:
    r = lhs.generalised_robustness(state["sigma"])
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def _strategies(m: int, k: int):
    return list(itertools.product(range(k), repeat=m))


def picos_visibility(state) -> dict:
    """``max v`` s.t. ``v σ_{a|x} + (1 − v) I/(k d) = Σ_λ D_λ(a|x) σ_λ``, ``σ_λ ⪰ 0``, ``v ≤ 2``."""
    start = time.perf_counter()
    d, m, k, data = state["d"], state["m"], state["k"], state["data"]
    problem = picos.Problem()
    v = picos.RealVariable("v")
    hidden = {lam: picos.HermitianVariable(f"s{i}", d) for i, lam in enumerate(_strategies(m, k))}
    for s in hidden.values():
        problem.add_constraint(s >> 0)
    noise = np.eye(d) / (k * d)
    for x in range(m):
        for a in range(k):
            total = picos.sum([s for lam, s in hidden.items() if lam[x] == a])
            problem.add_constraint(total == v * data[a, x] + (1 - v) * noise)
    problem.add_constraint(v <= VISIBILITY_CAP)
    problem.set_objective("max", v)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    problem.solve(**LDL)
    return {"value": float(v.value), "compile": compiled, "solve": time.perf_counter() - start}


def picos_robustness(state) -> dict:
    """``min Σ_λ tr σ_λ − 1`` s.t. ``Σ_λ D_λ(a|x) σ_λ ⪰ σ_{a|x}``, ``σ_λ ⪰ 0``."""
    start = time.perf_counter()
    d, m, k, data = state["d"], state["m"], state["k"], state["data"]
    problem = picos.Problem()
    hidden = {lam: picos.HermitianVariable(f"s{i}", d) for i, lam in enumerate(_strategies(m, k))}
    for s in hidden.values():
        problem.add_constraint(s >> 0)
    for x in range(m):
        for a in range(k):
            total = picos.sum([s for lam, s in hidden.items() if lam[x] == a])
            problem.add_constraint(total >> data[a, x])
    problem.set_objective("min", picos.sum([picos.trace(s) for s in hidden.values()]).real - 1)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    problem.solve(**PICOS_OPTIONS)
    return {"value": float(problem.value), "compile": compiled, "solve": time.perf_counter() - start}

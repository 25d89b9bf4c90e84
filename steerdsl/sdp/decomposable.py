"""Decomposability of a linear map as an SDP (physics.md §6).

A map Λ: M_m → M_n is decomposable when ``Λ = Λ_1 + T∘Λ_2`` with Λ_1, Λ_2 CP, i.e. its
Choi matrix is ``J = P + Q^Γ`` with ``P, Q ⪰ 0`` (Γ: partial transpose on the output;
Størmer, Acta Math. 110, 233 (1963); Woronowicz, Rep. Math. Phys. 10, 165 (1976)).
The always-feasible robustness form, with ``P = J + t·I − Q^Γ`` substituted so that no
equality constraint appears,

    t* = min t   s.t.   J + t·I − Q^Γ ⪰ 0,   Q ⪰ 0,

has ``t* ≤ 0`` iff Λ is decomposable.  Its dual is ``t* = −min tr(WJ)`` over PPT states
W (``W ⪰ 0``, ``W^Γ ⪰ 0``, ``tr W = 1``): when ``t* > 0`` the dual W is a PPT
entanglement test with ``tr(WJ) = −t* < 0``, the certificate that Λ is not decomposable
(``tr(WP) ≥ 0`` and ``tr(W Q^Γ) = tr(W^Γ Q) ≥ 0`` for every decomposition).
"""

from __future__ import annotations

import time

import numpy as np
import picos

from steerdsl.model import algebra as alg
from steerdsl.model.values import LinearMap
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sdp.solve import run

TOLERANCE = 1e-6
"""Verdict tolerance on ``t*`` (the solver runs at 1e-8)."""


def output_partial_transpose(m: np.ndarray, din: int, dout: int) -> np.ndarray:
    """``M^Γ``: the transpose of the output factor of a matrix on ``C^din ⊗ C^dout``."""
    return m.reshape(din, dout, din, dout).transpose(0, 3, 2, 1).reshape(din * dout, din * dout)


def decomposability(lin: LinearMap, solver: str | None = None, tolerance: float = TOLERANCE) -> SDPResult:
    """Solve the decomposability SDP of the module docstring for ``lin``.

    ``value`` and ``margin`` are ``t*`` (verdict ``member`` = decomposable, ``excluded`` = not);
    ``details`` hold the numeric decomposition ``P``, ``Q`` and the dual PPT witness ``W`` with
    ``tr(WJ)`` and the smallest eigenvalues of ``W`` and ``W^Γ``."""
    start = time.perf_counter()
    J = alg.to_numeric(lin.choi)
    J = (J + J.conj().T) / 2
    real = bool(np.allclose(J.imag, 0))
    n = lin.din * lin.dout
    Q = picos.SymmetricVariable("Q", n) if real else picos.HermitianVariable("Q", n)
    t = picos.RealVariable("t")
    data = picos.Constant("J", J.real if real else J)
    problem = picos.Problem()
    problem.set_objective("min", t)
    lmi = problem.add_constraint(data + t * picos.Constant(np.eye(n)) - Q.partial_transpose(1, (lin.din, lin.dout))
                                 >> 0)
    problem.add_constraint(Q >> 0)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"decomposability of {lin.name}", solver=solver)
    result = SDPResult(task="decomposable", value=outcome.value, status=outcome.status, tolerance=tolerance,
                       problem=problem, solver=outcome.solver, compile_seconds=compiled,
                       solve_seconds=outcome.seconds, details={"choi_size": n})
    if outcome.value is None:
        result.verdict = "undecided"
        return result
    result.margin = outcome.value
    result.verdict = verdict_from_margin(outcome.value, tolerance)
    q = np.asarray(Q.value, dtype=complex).reshape(n, n)
    result.details["Q"] = (q + q.conj().T) / 2
    result.details["P"] = J - output_partial_transpose(result.details["Q"], lin.din, lin.dout)
    if lmi.dual is not None:
        w = np.asarray(lmi.dual, dtype=complex).reshape(n, n)
        w = w if real else w.T
        w = (w + w.conj().T) / 2
        result.details["W"] = w
        result.details["tr_WJ"] = float(np.trace(w @ J).real)
        result.details["min_eig_W"] = float(np.linalg.eigvalsh(w)[0])
        result.details["min_eig_W_gamma"] = float(np.linalg.eigvalsh(output_partial_transpose(w, lin.din,
                                                                                           lin.dout))[0])
    d = result.details
    if result.verdict == "excluded" and "W" in d:
        d["note"] = (f"dual PPT witness W: tr(WJ) = {d['tr_WJ']:.6g} < 0, λ_min(W) = {d['min_eig_W']:.2g}, "
                     f"λ_min(W^Γ) = {d['min_eig_W_gamma']:.2g} (numeric; 'check {lin.name} : decomposable' "
                     "verifies a rounded W exactly)")
    elif result.verdict == "member":
        d["note"] = (f"J = P + Q^Γ with λ_min(P) = {np.linalg.eigvalsh(d['P'])[0]:.2g}, "
                     f"λ_min(Q) = {np.linalg.eigvalsh(d['Q'])[0]:.2g} (numeric)")
    return result

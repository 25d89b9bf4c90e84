"""Exact checks of states, measurements and maps (physics.md §2).

- A state is Hermitian, positive semidefinite and has trace 1.
- A POVM ``{M_{a|x}}_a`` has PSD elements with ``Σ_a M_{a|x} = I``.
- A map with Choi matrix ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` is trace preserving
  iff ``tr_out J = I``, completely positive iff ``J ⪰ 0``, Hermiticity
  preserving iff ``J = J†`` (positivity and decomposability: :mod:`steerdsl.exact.map_positivity`).
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.checks import _zero_residual, fmt, hermitian, positive_semidefinite, trace_is
from steerdsl.exact.report import FAIL, PASS, CheckResult
from steerdsl.model import algebra as alg
from steerdsl.model.values import LinearMap, Measurement, State


def state_checks(state: State) -> list[CheckResult]:
    """``ρ = ρ†``, ``ρ ⪰ 0``, ``tr ρ = 1`` (a pseudo-state: Hermitian with unit trace)."""
    if state.pseudo:
        return [hermitian(state.rho, state.name, f"pseudo-state {state.name}"),
                trace_is(state.rho, 1, state.name, f"pseudo-state {state.name}")]
    return [
        positive_semidefinite(state.rho, state.name, f"state {state.name}"),
        trace_is(state.rho, 1, state.name, f"state {state.name}"),
    ]


def povm_checks(meas: Measurement) -> list[CheckResult]:
    """Every element PSD and ``Σ_a M[a|x] = I`` for every ``x``."""
    out = []
    for (a, x), m in meas.elements.items():
        r = positive_semidefinite(m, meas.name, f"{meas.name}[{a}|{x}]")
        if r.status != PASS:
            out.append(r)
            break
    else:
        out.append(CheckResult(meas.name, "psd", PASS, exact=meas.exact))
    for x in range(meas.inputs):
        total = None
        for a in range(meas.outputs[x]):
            m = meas.elements[(a, x)]
            total = m if total is None else total + m
        eye = alg.identity(meas.dim) if total.dtype == object else np.eye(meas.dim)
        res = _zero_residual(total - eye)
        if res is not None:
            (i, j), v = res
            out.append(CheckResult(meas.name, "povm", FAIL,
                                   f"Σ_a {meas.name}[a|{x}] − I has entry ({i},{j}) = {fmt(v)}",
                                   exact=meas.exact, code="E203"))
            return out
    out.append(CheckResult(meas.name, "povm", PASS, exact=meas.exact))
    return out


def trace_preserving(lin: LinearMap) -> CheckResult:
    """``tr_out J = I_in``."""
    reduced = linalg.partial_trace(lin.choi, (lin.din, lin.dout), (1,))
    eye = alg.identity(lin.din) if reduced.dtype == object else np.eye(lin.din)
    res = _zero_residual(reduced - eye)
    if res is None:
        return CheckResult(lin.name, "trace_preserving", PASS, exact=lin.exact)
    (i, j), v = res
    return CheckResult(lin.name, "trace_preserving", FAIL,
                       f"map {lin.name} is not trace preserving: tr_out J − I has entry ({i},{j}) = {fmt(v)}",
                       exact=lin.exact, code="E204")


def completely_positive(lin: LinearMap) -> CheckResult:
    """``J ⪰ 0``; on failure the smallest Choi eigenvalue is shown (exactly when possible)."""
    r = positive_semidefinite(lin.choi, lin.name, f"the Choi matrix of {lin.name}")
    if r.status == PASS:
        return CheckResult(lin.name, "completely_positive", PASS, exact=lin.exact)
    if r.status == FAIL and r.code == "E202":
        value, exact = linalg.min_eigenvalue(lin.choi)
        r.detail = (f"map {lin.name} is not completely positive: its Choi matrix has the eigenvalue "
                    f"{value}{'' if exact else ' (numeric)'}; " + r.detail)
        r.code = "E205"
    r.property = "completely_positive"
    return r


def hermiticity_preserving(lin: LinearMap) -> CheckResult:
    r = hermitian(lin.choi, lin.name, f"the Choi matrix of {lin.name}")
    r.property = "hermiticity_preserving"
    return r

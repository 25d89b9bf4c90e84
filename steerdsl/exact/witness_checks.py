"""Entanglement-witness checks of (pseudo-)states (physics.md §3.3, §6).

``W`` is an entanglement witness (for full separability of its parties) when it is
Hermitian, not positive semidefinite, and ``⟨ψ|W|ψ⟩ ≥ 0`` for every product vector
``ψ = ψ_1 ⊗ … ⊗ ψ_n``; such a W gives a valid Gleason assemblage for all local
measurements (Sainz, Aolita, Piani, Hoban, Skrzypczyk, NJP 20, 083040 (2018) §6).
The first two are decided exactly; the last is non-convex: a rational product vector with
a negative value disproves it exactly, otherwise the multistart minimum is reported and the
answer is ``undecided``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.checks import ATOL, hermitian
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.report import FAIL, PASS, UNDECIDED, CheckResult
from steerdsl.model import algebra as alg
from steerdsl.model.values import State
from steerdsl.numeric.product_minimum import product_minimum


def state_psd(state: State) -> CheckResult:
    """``ρ ⪰ 0`` (for a pseudo-state: is it a state after all?)."""
    from steerdsl.exact.checks import positive_semidefinite

    return positive_semidefinite(state.rho, state.name, f"{'pseudo-state' if state.pseudo else 'state'} "
                                 f"{state.name}")


def _exact_product_value(w: np.ndarray, vectors: tuple[np.ndarray, ...]) -> Cyclo | None:
    v = None
    for f in vectors:
        col = alg.exact_array([[Cyclo(Fraction(round(c.real * 10**6), 10**6))
                                + Cyclo.I * Cyclo(Fraction(round(c.imag * 10**6), 10**6))] for c in f])
        v = col if v is None else np.kron(v, col)
    value = (linalg.dagger(v) @ w @ v)[0, 0]
    return value if value.is_real and value.sign() < 0 else None


def entanglement_witness(state: State, restarts: int = 40, seed: int = 0) -> CheckResult:
    """Hermitian and not PSD (exact); positive on product vectors (numeric: ``undecided`` unless a
    product vector with a negative value is found)."""
    name = state.name
    herm = hermitian(state.rho, name, f"{name}")
    if herm.status != PASS:
        herm.property = "entanglement_witness"
        return herm
    psd = state_psd(state)
    if psd.status == PASS:
        return CheckResult(name, "entanglement_witness", FAIL, f"{name} is positive semidefinite: a state, not a "
                           "witness", exact=psd.exact, code="E216")
    if psd.status == UNDECIDED:
        return CheckResult(name, "entanglement_witness", UNDECIDED, psd.detail, exact=False)
    dims = tuple(d for d in state.dims)
    est = product_minimum(alg.to_numeric(state.rho), dims, restarts=restarts, seed=seed)
    if est.value < -ATOL:
        value = _exact_product_value(state.rho, est.vectors) if state.exact else None
        if value is not None:
            return CheckResult(name, "entanglement_witness", FAIL, f"{name} is negative on a product vector: "
                               f"⟨ψ|{name}|ψ⟩ = {value} for a rational product ψ", code="E216")
        return CheckResult(name, "entanglement_witness", FAIL, f"{name} is negative on a product vector: "
                           f"⟨ψ|{name}|ψ⟩ ≈ {est.value:.3g} (numeric)", exact=False, code="E216")
    return CheckResult(name, "entanglement_witness", UNDECIDED,
                       f"{name} is not PSD ({psd.detail.split(': ', 1)[-1]}, exact); min over product vectors of "
                       f"⟨ψ|{name}|ψ⟩ ≈ {est.value:.6g} by {est.method} — numerical evidence of positivity on "
                       "product vectors, not a proof", exact=False)

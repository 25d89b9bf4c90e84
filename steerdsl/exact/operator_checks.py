"""Exact checks of states, measurements and maps (physics.md §2).

- A state is Hermitian, positive semidefinite and has trace 1.
- A POVM ``{M_{a|x}}_a`` has PSD elements with ``Σ_a M_{a|x} = I``.
- A map with Choi matrix ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` is trace preserving
  iff ``tr_out J = I``, completely positive iff ``J ⪰ 0``, Hermiticity
  preserving iff ``J = J†``; positive iff ``J`` is block-positive
  (``⟨x⊗y|J|x⊗y⟩ ≥ 0`` for all product vectors).
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.checks import ATOL, _zero_residual, fmt, hermitian, positive_semidefinite, trace_is
from steerdsl.exact.report import FAIL, PASS, UNDECIDED, CheckResult
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


def positive(lin: LinearMap, restarts: int = 40, seed: int = 7) -> CheckResult:
    """Positivity: pass if CP; fail with an exact product-vector witness when one is found by
    alternating minimisation of ``⟨x⊗y|J|x⊗y⟩``; otherwise undecided (a numerical estimate)."""
    if completely_positive(lin).status == PASS:
        return CheckResult(lin.name, "positive", PASS, exact=lin.exact)
    J = alg.to_numeric(lin.choi).reshape(lin.din, lin.dout, lin.din, lin.dout)
    rng = np.random.default_rng(seed)
    best = (np.inf, None, None)
    for _ in range(restarts):
        x = rng.normal(size=lin.din) + 1j * rng.normal(size=lin.din)
        x /= np.linalg.norm(x)
        for _ in range(60):
            By = np.einsum("i,iajb,j->ab", x.conj(), J, x)
            w, v = np.linalg.eigh((By + By.conj().T) / 2)
            y = v[:, 0]
            Ax = np.einsum("a,iajb,b->ij", y.conj(), J, y)
            w2, v2 = np.linalg.eigh((Ax + Ax.conj().T) / 2)
            x = v2[:, 0]
        val = float(w2[0])
        if val < best[0]:
            best = (val, x, y)
    val, x, y = best
    if val < -1e-6:
        witness = _exact_product_witness(lin, x, y)
        if witness is not None:
            return witness
    return CheckResult(lin.name, "positive", UNDECIDED,
                       f"map {lin.name} is not CP; min over product vectors of ⟨x⊗y|J|x⊗y⟩ ≈ {val:.3g} "
                       f"({restarts} alternating-minimisation starts) — numerical evidence, not a proof",
                       exact=False, tolerance=ATOL)


def _exact_product_witness(lin: LinearMap, x: np.ndarray, y: np.ndarray) -> CheckResult | None:
    """Round ``x``, ``y`` to Gaussian rationals and evaluate ``⟨x⊗y|J|x⊗y⟩`` exactly."""
    from fractions import Fraction

    from steerdsl.exact.cyclotomic import Cyclo

    def gauss(v: np.ndarray) -> np.ndarray:
        return alg.exact_array([[Cyclo(Fraction(round(c.real * 1000), 1000))
                                 + Cyclo.I * Cyclo(Fraction(round(c.imag * 1000), 1000))] for c in v])

    if not lin.exact:
        return CheckResult(lin.name, "positive", FAIL, "found a product vector with ⟨x⊗y|J|x⊗y⟩ < 0 (numeric)",
                           exact=False, tolerance=ATOL, code="E209")
    v = np.kron(gauss(x), gauss(y))
    value = (alg.dagger(v) @ lin.choi @ v)[0, 0]
    if value.is_real and value.sign() < 0:
        return CheckResult(lin.name, "positive", FAIL,
                           f"map {lin.name} is not positive: ⟨x⊗y|J|x⊗y⟩ = {value} < 0 for a rational product "
                           "vector", exact=True, code="E209")
    return None

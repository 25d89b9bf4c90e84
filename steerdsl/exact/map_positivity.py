"""Positivity and decomposability of maps, decided exactly where a certificate can be verified.

- Co-CP: ``J^Γ ⪰ 0`` (Λ = T∘Λ', Λ' CP), exact.
- Decomposable (``J = P + Q^Γ``, ``P, Q ⪰ 0``): CP or co-CP exactly; otherwise the SDP of
  :mod:`steerdsl.sdp.decomposable`, whose solution is rounded to Gaussian rationals and
  verified in exact arithmetic — a decomposition ``Q ⪰ 0``, ``J − Q^Γ ⪰ 0`` (pass), or a
  PPT witness ``W ⪰ 0``, ``W^Γ ⪰ 0``, ``tr(WJ) < 0`` (fail).  Unverified, the SDP verdict
  is reported as numeric.
- Positive (``⟨x⊗y|J|x⊗y⟩ ≥ 0`` for all product vectors): a theorem of a library map, CP,
  co-CP or an exact decomposition prove it; a rational product vector with a negative value
  disproves it.  For 2×2, 2×3 and 3×2 positive = decomposable (Størmer 1963, Woronowicz
  1976) and PPT states are separable (Horodecki³, Phys. Lett. A 223, 1 (1996)), so an exact
  PPT witness with ``tr(WJ) < 0`` also disproves it: the check is decided in those dimensions.
  Otherwise the answer is ``undecided`` with the numerical minimum over product vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.checks import ATOL
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.report import FAIL, PASS, UNDECIDED, CheckResult
from steerdsl.model import algebra as alg
from steerdsl.model.values import LinearMap
from steerdsl.numeric.product_minimum import product_minimum

DENOMINATOR = 1 << 40
"""Rounding grid for solver matrices turned into exact certificates."""
SMALL_DENOMINATORS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 100, 1000)
"""Tried first on decompositions at the boundary (t* ≈ 0), whose exact form is often simple."""


@dataclass
class MapCertificate:
    """An exact certificate about a map: ``kind`` is ``decomposition`` (matrices ``P``, ``Q``
    with ``J = P + Q^Γ``, both PSD) or ``ppt_witness`` (``W ⪰ 0``, ``W^Γ ⪰ 0``, ``tr(WJ) < 0``);
    ``values`` holds exact numbers for the record (e.g. ``tr(WJ)``)."""

    kind: str
    matrices: dict[str, np.ndarray]
    values: dict[str, object] = field(default_factory=dict)


def _pt(m: np.ndarray, lin: LinearMap) -> np.ndarray:
    return linalg.partial_transpose(m, (lin.din, lin.dout), (1,))


def _is_psd(m: np.ndarray) -> bool | None:
    res = linalg.psd(m, atol=ATOL, rtol=ATOL)
    return res.decided


def _rational(x: float, denominator: int, small: bool) -> Fraction:
    if small:
        return Fraction(x).limit_denominator(denominator)
    return Fraction(round(x * denominator), denominator)


def rational_hermitian(m: np.ndarray, denominator: int = DENOMINATOR, small: bool = False) -> np.ndarray:
    """The Hermitian matrix of Gaussian rationals nearest ``m`` on the grid ``1/denominator``
    (``small``: the best approximations with denominators up to ``denominator``)."""
    n = m.shape[0]
    out = alg.zeros(n, n)
    for i in range(n):
        out[i, i] = Cyclo(_rational(m[i, i].real, denominator, small))
        for j in range(i + 1, n):
            re, im = _rational(m[i, j].real, denominator, small), _rational(m[i, j].imag, denominator, small)
            out[i, j] = Cyclo(re) + Cyclo.I * Cyclo(im) if im else Cyclo(re)
            out[j, i] = out[i, j].conjugate()
    return out


def co_completely_positive(lin: LinearMap) -> CheckResult:
    """``J^Γ ⪰ 0``: Λ is a transpose after a CP map (partial transpose on the output)."""
    decided = _is_psd(_pt(lin.choi, lin))
    status = PASS if decided else (FAIL if decided is False else UNDECIDED)
    detail = "" if decided else f"the partial transpose of the Choi matrix of {lin.name} is not PSD"
    return CheckResult(lin.name, "co_completely_positive", status, detail, exact=lin.exact, code="E214")


def _exact_decomposition(lin: LinearMap, q: np.ndarray, shift: Fraction) -> MapCertificate | None:
    for denominators, small in ((SMALL_DENOMINATORS, True), ((DENOMINATOR,), False)):
        for den in denominators:
            qx = rational_hermitian(q, den, small) + alg.identity(q.shape[0]) * Cyclo(shift)
            px = lin.choi - _pt(qx, lin)
            if _is_psd(qx) and _is_psd(px):
                return MapCertificate("decomposition", {"P": px, "Q": qx})
    return None


def _exact_witness(lin: LinearMap, w: np.ndarray, t: float) -> MapCertificate | None:
    n = w.shape[0]
    trace_j = abs(complex(alg.trace(lin.choi)).real) or 1.0
    shift = Fraction(t / (4 * trace_j)).limit_denominator(1 << 20)
    wx = rational_hermitian(w) + alg.identity(n) * Cyclo(shift)
    value = sum((wx[i, j] * lin.choi[j, i] for i in range(n) for j in range(n)), Cyclo(0))
    if value.is_real and value.sign() < 0 and _is_psd(wx) and _is_psd(_pt(wx, lin)):
        return MapCertificate("ppt_witness", {"W": wx}, {"tr(WJ)": value})
    return None


@dataclass
class Decomposability:
    """The answer to "is Λ decomposable?": ``status`` pass/fail/undecided, ``exact`` when a
    certificate was verified in exact arithmetic, the SDP value ``t*`` and the certificate."""

    status: str
    exact: bool
    reason: str
    t: float | None = None
    certificate: MapCertificate | None = None
    sdp: object = None


def decide_decomposability(lin: LinearMap, solver: str | None = None) -> Decomposability:
    """Decide decomposability: exact CP / co-CP tests, then the SDP with rounded certificates."""
    from steerdsl.sdp.decomposable import decomposability

    how = "exactly" if lin.exact else "numerically"
    if _is_psd(lin.choi):
        return Decomposability(PASS, lin.exact, f"completely positive (J ⪰ 0 {how})")
    if _is_psd(_pt(lin.choi, lin)):
        return Decomposability(PASS, lin.exact, f"a transpose after a CP map (J^Γ ⪰ 0 {how})")
    from steerdsl.sdp.size import SDPTooLarge, check_size, decomposable_size

    try:
        check_size(decomposable_size(lin.din, lin.dout), None)
    except SDPTooLarge as exc:
        return Decomposability(UNDECIDED, False, f"not decided: {exc} (E182)")
    res = decomposability(lin, solver=solver)
    t = res.value
    if t is None:
        return Decomposability(UNDECIDED, False, f"the SDP returned no value ({res.status})", sdp=res)
    d = res.details
    numeric_reason = f"SDP t* = {t:.6g} (numeric, tolerance {res.tolerance:g})"
    if res.verdict == "member":
        cert = _exact_decomposition(lin, d["Q"], Fraction(-t / 2).limit_denominator(1 << 20)) if lin.exact else None
        if cert is not None:
            return Decomposability(PASS, True, f"J = P + Q^Γ with P, Q ⪰ 0 verified exactly (SDP t* = {t:.6g})",
                                   t, cert, res)
        return Decomposability(PASS, False, numeric_reason, t, sdp=res)
    if res.verdict == "excluded":
        witness = d.get("W")
        cert = _exact_witness(lin, witness, t) if lin.exact and witness is not None else None
        if cert is not None:
            value = cert.values["tr(WJ)"]
            return Decomposability(FAIL, True, f"a PPT witness W (W ⪰ 0, W^Γ ⪰ 0 exactly) has tr(WJ) = "
                                   f"{complex(value).real:.6g} < 0 exactly (SDP t* = {t:.6g})", t, cert, res)
        reason = numeric_reason
        if witness is not None:
            reason += (f"; dual PPT witness W: tr(WJ) = {d['tr_WJ']:.6g}, λ_min(W) = {d['min_eig_W']:.2g}, "
                       f"λ_min(W^Γ) = {d['min_eig_W_gamma']:.2g}")
        return Decomposability(FAIL, False, reason, t, sdp=res)
    cert = _exact_decomposition(lin, d["Q"], Fraction(0)) if lin.exact and "Q" in d else None
    if cert is not None:
        return Decomposability(PASS, True, f"J = P + Q^Γ with P, Q ⪰ 0 verified exactly (SDP t* = {t:.2g}, "
                               "at the boundary)", t, cert, res)
    return Decomposability(UNDECIDED, False, f"SDP t* = {t:.2g} is within the tolerance of 0", t, sdp=res)


def decomposable(lin: LinearMap) -> CheckResult:
    """``Λ = Λ_1 + T∘Λ_2`` with CP Λ_1, Λ_2 (see :func:`decide_decomposability`)."""
    ans = decide_decomposability(lin)
    verb = {PASS: "decomposable", FAIL: "not decomposable", UNDECIDED: "decomposability undecided"}[ans.status]
    return CheckResult(lin.name, "decomposable", ans.status, f"map {lin.name} is {verb}: {ans.reason}",
                       exact=ans.exact, code="E215" if ans.status == FAIL else None)


def _exact_product_value(lin: LinearMap, x: np.ndarray, y: np.ndarray) -> Cyclo | None:
    """``⟨x⊗y|J|x⊗y⟩`` exactly for ``x``, ``y`` rounded to Gaussian rationals (None if not negative)."""
    def gauss(v: np.ndarray) -> np.ndarray:
        return alg.exact_array([[Cyclo(Fraction(round(c.real * 1000), 1000))
                                 + Cyclo.I * Cyclo(Fraction(round(c.imag * 1000), 1000))] for c in v])

    v = np.kron(gauss(x), gauss(y))
    value = (alg.dagger(v) @ lin.choi @ v)[0, 0]
    return value if value.is_real and value.sign() < 0 else None


def positive(lin: LinearMap, restarts: int = 40, seed: int = 7) -> CheckResult:
    """Positivity of Λ (block-positivity of J); see the module docstring for what is exact."""
    def result(status: str, detail: str, exact: bool = True, code: str | None = None) -> CheckResult:
        return CheckResult(lin.name, "positive", status, detail, exact=exact, code=code)

    if lin.positive_by:
        return result(PASS, f"map {lin.name} is positive by a theorem: {lin.positive_by}")
    how = "exactly" if lin.exact else "numerically"
    if _is_psd(lin.choi):
        return result(PASS, f"map {lin.name} is completely positive (J ⪰ 0 {how})", exact=lin.exact)
    if _is_psd(_pt(lin.choi, lin)):
        return result(PASS, f"map {lin.name} is a transpose after a CP map (J^Γ ⪰ 0 {how})", exact=lin.exact)
    J = alg.to_numeric(lin.choi)
    est = product_minimum(J, (lin.din, lin.dout), restarts=restarts, seed=seed)
    if est.value < -ATOL:
        value = _exact_product_value(lin, *est.vectors) if lin.exact else None
        if value is not None:
            return result(FAIL, f"map {lin.name} is not positive: ⟨x⊗y|J|x⊗y⟩ = {value} < 0 for a rational "
                          "product vector", code="E209")
        return result(FAIL, f"map {lin.name} is not positive: min over product vectors ⟨x⊗y|J|x⊗y⟩ ≈ "
                      f"{est.value:.3g} (numeric)", exact=False, code="E209")
    dec = decide_decomposability(lin)
    if dec.status == PASS and dec.exact:
        return result(PASS, f"map {lin.name} is decomposable, hence positive: {dec.reason}")
    small = lin.din * lin.dout <= 6
    if small and dec.status == FAIL:
        theorem = "in 2×2, 2×3 and 3×2 PPT states are separable, so some product vector has ⟨x⊗y|J|x⊗y⟩ < 0"
        return result(FAIL, f"map {lin.name} is not positive: {dec.reason}; {theorem}", exact=dec.exact,
                      code="E209")
    if small and dec.status == PASS:
        return result(PASS, f"map {lin.name} is decomposable, hence positive: {dec.reason}", exact=False)
    return result(UNDECIDED, f"map {lin.name}: no exact test applies in {lin.din}×{lin.dout}; min over product "
                  f"vectors of ⟨x⊗y|J|x⊗y⟩ ≈ {est.value:.6g} by {est.method} — numerical evidence, not a proof",
                  exact=False)

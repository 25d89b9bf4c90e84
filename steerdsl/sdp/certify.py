"""Exact certificates from numeric SDP duals (physics.md §7).

The solver's dual ``Z`` of a moment-matrix LMI (a membership's robustness form or a bound) is

1. rounded entrywise to (Gaussian) rationals with denominator ``2^40``;
2. repaired exactly: the residual ``R_c`` of each class equation ``A_c(Z) = target_c``
   (:mod:`steerdsl.exact.moment_certificate`) is spread evenly, ``Z(j, i) −= R_c/|c|`` over the
   class's positions — the classes use disjoint entries of ``Z``, so this is an exact projection;
3. shifted into the PSD cone by ``Z + δD``, ``D = Σ_u q_u q_u† ⊗ I`` where ``q_u`` holds the coefficients of
   the unitary ``V_u = Π_{letters l of u} (1 − 2l)`` on the rows: ``V_u†V_u = 1`` makes every class equation
   of D vanish except the class ∅, which gets ``#rows·I`` (the bound grows by ``δ·#rows``), and D ≻ 0
   because ``q_u`` is ``(−2)^{|u|}`` on u plus shorter words (levels n, 1+AB; a row whose expansion leaves
   the level is left out, and the exact check decides);
4. verified by :func:`steerdsl.exact.moment_certificate.verify` (exact LDL†), the same check a
   reader runs on the JSON file.

``exactness`` becomes ``certified`` when the check passes; otherwise it stays ``numeric`` and
``details["certificate_note"]`` says why.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.moment_certificate import (
    MomentCertificate,
    block,
    class_sums,
    classes,
    targets,
    verify,
    witness_value,
)
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import marginal
from steerdsl.sdp.functional import numeric_matrix
from steerdsl.sdp.moment_matrix import cg_expansion, data_words, word_key
from steerdsl.sdp.npa_words import Word, is_data_word, reduce_word
from steerdsl.sdp.result import EXCLUDED, SDPResult

DENOMINATOR = 2 ** 40
SHIFT_ATTEMPTS = 4


def rational(x: float) -> Cyclo:
    """The nearest multiple of ``2^-40``."""
    return Cyclo(Fraction(round(x * DENOMINATOR), DENOMINATOR))


def exact_matrix(m: np.ndarray) -> np.ndarray:
    """Entrywise Gaussian-rational rounding of a complex matrix."""
    m = np.asarray(m, dtype=complex)
    out = xl.zeros(*m.shape)
    for (i, j), v in np.ndenumerate(m):
        out[i, j] = rational(v.real) + (rational(v.imag) * Cyclo.I if round(v.imag * DENOMINATOR) else 0)
    return out


def hermitian(m: np.ndarray) -> np.ndarray:
    """``(M + M†)/2``, exact for exact M."""
    return (m + xl.dagger(m)) * Cyclo(Fraction(1, 2)) if xl.is_exact(m) else (m + m.conj().T) / 2


def _repair(z: np.ndarray, positions: dict[Word, list[tuple[int, int]]], wanted: dict[Word, np.ndarray],
            d: int) -> None:
    """Step 2 of the module docstring, in place."""
    sums = class_sums(z, positions, d)
    for c, pos in positions.items():
        residual = sums[c] - wanted[c]
        if xl.is_zero_matrix(residual):
            continue
        step = residual * Cyclo(Fraction(1, len(pos)))
        for i, j in pos:
            if i > j and (j, i) in pos:  # self-adjoint class: each mirrored pair once
                continue
            new = block(z, j, i, d) - step
            z[j * d:(j + 1) * d, i * d:(i + 1) * d] = new
            if i != j:
                z[i * d:(i + 1) * d, j * d:(j + 1) * d] = xl.dagger(new)


def _unitary_coefficients(u: Word) -> dict[Word, int]:
    """``V_u = Π_i (1 − 2 l_i)`` over the letters of ``u``, expanded on reduced words: ``V_u†V_u = 1`` since
    every ``1 − 2P`` is a Hermitian unitary (P² = P)."""
    out: dict[Word, int] = {}
    for mask in range(1 << len(u)):
        chosen = [letter for k, letter in enumerate(u) if mask >> k & 1]
        w = reduce_word(chosen)
        if w is not None:
            out[w] = out.get(w, 0) + (-2) ** len(chosen)
    return out


def _shift_matrix(words: list[Word], d: int) -> tuple[np.ndarray, int]:
    """``D = Σ_u q_u q_uᵀ ⊗ I`` with ``q_u`` the coefficients of ``V_u`` (step 3), over the rows u whose
    expansion stays among the rows, and its weight on the class ∅ (the number of such rows).  ``D`` is
    positive definite on those rows (``q_u`` is ``(−2)^{|u|}`` on u plus shorter words: triangular)."""
    index = {w: k for k, w in enumerate(words)}
    small = np.zeros((len(words), len(words)), dtype=object)
    used = 0
    for u in words:
        q = _unitary_coefficients(u)
        if not set(q) <= set(index):
            continue
        v = np.zeros(len(words), dtype=object)
        for w, c in q.items():
            v[index[w]] += c
        small = small + np.outer(v, v)
        used += 1
    return xl.exact_array(np.kron(small, np.eye(d, dtype=int)).tolist()), used


def _psd_shift(z: np.ndarray, shift: np.ndarray) -> Fraction:
    """A power of two ``δ`` with ``λ_min(Z + δD) > 0`` numerically (a first guess for the exact check)."""
    zn, dn = xl.to_complex(z), xl.to_complex(shift).real
    low = float(np.linalg.eigvalsh((zn + zn.conj().T) / 2)[0])
    mu = float(np.linalg.eigvalsh(dn)[0])
    need = 2 * max(-low, 1e-12) / max(mu, 1e-12)
    return Fraction(2) ** int(np.ceil(np.log2(need)))


def _certify(make: callable, z_numeric: np.ndarray, words: list[Word], d: int) -> tuple[MomentCertificate | None,
                                                                                           list[str]]:
    """Steps 1–4: ``make(Z, shift_count, δ)`` builds the certificate for an exact ``Z``."""
    positions = classes(words)
    shift, weight = _shift_matrix(words, d)
    z0 = exact_matrix(hermitian(np.asarray(z_numeric, dtype=complex)))
    probe = make(z0, weight, Fraction(0))
    _repair(z0, positions, targets(probe, positions), d)
    delta = _psd_shift(z0, shift)
    reasons: list[str] = []
    for _ in range(SHIFT_ATTEMPTS):
        cert = make(z0 + shift * Cyclo(delta), weight, delta)
        check = verify(cert)
        if check.verified:
            return cert, []
        reasons = check.reasons
        delta *= 16
    return None, reasons


def _describe(result: SDPResult, cert: MomentCertificate | None, reasons: list[str], seconds: float) -> None:
    result.details["certify_seconds"] = round(seconds, 3)
    if cert is None:
        result.details["certificate_note"] = "the rounded dual did not verify (" + "; ".join(
            reasons[:2]) + ")"
        return
    result.exactness = "certified"
    result.details["certificate"] = cert
    result.details["certificate_note"] = f"verified in exact arithmetic: {cert.claim}"
    if cert.assemblage is not None:
        result.details["certified_witness_value"] = float(witness_value(cert).real)


def certify_membership(sigma: Assemblage, result: SDPResult) -> SDPResult:
    """An exact exclusion certificate for a membership ``result`` of :func:`relaxation.membership`:
    the dual's witness ``F = −A(Z)`` with bound 0 on the cone, and ``β_F(σ) > 0`` exactly."""
    start = time.perf_counter()
    d = result.details
    if result.verdict != EXCLUDED:
        d["certificate_note"] = (f"the verdict is {result.verdict}; certificates prove exclusions "
                                 "(from the dual), a point inside the set has none")
        return result
    if not sigma.exact:
        d["certificate_note"] = "the assemblage is numeric, so β_F(σ) cannot be computed exactly"
        return result
    if "dual_matrix" not in d:
        d["certificate_note"] = "the solver returned no dual"
        return result
    sc, words = sigma.scenario, d["words"]
    blocks = cg_assemblage(sigma)
    level = str(d.get("level", "1+AB"))
    positions = classes(words)

    def make(z, weight, delta):
        sums = class_sums(z, positions, sigma.scenario.dim)
        functional = {c: -sums[c] for c in positions if is_data_word(c)}
        return MomentCertificate(_outputs(sc), sc.dim, level, "max", functional, Cyclo(0), z,
                                 assemblage={w: blocks[w] for w in functional}, subject=sigma.name)

    cert, reasons = _certify(make, d["dual_matrix"], words, sc.dim)
    _describe(result, cert, reasons, time.perf_counter() - start)
    return result


def cg_functional(functional: Functional) -> tuple[dict[Word, np.ndarray], bool]:
    """``F`` in Collins–Gisin form, ``F_w = Σ_key ± F_key`` (:func:`cg_expansion`), Hermitian, exact; the flag
    says whether numeric operators had to be rounded to Gaussian rationals."""
    sc = functional.scenario
    rounded = not functional.exact
    out: dict[Word, np.ndarray] = {}
    for key, op in functional.terms.items():
        f = exact_matrix(numeric_matrix(op)) if rounded else xl.exact_array(np.atleast_2d(op))
        for sign, w in cg_expansion(sc, key):
            out[w] = out.get(w, xl.zeros(sc.dim, sc.dim)) + (f if sign > 0 else -f)
    return {w: hermitian(f) for w, f in out.items()}, rounded


def cg_constant(functional: Functional) -> Cyclo:
    """``F``'s constant, exact (a numeric one rounded to the nearest fraction of denominator ≤ 2^40)."""
    if functional.exact:
        return Cyclo(functional.constant)
    return Cyclo(Fraction(complex(functional.constant).real).limit_denominator(DENOMINATOR))


def cg_assemblage(sigma: Assemblage) -> dict[Word, np.ndarray]:
    """σ's exact Collins–Gisin blocks ``σ_w`` on every data word (∅ first: ρ_B)."""
    return {w: xl.exact_array(marginal(sigma, word_key(sigma.scenario, w))) for w in data_words(sigma.scenario)}


def certify_bound(functional: Functional, sense: str, result: SDPResult) -> SDPResult:
    """An exact certificate of a bound ``result`` of :func:`relaxation.bound`: ``β_F ≤ λ`` (``max``) or
    ``≥ λ`` (``min``) on the relaxation, with ``λ`` a rational at most ``2^-30``-ish above the solver's
    value.  A numeric functional is first rounded to Gaussian rationals (the note says so)."""
    start = time.perf_counter()
    d = result.details
    if "dual_matrix" not in d or result.value is None:
        d["certificate_note"] = "the solver returned no dual"
        return result
    sc, words = functional.scenario, d["words"]
    if sc.kind not in ("standard", "multipartite", "bell"):
        d["certificate_note"] = f"certificates are for one Bob without input, not a {sc.kind} scenario"
        return result
    if not set(data_words(sc)) <= set(words):
        d["certificate_note"] = "certificates need every data word in the level (e.g. 1+AB)"
        return result
    terms, rounded = cg_functional(functional)
    constant = cg_constant(functional)
    start_bound = rational(result.value - float(complex(constant).real))
    sign = 1 if sense == "max" else -1
    level = str(d.get("level", "1+AB"))

    def make(z, weight, delta):
        return MomentCertificate(_outputs(sc), sc.dim, level, sense, terms, start_bound + Cyclo(delta * weight * sign),
                                 z, constant=constant, subject=functional.name)

    cert, reasons = _certify(make, np.asarray(d["dual_matrix"]), words, sc.dim)
    return describe_bound(result, cert, reasons, time.perf_counter() - start, rounded)


def describe_bound(result: SDPResult, cert, reasons: list[str], seconds: float, rounded: bool) -> SDPResult:
    """Record a bound's certificate (or why there is none) in ``result``: ``exactness``, ``details["certificate"]``,
    ``details["certified_bound"]`` (``λ + c``, as a float) and a note, saying when F was rounded first."""
    _describe(result, cert, reasons, seconds)
    if cert is not None:
        result.details["certified_bound"] = float((cert.bound + cert.constant).real)
        if rounded:
            result.details["certificate_note"] += " (for F rounded to multiples of 2^-40)"
    return result


def _outputs(sc) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(s.outputs[x] for x in range(s.inputs)) for s in sc.slots)

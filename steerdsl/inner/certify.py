"""Certified membership: an exact realisation that reproduces an exact assemblage (physics.md §8).

- standard: the exact GHJW realisation (:func:`steerdsl.exact.ghjw.ghjw`), recomputed exactly;
- Bob with input, one Alice: for each ``y0``, the base assemblage ``τ = σ_{·|·,y0}`` (exact data, realised
  exactly by GHJW) with ``E_{y0} = id``; every other channel is fitted numerically (the fit deepest inside
  the PSD cone, so that rounding keeps it PSD: ``max t`` with ``J ⪰ tI``), rounded to rationals,
  moved exactly onto the affine set ``{J : tr_out J = I, E_J(τ_{a|x}) = σ_{a|x,y}}`` by the least-norm
  correction ``j + A†(AA†)⁻¹(b − Aj)`` (independent rows of A), made Hermitian, and tested PSD exactly
  (:func:`steerdsl.exact.linalg.psd`).  Every ``E_y(τ_{a|x})`` is then recomputed exactly and compared
  with ``σ_{a|x,y}``.

``certified`` only when every comparison is an exact equality; otherwise the verdict stays numeric and
the note says why.  Several Bobs, one Alice: exact parent states (:mod:`steerdsl.inner.certify_parents`).
Other kinds: no exact rounding yet (said in the note).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.inner.certify_parents import certify_several_bobs
from steerdsl.inner.rounding import least_norm_correction, rational
from steerdsl.inner.sequential import certify_sequential
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import apply_choi
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.result import SDPResult

CERTIFIED = "certified"
DENOMINATOR = 10**6
"""Largest denominator of the rationals a numeric channel is rounded to before the exact correction."""


def certify_realisation(sigma: Assemblage, result: SDPResult) -> SDPResult:
    """Try to certify ``result`` (a realisation search on σ) exactly; sets ``exactness`` to ``certified``
    and ``details["exact_realisation"]`` on success, ``details["certificate_note"]`` always."""
    kind = sigma.scenario.kind
    if not sigma.exact:
        return _note(result, "σ is numeric: there is nothing to compare exactly")
    try:
        if kind == "standard":
            return _standard(sigma, result)
        if kind == "bwi" and len(sigma.scenario.slots) == 1:
            return _bwi(sigma, result)
        if kind == "several_bobs" and len(sigma.scenario.slots) == 1:
            return _outcome(result, *certify_several_bobs(sigma))
        if kind == "sequential":
            return _outcome(result, *certify_sequential(sigma))
    except NotExact as exc:
        return _note(result, f"no exact realisation: {exc}")
    return _note(result, f"exact rounding of realisations is implemented for the standard, Bob-with-input and "
                         f"several-Bobs scenarios with one Alice, not yet for a {kind} one")


def _note(result: SDPResult, text: str) -> SDPResult:
    result.details["certificate_note"] = text
    return result


def _standard(sigma: Assemblage, result: SDPResult) -> SDPResult:
    from steerdsl.exact.ghjw import ghjw

    real = ghjw(sigma)
    if not (real.exact and real.verified):
        return _note(result, "the exact GHJW realisation does not reproduce σ")
    return _certified(result, {"state": real.psi, "dims": real.dims, "povms": real.povms},
                      f"exact GHJW realisation on C^{real.dims[0]} ⊗ C^{real.dims[1]} reproduces σ exactly")


def _outcome(result: SDPResult, data: dict | None, text: str) -> SDPResult:
    return _certified(result, data, text) if data is not None else _note(result, f"not certified: {text}")


def _certified(result: SDPResult, data: dict, text: str) -> SDPResult:
    result.exactness = CERTIFIED
    result.details["exact_realisation"] = data
    return _note(result, text)


def _bwi(sigma: Assemblage, result: SDPResult) -> SDPResult:
    from steerdsl.exact.ghjw import ghjw

    sc = sigma.scenario
    d = sc.dim
    reasons = []
    for y0 in sc.bob_input_tuples():
        base = Assemblage(Scenario(sc.alices, (Bob(sc.bobs[0].name, d),)),
                          {(a, x, ()): sigma.elements[(a, x, y)] for a, x, y in sc.keys() if y == y0})
        real = ghjw(base)
        if not (real.exact and real.verified):
            reasons.append(f"y0 = {y0[0]}: no exact GHJW realisation of σ_(·|·,{y0[0]})")
            continue
        channels, why = {}, None
        for y in sc.bob_input_tuples():
            pairs = [(base.elements[(a, x, ())], sigma.elements[(a, x, yy)]) for a, x, yy in sc.keys() if yy == y]
            channels[y], why = (_identity(d), None) if y == y0 else exact_channel(pairs, d, d)
            if why:
                reasons.append(f"y0 = {y0[0]}, y = {y[0]}: {why}")
                break
        if why is None:
            return _certified(result, {"state": real.psi, "dims": real.dims, "povms": real.povms,
                                       "channels": channels},
                              f"exact realisation (GHJW state on C^{real.dims[0]} ⊗ C^{d}, E_{y0[0]} = id, the other "
                              "channels rational Choi matrices checked PSD and trace preserving) reproduces σ exactly")
    return _note(result, "not certified: " + "; ".join(reasons))


def _identity(d: int) -> np.ndarray:
    J = alg.zeros(d * d, d * d)
    for i in range(d):
        for j in range(d):
            J[i * d + i, j * d + j] = Cyclo(1)
    return J


def exact_channel(pairs: list[tuple[np.ndarray, np.ndarray]], din: int, dout: int
                  ) -> tuple[np.ndarray | None, str | None]:
    """An exact CPTP Choi matrix J with ``E_J(τ) = T`` for every exact pair ``(τ, T)``, rounded from a
    numeric fit (the one deepest in the PSD cone, then the nearest one; denominators up to 10³, then
    :data:`DENOMINATOR`); ``(None, reason)`` when no rounding gives one."""
    from steerdsl.inner.channel_fit import fit_channel, interior_channel

    numeric_pairs = [(alg.to_numeric(t).astype(complex), alg.to_numeric(s).astype(complex)) for t, s in pairs]
    interior = interior_channel(numeric_pairs, din, dout)
    fits = ([interior[0]] if interior is not None else []) + [fit_channel(numeric_pairs, din, dout)]
    A, b = _channel_equations(pairs, din, dout)
    why = "no numeric fit"
    for numeric in fits:
        for denominator in (10**3, DENOMINATOR):
            J, why = _rounded_channel(numeric, denominator, A, b, pairs, din, dout)
            if J is not None:
                return J, None
    return None, why


def _rounded_channel(numeric: np.ndarray, denominator: int, A: np.ndarray, b: np.ndarray, pairs, din: int,
                     dout: int) -> tuple[np.ndarray | None, str | None]:
    n = din * dout
    j = np.array([rational(v, denominator) for v in numeric.ravel()], dtype=object).reshape(-1, 1)
    j = least_norm_correction(A, b, j)
    if j is None:
        return None, "the channel equations have no exact solution"
    J = j.reshape(n, n)
    J = (J + alg.dagger(J)) * Cyclo(Fraction(1, 2))
    if not alg.equal(linalg.matmul(A, J.reshape(-1, 1)), b):
        return None, "the corrected channel does not satisfy the equations exactly"
    if linalg.psd(J).decided is not True:
        return None, "the rounded channel is not completely positive (its Choi matrix is not PSD exactly)"
    for tau, target in pairs:
        if not alg.equal(apply_choi(J, din, dout, tau), target):
            return None, "the rounded channel does not reproduce σ exactly"
    return J, None


def _channel_equations(pairs, din: int, dout: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``A vec(J) = b``: ``tr_out J = I`` and ``E_J(τ) = T`` entry by entry (``vec`` row-major)."""
    n = din * dout
    rows, rhs = [], []

    def row() -> list:
        return [Cyclo(0)] * (n * n)

    for i in range(din):
        for k in range(din):
            r = row()
            for a in range(dout):
                r[(i * dout + a) * n + k * dout + a] = Cyclo(1)
            rows.append(r)
            rhs.append(Cyclo(int(i == k)))
    for tau, target in pairs:
        for a in range(dout):
            for c in range(dout):
                r = row()
                for i in range(din):
                    for k in range(din):
                        if not tau[i, k].is_zero:
                            r[(i * dout + a) * n + k * dout + c] = tau[i, k]
                rows.append(r)
                rhs.append(target[a, c])
    return np.array(rows, dtype=object), np.array(rhs, dtype=object).reshape(-1, 1)

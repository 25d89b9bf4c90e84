"""Certified membership: an exact realisation that reproduces an exact assemblage (physics.md §8).

- standard: the exact GHJW realisation (:func:`steerdsl.exact.ghjw.ghjw`), recomputed exactly;
- Bob with input, one Alice: for each ``y0``, the base assemblage ``τ = σ_{·|·,y0}`` (exact data, realised
  exactly by GHJW) with ``E_{y0} = id``; every other channel is fitted numerically and rounded to an exact
  CPTP map through the pairs ``(τ_{a|x}, σ_{a|x,y})`` (:func:`steerdsl.inner.exact_channel.exact_channel`).
  Every ``E_y(τ_{a|x})`` is then recomputed exactly and compared with ``σ_{a|x,y}``.

``certified`` only when every comparison is an exact equality; otherwise the verdict stays numeric and
the note says why.  The channel rounding is :mod:`steerdsl.inner.exact_channel`.  Several Bobs, one Alice:
exact parent states (:mod:`steerdsl.inner.certify_parents`); sequential: the exact construction
(:mod:`steerdsl.inner.sequential`); instrumental, one Alice with two outcomes: one channel the identity
(:mod:`steerdsl.inner.certify_instrumental`); several Alices and one Bob without input (multipartite, Bell):
the numeric realisation rounded in a canonical local frame, state and POVMs exact and PSD
(:mod:`steerdsl.inner.certify_alices`).  Other kinds (several Alices with Bob's input, channels or several
Bobs): no exact rounding yet (said in the note).
"""

from __future__ import annotations

from steerdsl.exact.cyclotomic import NotExact
from steerdsl.inner.certify_alices import certify_several_alices
from steerdsl.inner.certify_instrumental import certify_instrumental
from steerdsl.inner.certify_parents import certify_several_bobs
from steerdsl.inner.exact_channel import exact_channel, identity_choi
from steerdsl.inner.sequential import certify_sequential
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.result import MEMBER, SDPResult

CERTIFIED = "certified"


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
        if kind == "instrumental":
            return _outcome(result, *certify_instrumental(sigma, result.details.get("solver")))
        if kind in ("multipartite", "bell") and result.details.get("realisation") is not None:
            return _outcome(result, *certify_several_alices(sigma, result.details["realisation"]))
    except NotExact as exc:
        return _note(result, f"no exact realisation: {exc}")
    return _note(result, f"exact rounding of realisations is implemented for the standard, multipartite, Bell and "
                         f"sequential scenarios and for Bob-with-input, instrumental and several-Bobs scenarios with "
                         f"one Alice, not yet for a {kind} one with {len(sigma.scenario.slots)} Alices")


def _note(result: SDPResult, text: str) -> SDPResult:
    result.details["certificate_note"] = text
    return result


def _standard(sigma: Assemblage, result: SDPResult) -> SDPResult:
    from steerdsl.exact.ghjw import ghjw

    real = ghjw(sigma)
    if not (real.exact and real.verified):
        return _note(result, "the exact GHJW construction gives no realisation of σ (its POVMs are not POVMs, as "
                             "for a signalling σ, or σ is not reproduced)")
    return _certified(result, {"state": real.psi, "dims": real.dims, "povms": real.povms},
                      f"exact GHJW realisation on C^{real.dims[0]} ⊗ C^{real.dims[1]} reproduces σ exactly")


def _outcome(result: SDPResult, data: dict | None, text: str) -> SDPResult:
    return _certified(result, data, text) if data is not None else _note(result, f"not certified: {text}")


def _certified(result: SDPResult, data: dict, text: str) -> SDPResult:
    """An exact realisation reproduces σ exactly, so σ is quantum whatever the numeric search reached: the
    verdict is ``member`` with residual 0 (the search's own residual stays in ``details["residual"]``)."""
    result.exactness = CERTIFIED
    result.details["exact_realisation"] = data
    if result.verdict != MEMBER:
        text += (f" (the numeric search stopped at residual {result.value:.1e}; the exact realisation's residual "
                 "is 0)")
        result.verdict, result.value, result.margin = MEMBER, 0.0, -result.tolerance
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
            channels[y], why = (identity_choi(d), None) if y == y0 else exact_channel(pairs, d, d)
            if why:
                reasons.append(f"y0 = {y0[0]}, y = {y[0]}: {why}")
                break
        if why is None:
            return _certified(result, {"state": real.psi, "dims": real.dims, "povms": real.povms,
                                       "channels": channels},
                              f"exact realisation (GHJW state on C^{real.dims[0]} ⊗ C^{d}, E_{y0[0]} = id, the other "
                              "channels rational Choi matrices checked PSD and trace preserving) reproduces σ exactly")
    return _note(result, "not certified: " + "; ".join(reasons))

"""``lhs``: assemblages with a local-hidden-state model (physics.md §3), in every scenario kind.

Wraps :mod:`steerdsl.sdp.lhs`: membership ``σ_{a|x} = Σ_λ D(a|x,λ) σ_λ``, ``σ_λ ⪰ 0`` in robust form
(``certify``: an exact hidden-state model, :mod:`steerdsl.inner.certify_lhs`), visibility against noise, the
LHS bound ``max Σ tr(F_{a|x} σ_{a|x})`` over deterministic strategies, the
generalised and consistent robustness (Piani & Watrous 2015) and the steering weight (Skrzypczyk et al. 2014).
"""

from __future__ import annotations

from typing import Any

from steerdsl.inner.certify_lhs import certify_lhs
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import lhs as sdp
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import KINDS, NOISE, Question, SetSpec


def _size(label: str):
    def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
        return sdp_size.lhs_size(scenario, label)
    return size


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Is σ LHS?  Decided robustly (:func:`steerdsl.sdp.lhs.lhs`); ``certify``: exact rational PSD hidden
    states reproducing σ exactly (:func:`steerdsl.inner.certify_lhs.certify_lhs`)."""
    result = sdp.lhs(sigma, solver=options["solver"])
    return certify_lhs(sigma, result, options["solver"]) if options.get("certify") else result


def visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
    """The largest ``v`` with ``vσ + (1 − v)N`` LHS (:func:`steerdsl.sdp.lhs.visibility`)."""
    return sdp.visibility(sigma, noise=noise, solver=options["solver"])


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``max`` / ``min`` of ``β_F`` over LHS assemblages (:func:`steerdsl.sdp.lhs.lhs_bound`)."""
    return sdp.lhs_bound(functional, sense=sense, solver=options["solver"])


def robustness(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Generalised steering robustness (:func:`steerdsl.sdp.lhs.generalised_robustness`)."""
    return sdp.generalised_robustness(sigma, solver=options["solver"])


def consistent_robustness(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Consistent robustness: the noise has σ's own reduced states (``consistent=True``)."""
    return sdp.generalised_robustness(sigma, consistent=True, solver=options["solver"])


def weight(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Steering weight (:func:`steerdsl.sdp.lhs.steering_weight`)."""
    return sdp.steering_weight(sigma, solver=options["solver"])


SET = SetSpec(
    "lhs", KINDS, doc="local-hidden-state assemblages",
    questions={
        "membership": Question("membership", membership, size=_size("LHS")),
        "visibility": Question("visibility", visibility, (NOISE,), size=_size("visibility")),
        "bound": Question("bound", bound, size=_size("LHS bound")),
        "robustness": Question("robustness", robustness, size=_size("robustness")),
        "consistent_robustness": Question("consistent_robustness", consistent_robustness,
                                          kinds=tuple(k for k in KINDS if k != "instrumental"),
                                          size=_size("consistent robustness"),
                                          doc="the instrumental scenario does not fix Bob's reduced state"),
        "weight": Question("weight", weight, size=_size("steering weight")),
    })

"""``npa``: moment-matrix relaxations of one Bob without input (physics.md §4): ``npa level n``,
word sets such as ``1+AB`` (``almost_quantum``) and unions, in the standard, multipartite and Bell kinds.

Wraps :mod:`steerdsl.sdp.relaxation` (membership as white-noise robustness ``t*``, visibility, the outer
bound ``max β_F`` with ``Γ ⪰ 0``, ``tr ρ_B = 1``), :mod:`steerdsl.sdp.certify` (exact certificates of an
exclusion and of a bound) and :mod:`steerdsl.sdp.negativity` (the steering-negativity bracket).  A bound
with ``dims`` adds a see-saw inner bound (:mod:`steerdsl.sets.seesaw`), so it is a bracket.
"""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import certify, negativity, relaxation
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult
from steerdsl.sets import seesaw
from steerdsl.sets.spec import DIMS, NOISE, OUTER, SEED, Option, Question, SetSpec

KINDS = ("standard", "multipartite", "bell")
LEVEL = Option("level", "int | words", "1+AB", "the moment level: n, or a word set such as 1+AB, unions 1+AB+AAB")
SYMMETRY = Option("symmetry", "bool", True,
                  "reduce the SDP by the detected symmetries of the functional (bound) or of σ and the noise "
                  "(membership, visibility: from 300 scalar variables)")


def _size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    return sdp_size.quantum_size(scenario, "npa", options)


def _symmetric(options: dict[str, Any]) -> bool:
    """Whether the bound is symmetry-reduced: on by default; certificates need the unreduced dual, and
    --no-symmetry (runner option no_symmetry) wins over the line."""
    return bool(options.get("symmetry", True)) and not options.get("certify") and not options.get("no_symmetry")


def _outer_bound_size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize | None:
    """The plain problem's estimate; None for a symmetric bound that may be reduced (below
    :data:`~steerdsl.sdp.size.REDUCIBLE_VARIABLES`): :func:`bound` guards the reduced problem once the
    reduction has run (its size is known only then)."""
    plain = sdp_size.moment_size(scenario, options["level"], scenario.dim, task="NPA bound")
    return None if _symmetric(options) and plain.variables <= sdp_size.REDUCIBLE_VARIABLES else plain


SYMMETRY_MIN_VARIABLES = 300
"""A membership or visibility is reduced only when its unreduced SDP has at least this many scalar variables
(the size guard's count): below, it solves in milliseconds and finding σ's group (with qubit Cliffords, up to
a second) would cost more than it saves."""


def _worth_reducing(sigma: Assemblage, options: dict[str, Any]) -> bool:
    """:func:`_symmetric`, and the problem is large enough (:data:`SYMMETRY_MIN_VARIABLES`)."""
    return _symmetric(options) and _size(sigma.scenario, options).variables >= SYMMETRY_MIN_VARIABLES


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """σ in the relaxation of ``level`` (:func:`steerdsl.sdp.relaxation.membership`), reduced by the
    stabiliser of σ unless ``symmetry off`` or small (:func:`_worth_reducing`); ``certify``: an exact
    certificate of an exclusion (:func:`steerdsl.sdp.certify.certify_membership`, on the unreduced problem)."""
    result = relaxation.membership(sigma, level=str(options["level"]), solver=options["solver"],
                                   symmetry=_worth_reducing(sigma, options))
    return certify.certify_membership(sigma, result) if options.get("certify") else result


def visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
    """The largest ``v`` with ``vσ + (1 − v)N`` in the relaxation (:func:`steerdsl.sdp.relaxation.noise_visibility`),
    reduced by the stabiliser of σ and ``N`` unless ``symmetry off`` or small (:func:`_worth_reducing`)."""
    return relaxation.noise_visibility(sigma, level=str(options["level"]), noise=noise, solver=options["solver"],
                                       symmetry=_worth_reducing(sigma, options))


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """The outer bound over the relaxation (:func:`steerdsl.sdp.relaxation.bound`), certified with ``certify``;
    with ``dims`` also the see-saw inner bound, as ``details["bracket"]`` (lower ≤ upper)."""
    symmetric = _symmetric(options)

    def guard(size: sdp_size.SDPSize) -> None:
        sdp_size.check_size(size, options.get("max_sdp_size"), options.get("max_sdp_memory"), options.get("solver"))

    outer = relaxation.bound(functional, sense=sense, level=str(options["level"]), solver=options["solver"],
                             symmetry=symmetric, guard=guard if symmetric else None)
    if options.get("certify"):
        outer = certify.certify_bound(functional, sense, outer)
    return seesaw.with_inner_bound(outer, functional, sense, options)


def steering_negativity(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """The negativity bracket: a relaxation lower bound and a pseudo-state upper bound
    (:func:`steerdsl.sdp.negativity.steering_negativity`)."""
    return negativity.steering_negativity(sigma, level=str(options["level"]), dims=options["dims"],
                                          restarts=options["restarts"], seed=options["seed"],
                                          solver=options["solver"])


SET = SetSpec(
    "npa", KINDS, aliases=("moments",), doc="moment-matrix relaxation of level n (one Bob without input)",
    questions={
        "membership": Question("membership", membership, (LEVEL, SYMMETRY), size=_size),
        "visibility": Question("visibility", visibility, (LEVEL, NOISE, SYMMETRY), size=_size),
        "bound": Question("bound", bound, (LEVEL, *seesaw.INNER_OPTIONS, SYMMETRY),
                          size=seesaw.bracket_size(_outer_bound_size)),
        "negativity": Question("negativity", steering_negativity,
                               (LEVEL, DIMS, Option("restarts", "int", 2, "pseudo-state restarts"), SEED)),
    }, side=OUTER)

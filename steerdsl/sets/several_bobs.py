"""Several Bobs (Sainz 2026; physics.md §9): ``parent_states`` — do PSD parent states
``σ_{a|x} = tr_{Bobs'}(…)`` exist (exact for one Alice) — and ``several_bobs``, QX_k: parent states whose
merged assemblage lies in the moment relaxation of ``level``.  Wraps :mod:`steerdsl.sdp.parents`.
"""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import parent_bounds, parents
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult
from steerdsl.sets import seesaw
from steerdsl.sets.spec import NOISE, OUTER, Option, Question, SetSpec

KINDS = ("several_bobs",)
LEVEL = Option("level", "int | words", "1+AB", "the moment level of the merged assemblage (QX_k)")


def _parents_size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    return sdp_size.quantum_size(scenario, "parent_states", options)


def _qx_size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    return sdp_size.quantum_size(scenario, "several_bobs", options)


def _bound_size(level: str | None):
    def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
        """The merged Bob's moment matrix (:mod:`steerdsl.sdp.parent_bounds`)."""
        return sdp_size.moment_size(scenario, level or str(options["level"]), scenario.dim,
                                    task="parent-state bound")
    return size


def parent_bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``max`` / ``min`` of ``β_F`` over assemblages with parent states (exact with one Alice, Sainz 2026
    Thm 6): :func:`steerdsl.sdp.parent_bounds.several_bobs_bound` without a level."""
    outer = parent_bounds.several_bobs_bound(functional, sense=sense, level=None, solver=options["solver"])
    return seesaw.with_inner_bound(outer, functional, sense, options)


def qx_bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``max`` / ``min`` of ``β_F`` over QX_k: parents in level ``level`` on the merged Bob."""
    outer = parent_bounds.several_bobs_bound(functional, sense=sense, level=str(options["level"]),
                                             solver=options["solver"])
    return seesaw.with_inner_bound(outer, functional, sense, options)


def parent_membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Do parent states exist? (:func:`steerdsl.sdp.parents.parent_states`; margin −λ)."""
    return parents.parent_states(sigma, solver=options["solver"])


def parent_visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
    """The largest ``v`` with ``vσ + (1 − v)N`` having parent states."""
    return parents.parent_visibility(sigma, noise=noise, level=None, solver=options["solver"])


def qx_membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Parent states whose merged assemblage is in level ``level``
    (:func:`steerdsl.sdp.parents.several_bobs_membership`)."""
    return parents.several_bobs_membership(sigma, level=str(options["level"]), solver=options["solver"])


def qx_visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
    """The largest ``v`` with ``vσ + (1 − v)N`` in QX_k."""
    return parents.parent_visibility(sigma, noise=noise, level=str(options["level"]), solver=options["solver"])


PARENT_STATES = SetSpec(
    "parent_states", KINDS, doc="assemblages with PSD parent states (several Bobs)",
    questions={
        "membership": Question("membership", parent_membership, size=_parents_size),
        "visibility": Question("visibility", parent_visibility, (NOISE,), size=_parents_size),
        "bound": Question("bound", parent_bound, seesaw.INNER_OPTIONS, size=seesaw.bracket_size(_bound_size("1+AB"))),
    }, side=OUTER)

SEVERAL_BOBS = SetSpec(
    "several_bobs", KINDS, doc="QX_k: parent states whose merged assemblage is in moment level k",
    questions={
        "membership": Question("membership", qx_membership, (LEVEL,), size=_qx_size),
        "visibility": Question("visibility", qx_visibility, (LEVEL, NOISE), size=_qx_size),
        "bound": Question("bound", qx_bound, (LEVEL, *seesaw.INNER_OPTIONS),
                          size=seesaw.bracket_size(_bound_size(None))),
    }, side=OUTER)

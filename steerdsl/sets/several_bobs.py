"""Several Bobs (Sainz 2026; physics.md §9): ``parent_states`` — do PSD parent states
``σ_{a|x} = tr_{Bobs'}(…)`` exist (exact for one Alice) — and ``several_bobs``, QX_k: parent states whose
merged assemblage lies in the moment relaxation of ``level``.  Wraps :mod:`steerdsl.sdp.parents`.
"""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import parents
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import NOISE, Option, Question, SetSpec

KINDS = ("several_bobs",)
LEVEL = Option("level", "int | words", "1+AB", "the moment level of the merged assemblage (QX_k)")


def _parents_size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    return sdp_size.quantum_size(scenario, "parent_states", options)


def _qx_size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    return sdp_size.quantum_size(scenario, "several_bobs", options)


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
    })

SEVERAL_BOBS = SetSpec(
    "several_bobs", KINDS, doc="QX_k: parent states whose merged assemblage is in moment level k",
    questions={
        "membership": Question("membership", qx_membership, (LEVEL,), size=_qx_size),
        "visibility": Question("visibility", qx_visibility, (LEVEL, NOISE), size=_qx_size),
    })

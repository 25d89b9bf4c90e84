"""``nosignalling``: the general (no-signalling) assemblages of each kind, from the one declaration of the kind's
structure in :mod:`steerdsl.model.nosignalling` (physics.md §2).

The bound ``max β_F`` is an SDP in every kind (:func:`steerdsl.sdp.relaxation.nosignalling_bound`; the
sequential kind's relations are elementwise, :mod:`steerdsl.sdp.sequential`). Membership is a finite set of
exact identities — ``check σ : valid`` — except in the instrumental kind, where it is membership in G_I (PRL
2020 Def. 6), an SDP — and so is the visibility against it."""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.sdp import bwi_hierarchy, relaxation
from steerdsl.sdp.noise import VISIBILITY
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import KINDS, NOISE, Question, SetSpec, TaskError


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """σ in G_I, the instrumental no-signalling set (an SDP: PRL 2020 Def. 6)."""
    return bwi_hierarchy.instrumental_membership(sigma, nosignalling=True, solver=options["solver"])


def visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
    """The largest ``v`` with ``vσ + (1 − v)N`` in G_I (the membership SDP with the visibility mixing)."""
    result = bwi_hierarchy.instrumental_membership(sigma, nosignalling=True, noise=noise, mixing=VISIBILITY,
                                                   solver=options["solver"])
    result.task = f"visibility against {result.task}"
    return result


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``max`` / ``min`` of ``β_F`` over no-signalling assemblages of the kind."""
    return relaxation.nosignalling_bound(functional, sense=sense, solver=options["solver"])


def _exact_check(kind: str, sigma: Assemblage) -> TaskError:
    return TaskError(f"no-signalling is a finite set of exact identities in a {kind} scenario",
                     f"check {sigma.name} : valid decides it exactly")


SET = SetSpec(
    "nosignalling", KINDS, aliases=("no_signalling",), doc="general (no-signalling) assemblages",
    questions={
        "membership": Question("membership", membership, kinds=("instrumental",), outside=_exact_check,
                               doc="elsewhere: check σ : valid (exact)"),
        "visibility": Question("visibility", visibility, (NOISE,), kinds=("instrumental",),
                               doc="elsewhere membership is exact: check σ : valid"),
        "bound": Question("bound", bound),
    })

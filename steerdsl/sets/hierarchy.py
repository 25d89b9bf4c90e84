"""``bwi level k`` and ``instrumental level k``: the outer moment hierarchies of the Bob-with-input and
instrumental scenarios (PRL 125 (2020); physics.md §4.2), one module for both since they share
:mod:`steerdsl.sdp.bwi_hierarchy`: one moment matrix ``Γ^y ⪰ 0`` per copy of the kind's no-signalling
structure.  A level is an integer ``n`` or a word set such as ``1+AB`` (almost quantum).
"""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import bwi_hierarchy, certify_hierarchy
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.noise import VISIBILITY
from steerdsl.sdp.result import SDPResult
from steerdsl.sets import seesaw
from steerdsl.sets.spec import NOISE, OUTER, Option, Question, SetSpec

LEVEL = Option("level", "int | words", "1", "the hierarchy level: n, or a word set such as 1+AB")


def level(options: dict[str, Any]) -> int | str:
    """The hierarchy level: an integer n, or a word set such as ``1+AB``."""
    text = str(options["level"])
    return int(text) if text.isdigit() else text


def _size(kind: str):
    def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
        return sdp_size.quantum_size(scenario, kind, options)
    return size


def _membership_test(kind: str):
    return bwi_hierarchy.bwi_membership if kind == "bwi" else bwi_hierarchy.instrumental_membership


def _spec(kind: str, doc: str) -> SetSpec:
    test = _membership_test(kind)

    def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
        """σ in level ``level`` of the hierarchy, in robust form."""
        return test(sigma, level=level(options), solver=options["solver"])

    def visibility(sigma: Assemblage, noise: Any, options: dict[str, Any]) -> SDPResult:
        """The largest ``v`` with ``vσ + (1 − v)N`` in level ``level``."""
        result = test(sigma, level=level(options), solver=options["solver"], noise=noise, mixing=VISIBILITY)
        result.task = f"visibility against {result.task}"
        return result

    def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
        """``max`` / ``min`` of ``β_F`` over level ``level`` (:func:`steerdsl.sdp.bwi_hierarchy.hierarchy_bound`);
        ``certify``: :func:`steerdsl.sdp.certify_hierarchy.certify_hierarchy_bound`; ``dims``: a bracket
        with the see-saw inner bound (:func:`steerdsl.sets.seesaw.with_inner_bound`)."""
        outer = bwi_hierarchy.hierarchy_bound(functional, sense=sense, level=level(options), solver=options["solver"])
        if options.get("certify"):  # an exact certificate of the bound (PRL 2020's method, certified)
            outer = certify_hierarchy.certify_hierarchy_bound(functional, sense, outer)
        return seesaw.with_inner_bound(outer, functional, sense, options)

    return SetSpec(kind, (kind,), doc=doc, questions={
        "membership": Question("membership", membership, (LEVEL,), size=_size(kind)),
        "visibility": Question("visibility", visibility, (LEVEL, NOISE), size=_size(kind)),
        "bound": Question("bound", bound, (LEVEL, *seesaw.INNER_OPTIONS), size=seesaw.bracket_size(_size(kind))),
    }, side=OUTER)


BWI = _spec("bwi", "the BWI hierarchy of level k (Bob with input)")
INSTRUMENTAL = _spec("instrumental", "the instrumental hierarchy of level k")

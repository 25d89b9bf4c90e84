"""``seesaw``: an inner set — assemblages of explicit realisations with Alice's dimensions ``dims`` (and Bob's
channels where Bob has an input; the joint state with several Bobs), searched by see-saw
(:func:`steerdsl.sdp.seesaw.seesaw`): a bound over it is attained by an explicit realisation, so it is a lower
bound on ``max β_F`` over the quantum set (an upper bound for ``min``), never a proof."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import seesaw as sdp
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult, ordered_bracket
from steerdsl.sets.spec import DIMS, RESTARTS, SEED, Question, SetSpec

KINDS = ("standard", "multipartite", "bell", "bwi", "instrumental", "sequential", "several_bobs")


def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    """The size of the see-saw's SDPs (:func:`steerdsl.sdp.size.seesaw_size`)."""
    return sdp_size.seesaw_size(scenario, options.get("dims"), options.get("restarts", 10))


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """The best value the see-saw finds over realisations of dimension ``dims``."""
    return sdp.seesaw(functional, sense=sense, dims=options.get("dims"), restarts=options.get("restarts", 10),
                      seed=options.get("seed", 0), solver=options.get("solver"))


def with_inner_bound(outer: SDPResult, functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``outer`` (a bound over a relaxation) with, when ``options["dims"]`` is given, the see-saw inner bound
    of :func:`bound`: ``details["bracket"] = (lower, upper)`` (max: ``(inner, outer)``; min: ``(outer,
    inner)``; :func:`~steerdsl.sdp.result.ordered_bracket`), ``details["gap"] = upper − lower``,
    ``details["inner_bound"]`` and a note naming which side each end comes from (physics.md §4.2)."""
    if options.get("dims") is None or outer.value is None:
        return outer
    inner = bound(functional, sense, options)
    ends = (inner.value, outer.value) if sense == "max" else (outer.value, inner.value)
    bracket, mended = ordered_bracket(*ends, outer.tolerance)
    outer.details["bracket"] = bracket
    outer.details["gap"] = bracket[1] - bracket[0]
    outer.details["inner_bound"] = inner.value
    if mended:
        outer.details["bracket_note"] = mended
    note = (f"bracket [{bracket[0]:.10g}, {bracket[1]:.10g}], gap {bracket[1] - bracket[0]:.1e}: inner side by "
            f"see-saw ({inner.details['note'].removeprefix('inner bound from ')}), outer side by the relaxation")
    previous = outer.details.get("note")
    outer.details["note"] = f"{previous}; {note}" if isinstance(previous, str) else note
    return outer


def bracket_size(outer: Callable[[Scenario, dict[str, Any]], sdp_size.SDPSize | None]
                 ) -> Callable[[Scenario, dict[str, Any]], sdp_size.SDPSize | None]:
    """The size of a bound that may add a see-saw (``dims``): the larger of the outer SDP and the see-saw's
    (the see-saw's alone when the outer one is guarded later, None)."""
    def sized(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize | None:
        own = outer(scenario, options)
        if options.get("dims") is None:
            return own
        inner = size(scenario, options)
        return inner if own is None else max(own, inner, key=lambda s: s.variables)
    return sized


INNER_OPTIONS = (DIMS, RESTARTS, SEED)
"""The options a relaxation's bound takes to become a bracket."""

SET = SetSpec(
    "seesaw", KINDS, doc="realisations of Alice's dimension dims, by see-saw (inner)",
    questions={"bound": Question("bound", bound, (DIMS, RESTARTS, SEED), size=size)})

"""``seesaw``: an inner set — assemblages of explicit realisations with Alice's dimensions ``dims`` (and Bob's
channels where Bob has an input; the joint state with several Bobs), searched by see-saw
(:func:`steerdsl.sdp.seesaw.seesaw`): a bound over it is attained by an explicit realisation, so it is a lower
bound on ``max β_F`` over the quantum set (an upper bound for ``min``), never a proof."""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import seesaw as sdp
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import DIMS, RESTARTS, SEED, Question, SetSpec

KINDS = ("standard", "multipartite", "bell", "bwi", "instrumental", "sequential", "several_bobs")


def size(scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize:
    """The size of the see-saw's SDPs (:func:`steerdsl.sdp.size.seesaw_size`)."""
    return sdp_size.seesaw_size(scenario, options.get("dims"), options.get("restarts", 10))


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """The best value the see-saw finds over realisations of dimension ``dims``."""
    return sdp.seesaw(functional, sense=sense, dims=options.get("dims"), restarts=options.get("restarts", 10),
                      seed=options.get("seed", 0), solver=options.get("solver"))


SET = SetSpec(
    "seesaw", KINDS, doc="realisations of Alice's dimension dims, by see-saw (inner)",
    questions={"bound": Question("bound", bound, (DIMS, RESTARTS, SEED), size=size)})

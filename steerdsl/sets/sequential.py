"""``sequential``: the quantum set of the sequential scenario, which is its whole no-signalling set (physics.md
§3.2, PRL 125, 050404 (2020): GHJW and a Lüders instrument realise every valid sequential assemblage), so a
bound over it is the no-signalling bound (:func:`steerdsl.sdp.sequential.sequential_quantum_bound`) and
membership is the exact check ``check σ : valid``."""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Functional
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.sequential import sequential_quantum_bound
from steerdsl.sets import seesaw
from steerdsl.sets.spec import Question, SetSpec


def bound(functional: Functional, sense: str, options: dict[str, Any]) -> SDPResult:
    """``max`` / ``min`` of ``β_F`` over the quantum (= no-signalling) sequential assemblages; ``dims``: a bracket
    with the see-saw inner bound (:func:`steerdsl.sets.seesaw.with_inner_bound`)."""
    outer = sequential_quantum_bound(functional, sense=sense, solver=options["solver"])
    return seesaw.with_inner_bound(outer, functional, sense, options)


SET = SetSpec("sequential", ("sequential",), doc="quantum sequential assemblages (= no-signalling, by GHJW)",
              questions={"bound": Question("bound", bound, seesaw.INNER_OPTIONS)})

"""The SDP tasks a model can ask for, by name: thin wrappers over the registry of sets.

``solve NAME : TASK`` and ``bound max|min F over SET`` become a question over a set of
:mod:`steerdsl.sets.registry`, which checks the scenario kind and the options and calls the set's module
(which wraps :mod:`steerdsl.sdp`).  Every task returns an :class:`~steerdsl.sdp.result.SDPResult`.

A task word is a question over a set:

- a set's name (``lhs``, ``almost_quantum``, ``npa``, ``bwi``, ``parent_states``, …): its membership;
- ``visibility`` (``against SET``, default ``lhs``): visibility against noise;
- ``robustness`` / ``generalised_robustness``, ``consistent_robustness``, ``steering_weight``: over ``lhs``;
- ``negativity`` / ``steering_negativity``: the negativity bracket over ``npa``.
"""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.scaling import solve_scaled
from steerdsl.sets import registry
from steerdsl.sets.spec import TaskError

__all__ = ["TaskError", "bound_size", "bound_task", "check_task_size", "default_quantum_task",
           "note_no_certificate", "solve_question", "solve_task", "task_size"]

QUESTION_WORDS: dict[str, tuple[str, str]] = {
    "steering_weight": ("weight", "lhs"),
    "robustness": ("robustness", "lhs"),
    "generalised_robustness": ("robustness", "lhs"),
    "consistent_robustness": ("consistent_robustness", "lhs"),
    "negativity": ("negativity", "npa"),
    "steering_negativity": ("negativity", "npa"),
}
"""Task words that name a question (and the set it is asked over) rather than a set."""


def default_quantum_task(sigma: Assemblage | Scenario) -> tuple[str, dict]:
    """The relaxation a bare ``quantum`` test uses for each scenario kind (of σ or of a scenario):
    the kind's hierarchy with :data:`steerdsl.sets.registry.QUANTUM_DEFAULTS`, else ``almost_quantum``."""
    kind = (sigma if isinstance(sigma, Scenario) else sigma.scenario).kind
    if kind in registry.QUANTUM_DEFAULTS:
        return registry.hierarchy_of(kind), dict(registry.QUANTUM_DEFAULTS[kind])
    return "almost_quantum", {}


def solve_question(task: str, options: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """``(question, set, options)`` of the task word ``task`` (see the module docstring)."""
    if task == "visibility":
        rest = {k: v for k, v in options.items() if k != "against"}
        return "visibility", str(options.get("against", "lhs")), rest
    if task in QUESTION_WORDS:
        question, over = QUESTION_WORDS[task]
        return question, over, options
    if task in registry.BY_NAME or task in registry.KIND_NAMES:
        return "membership", task, options
    words = sorted(set(registry.names()) | set(QUESTION_WORDS) | {"visibility"})
    raise TaskError(f"unknown task {task!r}", f"tasks: {', '.join(words)}")


def note_no_certificate(result: Any, options: dict) -> Any:
    """``certify`` on a task without exact certificates: say so instead of ignoring it."""
    if options.get("certify") and getattr(result, "exactness", None) == "numeric" \
            and "certificate_note" not in result.details:
        result.details["certificate_note"] = ("no certificate: exact certificates exist for moment-matrix "
                                              "memberships (npa, almost_quantum) and bounds over them, bounds "
                                              "over the BWI and instrumental hierarchies, and realisations")
    return result


def task_size(scenario: Scenario, task: str, options: dict) -> sdp_size.SDPSize | None:
    """The estimated size of ``solve σ : task`` (None for tasks without a sizeable SDP)."""
    try:
        question, over, options = solve_question(task, options)
    except TaskError:
        return None
    return registry.size(question, over, scenario, options)


def bound_size(scenario: Scenario, over: str, options: dict) -> sdp_size.SDPSize | None:
    """The estimated size of ``bound max|min F over SET`` (the larger of outer SDP and see-saw)."""
    return registry.size("bound", over, scenario, options)


def check_task_size(size: sdp_size.SDPSize | None, options: dict) -> None:
    """Refuse the task (:class:`~steerdsl.sdp.size.SDPTooLarge`) when its estimate is above the limit
    ``options["max_sdp_size"]`` (default :data:`~steerdsl.sdp.size.DEFAULT_MAX_VARIABLES`) or its memory
    above ``options["max_sdp_memory"]`` GiB (default :data:`~steerdsl.sdp.size.DEFAULT_MAX_MEMORY`)."""
    registry.check_size(size, options)


def solve_task(sigma: Assemblage, task: str, options: dict) -> Any:
    """Run ``solve sigma : task [options]`` (refused before it is built when its SDP is too large;
    ``certify``: an exact certificate where one exists, else a note saying there is none)."""
    question, over, options = solve_question(task, options)
    return note_no_certificate(registry.ask(question, over, sigma, options), options)


def bound_task(functional: Functional, sense: str, over: str, options: dict) -> Any:
    """Run ``bound max|min F over SET [options]`` (refused before it is built when too large; solved on
    ``F`` scaled to unit size, :mod:`steerdsl.sdp.scaling`, except with ``certify``: a certificate is
    about ``F`` as written; ``certify``: an exact certificate over relaxations)."""
    registry.lookup("bound", over, functional.scenario.kind, functional)
    if options.get("certify"):
        return note_no_certificate(registry.ask("bound", over, functional, options, sense=sense), options)
    return solve_scaled(functional, lambda f: registry.ask("bound", over, f, options, sense=sense))

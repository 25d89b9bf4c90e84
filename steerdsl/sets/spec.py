"""The shape of a registry entry: a set, the questions it answers and the options each takes.

A *set* is a convex set of assemblages (LHS, a moment level, no-signalling, …) that applies to some
scenario kinds (:attr:`steerdsl.model.scenario.Scenario.kind`).  A *question* is asked over a set:

========================  ================================================  ===============================
question                  what it computes (physics.md)                     function signature
========================  ================================================  ===============================
``membership``            is σ in the set, in robust form (§4.1)            ``run(sigma, options)``
``visibility``            largest v with vσ + (1 − v)N in the set (§5)      ``run(sigma, noise, options)``
``bound``                 max or min of β_F over the set (§3)               ``run(functional, sense, options)``
``robustness``            generalised robustness (§5)                       ``run(sigma, options)``
``consistent_robustness`` robustness with noise of σ's own marginal (§5)    ``run(sigma, options)``
``weight``                steering weight (§5)                              ``run(sigma, options)``
``negativity``            the steering-negativity bracket (§5)              ``run(sigma, options)``
========================  ================================================  ===============================

Every question returns an :class:`~steerdsl.sdp.result.SDPResult`.  The registry
(:mod:`steerdsl.sets.registry`) checks the scenario kind and the options before it calls ``run``, and
fills each option's default, so ``run`` reads ``options["level"]`` without a fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from steerdsl.diagnostics import Refusal

KINDS = ("standard", "multipartite", "bell", "bwi", "instrumental", "sequential", "several_bobs")
"""Every scenario kind, in the order the generated table lists them."""

QUESTIONS = ("membership", "visibility", "bound", "robustness", "consistent_robustness", "weight", "negativity")
"""Every question, in the order the generated table lists them."""

OPTION_UNTAKEN = "E370"
"""Diagnostic code: an option that the set and question do not take."""

KIND_UNSUPPORTED = "E371"
"""Diagnostic code: a set, or a question over it, that does not apply to the scenario kind."""


class TaskError(ValueError):
    """A task that does not apply to this object or scenario; the message says why (reported as E140)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Option:
    """An option a question takes: ``name VALUE`` on a model line, ``options[name]`` in Python."""

    name: str
    type: str
    default: Any = None
    doc: str = ""


SOLVER = Option("solver", "name", None, "the SDP solver (cvxopt, qics, …); default: the installation's choice")
CERTIFY = Option("certify", "flag", False, "an exact certificate of the claim where one exists, else a note")
NOISE = Option("noise", "white | ghz | w | NAME", "white", "the noise N mixed in: a named noise or an assemblage")
DIMS = Option("dims", "int…", None, "Alice's dimensions of a see-saw (inner) bracket")
RESTARTS = Option("restarts", "int", 10, "see-saw restarts")
SEED = Option("seed", "int", 0, "random seed of the see-saw")

COMMON = (SOLVER, CERTIFY)
"""Options every question takes (``certify`` on a question without certificates adds a note saying so)."""

INNER = "inner: realisation"
"""``side`` of a set whose ``member`` verdict proves σ quantum (an explicit realisation)."""
OUTER = "outer: relaxation"
"""``side`` of a set whose ``excluded`` verdict proves σ not quantum (it contains the quantum set)."""
PROVES = {INNER: "member", OUTER: "excluded"}
"""The verdict each side proves; a membership result with it gets ``details["proved_by"] = side``."""

RUNNER_OPTIONS = ("max_sdp_size", "max_sdp_memory", "noise_value", "against", "no_symmetry")
"""Options the runner itself adds (size limits, the resolved noise assemblage, the visibility's set,
``--no-symmetry``);
never reported as untaken."""


@dataclass(frozen=True)
class Question:
    """A question over a set: its function, the options it takes and the kinds where it is defined
    (``None``: the set's kinds).  ``size`` estimates its SDP before it is built (None: no estimate);
    ``outside(kind, subject)`` words the refusal for a kind where it is not defined (default: E371 naming
    the kinds)."""

    name: str
    run: Callable[..., Any]
    options: tuple[Option, ...] = ()
    kinds: tuple[str, ...] | None = None
    size: Callable[[Any, dict], Any] | None = None
    outside: Callable[[str, Any], Refusal | TaskError] | None = None
    doc: str = ""


@dataclass(frozen=True)
class SetSpec:
    """One set of the registry: its name, aliases, the kinds it applies to and its questions; ``side``
    (:data:`INNER`, :data:`OUTER` or ``""``) says which verdict of its membership proves something about the
    quantum set."""

    name: str
    kinds: tuple[str, ...]
    questions: dict[str, Question]
    aliases: tuple[str, ...] = ()
    doc: str = ""
    fixed: dict[str, Any] = field(default_factory=dict)
    side: str = ""

    def question(self, name: str) -> Question | None:
        """The question ``name`` over this set, or None."""
        return self.questions.get(name)

    def kinds_of(self, question: Question) -> tuple[str, ...]:
        """The kinds where ``question`` over this set is defined."""
        return question.kinds if question.kinds is not None else self.kinds

    def options_of(self, question: Question) -> tuple[Option, ...]:
        """Every option ``question`` over this set takes (its own, then :data:`COMMON`)."""
        own = {o.name: o for o in question.options}
        return tuple(own.values()) + tuple(o for o in COMMON if o.name not in own)

"""The registry: every set, by name, and the one dispatch of every question over it.

``ask(question, name, subject, options)`` is the whole path of ``solve σ : SET``, ``solve σ : visibility
against SET``, ``bound max F over SET`` and the robustness questions:

1. look the name up (:func:`resolve`): a set's own name or alias, or a *kind name* — ``quantum``,
   ``almost_quantum``, ``npa``, ``moments`` — which means the moment hierarchy of the subject's scenario kind
   (``npa`` for one Bob without input, ``bwi``, ``instrumental``, ``several_bobs`` QX_k);
2. check that the question is defined over the set, and for the scenario kind (else E371, naming the kinds
   it applies to, or the question's own refusal);
3. check the options (an option it does not take: E370, naming those it takes) and fill in the defaults;
4. refuse an SDP estimated too large before it is built (E182, :mod:`steerdsl.sdp.size`);
5. call the set's function.

Adding a set: write a module in :mod:`steerdsl.sets` that defines a :class:`~steerdsl.sets.spec.SetSpec`
and add it to :data:`SETS` (docs/contributing.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from steerdsl.diagnostics import Refusal, did_you_mean
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import size as sdp_size
from steerdsl.sets import (
    hierarchy,
    lhs,
    nosignalling,
    npa,
    planar,
    ppt_parents,
    pseudo,
    realisation,
    seesaw,
    sequential,
    several_bobs,
)
from steerdsl.sets.spec import (
    KIND_UNSUPPORTED,
    KINDS,
    OPTION_UNTAKEN,
    PROVES,
    QUESTIONS,
    RUNNER_OPTIONS,
    Question,
    SetSpec,
    TaskError,
)

SETS: tuple[SetSpec, ...] = (
    lhs.SET,
    nosignalling.SET,
    npa.SET,
    hierarchy.BWI,
    hierarchy.INSTRUMENTAL,
    several_bobs.PARENT_STATES,
    several_bobs.SEVERAL_BOBS,
    ppt_parents.SET,
    sequential.SET,
    seesaw.SET,
    realisation.SET,
    pseudo.SET,
    planar.SET,
)
"""Every set, one line each."""

BY_NAME: dict[str, SetSpec] = {name: spec for spec in SETS for name in (spec.name, *spec.aliases)}

HIERARCHY: dict[str, str] = {"bwi": "bwi", "instrumental": "instrumental", "several_bobs": "several_bobs",
                             "sequential": "sequential"}
"""The moment hierarchy of each kind (kinds not listed: ``npa``, one Bob without input)."""

QUANTUM_DEFAULTS: dict[str, dict[str, str]] = {"bwi": {"level": "2"}, "instrumental": {"level": "1"},
                                               "several_bobs": {}, "sequential": {}}
"""The options of ``quantum`` — the default relaxation of each kind — on the kind's hierarchy (others:
``almost_quantum``, level ``1+AB``)."""


@dataclass(frozen=True)
class KindName:
    """A name that means a different set in each scenario kind: ``set_of(kind)`` gives the set's name,
    ``defaults(kind)`` options the line may override, ``fixed`` options it may not."""

    name: str
    doc: str
    defaults: Callable[[str], dict[str, Any]]
    fixed: dict[str, Any]


def hierarchy_of(kind: str) -> str:
    """The name of the moment hierarchy of ``kind``."""
    return HIERARCHY.get(kind, "npa")


KIND_NAMES: dict[str, KindName] = {
    "quantum": KindName("quantum", "the default relaxation of the kind",
                        lambda kind: QUANTUM_DEFAULTS.get(kind, {"level": "1+AB"}), {}),
    "almost_quantum": KindName("almost_quantum", "level 1+AB of the kind's hierarchy", lambda kind: {},
                               {"level": "1+AB"}),
    "npa": KindName("npa", "the kind's moment hierarchy", lambda kind: {}, {}),
    "moments": KindName("moments", "the kind's moment hierarchy", lambda kind: {}, {}),
}


@dataclass(frozen=True)
class Resolved:
    """A name resolved for one kind: the set, the options it fixes and those it defaults, and the label
    messages use (``quantum (bwi)``)."""

    spec: SetSpec
    fixed: dict[str, Any]
    defaults: dict[str, Any]
    label: str


def names() -> list[str]:
    """Every name a line may use for a set."""
    return sorted(set(BY_NAME) | set(KIND_NAMES))


def resolve(name: str, kind: str) -> Resolved:
    """The set ``name`` means in a scenario of ``kind`` (unknown names: :class:`TaskError`, E140)."""
    if name in KIND_NAMES:
        entry = KIND_NAMES[name]
        spec = BY_NAME[hierarchy_of(kind)]
        label = name if name == spec.name else f"{name} ({spec.name})"
        return Resolved(spec, dict(entry.fixed), entry.defaults(kind), label)
    if name in BY_NAME:
        return Resolved(BY_NAME[name], {}, {}, name)
    near = did_you_mean(name, names())
    raise TaskError(f"unknown set {name!r}", f'did you mean "{near}"?' if near else f"sets: {', '.join(names())}")


def _refuse_kind(resolved: Resolved, question: Question, kind: str, subject: Any) -> Exception:
    if question.outside is not None:
        return question.outside(kind, subject)
    kinds = resolved.spec.kinds_of(question)
    why = f" ({question.doc})" if question.doc else ""
    return Refusal(KIND_UNSUPPORTED, f"{question.name} over {resolved.label} is not defined for a {kind} "
                   f"scenario{why}", f"it applies to: {', '.join(kinds)}")


def prepare(resolved: Resolved, question: Question, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` checked against those the question over the set takes (E370) and completed with the
    defaults: the options' own, then the name's (``quantum`` in BWI: level 2), then the fixed ones."""
    spec = resolved.spec
    takes = {o.name: o for o in spec.options_of(question)}
    for key in options:
        if key in RUNNER_OPTIONS:
            continue
        if key in resolved.fixed:
            raise Refusal(OPTION_UNTAKEN, f"{resolved.label} fixes {key} {resolved.fixed[key]}; it takes no "
                          f"option {key!r}", f"ask over {spec.name} {key} … instead")
        if key not in takes:
            accepted = ", ".join(takes)
            raise Refusal(OPTION_UNTAKEN, f"{question.name} over {resolved.label} takes no option {key!r}",
                          f"options it takes: {accepted}")
    return {**{k: o.default for k, o in takes.items()}, **resolved.defaults, **options, **resolved.fixed}


def lookup(question: str, name: str, kind: str, subject: Any = None) -> tuple[Resolved, Question]:
    """The set and question a line asks for, with the kind checked (E371 / the question's own refusal)."""
    resolved = resolve(name, kind)
    return resolved, checked(resolved, question, kind, subject)


def checked(resolved: Resolved, question: str, kind: str, subject: Any = None) -> Question:
    """The question over ``resolved``'s set, if it is defined there for ``kind`` (else E371 or the question's
    own refusal)."""
    q = resolved.spec.question(question)
    if q is None:
        over = ", ".join(resolved.spec.questions)
        raise Refusal(KIND_UNSUPPORTED, f"{question} is not defined over {resolved.label}",
                      f"over {resolved.spec.name}: {over}")
    if kind not in resolved.spec.kinds_of(q):
        raise _refuse_kind(resolved, q, kind, subject)
    return q


def validate(question: str, name: str, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` checked (E370) and completed for ``question`` over ``name`` in ``kind``, without asking it
    (a behaviour's local polytope takes the options of ``lhs`` membership)."""
    resolved, q = lookup(question, name, kind)
    return prepare(resolved, q, options)


def size(question: str, name: str, scenario: Scenario, options: dict[str, Any]) -> sdp_size.SDPSize | None:
    """The estimated size of the question's SDP (None: no estimate, or the question is refused)."""
    try:
        resolved, q = lookup(question, name, scenario.kind)
        options = prepare(resolved, q, options)
    except ValueError:
        return None
    return q.size(scenario, options) if q.size is not None else None


def check_size(size: sdp_size.SDPSize | None, options: dict[str, Any]) -> None:
    """Refuse (:class:`~steerdsl.sdp.size.SDPTooLarge`, E182) an estimate above ``options["max_sdp_size"]``
    real variables or ``options["max_sdp_memory"]`` GiB (defaults in :mod:`steerdsl.sdp.size`), its memory
    estimated for ``options["solver"]`` when one is asked for."""
    if size is not None:
        sdp_size.check_size(size, options.get("max_sdp_size"), options.get("max_sdp_memory"), options.get("solver"))


def ask(question: str, name: str, subject: Any, options: dict[str, Any], sense: str | None = None) -> Any:
    """Answer ``question`` over the set ``name`` for ``subject`` (an assemblage; a functional for ``bound``,
    with ``sense`` ``max`` or ``min``), through the steps of the module docstring."""
    return answer(resolve(name, subject.scenario.kind), question, subject, options, sense)


def answer(resolved: Resolved, question: str, subject: Any, options: dict[str, Any], sense: str | None = None) -> Any:
    """:func:`ask` over a set already resolved (steps 2–5)."""
    if question not in QUESTIONS:
        raise TaskError(f"unknown question {question!r}", f"questions: {', '.join(QUESTIONS)}")
    scenario = subject.scenario
    q = checked(resolved, question, scenario.kind, subject)
    options = prepare(resolved, q, options)
    if q.size is not None:
        check_size(q.size(scenario, options), options)
    if question == "bound":
        return q.run(subject, sense, options)
    if question == "visibility":
        noise = options["noise_value"] if options.get("noise_value") is not None else options["noise"]
        return q.run(subject, noise, options)
    return proved_by(resolved.spec, q.run(subject, options))


def proved_by(spec: SetSpec, result: Any) -> Any:
    """``result.details["proved_by"] = spec.side`` when its verdict is the one that side proves (a
    realisation's ``member``, a relaxation's ``excluded``: :data:`~steerdsl.sets.spec.PROVES`)."""
    if spec.side and getattr(result, "verdict", None) == PROVES[spec.side]:
        result.details["proved_by"] = spec.side
    return result


def own(spec: SetSpec) -> Resolved:
    """``spec`` under its own name, with no kind name's defaults (the registry walk of the tests)."""
    return Resolved(spec, {}, {}, spec.name)


def table() -> list[tuple[str, str, str, str]]:
    """Every (kind, set, question, options) the registry answers, in the order of :data:`KINDS`,
    :data:`SETS` and :data:`QUESTIONS`."""
    rows = []
    for kind in KINDS:
        for spec in SETS:
            for question in QUESTIONS:
                q = spec.question(question)
                if q is not None and kind in spec.kinds_of(q):
                    rows.append((kind, spec.name, question, ", ".join(o.name for o in spec.options_of(q))))
    return rows


def markdown() -> str:
    """The generated page docs/sets.md: the (kind × set × question) table and the kind names."""
    lines = ["# Sets, questions and scenario kinds", "",
             "Generated from the registry (`steerdsl/sets/registry.py`) by `python docs/_hooks/generated_pages.py`; "
             "do not edit by hand.  What each number means — value, verdict, margin, bracket — is on "
             "[Tolerance and verdicts](tolerance.md); how to add a set is on [Contributing](contributing.md).", "",
             "## Sets", "", "| set | aliases | kinds | questions |", "| --- | --- | --- | --- |"]
    for spec in SETS:
        aliases = ", ".join(f"`{a}`" for a in spec.aliases) or "—"
        lines.append(f"| `{spec.name}` — {spec.doc} | {aliases} | {', '.join(spec.kinds)} | "
                     f"{', '.join(spec.questions)} |")
    lines += ["", "## Names that depend on the kind", "",
              "| name | means | standard, multipartite, bell | bwi | instrumental | several_bobs | sequential |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for entry in KIND_NAMES.values():
        cells = []
        for kind in ("standard", "bwi", "instrumental", "several_bobs", "sequential"):
            spec = BY_NAME[hierarchy_of(kind)]
            opts = {**entry.defaults(kind), **entry.fixed}
            text = f"`{spec.name}" + "".join(f" {k} {v}" for k, v in opts.items()) + "`"
            cells.append(text if kind in spec.kinds else "refused (E371)")
        lines.append(f"| `{entry.name}` | {entry.doc} | " + " | ".join(cells) + " |")
    lines += ["", "## Questions by kind", "",
              "✓: answered; —: refused with a code (E371, or the code the set's module names, "
              "such as E302 or E140); an option a row does not list is refused with E370.  "
              "Questions: `membership` is `solve σ : SET`; `visibility` is `solve σ : visibility against SET "
              "[noise N]`; `bound` is `bound max|min F over SET`; `robustness`, `consistent_robustness` and "
              "`weight` are `solve σ : robustness | consistent_robustness | steering_weight` (over `lhs`); "
              "`negativity` is `solve σ : negativity`.", "",
              "| set | question | options | " + " | ".join(KINDS) + " |",
              "| --- | --- | --- | " + " | ".join("---" for _ in KINDS) + " |"]
    for spec in SETS:
        for question in QUESTIONS:
            q = spec.question(question)
            if q is None:
                continue
            opts = ", ".join(o.name for o in spec.options_of(q))
            marks = " | ".join("✓" if kind in spec.kinds_of(q) else "—" for kind in KINDS)
            lines.append(f"| `{spec.name}` | {question} | {opts} | {marks} |")
    return "\n".join(lines) + "\n"

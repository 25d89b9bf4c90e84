"""Build and validate a :class:`Scenario` from its declaration."""

from __future__ import annotations

from steerdsl.diagnostics import did_you_mean, error
from steerdsl.limits import TooLarge, check_count, check_entries
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.syntax import ast

BELL_BOB = "_"
"""Name of the implicit dimension-1 Bob of a Bell scenario (no Bob declared)."""


def build_scenario(decl: ast.ScenarioDecl) -> Scenario:
    """Check a ``scenario { … }`` block and turn it into a :class:`Scenario`."""
    seen: dict[str, object] = {}
    alices = []
    for al in decl.alices:
        if al.name in seen:
            raise error("E120", f"party {al.name!r} is declared twice", al.span, "give each party its own name")
        seen[al.name] = al
        if al.inputs is None:
            raise error("E120", f"alice {al.name} has no inputs", al.span, "add 'inputs m'")
        if al.outputs is None:
            raise error("E120", f"alice {al.name} has no outputs", al.span, "add 'outputs k'")
        if al.inputs < 1:
            raise error("E120", f"alice {al.name} needs at least one input", al.span)
        _check_counts(al.span, (f"alice {al.name}'s inputs", al.inputs), (f"alice {al.name}'s rounds", al.rounds),
                      *((f"alice {al.name}'s outputs", k) for k in al.outputs))
        outputs = al.outputs * al.inputs if len(al.outputs) == 1 else al.outputs
        if len(outputs) != al.inputs:
            raise error("E120", f"alice {al.name} has {al.inputs} inputs but {len(outputs)} output counts",
                        al.span, "give one output count per input, or a single count for all")
        if any(k < 1 for k in outputs):
            raise error("E120", f"alice {al.name} needs at least one output per input", al.span)
        if al.rounds < 1:
            raise error("E120", f"alice {al.name}: rounds must be at least 1", al.span)
        alices.append(Alice(al.name, al.inputs, tuple(outputs), al.rounds))
    bobs = []
    alice_names = [a.name for a in alices]
    for b in decl.bobs:
        if b.name in seen:
            raise error("E120", f"party {b.name!r} is declared twice", b.span, "give each party its own name")
        seen[b.name] = b
        if b.dim is None:
            raise error("E120", f"bob {b.name} has no dimension", b.span, "add 'dim d'")
        if b.dim < 1:
            raise error("E120", f"bob {b.name}: the dimension must be at least 1", b.span)
        _check_counts(b.span, (f"bob {b.name}'s dimension", b.dim), (f"bob {b.name}'s inputs", b.inputs or 0))
        if b.input_from is not None:
            if b.input_from not in alice_names:
                near = did_you_mean(b.input_from, alice_names)
                raise error("E123", f"unknown alice {b.input_from!r}", b.input_from_span,
                            f'did you mean "{near}"?' if near else f"declared alices: {', '.join(alice_names)}")
            if b.inputs:
                raise error("E120", f"bob {b.name} cannot have both inputs and an input fixed by an outcome",
                            b.span)
        bobs.append(Bob(b.name, b.dim, b.inputs, b.input_from))
    if not alices:
        raise error("E120", "the scenario has no alice", decl.span, "declare at least one uncharacterised party")
    if not bobs:
        bobs.append(Bob(BELL_BOB, 1))
    if len(bobs) > 1 and any(b.inputs or b.input_from for b in bobs):
        raise error("E120", "several Bobs with inputs are not supported", decl.span)
    if any(b.input_from for b in bobs) and (len(alices) != 1 or alices[0].rounds != 1):
        raise error("E120", "the instrumental scenario has exactly one alice measured once", decl.span)
    scenario = Scenario(tuple(alices), tuple(bobs))
    try:
        check_entries("an assemblage of this scenario", (scenario.element_count(), scenario.dim, scenario.dim))
    except TooLarge as exc:
        raise error("E181", str(exc), decl.span, "use fewer inputs, outputs or parties, or smaller Bobs") from None
    return scenario


def _check_counts(span, *counts: tuple[str, int]) -> None:
    for what, n in counts:
        try:
            check_count(what, n)
        except TooLarge as exc:
            raise error("E181", str(exc), span, "use fewer inputs, outputs or a smaller dimension") from None

"""The no-signalling structure of each scenario kind, declared once (physics.md §2).

Every kind with a finite no-signalling characterisation is a family of *copies*
of one Bob-without-input assemblage over the same Alices (the ``base``
scenario): one copy per Bob input ``y`` (Bob with input), one per Bob (several
Bobs), one per Bob input ``y = a`` (instrumental), or a single copy (one Bob).
The linear relations are then the same for every kind:

* within a copy, for every Alice ``j``: ``Σ_{a_j} σ_{a|x}`` does not depend on ``x_j``;
* within a copy, ``tr Σ_a σ_{a|x} = 1``;
* across copies, ``tr σ_{a|x}`` is the same in every copy (BWI: Bob cannot
  signal to Alice; several Bobs: every Bob sees the same ``p(a|x)``).

Instrumental assemblages observe only the copy ``y = a`` of each element
(``observed`` is False): being the post-selection of a no-signalling BWI
assemblage is not a finite set of identities on the observed data, so an exact
check cannot decide it without a certificate ω (PRL 2020 Def. 6), and the
no-signalling SDP keeps the unobserved copies as variables.

Sequential scenarios (later rounds may depend on earlier inputs) and several
Bobs with inputs are not declared here: :func:`structure` refuses them with E302.
"""

from __future__ import annotations

from dataclasses import dataclass

from steerdsl.diagnostics import Refusal
from steerdsl.model.scenario import Alice, Bob, Key, Scenario


@dataclass(frozen=True)
class Copy:
    """One copy of the base assemblage: its label (``y=0``, ``bob B1``, …) and Bob's dimension in it."""

    label: str
    dim: int


@dataclass(frozen=True)
class Location:
    """Where (part ``part`` of) a scenario element lives: copy ``copy``, key ``key`` of the base scenario.
    ``part`` is the Bob's index in a several-Bobs element (a tuple), else None."""

    copy: int
    key: Key
    part: int | None = None


@dataclass(frozen=True)
class NoSignallingStructure:
    """A scenario kind's no-signalling structure: ``copies`` of an assemblage over ``base``, with shared
    traces across copies; ``observed`` is False when the data holds only part of the copies."""

    kind: str
    base: Scenario
    copies: tuple[Copy, ...]
    observed: bool = True

    def locate(self, scenario: Scenario, key: Key) -> list[Location]:
        """The copies (and base keys) holding the scenario element ``key``."""
        a, x, y = key
        base_key = (a, x, ())
        if self.kind == "several_bobs":
            return [Location(k, base_key, k) for k in range(len(self.copies))]
        if self.kind == "bwi":
            return [Location(list(scenario.bob_input_tuples()).index(tuple(y)), base_key)]
        if self.kind == "instrumental":
            return [Location(a[_input_slot(scenario)], base_key)]
        return [Location(0, base_key)]


def _input_slot(scenario: Scenario) -> int:
    """The slot whose outcome is the instrumental Bob's input."""
    name = scenario.bobs[0].input_from
    return next(j for j, s in enumerate(scenario.slots) if s.alice == name and s.round == 0)


def structure(scenario: Scenario) -> NoSignallingStructure:
    """The no-signalling structure of ``scenario``'s kind (see the module docstring)."""
    kind = scenario.kind
    if kind == "sequential":
        raise Refusal("E302", "the no-signalling set of the sequential scenario is not declared (a later round "
                      "may depend on earlier inputs)", "bound over lhs instead")
    if kind == "several_bobs" and any(b.inputs or b.input_from for b in scenario.bobs):
        raise Refusal("E302", "the no-signalling set of several Bobs with inputs is not declared",
                      "give the Bobs no inputs, or use one Bob with input")
    base = Scenario(tuple(Alice(a.name, a.inputs, a.outputs) for a in scenario.alices),
                    (Bob(scenario.bobs[0].name, scenario.bobs[0].dim),))
    if kind == "several_bobs":
        copies = tuple(Copy(f"bob {b.name}", b.dim) for b in scenario.bobs)
    elif kind == "bwi":
        copies = tuple(Copy("y=" + ",".join(map(str, y)), scenario.dim) for y in scenario.bob_input_tuples())
    elif kind == "instrumental":
        outcomes = max(scenario.slots[_input_slot(scenario)].outputs)
        copies = tuple(Copy(f"y={y}", scenario.dim) for y in range(outcomes))
        return NoSignallingStructure(kind, base, copies, observed=False)
    else:
        copies = (Copy("", scenario.dim),)
    return NoSignallingStructure(kind, base, copies)

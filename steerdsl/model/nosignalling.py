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

The sequential scenario (an Alice measured in rounds, physics.md §2) is one
copy whose relations are not the Collins–Gisin ones: a later round's
measurement may depend on the earlier inputs (and outcomes), so only
``Σ_{a_j and later rounds} σ_{a|x}`` is independent of ``x_j``
(:func:`signalling_groups`).  Its structure is ``elementwise``: the relations
are :func:`element_relations`, a matrix on the full elements, from which both
the exact check and the no-signalling SDP are built.

Several Bobs with inputs, and rounds together with Bob inputs or several Bobs,
are not declared here: :func:`structure` refuses them with E302.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    traces across copies; ``observed`` is False when the data holds only part of the copies; ``elementwise`` is
    True when the relations are :func:`element_relations` on the full elements of ``base`` (sequential) rather
    than the Collins–Gisin parametrisation of each copy."""

    kind: str
    base: Scenario
    copies: tuple[Copy, ...]
    observed: bool = True
    elementwise: bool = False

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


def signalling_groups(scenario: Scenario) -> list[tuple[int, ...]]:
    """For each slot ``j``: ``j`` and the later rounds of the same Alice.  The no-signalling relations
    (physics.md §2) say that ``Σ_{a_k, k ∈ group(j)} σ_{a|x}`` does not depend on ``x_j`` (all other outcomes
    and inputs fixed): with one round per Alice ``group(j) = (j,)``; a sequential Alice's later rounds may depend
    on ``x_j`` (through the assemblage's index ``x``), so they are summed along, e.g.
    ``Σ_{a2} σ_{a1a2|x1x2}`` is independent of ``x2`` and ``Σ_{a1a2} σ_{a1a2|x1x2}`` of ``x1``."""
    slots = scenario.slots
    return [tuple(k for k in range(j, len(slots)) if slots[k].alice == s.alice and slots[k].round >= s.round)
            for j, s in enumerate(slots)]


def signalling_contexts(scenario: Scenario, keys: list[Key]) -> list[tuple[int, dict[int, list[int]]]]:
    """The no-signalling relations on the full elements ``keys``, by slot and context: for every slot ``j`` and
    every context (the outcomes outside ``group(j)``, the inputs other than ``x_j``, Bob's input) the positions in
    ``keys`` of the elements summed for each value of ``x_j`` (:func:`signalling_groups`); the sums must agree."""
    out = []
    for j, group in enumerate(signalling_groups(scenario)):
        by_context: dict = {}
        for i, (a, x, y) in enumerate(keys):
            ctx = (tuple(v for k, v in enumerate(a) if k not in group), tuple(v for k, v in enumerate(x) if k != j), y)
            by_context.setdefault(ctx, {}).setdefault(x[j], []).append(i)
        out.extend((j, sums) for sums in by_context.values())
    return out


def element_relations(scenario: Scenario) -> tuple[list[Key], np.ndarray]:
    """The full keys of ``scenario`` and the matrix ``C`` of its no-signalling relations, ``Σ_k C[r, k] σ_k = 0``
    for every row r: for every slot j and context of :func:`signalling_contexts`, the sum at each input
    ``x_j`` minus the sum at the first.  (Redundant rows are kept: a consumer takes the null space.)"""
    keys = list(scenario.keys())
    rows = []
    for _, sums in signalling_contexts(scenario, keys):
        inputs = sorted(sums)
        for v in inputs[1:]:
            row = np.zeros(len(keys))
            row[sums[v]] += 1
            row[sums[inputs[0]]] -= 1
            rows.append(row)
    return keys, np.array(rows).reshape(len(rows), len(keys))


def structure(scenario: Scenario) -> NoSignallingStructure:
    """The no-signalling structure of ``scenario``'s kind (see the module docstring)."""
    kind = scenario.kind
    if any(a.rounds > 1 for a in scenario.alices) and kind != "sequential":
        raise Refusal("E302", f"the no-signalling set of a {kind} scenario with an Alice measured in rounds is not "
                      "declared", "give the Alices one round, or use one Bob without input")
    if kind == "sequential":
        return NoSignallingStructure(kind, scenario, (Copy("", scenario.dim),), elementwise=True)
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

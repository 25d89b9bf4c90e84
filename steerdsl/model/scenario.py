"""Steering scenarios: who is characterised, who is not, who has inputs.

Conventions follow physics.md §1: uncharacterised parties are *Alices*
(inputs ``x_j``, outcomes ``a_j``; labels from 0), characterised parties are
*Bobs* (Hilbert dimension ``d_k``; optionally an input ``y``, or an input fixed
to an Alice's outcome in the instrumental scenario).  An Alice measured
several times in sequence contributes one *slot* per round; every index tuple
in an assemblage runs over slots in declaration order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from math import prod

Outcomes = tuple[int, ...]
Inputs = tuple[int, ...]
BobInputs = tuple[int, ...]
Key = tuple[Outcomes, Inputs, BobInputs]
"""Index of one assemblage element: ``(a, x, y)`` with one entry of ``a`` and
``x`` per Alice slot and one entry of ``y`` per Bob with an input.  In
marginal (Collins–Gisin) keys an entry of ``a``/``x`` may be ``None``: that
slot is not measured."""


@dataclass(frozen=True)
class Alice:
    """An uncharacterised party: ``inputs`` settings, ``outputs[x]`` outcomes
    for setting ``x``; ``rounds > 1`` makes a sequential party (PRL 2020).
    ``Alice("A", 2, 2)`` (one outcome count for every setting, as the language
    writes ``alice A : inputs 2, outputs 2``) is ``Alice("A", 2, (2, 2))``."""

    name: str
    inputs: int
    outputs: tuple[int, ...]
    rounds: int = 1

    def __post_init__(self) -> None:
        outputs = (self.outputs,) * self.inputs if isinstance(self.outputs, int) else tuple(self.outputs)
        if len(outputs) != self.inputs or self.inputs < 1 or min(outputs) < 1 or self.rounds < 1:
            raise ValueError(f"alice {self.name}: {self.inputs} inputs need one outcome count (≥ 1) each, "
                             f"got outputs {self.outputs!r} (rounds {self.rounds})")
        object.__setattr__(self, "outputs", outputs)


@dataclass(frozen=True)
class Bob:
    """A characterised party of Hilbert dimension ``dim``.

    ``inputs > 0`` is a Bob with input (BWI, PRL 2020); ``input_from`` names
    the Alice whose outcome is Bob's input (instrumental scenario).  A Bob of
    dimension 1 makes the scenario a Bell scenario."""

    name: str
    dim: int
    inputs: int = 0
    input_from: str | None = None


@dataclass(frozen=True)
class Slot:
    """One measurement of one Alice (one round of a sequential party)."""

    alice: str
    round: int
    inputs: int
    outputs: tuple[int, ...]

    @property
    def label(self) -> str:
        return self.alice if self.round == 0 else f"{self.alice}#{self.round + 1}"


@dataclass(frozen=True)
class Scenario:
    """A steering scenario (physics.md §1): Alices and Bobs in order."""

    alices: tuple[Alice, ...]
    bobs: tuple[Bob, ...]

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        """Every measurement of every Alice in order (an Alice's rounds consecutive); computed once (the
        symmetry code asks for it millions of times)."""
        return tuple(
            Slot(al.name, r, al.inputs, al.outputs) for al in self.alices for r in range(al.rounds)
        )

    @property
    def kind(self) -> str:
        """One of ``bell``, ``standard``, ``multipartite``, ``bwi``,
        ``instrumental``, ``sequential``, ``several_bobs``."""
        if len(self.bobs) > 1:
            return "several_bobs"
        bob = self.bobs[0]
        if bob.input_from is not None:
            return "instrumental"
        if bob.inputs:
            return "bwi"
        if any(al.rounds > 1 for al in self.alices):
            return "sequential"
        if bob.dim == 1:
            return "bell"
        return "standard" if len(self.alices) == 1 else "multipartite"

    @property
    def bob_dims(self) -> tuple[int, ...]:
        return tuple(b.dim for b in self.bobs)

    @property
    def dim(self) -> int:
        """Dimension of the Bobs' joint space (the single Bob's dimension)."""
        return prod(self.bob_dims)

    @property
    def bob_inputs(self) -> tuple[int, ...]:
        """Input counts of the Bobs that choose an input freely (BWI)."""
        return tuple(b.inputs for b in self.bobs if b.inputs)

    def element_count(self) -> int:
        """The number of keys ``(a, x, y)``, counted without listing them:
        ``Π_y m_y · Π_slots Σ_x k_x``."""
        return prod(self.bob_inputs) * prod(sum(s.outputs) for s in self.slots)

    def strategy_count(self) -> int:
        """The number of deterministic strategies, counted without listing them (the length of
        :meth:`deterministic_strategies`): ``Π_slots Π_histories k``, i.e. ``Π_j k_j^{m_j}``
        for one round per party."""
        count = 1
        for idx, s in enumerate(self.slots):
            earlier = prod(self.slots[idx - s.round + r].inputs for r in range(s.round))
            count *= prod(s.outputs) ** earlier
        return count

    def input_tuples(self) -> Iterator[Inputs]:
        """All ``x = (x_1, …)`` over slots."""
        return itertools.product(*(range(s.inputs) for s in self.slots))

    def output_tuples(self, x: Inputs) -> Iterator[Outcomes]:
        """All ``a = (a_1, …)`` compatible with inputs ``x``."""
        return itertools.product(*(range(s.outputs[xi]) for s, xi in zip(self.slots, x)))

    def bob_input_tuples(self) -> Iterator[BobInputs]:
        return itertools.product(*(range(m) for m in self.bob_inputs))

    def keys(self) -> Iterator[Key]:
        """Every full key ``(a, x, y)`` in canonical order: y, then x, then a."""
        for y in self.bob_input_tuples():
            for x in self.input_tuples():
                for a in self.output_tuples(x):
                    yield (a, x, y)

    def deterministic_strategies(self) -> list[dict[tuple[int, Inputs], int]]:
        """Every deterministic response function ``D(a|x, λ)`` of the Alices, as a list
        (:meth:`strategy_count` of them: check it before materialising)."""
        return list(self.iter_deterministic_strategies())

    def iter_deterministic_strategies(self) -> Iterator[dict[tuple[int, Inputs], int]]:
        """Every deterministic response function ``D(a|x, λ)`` of the Alices, one at a time.

        A strategy maps ``(slot, inputs seen so far by that party) -> outcome``;
        sequential rounds may depend on the party's earlier inputs (their
        earlier outcomes are themselves functions of those inputs).  Count:
        ``Π_j k_j^{m_j}`` for one round per party (physics.md §3.1)."""
        choices: list[list[tuple[tuple[int, Inputs], int]]] = []
        slots = self.slots
        for idx, s in enumerate(slots):
            first = idx - s.round
            histories = itertools.product(*(range(slots[first + r].inputs) for r in range(s.round + 1)))
            for hist in histories:
                choices.append([((idx, hist), o) for o in range(s.outputs[hist[-1]])])
        return (dict(c) for c in itertools.product(*choices))

    def strategy_outcomes(self, strategy: dict[tuple[int, Inputs], int], x: Inputs) -> Outcomes:
        """The outcomes ``a`` that a deterministic strategy gives on inputs ``x``."""
        out = []
        for idx, s in enumerate(self.slots):
            first = idx - s.round
            out.append(strategy[(idx, tuple(x[first : idx + 1]))])
        return tuple(out)

    def declarations(self) -> list[str]:
        """One line per party in the language's syntax (``alice A : inputs 2, outputs 2``, ``bob B : dim 2``)."""
        lines = []
        for al in self.alices:
            outs = al.outputs[0] if len(set(al.outputs)) == 1 else list(al.outputs)
            seq = f", rounds {al.rounds}" if al.rounds > 1 else ""
            lines.append(f"alice {al.name} : inputs {al.inputs}, outputs {outs}{seq}")
        for b in self.bobs:
            extra = f", inputs {b.inputs}" if b.inputs else ""
            extra += f", input = outcome of {b.input_from}" if b.input_from else ""
            lines.append(f"bob {b.name} : dim {b.dim}{extra}")
        return lines

    def describe(self) -> str:
        parts = [line.replace(" : ", ": ", 1) for line in self.declarations()]
        return f"{self.kind} scenario (" + "; ".join(parts) + ")"

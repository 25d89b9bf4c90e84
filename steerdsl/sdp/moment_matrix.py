"""The moment matrix Γ as one picos expression, built without equality constraints.

``Γ(u, v) = tr_A[(u†v ⊗ I_B) ρ]`` for words ``u, v`` of a level (physics.md
§4).  Entries whose reduced word ``u†v`` is zero are 0; entries with equal
words share one d×d variable (Hermitian when the word is self-adjoint; the
adjoint word reuses it daggered); entries whose word has at most one letter
per party are assemblage data and are substituted as blocks supplied by the
caller (constants, or affine expressions in a robustness parameter) — never
pinned by equalities, which made cvxopt fail with "Rank(A) < p" and slowed
every solver (measured: 32 s vs 7 s on a d = 4 almost-quantum problem).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import picos

from steerdsl.model.scenario import Key, Scenario
from steerdsl.sdp.npa_words import Word, adjoint, almost_quantum_words, is_data_word, product


@dataclass
class MomentMatrix:
    """Γ over ``words`` with d×d blocks; ``positions[w]`` lists the entries ``(u, v)`` labelled ``w``."""

    words: list[Word]
    dim: int
    expression: object
    variables: dict[Word, object] = field(default_factory=dict)
    positions: dict[Word, list[tuple[int, int, bool]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.words) * self.dim


def build(words: list[Word], dim: int, data: Callable[[Word], object | None], real: bool,
          name: str = "X") -> MomentMatrix:
    """Assemble Γ: ``data(w)`` returns the block for a data word (or None to make it a variable).

    ``positions[w]`` records, for every word, the entries ``(i, j, daggered)`` where it appears
    (``daggered``: the entry holds the adjoint of ``w``'s block), so duals can be read back."""
    n = len(words)
    zero = picos.Constant(np.zeros((dim, dim)))
    blocks: list[list[object]] = [[zero] * n for _ in range(n)]
    variables: dict[Word, object] = {}
    data_blocks: dict[Word, object] = {}
    positions: dict[Word, list[tuple[int, int, bool]]] = {}
    counter = itertools.count()
    for i, u in enumerate(words):
        for j in range(i, n):
            w = product(u, words[j])
            if w is None:
                continue
            wd = adjoint(w)
            rep = min(w, wd)
            daggered = w != rep
            positions.setdefault(rep, []).append((i, j, daggered))
            if rep not in data_blocks and rep not in variables:
                block = data(rep) if is_data_word(rep) else None
                if block is not None:
                    data_blocks[rep] = block
                elif rep == adjoint(rep):
                    variables[rep] = (picos.SymmetricVariable if real else picos.HermitianVariable)(
                        f"{name}{next(counter)}", dim)
                else:
                    variables[rep] = (picos.RealVariable if real else picos.ComplexVariable)(
                        f"{name}{next(counter)}", (dim, dim))
            block = data_blocks.get(rep, variables.get(rep))
            entry = (block.T if real else block.H) if daggered else block
            blocks[i][j] = entry
            if i != j:
                blocks[j][i] = entry.T if real else entry.H
    gamma = picos.block(blocks)
    return MomentMatrix(words, dim, gamma, variables, positions)


def dual_blocks(mm: MomentMatrix, dual: np.ndarray) -> dict[Word, np.ndarray]:
    """For each word ``w``: ``G_w`` with ``tr(Z Γ) = Σ_w tr(G_w Γ_w) + (variable terms)``.

    ``dual`` is the LMI's dual matrix ``Z`` (``tr(ZΓ)`` is the Lagrangian term); an entry
    ``(i, j)`` holding ``Γ_w`` contributes ``Z[j, i]`` and its mirror ``(j, i)`` holding ``Γ_w†``
    contributes ``Z[i, j]†``."""
    d = mm.dim
    out: dict[Word, np.ndarray] = {}
    for w, entries in mm.positions.items():
        total = np.zeros((d, d), dtype=complex)
        for i, j, daggered in entries:
            zji = dual[j * d:(j + 1) * d, i * d:(i + 1) * d]
            zij = dual[i * d:(i + 1) * d, j * d:(j + 1) * d]
            contrib = zji if i == j else zji + zij.conj().T
            total += contrib.conj().T if daggered else contrib
        out[w] = total
    return out


def word_key(scenario: Scenario, w: Word) -> Key:
    """The marginal key ``(a, x, ())`` of a data word (``None`` for unmeasured slots)."""
    a: list[int | None] = [None] * len(scenario.slots)
    x: list[int | None] = [None] * len(scenario.slots)
    for j, xj, aj in w:
        a[j], x[j] = aj, xj
    return tuple(a), tuple(x), ()


def cg_expansion(scenario: Scenario, key: Key) -> list[tuple[int, Word]]:
    """``σ_key = Σ ± σ_w`` over Collins–Gisin data words: every slot holding its last outcome is
    replaced by (marginal without it) − Σ_{a < k−1} (inclusion–exclusion)."""
    a, x, _ = key
    slots = scenario.slots
    fixed = [(j, x[j], a[j]) for j in range(len(slots)) if a[j] is not None and a[j] < slots[j].outputs[x[j]] - 1]
    last = [j for j in range(len(slots)) if a[j] is not None and a[j] == slots[j].outputs[x[j]] - 1]
    terms: list[tuple[int, Word]] = []
    for r in range(len(last) + 1):
        for kept in itertools.combinations(last, r):
            sign = -1 if len(kept) % 2 else 1
            for combo in itertools.product(*(range(slots[j].outputs[x[j]] - 1) for j in kept)):
                letters = fixed + [(j, x[j], c) for j, c in zip(kept, combo)]
                terms.append((sign, tuple(sorted(letters))))
    return terms


def data_words(scenario: Scenario) -> list[Word]:
    """Every Collins–Gisin data word (one letter per party over every subset), ∅ first."""
    return almost_quantum_words(scenario)


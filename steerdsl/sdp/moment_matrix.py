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

import cvxopt
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
          name: str = "X", free: Callable[[Word], object | None] | None = None) -> MomentMatrix:
    """Assemble Γ: ``data(w)`` returns the block for a data word (or None to make it a variable);
    ``free(w)``, when given, the block of any other word (e.g. a symmetry-reduced affine expression,
    :mod:`steerdsl.sdp.symmetry`), None again making it a variable.

    ``positions[w]`` records, for every word, the entries ``(i, j, daggered)`` where it appears
    (``daggered``: the entry holds the adjoint of ``w``'s block), so duals can be read back."""
    n = len(words)
    variables: dict[Word, object] = {}
    data_blocks: dict[Word, object] = {}
    positions: dict[Word, list[tuple[int, int, bool]]] = {}
    placed: list[tuple[int, int, object, bool]] = []
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
                block = data(rep) if is_data_word(rep) else (free(rep) if free else None)
                if block is not None:
                    data_blocks[rep] = block if isinstance(block, picos.expressions.Expression) else \
                        picos.Constant(block)
                elif rep == adjoint(rep):
                    variables[rep] = (picos.SymmetricVariable if real else picos.HermitianVariable)(
                        f"{name}{next(counter)}", dim)
                else:
                    variables[rep] = (picos.RealVariable if real else picos.ComplexVariable)(
                        f"{name}{next(counter)}", (dim, dim))
            placed.append((i, j, data_blocks.get(rep, variables.get(rep)), daggered))
    return MomentMatrix(words, dim, _assemble(placed, n * dim, dim, real), variables, positions)


def _assemble(placed: list[tuple[int, int, object, bool]], size: int, dim: int, real: bool):
    """Γ as one picos affine expression from its blocks: ``B`` at ``(i, j)`` (or ``B†`` when daggered) and
    the adjoint at ``(j, i)``, by placing the rows of each block's coefficient matrices.

    ``vec(B†) = conj(K vec B)`` (``K`` the commutation matrix), so a daggered or mirrored block
    contributes its coefficients conjugated, to transposed positions.  ``picos.block`` stacks, for
    every variable, the coefficients of every block (zeros included): quadratic in the number of
    variables, 1.3 s of the 2-Alice 3×3 d = 2 bound's 1.9 s compile."""
    typecode = "d" if real else "z"
    r, c = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    local_r, local_c = r.ravel(order="F"), c.ravel(order="F")  # block vec index k -> (row, column)
    triplets: dict[tuple, list] = {}
    for i, j, block, daggered in placed:
        targets = [(i, j, daggered)] + ([(j, i, not daggered)] if i != j else [])
        # picos' coefficient matrices (mutables -> vec rows): an internal attribute, so
        # tests/test_relaxations.py compares the result with picos.block
        for key, coef in block._coefs.items():
            sparse = cvxopt.sparse(coef)
            rows, cols = np.array(sparse.I, dtype=int).ravel(), np.array(sparse.J, dtype=int).ravel()
            values = np.array(sparse.V).ravel()
            for bi, bj, adjoint_ in targets:
                rr, cc = (local_c, local_r) if adjoint_ else (local_r, local_c)
                index = (bj * dim + cc[rows]) * size + bi * dim + rr[rows]
                triplets.setdefault(key, []).append((index, cols, values.conj() if adjoint_ else values))
    coefs = {}
    for key, parts in triplets.items():
        width = int(np.prod([m.dim for m in key])) if key else 1
        index, cols, values = (np.concatenate(p) for p in zip(*parts, strict=True))
        values = values.real if real else values.astype(complex)
        coefs[key] = cvxopt.spmatrix(values.tolist(), index.tolist(), cols.tolist(), (size * size, width),
                                     typecode)
    kind = picos.expressions.AffineExpression if real else picos.expressions.ComplexAffineExpression
    return kind(f"Γ[{size}×{size}]", (size, size), coefs)


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


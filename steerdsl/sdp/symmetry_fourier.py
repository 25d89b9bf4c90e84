"""The symmetry-reduced moment matrix in the Fourier letters ``F_{s|x} = Σ_a ω^{sa} P_{a|x}`` (``ω = e^{2πi/k}``).

The Fourier letters multiply like their labels, ``F_s F_t = F_{s+t mod k}`` with ``F_0 = I`` (from
``P_a P_b = δ_{ab} P_a``), so every entry ``⟨F_u† F_v⟩`` of ``Γ^F = T Γ T†`` is the moment of one Fourier word:
no product rule spreads it over several words, as it does for the centred letters of
:mod:`steerdsl.sdp.centred_moments`.  ``F_s† = F_{−s}``; the rows ``F_u`` (``s = a + 1`` for the Collins–Gisin
letter ``P_a``, ``a < k − 1``) are an invertible change of basis of the Collins–Gisin rows on a word set closed
under subwords, so ``Γ^F ⪰ 0 ⇔ Γ ⪰ 0``.

A relabelling whose outcome permutations are affine (``a ↦ ca + b`` mod k, every permutation of 2 or 3
outcomes) sends ``F_s`` to ``ω^{−s c⁻¹ b} F_{s c⁻¹}``: it acts on the Fourier words by a permutation with
phases, unitarily.  The invariant moments ``⟨F_w⟩ = ⟨g(F_w)⟩`` are then fixed orbit by orbit of classes (the
fixed space of the stabiliser on one class' ``2d²`` real coordinates, carried to the orbit), so each variable
lives on one orbit; and the invariant ``Γ^F`` commute with a unitary representation, so their block
decomposition (:mod:`steerdsl.sdp.symmetry_blocks`) finds the finest blocks with their equal copies.  Measured on
the 3-Alice 3×3 qubit bound against the centred basis: Γ's coefficients 3.2M → 0.30M nonzeros, blocks
Σ b² 26,212 → 9,468, block data 2.3M → 0.30M real nonzeros.

Used for complex data and groups of relabellings only (no Bob unitary, no complex conjugation); otherwise the
centred path of :mod:`steerdsl.sdp.symmetry_orbits` applies.
"""

from __future__ import annotations

import cmath
import functools

import numpy as np
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word
from steerdsl.sdp.symmetry import NULL_TOLERANCE, Symmetry, block_maps, classes, complex_to_real

Letter = tuple[int, int, int]


def _outputs(scenario: Scenario, j: int, x: int) -> int:
    return scenario.slots[j].outputs[x]


def fourier_adjoint(scenario: Scenario, word: Word) -> Word:
    """``F_w†``: each slot's letters reversed, ``s ↦ −s`` (slots commute)."""
    by: dict[int, list[Letter]] = {}
    for letter in word:
        by.setdefault(letter[0], []).append(letter)
    return tuple((j, x, -s % _outputs(scenario, j, x)) for j in sorted(by) for (_, x, s) in reversed(by[j]))


def fourier_reduce(scenario: Scenario, letters: tuple[Letter, ...]) -> Word:
    """The product of Fourier letters as one word: slots sorted (stable), adjacent letters of one input merged
    by ``F_s F_t = F_{s+t}``, ``F_0 = I`` dropped."""
    by: dict[int, list[tuple[int, int]]] = {}
    for j, x, s in sorted(letters, key=lambda letter: letter[0]):
        stack = by.setdefault(j, [])
        if stack and stack[-1][0] == x:
            t = (stack.pop()[1] + s) % _outputs(scenario, j, x)
            if t:
                stack.append((x, t))
        else:
            stack.append((x, s))
    return tuple((j, x, s) for j in sorted(by) for x, s in by[j])


def letter_image(scenario: Scenario, g: Symmetry, letter: Letter) -> tuple[Letter, complex] | None:
    """``g(F_{s|x}) = Σ_a ω^{sa} P_{σ(a)|τ(x)} = λ F_{t|τ(x)}`` as ``((j', τ(x), t), λ)``; None when ``σ`` is
    not affine (the image is not one Fourier letter)."""
    j, x, s = letter
    sigma = g.outcomes[j][x]
    k = len(sigma)
    inverse = np.argsort(sigma)
    image = np.exp(2j * np.pi * s * inverse / k)
    for t in range(1, k):
        wave = np.exp(2j * np.pi * t * np.arange(k) / k)
        if np.allclose(image, image[0] * wave):
            return (g.slots[j], g.inputs[j][x], t), complex(image[0])
    return None


LetterTable = dict[Letter, tuple[Letter, complex]]


def letter_table(scenario: Scenario, g: Symmetry) -> LetterTable | None:
    """:func:`letter_image` of every Fourier letter of the scenario, None when one is not a letter."""
    table: LetterTable = {}
    for j, slot in enumerate(scenario.slots):
        for x in range(slot.inputs):
            for s in range(1, slot.outputs[x]):
                image = letter_image(scenario, g, (j, x, s))
                if image is None:
                    return None
                table[(j, x, s)] = image
    return table


def applies(scenario: Scenario, generators: list[Symmetry]) -> bool:
    """Whether every generator is a relabelling (no Bob unitary, no conjugation) acting on the Fourier letters
    by phases and a permutation (every outcome permutation affine)."""
    if any(g.unitary is not None or g.conjugate for g in generators):
        return False
    return all(letter_table(scenario, g) is not None for g in generators)


def word_image(scenario: Scenario, table: LetterTable, word: Word) -> tuple[Word, complex]:
    """``g(F_w) = λ F_{w'}`` from ``g``'s :func:`letter_table` (a reduced word maps to a reduced word)."""
    phase, out = 1.0 + 0j, []
    for letter in word:
        moved, factor = table[letter]
        out.append(moved)
        phase *= factor
    return fourier_reduce(scenario, tuple(out)), phase


@functools.cache
def _dagger(dim: int) -> np.ndarray:
    """``X ↦ X†`` on the real coordinates ``[Re vec X; Im vec X]`` (:func:`steerdsl.sdp.symmetry.block_maps`)."""
    return block_maps(dim, None)[1]


def _class_map(phase: complex, daggered: bool, dim: int) -> np.ndarray:
    """The real coordinates of ``λ X_c`` (``λ X_c†`` when ``daggered``) from those of ``X_c``: how the moment
    of a word ``λ F_w`` is read from its class ``c = min(w, w†)``."""
    n = dim * dim
    scale = complex_to_real(phase * np.eye(n))
    return scale @ _dagger(dim) if daggered else scale


def fourier_words(words: list[Word]) -> list[Word]:
    """The Fourier rows of Collins–Gisin rows: ``P_{a|x} ↦ F_{a+1|x}``."""
    return [tuple((j, x, a + 1) for j, x, a in w) for w in words]


def fourier_classes(scenario: Scenario, rows: list[Word]) -> list[Word]:
    """The classes ``min(w, w†)`` of the entries ``F_u† F_v`` (:func:`steerdsl.sdp.symmetry.classes` with the
    Fourier product and adjoint)."""
    return classes(rows, lambda u, v: fourier_reduce(scenario, fourier_adjoint(scenario, u) + v),
                   lambda w: fourier_adjoint(scenario, w))


def invariant_basis(scenario: Scenario, reps: list[Word], group: list[Symmetry]) -> sp.csc_matrix:
    """Columns spanning the moments with ``⟨F_w⟩ = ⟨g(F_w)⟩`` for every ``g`` of ``group`` and ``X_w = X_w†`` on
    self-adjoint classes, on the real coordinates ``2d²`` per class of ``reps``: per orbit of classes, the
    common fixed space of the stabiliser's maps on one class (null space of the stacked ``M_h − I``), carried
    to every class of the orbit by one element."""
    n = scenario.dim ** 2
    m = 2 * n
    dagger = _dagger(scenario.dim)
    index = {w: i for i, w in enumerate(reps)}
    tables = [letter_table(scenario, g) for g in group]
    done: set[Word] = set()
    rows, cols, vals = [], [], []
    count = 0
    for w in reps:
        if w in done:
            continue
        carry: dict[Word, np.ndarray] = {w: np.eye(m)}
        equations = [dagger - np.eye(m)] if w == fourier_adjoint(scenario, w) else []
        for table in tables:
            image, phase = word_image(scenario, table, w)
            rep = min(image, fourier_adjoint(scenario, image))
            # X_w = λ X_image, X_image = X_rep or X_rep†: coordinates of X_rep from those of X_w
            to_rep = np.linalg.inv(_class_map(phase, image != rep, scenario.dim))
            if rep == w:
                equations.append(to_rep - np.eye(m))
            else:
                carry.setdefault(rep, to_rep)
        done.update(carry)
        if equations:  # thin SVD (the stack has up to |H|·2d² rows); m zero rows keep all m right vectors
            _, singular, vt = np.linalg.svd(np.vstack(equations + [np.zeros((m, m))]), full_matrices=False)
            rank = int(np.sum(singular > NULL_TOLERANCE * max(1.0, singular[0])))
            fixed = vt[rank:].T
        else:
            fixed = np.eye(m)
        for rep, to_rep in carry.items():
            part = to_rep @ fixed
            part[np.abs(part) < 1e-14] = 0
            r, k = np.nonzero(part)
            rows.append(index[rep] * m + r)
            cols.append(count + k)
            vals.append(part[r, k])
        count += fixed.shape[1]
    if not count:
        return sp.csc_matrix((m * len(reps), 0))
    return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(m * len(reps), count))


def gamma_coefficients(scenario: Scenario, rows: list[Word], reps: list[Word], basis: sp.spmatrix) -> sp.csc_matrix:
    """``vec Γ^F`` (column-major) in the reduced variables: entry block ``(u, v)`` is ``X_{u†v}`` (``X_c`` or
    ``X_c†`` of its class ``c``; ``X[r, c] = y_{c·d+r} + i y_{d²+c·d+r}``)."""
    d = scenario.dim
    n = d * d
    size = len(rows) * d
    index = {w: i for i, w in enumerate(reps)}
    rr, cc = (a.ravel() for a in np.meshgrid(np.arange(d), np.arange(d), indexing="ij"))
    entries, coords, values = [], [], []
    for i, u in enumerate(rows):
        left = fourier_adjoint(scenario, u)
        for j, v in enumerate(rows):
            w = fourier_reduce(scenario, left + v)
            rep = min(w, fourier_adjoint(scenario, w))
            base = index[rep] * 2 * n
            daggered = w != rep
            vec = (rr * d + cc) if daggered else (cc * d + rr)  # vec index of X_rep[r, c] or X_rep[c, r]
            position = (j * d + cc) * size + (i * d + rr)
            entries += [position, position]
            coords += [base + vec, base + n + vec]
            values += [np.ones(n, dtype=complex), np.full(n, -1j if daggered else 1j)]
    m = sp.csr_matrix((np.concatenate(values), (np.concatenate(entries), np.concatenate(coords))),
                      shape=(size * size, 2 * n * len(reps)))
    return (m @ sp.csc_matrix(basis)).tocsc()


def collins_gisin_rows(scenario: Scenario, data: list[Word], reps: list[Word], basis: sp.spmatrix) -> sp.csr_matrix:
    """The basis rows (``2d²`` real coordinates each) of the Collins–Gisin blocks of ``data`` (words with at most
    one letter per slot): ``P_a = (1/k) Σ_s ω^{−sa} F_s``, so ``X^P_w = Σ_s Π_i (ω_i^{−s_i a_i}/k_i) X^F_{w(s)}``
    with ``w(s)`` the letters of nonzero ``s_i``."""
    m = 2 * scenario.dim ** 2
    index = {w: i for i, w in enumerate(reps)}
    b = sp.csr_matrix(basis)
    out = []
    for w in data:
        ks = [_outputs(scenario, j, x) for j, x, _ in w]
        total = np.zeros((m, b.shape[0]))
        for labels in np.ndindex(*ks):
            weight = complex(np.prod([cmath.exp(-2j * cmath.pi * s * a / k) / k
                                      for (_, _, a), s, k in zip(w, labels, ks, strict=True)]))
            word = tuple((j, x, s) for (j, x, _), s in zip(w, labels, strict=True) if s)
            rep = min(word, fourier_adjoint(scenario, word))
            start = index[rep] * m
            total[:, start:start + m] += _class_map(weight, word != rep, scenario.dim)
        out.append(sp.csr_matrix(total) @ b)
    return sp.vstack(out).tocsr()


def check(scenario: Scenario, reps: list[Word], generators: list[Symmetry], basis: sp.spmatrix) -> bool:
    """Every basis vector satisfies ``X_w = λ X̃_{g(w)}`` for every generator (one sparse map per generator)."""
    m = 2 * scenario.dim ** 2
    index = {w: i for i, w in enumerate(reps)}
    scale = NULL_TOLERANCE * 100 * max(1.0, float(np.abs(basis.data).max(initial=0.0)))
    for g in generators:
        table = letter_table(scenario, g)
        rows, cols, vals = [], [], []
        for i, w in enumerate(reps):
            image, phase = word_image(scenario, table, w)
            rep = min(image, fourier_adjoint(scenario, image))
            if rep not in index:
                return False
            block = _class_map(phase, image != rep, scenario.dim)  # X_w = λ X_image
            r, c = np.nonzero(block)
            rows.append(i * m + r)
            cols.append(index[rep] * m + c)
            vals.append(block[r, c])
        action = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(m * len(reps),) * 2)
        if np.abs((action @ basis - basis).data).max(initial=0.0) > scale:
            return False
    return True

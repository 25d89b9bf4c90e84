"""The moment matrix in the centred basis of the words: ``Γ' = T Γ T†`` with rows ``Q_u = Π_{letters} (P − I/k)``.

``T`` (``Q_u = Σ_{S⊆u} (−1/k)^{|u∖S|} P_S``) is unitriangular on a word set closed under subwords, so
``Γ' ⪰ 0 ⇔ Γ ⪰ 0``.  Its entries ``Q_u† Q_v`` are centred words after the product rule of one input's
centred letters, ``Q_a Q_b = δ_{ab} Q_a + (δ_{ab}/k − 1/k²) I − (Q_a + Q_b)/k`` (from ``P_a P_b = δ_{ab} P_a``),
so ``Γ'`` is written with the centred blocks ``X^Q_w`` of :mod:`steerdsl.sdp.symmetry_orbits`, where the
symmetry's invariant vectors are sparse (no identity terms).  The assemblage blocks (words with at most one
letter per slot) are ``X^P_w = Σ_{S⊆w} k^{−|w∖S|} X^Q_S`` (``P = Q + I/k``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word, adjoint, reduce_word


def centred_product(scenario: Scenario, letters: Word, cache: dict) -> dict[Word, float]:
    """The product of centred letters (slots commute, each slot's order kept) as ``Σ c·Q_w`` over words with
    no two adjacent letters of one input (the rule in the module docstring, applied until none is left)."""
    seq = tuple(sorted(letters, key=lambda letter: letter[0]))
    if seq in cache:
        return cache[seq]
    out: dict[Word, float] = {}
    for i in range(len(seq) - 1):
        (j, x, a), (jj, xx, b) = seq[i], seq[i + 1]
        if (j, x) != (jj, xx):
            continue
        k = scenario.slots[j].outputs[x]
        head, tail = seq[:i], seq[i + 2:]
        terms = [(-1.0 / k, (seq[i],)), (-1.0 / k, (seq[i + 1],)), ((a == b) / k - 1.0 / k ** 2, ())]
        if a == b:
            terms.append((1.0, (seq[i],)))
        for c, middle in terms:
            for w, c2 in centred_product(scenario, head + middle + tail, cache).items():
                out[w] = out.get(w, 0.0) + c * c2
        break
    else:
        out = {seq: 1.0}
    cache[seq] = out
    return out


def _coordinate(index: dict[Word, int], w: Word, dim: int) -> tuple[int, bool]:
    """The class of ``w`` and whether ``w`` is its adjoint; KeyError when it is not a class."""
    rep = min(w, adjoint(w))
    return index[rep] * 2 * dim * dim, w != rep


def gamma_coefficients(scenario: Scenario, words: list[Word], reps: list[Word], basis: sp.spmatrix) -> sp.csc_matrix:
    """``vec Γ' = M y^Q`` (column-major, complex) times the basis: the coefficient matrix of ``Γ'`` in the
    reduced variables.  ``X[r, c] = y_{c·d+r} + i y_{d²+c·d+r}`` for a class block, ``conj(X[c, r])`` for its
    adjoint; every entry ``(i, j)`` also fills ``(j, i)`` conjugated.  KeyError when a product is not a class."""
    d = scenario.dim
    n = d * d
    size = len(words) * d
    index = {w: i for i, w in enumerate(reps)}
    cache: dict = {}
    rr, cc = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
    rr, cc = rr.ravel(), cc.ravel()
    entries, coords, values = [], [], []
    for i, u in enumerate(words):
        left = adjoint(u)
        for j in range(i, len(words)):
            for w, c in centred_product(scenario, left + words[j], cache).items():
                base, daggered = _coordinate(index, w, d)
                vec = (rr * d + cc) if daggered else (cc * d + rr)  # vec index of X[r, c] or X[c, r]
                sign = -1.0 if daggered else 1.0
                targets = [(i * d + rr, j * d + cc, 1.0)]
                if i != j:
                    targets.append((j * d + cc, i * d + rr, -1.0))  # the mirror holds the conjugate
                for row, col, conj in targets:
                    position = col * size + row
                    entries += [position, position]
                    coords += [base + vec, base + n + vec]
                    values += [np.full(n, c, dtype=complex), np.full(n, 1j * c * sign * conj, dtype=complex)]
    m = sp.csr_matrix((np.concatenate(values), (np.concatenate(entries), np.concatenate(coords))),
                      shape=(size * size, 2 * n * len(reps)))
    return (m @ sp.csc_matrix(basis)).tocsc()


def collins_gisin_rows(scenario: Scenario, data: list[Word], reps: list[Word], basis: sp.spmatrix) -> sp.csr_matrix:
    """The basis rows of the Collins–Gisin blocks ``X^P_w = Σ_{S⊆w} k^{−|w∖S|} X^Q_S`` of words with at most
    one letter per slot (their subwords are classes, self-adjoint), stacked in the order of ``data``."""
    m = 2 * scenario.dim ** 2
    index = {w: i for i, w in enumerate(reps)}
    b = sp.csr_matrix(basis)
    rows = []
    for w in data:
        total = sp.csr_matrix((m, b.shape[1]))
        for mask in range(1 << len(w)):
            sub = tuple(w[p] for p in range(len(w)) if mask >> p & 1)
            weight = float(np.prod([1.0 / scenario.slots[j].outputs[x]
                                    for p, (j, x, _) in enumerate(w) if not mask >> p & 1]))
            start = index[sub] * m
            total = total + weight * b[start:start + m]
        rows.append(total)
    return sp.vstack(rows).tocsr()


def closed_under_subwords(reps: list[Word]) -> bool:
    """Every subword (letters dropped, then reduced) of every class is zero or a class (up to adjoint): then
    ``Q_w = Σ_{S⊆w} (−1/k)^{|w∖S|} P_S`` is a unitriangular change of basis of the classes' blocks.  One
    letter dropped at a time suffices (a subword is reached by single drops through classes)."""
    known = set(reps)
    for w in reps:
        for p in range(len(w)):
            sub = reduce_word(w[:p] + w[p + 1:])
            if sub is not None and min(sub, adjoint(sub)) not in known:
                return False
    return True

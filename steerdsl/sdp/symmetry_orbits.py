"""The invariant subspace of the moment blocks orbit by orbit, in the centred basis of the words.

With Collins–Gisin letters a relabelling sends a letter on a last outcome to ``I − Σ_b P_b``, so the group
mixes every word with all its subwords and its Reynolds operator is nearly dense (the 3-Alice 3×3 qubit
bound: ~290M nonzeros).  In the centred letters ``Q_{a|x} = P_{a|x} − I/k`` (``Σ_a Q_{a|x} = 0``) a relabelling
sends ``Q_a`` to ``Q_{σ(a)}`` or to ``−Σ_{b<k−1} Q_b``, with no identity term: the centred word ``Q_w``
(``w`` a reduced Collins–Gisin word, each letter replaced by its centred one) goes to centred words of the
image *pattern* (the sequence of (slot, input) of its letters) only.  The action is then block-monomial over
the patterns (up to adjoints), and its fixed space is that of an induced representation (Serre, *Linear
Representations of Finite Groups*, §7): per orbit of patterns, a vector fixed by the stabiliser ``H`` of one
representative pattern ``p₀`` (the range of ``(1/|H|) Σ_{h∈H} A_h`` on ``p₀``'s block, dense but at most
``(k−1)^L · 2d²`` wide), carried to every other pattern ``q`` of the orbit by one element ``t`` with
``t(q) = p₀`` (``y_q = A_t y_{p₀}``).  The basis stays in the centred coordinates ``X^Q_w`` (in the
Collins–Gisin ones every invariant vector would spread over all subwords); the moment matrix is written in
them by :mod:`steerdsl.sdp.centred_moments`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.numeric.echelon import drop_rounding, echelon_transform
from steerdsl.sdp.centred_moments import closed_under_subwords
from steerdsl.sdp.npa_words import Word, adjoint
from steerdsl.sdp.symmetry import (
    NULL_TOLERANCE,
    GroupTooLarge,
    Symmetry,
    action_matrix,
    closure,
    letter_permutation,
    structure_projector,
    structure_rows,
)

Pattern = tuple[tuple[int, int], ...]


def centred_image(scenario: Scenario, g: Symmetry, word: Word) -> dict[Word, float]:
    """``g(Q_w)`` on centred words: ``Q^{(j)}_{a|x} ↦ Q^{(π_j)}_{σ(a)|τ(x)}``, or ``−Σ_{b<k−1} Q_b`` when
    ``σ(a)`` is the last outcome (``Σ_a Q_a = 0``); letters of one slot keep their order, slots commute."""
    out: dict[Word, float] = {(): 1.0}
    for j, x, a in word:
        jj, xx, aa = g.slots[j], g.inputs[j][x], g.outcomes[j][x][a]
        k = scenario.slots[jj].outputs[xx]
        terms = [(1.0, (jj, xx, aa))] if aa < k - 1 else [(-1.0, (jj, xx, b)) for b in range(k - 1)]
        out = {w + (letter,): c * c2 for w, c in out.items() for c2, letter in terms}
    return {tuple(sorted(w, key=lambda letter: letter[0])): c for w, c in out.items()}


def _unit(unitary: np.ndarray | None) -> np.ndarray | None:
    """``unitary`` modulo phase, None for a multiple of the identity."""
    if unitary is None:
        return None
    u = np.asarray(unitary, dtype=complex)
    size = np.abs(u).ravel()
    first = u.flat[np.flatnonzero(size > size.max() - 1e-6)[0]]  # the first of the largest entries: stable
    u = u / (first / abs(first))
    return None if np.allclose(u, np.eye(len(u)) * u[0, 0]) else u


def compose(g: Symmetry, h: Symmetry) -> Symmetry:
    """``g·h`` with ``A_{g·h} = A_g A_h`` (:func:`steerdsl.sdp.symmetry.action_matrix`): letters first
    ``g`` then ``h``, Bob's unitary ``U_g U_h``."""
    slots = tuple(h.slots[g.slots[j]] for j in range(len(g.slots)))
    inputs = tuple(tuple(h.inputs[g.slots[j]][g.inputs[j][x]] for x in range(len(g.inputs[j])))
                   for j in range(len(g.slots)))
    outcomes = tuple(tuple(tuple(h.outcomes[g.slots[j]][g.inputs[j][x]][g.outcomes[j][x][a]]
                                 for a in range(len(g.outcomes[j][x]))) for x in range(len(g.inputs[j])))
                     for j in range(len(g.slots)))
    if g.unitary is None or h.unitary is None:
        unitary = h.unitary if g.unitary is None else g.unitary
    else:
        unitary = g.unitary @ h.unitary
    return Symmetry(slots, inputs, outcomes, _unit(unitary))


def inverse(g: Symmetry) -> Symmetry:
    """``g⁻¹``: the inverse relabelling and ``U_g†``."""
    n = len(g.slots)
    slots = [0] * n
    inputs: list[list[int]] = [[] for _ in range(n)]
    outcomes: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
    for j in range(n):
        jj = g.slots[j]
        slots[jj] = j
        inputs[jj] = [0] * len(g.inputs[j])
        outcomes[jj] = [()] * len(g.inputs[j])
    for j in range(n):
        jj = g.slots[j]
        for x, xx in enumerate(g.inputs[j]):
            inputs[jj][xx] = x
            back = [0] * len(g.outcomes[j][x])
            for a, aa in enumerate(g.outcomes[j][x]):
                back[aa] = a
            outcomes[jj][xx] = tuple(back)
    unitary = None if g.unitary is None else _unit(np.asarray(g.unitary).conj().T)
    return Symmetry(tuple(slots), tuple(tuple(t) for t in inputs), tuple(tuple(o) for o in outcomes), unitary)


def _key(scenario: Scenario, g: Symmetry) -> tuple:
    u = b"" if g.unitary is None else (np.round(g.unitary, 8) + 0.0).tobytes()  # + 0.0: no negative zeros
    return tuple(letter_permutation(scenario, g)), u


def elements(scenario: Scenario, generators: list[Symmetry], limit: int) -> list[Symmetry] | None:
    """Every element of the group generated (closure, breadth first), or None beyond ``limit`` elements."""
    ident = Symmetry(tuple(range(len(scenario.slots))), tuple(tuple(range(s.inputs)) for s in scenario.slots),
                     tuple(tuple(tuple(range(k)) for k in s.outputs) for s in scenario.slots))
    gens = [Symmetry(g.slots, g.inputs, g.outcomes, _unit(g.unitary)) for g in generators]
    try:
        return list(closure(ident, gens, lambda s, e: compose(e, s), lambda g: _key(scenario, g), limit))
    except GroupTooLarge:
        return None


def _pattern_key(pattern: Pattern) -> Pattern:
    """A pattern up to adjoints (each slot's letters reversed)."""
    back = tuple((j, x) for j, x, _ in adjoint(tuple((j, x, 0) for j, x in pattern)))
    return min(pattern, back)


def _pattern_image(g: Symmetry, pattern: Pattern) -> Pattern:
    moved = [(g.slots[j], g.inputs[j][x]) for j, x in pattern]
    return _pattern_key(tuple(sorted(moved, key=lambda p: p[0])))


def orbit_fixed_space(scenario: Scenario, reps: list[Word], generators: list[Symmetry], real: bool,
                      limit: int) -> sp.csc_matrix | None:
    """A basis (columns, centred block coordinates ``X^Q_w``) of the structured vectors fixed by the group of
    ``generators`` (module docstring), checked against the defining equations ``S y = 0``, ``A_g y = y``;
    None when a generator is antiunitary (the composition here is for unitary elements), the group has more
    than ``limit`` elements, the classes are not closed under subwords or the check fails (the caller falls
    back to :func:`steerdsl.sdp.symmetry.fixed_space`)."""
    if any(g.conjugate for g in generators):
        return None
    group = elements(scenario, generators, limit)
    if group is None or not closed_under_subwords(reps):
        return None
    m = 2 * scenario.dim ** 2
    project = structure_projector(reps, scenario.dim, real)
    blocks: dict[Pattern, list[int]] = {}
    for i, w in enumerate(reps):
        blocks.setdefault(_pattern_key(tuple((j, x) for j, x, _ in w)), []).append(i)
    done: set[Pattern] = set()
    rng = np.random.default_rng(0)
    index = {w: i for i, w in enumerate(reps)}
    rows, cols, vals = [], [], []
    offset = 0
    for start, members in blocks.items():
        if start in done:
            continue
        coords = (np.asarray(members)[:, None] * m + np.arange(m)).ravel()
        transversal: dict[Pattern, Symmetry] = {}
        average = np.zeros((len(coords), len(coords)))
        count = 0
        for g in group:
            image = _pattern_image(g, start)
            transversal.setdefault(image, g)
            if image == start:
                average += action_matrix(scenario, reps, g, centred_image, members, index)[:, coords].toarray()
                count += 1
        average = average @ project[coords][:, coords].toarray() / count
        rank = int(round(float(np.trace(average))))  # a projector's rank is its trace
        basis, _ = np.linalg.qr(average @ rng.normal(size=(len(coords), rank)))  # spans its range (a.s.)
        basis = drop_rounding(basis @ echelon_transform(basis), 1e-10)  # sparse: orbit sums
        done.update(transversal)
        if not basis.shape[1]:
            continue
        for pattern, g in transversal.items():
            targets = blocks[pattern]
            if pattern == start:
                part = basis
            else:
                part = action_matrix(scenario, reps, inverse(g), centred_image, targets, index)[:, coords] @ basis
            part[np.abs(part) < 1e-14] = 0
            r, k = np.nonzero(part)
            place = (np.asarray(targets)[:, None] * m + np.arange(m)).ravel()
            rows.append(place[r]), cols.append(offset + k), vals.append(part[r, k])
        offset += basis.shape[1]
    n = m * len(reps)
    if not offset:
        return sp.csc_matrix((n, 0))
    out = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, offset))
    scale = NULL_TOLERANCE * 100 * max(1.0, float(np.abs(out.data).max(initial=0.0)))
    if np.abs((structure_rows(reps, scenario.dim, real) @ out).data).max(initial=0.0) > scale:
        return None
    for g in generators:
        moved = action_matrix(scenario, reps, g, centred_image, index=index) @ out - out
        if np.abs(moved.data).max(initial=0.0) > scale:
            return None
    return out

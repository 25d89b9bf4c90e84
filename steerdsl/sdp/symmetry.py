"""Symmetry reduction of moment matrices: one scalar variable per direction of the invariant subspace.

A symmetry ``g`` permutes the Alice slots (``j ↦ π_j``), per slot the inputs (``x ↦ τ_j(x)``) and per
input the outcomes (``a ↦ σ_{j,x}(a)``), and conjugates Bob by a unitary ``U_g``.  On projectors it is the
algebra automorphism ``P^{(j)}_{a|x} ↦ P^{(π_j)}_{σ(a)|τ(x)}``; with Collins–Gisin letters a letter sent to
a last outcome becomes ``I − Σ_{b<k−1} P_b``, so a word maps to a *linear combination* of reduced words
(:func:`word_image`).  On the moment blocks it acts as ``X'_w = U_g (Σ_v c_{w,v} X_v) U_g†``, linearly on
the vector ``y`` of the blocks' real coordinates (:func:`action_matrix`).  If every generator leaves the
feasible set (a word set closed under the action, ``Γ ⪰ 0``, ``tr ρ_B = 1``) and the objective invariant,
the Reynolds average ``(1/|G|) Σ_g A_g y*`` of an optimum is feasible and optimal, so the optimum is
attained on the invariant subspace ``{y : A_g y = y for every generator g}`` and the SDP may be posed in
a basis of it (Gatermann & Parrilo, J. Pure Appl. Algebra 192, 95 (2004); Tavakoli, Rosset & Renou,
PRL 122, 070501 (2019)).  The subspace is the range of the Reynolds operator on the structured
coordinates, computed per orbit of coordinates (:func:`fixed_space`); the group comes from
:mod:`steerdsl.sdp.symmetry_group`, the reduced problem from :mod:`steerdsl.sdp.symmetry_reduction`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sympy.combinatorics import Permutation, PermutationGroup

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word, adjoint, product, reduce_word

T = TypeVar("T")

NULL_TOLERANCE = 1e-9
"""Relative singular-value threshold of the invariant subspace, and the invariance tolerance of data."""


@dataclass(frozen=True)
class Symmetry:
    """One group element: ``slots[j] = π_j``, ``inputs[j][x] = τ_j(x)``, ``outcomes[j][x][a] = σ_{j,x}(a)``,
    ``unitary`` Bob's ``U_g`` (None: the identity); ``conjugate``: the element is antiunitary, acting on the
    blocks by ``X ↦ U_g conj(X) U_g†`` (complex conjugation, then ``U_g``; real-linear on the coordinates)."""

    slots: tuple[int, ...]
    inputs: tuple[tuple[int, ...], ...]
    outcomes: tuple[tuple[tuple[int, ...], ...], ...]
    unitary: np.ndarray | None = None
    conjugate: bool = False


def identity(scenario: Scenario) -> Symmetry:
    """The identity relabelling of ``scenario``."""
    slots = scenario.slots
    return Symmetry(tuple(range(len(slots))), tuple(tuple(range(s.inputs)) for s in slots),
                    tuple(tuple(tuple(range(k)) for k in s.outputs) for s in slots))


def letter_image(scenario: Scenario, g: Symmetry, letter) -> list[tuple[float, Word]]:
    """``g(P^{(j)}_{a|x})`` as ``Σ c·w``: one letter, or ``I − Σ_{b<k−1} P_b`` when it lands on the last
    outcome (Collins–Gisin)."""
    j, x, a = letter
    jj, xx, aa = g.slots[j], g.inputs[j][x], g.outcomes[j][x][a]
    k = scenario.slots[jj].outputs[xx]
    if aa < k - 1:
        return [(1.0, ((jj, xx, aa),))]
    return [(1.0, ())] + [(-1.0, ((jj, xx, b),)) for b in range(k - 1)]


def word_image(scenario: Scenario, g: Symmetry, word: Word) -> dict[Word, float]:
    """``g(w)`` expanded on reduced words (zero products dropped)."""
    out: dict[Word, float] = {(): 1.0}
    for letter in word:
        nxt: dict[Word, float] = {}
        for w, c in out.items():
            for c2, tail in letter_image(scenario, g, letter):
                r = reduce_word(w + tail)
                if r is not None:
                    nxt[r] = nxt.get(r, 0.0) + c * c2
        out = {w: c for w, c in nxt.items() if c != 0}
    return out


def classes(words: list[Word], product: Callable[[Word, Word], Word | None] = product,
            adjoint: Callable[[Word], Word] = adjoint) -> list[Word]:
    """The moment classes of a word set: representatives ``min(w, w†)`` of the products ``u†v`` (``product``
    and ``adjoint`` those of another letter basis when given, e.g. the Fourier letters'; ``v†u = (u†v)†``
    needs only ``v`` after ``u``)."""
    reps: dict[Word, None] = {}
    for i, u in enumerate(words):
        for v in words[i:]:
            w = product(u, v)
            if w is not None:
                reps.setdefault(min(w, adjoint(w)), None)
    return list(reps)


def complex_to_real(m: np.ndarray) -> np.ndarray:
    """The real 2n×2n matrix of a complex-linear map on ``[Re v; Im v]``."""
    return np.block([[m.real, -m.imag], [m.imag, m.real]])


def block_maps(dim: int, unitary: np.ndarray | None, conjugate: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Real matrices on a block's coordinates ``[Re vec X; Im vec X]`` (vec column-major): ``X ↦ UXU†`` and
    ``X ↦ UX†U†`` (``vec(UXU†) = (Ū ⊗ U) vec X``, ``vec(X†) = conj(K vec X)``); with ``conjugate``
    ``X ↦ U conj(X) U†`` and ``X ↦ U conj(X†) U†`` (``conj`` is ``diag(I, −I)`` on the coordinates)."""
    u = np.eye(dim) if unitary is None else np.asarray(unitary, dtype=complex)
    n = dim * dim
    conj_map = complex_to_real(np.kron(u.conj(), u))
    if conjugate:
        conj_map = conj_map @ np.diag(np.r_[np.ones(n), -np.ones(n)])
    perm = np.zeros((n, n))
    for r in range(dim):
        for c in range(dim):
            perm[r * dim + c, c * dim + r] = 1
    dagger = np.block([[perm, np.zeros((n, n))], [np.zeros((n, n)), -perm]])
    return conj_map, conj_map @ dagger


def action_matrix(scenario: Scenario, reps: list[Word], g: Symmetry, image=word_image,
                  rows_of: list[int] | None = None, index: dict[Word, int] | None = None) -> sp.csr_matrix:
    """``A_g`` on the real coordinates ``y`` (``2d²`` per class, in the order of ``reps``):
    ``X'_w = U_g (Σ_v c_{w,v} X̃_v) U_g†`` with ``X̃_v = X_v`` or ``X_{v†}†`` (``conj(X̃_v)`` for an
    antiunitary ``g``) and ``g(w) = Σ_v c_{w,v} v``
    given by ``image`` (:func:`word_image`; another basis of the same words, e.g. the centred one of
    :mod:`steerdsl.sdp.symmetry_orbits`), only the rows of the classes ``rows_of`` when given (in that order);
    ``index`` the position of each class in ``reps``, when already at hand.  Raises ValueError when the
    image leaves the word set (the level is not closed under ``g``)."""
    d = scenario.dim
    m = 2 * d * d
    index = {w: i for i, w in enumerate(reps)} if index is None else index
    patterns = [(np.nonzero(b), b[np.nonzero(b)]) for b in block_maps(d, g.unitary, g.conjugate)]
    rows, cols, vals = [], [], []
    selected = range(len(reps)) if rows_of is None else rows_of
    for i, w in enumerate(reps[r] for r in selected):
        for v, c in image(scenario, g, w).items():
            rep = min(v, adjoint(v))
            if rep not in index:
                raise ValueError(f"the word set is not closed under the symmetry (image word {v})")
            (r, cc), entries = patterns[v != rep]  # X_v itself, or X_{v†}† (the daggered map)
            rows.append(i * m + r)
            cols.append(index[rep] * m + cc)
            vals.append(c * entries)
    n = m * len(reps)
    shape = (n if rows_of is None else m * len(rows_of), n)
    if not vals:
        return sp.csr_matrix(shape)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)


def structure_rows(reps: list[Word], dim: int, real: bool) -> sp.csr_matrix:
    """Rows whose kernel is the block structure: ``X = X†`` for self-adjoint classes, ``Im X = 0`` if real."""
    n = dim * dim
    rows, cols, vals = [], [], []
    count = 0
    for i, w in enumerate(reps):
        base = i * 2 * n
        if real:
            for k in range(n):
                rows.append(count), cols.append(base + n + k), vals.append(1.0)
                count += 1
        if w == adjoint(w):
            for r in range(dim):
                for c in range(r, dim):
                    a, b = c * dim + r, r * dim + c  # vec index of (r, c) and (c, r)
                    if a == b:
                        rows.append(count), cols.append(base + n + a), vals.append(1.0)
                        count += 1
                        continue
                    rows += [count, count, count + 1, count + 1]
                    cols += [base + a, base + b, base + n + a, base + n + b]
                    vals += [1.0, -1.0, 1.0, 1.0]
                    count += 2
    return sp.csr_matrix((vals, (rows, cols)), shape=(count, 2 * n * len(reps)))


def invariant_basis(constraints: sp.spmatrix) -> sp.csc_matrix:
    """A basis (columns) of ``ker(constraints)``, computed per connected component of the coordinates that
    the rows couple (dense SVD on each component; untouched coordinates are free)."""
    c = sp.csr_matrix(constraints)
    n = c.shape[1]
    coupling = (abs(c).T @ abs(c)).tocsr()
    count, label = connected_components(coupling, directed=False)
    blocks = []
    for comp in range(count):
        cols = np.flatnonzero(label == comp)
        sub = c[:, cols]
        sub = sub[np.flatnonzero(np.diff(sub.tocsr().indptr)), :].toarray()
        if sub.shape[0] == 0:
            kernel = np.eye(len(cols))
        else:
            _, s, vt = np.linalg.svd(sub, full_matrices=sub.shape[0] < sub.shape[1])  # no U for tall rows
            rank = int(np.sum(s > NULL_TOLERANCE * max(1.0, s[0])))
            kernel = vt[rank:].T
        if kernel.shape[1]:
            kernel[abs(kernel) < 1e-14] = 0
            blocks.append((cols, kernel))
    rows, cols_out, vals = [], [], []
    offset = 0
    for cols, kernel in blocks:
        r, k = np.nonzero(kernel)
        rows.append(cols[r]), cols_out.append(offset + k), vals.append(kernel[r, k])
        offset += kernel.shape[1]
    if not blocks:
        return sp.csc_matrix((n, 0))
    return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols_out))),
                         shape=(n, offset))


def scalar_count(reps: list[Word], dim: int, real: bool) -> int:
    """Free real scalars of the unreduced blocks: ``d²`` (real: ``d(d+1)/2``) per self-adjoint class,
    ``2d²`` (real: ``d²``) per other class."""
    herm = sum(1 for w in reps if w == adjoint(w))
    if real:
        return herm * dim * (dim + 1) // 2 + (len(reps) - herm) * dim * dim
    return herm * dim * dim + (len(reps) - herm) * 2 * dim * dim


def structure_projector(reps: list[Word], dim: int, real: bool) -> sp.csr_matrix:
    """The orthogonal projector onto the block structure of :func:`structure_rows`' kernel: ``X ↦ (X + X†)/2``
    on self-adjoint classes, and ``Im X ↦ 0`` when ``real``."""
    n = dim * dim
    _, dagger = block_maps(dim, None)
    herm = (np.eye(2 * n) + dagger) / 2
    keep = np.diag(np.r_[np.ones(n), np.zeros(n) if real else np.ones(n)])
    parts = [sp.csr_matrix(keep @ (herm if w == adjoint(w) else np.eye(2 * n)) @ keep) for w in reps]
    return sp.block_diag(parts, format="csr")


def _reynolds(matrices: list[sp.csr_matrix], first: sp.csr_matrix, limit: int) -> sp.csr_matrix | None:
    """``(1/|G|) Σ_g M_g`` over every product ``M_g`` of the generators' action matrices with ``first`` (the
    group's action, restricted by ``first``), by closure (breadth first, keeping only the frontier and a
    digest of each element seen); None beyond ``limit`` elements."""
    def digest(m: sp.csr_matrix) -> bytes:
        m.data[np.abs(m.data) < 1e-12] = 0
        m.eliminate_zeros()
        m.sort_indices()
        h = hashlib.sha256(m.indptr.tobytes())
        h.update(m.indices.tobytes())
        h.update(np.round(m.data, 8).tobytes())
        return h.digest()

    seen = {digest(first)}
    total, frontier = first.copy(), [first]
    while frontier:
        nxt = []
        for m in frontier:
            for a in matrices:
                image = (a @ m).tocsr()
                k = digest(image)
                if k not in seen:
                    seen.add(k)
                    total = total + image
                    nxt.append(image)
                    if len(seen) > limit:
                        return None
        frontier = nxt
    return (total / len(seen)).tocsr()


def _range_basis(matrix: sp.csr_matrix) -> sp.csc_matrix:
    """An orthonormal basis (columns) of the range of a (possibly oblique) projector ``P``, per connected
    component of its pattern: its rank is ``tr P``, and ``P`` times that many random columns spans the range
    (with probability one; checked by the singular values, a projector's nonzero ones being ≥ 1)."""
    n = matrix.shape[0]
    pattern = (abs(matrix) + abs(matrix).T).tocsr()
    count, label = connected_components(pattern, directed=False)
    rng = np.random.default_rng(0)
    rows, cols, vals = [], [], []
    offset = 0
    for comp in range(count):
        idx = np.flatnonzero(label == comp)
        sub = matrix[idx][:, idx].toarray()
        if not np.abs(sub).max(initial=0.0):
            continue
        rank = int(round(float(np.trace(sub).real)))
        if rank == 0:
            continue
        basis, _ = np.linalg.qr(sub @ rng.normal(size=(len(idx), rank)))
        if np.linalg.svd(basis.T @ sub @ basis, compute_uv=False).min() < 0.5:
            raise ArithmeticError("the Reynolds range is rank deficient")
        basis[np.abs(basis) < 1e-14] = 0
        r, k = np.nonzero(basis)
        rows.append(idx[r]), cols.append(offset + k), vals.append(basis[r, k])
        offset += basis.shape[1]
    if not offset:
        return sp.csc_matrix((n, 0))
    return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, offset))


REYNOLDS_LIMIT = 5000
"""Groups up to this order are averaged (Reynolds operator); larger ones use the kernel of ``A_g − I``."""


class GroupTooLarge(Exception):
    """:func:`closure` met more than its limit of elements."""


def closure(start: T, generators: list[T], compose: Callable[[T, T], T], key: Callable[[T], Hashable],
            limit: int) -> Iterator[T]:
    """Every element of the group generated by ``generators``, from ``start`` (the identity), breadth first:
    each new ``h`` is extended by ``compose(g, h)`` for every generator ``g`` (a finite group is closed under
    products, so this reaches all of it); elements equal under ``key`` are one.  Yields each once, keeping
    only the frontier and the keys; raises :class:`GroupTooLarge` beyond ``limit`` elements."""
    seen = {key(start)}
    frontier = [start]
    yield start
    while frontier:
        nxt = []
        for h in frontier:
            for g in generators:
                e = compose(g, h)
                k = key(e)
                if k in seen:
                    continue
                seen.add(k)
                if len(seen) > limit:
                    raise GroupTooLarge(f"more than {limit} elements")
                yield e
                nxt.append(e)
        frontier = nxt


def fixed_space(scenario: Scenario, reps: list[Word], generators: list[Symmetry], real: bool) -> sp.csc_matrix:
    """A basis of ``{y : A_g y = y for every generator, y has the block structure}``: the range of
    ``(1/|G|) Σ_g A_g S`` (the Reynolds operator on the structured coordinates, ``S`` the structure
    projector; the group closed from the generators' ``A_g S``), computed per orbit of coordinates (each
    small); checked against the defining equations, else (or for groups beyond :data:`REYNOLDS_LIMIT`)
    the kernel of the stacked equations (:func:`invariant_basis`)."""
    n = 2 * scenario.dim ** 2 * len(reps)
    matrices = [action_matrix(scenario, reps, g) for g in generators]
    structure = structure_rows(reps, scenario.dim, real)
    equations = sp.vstack([structure] + [a - sp.identity(n, format="csr") for a in matrices]).tocsr()
    project = structure_projector(reps, scenario.dim, real)
    # the action is a group representation on the structured coordinates (A_g² = I there for an involution,
    # not on the anti-Hermitian part of self-adjoint classes): close A_g S from S
    reynolds = _reynolds([(a @ project).tocsr() for a in matrices], project, REYNOLDS_LIMIT) if matrices else None
    if reynolds is not None:
        try:
            basis = _range_basis(reynolds)
        except ArithmeticError:
            basis = None
        if basis is not None and (basis.shape[1] == 0 or abs(equations @ basis).max() <= NULL_TOLERANCE * 100):
            return basis
    return invariant_basis(equations)


def invariant(vector: np.ndarray, matrix: sp.spmatrix, tolerance: float = NULL_TOLERANCE) -> bool:
    """``c A = c`` (a linear objective invariant under ``A``), to ``tolerance`` relative to ``‖c‖``."""
    scale = max(1.0, float(np.abs(vector).max(initial=0.0)))
    return bool(np.abs(matrix.T @ vector - vector).max(initial=0.0) <= tolerance * scale)


def objective_vector(per_word: dict[Word, np.ndarray], reps: list[Word], dim: int) -> np.ndarray:
    """``c`` with ``c·y = Σ_w Re tr(G_w X_w)`` (``G_w`` on self-adjoint data words), in the coordinates of
    :func:`action_matrix`: ``Re tr(GX) = Σ_{r,c} Re G_{rc} Re X_{cr} − Im G_{rc} Im X_{cr}``."""
    n = dim * dim
    index = {w: i for i, w in enumerate(reps)}
    c = np.zeros(2 * n * len(reps))
    for w, g in per_word.items():
        g = np.asarray(g, dtype=complex)
        base = index[w] * 2 * n
        for r in range(dim):
            for col in range(dim):
                k = r * dim + col  # vec index of X[col, r]
                c[base + k] += g[r, col].real
                c[base + n + k] -= g[r, col].imag
    return c


PAULIS = (np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
          np.array([[1, 0], [0, -1]], dtype=complex))


def letter_permutation(scenario: Scenario, g: Symmetry) -> list[int]:
    """``g`` on every (full, last outcomes included) letter, as a permutation of their indices."""
    full = [(j, x, a) for j, s in enumerate(scenario.slots) for x in range(s.inputs) for a in range(s.outputs[x])]
    index = {letter: i for i, letter in enumerate(full)}
    return [index[(g.slots[j], g.inputs[j][x], g.outcomes[j][x][a])] for j, x, a in full]


def pauli_permutation(unitary: np.ndarray | None, conjugate: bool = False) -> list[int] | None:
    """A qubit unitary's conjugation on ``±X, ±Y, ±Z`` as a permutation of six points (identity if None);
    with ``conjugate`` the antiunitary ``P ↦ U conj(P) U†`` (``conj`` flips ``Y``)."""
    if unitary is None and not conjugate:
        return list(range(6))
    u = np.eye(2) if unitary is None else unitary
    points = [s * p for p in PAULIS for s in (1, -1)]
    out = []
    for p in points:
        image = u @ (p.conj() if conjugate else p) @ u.conj().T
        match = [i for i, q in enumerate(points) if np.allclose(image, q)]
        if not match:
            return None
        out.append(match[0])
    return out


@functools.lru_cache(maxsize=128)
def _pauli_images(unitary: bytes | None, conjugate: bool) -> tuple[int, ...] | None:
    """:func:`pauli_permutation` of a qubit unitary given by its bytes, cached: the group search meets the
    same 24 Cliffords (and their conjugates) hundreds of times."""
    u = None if unitary is None else np.frombuffer(unitary, dtype=complex).reshape(2, 2)
    perm = pauli_permutation(u, conjugate)
    return None if perm is None else tuple(perm)


def faithful_permutation(scenario: Scenario, g: Symmetry) -> Permutation | None:
    """``g`` as a permutation of the (full) letters, for a qubit Bob of ``±X, ±Y, ±Z`` (Bob's conjugation is
    faithful there up to phase, an antiunitary one included), and of two points swapped iff ``g`` is
    antiunitary; None when a unitary is neither the identity nor a qubit Pauli/Clifford."""
    letters = letter_permutation(scenario, g)
    if g.unitary is not None and scenario.dim != 2:
        return None
    u = None if g.unitary is None else np.asarray(g.unitary, dtype=complex).tobytes()
    bob = _pauli_images(u, g.conjugate) if scenario.dim == 2 else []
    if bob is None:
        return None
    n = len(letters) + len(bob)
    return Permutation(letters + [len(letters) + i for i in bob] + ([n + 1, n] if g.conjugate else [n, n + 1]))


def group_order(scenario: Scenario, generators: list[Symmetry]) -> int | None:
    """The order of the group generated (Schreier–Sims, sympy) in its faithful permutation action
    (:func:`faithful_permutation`); None when one is not available."""
    if not generators:
        return 1
    perms = [faithful_permutation(scenario, g) for g in generators]
    if any(p is None for p in perms):
        return None
    return int(PermutationGroup(perms).order())

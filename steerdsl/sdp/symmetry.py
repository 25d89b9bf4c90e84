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
PRL 122, 070501 (2019)).  The subspace is computed per connected component of the coupled coordinates
(:func:`invariant_basis`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cvxopt
import numpy as np
import picos
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sympy.combinatorics import Permutation, PermutationGroup

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word, adjoint, product, reduce_word

NULL_TOLERANCE = 1e-9
"""Relative singular-value threshold of the invariant subspace, and the invariance tolerance of data."""


@dataclass(frozen=True)
class Symmetry:
    """One group element: ``slots[j] = π_j``, ``inputs[j][x] = τ_j(x)``, ``outcomes[j][x][a] = σ_{j,x}(a)``,
    ``unitary`` Bob's ``U_g`` (None: the identity)."""

    slots: tuple[int, ...]
    inputs: tuple[tuple[int, ...], ...]
    outcomes: tuple[tuple[tuple[int, ...], ...], ...]
    unitary: np.ndarray | None = None


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


def classes(words: list[Word]) -> list[Word]:
    """The moment classes of a word set: representatives ``min(w, w†)`` of the products ``u†v``."""
    reps: dict[Word, None] = {}
    for i, u in enumerate(words):
        for v in words[i:]:
            w = product(u, v)
            if w is not None:
                reps.setdefault(min(w, adjoint(w)), None)
    return list(reps)


def _complex_to_real(m: np.ndarray) -> np.ndarray:
    """The real 2n×2n matrix of a complex-linear map on ``[Re v; Im v]``."""
    return np.block([[m.real, -m.imag], [m.imag, m.real]])


def _maps(dim: int, unitary: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Real matrices on a block's coordinates ``[Re vec X; Im vec X]`` (vec column-major): ``X ↦ UXU†`` and
    ``X ↦ UX†U†`` (``vec(UXU†) = (Ū ⊗ U) vec X``, ``vec(X†) = conj(K vec X)``)."""
    u = np.eye(dim) if unitary is None else np.asarray(unitary, dtype=complex)
    conj_map = _complex_to_real(np.kron(u.conj(), u))
    n = dim * dim
    perm = np.zeros((n, n))
    for r in range(dim):
        for c in range(dim):
            perm[r * dim + c, c * dim + r] = 1
    dagger = np.block([[perm, np.zeros((n, n))], [np.zeros((n, n)), -perm]])
    return conj_map, conj_map @ dagger


def action_matrix(scenario: Scenario, reps: list[Word], g: Symmetry) -> sp.csr_matrix:
    """``A_g`` on the real coordinates ``y`` (``2d²`` per class, in the order of ``reps``):
    ``X'_w = U_g (Σ_v c_{w,v} X̃_v) U_g†`` with ``X̃_v = X_v`` or ``X_{v†}†``.  Raises ValueError when the
    image leaves the word set (the level is not closed under ``g``)."""
    d = scenario.dim
    m = 2 * d * d
    index = {w: i for i, w in enumerate(reps)}
    plain, daggered = _maps(d, g.unitary)
    rows, cols, vals = [], [], []
    local = np.arange(m)
    for i, w in enumerate(reps):
        for v, c in word_image(scenario, g, w).items():
            rep = min(v, adjoint(v))
            if rep not in index:
                raise ValueError(f"the word set is not closed under the symmetry (image word {v})")
            block = c * (plain if v == rep else daggered)
            r, cc = np.nonzero(block)
            rows.append(i * m + local[r])
            cols.append(index[rep] * m + local[cc])
            vals.append(block[r, cc])
    n = m * len(reps)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


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
            _, s, vt = np.linalg.svd(sub)
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


def fixed_space(scenario: Scenario, reps: list[Word], generators: list[Symmetry], real: bool) -> sp.csc_matrix:
    """A basis of ``{y : A_g y = y for every generator, y has the block structure}``."""
    n = 2 * scenario.dim ** 2 * len(reps)
    rows = [structure_rows(reps, scenario.dim, real)]
    rows += [action_matrix(scenario, reps, g) - sp.identity(n, format="csr") for g in generators]
    return invariant_basis(sp.vstack(rows).tocsr())


def invariant(vector: np.ndarray, matrix: sp.spmatrix, tolerance: float = NULL_TOLERANCE) -> bool:
    """``c A = c`` (a linear objective invariant under ``A``), to ``tolerance`` relative to ``‖c‖``."""
    scale = max(1.0, float(np.abs(vector).max(initial=0.0)))
    return bool(np.abs(matrix.T @ vector - vector).max(initial=0.0) <= tolerance * scale)


PAULIS = (np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
          np.array([[1, 0], [0, -1]], dtype=complex))


def candidates(scenario: Scenario) -> list[Symmetry]:
    """Elementary moves: a transposition of two outcomes of one input, of two inputs (same outcome
    count) of one slot, or of two slots with the same inputs and outcomes; each alone and (qubit Bob)
    combined with each Pauli.  A bounded search: the detected group is the one these generate."""
    base = identity(scenario)
    slots = scenario.slots
    moves: list[Symmetry] = []
    for j, s in enumerate(slots):
        for x, k in enumerate(s.outputs):
            for a, b in itertools.combinations(range(k), 2):
                perm = list(range(k))
                perm[a], perm[b] = b, a
                outs = [list(o) for o in base.outcomes]
                outs[j][x] = tuple(perm)
                moves.append(Symmetry(base.slots, base.inputs, tuple(tuple(o) for o in outs)))
        for x, y in itertools.combinations(range(s.inputs), 2):
            if s.outputs[x] == s.outputs[y]:
                ins = [list(i) for i in base.inputs]
                ins[j][x], ins[j][y] = y, x
                moves.append(Symmetry(base.slots, tuple(tuple(i) for i in ins), base.outcomes))
    for j, k in itertools.combinations(range(len(slots)), 2):
        if slots[j].inputs == slots[k].inputs and tuple(slots[j].outputs) == tuple(slots[k].outputs):
            perm = list(range(len(slots)))
            perm[j], perm[k] = k, j
            moves.append(Symmetry(tuple(perm), base.inputs, base.outcomes))
    unitaries = [None] + (list(PAULIS) if scenario.dim == 2 else [])
    out = [Symmetry(m.slots, m.inputs, m.outcomes, u) for m in moves for u in unitaries]
    if scenario.dim == 2:
        out += [Symmetry(base.slots, base.inputs, base.outcomes, u) for u in PAULIS]
    return out


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


def detect(scenario: Scenario, reps: list[Word], objective: np.ndarray) -> list[Symmetry]:
    """The :func:`candidates` that leave the objective ``c`` invariant (``c A_g = c`` to
    :data:`NULL_TOLERANCE`) and keep the word set closed; they generate the detected group."""
    found = []
    for g in candidates(scenario):
        try:
            matrix = action_matrix(scenario, reps, g)
        except ValueError:
            continue
        if invariant(objective, matrix):
            found.append(g)
    return found


def _letter_permutation(scenario: Scenario, g: Symmetry) -> list[int]:
    """``g`` on every (full, last outcomes included) letter, as a permutation of their indices."""
    full = [(j, x, a) for j, s in enumerate(scenario.slots) for x in range(s.inputs) for a in range(s.outputs[x])]
    index = {letter: i for i, letter in enumerate(full)}
    return [index[(g.slots[j], g.inputs[j][x], g.outcomes[j][x][a])] for j, x, a in full]


def _pauli_permutation(unitary: np.ndarray | None) -> list[int] | None:
    """A qubit unitary's conjugation on ``±X, ±Y, ±Z`` as a permutation of six points (identity if None)."""
    if unitary is None:
        return list(range(6))
    points = [s * p for p in PAULIS for s in (1, -1)]
    out = []
    for p in points:
        image = unitary @ p @ unitary.conj().T
        match = [i for i, q in enumerate(points) if np.allclose(image, q)]
        if not match:
            return None
        out.append(match[0])
    return out


def group_order(scenario: Scenario, generators: list[Symmetry]) -> int | None:
    """The order of the group generated (Schreier–Sims, sympy), acting on letters and, for a qubit Bob with
    Pauli unitaries, on ``±X, ±Y, ±Z`` (Bob's conjugation is faithful there up to phase); None when a
    unitary is neither the identity nor a qubit Pauli/Clifford."""
    if not generators:
        return 1
    perms = []
    for g in generators:
        letters = _letter_permutation(scenario, g)
        if g.unitary is not None and scenario.dim != 2:
            return None
        bob = _pauli_permutation(g.unitary) if scenario.dim == 2 else []
        if bob is None:
            return None
        perms.append(Permutation(letters + [len(letters) + i for i in bob]))
    return int(PermutationGroup(perms).order())


def reduced_blocks(reps: list[Word], basis: sp.spmatrix, dim: int, real: bool,
                   name: str = "z") -> dict[Word, object]:
    """Every class block as a picos affine expression ``X_w = Σ_k B_{w,k} z_k`` in one real variable ``z``
    (one scalar per basis vector of the invariant subspace).  Self-adjoint blocks are made exactly
    Hermitian (``(C + C^†)/2`` on the coefficients) so that picos accepts ``Γ ⪰ 0``."""
    n = dim * dim
    z = picos.RealVariable(name, basis.shape[1])
    b = sp.csr_matrix(basis)
    swap = np.empty(n, dtype=int)
    for r in range(dim):
        for c in range(dim):
            swap[c * dim + r] = r * dim + c
    out: dict[Word, object] = {}
    for i, w in enumerate(reps):
        part = b[i * 2 * n:(i + 1) * 2 * n].toarray()
        coef = part[:n] if real else part[:n] + 1j * part[n:]
        if w == adjoint(w):
            coef = (coef + coef[swap].conj()) / 2
        r, k = np.nonzero(coef)
        values = coef[r, k]
        if real:
            matrix = cvxopt.spmatrix(values.real.tolist(), r.tolist(), k.tolist(), (n, z.dim), "d")
            out[w] = picos.expressions.AffineExpression(f"X{i}", (dim, dim), {(z,): matrix})
        else:
            matrix = cvxopt.spmatrix(values.astype(complex).tolist(), r.tolist(), k.tolist(), (n, z.dim), "z")
            out[w] = picos.expressions.ComplexAffineExpression(f"X{i}", (dim, dim), {(z,): matrix})
    return out


@dataclass
class Reduction:
    """A symmetry-reduced parametrisation of a moment matrix's blocks, and what it reports."""

    blocks: dict[Word, object]
    generators: list[Symmetry]
    order: int | None
    scalars_before: int
    scalars_after: int

    def describe(self) -> dict:
        """The result details: group order, generators, scalar variables before and after."""
        return {"symmetry": {"group_order": self.order, "generators": len(self.generators),
                             "scalars_before": self.scalars_before, "scalars_after": self.scalars_after}}


def reduce(scenario: Scenario, words: list[Word], per_word: dict[Word, np.ndarray], real: bool,
           generators: list[Symmetry] | None = None) -> Reduction | None:
    """Reduce a bound ``max Σ_w Re tr(G_w X_w)`` over Γ(words) ⪰ 0: the given ``generators`` (checked to
    leave the objective invariant; ValueError otherwise) or the detected ones (:func:`detect`).  None when
    no symmetry is found (the caller builds the unreduced problem)."""
    reps = classes(words)
    objective = objective_vector(per_word, reps, scenario.dim)
    if generators is None:
        generators = detect(scenario, reps, objective)
    else:
        for g in generators:
            if not invariant(objective, action_matrix(scenario, reps, g)):
                raise ValueError("the objective is not invariant under a declared symmetry")
    if not generators:
        return None
    basis = fixed_space(scenario, reps, generators, real)
    blocks = reduced_blocks(reps, basis, scenario.dim, real)
    return Reduction(blocks, generators, group_order(scenario, generators),
                     scalar_count(reps, scenario.dim, real), basis.shape[1])

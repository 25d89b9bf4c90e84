"""Symmetry reduction of a membership or visibility SDP: the group is the stabiliser of the data.

A membership (robustness, visibility) problem substitutes the data ``τ(s) = base + s·direction`` (σ and the
noise ``N``, :class:`steerdsl.sdp.noise.Mixing`) into the data blocks of Γ and leaves the other blocks free.
Let ``G`` be the group of relabellings × Bob unitaries with ``g·σ = σ`` and ``g·N = N``
(:func:`data_group`, found by :func:`steerdsl.sdp.symmetry_group.stabiliser` on the full keys and checked on
the moment action ``A_g y = y``; for exact σ also in exact arithmetic, :func:`exactly_invariant`).  Then
``τ(s)`` is invariant for every ``s``, ``g`` maps the feasible set ``{(s, y) : Γ(τ(s), y) ⪰ 0}`` onto itself
and the objective (``s``) is invariant, so by convexity the Reynolds average ``(1/|G|) Σ_g A_g y`` of a
feasible point is feasible with the same ``s``: the problem is feasible iff it has an invariant feasible
point, and its optimum is attained at one (Gatermann & Parrilo, J. Pure Appl. Algebra 192, 95 (2004),
§3; the same argument as for a bound, :mod:`steerdsl.sdp.symmetry`).  The invariant ``y`` with the data
part ``τ(s)`` form the affine space ``y = B(z_b + s z_d + K w)``: ``B`` a basis of the invariant subspace
(:func:`steerdsl.sdp.symmetry.fixed_space`), ``B_d z_b = base``, ``B_d z_d = direction`` on the data rows
(least-norm solutions, which exist because the data are invariant; checked) and ``K`` a basis of
``ker B_d``; the free blocks are the free rows of that parametrisation, one real scalar per column of
``K`` (:func:`reduce_data`).  The data blocks stay the exact constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import picos
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.linalg import dagger, matmul
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Key, Scenario
from steerdsl.sdp.npa_words import Word, adjoint, is_data_word
from steerdsl.sdp.symmetry import (
    NULL_TOLERANCE,
    Symmetry,
    block_maps,
    classes,
    fixed_space,
    invariant_basis,
    objective_vector,
    scalar_count,
)
from steerdsl.sdp.symmetry_group import DetectedGroup, canonical_terms, key_image, key_letters, stabiliser
from steerdsl.sdp.symmetry_reduction import Reduction, reduced_blocks

GENERIC = np.sqrt(2) - 1 / np.pi
"""The weight of the noise in the one full-key array searched: ``g`` fixes ``σ + c·N`` for this irrational
``c`` when it fixes both (each generator is then checked on σ and N separately)."""


def coordinates(values: dict[Word, np.ndarray], reps: list[Word], dim: int) -> np.ndarray:
    """The real coordinates ``[Re vec X_w; Im vec X_w]`` (vec column-major, as
    :func:`steerdsl.sdp.symmetry.action_matrix`) of the blocks ``values`` (zero on the other classes)."""
    n = dim * dim
    y = np.zeros(2 * n * len(reps))
    for i, w in enumerate(reps):
        if w in values:
            v = np.asarray(values[w], dtype=complex).reshape(dim, dim).ravel(order="F")
            y[i * 2 * n:i * 2 * n + n], y[i * 2 * n + n:(i + 1) * 2 * n] = v.real, v.imag
    return y


def blocks_of(y: np.ndarray, reps: list[Word], dim: int, real: bool) -> dict[Word, np.ndarray]:
    """The blocks ``X_w`` with coordinates ``y`` (inverse of :func:`coordinates`), self-adjoint classes
    made exactly Hermitian."""
    n = dim * dim
    out = {}
    for i, w in enumerate(reps):
        part = y[i * 2 * n:(i + 1) * 2 * n]
        x = (part[:n] + 1j * part[n:]).reshape(dim, dim, order="F")
        if w == adjoint(w):
            x = (x + x.conj().T) / 2
        out[w] = x.real if real else x
    return out


def data_rows(reps: list[Word], data: set[Word], dim: int) -> np.ndarray:
    """The mask of the coordinates (:func:`coordinates`) that belong to the classes in ``data``."""
    n = 2 * dim * dim
    return np.repeat(np.array([w in data for w in reps], dtype=bool), n)


def _exact_unitary(u: np.ndarray) -> np.ndarray | None:
    """A qubit Clifford (entries ``m·ζ_8^k``, ``m ∈ {1, 1/√2, 1/2}``) in exact numbers, or None."""
    moduli = [(1.0, Cyclo(1)), (2 ** -0.5, Cyclo.sqrt_rational(Fraction(1, 2))), (0.5, Cyclo(Fraction(1, 2)))]
    out = np.empty(u.shape, dtype=object)
    for idx, v in np.ndenumerate(u):
        if abs(v) < 1e-12:
            out[idx] = Cyclo(0)
            continue
        match = [m * Cyclo.zeta(k, 8) for f, m in moduli for k in range(8)
                 if abs(v - f * np.exp(2j * np.pi * k / 8)) < 1e-9]
        if not match:
            return None
        out[idx] = match[0]
    return out


def exactly_invariant(sigma: Assemblage, g: Symmetry) -> bool:
    """``σ_{g(k)} = U† σ_k U`` (``conj(U† σ_k U)`` for an antiunitary g) on every full key in exact arithmetic
    (σ exact; a unitary that is not an exact qubit Clifford is refused)."""
    u = None if g.unitary is None else _exact_unitary(np.asarray(g.unitary))
    if g.unitary is not None and u is None:
        return False
    for key, element in sigma.elements.items():
        image = element if u is None else matmul(matmul(dagger(u), element), u)
        if g.conjugate:  # an antiunitary g: σ_{g(k)} = conj(U† σ_k U)
            image = dagger(image).T
        if not all(a == b for a, b in zip(np.ravel(sigma.elements[key_image(g, key)]), np.ravel(image),
                                          strict=True)):
            return False
    return True


def data_group(scenario: Scenario, reps: list[Word], sigma: Assemblage, noise: Assemblage,
               values: list[dict[Word, np.ndarray]]) -> DetectedGroup:
    """The stabiliser of σ and the noise ``N``: relabellings × Bob unitaries (qubit Cliffords) with
    ``σ_{g(k)} = U† σ_k U`` and ``N_{g(k)} = U† N_k U`` (module docstring), each generator checked on the
    moment action of every data ``y`` in ``values`` (``A_g y = y``) and, for an exact σ or an exact noise given
    by the user, exactly (:func:`exactly_invariant`; the white noise ``Π_j 1/k_j · I/d`` is invariant under
    every relabelling and Bob unitary by construction)."""
    num, noise_num = sigma.to_numeric(), noise.to_numeric()
    terms = np.stack([np.asarray(num.elements[key], dtype=complex) + GENERIC * np.asarray(noise_num.elements[key])
                      for key in scenario.keys()])
    vectors = [coordinates(v, reps, scenario.dim) for v in values]
    rows = np.flatnonzero(data_rows(reps, set().union(*values), scenario.dim))

    def accept(g: Symmetry, matrix: sp.spmatrix) -> bool:
        for y in vectors:  # on the data rows: the free rows of A_g y mix data into the free blocks
            residual = (matrix @ y - y)[rows]
            if np.abs(residual).max(initial=0.0) > NULL_TOLERANCE * max(1.0, float(np.abs(y).max())):
                return False
        return all(not a.exact or exactly_invariant(a, g) for a in (sigma, noise))

    return stabiliser(scenario, reps, key_letters(scenario), terms, accept)


def reduce_data(scenario: Scenario, words: list[Word], sigma: Assemblage, noise: Assemblage,
                parts: dict[Word, tuple[np.ndarray, np.ndarray]], real: bool) -> tuple[Reduction, Lift] | None:
    """:func:`_reduce_data` with one BLAS thread: its many small SVDs were measured 5–10× slower with a
    threaded BLAS on a loaded machine (threads spinning against the other jobs)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _reduce_data(scenario, words, sigma, noise, parts, real)


def _reduce_data(scenario: Scenario, words: list[Word], sigma: Assemblage, noise: Assemblage,
                 parts: dict[Word, tuple[np.ndarray, np.ndarray]], real: bool) -> tuple[Reduction, Lift] | None:
    """The free (non-data) blocks of Γ(words) as affine expressions in one real variable ``u``: ``u₀ = s``
    (the mixing scalar) and one scalar per invariant direction that leaves the data unchanged, for the data
    blocks ``parts[w] = (base, direction)`` (module docstring: ``y_free = B_f(z_b + u₀ z_d + K u₁…)``).
    With the :class:`Lift` that makes a witness of the reduced dual; None when the stabiliser of σ and the
    noise is trivial.  Raises ArithmeticError when the data are not in the invariant subspace to the
    tolerance (they are by construction of the group; the caller then solves unreduced)."""
    reps = classes(words)
    dim = scenario.dim
    data = [w for w in reps if is_data_word(w) and w in parts]
    values = [{w: parts[w][0] for w in data}, {w: parts[w][1] for w in data}]
    found = data_group(scenario, reps, sigma, noise, values)
    if not found.generators:
        return None
    basis = sp.csc_matrix(fixed_space(scenario, reps, found.generators, real))
    on_data = data_rows(reps, set(data), dim)
    rows = np.flatnonzero(on_data)
    touching = np.zeros(basis.shape[1], dtype=bool)  # invariant directions that move some data coordinate
    touching[np.unique(sp.csc_matrix(basis[rows]).nonzero()[1])] = True
    active, passive = basis[:, np.flatnonzero(touching)], basis[:, np.flatnonzero(~touching)]
    b_data = active[rows].toarray()
    left, sv, vt = np.linalg.svd(b_data, full_matrices=b_data.shape[0] < b_data.shape[1])  # vt complete
    rank = int(np.sum(sv > NULL_TOLERANCE * max(1.0, sv[0] if len(sv) else 0.0)))
    pinv = vt[:rank].T @ (left[:, :rank].T / sv[:rank, None])  # B_d⁺
    keep = sp.diags(np.where(on_data, 0.0, 1.0))  # the free rows
    images = []
    for y in values:
        target = coordinates(y, reps, dim)[on_data]
        zy = pinv @ target
        if np.abs(b_data @ zy - target).max(initial=0.0) > 1e3 * NULL_TOLERANCE * max(1.0, np.abs(target).max()):
            raise ArithmeticError("the data are not invariant under the detected group")
        images.append(keep @ (active @ zy))
    kernel = sp.csc_matrix(vt[rank:].T)
    kernel.data[np.abs(kernel.data) < 1e-14] = 0
    columns = sp.hstack([sp.csc_matrix(images[1][:, None]), keep @ (active @ kernel), keep @ passive]).tocsc()
    columns.data[np.abs(columns.data) < 1e-14] = 0
    columns.eliminate_zeros()
    used = np.diff(columns.indptr) > 0
    used[0] = True  # u₀ = s also enters the data blocks
    columns = columns[:, np.flatnonzero(used)]  # a variable in no block would make the SDP rank deficient
    variable = picos.RealVariable("u", columns.shape[1])
    linear = reduced_blocks(reps, columns, dim, real, variable)
    constant = blocks_of(images[0], reps, dim, real)
    blocks = {w: linear[w] + picos.Constant(constant[w]) for w in reps if w not in data}
    free_reps = [w for w in reps if w not in data]
    reduction = Reduction(blocks, variable, found.generators, found.order, scalar_count(free_reps, dim, real),
                          columns.shape[1] - 1)
    return reduction, Lift(scenario, reps, on_data, sp.csc_matrix(keep @ active), pinv, found.generators)


@dataclass
class Lift:
    """What turns the reduced problem's dual into a witness: the data rows of the coordinates, the free part
    ``B_f`` of the invariant directions that move the data and ``B_d⁺`` (the invariant point with data ``d``
    has the free part ``B_f B_d⁺ d``), and the group."""

    scenario: Scenario
    reps: list[Word]
    on_data: np.ndarray
    free_active: sp.csc_matrix
    pinv: np.ndarray
    generators: list[Symmetry]

    def witness(self, blocks: dict[Word, np.ndarray]) -> dict[Key, np.ndarray]:
        """The witness ``F̄`` on full keys from ``G_w`` with ``tr(ZΓ) = Σ_w Re tr(G_w X_w)`` (``Z`` the
        reduced dual, :func:`steerdsl.sdp.moment_matrix.dual_blocks`).  On invariant data ``d`` in the
        relaxation some invariant Γ(d, y) ⪰ 0 exists and ``tr(Z A) = 0`` on the invariant directions that
        leave the data, so ``W'(d) = −tr(ZΓ(d, B_f B_d⁺ d)) ≤ 0``; ``F*`` is ``W'`` on full keys
        (:func:`steerdsl.sdp.symmetry_group.canonical_terms`) and ``F̄ = R F*`` its Reynolds average, the
        orthogonal projection onto the invariant full-key functionals (the group permutes keys and conjugates
        Bob unitarily: an orthogonal action).  Then ``β_F̄(τ) = β_F*(Rτ) = W'(Rτ) ≤ 0`` for every τ in the
        relaxation (Rτ is in it, by convexity) and ``β_F̄(σ) = W'(σ)`` for invariant σ: the same margin
        as the unreduced witness (Gatermann & Parrilo 2004, §3)."""
        with threadpool_limits(limits=1, user_api="blas"):  # small SVDs: see reduce_data
            return self._witness(blocks)

    def _witness(self, blocks: dict[Word, np.ndarray]) -> dict[Key, np.ndarray]:
        sc, dim = self.scenario, self.scenario.dim
        n = 2 * dim * dim
        known = set(self.reps)
        c = objective_vector({w: g for w, g in blocks.items() if w in known}, self.reps, dim)
        rows = np.flatnonzero(self.on_data)
        c[rows] += self.pinv.T @ (self.free_active.T @ c)
        per_word = {}
        for i, w in enumerate(self.reps):
            if self.on_data[i * n]:
                part = c[i * n:(i + 1) * n]
                g = (part[:n // 2] - 1j * part[n // 2:]).reshape(dim, dim)
                per_word[w] = -(g + g.conj().T) / 2
        _, terms = canonical_terms(sc, per_word)
        projected = invariant_projection(sc, self.generators, terms)
        return {key: (f + f.conj().T) / 2 for key, f in zip(sc.keys(), projected, strict=True)}


def invariant_projection(scenario: Scenario, generators: list[Symmetry], terms: np.ndarray) -> np.ndarray:
    """The orthogonal projection of full-key operators ``T_k`` (shape ``(keys, d, d)``) onto
    ``{T : T_{g(k)} = U_g† T_k U_g for every generator}`` (``conj(U_g† T_k U_g)`` for an antiunitary one): the
    group's Reynolds average, the action being orthogonal for ``Σ_k Re tr(A_k† B_k)``."""
    keys = list(scenario.keys())
    index = {key: i for i, key in enumerate(keys)}
    dim = scenario.dim
    m = 2 * dim * dim
    local = np.arange(m)
    rows, cols, vals = [], [], []
    count = 0
    for g in generators:
        u = np.eye(dim) if g.unitary is None else np.asarray(g.unitary, dtype=complex)
        # X ↦ U† X U, or conj(U† X U) = Uᵀ conj(X) conj(U) for an antiunitary g (stabiliser's convention)
        real, _ = block_maps(dim, u.T if g.conjugate else u.conj().T, g.conjugate)
        r, cc = np.nonzero(np.abs(real) > 1e-15)
        for i, key in enumerate(keys):
            j = index[key_image(g, key)]
            rows += [count + local, count + r]
            cols += [j * m + local, i * m + cc]
            vals += [np.ones(m), -real[r, cc]]
            count += m
    equations = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(count, m * len(keys)))
    basis = invariant_basis(equations)
    flat = terms.transpose(0, 2, 1).reshape(len(keys), dim * dim)  # vec column-major per key
    y = np.concatenate([flat.real, flat.imag], axis=1).ravel()
    z = (basis @ (basis.T @ y)).reshape(len(keys), m)
    out = (z[:, :m // 2] + 1j * z[:, m // 2:]).reshape(len(keys), dim, dim).transpose(0, 2, 1)
    return out

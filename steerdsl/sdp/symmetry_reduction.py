"""The symmetry-reduced moment matrix of a bound: one scalar per direction of the invariant subspace, and Γ
split into the blocks of a symmetry-adapted basis.

The group is detected (:mod:`steerdsl.sdp.symmetry_group`) or given; the invariant subspace of the moment
blocks (Reynolds argument: some optimum is invariant, Gatermann & Parrilo, J. Pure Appl. Algebra 192, 95
(2004)) comes orbit by orbit in the Fourier letters when the data are complex and the group acts on them by
phases (:mod:`steerdsl.sdp.symmetry_fourier`, Γ posed as ``Γ^F = TΓT†``), else in the centred basis
(:mod:`steerdsl.sdp.symmetry_orbits`; Γ is then posed as the congruent ``Γ' = TΓT†`` of
:mod:`steerdsl.sdp.centred_moments`), or, when the word set is not closed
under subwords, from the Collins–Gisin action of :mod:`steerdsl.sdp.symmetry`; the PSD blocks from
:mod:`steerdsl.sdp.symmetry_blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cvxopt
import numpy as np
import picos
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.sdp import symmetry_fourier as fourier
from steerdsl.sdp.centred_moments import closed_under_subwords, collins_gisin_rows, gamma_coefficients
from steerdsl.sdp.moment_matrix import build
from steerdsl.sdp.npa_words import Word, adjoint, is_data_word
from steerdsl.sdp.size import SDPSize, reduced_size
from steerdsl.sdp.symmetry import (
    REYNOLDS_LIMIT,
    Symmetry,
    action_matrix,
    classes,
    fixed_space,
    group_order,
    invariant,
    objective_vector,
    scalar_count,
)
from steerdsl.sdp.symmetry_blocks import Block, affine_expression, block_coefficients, decompose
from steerdsl.sdp.symmetry_conjugation import is_real_form, projection_fits, real_congruence
from steerdsl.sdp.symmetry_group import detect
from steerdsl.sdp.symmetry_orbits import elements, orbit_fixed_space


def reduced_blocks(reps: list[Word], basis: sp.spmatrix, dim: int, real: bool,
                   z: picos.RealVariable) -> dict[Word, object]:
    """Every class block as a picos affine expression ``X_w = Σ_k B_{w,k} z_k`` in the real variable ``z``
    (one scalar per basis vector of the invariant subspace).  Self-adjoint blocks are made exactly
    Hermitian (``(C + C^†)/2`` on the coefficients) so that picos accepts ``Γ ⪰ 0``."""
    n = dim * dim
    b = sp.csr_matrix(basis)
    out: dict[Word, object] = {}
    for i, w in enumerate(reps):
        part = b[i * 2 * n:(i + 1) * 2 * n]
        coef = part[:n] if real else part[:n] + 1j * part[n:]
        out[w] = affine_expression(f"X{i}", dim, coef, z, real, hermitian=w == adjoint(w))
    return out


@dataclass
class Reduction:
    """A symmetry-reduced parametrisation of a moment matrix's blocks (affine in :attr:`variable`), and what
    it reports."""

    blocks: dict[Word, object]
    variable: picos.RealVariable
    generators: list[Symmetry]
    order: int | None
    scalars_before: int
    scalars_after: int
    psd_blocks: list[int] = field(default_factory=list)
    bases: list[Block] = field(default_factory=list)
    congruence: np.ndarray | None = None
    real_form: bool = False
    gamma: sp.csc_matrix | None = None
    """The coefficients ``[vec A_k]`` of Γ' = TΓT† = Σ_k z_k A_k in the centred basis
    (:mod:`steerdsl.sdp.centred_moments`), None when :attr:`blocks` holds every class (then Γ is built from
    them)."""

    def moment_expression(self, words: list[Word], dim: int, real: bool) -> tuple[object, int]:
        """What :meth:`psd_constraints` takes for ``Γ ⪰ 0``: ``Γ'``'s coefficient matrix (congruent to Γ; its
        picos expression is built only if it is not split), or the expression of ``Γ`` from the reduced
        blocks; and its side."""
        if self.gamma is not None:
            return self.gamma, len(words) * dim
        mm = build(words, dim, self.blocks.get, real, name="S", free=self.blocks.get)
        return mm.expression, mm.size

    @property
    def copies(self) -> list[int]:
        """How many equal copies each PSD block stands for (``Σ_c side_c · copies_c`` is Γ's side)."""
        return [len(b.copies) for b in self.bases] if self.bases else [1] * len(self.psd_blocks)

    def describe(self) -> dict:
        """The result details: group order, generators, scalar variables before and after, PSD block sizes
        and the number of equal copies each stands for, and whether the PSD blocks are a real form of complex
        data."""
        return {"symmetry": {"group_order": self.order, "generators": len(self.generators),
                             "scalars_before": self.scalars_before, "scalars_after": self.scalars_after,
                             "blocks": list(self.psd_blocks), "copies": self.copies, "real_form": self.real_form}}

    def summary(self) -> str:
        """One line for the text report: ``symmetry: group order 16, scalars 17 → 3, 5 PSD blocks (2, 1×2, 1×2,
        1×2, 1; ×n: one kept of n equal copies)`` (and ``, real form`` when an antiunitary symmetry made the
        complex constraint real)."""
        sizes = sorted(zip(self.psd_blocks, self.copies, strict=True), reverse=True)
        shown = ", ".join(f"{s}×{n}" if n > 1 else str(s) for s, n in sizes[:6]) + (", …" if len(sizes) > 6 else "")
        if any(n > 1 for n in self.copies):
            shown += "; ×n: one kept of n equal copies"
        return (f"symmetry: group order {self.order}, scalars {self.scalars_before} → {self.scalars_after}, "
                f"{len(sizes)} PSD block{'s' if len(sizes) != 1 else ''} ({shown})"
                + (", real form" if self.real_form else ""))

    def psd_constraints(self, gamma: object, size: int, real: bool,
                        guard: Callable[[SDPSize], object] | None = None) -> list[object]:
        """Γ (an affine expression ``C₀ + Σ_k z_k A_k`` in :attr:`variable` only, ``C₀`` the substituted
        data of a membership; or, on the centred path, the coefficient matrix ``[vec A_k]`` itself) as its
        diagonal blocks ``Q_c† Γ Q_c`` in a sparse symmetry-adapted basis of all of ``C₀, A_k``
        (:func:`steerdsl.sdp.symmetry_blocks.decompose`, :meth:`~steerdsl.sdp.symmetry_blocks.Block.sparsified`;
        one per class of equal copies): ``Γ ⪰ 0`` iff each is; ``[Γ]`` itself when splitting does not pay.
        With complex data, no constant and a real form (:attr:`congruence`, checked by
        :func:`steerdsl.sdp.symmetry_conjugation.is_real_form`): the real symmetric blocks ``(S Q_c)† Γ (S Q_c)``
        (:attr:`real_form` set), always split since they are projected anyway (unless the projection would
        not fit, :func:`steerdsl.sdp.symmetry_conjugation.projection_fits`).  ``guard`` is called on the
        reduced problem's size (:func:`steerdsl.sdp.size.reduced_size`, with the blocks' coefficient
        nonzeros) before its picos expressions are built, and may raise."""
        if sp.issparse(gamma):
            matrix, offset = sp.csc_matrix(gamma), None
        else:
            matrix = _sparse(gamma._coefs[(self.variable,)])  # picos' coefficients (vec Γ = C₀ + C z)
            constant = gamma._coefs.get(())
            offset = None if constant is None else _sparse(constant)
        s = self.congruence
        if not real and offset is None and s is not None and is_real_form(matrix, size, s):
            bases = [b.sparsified().mapped(lambda q: s @ q) for b in decompose(matrix, size, worth=1.0, congruence=s)]
            if projection_fits([b.side for b in bases], matrix.shape[1]):
                self.bases, self.real_form = bases, True
                return self._blocks(matrix, size, None, True, guard)
        bases = decompose(matrix if offset is None else sp.hstack([offset, matrix]).tocsc(), size)
        self.bases = [(b.mapped(np.real) if real else b).sparsified() for b in bases]
        if not bases:
            self.psd_blocks = [size]
            if guard is not None:
                guard(reduced_size(self.scalars_after, self.psd_blocks, "symmetry-reduced bound", [matrix.nnz]))
            return [gamma if not sp.issparse(gamma) else affine_expression("Γ'", size, gamma, self.variable, real)]
        return self._blocks(matrix, size, offset, real, guard)

    def _blocks(self, matrix: sp.csc_matrix, size: int, offset: sp.csc_matrix | None, real: bool,
                guard: Callable[[SDPSize], object] | None) -> list[object]:
        """The blocks' picos expressions from :attr:`bases`, after ``guard`` saw their size."""
        self.psd_blocks = [b.side for b in self.bases]
        coefficients = block_coefficients(matrix, size, [b.basis for b in self.bases])
        if guard is not None:
            guard(reduced_size(self.scalars_after, self.psd_blocks, "symmetry-reduced bound",
                               [c.nnz for c in coefficients]))
        out = [affine_expression(f"Γ{index}", b.side, c, self.variable, real)
               for index, (b, c) in enumerate(zip(self.bases, coefficients, strict=True))]
        if offset is None:
            return out
        c0 = offset.toarray().reshape(size, size, order="F")
        for index, q in enumerate(b.basis for b in self.bases):
            part = q.conj().T @ c0 @ q
            part = (part + part.conj().T) / 2
            out[index] = out[index] + picos.Constant(part.real if real else part)
        return out

    def full_dual(self, duals: list[np.ndarray]) -> np.ndarray:
        """The dual matrix of the whole Γ from those of the blocks :meth:`psd_constraints` returned:
        ``Z = Σ_c (1/n_c) Σ_i Q_{c,i} Z_c Q_{c,i}†`` over the ``n_c`` copies of each block, so
        ``tr(ZΓ) = Σ_c tr(Z_c Q_{c,1}† Γ Q_{c,1})`` for every reduced Γ (its copies' blocks are equal; ``Z``
        itself for one block)."""
        if not self.bases:
            return duals[0]
        return sum(sum(q @ np.reshape(z, (q.shape[1],) * 2) @ q.conj().T for q in b.copies) / len(b.copies)
                   for b, z in zip(self.bases, duals, strict=True))  # a 1×1 block's dual is a scalar


def _sparse(coefs: object) -> sp.csc_matrix:
    """A cvxopt (dense or sparse) coefficient matrix as scipy CSC."""
    coo = cvxopt.sparse(coefs)
    return sp.csc_matrix((np.array(coo.V).ravel(), (np.array(coo.I).ravel(), np.array(coo.J).ravel())),
                         shape=coo.size)


def reduce(scenario: Scenario, words: list[Word], per_word: dict[Word, np.ndarray], real: bool,
           generators: list[Symmetry] | None = None) -> Reduction | None:
    """Reduce a bound ``max Σ_w Re tr(G_w X_w)`` over Γ(words) ⪰ 0: the given ``generators`` (checked to
    leave the objective invariant; ValueError otherwise) or the detected group
    (:func:`steerdsl.sdp.symmetry_group.detect`).  None when the group is trivial (the caller builds the
    unreduced problem).  The Fourier path (:mod:`steerdsl.sdp.symmetry_fourier`: complex data, relabellings
    with affine outcome permutations) first; then the centred path (:attr:`Reduction.gamma` set,
    :attr:`Reduction.blocks` the data words' Collins–Gisin blocks) when the classes allow it and every element
    is unitary, else every class block in Collins–Gisin form (with the real form's congruence when an
    antiunitary element gives one)."""
    reps = classes(words)
    objective = objective_vector(per_word, reps, scenario.dim)
    if generators is None:
        found = detect(scenario, reps, per_word, objective)
        generators, order = found.generators, found.order
    else:
        for g in generators:
            if not invariant(objective, action_matrix(scenario, reps, g)):
                raise ValueError("the objective is not invariant under a declared symmetry")
        order = group_order(scenario, generators)
    if not generators:
        return None
    before = scalar_count(reps, scenario.dim, real)
    fourier = None if real else _fourier(scenario, words, reps, generators, order, before)
    if fourier is not None:
        return fourier
    basis = orbit_fixed_space(scenario, reps, generators, real, REYNOLDS_LIMIT)  # None with antiunitary elements
    if basis is not None:
        try:
            coefs = gamma_coefficients(scenario, words, reps, basis)
        except KeyError:  # a centred product outside the classes: the word set is not closed enough
            basis = None
    if basis is None:
        basis = fixed_space(scenario, reps, generators, real)
        variable = picos.RealVariable("z", basis.shape[1])
        blocks = reduced_blocks(reps, basis, scenario.dim, real, variable)
        congruence = None if real else real_congruence(scenario, words, generators)
        return Reduction(blocks, variable, generators, order, before, basis.shape[1], congruence=congruence)
    variable = picos.RealVariable("z", basis.shape[1])
    data = [w for w in reps if is_data_word(w)]
    blocks = reduced_blocks(data, collins_gisin_rows(scenario, data, reps, basis), scenario.dim, real, variable)
    return Reduction(blocks, variable, generators, order, before, basis.shape[1], gamma=coefs.tocsc())


def _fourier(scenario: Scenario, words: list[Word], reps: list[Word], generators: list[Symmetry],
             order: int | None, before: int) -> Reduction | None:
    """The reduction in the Fourier letters (:mod:`steerdsl.sdp.symmetry_fourier`), or None when it does not
    apply (a Bob unitary or conjugation, a non-affine outcome permutation, a word set not closed under
    subwords, a group beyond :data:`~steerdsl.sdp.symmetry.REYNOLDS_LIMIT`) or its check fails."""
    if not fourier.applies(scenario, generators) or not closed_under_subwords(reps):
        return None
    group = elements(scenario, generators, REYNOLDS_LIMIT)
    if group is None:
        return None
    rows = fourier.fourier_words(words)
    classes_f = fourier.fourier_classes(scenario, rows)
    basis = fourier.invariant_basis(scenario, classes_f, group)
    if not fourier.check(scenario, classes_f, generators, basis):
        return None
    variable = picos.RealVariable("z", basis.shape[1])
    data = [w for w in reps if is_data_word(w)]
    blocks = reduced_blocks(data, fourier.collins_gisin_rows(scenario, data, classes_f, basis), scenario.dim, False,
                            variable)
    coefs = fourier.gamma_coefficients(scenario, rows, classes_f, basis)
    return Reduction(blocks, variable, generators, order, before, basis.shape[1], gamma=coefs)

"""The symmetry-reduced moment matrix of a bound: one scalar per direction of the invariant subspace, and Γ
split into the blocks of a symmetry-adapted basis.

The group is detected (:mod:`steerdsl.sdp.symmetry_group`) or given; the invariant subspace of the moment
blocks comes from :mod:`steerdsl.sdp.symmetry` (Reynolds argument: some optimum is invariant, Gatermann &
Parrilo, J. Pure Appl. Algebra 192, 95 (2004)); the PSD blocks from :mod:`steerdsl.sdp.symmetry_blocks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cvxopt
import numpy as np
import picos
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word, adjoint
from steerdsl.sdp.symmetry import (
    Symmetry,
    action_matrix,
    classes,
    fixed_space,
    group_order,
    invariant,
    objective_vector,
    scalar_count,
)
from steerdsl.sdp.symmetry_blocks import block_expressions, decompose
from steerdsl.sdp.symmetry_conjugation import is_real_form, projection_fits, real_congruence
from steerdsl.sdp.symmetry_group import detect


def reduced_blocks(reps: list[Word], basis: sp.spmatrix, dim: int, real: bool,
                   z: picos.RealVariable) -> dict[Word, object]:
    """Every class block as a picos affine expression ``X_w = Σ_k B_{w,k} z_k`` in the real variable ``z``
    (one scalar per basis vector of the invariant subspace).  Self-adjoint blocks are made exactly
    Hermitian (``(C + C^†)/2`` on the coefficients) so that picos accepts ``Γ ⪰ 0``."""
    n = dim * dim
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
    """A symmetry-reduced parametrisation of a moment matrix's blocks (affine in :attr:`variable`), and what
    it reports."""

    blocks: dict[Word, object]
    variable: picos.RealVariable
    generators: list[Symmetry]
    order: int | None
    scalars_before: int
    scalars_after: int
    psd_blocks: list[int] = field(default_factory=list)
    bases: list[np.ndarray] = field(default_factory=list)
    congruence: np.ndarray | None = None
    real_form: bool = False

    def describe(self) -> dict:
        """The result details: group order, generators, scalar variables before and after, PSD block sizes,
        and whether the PSD blocks are a real form of complex data."""
        return {"symmetry": {"group_order": self.order, "generators": len(self.generators),
                             "scalars_before": self.scalars_before, "scalars_after": self.scalars_after,
                             "blocks": list(self.psd_blocks), "real_form": self.real_form}}

    def summary(self) -> str:
        """One line for the text report: ``symmetry: group order 36, scalars 3844 → 292, blocks 12×…`` (and
        ``, real form`` when an antiunitary symmetry made the complex constraint real)."""
        sizes = sorted(self.psd_blocks, reverse=True)
        shown = ", ".join(str(s) for s in sizes[:6]) + (", …" if len(sizes) > 6 else "")
        return (f"symmetry: group order {self.order}, scalars {self.scalars_before} → {self.scalars_after}, "
                f"{len(sizes)} PSD block{'s' if len(sizes) != 1 else ''} ({shown})"
                + (", real form" if self.real_form else ""))

    def psd_constraints(self, gamma: object, size: int, real: bool) -> list[object]:
        """Γ (an affine expression ``C₀ + Σ_k z_k A_k`` in :attr:`variable` only, ``C₀`` the substituted
        data of a membership) as its diagonal blocks ``Q_c† Γ Q_c`` in a symmetry-adapted basis of all of
        ``C₀, A_k`` (:func:`steerdsl.sdp.symmetry_blocks.decompose`): ``Γ ⪰ 0`` iff each is; ``[Γ]`` itself
        when splitting does not pay.  With complex data, no constant and a real form (:attr:`congruence`,
        checked by :func:`steerdsl.sdp.symmetry_conjugation.is_real_form`): the real symmetric blocks
        ``(S Q_c)† Γ (S Q_c)`` (:attr:`real_form` set), always split since they are projected anyway (unless
        the projection would not fit, :func:`steerdsl.sdp.symmetry_conjugation.projection_fits`)."""
        matrix = _sparse(gamma._coefs[(self.variable,)])  # picos' coefficients (vec Γ = C₀ + C z)
        constant = gamma._coefs.get(())
        offset = None if constant is None else _sparse(constant)
        s = self.congruence
        if not real and offset is None and s is not None and is_real_form(matrix, size, s):
            bases = [s @ q for q in decompose(matrix, size, worth=1.0, congruence=s)]
            if projection_fits([q.shape[1] for q in bases], matrix.shape[1]):
                self.bases = bases
                self.psd_blocks, self.real_form = [q.shape[1] for q in bases], True
                return block_expressions(matrix, size, self.variable, bases, True)
        bases = decompose(matrix if offset is None else sp.hstack([offset, matrix]).tocsc(), size)
        self.bases = [q.real if real else q for q in bases]
        if not bases:
            self.psd_blocks = [size]
            return [gamma]
        self.psd_blocks = [q.shape[1] for q in bases]
        blocks = block_expressions(matrix, size, self.variable, bases, real)
        if offset is None:
            return blocks
        c0 = offset.toarray().reshape(size, size, order="F")
        out = []
        for block, q in zip(blocks, self.bases, strict=True):
            part = q.conj().T @ c0 @ q
            part = (part + part.conj().T) / 2
            out.append(block + picos.Constant(part.real if real else part))
        return out


    def full_dual(self, duals: list[np.ndarray]) -> np.ndarray:
        """The dual matrix of the whole Γ from those of the blocks :meth:`psd_constraints` returned:
        ``Z = Σ_c Q_c Z_c Q_c†``, so ``tr(ZΓ) = Σ_c tr(Z_c Q_c† Γ Q_c)`` (``Z`` itself for one block)."""
        if not self.bases:
            return duals[0]
        return sum(q @ np.reshape(z, (q.shape[1],) * 2) @ q.conj().T  # a 1×1 block's dual is a scalar
                   for q, z in zip(self.bases, duals, strict=True))


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
    unreduced problem)."""
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
    basis = fixed_space(scenario, reps, generators, real)
    variable = picos.RealVariable("z", basis.shape[1])
    blocks = reduced_blocks(reps, basis, scenario.dim, real, variable)
    congruence = None if real else real_congruence(scenario, words, generators)
    return Reduction(blocks, variable, generators, order, scalar_count(reps, scenario.dim, real), basis.shape[1],
                     congruence=congruence)

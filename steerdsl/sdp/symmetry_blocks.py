"""Block diagonalisation of a symmetry-reduced moment matrix ``Γ(z) = Σ_k z_k A_k``.

The invariant ``Γ`` commute with the group's action on the word space ⊗ Bob, so in a symmetry-adapted basis
they are block diagonal (isotypic decomposition; for an abelian group the joint eigenbasis of the action).
The basis is found numerically from the matrices themselves (Murota, Kanno, Kojima & Kojima, Japan J. Ind.
Appl. Math. 27, 125 (2010), phase one): the eigenspaces of a generic ``A = Σ r_k A_k`` each lie in one block;
two eigenspaces belong to the same block when another generic combination couples them; the connected
components are the blocks.  Then ``Γ ⪰ 0 ⇔ Q_c† Γ Q_c ⪰ 0`` for every block ``c`` (``Q`` unitary), and the
SDP has several small PSD blocks instead of one large one.  A block whose eigenspaces all have the same
dimension ``n > 1`` is ``B' ⊗ I_n`` in a suitable basis (an irreducible representation of dimension ``n``, phase
two): its ``n`` copies are found by carrying one eigenspace's vectors to the others with the coupling of a
second combination, and only one copy is constrained (the others hold the same matrix), so the SDP's data
shrink by ``n²`` on that block.  The decomposition is exact by construction up to the tolerance, and checked
on a third generic combination (otherwise the copies stay one block, or everything one block: no reduction,
never wrong).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cvxopt
import numpy as np
import picos
import scipy.sparse as sp

from steerdsl.numeric.echelon import drop_rounding, echelon_transform

CLUSTER_TOLERANCE = 1e-9
"""Relative gap below which eigenvalues of the generic combination are one eigenspace."""
COUPLING_TOLERANCE = 1e-9
"""Relative size of an off-block entry that couples two eigenspaces."""
WORTH = 1 / 3
"""Blocks are used only when ``Σ_c b_c² ≤ WORTH · size²``: a numerically found basis spreads the coefficients,
which costs more than a small split saves (measured with the orthonormal eigenvector basis, before
:meth:`Block.sparsified`: blocks 72, 12, 12, 2 of 98 at 1,936 scalars made the problem slower and its compile
50 s)."""
ROUNDING = 1e-10
"""Relative size below which an entry of a sparsified basis or of a block's coefficients is rounding (measured
on the 3-Alice 3×3 qubit bound: the echelon basis' entries are above 1e-3 or below 1e-11 of the largest)."""
SPARSE_CONDITION = 1e3
"""Largest condition number of the change of basis :meth:`Block.sparsified` accepts (measured √3 on the
3-Alice 3×3 qubit bound, whose coefficients it made 11× sparser)."""


def _combination(coefs: sp.csc_matrix, size: int, rng: np.random.Generator) -> np.ndarray:
    """``Σ r_k A_k`` (Hermitian part) for random ``r``; ``coefs`` columns are ``vec A_k`` (column-major)."""
    a = (coefs @ rng.normal(size=coefs.shape[1])).reshape(size, size, order="F")
    return (a + a.conj().T) / 2


@dataclass(frozen=True)
class Block:
    """One diagonal block of a symmetry-adapted basis and its equivalent copies: ``copies`` are ``size × m``
    column blocks (orthonormal and mutually orthogonal as :func:`decompose` finds them; each times the same
    invertible ``R`` after :meth:`sparsified`) with ``Q_i† A_k Q_i`` the same for every copy ``i`` (an
    irreducible representation of dimension ``n`` occurring ``m`` times gives ``n`` equal ``m × m`` blocks,
    Murota et al. 2010, phase two).  ``Γ ⪰ 0`` needs the first copy only."""

    copies: tuple[np.ndarray, ...]

    @property
    def basis(self) -> np.ndarray:
        """The copy whose block is constrained."""
        return self.copies[0]

    @property
    def side(self) -> int:
        """The side ``m`` of the (one) constrained block."""
        return self.basis.shape[1]

    def mapped(self, f: Callable[[np.ndarray], np.ndarray]) -> Block:
        """The same block with ``f`` applied to every copy (a congruence, or the real part of real data)."""
        return Block(tuple(f(q) for q in self.copies))

    def sparsified(self) -> Block:
        """The same block in a sparse basis of its span: every copy times ``R = Q_1[π, :]⁻¹``, ``Q_1 R`` the
        reduced echelon basis of :func:`steerdsl.numeric.echelon.echelon_transform` (the eigenvectors of a
        generic combination are dense, but the span of an isotypic component has a basis of few
        symmetry-adapted words).  ``Q_i R`` is a congruence inside the block (``R`` invertible),
        so ``Γ ⪰ 0`` is unchanged and the copies stay equal.  Itself when ``Q_1 R`` is worse conditioned
        than :data:`SPARSE_CONDITION` or no sparser."""
        q = self.basis
        r = echelon_transform(q)
        copies = tuple(drop_rounding(c @ r, ROUNDING) for c in self.copies)
        singular = np.linalg.svd(copies[0], compute_uv=False)
        if singular[-1] * SPARSE_CONDITION < singular[0] or np.count_nonzero(copies[0]) >= 0.5 * q.size:
            return self
        return Block(copies)


def _copies(vectors: np.ndarray, clusters: list[np.ndarray], second: np.ndarray,
            scale: float) -> tuple[np.ndarray, ...] | None:
    """The ``n`` copies of a block whose eigenspaces (``clusters``, columns of ``vectors``) all have dimension
    ``n``: copy ``j`` is the ``j``-th vector of the first eigenspace and its images in the others under the
    coupling ``P_t B P_1`` of the generic ``B = second`` (``P_t B P_1 = b_{t1} U_t`` with ``U_t`` unitary when
    the block is ``B' ⊗ I_n``; polar factor).  None when a coupling is not a multiple of a unitary."""
    first = vectors[:, clusters[0]]
    n = first.shape[1]
    columns = [first]
    for members in clusters[1:]:
        v = vectors[:, members]
        x, s, yh = np.linalg.svd(v.conj().T @ second @ first)
        if s[-1] < 1e3 * COUPLING_TOLERANCE * scale or s[0] - s[-1] > 1e3 * COUPLING_TOLERANCE * s[0]:
            return None
        columns.append(v @ (x @ yh))
    return tuple(np.stack([c[:, j] for c in columns], axis=1) for j in range(n))


def _equal_copies(copies: tuple[np.ndarray, ...], check: np.ndarray, scale: float) -> bool:
    """Whether ``check`` (a third generic combination) has equal blocks on the copies and none between."""
    q = np.hstack(copies)
    m = copies[0].shape[1]
    projected = q.conj().T @ check @ q
    tolerance = 1e3 * COUPLING_TOLERANCE * scale
    for i in range(len(copies)):
        for j in range(len(copies)):
            block = projected[i * m:(i + 1) * m, j * m:(j + 1) * m]
            target = projected[:m, :m] if i == j else 0.0
            if np.abs(block - target).max(initial=0.0) > tolerance:
                return False
    return True


def decompose(coefs: sp.spmatrix, size: int, seed: int = 0, worth: float = WORTH,
              congruence: np.ndarray | None = None) -> list[Block]:
    """The blocks of a symmetry-adapted basis (their copies' columns together a unitary) with every
    ``Q_c† A_k Q_d = 0`` for ``c ≠ d`` and equal blocks on the copies of one :class:`Block`, from the
    coefficient matrix ``coefs`` (``size²`` × K, columns ``vec A_k``); with a ``congruence`` ``S`` making every
    ``S† A_k S`` real (:mod:`steerdsl.sdp.symmetry_conjugation`), the real orthogonal blocks of the
    ``S† A_k S`` instead.  Empty when the constrained blocks' ``Σ m_c²`` exceeds ``worth · size²``."""
    coefs = sp.csc_matrix(coefs)
    rng = np.random.default_rng(seed)
    first, second, check = (_combination(coefs, size, rng) for _ in range(3))
    if congruence is not None:
        first, second, check = ((congruence.conj().T @ a @ congruence).real for a in (first, second, check))
    values, vectors = np.linalg.eigh(first)
    scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    cuts = np.flatnonzero(np.diff(values) > CLUSTER_TOLERANCE * scale) + 1
    clusters = np.split(np.arange(size), cuts)
    label = np.empty(size, dtype=int)
    for c, members in enumerate(clusters):
        label[members] = c
    coupled = np.abs(vectors.conj().T @ second @ vectors) > COUPLING_TOLERANCE * scale
    rows, cols = np.nonzero(coupled)
    graph = sp.coo_matrix((np.ones(len(rows)), (label[rows], label[cols])), shape=(len(clusters),) * 2)
    count, component = sp.csgraph.connected_components(graph, directed=False)
    blocks = []
    for c in range(count):
        parts = [members for members in clusters if component[label[members[0]]] == c]
        whole = vectors[:, np.concatenate(parts)]
        repeated = len(parts[0]) > 1 and all(len(p) == len(parts[0]) for p in parts)
        split = _copies(vectors, parts, second, scale) if repeated else None
        blocks.append(Block(split if split is not None and _equal_copies(split, check, scale) else (whole,)))
    if sum(b.side ** 2 for b in blocks) > worth * size ** 2:
        return []
    if count > 1:
        q = np.hstack([np.hstack(b.copies) for b in blocks])
        widths = [b.side * len(b.copies) for b in blocks]
        inside = np.zeros((len(widths),) * 2, dtype=bool)
        np.fill_diagonal(inside, True)
        inside = np.repeat(np.repeat(inside, widths, axis=0), widths, axis=1)
        leak = np.abs(q.conj().T @ check @ q)[~inside].max(initial=0.0)
        if leak > 1e3 * COUPLING_TOLERANCE * scale:
            return [Block((vectors,))]
    return blocks


def block_coefficients(coefs: sp.spmatrix, size: int, blocks: list[np.ndarray]) -> list[sp.csr_matrix]:
    """The coefficients of ``Q_c† Γ(z) Q_c = Σ_k z_k Q_c† A_k Q_c`` for every block ``Q_c`` (``b_c × K``… as
    ``b_c² × K``, rows the column-major ``vec``), from ``coefs`` (columns ``vec A_k``), by sparse products
    (a sparse :meth:`Block.sparsified` basis keeps them sparse)."""
    coefs = sp.coo_matrix(coefs)
    k = coefs.shape[1]
    # A_all = [A_1 | … | A_K]: entry (r, s) of A_k at (r, k·size + s); vec index = r + s·size
    r, s = coefs.row % size, coefs.row // size
    stacked = sp.csr_matrix((coefs.data, (r, coefs.col * size + s)), shape=(size, k * size))
    out = []
    for q in blocks:
        b = q.shape[1]
        basis = sp.csc_matrix(q)
        left = (basis.conj().T @ stacked).tocoo()  # (p, k·size + s): (Q† A_k)[p, s]
        which, column = np.divmod(left.col, size)
        left = sp.csr_matrix((left.data, (left.row * k + which, column)), shape=(b * k, size))
        product = (left @ basis).tocoo()  # (p·K + k, q): (Q† A_k Q)[p, q]
        p, which = np.divmod(product.row, k)
        block = sp.csr_matrix((product.data, (p + product.col * b, which)), shape=(b * b, k))
        drop_rounding(block.data, ROUNDING)
        block.eliminate_zeros()
        out.append(block)
    return out


def affine_expression(name: str, side: int, coefs: sp.spmatrix, variable: picos.RealVariable,
                      real: bool, hermitian: bool = True) -> object:
    """The picos affine expression ``vec M = C z`` (column-major ``side × side``, ``C = coefs``), entries below
    1e-13 dropped; ``hermitian``: made exactly Hermitian (``C`` averaged with its transposed-position
    conjugate) as picos requires for ``M ⪰ 0``; ``real``: real (imaginary parts are rounding)."""
    c = sp.coo_matrix(coefs)
    if hermitian:
        swap = np.arange(side * side).reshape(side, side).T.ravel()
        c = sp.coo_matrix((np.r_[c.data, np.conj(c.data)] / 2, (np.r_[c.row, swap[c.row]], np.r_[c.col, c.col])),
                          shape=c.shape)
    c = c.tocsr().tocoo()
    keep = np.abs(c.data.real if real else c.data) > 1e-13
    rows, cols = cvxopt.matrix(c.row[keep].astype(np.int64)), cvxopt.matrix(c.col[keep].astype(np.int64))
    shape = (side * side, variable.dim)
    if real:
        matrix = cvxopt.spmatrix(cvxopt.matrix(np.ascontiguousarray(c.data[keep].real)), rows, cols, shape, "d")
        return picos.expressions.AffineExpression(name, (side, side), {(variable,): matrix})
    matrix = cvxopt.spmatrix(cvxopt.matrix(c.data[keep].astype(complex)), rows, cols, shape, "z")
    return picos.expressions.ComplexAffineExpression(name, (side, side), {(variable,): matrix})

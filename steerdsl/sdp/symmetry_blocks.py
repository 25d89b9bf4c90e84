"""Block diagonalisation of a symmetry-reduced moment matrix ``Γ(z) = Σ_k z_k A_k``.

The invariant ``Γ`` commute with the group's action on the word space ⊗ Bob, so in a symmetry-adapted basis
they are block diagonal (isotypic decomposition; for an abelian group the joint eigenbasis of the action).
The basis is found numerically from the matrices themselves (Murota, Kanno, Kojima & Kojima, Japan J. Ind.
Appl. Math. 27, 125 (2010), phase one): the eigenspaces of a generic ``A = Σ r_k A_k`` each lie in one block;
two eigenspaces belong to the same block when another generic combination couples them; the connected
components are the blocks.  Then ``Γ ⪰ 0 ⇔ Q_c† Γ Q_c ⪰ 0`` for every block ``c`` (``Q`` unitary), and the
SDP has several small PSD blocks instead of one large one.  The decomposition is exact by construction up to
the tolerance, and checked on a third generic combination (otherwise one block: no reduction, never wrong).
"""

from __future__ import annotations

import cvxopt
import numpy as np
import picos
import scipy.sparse as sp

CLUSTER_TOLERANCE = 1e-9
"""Relative gap below which eigenvalues of the generic combination are one eigenspace."""
COUPLING_TOLERANCE = 1e-9
"""Relative size of an off-block entry that couples two eigenspaces."""
WORTH = 1 / 3
"""Blocks are used only when ``Σ_c b_c² ≤ WORTH · size²``: a numerically found basis makes the coefficients
dense, which costs more than a small split saves (measured: blocks 72, 12, 12, 2 of 98 at 1,936 scalars
made the problem slower and its compile 50 s)."""
CHUNK = 2 ** 22
"""Entries of the intermediate ``Q_c† A_k`` held at once when projecting the coefficients."""


def _combination(coefs: sp.csc_matrix, size: int, rng: np.random.Generator) -> np.ndarray:
    """``Σ r_k A_k`` (Hermitian part) for random ``r``; ``coefs`` columns are ``vec A_k`` (column-major)."""
    a = (coefs @ rng.normal(size=coefs.shape[1])).reshape(size, size, order="F")
    return (a + a.conj().T) / 2


def decompose(coefs: sp.spmatrix, size: int, seed: int = 0, worth: float = WORTH,
              congruence: np.ndarray | None = None) -> list[np.ndarray]:
    """Orthonormal column blocks ``Q_c`` (their columns together a unitary) with every ``Q_c† A_k Q_d = 0``
    for ``c ≠ d``, from the coefficient matrix ``coefs`` (``size²`` × K, columns ``vec A_k``); with a
    ``congruence`` ``S`` making every ``S† A_k S`` real (:mod:`steerdsl.sdp.symmetry_conjugation`), the real
    orthogonal blocks of the ``S† A_k S`` instead."""
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
    blocks = [vectors[:, np.flatnonzero(component[label] == c)] for c in range(count)]
    if sum(b.shape[1] ** 2 for b in blocks) > worth * size ** 2:
        return []
    if count > 1:
        inside = np.zeros((size, size), dtype=bool)
        offset = 0
        order = np.concatenate([np.flatnonzero(component[label] == c) for c in range(count)])
        for b in blocks:
            inside[offset:offset + b.shape[1], offset:offset + b.shape[1]] = True
            offset += b.shape[1]
        q = vectors[:, order]
        leak = np.abs(q.conj().T @ check @ q)[~inside].max(initial=0.0)
        if leak > 1e3 * COUPLING_TOLERANCE * scale:
            return [vectors]
    return blocks


def block_expressions(coefs: sp.spmatrix, size: int, variable: picos.RealVariable, blocks: list[np.ndarray],
                      real: bool) -> list[object]:
    """``Q_c† Γ(z) Q_c`` for every block, as picos affine expressions in ``variable`` (exactly Hermitian:
    the coefficients are averaged with their adjoint's); ``real``: real symmetric ones (the data are real, or
    the ``Q_c`` make a real form, their products' imaginary parts being rounding)."""
    coefs = sp.coo_matrix(coefs)
    k = coefs.shape[1]
    # A_all = [A_1 | … | A_K]: entry (r, s) of A_k at (r, k·size + s); vec index = r + s·size
    r, s = coefs.row % size, coefs.row // size
    stacked = sp.csr_matrix((coefs.data, (r, coefs.col * size + s)), shape=(size, k * size))
    out = []
    for index, q in enumerate(blocks):
        b = q.shape[1]
        parts = []
        step = max(1, CHUNK // max(1, b * size))
        for start in range(0, k, step):
            stop = min(k, start + step)
            left = (stacked[:, start * size:stop * size].T @ q.conj()).T  # Q† A_k, side by side
            left = left.reshape(b, stop - start, size)
            parts.append(np.einsum("pks,sq->qpk", left, q).reshape(b * b, stop - start))
        coef = np.concatenate(parts, axis=1)  # row p + q·b (column-major vec of Q† A_k Q)
        swap = np.arange(b * b).reshape(b, b).T.ravel()
        coef = (coef + coef[swap].conj()) / 2
        coef[np.abs(coef) < 1e-13] = 0
        rows, cols = np.nonzero(coef)
        values = coef[rows, cols]
        rows, cols = cvxopt.matrix(rows.astype(np.int64)), cvxopt.matrix(cols.astype(np.int64))  # no lists
        if real:
            matrix = cvxopt.spmatrix(cvxopt.matrix(np.ascontiguousarray(values.real)), rows, cols, (b * b, k), "d")
            out.append(picos.expressions.AffineExpression(f"Γ{index}", (b, b), {(variable,): matrix}))
        else:
            matrix = cvxopt.spmatrix(cvxopt.matrix(values.astype(complex)), rows, cols, (b * b, k), "z")
            out.append(picos.expressions.ComplexAffineExpression(f"Γ{index}", (b, b), {(variable,): matrix}))
    return out

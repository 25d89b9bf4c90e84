"""Derivatives of each factor of a parametrised realisation (:mod:`steerdsl.inner.parametrise`), one per
real parameter of the factor's own block, in that block's order (real parts, then imaginary parts,
row-major): the forward-mode pieces of the exact Jacobian (:mod:`steerdsl.inner.residual`).

Each factor is a product of its block, its adjoint and an inverse square root, so the product rule and the
Daleckii–Krein formula for ``S^{-1/2}`` (Bhatia, *Matrix Analysis*, Thm V.3.3) give every derivative:

- state ``ρ = GG†/t``, ``t = tr GG†``: ``dρ = d(GG†)/t − ρ tr d(GG†)/t``, ``d(GG†) = dG G† + G dG†``;
- POVM ``M_a = T P_a T``, ``P_a = G_a G_a†``, ``T = S^{-1/2}``, ``S = Σ_a P_a`` (one input's outcomes):
  ``dM_a = dT P_a T + T dP_a T + T P_a dT``;
- channel ``V = A R``, ``R = (A†A)^{-1/2}``: ``dV = dA R + A dR``, and the Choi matrix
  ``J = Σ_k vec(K_k) vec(K_k)†`` of V's blocks ``K_k``: ``dJ = Σ_k vec(dK_k) vec(K_k)† + vec(K_k) vec(dK_k)†``;
- ``d(S^{-1/2})[E] = U (Γ ∘ U†EU) U†`` for ``S = U diag(w) U†``, with
  ``Γ_ij = (w_i^{-1/2} − w_j^{-1/2}) / (w_i − w_j) = −1 / (√w_i √w_j (√w_i + √w_j))`` (also its limit
  ``−w_i^{-3/2}/2`` when ``w_i = w_j``, so no case split).
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.parametrise import kraus_vectors

FLOOR = 1e-300
"""Eigenvalues are clamped here, as in :func:`steerdsl.inner.parametrise._inv_sqrt_batch`."""


def _dagger(m: np.ndarray) -> np.ndarray:
    return m.conj().swapaxes(-1, -2)


def directions(rows: int, cols: int) -> np.ndarray:
    """``dG`` for every real parameter of a complex ``rows × cols`` block: ``E_k``, then ``i E_k``."""
    e = np.eye(rows * cols).reshape(-1, rows, cols)
    return np.concatenate([e, 1j * e])


def inv_sqrt_with_derivative(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a stack of Hermitian ``S``: ``S^{-1/2}``, its eigenvectors U and the Daleckii–Krein matrix Γ
    (module docstring), so that ``d(S^{-1/2})[E] = U (Γ ∘ U†EU) U†`` (:func:`inv_sqrt_derivative`)."""
    w, u = np.linalg.eigh(s)
    r = np.sqrt(np.maximum(w, FLOOR))
    gamma = -1.0 / (r[..., :, None] * r[..., None, :] * (r[..., :, None] + r[..., None, :]))
    return (u / r[..., None, :]) @ _dagger(u), u, gamma


def inv_sqrt_derivative(u: np.ndarray, gamma: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``U (Γ ∘ U†EU) U†`` (broadcast over leading axes)."""
    return u @ (gamma * (_dagger(u) @ e @ u)) @ _dagger(u)


def state_tangents(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``ρ = GG†/tr GG†`` and ``dρ`` for each of G's real parameters, shape ``[2D², D, D]``."""
    gg = g @ g.conj().T
    t = np.trace(gg).real
    rho = gg / t
    x = directions(*g.shape) @ g.conj().T
    dgg = x + _dagger(x)
    return rho, dgg / t - rho * (np.trace(dgg, axis1=1, axis2=2).real / t)[:, None, None]


def povm_tangents(gs: np.ndarray, outs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """One slot's stacked POVM elements ``M_l`` (every input's outcomes in turn, ``outs[x]`` each) and
    ``dM_l`` for each real parameter of each ``G_b`` in turn, shape ``[L·2d², L, d, d]``."""
    count, d = gs.shape[0], gs.shape[1]
    which = np.repeat(np.arange(len(outs)), outs)
    parts = gs @ _dagger(gs)
    t, u, gamma = inv_sqrt_with_derivative(np.add.reduceat(parts, np.cumsum([0] + outs[:-1]), axis=0))
    tl, ul, gl = t[which], u[which], gamma[which]
    ms = tl @ parts @ tl
    x = directions(d, d)[None] @ _dagger(gs)[:, None]  # [b, e]: dG_e G_b†
    dp = x + _dagger(x)
    dt = inv_sqrt_derivative(ul[:, None], gl[:, None], dp)  # [b, e]
    same = (which[:, None] == which[None, :]).astype(float)  # [b, a]: same input
    dm = same[:, None, :, None, None] * (dt[:, :, None] @ (parts @ tl)[None, None]
                                         + (tl @ parts)[None, None] @ dt[:, :, None])
    own = tl[:, None] @ dp @ tl[:, None]  # [b, e]: T dP_b T, on element b itself
    idx = np.arange(count)
    dm[idx, :, idx] += own
    return ms, dm.reshape(-1, count, d, d)


def channel_tangents(a: np.ndarray, din: int, dout: int) -> tuple[np.ndarray, np.ndarray]:
    """The Choi matrices of the channels ``V_c = A_c (A_c†A_c)^{-1/2}`` and ``dJ_c`` for each real parameter of
    ``A_c``, shapes ``[C, din·dout, din·dout]`` and ``[C, 2·rows·din, din·dout, din·dout]``."""
    r, u, gamma = inv_sqrt_with_derivative(_dagger(a) @ a)
    v = a @ r
    da = directions(*a.shape[1:])[None]  # [1, e]
    y = _dagger(da) @ a[:, None]
    dr = inv_sqrt_derivative(u[:, None], gamma[:, None], y + _dagger(y))
    dv = da @ r[:, None] + a[:, None] @ dr
    vecs, dvecs = kraus_vectors(v, din, dout), kraus_vectors(dv, din, dout)
    choi = np.einsum("ckm,ckn->cmn", vecs, vecs.conj())
    z = np.einsum("cekm,ckn->cemn", dvecs, vecs.conj())
    return choi, z + _dagger(z)

"""Realisations as unconstrained real vectors, valid by construction (for least-squares fits).

- state: ``ρ = GG†/tr(GG†)`` with ``G ∈ C^{D×D}``, ``D = Π d`` (mixed states too: with several Alices a
  purification would need larger dimensions than stated);
- POVM ``{M_a}``: ``M_a = S^{-1/2} G_a G_a† S^{-1/2}``, ``S = Σ_a G_a G_a†`` (a "pretty good" normalisation);
- channel: Kraus operators the blocks of the isometry ``V = A (A†A)^{-1/2}``, ``A ∈ C^{(d_out K) × d_in}``
  (Stinespring), so ``Σ_k K_k†K_k = V†V = I``.

Every vector maps to a valid realisation, so a fit never has to enforce PSD, POVM or CPTP constraints.
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.realisation import Realisation, Shape


def _sqrt(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(m)
    return (v * np.sqrt(np.maximum(w, 0))) @ v.conj().T


def kraus_count(shape: Shape) -> int:
    """Kraus operators per channel: ``d_in · d_out`` (enough for every CPTP map)."""
    return shape.internal_dim * shape.scenario.dim


def _sizes(shape: Shape) -> list[tuple[int, int]]:
    """The complex matrix blocks of the vector, in order: the state's G, every POVM's G_a, every channel's A."""
    sizes = [(int(np.prod(shape.dims)),) * 2]
    for dj, slot in zip(shape.alice_dims, shape.scenario.slots, strict=True):
        sizes += [(dj, dj)] * sum(slot.outputs[x] for x in range(slot.inputs))
    din, dout = shape.internal_dim, shape.scenario.dim
    sizes += [(dout * kraus_count(shape), din)] * len(shape.channel_labels())
    return sizes


def size(shape: Shape) -> int:
    """The number of real parameters."""
    return sum(2 * r * c for r, c in _sizes(shape))


def blocks(shape: Shape, p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray | None]:
    """The complex matrices a parameter vector holds (:func:`_sizes`; each block's real parts, then its
    imaginary parts, row-major): the state's ``G``, each slot's stacked ``G_a`` (every input's outcomes in
    turn), and the channels' stacked ``A`` (None without channels)."""
    sizes = _sizes(shape)
    at = 0

    def take(count: int, rows: int, cols: int) -> np.ndarray:
        nonlocal at
        parts = p[at:at + 2 * count * rows * cols].reshape(count, 2, rows * cols)
        at += 2 * count * rows * cols
        return (parts[:, 0] + 1j * parts[:, 1]).reshape(count, rows, cols)

    g = take(1, *sizes[0])[0]
    gs = [take(sum(slot.outputs[x] for x in range(slot.inputs)), dj, dj)
          for dj, slot in zip(shape.alice_dims, shape.scenario.slots, strict=True)]
    labels = shape.channel_labels()
    a = take(len(labels), *sizes[-1]) if labels else None
    return g, gs, a


def realisation_of(shape: Shape, p: np.ndarray) -> Realisation:
    """The realisation a parameter vector stands for (batched: one eigendecomposition call per slot and
    one for all channels)."""
    g, gs_all, iso = blocks(shape, p)
    state = g @ g.conj().T
    state = state / np.trace(state).real
    povms = []
    for gs, slot in zip(gs_all, shape.scenario.slots, strict=True):
        outs = [slot.outputs[x] for x in range(slot.inputs)]
        parts = gs @ gs.conj().transpose(0, 2, 1)
        starts = np.cumsum([0] + outs[:-1])
        t = _inv_sqrt_batch(np.add.reduceat(parts, starts, axis=0))
        which = np.repeat(np.arange(len(outs)), outs)
        ms = t[which] @ parts @ t[which]
        povms.append([[ms[s + a] for a in range(k)] for s, k in zip(starts, outs, strict=True)])
    channels = {}
    if iso is not None:
        din, dout = shape.internal_dim, shape.scenario.dim
        v = iso @ _inv_sqrt_batch(iso.conj().transpose(0, 2, 1) @ iso)
        channels = {c: choi_of_isometry(vc, din, dout) for c, vc in zip(shape.channel_labels(), v, strict=True)}
    return Realisation(shape, state, povms, channels)


def _inv_sqrt_batch(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(s)
    return (v / np.sqrt(np.maximum(w, 1e-300))[:, None, :]) @ v.conj().transpose(0, 2, 1)


def choi_of_isometry(v: np.ndarray, din: int, dout: int) -> np.ndarray:
    """``J = Σ_k vec(K_k) vec(K_k)†`` for the Kraus operators ``K_k`` = the ``dout``-row blocks of V."""
    vecs = kraus_vectors(v, din, dout)
    return vecs.T @ vecs.conj()


def kraus_vectors(v: np.ndarray, din: int, dout: int) -> np.ndarray:
    """The rows ``vec(K_k) = Σ_j |j⟩ ⊗ K_k|j⟩`` of the ``dout``-row blocks ``K_k`` of V (leading axes of a
    stack of V's are kept), shape ``[…, K, din·dout]``."""
    kraus = v.reshape(v.shape[:-2] + (-1, dout, din))
    return kraus.swapaxes(-1, -2).reshape(kraus.shape[:-2] + (din * dout,))


def vector_of(real: Realisation) -> np.ndarray:
    """A parameter vector of (approximately) the given realisation: ``G = ρ^{1/2}``, ``G_a = M_a^{1/2}``, A the
    Stinespring isometry of each Choi matrix."""
    shape = real.shape
    blocks = [_sqrt(real.state)]
    for povms in real.povms:
        for povm in povms:
            for m in povm:
                blocks.append(_sqrt(m) + 1e-9 * np.eye(len(m)))
    din, dout = shape.internal_dim, shape.scenario.dim
    for c in shape.channel_labels():
        ww, vv = np.linalg.eigh(real.channels[c])
        kraus = [(vv[:, k] * np.sqrt(max(ww[k], 0))).reshape(din, dout).T for k in range(len(ww))]
        blocks.append(np.vstack(kraus))
    return np.concatenate([np.concatenate([b.real.ravel(), b.imag.ravel()]) for b in blocks])

"""The realisation search's residual ``σ̂(p) − σ`` as a real vector, and its exact Jacobian (physics.md §8).

The elements of every key (its channel applied to its base state ``τ_{a|x}``, or each Bob's marginal of it)
are stacked key by key, each as real parts then imaginary parts, row-major (:func:`stack`).  ``σ̂`` is
linear in each factor of the realisation — the state, each slot's POVM elements, each channel's Choi
matrix — so its derivative with respect to a parameter of one factor is ``σ̂`` with that factor replaced by
the factor's derivative (product rule; the factors' derivatives are in :mod:`steerdsl.inner.tangents`).
One Jacobian costs a few batched contractions instead of one evaluation of ``σ̂`` per parameter.
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner import parametrise
from steerdsl.inner.realisation import Realisation, Shape, base_tensor, contract_base, label_offsets, marginals
from steerdsl.inner.tangents import channel_tangents, povm_tangents, state_tangents


def stack(elements: list) -> np.ndarray:
    """Elements (matrices, or tuples of each Bob's matrices) as one real vector: real parts, then imaginary
    parts, element by element."""
    parts = []
    for e in elements:
        for m in (e if isinstance(e, tuple) else (e,)):
            m = np.asarray(m, dtype=complex).ravel()
            parts += [m.real, m.imag]
    return np.concatenate(parts)


def flat_labels(shape: Shape, keys: list) -> np.ndarray:
    """Each key's index into the flattened :func:`~steerdsl.inner.realisation.base_tensor`."""
    offsets = label_offsets(shape)
    sizes = [sum(s.outputs) for s in shape.scenario.slots]
    return np.array([np.ravel_multi_index(tuple(offsets[j][xj] + aj for j, (aj, xj) in enumerate(zip(a, x))),
                                          sizes) for a, x, _ in keys])


def _rows(shape: Shape, taus: np.ndarray, chois: np.ndarray | None) -> np.ndarray:
    """``[P, K, d', d']`` base states (a batch of P) → ``[P, R]`` stacked elements as by :func:`stack`, with
    ``chois[k]`` the Choi matrix acting on key k (None: no channel)."""
    batch, keys, din = taus.shape[0], taus.shape[1], shape.internal_dim
    if chois is not None:
        dout = shape.scenario.dim
        out = np.einsum("pkij,kiajb->pkab", taus, chois.reshape(-1, din, dout, din, dout))
    elif shape.kind == "several_bobs":
        pieces = [part for m in marginals(taus, shape.scenario.bob_dims)
                  for part in (m.real.reshape(batch, keys, -1), m.imag.reshape(batch, keys, -1))]
        return np.concatenate(pieces, axis=2).reshape(batch, -1)
    else:
        out = taus
    return np.stack([out.real, out.imag], axis=2).reshape(batch, -1)


def realised_vector(shape: Shape, real: Realisation, flat: np.ndarray, per_key: np.ndarray) -> np.ndarray:
    """The realised elements of every key (``flat``: :func:`flat_labels`; ``per_key``: the index of each key's
    channel among ``shape.channel_labels()``), stacked as by :func:`stack` (a vectorised
    :func:`~steerdsl.inner.realisation.assemblage_of`)."""
    din = shape.internal_dim
    taus = base_tensor(real).reshape(-1, din, din)[flat]
    chois = np.stack(list(real.channels.values()))[per_key] if real.channels else None
    return _rows(shape, taus[None], chois)[0]


def realised_jacobian(shape: Shape, p: np.ndarray, flat: np.ndarray, per_key: np.ndarray) -> np.ndarray:
    """``∂ realised_vector / ∂p`` at the parameters p (:mod:`steerdsl.inner.parametrise`), exactly: columns in
    the order of p — the state's, each slot's, each channel's."""
    g, gs_all, iso = parametrise.blocks(shape, p)
    dims, din, dout = shape.dims, shape.internal_dim, shape.scenario.dim
    rho, drho = state_tangents(g)
    povms = [povm_tangents(gs, [slot.outputs[x] for x in range(slot.inputs)])
             for gs, slot in zip(gs_all, shape.scenario.slots, strict=True)]
    stacks = [ms for ms, _ in povms]
    choi, dchoi = channel_tangents(iso, din, dout) if iso is not None else (None, None)
    on_key = choi[per_key] if choi is not None else None

    def through(dtau: np.ndarray) -> np.ndarray:
        return _rows(shape, dtau.reshape(len(dtau), -1, din, din)[:, flat], on_key)

    columns = [through(contract_base(stacks, drho, dims, batched=len(stacks)))]
    for j, (_, dm) in enumerate(povms):
        columns.append(through(contract_base(stacks[:j] + [dm] + stacks[j + 1:], rho, dims, batched=j)))
    if choi is not None:
        taus = contract_base(stacks, rho, dims).reshape(-1, din, din)[flat]
        for c in range(len(choi)):
            mask = (per_key == c)[None, :, None, None]
            dsigma = np.einsum("kij,eiajb->ekab", taus, dchoi[c].reshape(-1, din, dout, din, dout)) * mask
            columns.append(np.stack([dsigma.real, dsigma.imag], axis=2).reshape(len(dsigma), -1))
    return np.concatenate(columns).T

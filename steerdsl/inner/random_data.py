"""Random realisation data: states, POVMs and channels of given dimensions (for starts and tests).

States are ``GG†/tr(GG†)`` (G Ginibre), POVMs are Haar-random projective measurements split into outcome
groups, channels have Kraus operators ``K_i = (⟨i|_env ⊗ I) V`` of a Haar-random isometry ``V``
(Choi ``J = Σ_i vec(K_i) vec(K_i)†``, ``vec(K) = Σ_j |j⟩ ⊗ K|j⟩``): CPTP by construction.
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.realisation import Realisation, Shape


def random_state(dim: int, rank: int | None, rng: np.random.Generator) -> np.ndarray:
    """``GG†/tr(GG†)`` with G of size ``dim × rank`` (full rank by default), Gaussian complex entries."""
    g = rng.normal(size=(dim, rank or dim)) + 1j * rng.normal(size=(dim, rank or dim))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def random_povm(rng: np.random.Generator, d: int, k: int) -> list[np.ndarray]:
    """A Haar-random projective measurement on ``C^d`` with ``k`` outcomes (some may be zero)."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    cut = np.sort(rng.choice(np.arange(1, d), size=min(k - 1, d - 1), replace=False)) if d > 1 else []
    groups = np.split(np.arange(d), cut)
    groups += [np.array([], dtype=int)] * (k - len(groups))
    return [q[:, g] @ q[:, g].conj().T for g in groups[:k]]


def random_isometry(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """A Haar-random ``rows × cols`` isometry (``V†V = I``, ``rows ≥ cols``)."""
    g = rng.normal(size=(rows, cols)) + 1j * rng.normal(size=(rows, cols))
    q, r = np.linalg.qr(g)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_channel(rng: np.random.Generator, din: int, dout: int, kraus: int = 2) -> np.ndarray:
    """The Choi matrix of a random CPTP map ``C^din → C^dout`` with ``kraus`` Kraus operators."""
    v = random_isometry(rng, dout * kraus, din).reshape(kraus, dout, din)
    choi = np.zeros((din * dout, din * dout), dtype=complex)
    for k in v:
        vec = np.concatenate([k[:, j] for j in range(din)])
        choi += np.outer(vec, vec.conj())
    return choi


def random_povms(rng: np.random.Generator, shape: Shape) -> list[list[list[np.ndarray]]]:
    """Random projective measurements of every Alice slot, ``povms[j][x][a]``."""
    return [[random_povm(rng, dj, s.outputs[x]) for x in range(s.inputs)]
            for dj, s in zip(shape.alice_dims, shape.scenario.slots, strict=True)]


def random_realisation(shape: Shape, rng: np.random.Generator, rank: int | None = 1,
                       kraus: int = 2) -> Realisation:
    """A random realisation of ``shape``: a state of ``rank`` (pure by default), random projective POVMs,
    random channels with ``kraus`` Kraus operators."""
    state = random_state(int(np.prod(shape.dims)), rank, rng)
    channels = {c: random_channel(rng, shape.internal_dim, shape.scenario.dim, kraus)
                for c in shape.channel_labels()}
    return Realisation(shape, state, random_povms(rng, shape), channels)

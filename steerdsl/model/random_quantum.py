"""Random quantum assemblages, for tests and experiments.

``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I_B) ρ]`` (physics.md §3.2, §6) with ρ a random state on
``(⊗_j C^{d_j}) ⊗ C^d`` (``ρ = GG†/tr(GG†)``, G a Ginibre matrix of the given rank) and random projective
measurements of each Alice (Haar-random bases split into outcome groups).  Quantum by construction, so
every quantum test must accept it and every quantifier of post-quantumness must vanish on it.
"""

from __future__ import annotations

import numpy as np

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import measure_state
from steerdsl.model.scenario import Scenario


def random_projective_povm(rng: np.random.Generator, d: int, k: int) -> list[np.ndarray]:
    """A random projective measurement of ``k`` outcomes on ``C^d``: the columns of a random unitary
    (QR of a complex Gaussian matrix) split into ``k`` groups at random cuts,
    ``P_a = Σ_{i ∈ group a} |q_i⟩⟨q_i|`` (outcomes beyond ``d`` get the zero projector)."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    cut = np.sort(rng.choice(np.arange(1, d), size=min(k - 1, d - 1), replace=False)) if d > 1 else []
    groups = np.split(np.arange(d), cut)
    groups += [np.array([], dtype=int)] * (k - len(groups))
    return [q[:, g] @ q[:, g].conj().T for g in groups[:k]]


def random_state(dim: int, rank: int | None, rng: np.random.Generator) -> np.ndarray:
    """``GG†/tr(GG†)`` with G of size ``dim × rank`` (full rank by default), Gaussian complex entries."""
    g = rng.normal(size=(dim, rank or dim)) + 1j * rng.normal(size=(dim, rank or dim))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def random_quantum_assemblage(scenario: Scenario, alice_dims: tuple[int, ...] | None = None, rank: int | None = 1,
                              seed: int | None = None, name: str = "random") -> Assemblage:
    """A random quantum assemblage of ``scenario`` (one Bob without input): Alice dimensions ``alice_dims``
    (default: the largest outcome count, at least 2), a state of ``rank`` (pure by default)."""
    if scenario.kind not in ("standard", "multipartite", "bell"):
        raise ValueError(f"random assemblages are implemented for one Bob without input, not {scenario.kind}")
    rng = np.random.default_rng(seed)
    slots = scenario.slots
    dims = tuple(alice_dims) if alice_dims else tuple(max(2, *s.outputs) for s in slots)
    povms = [[random_projective_povm(rng, dj, s.outputs[x]) for x in range(s.inputs)] for dj, s in zip(dims, slots)]
    rho = random_state(int(np.prod(dims)) * scenario.dim, rank, rng)
    raw = measure_state(rho, dims + (scenario.dim,), list(range(len(dims))),
                        [lambda a, x, p=p: p[x][a] for p in povms], scenario)
    return Assemblage(scenario, {(a, x, ()): np.atleast_2d(el) for (a, x), el in raw.items()}, exact=False,
                      name=name)

"""Random quantum assemblages and functionals of each scenario kind, for the invariant tests.

A quantum assemblage is made from a random pure state on qubits (one per Alice, then Bob's) and
random projective qubit measurements: ``σ_{a|x} = tr_A[(⊗_j P^{(j)}_{a_j|x_j} ⊗ I) |ψ⟩⟨ψ|]``
(physics.md §1), so it is valid and quantum by construction.
"""

from __future__ import annotations

import numpy as np

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Alice, Bob, Scenario

KINDS = ("standard", "several_alices", "bob_with_input", "several_bobs", "bell")


def _pure(rng, n: int) -> np.ndarray:
    v = rng.normal(size=n) + 1j * rng.normal(size=n)
    v /= np.linalg.norm(v)
    return np.outer(v, v.conj())


def _unitary(rng, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _projective(rng) -> list[np.ndarray]:
    u = _unitary(rng, 2)
    return [np.outer(u[:, a], u[:, a].conj()) for a in range(2)]


def _bob_part(rho: np.ndarray, ops: list[np.ndarray], d: int) -> np.ndarray:
    """``tr_A[(⊗ops ⊗ I_d) ρ]``."""
    m = np.ones((1, 1))
    for o in ops:
        m = np.kron(m, o)
    da = m.shape[0]
    return np.einsum("ji,iajb->ab", m, rho.reshape(da, d, da, d))


def _alice(name: str, inputs: int) -> Alice:
    return Alice(name, inputs, (2,) * inputs)  # binary: the measurements are projective on a qubit


def scenario_of(kind: str, rng) -> Scenario:
    """A small scenario of the kind (inputs drawn at random where SDPs stay cheap)."""
    if kind == "standard":
        return Scenario((_alice("A", int(rng.integers(2, 4))),), (Bob("B", 2),))
    if kind == "several_alices":
        return Scenario((_alice("A", 2), _alice("C", 2)), (Bob("B", 2),))
    if kind == "bob_with_input":
        return Scenario((_alice("A", 3),), (Bob("B", 2, 2),))
    if kind == "several_bobs":
        return Scenario((_alice("A", 2),), (Bob("B1", 2), Bob("B2", 2)))
    if kind == "bell":
        return Scenario((_alice("A", 2), _alice("C", 2)), (Bob("_", 1),))
    raise ValueError(kind)


def quantum_assemblage(kind: str, rng) -> Assemblage:
    """A random quantum assemblage of the kind."""
    sc = scenario_of(kind, rng)
    n_alices = len(sc.alices)
    bob_qubits = {"several_bobs": 2, "bell": 0}.get(kind, 1)
    d = 2**bob_qubits
    rho = _pure(rng, 2 ** (n_alices + bob_qubits))
    povms = [[_projective(rng) for _ in range(al.inputs)] for al in sc.alices]
    rotations = [_unitary(rng, 2) for _ in range(2)]
    elements = {}
    for a, x, y in sc.keys():
        part = _bob_part(rho, [povms[j][x[j]][a[j]] for j in range(n_alices)], d)
        if kind == "bob_with_input":
            part = rotations[y[0]] @ part @ rotations[y[0]].conj().T
        if kind == "several_bobs":
            joint = part.reshape(2, 2, 2, 2)
            part = (np.einsum("ijkj->ik", joint), np.einsum("jijk->ik", joint))
        elements[(a, x, y)] = part
    return Assemblage(sc, elements, False, "sigma")


def random_functional(sc: Scenario, rng) -> Functional:
    """``F_{a|x}`` Hermitian with Gaussian entries (one Bob)."""
    d = sc.dim
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name="F")


def white_noise_mixture(sigma: Assemblage, v: float) -> Assemblage:
    """``v σ_{a|x} + (1 − v) I/(k d)`` (one Alice, one Bob)."""
    sc = sigma.scenario
    d = sc.dim
    elements = {key: v * s + (1 - v) * np.eye(d) / (sc.slots[0].outputs[key[1][0]] * d)
                for key, s in sigma.elements.items()}
    return Assemblage(sc, elements, False, "mixed")

"""Numeric benchmark assemblages: quantum ones from random (seeded) states and measurements, and
post-quantum ones mixed with an n-party PR-type box.

Quantum: ``σ_{a|x} = tr_A[(⊗_j P^{(j)}_{a_j|x_j} ⊗ I) ρ]`` with ``P^{(j)}_{a|x}`` the rank-1
projectors onto the columns of a Haar-random unitary (outcomes grouped into ``k`` classes when
Alice's dimension exceeds ``k``), and ``ρ`` a pure random state mixed with white noise.
Box: ``p(a|x) = k^{1−n}`` when ``Σ_j a_j ≡ Π_j x_j (mod k)`` (no-signalling; the PR box for
n = k = 2), times Bob's random state.
"""

from __future__ import annotations

from math import prod

import numpy as np

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario


def haar_unitary(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random unitary (QR of a complex Gaussian matrix with fixed phases; Mezzadri 2007)."""
    z = (rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def projective_measurement(dim: int, outcomes: int, rng: np.random.Generator, real: bool = False) -> list:
    """``outcomes`` orthogonal projectors summing to I: basis vectors of a random unitary, vector ``i``
    going to outcome ``i mod outcomes``."""
    u = haar_unitary(dim, rng)
    if real:
        u, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    projectors = [np.zeros((dim, dim), dtype=complex) for _ in range(outcomes)]
    for i in range(dim):
        projectors[i % outcomes] += np.outer(u[:, i], u[:, i].conj())
    return projectors


def random_state(dim: int, rng: np.random.Generator, purity: float = 0.9) -> np.ndarray:
    """``purity·|ψ⟩⟨ψ| + (1 − purity)·I/dim`` for a random unit vector ψ."""
    psi = rng.standard_normal(dim) + 1j * rng.standard_normal(dim)
    psi /= np.linalg.norm(psi)
    return purity * np.outer(psi, psi.conj()) + (1 - purity) * np.eye(dim) / dim


def scenario(alices: int, inputs: int, outputs: int, dim: int) -> Scenario:
    """``alices`` Alices with ``inputs`` inputs and ``outputs`` outcomes each, one Bob of dimension ``dim``."""
    return Scenario(tuple(Alice(f"A{j + 1}", inputs, (outputs,) * inputs) for j in range(alices)),
                    (Bob("B", dim),))


def quantum_assemblage(sc: Scenario, alice_dim: int, seed: int, purity: float = 0.9,
                       real: bool = False) -> Assemblage:
    """Random measurements of dimension ``alice_dim`` per Alice on a random state of the Alices and Bob."""
    rng = np.random.default_rng(seed)
    n, d = len(sc.alices), sc.dim
    rho = random_state(alice_dim ** n * d, rng, purity)
    if real:
        rho = rho.real
    measurements = [[projective_measurement(alice_dim, s.outputs[x], rng, real) for x in range(s.inputs)]
                    for s in sc.slots]
    elements = {}
    for key in sc.keys():
        a, x, _ = key
        op = measurements[0][x[0]][a[0]]
        for j in range(1, n):
            op = np.kron(op, measurements[j][x[j]][a[j]])
        full = np.kron(op, np.eye(d)) @ rho
        blocks = full.reshape(alice_dim ** n, d, alice_dim ** n, d)
        elements[key] = np.einsum("iaib->ab", blocks)
    return Assemblage(sc, elements, exact=False, name="sigmaQ")


def box_assemblage(sc: Scenario, seed: int) -> Assemblage:
    """``p(a|x)·ρ_B`` with the n-party box ``Σ a_j ≡ Π x_j (mod k)`` and a random Bob state."""
    rng = np.random.default_rng(seed)
    k = sc.slots[0].outputs[0]
    n = len(sc.slots)
    rho = random_state(sc.dim, rng, 0.5)
    elements = {}
    for key in sc.keys():
        a, x, _ = key
        p = k ** (1 - n) if sum(a) % k == prod(x) % k else 0.0
        elements[key] = p * rho
    return Assemblage(sc, elements, exact=False, name="box")


def mixture(first: Assemblage, second: Assemblage, q: float, name: str) -> Assemblage:
    """``(1 − q)·first + q·second``."""
    return Assemblage(first.scenario, {k: (1 - q) * first[k] + q * second[k] for k in first.elements},
                      exact=False, name=name)


def post_quantum(alices: int, inputs: int, outputs: int, dim: int, seed: int = 1, q: float = 0.5) -> Assemblage:
    """Half a quantum assemblage (Alices of dimension ``outputs``), half the box: post-quantum for q large."""
    sc = scenario(alices, inputs, outputs, dim)
    return mixture(quantum_assemblage(sc, outputs, seed), box_assemblage(sc, seed + 1000), q, "sigma")


def steering_assemblage(inputs: int, outputs: int, dim: int, seed: int = 1) -> Assemblage:
    """One Alice measuring ``inputs`` random ``outputs``-outcome projective measurements on her half of
    the maximally entangled state of two qudits: ``σ_{a|x} = P_{a|x}ᵀ / d`` (steerable for m ≥ 2)."""
    rng = np.random.default_rng(seed)
    sc = scenario(1, inputs, outputs, dim)
    elements = {}
    for x in range(inputs):
        for a, p in enumerate(projective_measurement(dim, outputs, rng)):
            elements[((a,), (x,), ())] = p.T / dim
    return Assemblage(sc, elements, exact=False, name="sigma")


def random_functional(sc: Scenario, seed: int):
    """A random Hermitian steering functional ``F_{a|x}`` on every full key (Gaussian entries)."""
    from steerdsl.model.assemblage import Functional

    rng = np.random.default_rng(seed)
    d = sc.dim
    terms = {}
    for key in sc.keys():
        g = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name="F")



def with_imaginary_part(sigma: Assemblage, weight: float = 0.05) -> Assemblage:
    """A several-Bobs ``σ`` with ``weight · tr(σ^(1)_{a|x}) · Y`` added to the first (qubit) Bob: still PSD for
    ``weight`` below the smallest eigenvalue fraction of σ^(1), and no-signalling (the added part follows the
    traces), but complex — the complex variant of a real benchmark assemblage."""
    Y = np.array([[0, -1j], [1j, 0]])
    elements = {}
    for key, (first, *rest) in sigma.to_numeric().elements.items():
        first = np.asarray(first, dtype=complex)
        elements[key] = (first + weight * np.trace(first).real * Y, *(np.asarray(r, dtype=complex) for r in rest))
    return Assemblage(sigma.scenario, elements, exact=False, name=sigma.name)

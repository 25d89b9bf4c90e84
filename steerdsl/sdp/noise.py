"""Noise assemblages for visibilities: white, GHZ and W noise.

White noise is ``N_{a|x(y)} = Π_j 1/k_j(x_j) · I/d`` (uniform outcomes, the
maximally mixed state on every Bob), the noise of the Werner-state
visibility (Cavalcanti & Skrzypczyk, Rep. Prog. Phys. 80, 024001 (2017),
§6.1).  GHZ and W noise are the assemblages of ``|GHZ⟩ = (|0…0⟩ + |1…1⟩)/√2``
and ``|W⟩ = (|10…0⟩ + … + |0…01⟩)/√n`` on ``n`` = #Alices + #Bobs qubits
(Alices first) when every Alice measures ``Z`` (``x = 0``) or ``X``
(``x = 1``) on her qubit: ``N_{a|x} = tr_A[(⊗_j M_{a_j|x_j} ⊗ I) |ψ⟩⟨ψ|]``
(Sainz 2026, eqs. 22–23); with several Bobs each Bob keeps his own qubit.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod

import numpy as np

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Scenario

_PAULI_EIGENVECTORS = (
    np.eye(2, dtype=complex),  # Z: |0⟩, |1⟩
    np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2),  # X: |+⟩, |−⟩
)


def white_noise(scenario: Scenario) -> Assemblage:
    """``N_{a|x(y)} = Π_j 1/k_j(x_j) · I/d`` on every Bob (uniform outcomes, maximally mixed Bobs)."""
    elements = {}
    for key in scenario.keys():
        a, x, _y = key
        weight = 1.0 / prod(slot.outputs[xj] for slot, xj in zip(scenario.slots, x, strict=True))
        states = tuple(weight * np.eye(d, dtype=complex) / d for d in scenario.bob_dims)
        elements[key] = states if len(states) > 1 else states[0]
    return Assemblage(scenario, elements, exact=False, name="white_noise")


def ghz_state(qubits: int) -> np.ndarray:
    """``|GHZ⟩ = (|0…0⟩ + |1…1⟩)/√2`` on ``qubits`` qubits."""
    psi = np.zeros(2**qubits, dtype=complex)
    psi[0] = psi[-1] = 1 / np.sqrt(2)
    return psi


def w_state(qubits: int) -> np.ndarray:
    """``|W⟩ = (|10…0⟩ + |01…0⟩ + … + |0…01⟩)/√n`` on ``n = qubits`` qubits."""
    psi = np.zeros(2**qubits, dtype=complex)
    for j in range(qubits):
        psi[1 << j] = 1 / np.sqrt(qubits)
    return psi


def _check_pauli_scenario(scenario: Scenario, name: str) -> None:
    for alice in scenario.alices:
        if alice.rounds != 1 or alice.inputs != 2 or tuple(alice.outputs) != (2, 2):
            raise ValueError(
                f"{name} noise needs Alices with 2 inputs and 2 outputs measured once; "
                f"alice {alice.name} has {alice.inputs} inputs, outputs {list(alice.outputs)}, "
                f"{alice.rounds} round(s)"
            )
    for bob in scenario.bobs:
        if bob.dim != 2:
            raise ValueError(f"{name} noise needs qubit Bobs; bob {bob.name} has dimension {bob.dim}")


def _pauli_assemblage(scenario: Scenario, psi: np.ndarray, name: str) -> Assemblage:
    """Alice ``j`` measures ``Z`` (``x_j = 0``) or ``X`` (``x_j = 1``) on qubit ``j`` of ``psi``."""
    _check_pauli_scenario(scenario, name)
    n_alices, n_bobs = len(scenario.alices), len(scenario.bobs)
    tensor = psi.reshape((2,) * (n_alices + n_bobs))
    elements = {}
    for key in scenario.keys():
        a, x, _y = key
        bob_vector = tensor
        for aj, xj in zip(a, x, strict=True):
            # contract the first remaining (Alice) axis with the eigenvector ⟨m_{a_j|x_j}|
            bob_vector = np.tensordot(_PAULI_EIGENVECTORS[xj][:, aj].conj(), bob_vector, axes=(0, 0))
        if n_bobs == 1:
            vector = bob_vector.reshape(2)
            elements[key] = np.outer(vector, vector.conj())
            continue
        states = []
        for k in range(n_bobs):
            matrix = np.moveaxis(bob_vector, k, 0).reshape(2, -1)
            states.append(matrix @ matrix.conj().T)
        elements[key] = tuple(states)
    return Assemblage(scenario, elements, exact=False, name=name)


def ghz_noise(scenario: Scenario) -> Assemblage:
    """The Pauli (``Z``/``X``) assemblage of ``|GHZ⟩`` on #Alices + #Bobs qubits (Sainz 2026, eq. 22)."""
    return _pauli_assemblage(scenario, ghz_state(len(scenario.alices) + len(scenario.bobs)), "ghz_noise")


def w_noise(scenario: Scenario) -> Assemblage:
    """The Pauli (``Z``/``X``) assemblage of ``|W⟩`` on #Alices + #Bobs qubits (Sainz 2026, eq. 23)."""
    return _pauli_assemblage(scenario, w_state(len(scenario.alices) + len(scenario.bobs)), "w_noise")


NOISES: dict[str, Callable[[Scenario], Assemblage]] = {"white": white_noise, "ghz": ghz_noise, "w": w_noise}


def noise_assemblage(scenario: Scenario, noise: str | Assemblage) -> Assemblage:
    """The numeric noise assemblage named ``noise`` (``white``, ``ghz``, ``w``) or given explicitly."""
    if isinstance(noise, Assemblage):
        if noise.scenario != scenario:
            raise ValueError(f"the noise assemblage {noise.name} lives in another scenario")
        return noise.to_numeric()
    if noise not in NOISES:
        raise ValueError(f"unknown noise {noise!r}; choose one of {', '.join(NOISES)} or give an assemblage")
    return NOISES[noise](scenario)

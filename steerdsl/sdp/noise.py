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
from dataclasses import dataclass
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


VISIBILITY_CAP = 2.0
"""Largest visibility a solve may report: ``v > 1`` puts σ strictly inside the set (then a margin), the cap
keeps the problem bounded when σ and the noise coincide."""


@dataclass(frozen=True)
class Mixing:
    """How noise ``N`` enters the data of a membership SDP: an affine family ``τ(s) = base + s·direction``
    in one scalar variable ``s``.

    * robustness (``visibility=False``): ``τ = σ + t·N`` in the (conic) set, ``min t ≥ −1``; ``t*`` is the
      noise robustness and the margin (physics.md §4.1).  Always feasible when ``N`` is in the interior
      of the set (white noise).
    * visibility (``visibility=True``): ``τ = N + v(σ − N) = vσ + (1 − v)N``, ``max v ≤ 2``; the least
      noise that makes σ quantum is ``r = 1 − v*`` (Sainz 2026 §6) and the margin ``t = (1 − v*)/v*``.
      Feasible whenever ``N`` is in the set — GHZ and W noise lie on its boundary, where the robustness
      form can be infeasible."""

    visibility: bool = False

    def parts(self, sigma_block: np.ndarray, noise_block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(base, direction)`` of one data block."""
        if self.visibility:
            return noise_block, sigma_block - noise_block
        return sigma_block, noise_block

    def pose(self, problem, s) -> None:
        """Set the objective on ``s`` and its bound: ``min t, t ≥ −1`` or ``max v, v ≤ 2``."""
        if self.visibility:
            problem.add_constraint(s <= VISIBILITY_CAP)
            problem.set_objective("max", s)
        else:
            problem.add_constraint(s >= -1)
            problem.set_objective("min", s)

    def margin(self, s: float) -> float:
        """The signed distance to the set read off the optimum: ``t*``, or ``(1 − v*)/v*``."""
        if not self.visibility:
            return s
        return (1 - s) / s if s > 0 else float("inf")

    def describe(self, s: float) -> dict:
        """``robustness``, ``visibility`` and the least noise fraction ``r`` at the optimum ``s``."""
        if self.visibility:
            return {"visibility": s, "noise_fraction": 1 - s, "robustness": self.margin(s)}
        return {"robustness": s, "visibility": 1 / (1 + s) if s > -1 else float("inf"),
                "noise_fraction": s / (1 + s) if s > -1 else float("-inf")}


ROBUSTNESS = Mixing(visibility=False)
VISIBILITY = Mixing(visibility=True)

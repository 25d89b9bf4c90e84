"""Steering negativity (physics.md §5): the relaxation lower bound and the pseudo-state upper bound against
theorems (ν = 0 on quantum assemblages, the CHSH argument for E4) and an explicit realisation of E5."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.negativity import negativity_lower_bound, negativity_upper_bound, steering_negativity

MODELS = Path(__file__).resolve().parent.parent / "models"
SCENARIOS = [
    Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),)),  # two Alices, qubit Bob
    Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2),)),                     # three inputs
    Scenario((Alice("A", 2, (3, 3)),), (Bob("B", 3),)),                        # qutrits
]


def test_e4_negativity_is_sqrt2_minus_1_over_2():
    """For σ = p_PR·I/2 and any split σ = σ₊ − σ₋ into quantum assemblages, CHSH(σ) = 4 ≤ 2√2(1 + 2ν), so
    ν ≥ (√2 − 1)/2; both sides of the bracket must sit on this value."""
    sigma = sd.load(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    result = steering_negativity(sigma, dims=(2, 2), restarts=1, iterations=0)
    lower, upper = result.details["bracket"]
    assert lower == pytest.approx((2 ** 0.5 - 1) / 2, abs=1e-6)
    assert upper == pytest.approx((2 ** 0.5 - 1) / 2, abs=1e-6)


def _e5_pseudo_state() -> np.ndarray:
    """(id ⊗ Λ)(|Ψ⟩⟨Ψ|) of E5, built here with numpy from examples.md."""
    psi = np.zeros(16, dtype=complex)
    for idx in range(16):
        k = bin(idx).count("1")  # a1 + a2 + b + b' for |a1 a2 b b'⟩
        psi[idx] = {1: 1, 2: 1j, 3: -1}.get(k, 0)
    psi /= np.sqrt(14)
    rho = np.outer(psi, psi.conj())
    X, Y = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]])
    U = np.kron(np.eye(4), np.kron(X, Y))
    r = rho.reshape(4, 4, 4, 4)
    bob_transposed = r.transpose(0, 3, 2, 1).reshape(16, 16)
    traced = np.einsum("abcb->ac", r)
    return (np.kron(traced, np.eye(4)) - rho - U @ bob_transposed @ U.conj().T) / 2


def test_e5_negativity_bracket_is_positive_and_below_its_realisation():
    model = sd.load(MODELS / "e05_breuer_map.steer")
    sigma = model["sigma"]
    lower = negativity_lower_bound(sigma).value
    assert lower > 1e-3  # post-quantum, far above the tolerance
    pseudo = _e5_pseudo_state()
    realised = -sum(v for v in np.linalg.eigvalsh(pseudo) if v < 0)
    assert lower <= realised + 1e-6  # the realisation of examples.md is one candidate for ν
    upper = negativity_upper_bound(sigma, dims=(2, 2), restarts=1, iterations=2).value
    assert lower - 1e-6 <= upper <= realised + 1e-6


def test_e5_pseudo_state_reproduces_the_model():
    """The realisation used above gives the model's σ (so its tr ρ̃₋ really bounds ν(σ))."""
    sigma = sd.load(MODELS / "e05_breuer_map.steer")["sigma"].to_numeric()
    pseudo = _e5_pseudo_state().reshape(2, 2, 4, 2, 2, 4)
    X, Z = np.array([[0, 1], [1, 0]]), np.diag([1, -1])
    obs = [[X, Z], [(X + Z) / np.sqrt(2), (Z - X) / np.sqrt(2)]]
    for (a, x, _), el in sigma.elements.items():
        m1 = (np.eye(2) + (-1) ** a[0] * obs[0][x[0]]) / 2
        m2 = (np.eye(2) + (-1) ** a[1] * obs[1][x[1]]) / 2
        assert np.allclose(np.einsum("ji,lk,ikbjlc->bc", m1, m2, pseudo), el, atol=1e-12)


def test_negativity_lower_bound_vanishes_on_20_random_quantum_assemblages():
    values = []
    for k in range(20):
        sigma = sd.random_quantum_assemblage(SCENARIOS[k % 3], rank=1 + k % 2, seed=k)
        values.append(negativity_lower_bound(sigma).value)
    assert max(values) <= 1e-7


def test_upper_bound_brackets_and_is_zero_for_sigma_q():
    """Every upper bound is ≥ the lower bound and ≥ 0 (ν ≥ 0); E5's σ^Q, made with qubit measurements along
    orthogonal Bloch directions (those of the unbiased start, up to a local unitary), gets 0 (up to the solver)."""
    for k in range(3):
        sigma = sd.random_quantum_assemblage(SCENARIOS[0], seed=100 + k)
        lower = negativity_lower_bound(sigma).value
        upper = negativity_upper_bound(sigma, restarts=1, iterations=2, seed=k).value
        assert upper >= lower - 1e-6 and upper >= -1e-7
    sigma_q = sd.load(MODELS / "e05_breuer_map.steer")["sigmaQ"]  # qubit Alices, orthogonal Bloch directions
    assert abs(negativity_upper_bound(sigma_q, restarts=1, iterations=0).value) <= 1e-7


def test_negativity_task_in_the_language():
    text = """
scenario {
    alice A1 : inputs 2, outputs 2
    alice A2 : inputs 2, outputs 2
    bob B : dim 2
}
assemblage pr[a1 a2|x1 x2] = [a1 xor a2 == x1 * x2] / 2 * I/2
solve pr : negativity level 1 restarts 1 expect > 0.2
solve pr : steering_negativity dims 2 2 restarts 1 expect ≈ 0.20710678 tol 1e-6
"""
    from steerdsl.run import run_model

    report = run_model(sd.loads(text))
    assert not report.diagnostics and [a.ok for a in report.answers] == [True, True]
    first = report.answers[0].to_json()
    assert first["details"]["level"] == "1" and len(first["details"]["bracket"]) == 2


def test_dimension_too_small_for_projective_measurements_is_a_clear_error():
    sigma = sd.random_quantum_assemblage(SCENARIOS[2], seed=1)
    with pytest.raises(ValueError, match="need Alice dimension"):
        negativity_upper_bound(sigma, dims=(2,))

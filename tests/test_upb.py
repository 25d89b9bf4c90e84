"""The UPB witness of E6 (NJP 20, 083040 (2018) §6): ε by multistart product minimisation, the
witness checks, and the total probability of the UPB events.

Reference values: ε ≈ 0.081441 (literature, examples.md E6) and 4(1−ε)/(4−8ε) ≈ 1.097.
Second methods: the reported product vector re-evaluated in floats; a dense grid search for
small cases; witnesses whose positivity on product vectors is known.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact.witness_checks import entanglement_witness
from steerdsl.model.values import State
from steerdsl.numeric.product_minimum import product_minimum
from steerdsl.run import run_model

MODELS = Path(__file__).resolve().parent.parent / "models"
KET = {"0": np.array([1, 0]), "1": np.array([0, 1]), "+": np.array([1, 1]) / np.sqrt(2),
       "-": np.array([1, -1]) / np.sqrt(2)}


def shifts_projector() -> np.ndarray:
    vectors = []
    for labels in ("000", "1-+", "+1-", "-+1"):
        v = np.ones(1)
        for c in labels:
            v = np.kron(v, KET[c])
        vectors.append(v)
    return sum(np.outer(v, v) for v in vectors)


def test_upb_epsilon_matches_the_literature_and_its_vector():
    pi = shifts_projector()
    est = product_minimum(pi, (2, 2, 2), restarts=40, seed=0)
    assert est.value == pytest.approx(0.0814, abs=1e-4)
    assert est.value == pytest.approx(0.081441, abs=2e-6)
    psi = est.product_vector
    assert np.linalg.norm(psi) == pytest.approx(1)
    assert (psi.conj() @ pi @ psi).real == pytest.approx(est.value, abs=1e-12)
    assert est.hits >= 10  # many starts agree on the best value
    assert "alternating minimisation" in est.method


def test_upb_events_total_probability_exceeds_one():
    eps = product_minimum(shifts_projector(), (2, 2, 2), restarts=40, seed=0).value
    assert 4 * (1 - eps) / (4 - 8 * eps) == pytest.approx(1.097, abs=1e-3)
    # the same number read off the model's behaviour, with ε set to the estimate (rounded down)
    text = (MODELS / "e06_upb_witness.steer").read_text()
    eps_q = Fraction(int(eps * 10**6), 10**6)
    model = sd.loads(text.replace("let eps = 0.0814", f"let eps = {float(eps_q)}"), str(MODELS / "e6.steer"))
    total = float(model["upb_events"].to_fraction())
    assert total == pytest.approx(1.097, abs=1e-3) and total > 1
    assert total == pytest.approx(4 * (1 - eps_q) / (4 - 8 * eps_q), abs=1e-15)


def test_e06_model_runs_its_estimate_and_expectations():
    report = run_model(sd.load(MODELS / "e06_upb_witness.steer"))
    assert report.ok, [d.message for d in report.diagnostics]
    upb = next(a for a in report.answers if a.subject == "PiUPB")
    assert upb.result.value == pytest.approx(0.081441, abs=1e-4)
    assert "⊗" in upb.result.details["best_product_vector"]
    w = next(a for a in report.answers if a.subject == "W")
    assert w.result.value == pytest.approx((upb.result.value - 0.0814) / (4 - 8 * 0.0814), abs=1e-8)


def grid_minimum_two_qubits(h: np.ndarray, grid: int = 120) -> float:
    """``min ⟨x⊗y|H|x⊗y⟩`` over a grid of x and the exact minimum over y (lowest eigenvalue)."""
    th, ph = np.meshgrid(np.linspace(0, np.pi, grid), np.linspace(0, 2 * np.pi, grid, endpoint=False))
    xs = np.stack([np.cos(th.ravel() / 2), np.exp(1j * ph.ravel()) * np.sin(th.ravel() / 2)], axis=1)
    m = np.einsum("ni,iajb,nj->nab", xs.conj(), h.reshape(2, 2, 2, 2), xs)
    return float(np.linalg.eigvalsh(m)[:, 0].min())


@pytest.mark.parametrize("seed", range(5))
def test_product_minimum_agrees_with_a_grid_search(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    h = (a + a.conj().T) / 2
    est = product_minimum(h, (2, 2), restarts=20, seed=seed)
    assert est.value == pytest.approx(grid_minimum_two_qubits(h), abs=2e-3)
    assert est.value <= grid_minimum_two_qubits(h) + 1e-9  # attained, so never above the grid's best


def test_product_minimum_of_known_operators():
    singlet = np.array([0, 1, -1, 0]) / np.sqrt(2)
    # ⟨x⊗y|Ψ−⟩⟨Ψ−|x⊗y⟩ = 0 at x = y; the swap F has ⟨x⊗y|F|x⊗y⟩ = |⟨x|y⟩|² ≥ 0, min 0
    assert product_minimum(np.outer(singlet, singlet), (2, 2)).value == pytest.approx(0, abs=1e-12)
    swap = np.eye(4)[[0, 2, 1, 3]]
    assert product_minimum(swap, (2, 2)).value == pytest.approx(0, abs=1e-12)
    assert np.linalg.eigvalsh(swap)[0] == pytest.approx(-1)
    with pytest.raises(ValueError, match="does not act"):
        product_minimum(swap, (2, 3))


def state(rho, dims=(2, 2), name="W") -> State:
    return State(name, ("A", "B"), dims, rho, pseudo=True)


def test_entanglement_witness_checks():
    swap = np.eye(4, dtype=complex)[[0, 2, 1, 3]] / 2  # the swap/2: the standard witness of Werner states
    r = entanglement_witness(state(swap))
    assert r.status == "undecided" and not r.exact and "not PSD" in r.detail
    phi = np.array([1, 0, 0, 1]) / np.sqrt(2)
    witness_too_strong = np.eye(4) / 2 - np.outer(phi, phi) * 1.5  # negative on |00⟩: ⟨00|W|00⟩ = 1/2 − 3/4
    r = entanglement_witness(state(witness_too_strong))
    assert r.status == "fail" and r.code == "E216"
    r = entanglement_witness(state(np.eye(4) / 4))
    assert r.status == "fail" and "a state, not a witness" in r.detail


def test_e06_witness_is_not_psd_and_undecided_on_product_vectors():
    model = sd.load(MODELS / "e06_upb_witness.steer")
    w = model["W"]
    assert sd.check(w, "psd").status == "fail"
    r = sd.check(w, "entanglement_witness")
    assert r.status == "undecided" and not r.exact
    too_large = sd.loads((MODELS / "e06_upb_witness.steer").read_text().replace("let eps = 0.0814", "let eps = 0.09"),
                         str(MODELS / "e6.steer"))["W"]
    r = sd.check(too_large, "entanglement_witness")
    assert r.status == "fail" and r.exact  # ε above the true minimum: an exact product vector with ⟨ψ|W|ψ⟩ < 0

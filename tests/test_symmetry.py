"""Symmetry reduction (issue 20): the reduced bound equals the unreduced one on random symmetric
functionals, detected generators leave the objective invariant, and the scalar count drops."""

from __future__ import annotations

import numpy as np
import pytest

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import symmetry
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound


def _random_hermitian(rng, d):
    m = rng.normal(size=(d, d)) + (1j * rng.normal(size=(d, d)) if d > 1 else 0)
    return (m + m.conj().T) / 2


def _symmetric_functional(sc: Scenario, seed: int) -> Functional:
    """A random functional averaged over the relabellings swapping outcomes 0 ↔ 1 of input 0 of each slot
    (a group of order 2^J), so it is invariant by construction."""
    rng = np.random.default_rng(seed)
    terms = {key: _random_hermitian(rng, sc.dim) for key in sc.keys()}
    n = len(sc.slots)
    averaged = {}
    for key in terms:
        a, x, rest = key
        total = 0
        for flips in range(2 ** n):
            b = tuple((1 - a[j] if (flips >> j) & 1 and x[j] == 0 and a[j] < 2 else a[j]) for j in range(n))
            total = total + terms[(b, x, rest)]
        averaged[key] = total / 2 ** n
    return Functional(sc, averaged, exact=False, name="F")


SCENARIOS = {
    "standard": Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2),)),
    "multipartite": Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),)),
    "bell": Scenario((Alice("A", 2, (3, 2)), Alice("B", 2, (3, 2))), (Bob("_", 1),)),
}


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", [1, 2])
def test_reduced_bound_equals_unreduced(kind, seed):
    F = _symmetric_functional(SCENARIOS[kind], seed)
    reduced = bound(F, "max", "1+AB", symmetry=True)
    full = bound(F, "max", "1+AB", symmetry=False)
    info = reduced.details["symmetry"]
    assert info["group_order"] >= 2
    assert info["scalars_after"] < info["scalars_before"]
    assert reduced.value == pytest.approx(full.value, abs=1e-7)


def test_detected_generators_leave_the_objective_invariant():
    sc = SCENARIOS["multipartite"]
    F = _symmetric_functional(sc, 3)
    words = level_words(sc, "1+AB")
    reps = symmetry.classes(words)
    c = symmetry.objective_vector(_per_word(F), reps, sc.dim)
    found = symmetry.detect(sc, reps, c)
    assert found
    for g in found:
        assert np.abs(symmetry.action_matrix(sc, reps, g).T @ c - c).max() < 1e-12


def test_steering_chsh_and_chsh_values():
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("_", 1),))
    chsh = Functional(sc, {((a, b), (x, y), ()): np.array([[(-1.0) ** (a + b + x * y)]])
                           for a in range(2) for b in range(2) for x in range(2) for y in range(2)},
                      exact=False, name="chsh")
    r = bound(chsh, "max", "1+AB", symmetry=True)
    assert r.details["symmetry"]["group_order"] >= 2
    assert r.value == pytest.approx(2 * np.sqrt(2), abs=1e-7)
    # Σ_x tr((σ_{0|x} − σ_{1|x}) B_x), B_x = (Z ± X)/√2 (eigenvalues ±1): at most 2, attained with
    # ρ_B = I/2 and σ_{a|x} = half the eigenprojectors of B_x
    sc2 = Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2),))
    F2 = Functional(sc2, {((a,), (x,), ()): (-1) ** a * (Z + (-1) ** x * X) / np.sqrt(2)
                          for a in range(2) for x in range(2)}, exact=False, name="s")
    assert bound(F2, "max", "1+AB", symmetry=True).value == pytest.approx(2.0, abs=1e-7)


def test_word_image_of_a_last_outcome_is_identity_minus_the_rest():
    sc = Scenario((Alice("A", 1, (3,)),), (Bob("B", 2),))
    g = symmetry.Symmetry((0,), ((0,),), (((2, 1, 0),),))
    assert symmetry.word_image(sc, g, ((0, 0, 0),)) == {(): 1.0, ((0, 0, 0),): -1.0, ((0, 0, 1),): -1.0}
    assert symmetry.word_image(sc, g, ((0, 0, 1),)) == {((0, 0, 1),): 1.0}


def test_api_switch_reports_and_turns_off():
    import steerdsl as sd

    F = _symmetric_functional(SCENARIOS["standard"], 4)
    on = sd.bound(F, "max", over="almost_quantum")
    off = sd.bound(F, "max", over="almost_quantum", symmetry=False)
    assert on.result.details["symmetry"]["scalars_after"] < on.result.details["symmetry"]["scalars_before"]
    assert "symmetry" not in off.result.details
    assert on.value == pytest.approx(off.value, abs=1e-7)


def test_model_line_switch():
    import steerdsl as sd
    from steerdsl.run import run_model

    text = ("scenario { alice A : inputs 2, outputs 2  alice C : inputs 2, outputs 2 }\n"
            "functional chsh[a c|x z] = (-1)^(a + c + x*z)\n"
            "bound max chsh over almost_quantum symmetry off expect ≈ 2.8284271 tol 1e-6\n"
            "bound max chsh over almost_quantum symmetry on expect ≈ 2.8284271 tol 1e-6\n")
    report = run_model(sd.loads(text))
    assert report.ok

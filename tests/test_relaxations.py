"""Quantum relaxations against the known answers of examples.md and against random quantum assemblages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sdp.bwi_hierarchy import bwi_membership, instrumental_membership
from steerdsl.sdp.lhs import lhs_bound
from steerdsl.sdp.npa_words import adjoint, level_words, product, reduce_word
from steerdsl.sdp.parents import parent_states, several_bobs_membership
from steerdsl.sdp.relaxation import bound, membership, nosignalling_bound
from steerdsl.sdp.solve import SolverError

MODELS = Path(__file__).resolve().parent.parent / "models"


def model(name: str):
    return sd.load(MODELS / name)


# ---------------------------------------------------------------- moment matrix assembly
@pytest.mark.parametrize("real, level", [(False, "1+AB"), (True, "1+AB"), (False, 2)])
def test_moment_matrix_equals_picos_block(real, level):
    """Γ assembled from coefficient rows equals ``picos.block`` of its blocks (a second construction) at
    random values of every variable and of a data parameter."""
    import picos

    from steerdsl.sdp.moment_matrix import build
    from steerdsl.sdp.npa_words import is_data_word

    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    words = level_words(sc, level)
    rng = np.random.default_rng(3)
    s = picos.RealVariable("s")
    data = {}

    def block(w):
        if w not in data:
            g = rng.normal(size=(2, 2)) + (0 if real else 1j) * rng.normal(size=(2, 2))
            data[w] = picos.Constant(g + g.conj().T) * s + picos.Constant(np.eye(2))
        return data[w]

    mm = build(words, 2, lambda w: block(w) if len(w) == 1 else None, real)
    s.value = 0.3
    for v in mm.variables.values():
        shape = v.shape
        g = rng.normal(size=shape) + (0 if real else 1j) * rng.normal(size=shape)
        v.value = (g + g.conj().T) / 2 if isinstance(v, (picos.SymmetricVariable, picos.HermitianVariable)) else \
            (g.real if real else g)
    n = len(words)
    blocks = [[None] * n for _ in range(n)]
    for rep, places in mm.positions.items():
        b = np.array((mm.variables[rep] if rep in mm.variables else data[rep]).value, dtype=complex)
        for i, j, daggered in places:
            blocks[i][j] = b.conj().T if daggered else b
            blocks[j][i] = b if daggered else b.conj().T
    for i in range(n):
        for j in range(n):
            if blocks[i][j] is None:
                blocks[i][j] = np.zeros((2, 2))
    expected = np.array(picos.block([[picos.Constant(b) for b in row] for row in blocks]).value, dtype=complex)
    assert any(is_data_word(w) for w in mm.positions)
    assert np.allclose(np.array(mm.expression.value, dtype=complex), expected, atol=1e-12)


# ---------------------------------------------------------------- words
def test_word_reduction():
    a0, a1, b0 = (0, 0, 0), (0, 1, 0), (1, 0, 0)
    assert reduce_word([a0, a0]) == (a0,)
    assert reduce_word([(0, 0, 0), (0, 0, 1)]) is None
    assert reduce_word([b0, a0]) == (a0, b0)  # parties commute
    assert adjoint((a0, a1, b0)) == (a1, a0, b0)
    assert product((a0, a1), (a1,)) == (a1, a0, a1)


def test_level_sizes():
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("B", 2, (2, 2))), (Bob("_", 1),))
    assert len(level_words(sc, "1+AB")) == 9  # 1 + 4 singles + 4 products
    assert len(level_words(sc, 1)) == 5
    assert len(level_words(sc, 2)) == 13  # + AA' (2), BB' (2), AB (4)


# ---------------------------------------------------------------- examples.md
@pytest.mark.parametrize("file", ["e04_pr_box_tripartite.steer", "e05_breuer_map.steer"])
def test_almost_quantum_excludes_with_a_witness(file):
    sigma = model(file)["sigma"]
    r = membership(sigma, "1+AB")
    assert r.verdict == "excluded"
    value = functional_value(r.witness, sigma.to_numeric())
    assert value == pytest.approx(r.value, abs=1e-7)
    independent = bound(r.witness, "max", "1+AB").value  # a second SDP, every block a variable
    assert value > independent + 1e-4


def test_e04_robustness_is_sqrt2_minus_1():
    assert membership(model("e04_pr_box_tripartite.steer")["sigma"]).value == pytest.approx(2**0.5 - 1, abs=1e-6)


def test_e05_quantum_assemblage_is_not_excluded():
    assert membership(model("e05_breuer_map.steer")["sigmaQ"]).verdict != "excluded"


def test_e11_chsh_values():
    chsh = model("e11_chsh.steer")["chsh"]
    assert lhs_bound(chsh).value == pytest.approx(2, abs=1e-6)
    assert bound(chsh, level="1+AB").value == pytest.approx(2 * 2**0.5, abs=1e-6)
    assert bound(chsh, level=1).value == pytest.approx(2 * 2**0.5, abs=1e-6)
    assert nosignalling_bound(chsh).value == pytest.approx(4, abs=1e-6)


def test_several_bobs_examples():
    assert several_bobs_membership(model("e07_several_bobs_pr.steer")["sigma"]).verdict == "excluded"
    e8 = model("e08_several_bobs_ghz_w.steer")
    for name in ("sigmaGHZ", "sigmaW"):
        assert parent_states(e8[name]).details["lambda"] >= -1e-7
    assert parent_states(model("e09_lhs_bell_nonlocal_bobs.steer")["sigma"]).verdict == "member"


def test_bwi_examples():
    assert bwi_membership(model("e01_bwi_pr_box.steer")["sigma"], 1).verdict == "excluded"
    e2 = model("e02_bwi_transpose.steer")["sigma"]
    assert bwi_membership(e2, 1).verdict != "excluded"
    assert bwi_membership(e2, 2).verdict == "excluded"
    e3 = model("e03_instrumental.steer")["sigma"]
    for level in (1, 2):
        assert instrumental_membership(e3, level).verdict != "excluded"


@pytest.mark.slow
def test_e03_level_3_is_not_excluded():
    assert instrumental_membership(model("e03_instrumental.steer")["sigma"], 3).verdict != "excluded"


# ---------------------------------------------------------------- random quantum assemblages
rng = np.random.default_rng(2024)


def _state(n):
    v = rng.normal(size=n) + 1j * rng.normal(size=n)
    v /= np.linalg.norm(v)
    return np.outer(v, v.conj())


def _projective():
    q, _ = np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))
    return [np.outer(q[:, a], q[:, a].conj()) for a in range(2)]


def _unitary(n):
    q, _ = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q


def _bob_state(rho, ops, dims_a, d):
    """tr_A[(⊗ops ⊗ I) ρ] on Bob's d-dimensional system."""
    M = ops[0]
    for o in ops[1:]:
        M = np.kron(M, o)
    da = M.shape[0]
    return np.einsum("ji,iajb->ab", M, rho.reshape(da, d, da, d))


N_RANDOM = 8  # per kind here; the slow test runs 50


def random_multipartite():
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    rho = _state(8)
    P1, P2 = [_projective() for _ in range(2)], [_projective() for _ in range(2)]
    el = {(a, x, ()): _bob_state(rho, [P1[x[0]][a[0]], P2[x[1]][a[1]]], None, 2)
          for x in [(0, 0), (0, 1), (1, 0), (1, 1)] for a in [(0, 0), (0, 1), (1, 0), (1, 1)]}
    return Assemblage(sc, el, False, "s")


def random_bwi(instrumental: bool):
    rho = _state(4)
    P = [_projective() for _ in range(3)]
    V = [_unitary(2) for _ in range(2)]
    if instrumental:
        sc = Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2, 0, "A"),))
        el = {((a,), (x,), ()): V[a] @ _bob_state(rho, [P[x][a]], None, 2) @ V[a].conj().T
              for x in range(3) for a in range(2)}
    else:
        sc = Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2, 2),))
        el = {((a,), (x,), (y,)): V[y] @ _bob_state(rho, [P[x][a]], None, 2) @ V[y].conj().T
              for x in range(3) for a in range(2) for y in range(2)}
    return Assemblage(sc, el, False, "s")


def random_several_bobs():
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2)))
    rho = _state(8)
    P = [_projective() for _ in range(2)]
    el = {}
    for x in range(2):
        for a in range(2):
            joint = _bob_state(rho, [P[x][a]], None, 4).reshape(2, 2, 2, 2)
            el[((a,), (x,), ())] = (np.einsum("ijkj->ik", joint), np.einsum("jijk->ik", joint))
    return Assemblage(sc, el, False, "s")


def random_two_alices_two_bobs():
    """Two Alices measure qubits 1, 2 of a random 4-qubit state; Bobs B1, B2 keep qubits 3, 4."""
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B1", 2), Bob("B2", 2)))
    rho = _state(16)
    P1, P2 = [_projective() for _ in range(2)], [_projective() for _ in range(2)]
    el = {}
    for x in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        for a in [(0, 0), (0, 1), (1, 0), (1, 1)]:
            joint = _bob_state(rho, [P1[x[0]][a[0]], P2[x[1]][a[1]]], None, 4).reshape(2, 2, 2, 2)
            el[(a, x, ())] = (np.einsum("ijkj->ik", joint), np.einsum("jijk->ik", joint))
    return Assemblage(sc, el, False, "s")


def _never_excluded(count: int):
    for _ in range(count):
        for level in ("1+AB", 2):
            assert membership(random_multipartite(), level).verdict != "excluded"
        assert bwi_membership(random_bwi(False), 2).verdict != "excluded"
        assert instrumental_membership(random_bwi(True), 2).verdict != "excluded"
        assert parent_states(random_several_bobs()).details["lambda"] >= -1e-7


def _combined_never_excluded(count: int):
    for _ in range(count):
        assert several_bobs_membership(random_two_alices_two_bobs()).verdict != "excluded"


def test_random_quantum_assemblages_are_never_excluded():
    _never_excluded(N_RANDOM)
    _combined_never_excluded(2)


@pytest.mark.slow
def test_random_quantum_assemblages_are_never_excluded_many():
    _never_excluded(50)
    _combined_never_excluded(50)


def _random_functional(sc: Scenario) -> Functional:
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name="F")


def test_bounds_are_ordered_for_random_functionals():
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    for _ in range(3):
        F = _random_functional(sc)
        values = [lhs_bound(F).value, bound(F, level=2).value, bound(F, level="1+AB").value,
                  nosignalling_bound(F).value]
        assert all(a <= b + 1e-6 for a, b in zip(values, values[1:])), values
        quantum = functional_value(F, random_multipartite())
        assert quantum <= values[1] + 1e-6


@pytest.mark.slow
def test_bound_chain_on_many_random_functionals():
    """LHS ≤ see-saw (qubits) ≤ level 2 ≤ level 1+AB ≤ level 1 ≤ no-signalling, for 50 random functionals."""
    from steerdsl.sdp.seesaw import seesaw

    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    for _ in range(50):
        F = _random_functional(sc)
        chain = [lhs_bound(F).value, seesaw(F, dims=(2, 2), restarts=3).value, bound(F, level=2).value,
                 bound(F, level="1+AB").value, bound(F, level=1).value, nosignalling_bound(F).value]
        assert all(a <= b + 2e-6 for a, b in zip(chain, chain[1:])), chain


# ---------------------------------------------------------------- failures
def test_unknown_solver_is_a_clear_error():
    with pytest.raises(SolverError) as info:
        membership(model("e04_pr_box_tripartite.steer")["sigma"], solver="no_such_solver")
    assert "not installed" in str(info.value)


def test_solver_failure_becomes_a_diagnostic():
    m = sd.loads("scenario { alice A : inputs 2, outputs 2  alice C : inputs 2, outputs 2  bob B : dim 2 }\n"
                 "assemblage s[a c|x z] = I/8\nsolve s : almost_quantum solver no_such_solver expect excluded\n")
    report = run_model(m)
    assert not report.ok
    assert report.diagnostics[0].code == "E300"


def test_seesaw_is_an_inner_bound():
    from steerdsl.sdp.seesaw import seesaw

    chsh = model("e11_chsh.steer")["chsh"]
    assert seesaw(chsh, dims=(2, 2)).value == pytest.approx(2 * 2**0.5, abs=1e-6)
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    for _ in range(2):
        F = _random_functional(sc)
        inner = seesaw(F, dims=(2, 2), restarts=4).value
        assert lhs_bound(F).value <= inner + 1e-6 <= bound(F, level=2).value + 2e-6

"""Symmetry reduction (issue 20): the reduced bound equals the unreduced one on random symmetric
functionals, detected generators leave the objective invariant, and the scalar count drops."""

from __future__ import annotations

import numpy as np
import pytest

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import symmetry, symmetry_group
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound
from steerdsl.sdp.symmetry import Symmetry


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
    found = symmetry_group.detect(sc, reps, _per_word(F), c)
    assert found.generators and found.order >= 4
    for g in found.generators:
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


def _combined_moves(sc: Scenario) -> list[Symmetry]:
    """Relabellings of every slot at once (not single moves): outcomes 0 ↔ 1 on every input of every slot,
    inputs 0 ↔ 1 of every slot, and the slots swapped (with two slots)."""
    n = len(sc.slots)
    ins = tuple(tuple(range(s.inputs)) for s in sc.slots)
    outs = tuple(tuple(tuple(range(k)) for k in s.outputs) for s in sc.slots)
    flip = tuple(tuple((1, 0) + tuple(range(2, k)) for k in s.outputs) for s in sc.slots)
    swap_inputs = tuple((1, 0) + tuple(range(2, s.inputs)) for s in sc.slots)
    moves = [Symmetry(tuple(range(n)), ins, flip), Symmetry(tuple(range(n)), swap_inputs, outs)]
    if n == 2:
        moves.append(Symmetry((1, 0), ins, outs))
    return moves


def _random_functional(sc: Scenario, seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    return Functional(sc, {key: _random_hermitian(rng, sc.dim) for key in sc.keys()}, exact=False, name="R")


COMBINED = {
    "standard": Scenario((Alice("A", 2, (3, 3)),), (Bob("B", 2),)),
    "multipartite": Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),)),
    "bell": Scenario((Alice("A", 2, (3, 3)), Alice("B", 2, (3, 3))), (Bob("_", 1),)),
}


@pytest.mark.parametrize("kind", sorted(COMBINED))
def test_combined_moves_are_detected_and_the_reduced_bound_is_exact(kind):
    """A functional averaged over combined relabellings (several inputs and slots at once) is found
    symmetric under a group at least that large; the reduced SDP (fewer scalars, blocks that partition Γ)
    gives the unreduced optimum to 1e-7."""
    sc = COMBINED[kind]
    moves = _combined_moves(sc)
    F = symmetry_group.orbit_average(_random_functional(sc, 5), moves)
    full = bound(F, "max", "1+AB", symmetry=False)
    reduced = bound(F, "max", "1+AB", symmetry=True)
    info = reduced.details["symmetry"]
    assert info["group_order"] >= symmetry.group_order(sc, moves) >= 4
    assert info["scalars_after"] < info["scalars_before"]
    assert sum(b * n for b, n in zip(info["blocks"], info["copies"], strict=True)) == full.details["moment_matrix_size"]
    assert reduced.value == pytest.approx(full.value, abs=1e-7)


def test_orbit_average_is_invariant_exactly_under_every_move():
    sc = COMBINED["bell"]
    moves = _combined_moves(sc)
    F = symmetry_group.orbit_average(_random_functional(sc, 6), moves)
    for g in moves:
        for key, op in F.terms.items():
            assert np.array_equal(F.terms[symmetry_group.key_image(g, key)], op)


def test_detected_group_elements_leave_the_objective_invariant():
    """Every detected generator (combined moves, Bob Cliffords) satisfies c A_g = c on the moment coordinates,
    and the canonical full-key form F* = E⁺G satisfies F*_{g(k)} = U† F*_k U."""
    sc = COMBINED["standard"]
    F = symmetry_group.orbit_average(_random_functional(sc, 8), _combined_moves(sc))
    reps = symmetry.classes(level_words(sc, "1+AB"))
    per_word = _per_word(F)
    c = symmetry.objective_vector(per_word, reps, sc.dim)
    found = symmetry_group.detect(sc, reps, per_word, c)
    letters, terms = symmetry_group.canonical_terms(sc, per_word)
    index = {key: i for i, key in enumerate(letters)}
    for g in found.generators:
        assert np.abs(symmetry.action_matrix(sc, reps, g).T @ c - c).max() < 1e-9
        u = np.eye(sc.dim) if g.unitary is None else g.unitary
        for i, key in enumerate(letters):
            image = index[tuple(sorted((g.slots[j], g.inputs[j][x], g.outcomes[j][x][a]) for j, x, a in key))]
            assert np.abs(terms[image] - u.conj().T @ terms[i] @ u).max() < 1e-9


def test_pauli_symmetric_functional_finds_a_bob_unitary():
    """F_{a|x} = (−1)^a B_x with B_0 = Z, B_1 = X: conjugating Bob by Y flips both, the same as swapping the
    outcomes of both inputs, so (outcome swap, Y) is a symmetry; the bound (2: ρ_B = I/2, σ_{a|x} half the
    eigenprojectors of B_x, each term 1) is kept, equal to the unreduced one."""
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2),))
    F = Functional(sc, {((a,), (x,), ()): (-1) ** a * (Z if x == 0 else X) for a in range(2) for x in range(2)},
                   exact=False, name="s")
    r = bound(F, "max", "1+AB", symmetry=True)
    assert r.value == pytest.approx(2.0, abs=1e-7)
    assert bound(F, "max", "1+AB", symmetry=False).value == pytest.approx(r.value, abs=1e-7)
    reps = symmetry.classes(level_words(sc, "1+AB"))
    per_word = _per_word(F)
    found = symmetry_group.detect(sc, reps, per_word, symmetry.objective_vector(per_word, reps, 2))
    assert any(g.unitary is not None for g in found.generators)


def test_blocks_partition_an_invariant_matrix():
    """decompose: the copies' columns are orthonormal, together span the space, and every A_k is block
    diagonal in them (checked on explicit commuting-symmetry data: Γ = a I + b J on 4 points ⊕ c on 1, whose
    3-dimensional eigenspace of J is three equal 1×1 copies)."""
    import scipy.sparse as sp

    from steerdsl.sdp.symmetry_blocks import decompose

    size = 5
    mats = [np.diag([1, 1, 1, 1, 0.0]), np.pad(np.ones((4, 4)), ((0, 1), (0, 1))), np.diag([0, 0, 0, 0, 1.0])]
    coefs = sp.csc_matrix(np.stack([m.ravel(order="F") for m in mats], axis=1))
    blocks = decompose(coefs, size, worth=1.0)
    copies = [q for b in blocks for q in b.copies]
    q = np.hstack(copies)
    assert q.shape == (size, size) and np.allclose(q.T @ q, np.eye(size))
    assert sorted((b.side, len(b.copies)) for b in blocks) == [(1, 1), (1, 1), (1, 3)]
    for m in mats:
        for i, bi in enumerate(copies):
            for j, bj in enumerate(copies):
                if i != j:
                    assert np.abs(bi.T @ m @ bj).max() < 1e-9
        for b in blocks:
            for c in b.copies:
                assert np.allclose(c.T @ m @ c, b.basis.T @ m @ b.basis, atol=1e-9)


def _conjugated(blocks: list[list[np.ndarray]], seed: int) -> tuple[object, int]:
    """Coefficients (columns vec A_k) of ``A_k = U (⊕_c blocks[c][k]) U†`` for a random unitary ``U``."""
    import scipy.sparse as sp
    from scipy.linalg import block_diag
    from scipy.stats import unitary_group

    size = sum(b[0].shape[0] for b in blocks)
    u = unitary_group.rvs(size, random_state=seed)
    mats = [u @ block_diag(*[b[k] for b in blocks]) @ u.conj().T for k in range(len(blocks[0]))]
    return sp.csc_matrix(np.stack([m.ravel(order="F") for m in mats], axis=1)), size


def test_blocks_keep_one_of_equal_copies():
    """An algebra ``(B_k ⊗ I_3) ⊕ C_k`` in a random basis (B 4×4, C 2×2 random Hermitian): decompose finds
    a block of side 4 with 3 copies on which every A_k has the same 4×4 matrix, and the 2×2 block; ``Γ ⪰ 0``
    is then the constrained blocks' positivity (checked: the eigenvalues of A_k are those of its blocks)."""
    from steerdsl.sdp.symmetry_blocks import decompose

    rng = np.random.default_rng(3)
    herm = [_random_hermitian(rng, 4) for _ in range(3)]
    small = [_random_hermitian(rng, 2) for _ in range(3)]
    coefs, size = _conjugated([[np.kron(b, np.eye(3)) for b in herm], small], 11)
    blocks = decompose(coefs, size, worth=1.0)
    assert sorted((b.side, len(b.copies)) for b in blocks) == [(2, 1), (4, 3)]
    for k in range(3):
        a = coefs[:, k].toarray().reshape(size, size, order="F")
        big = next(b for b in blocks if b.side == 4)
        for c in big.copies:
            assert np.allclose(c.conj().T @ a @ c, big.basis.conj().T @ a @ big.basis, atol=1e-9)
        spectra = [np.linalg.eigvalsh(b.basis.conj().T @ a @ b.basis) for b in blocks for _ in b.copies]
        assert np.allclose(np.sort(np.concatenate(spectra)), np.linalg.eigvalsh(a), atol=1e-8)


def test_blocks_do_not_split_a_doubled_spectrum_that_is_not_copies():
    """Real symmetric data that are the realification of complex Hermitian 3×3 matrices: every eigenvalue is
    doubled, but the algebra is irreducible over the reals (ℂ³ as ℝ⁶), so the two 'copies' a naive split would
    make are coupled; decompose's check keeps one block of side 6."""
    import scipy.sparse as sp

    from steerdsl.sdp.symmetry_blocks import decompose

    rng = np.random.default_rng(4)
    mats = []
    for _ in range(3):
        h = _random_hermitian(rng, 3)
        mats.append(np.block([[h.real, -h.imag], [h.imag, h.real]]))
    coefs = sp.csc_matrix(np.stack([m.ravel(order="F") for m in mats], axis=1))
    blocks = decompose(coefs, 6, worth=1.0)
    assert [(b.side, len(b.copies)) for b in blocks] == [(6, 1)]

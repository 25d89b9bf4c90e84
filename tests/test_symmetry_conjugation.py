"""Antiunitary symmetries and real forms (issue 20 item 3): complex data invariant under complex conjugation
combined with a relabelling (and a Bob unitary) give a real PSD problem with the unreduced complex optimum."""

from __future__ import annotations

import numpy as np
import picos
import pytest

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import symmetry, symmetry_group
from steerdsl.sdp.moment_matrix import build
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound
from steerdsl.sdp.symmetry import Symmetry
from steerdsl.sdp.symmetry_conjugation import real_congruence, row_map
from steerdsl.sdp.symmetry_reduction import reduce

X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1.0, -1.0]).astype(complex)


def _random_hermitian(rng, d):
    m = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (m + m.conj().T) / 2


def _swap_inputs(sc: Scenario) -> Symmetry:
    """Inputs 0 ↔ 1 of every slot (an involution on the full keys)."""
    n = len(sc.slots)
    return Symmetry(tuple(range(n)), tuple((1, 0) + tuple(range(2, s.inputs)) for s in sc.slots),
                    tuple(tuple(tuple(range(k)) for k in s.outputs) for s in sc.slots))


def _conjugation_symmetric(sc: Scenario, seed: int, unitary: np.ndarray | None) -> tuple[Functional, Symmetry]:
    """``F'_k = (F_k + conj(U† F_{g(k)} U))/2`` for random complex ``F``, ``g`` the input swap and ``U`` real
    symmetric with ``U² = I`` (so the map is an involution): ``F'_{g(k)} = conj(U† F'_k U)``, bit for bit."""
    rng = np.random.default_rng(seed)
    g = _swap_inputs(sc)
    u = np.eye(sc.dim) if unitary is None else unitary
    terms = {key: _random_hermitian(rng, sc.dim) for key in sc.keys()}
    sym = {k: (terms[k] + (u.conj().T @ terms[symmetry_group.key_image(g, k)] @ u).conj()) / 2 for k in terms}
    return Functional(sc, sym, exact=False, name="Fc"), Symmetry(g.slots, g.inputs, g.outcomes, unitary, True)


SCENARIOS = {
    "standard": Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2),)),
    "standard3": Scenario((Alice("A", 2, (3, 3)),), (Bob("B", 3),)),
    "multipartite": Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),)),
}


def _complex_lmis(result) -> int:
    return sum(isinstance(c, picos.constraints.ComplexLMIConstraint) for c in result.problem.constraints.values())


@pytest.mark.parametrize(("kind", "unitary"), [(kind, None) for kind in sorted(SCENARIOS)]
                         + [("standard", X), ("multipartite", X)])
def test_real_form_equals_the_unreduced_complex_optimum(kind, unitary):
    sc = SCENARIOS[kind]
    F, _ = _conjugation_symmetric(sc, 11, unitary)
    reduced = bound(F, "max", "1+AB", symmetry=True)
    full = bound(F, "max", "1+AB", symmetry=False)
    info = reduced.details["symmetry"]
    assert info["real_form"] is True and "real form" in reduced.details["symmetry_note"]
    assert sum(b * n for b, n in zip(info["blocks"], info["copies"], strict=True)) == full.details["moment_matrix_size"]
    # the solver sees a real problem: real PSD blocks only (the unreduced one is complex)
    assert _complex_lmis(reduced) == 0 and _complex_lmis(full) == 1
    assert all(isinstance(v, picos.RealVariable) for v in reduced.problem.variables.values())
    assert reduced.value == pytest.approx(full.value, abs=1e-7)


def test_the_detected_antiunitary_element_leaves_f_exactly_invariant():
    """The construction is exactly invariant (F_{g(k)} = conj(U† F_k U) bit for bit); the detection finds an
    antiunitary generator, which satisfies it on the full keys and c A_g = c on the moment coordinates."""
    sc = SCENARIOS["multipartite"]
    F, g = _conjugation_symmetric(sc, 12, X)
    for key, op in F.terms.items():
        assert np.array_equal(F.terms[symmetry_group.key_image(g, key)], (X.conj().T @ op @ X).conj())
    reps = symmetry.classes(level_words(sc, "1+AB"))
    per_word = _per_word(F)
    c = symmetry.objective_vector(per_word, reps, sc.dim)
    found = symmetry_group.detect(sc, reps, per_word, c)
    anti = [h for h in found.generators if h.conjugate]
    assert anti
    for h in anti:
        u = np.eye(sc.dim) if h.unitary is None else h.unitary
        for key, op in F.terms.items():
            assert np.abs(F.terms[symmetry_group.key_image(h, key)] - (u.conj().T @ op @ u).conj()).max() < 1e-12
        assert np.abs(symmetry.action_matrix(sc, reps, h).T @ c - c).max() < 1e-12


@pytest.mark.parametrize("seed", [1, 2])
def test_no_antiunitary_symmetry_is_given_to_a_functional_without_one(seed):
    """Random complex data (and data symmetric under a unitary relabelling only: outcomes swapped with Bob's
    Z) have no antiunitary element and no real form; the reduction is still exact."""
    sc = SCENARIOS["standard"]
    rng = np.random.default_rng(seed)
    plain = Functional(sc, {key: _random_hermitian(rng, 2) for key in sc.keys()}, exact=False, name="R")
    flip = Symmetry((0,), ((0, 1),), (((1, 0), (1, 0)),), Z)
    terms = {k: (op + Z @ plain.terms[symmetry_group.key_image(flip, k)] @ Z) / 2 for k, op in plain.terms.items()}
    unitary_only = Functional(sc, terms, exact=False, name="U")
    for F in (plain, unitary_only):
        reps = symmetry.classes(level_words(sc, "1+AB"))
        per_word = _per_word(F)
        found = symmetry_group.detect(sc, reps, per_word, symmetry.objective_vector(per_word, reps, 2))
        assert not any(g.conjugate for g in found.generators)
    reduced = bound(unitary_only, "max", "1+AB", symmetry=True)
    assert reduced.details["symmetry"]["real_form"] is False
    assert _complex_lmis(reduced) >= 1
    assert reduced.value == pytest.approx(bound(unitary_only, "max", "1+AB", symmetry=False).value, abs=1e-7)


def test_quaternionic_antiunitary_gives_no_real_form():
    """F_{a|x} = (−1)^a B_x with random traceless complex B_x: swapping the outcomes with X ↦ Y conj(X) Y
    (the spin flip, B ↦ −B) is a symmetry, but Y conj(Y) = −I (quaternionic type): no real form of the
    same size exists, none is claimed, and the reduced optimum is still the unreduced one."""
    sc = SCENARIOS["standard"]
    rng = np.random.default_rng(3)
    bx = [sum(c * p for c, p in zip(rng.normal(size=3), (X, Y, Z), strict=True)) for _ in range(2)]
    F = Functional(sc, {((a,), (x,), ()): (-1) ** a * bx[x] for a in range(2) for x in range(2)},
                   exact=False, name="Q")
    reps = symmetry.classes(level_words(sc, "1+AB"))
    per_word = _per_word(F)
    found = symmetry_group.detect(sc, reps, per_word, symmetry.objective_vector(per_word, reps, 2))
    assert any(g.conjugate for g in found.generators)
    assert real_congruence(sc, level_words(sc, "1+AB"), found.generators) is None
    reduced = bound(F, "max", "1+AB", symmetry=True)
    assert reduced.details["symmetry"]["real_form"] is False
    assert reduced.value == pytest.approx(bound(F, "max", "1+AB", symmetry=False).value, abs=1e-7)


def test_bell_d1_is_real_already():
    """With d = 1 the data are real: no antiunitary element is looked for, no real form is reported, and the
    CHSH value 2√2 is kept."""
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("_", 1),))
    chsh = Functional(sc, {((a, b), (x, y), ()): np.array([[(-1.0) ** (a + b + x * y)]])
                           for a in range(2) for b in range(2) for x in range(2) for y in range(2)},
                      exact=False, name="chsh")
    r = bound(chsh, "max", "1+AB", symmetry=True)
    assert r.details["symmetry"]["real_form"] is False
    assert r.value == pytest.approx(2 * np.sqrt(2), abs=1e-7)


def test_complex_chsh_type_steering_functional_reaches_2_sqrt2_in_real_form():
    """F_{a|x} = Σ_y (−1)^(a+xy) B_y with B_0 = Z, B_1 = Y: Σ_x tr((σ_{0|x} − σ_{1|x})(Z ± Y)) ≤ Σ_x ‖Z ± Y‖
    = 2√2 (Z ± Y has eigenvalues ±√2), attained with ρ_B = I/2 and σ_{a|x} half its eigenprojectors.  The
    data are complex; conjugation (Y ↦ −Y) with the input swap is a symmetry of real type."""
    sc = SCENARIOS["standard"]
    F = Functional(sc, {((a,), (x,), ()): sum((-1) ** (a + x * y) * b for y, b in enumerate((Z, Y)))
                        for a in range(2) for x in range(2)}, exact=False, name="chsh_y")
    r = bound(F, "max", "1+AB", symmetry=True)
    assert r.details["symmetry"]["real_form"] is True
    assert _complex_lmis(r) == 0
    assert r.value == pytest.approx(2 * np.sqrt(2), abs=1e-7)


def test_declared_antiunitary_generator_is_checked_and_used():
    sc = SCENARIOS["standard"]
    F, g = _conjugation_symmetric(sc, 13, None)
    r = bound(F, "max", "1+AB", symmetry=[g])
    assert r.details["symmetry"]["real_form"] is True and r.details["symmetry"]["group_order"] == 2
    assert r.value == pytest.approx(bound(F, "max", "1+AB", symmetry=False).value, abs=1e-7)
    rng = np.random.default_rng(14)
    other = Functional(sc, {key: _random_hermitian(rng, 2) for key in sc.keys()}, exact=False, name="R")
    with pytest.raises(ValueError):
        bound(other, "max", "1+AB", symmetry=[g])


@pytest.mark.parametrize("kind", ["standard", "multipartite"])
def test_real_form_keeps_the_inertia(kind):
    """Sylvester's law of inertia: S is invertible, so a random invariant Γ(z) (not PSD) and its real form
    S†Γ(z)S have the same numbers of negative and positive eigenvalues; the form is real symmetric."""
    sc = SCENARIOS[kind]
    F, _ = _conjugation_symmetric(sc, 15, None)
    words = level_words(sc, "1+AB")
    red = reduce(sc, words, _per_word(F), real=False)
    s = red.congruence
    assert s is not None and np.linalg.cond(s) < 1e6
    rng = np.random.default_rng(16)
    red.variable.value = rng.normal(size=red.variable.dim)
    mm = build(words, sc.dim, red.blocks.get, False, name="S", free=red.blocks.get)
    gamma = np.array(mm.expression.value, dtype=complex)
    form = s.conj().T @ gamma @ s
    assert np.abs(form.imag).max() < 1e-9 * max(1.0, np.abs(form).max())
    tol = 1e-9 * np.abs(gamma).max()
    before, after = np.linalg.eigvalsh(gamma), np.linalg.eigvalsh(form.real)
    assert (before < -tol).sum() == (after < -tol * np.linalg.cond(s) ** 2).sum() > 0
    assert (before > tol).sum() == (after > tol * np.linalg.cond(s) ** 2).sum()


def test_row_map_of_an_outcome_swap():
    """g(P_0) = P_1 = I − P_0 on a two-outcome input: the row map has the Collins–Gisin row (1, −1)."""
    sc = Scenario((Alice("A", 1, (2,)),), (Bob("B", 2),))
    words = level_words(sc, 1)
    m = row_map(sc, words, Symmetry((0,), ((0,),), (((1, 0),),)))
    assert words == [(), ((0, 0, 0),)]
    assert np.array_equal(m, np.array([[1.0, 0.0], [1.0, -1.0]]))


def test_real_form_that_would_not_fit_falls_back_to_the_complex_reduction(monkeypatch):
    """Beyond the projection budget the complex reduction is kept: no real form claimed, same optimum."""
    from steerdsl.sdp import symmetry_conjugation

    sc = SCENARIOS["standard"]
    F, _ = _conjugation_symmetric(sc, 17, None)
    monkeypatch.setattr(symmetry_conjugation, "PROJECTION_ENTRIES", 0)
    r = bound(F, "max", "1+AB", symmetry=True)
    assert r.details["symmetry"]["real_form"] is False and _complex_lmis(r) >= 1
    assert r.value == pytest.approx(bound(F, "max", "1+AB", symmetry=False).value, abs=1e-7)

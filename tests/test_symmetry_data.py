"""Symmetry reduction of membership and visibility (issue 20 item 1): the group is the stabiliser of σ and
the noise; the reduced SDP gives the same value as the unreduced one (random symmetric σ, standard and
multipartite), the known PR-box visibility 1/√2 both ways, a valid witness from the reduced dual, and the
trivial group for a σ without symmetry."""

from __future__ import annotations

import numpy as np
import pytest

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import relaxation
from steerdsl.sdp.noise import noise_assemblage
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.symmetry import Symmetry, classes, identity
from steerdsl.sdp.symmetry_data import data_group, exactly_invariant
from steerdsl.sdp.symmetry_group import orbit_average

PR = """scenario {
    alice A1 : inputs 2, outputs 2
    alice A2 : inputs 2, outputs 2
    bob   B  : dim 2
}
let pPR(a1, a2, x1, x2) = [a1 xor a2 == x1 * x2] / 2
assemblage sigma[a1 a2|x1 x2] = pPR(a1, a2, x1, x2) * I/2
"""


def _quantum(sc: Scenario, seed: int) -> dict:
    """A random quantum assemblage: qubit projective measurements per Alice on a random mixed state."""
    rng = np.random.default_rng(seed)
    n, d = len(sc.slots), sc.dim
    size = 2 ** n * d
    g = rng.normal(size=(size, size)) + 1j * rng.normal(size=(size, size))
    rho = g @ g.conj().T
    rho /= np.trace(rho)
    meas = []
    for s in sc.slots:
        per_input = []
        for _ in range(s.inputs):
            q, _ = np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))
            per_input.append([np.outer(q[:, a], q[:, a].conj()) for a in range(2)])
        meas.append(per_input)
    out = {}
    for key in sc.keys():
        a, x, _ = key
        op = np.eye(1)
        for j in range(n):
            op = np.kron(op, meas[j][x[j]][a[j]])
        full = (np.kron(op, np.eye(d)) @ rho).reshape(2 ** n, d, 2 ** n, d)
        out[key] = np.einsum("iaib->ab", full)
    return out


def _box(sc: Scenario) -> dict:
    """``p(a|x) I/d`` with ``Σ a_j ≡ Π x_j (mod 2)``: the PR box (post-quantum) for two Alices."""
    n = len(sc.slots)
    return {key: (float(sum(key[0]) % 2 == np.prod(key[1]) % 2) / 2 ** (n - 1)) * np.eye(sc.dim) / sc.dim
            for key in sc.keys()}


def _moves(sc: Scenario, keep_box: bool) -> list[Symmetry]:
    """Slots shifted cyclically, and outcomes flipped on every input of every slot; unless ``keep_box``
    (only moves that leave :func:`_box` invariant) also inputs swapped on every slot."""
    n = len(sc.slots)
    same = identity(sc)
    flip = tuple(tuple((1, 0) for _ in range(s.inputs)) for s in sc.slots)
    swap = tuple((1, 0) + tuple(range(2, s.inputs)) for s in sc.slots)
    moves = [Symmetry(tuple((j + 1) % n for j in range(n)), same.inputs, same.outcomes)] if n > 1 else []
    if not keep_box or n % 2 == 0:  # flipping every outcome keeps the parity Σ a_j only for even n
        moves.append(Symmetry(same.slots, same.inputs, flip))
    if not keep_box:
        moves.append(Symmetry(same.slots, swap, same.outcomes))
    return moves


def _symmetric(sc: Scenario, seed: int, q: float) -> Assemblage:
    """``(1 − q)·quantum + q·box`` averaged over :func:`_moves`' group (a quantum assemblage stays quantum
    under relabellings, so the average is symmetric by construction); for ``q > 1/2`` only over the moves
    that keep the box (with several Alices), so that it stays post-quantum."""
    quantum, box = _quantum(sc, seed), _box(sc)
    mixed = Functional(sc, {k: (1 - q) * quantum[k] + q * box[k] for k in sc.keys()}, exact=False, name="s")
    moves = _moves(sc, keep_box=q > 0.5 and len(sc.slots) > 1)
    return Assemblage(sc, dict(orbit_average(mixed, moves).terms), exact=False, name="sym")


SCENARIOS = {
    "standard": Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2),)),
    "multipartite": Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),)),
    "tripartite": Scenario(tuple(Alice(n, 2, (2, 2)) for n in "ACD"), (Bob("B", 2),)),
}


@pytest.mark.parametrize(("kind", "q"), [("standard", 0.3), ("standard", 0.9), ("multipartite", 0.3),
                                         ("multipartite", 0.9), ("tripartite", 0.9)])
def test_reduced_membership_and_visibility_equal_unreduced(kind, q):
    sigma = _symmetric(SCENARIOS[kind], 7, q)
    for solve in (relaxation.membership, relaxation.noise_visibility):
        on, off = solve(sigma, symmetry=True), solve(sigma, symmetry=False)
        info = on.details["symmetry"]
        assert info["group_order"] >= 2
        assert info["scalars_after"] < info["scalars_before"]
        assert "symmetry" not in off.details
        assert on.value == pytest.approx(off.value, abs=1e-7)
        assert on.verdict == off.verdict


def _pr_box():
    import steerdsl as sd

    return sd.loads(PR).definitions["sigma"].value


def test_pr_box_visibility_is_one_over_root_two_both_ways():
    """v σ_PR + (1 − v) white is the isotropic PR box, almost quantum iff CHSH 4v ≤ 2√2 (Tsirelson, which
    almost quantum attains): v* = 1/√2, robustness t* = 1/v* − 1 = √2 − 1.  σ_PR ⊗ I/2 is invariant under
    relabellings combined with every qubit Clifford on Bob: the group has unitaries and is checked exactly."""
    sigma = _pr_box()
    assert sigma.exact
    for symmetric in (True, False):
        v = relaxation.noise_visibility(sigma, symmetry=symmetric)
        t = relaxation.membership(sigma, symmetry=symmetric)
        assert v.value == pytest.approx(1 / np.sqrt(2), abs=1e-7)
        assert t.value == pytest.approx(np.sqrt(2) - 1, abs=1e-7)
        assert v.verdict == t.verdict == "excluded"
    sc = sigma.scenario
    found = data_group(sc, classes(level_words(sc, "1+AB")), sigma, noise_assemblage(sc, "white"), [])
    assert any(g.unitary is not None for g in found.generators)
    assert found.order > 8  # beyond the relabellings alone
    assert all(exactly_invariant(sigma, g) for g in found.generators)


@pytest.mark.parametrize("solve", [relaxation.membership, relaxation.noise_visibility])
def test_witness_of_the_reduced_dual_is_valid(solve):
    """The witness from the reduced problem (Reynolds-averaged, full keys) has β_F(σ) = the margin and
    β_F ≤ 0 on the whole relaxation (its maximum there, solved unreduced, is 0 up to the solver)."""
    sigma = _symmetric(SCENARIOS["multipartite"], 3, 0.95)
    result = solve(sigma, symmetry=True)
    assert result.verdict == "excluded" and result.witness is not None
    assert result.witness_value == pytest.approx(result.margin, abs=1e-6)
    top = relaxation.bound(result.witness, "max", "1+AB")
    assert top.value <= 1e-6


def test_a_sigma_without_symmetry_gets_the_trivial_group():
    sc = SCENARIOS["multipartite"]
    quantum = _quantum(sc, 11)
    sigma = Assemblage(sc, quantum, exact=False, name="q")
    found = data_group(sc, classes(level_words(sc, "1+AB")), sigma, noise_assemblage(sc, "white"), [])
    assert found.order == 1 and not found.generators
    result = relaxation.membership(sigma, symmetry=True)
    assert "symmetry" not in result.details and result.witness is not None


def test_exact_check_refuses_a_symmetry_broken_below_the_float_tolerance():
    from fractions import Fraction

    from steerdsl.exact.cyclotomic import Cyclo

    sigma = _pr_box()
    flip = _moves(sigma.scenario, keep_box=True)[1]
    assert exactly_invariant(sigma, flip)
    key = next(iter(sigma.elements))
    broken = dict(sigma.elements)
    broken[key] = broken[key] + np.array([[Cyclo(Fraction(1, 10 ** 15)), Cyclo(0)], [Cyclo(0), Cyclo(0)]],
                                         dtype=object)
    assert not exactly_invariant(Assemblage(sigma.scenario, broken, exact=True, name="b"), flip)


def test_question_line_and_api_switch():
    """``symmetry off`` on a question line and ``symmetry=False`` in Python turn the reduction off; a small
    problem (the PR box: 180 scalar variables, below npa.SYMMETRY_MIN_VARIABLES) is not reduced at all."""
    import steerdsl as sd
    from steerdsl.run import run_model

    text = PR + ("solve sigma : almost_quantum symmetry off expect excluded\n"
                 "solve sigma : visibility against almost_quantum symmetry off expect ≈ 0.70710678 tol 1e-6\n"
                 "solve sigma : visibility against almost_quantum expect ≈ 0.70710678 tol 1e-6\n")
    report = run_model(sd.loads(text))
    assert report.ok
    assert "symmetry" not in sd.membership(_pr_box(), "almost_quantum").result.details
    wide = Scenario((Alice("A", 3, (2, 2, 2)), Alice("C", 3, (2, 2, 2))), (Bob("B", 2),))
    sigma = _symmetric(wide, 5, 0.9)  # 544 scalar variables
    on = sd.membership(sigma, "almost_quantum")
    off = sd.membership(sigma, "almost_quantum", symmetry=False)
    assert on.result.details["symmetry"]["scalars_after"] < on.result.details["symmetry"]["scalars_before"]
    assert "symmetry" not in off.result.details
    assert on.value == pytest.approx(off.value, abs=1e-7)
    vis = sd.visibility(sigma, against="almost_quantum")
    vis_off = sd.visibility(sigma, against="almost_quantum", symmetry=False)
    assert "symmetry" in vis.result.details and "symmetry" not in vis_off.result.details
    assert vis.value == pytest.approx(vis_off.value, abs=1e-7)


def test_the_random_cases_cover_both_verdicts():
    """The equality test above meets a member and an excluded σ (the post-quantum box survives averaging over
    the moves that keep it)."""
    sc = SCENARIOS["multipartite"]
    assert relaxation.membership(_symmetric(sc, 7, 0.3)).verdict == "member"
    assert relaxation.membership(_symmetric(sc, 7, 0.9)).verdict == "excluded"


def test_a_failed_reduction_falls_back_to_the_plain_problem(monkeypatch):
    """If the data were not invariant to the tolerance (ArithmeticError), the plain problem is solved and
    the note says so: never a wrong value, never a traceback."""
    from steerdsl.sdp import relaxation as module

    def refuse(*args, **kwargs):
        raise ArithmeticError("the data are not invariant under the detected group")

    sigma = _symmetric(SCENARIOS["multipartite"], 7, 0.9)
    plain = relaxation.membership(sigma, symmetry=False)
    monkeypatch.setattr(module, "reduce_data", refuse)
    result = relaxation.membership(sigma, symmetry=True)
    assert "symmetry" not in result.details
    assert result.details["symmetry_note"].startswith("symmetry: not reduced")
    assert result.value == pytest.approx(plain.value, abs=1e-9) and result.witness is not None


def test_an_antiunitary_stabiliser_gives_a_valid_witness():
    """Complex σ invariant under ``σ_k ↦ conj(X σ_k X)`` (an antiunitary element: Bob's X with complex
    conjugation, convention of :func:`steerdsl.sdp.symmetry_group.stabiliser`): the stabiliser has an
    antiunitary generator, the reduced value equals the unreduced one, and the witness averaged over the
    group (conjugation included) keeps β_F(σ) = the margin and β_F ≤ 0 on the relaxation."""
    sigma = _symmetric(SCENARIOS["multipartite"], 3, 0.95)
    x = np.array([[0, 1], [1, 0]])  # conj(X σ X) keeps the Y part of Bob's Bloch vectors: σ stays complex
    flipped = {k: (op + (x @ op @ x).conj()) / 2 for k, op in sigma.to_numeric().elements.items()}
    assert max(np.abs(op.imag).max() for op in flipped.values()) > 1e-3  # complex data
    sigma = Assemblage(sigma.scenario, flipped, exact=False, name="flip")
    sc = sigma.scenario
    found = data_group(sc, classes(level_words(sc, "1+AB")), sigma, noise_assemblage(sc, "white"), [])
    assert any(g.conjugate for g in found.generators)
    result = relaxation.membership(sigma, symmetry=True)
    assert result.value == pytest.approx(relaxation.membership(sigma, symmetry=False).value, abs=1e-7)
    assert result.verdict == "excluded" and result.witness is not None
    assert result.witness_value == pytest.approx(result.margin, abs=1e-6)
    assert relaxation.bound(result.witness, "max", "1+AB").value <= 1e-6


def test_an_exact_noise_is_checked_exactly():
    """An exact noise broken below the float tolerance (one entry + 10⁻¹⁵) keeps the symmetries it breaks
    out of the group, as an exact σ does; the exact white noise keeps the white noise's group."""
    from fractions import Fraction

    from steerdsl.exact.cyclotomic import Cyclo

    sigma = _pr_box()
    sc = sigma.scenario
    reps = classes(level_words(sc, "1+AB"))
    eighth = np.array([[Cyclo(Fraction(1, 8)), Cyclo(0)], [Cyclo(0), Cyclo(Fraction(1, 8))]], dtype=object)
    white = Assemblage(sc, {key: eighth for key in sc.keys()}, exact=True, name="white")
    key = next(iter(sc.keys()))
    broken = dict(white.elements)
    broken[key] = eighth + np.array([[Cyclo(Fraction(1, 10 ** 15)), Cyclo(0)], [Cyclo(0), Cyclo(0)]], dtype=object)
    noise = Assemblage(sc, broken, exact=True, name="n")
    kept = data_group(sc, reps, sigma, white, [])
    assert kept.order == data_group(sc, reps, sigma, noise_assemblage(sc, "white"), []).order
    found = data_group(sc, reps, sigma, noise, [])
    assert all(exactly_invariant(noise, g) for g in found.generators)
    assert not all(exactly_invariant(noise, g) for g in kept.generators)
    assert found.order < kept.order


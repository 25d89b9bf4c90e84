"""The classical (LHS) SDP engine: known values, then properties on random instances.

Known values: Werner-state visibilities 1/√2 (X, Z) and 1/√3 (X, Y, Z) (E10); the CHSH local
bound 2 (E11); the PR box with a qubit Bob (E4) and the Bob-with-input PR box (E1) are not LHS;
the several-Bobs assemblage of E9 is LHS; the robustnesses of the maximally entangled qubit pair.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import picos
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.lhs import (
    DEFAULT_TOLERANCE,
    enumerated_lhs_bound,
    generalised_robustness,
    lhs,
    lhs_bound,
    steering_weight,
    visibility,
)
from steerdsl.sdp.noise import ghz_noise, noise_assemblage, w_noise, white_noise
from steerdsl.sdp.result import EXCLUDED, MEMBER, UNDECIDED

X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
SQRT2 = np.sqrt(2)

PROPERTY = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def binary_alice(name: str, inputs: int = 2, outputs: int = 2, rounds: int = 1) -> Alice:
    return Alice(name, inputs, (outputs,) * inputs, rounds)


def partial_trace_first(matrix: np.ndarray, first: int, rest: int) -> np.ndarray:
    return np.einsum("ijik->jk", matrix.reshape(first, rest, first, rest))


def werner_assemblage(paulis, v: float = 1.0) -> Assemblage:
    """``σ_{a|x} = tr_A[(M_{a|x} ⊗ I) ρ_v]``, ``ρ_v = v|Φ+⟩⟨Φ+| + (1 − v) I/4``, ``M_{a|x} = (I ± P_x)/2``."""
    phi = np.array([1, 0, 0, 1]) / SQRT2
    rho = v * np.outer(phi, phi) + (1 - v) * np.eye(4) / 4
    scenario = Scenario((binary_alice("A", len(paulis)),), (Bob("B", 2),))
    elements = {}
    for x, pauli in enumerate(paulis):
        for a in range(2):
            measurement = (np.eye(2) + (-1) ** a * pauli) / 2
            elements[((a,), (x,), ())] = partial_trace_first(np.kron(measurement, np.eye(2)) @ rho, 2, 2)
    return Assemblage(scenario, elements, exact=False, name="werner")


def assert_witness_consistent(result, sigma: Assemblage, value: float, tol: float = 1e-6,
                              sdp_bound: bool = True) -> None:
    """``β_F(σ)`` and the bound recompute (by enumeration and, optionally, by the SDP), and
    ``value = β_F(σ) − bound``."""
    assert functional_value(result.witness, sigma) == pytest.approx(result.witness_value, abs=1e-9)
    assert enumerated_lhs_bound(result.witness) == pytest.approx(result.bound, abs=1e-9)
    if sdp_bound:
        assert lhs_bound(result.witness).value == pytest.approx(result.bound, abs=1e-6)
    assert result.witness_value - result.bound == pytest.approx(value, abs=tol)


# ------------------------------------------------------------------ known values


@pytest.mark.parametrize(("paulis", "threshold"), [((X, Z), 1 / SQRT2), ((X, Y, Z), 1 / np.sqrt(3))])
def test_werner_visibility_thresholds(paulis, threshold):
    """E10: the largest LHS visibility of the Werner state with 2 / 3 Pauli measurements."""
    sigma = werner_assemblage(paulis)
    result = visibility(sigma)
    assert result.value == pytest.approx(threshold, abs=1e-5)
    assert result.verdict == EXCLUDED
    robustness = (1 - threshold) / threshold
    assert result.details["robustness"] == pytest.approx(robustness, abs=1e-5)
    assert_witness_consistent(result, sigma, robustness, tol=1e-5)
    assert result.bound == pytest.approx(0, abs=1e-6)


def test_werner_membership_across_threshold():
    assert lhs(werner_assemblage((X, Z), 0.69)).verdict == MEMBER
    assert lhs(werner_assemblage((X, Z), 0.72)).verdict == EXCLUDED
    assert lhs(werner_assemblage((X, Y, Z), 0.57)).verdict == MEMBER
    assert lhs(werner_assemblage((X, Y, Z), 0.59)).verdict == EXCLUDED


def test_maximally_entangled_robustnesses():
    """|Φ+⟩ with X, Z: white-noise robustness √2 − 1; generalised robustness (√2 − 1)² = 3 − 2√2.

    The generalised value is pinned analytically: the LHS model σ_λ = |n_λ⟩⟨n_λ|/(2 + √2), with
    Bloch vectors n_λ halfway between the outcomes λ assigns to X and Z, dominates σ with
    Σ tr σ_λ = 4 − 2√2; the witness F_{a|x} = M_{a|x}/(1 + 1/√2) ⪰ 0 has LHS maximum 1 and
    β_F(σ) = 4 − 2√2.  (√2 − 1 is the robustness against white noise, a special valid π.)"""
    sigma = werner_assemblage((X, Z))
    noise = visibility(sigma)
    assert noise.details["robustness"] == pytest.approx(SQRT2 - 1, abs=1e-6)
    result = generalised_robustness(sigma)
    assert result.verdict == EXCLUDED
    assert result.value == pytest.approx(3 - 2 * SQRT2, abs=1e-6)
    assert_witness_consistent(result, sigma, result.value)
    assert result.bound == pytest.approx(1, abs=1e-6)
    # the analytic witness
    scale = 1 / (1 + 1 / SQRT2)
    witness = Functional(sigma.scenario, {k: scale * 2 * v for k, v in sigma.elements.items()}, exact=False)
    assert enumerated_lhs_bound(witness) == pytest.approx(1, abs=1e-12)
    assert functional_value(witness, sigma) - 1 == pytest.approx(3 - 2 * SQRT2, abs=1e-12)
    consistent = generalised_robustness(sigma, consistent=True)
    assert consistent.value == pytest.approx(3 - 2 * SQRT2, abs=1e-6)
    assert_witness_consistent(consistent, sigma, consistent.value)
    weight = steering_weight(sigma)
    assert weight.value == pytest.approx(1, abs=1e-6)  # pure entangled: no LHS part
    assert_witness_consistent(weight, sigma, weight.value)


def chsh(scenario: Scenario) -> Functional:
    terms = {((a, b), (x, y), ()): np.array([[(-1.0) ** (a + b + x * y)]])
             for a, b, x, y in itertools.product(range(2), repeat=4)}
    return Functional(scenario, terms, exact=False, name="chsh")


def test_chsh_local_bound():
    """E11: the CHSH local bound is 2 (and −2 below)."""
    bell = Scenario((binary_alice("A"), binary_alice("B")), (Bob("_", 1),))
    result = lhs_bound(chsh(bell))
    assert result.value == pytest.approx(2, abs=1e-6)
    assert result.details["enumerated"] == pytest.approx(2, abs=1e-12)
    assert lhs_bound(chsh(bell), sense="min").value == pytest.approx(-2, abs=1e-6)


def test_collins_gisin_chsh_local_bound():
    """CHSH in Collins–Gisin form, p(00|00) + p(00|01) + p(00|10) − p(00|11) − p_A(0|0) − p_B(0|0) ≤ 0."""
    bell = Scenario((binary_alice("A"), binary_alice("B")), (Bob("_", 1),))
    one = np.array([[1.0]])
    terms = {((0, 0), (x, y), ()): (-one if x * y else one) for x in range(2) for y in range(2)}
    terms[((0, None), (0, None), ())] = -one
    terms[((None, 0), (None, 0), ())] = -one
    functional = Functional(bell, terms, exact=False, name="chsh_cg")
    assert enumerated_lhs_bound(functional) == pytest.approx(0, abs=1e-12)
    assert lhs_bound(functional).value == pytest.approx(0, abs=1e-6)
    pr = Assemblage(bell, {((a, b), (x, y), ()): np.array([[0.5 * ((a ^ b) == x * y)]])
                           for a, b, x, y in itertools.product(range(2), repeat=4)}, exact=False)
    assert functional_value(functional, pr) == pytest.approx(0.5)


def test_pr_box_with_qubit_bob_is_excluded():
    """E4: σ_{a1a2|x1x2} = p_PR(a1a2|x1x2) I/2 is not LHS; its witness certifies it."""
    scenario = Scenario((binary_alice("A1"), binary_alice("A2")), (Bob("B", 2),))
    sigma = Assemblage(scenario, {((a, b), (x, y), ()): 0.5 * ((a ^ b) == x * y) * np.eye(2) / 2
                                  for a, b, x, y in itertools.product(range(2), repeat=4)}, exact=False)
    result = lhs(sigma)
    assert result.verdict == EXCLUDED
    assert result.witness_value > result.bound + 0.1
    assert functional_value(result.witness, sigma) > enumerated_lhs_bound(result.witness) + 0.1
    assert_witness_consistent(result, sigma, result.margin)
    assert result.value == pytest.approx(0.5, abs=1e-6)  # the PR box at visibility 1/2 is local


def test_exact_input_and_result_fields():
    """Exact (object-dtype) elements are accepted; the result carries the problem and timings."""
    scenario = Scenario((binary_alice("A1"), binary_alice("A2")), (Bob("B", 2),))
    half = np.array([[Fraction(1, 2), 0], [0, Fraction(1, 2)]], dtype=object)
    sigma = Assemblage(scenario, {((a, b), (x, y), ()): half * Fraction(int((a ^ b) == x * y), 2)
                                  for a, b, x, y in itertools.product(range(2), repeat=4)}, exact=True)
    result = lhs(sigma)
    assert result.verdict == EXCLUDED and result.value == pytest.approx(0.5, abs=1e-6)
    assert isinstance(result.problem, picos.Problem)
    assert result.solver == "cvxopt" and result.compile_seconds > 0 and result.solve_seconds > 0
    assert result.tolerance == DEFAULT_TOLERANCE and result.status == "optimal"


def test_bwi_pr_box_is_excluded():
    """E1: σ_{a|xy} = ½ |a ⊕ xy⟩⟨a ⊕ xy| is not LHS."""
    scenario = Scenario((binary_alice("A"),), (Bob("B", 2, inputs=2),))
    basis = np.eye(2)
    sigma = Assemblage(scenario, {((a,), (x,), (y,)): 0.5 * np.outer(basis[a ^ (x * y)], basis[a ^ (x * y)])
                                  for a, x, y in itertools.product(range(2), repeat=3)}, exact=False)
    result = lhs(sigma)
    assert result.verdict == EXCLUDED
    assert_witness_consistent(result, sigma, result.margin)
    for quantifier in (generalised_robustness, steering_weight):
        measured = quantifier(sigma)
        assert measured.verdict == EXCLUDED
        assert_witness_consistent(measured, sigma, measured.value)


def test_several_bobs_singlet_example_is_lhs():
    """E9: Alice measures X or Z on her qubit of (I/2) ⊗ |Ψ−⟩⟨Ψ−|: every σ^(k)_{a|x} = I/4, LHS."""
    scenario = Scenario((binary_alice("A"),), (Bob("B1", 2), Bob("B2", 2)))
    singlet = np.array([0, 1, -1, 0]) / SQRT2
    rho = np.kron(np.eye(2) / 2, np.outer(singlet, singlet))
    elements = {}
    for x, pauli in enumerate((X, Z)):
        for a in range(2):
            measurement = (np.eye(2) + (-1) ** a * pauli) / 2
            bobs = partial_trace_first(np.kron(measurement, np.eye(4)) @ rho, 2, 4).reshape(2, 2, 2, 2)
            elements[((a,), (x,), ())] = (np.einsum("ijkj->ik", bobs), np.einsum("jijk->ik", bobs))
    sigma = Assemblage(scenario, elements, exact=False)
    for parts in elements.values():
        for part in parts:
            assert np.allclose(part, np.eye(2) / 4)
    assert lhs(sigma).verdict == MEMBER


def test_signalling_assemblage_is_rejected():
    sigma = werner_assemblage((X, Z), 0.5)
    sigma.elements[((0,), (1,), ())] = sigma.elements[((0,), (1,), ())] + 0.01 * Z
    sigma.elements[((1,), (1,), ())] = sigma.elements[((1,), (1,), ())] - 0.01 * X
    with pytest.raises(ValueError, match="signalling"):
        lhs(sigma)


def test_qics_agrees_with_cvxopt():
    sigma = werner_assemblage((X, Y, Z))
    assert visibility(sigma, solver="qics").value == pytest.approx(1 / np.sqrt(3), abs=1e-5)


# ------------------------------------------------------------------ noise


def test_noise_assemblages():
    scenario = Scenario((binary_alice("A"),), (Bob("B1", 2), Bob("B2", 2)))
    ghz, w = ghz_noise(scenario), w_noise(scenario)
    for a in range(2):
        # Sainz 2026, E8: σ_GHZ[a|0] = |a⟩⟨a|/2 and σ_GHZ[a|1] = I/4 on each Bob
        for k in range(2):
            assert np.allclose(ghz[((a,), (0,), ())][k], np.diag([1 - a, a]) / 2)
            assert np.allclose(ghz[((a,), (1,), ())][k], np.eye(2) / 4)
    # |W⟩: Z outcome 0 leaves (|01⟩ + |10⟩)/√3, outcome 1 leaves |00⟩/√3
    for k in range(2):
        assert np.allclose(w[((0,), (0,), ())][k], np.eye(2) / 3)
        assert np.allclose(w[((1,), (0,), ())][k], np.diag([1, 0]) / 3)
    white = white_noise(Scenario((Alice("A", 2, (2, 3)),), (Bob("B", 3),)))
    assert np.allclose(white[((2,), (1,), ())], np.eye(3) / 9)
    with pytest.raises(ValueError, match="qubit"):
        ghz_noise(Scenario((binary_alice("A"),), (Bob("B", 3),)))
    with pytest.raises(ValueError, match="2 inputs and 2 outputs"):
        w_noise(Scenario((binary_alice("A", 3),), (Bob("B", 2),)))
    with pytest.raises(ValueError, match="unknown noise"):
        noise_assemblage(scenario, "pink")


def test_visibility_against_ghz_noise():
    """Two qubits, Z/X: the GHZ noise is |Φ+⟩'s assemblage, (I ± P_x)/4.  Then v·white + (1 − v)·GHZ
    is |Φ+⟩'s assemblage at visibility w = 1 − v, which is LHS iff |w| ≤ 1/√2: v ≤ 1 + 1/√2."""
    scenario = Scenario((binary_alice("A"),), (Bob("B", 2),))
    result = visibility(white_noise(scenario), noise="ghz")
    assert result.value == pytest.approx(1 + 1 / SQRT2, abs=1e-5)
    assert result.verdict == UNDECIDED  # v > 1 proves nothing against non-LHS noise
    assert visibility(ghz_noise(scenario)).value == pytest.approx(1 / SQRT2, abs=1e-5)


# ------------------------------------------------------------------ random instances

SCENARIOS = {
    "bell": Scenario((binary_alice("A"), binary_alice("B", 3)), (Bob("_", 1),)),
    "standard": Scenario((Alice("A", 3, (2, 3, 2)),), (Bob("B", 2),)),
    "standard3": Scenario((binary_alice("A"),), (Bob("B", 3),)),
    "multipartite": Scenario((binary_alice("A1"), binary_alice("A2")), (Bob("B", 2),)),
    "sequential": Scenario((binary_alice("A", rounds=2),), (Bob("B", 2),)),
    "bwi": Scenario((binary_alice("A"),), (Bob("B", 2, inputs=2),)),
    "instrumental": Scenario((binary_alice("A", 3),), (Bob("B", 2, input_from="A"),)),
    "several_bobs": Scenario((binary_alice("A"),), (Bob("B1", 2), Bob("B2", 3))),
}


def random_matrix(rng: np.random.Generator, d: int, real: bool) -> np.ndarray:
    return rng.normal(size=(d, d)) + (0 if real else 1j * rng.normal(size=(d, d)))


def random_state(rng: np.random.Generator, d: int, real: bool) -> np.ndarray:
    g = random_matrix(rng, d, real)
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def hidden_blocks(scenario: Scenario, key) -> int:
    """Which hidden state of a strategy an element uses: Bob's input, or Alice's outcome (instrumental)."""
    if scenario.kind == "bwi":
        return list(scenario.bob_input_tuples()).index(key[2])
    if scenario.kind == "instrumental":
        return key[0][0]
    return 0


def random_lhs_assemblage(scenario: Scenario, rng: np.random.Generator, real: bool) -> Assemblage:
    """``q Σ_λ w_λ D_λ(a|x) σ_λ + (1 − q) white`` over a few random strategies and random states."""
    strategies = scenario.deterministic_strategies()
    picks = rng.choice(len(strategies), size=min(3, len(strategies)), replace=False)
    weights = rng.dirichlet(np.ones(len(picks)))
    blocks = max(len(list(scenario.bob_input_tuples())), max(scenario.slots[0].outputs))
    states = {lam: [[random_state(rng, d, real) for d in scenario.bob_dims] for _ in range(blocks)]
              for lam in picks}
    white = white_noise(scenario)
    q = rng.uniform(0.5, 0.9)
    elements = {}
    for key in scenario.keys():
        a, x, _y = key
        parts = [(1 - q) * np.atleast_2d(p) for p in
                 (white[key] if isinstance(white[key], tuple) else (white[key],))]
        for lam, w in zip(picks, weights, strict=True):
            if scenario.strategy_outcomes(strategies[lam], x) == a:
                block = states[lam][hidden_blocks(scenario, key)]
                parts = [p + q * w * s for p, s in zip(parts, block, strict=True)]
        elements[key] = tuple(parts) if len(parts) > 1 else parts[0]
    return Assemblage(scenario, elements, exact=False, name="random_lhs")


def random_functional(scenario: Scenario, rng: np.random.Generator, real: bool) -> Functional:
    def hermitian(d):
        g = random_matrix(rng, d, real)
        return g + g.conj().T
    terms = {}
    for key in scenario.keys():
        parts = tuple(hermitian(d) for d in scenario.bob_dims)
        terms[key] = parts if len(parts) > 1 else parts[0]
    return Functional(scenario, terms, exact=False, name="random")


def random_measurement(rng: np.random.Generator, dim: int, outcomes: int, real: bool) -> list[np.ndarray]:
    """Rank-1 projectors on a random basis for outcomes 0..k−2, the rest of the space for k−1."""
    basis = np.linalg.qr(random_matrix(rng, dim, real))[0]
    projectors = [np.outer(basis[:, a], basis[:, a].conj()) for a in range(outcomes - 1)]
    return projectors + [np.eye(dim) - sum(projectors, np.zeros((dim, dim)))]


def random_valid_assemblage(scenario: Scenario, rng: np.random.Generator, real: bool) -> Assemblage:
    """A quantum assemblage: a noisy random pure state, Alices measuring random bases (Lüders
    then measured again for a second round); Bob's input (or, instrumental, Alice's outcome)
    applies a random unitary to Bob; several Bobs keep their reduced states."""
    alice_dims = {al.name: max(al.outputs) for al in scenario.alices}
    alice_total = int(np.prod(list(alice_dims.values())))
    bob_total = scenario.dim
    total = alice_total * bob_total
    psi = rng.normal(size=total) + (0 if real else 1j * rng.normal(size=total))
    psi /= np.linalg.norm(psi)
    v = rng.uniform(0.3, 1.0)
    rho = v * np.outer(psi, psi.conj()) + (1 - v) * np.eye(total) / total
    measurements = [[random_measurement(rng, alice_dims[s.alice], k, real) for k in s.outputs]
                    for s in scenario.slots]
    unitaries = [np.linalg.qr(random_matrix(rng, 2, real))[0] for _ in range(2)]
    elements = {}
    for key in scenario.keys():
        a, x, y = key
        projectors = [measurements[j][x[j]][a[j]] for j in range(len(a))]
        if scenario.kind == "sequential":
            effect = projectors[0] @ projectors[1] @ projectors[0]
        else:
            effect = projectors[0]
            for p in projectors[1:]:
                effect = np.kron(effect, p)
        bob = partial_trace_first(np.kron(effect, np.eye(bob_total)) @ rho, alice_total, bob_total)
        if scenario.kind in ("bwi", "instrumental"):
            u = unitaries[y[0] if scenario.kind == "bwi" else a[0]]
            bob = u @ bob @ u.conj().T
        if scenario.kind == "several_bobs":
            d1, d2 = scenario.bob_dims
            t = bob.reshape(d1, d2, d1, d2)
            bob = (np.einsum("ijkj->ik", t), np.einsum("jijk->ik", t))
        elements[key] = bob
    return Assemblage(scenario, elements, exact=False, name="random_quantum")


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_random_lhs_assemblages_are_members(kind, seed):
    sigma = random_lhs_assemblage(SCENARIOS[kind], np.random.default_rng(seed), real=bool(seed % 2))
    result = lhs(sigma)
    assert result.verdict == MEMBER
    assert result.value > 1.1 - 1e-6  # q ≤ 0.9 of the mixture is not white noise


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_sdp_bound_equals_enumeration(kind, seed):
    functional = random_functional(SCENARIOS[kind], np.random.default_rng(seed), real=bool(seed % 2))
    sense = "max" if seed % 3 else "min"
    result = lhs_bound(functional, sense=sense)
    assert result.value == pytest.approx(result.details["enumerated"], abs=1e-6 * max(1, abs(result.value)))


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_quantifiers_on_random_valid_assemblages(kind, seed):
    """Dual witnesses reproduce each quantifier; 0 ≤ t_generalised ≤ t_consistent and ≤ max(t_white, 0);
    a member has no robustness and no weight."""
    sigma = random_valid_assemblage(SCENARIOS[kind], np.random.default_rng(seed), real=bool(seed % 2))
    membership = lhs(sigma)
    robustness = generalised_robustness(sigma)
    weight = steering_weight(sigma)
    assert robustness.value > -1e-6 and -1e-6 < weight.value < 1 + 1e-6
    for result in (robustness, weight):
        assert_witness_consistent(result, sigma, result.value, tol=1e-5, sdp_bound=False)
    assert robustness.value <= max(membership.margin, 0) + 1e-5
    if membership.witness is not None:
        assert_witness_consistent(membership, sigma, membership.margin, tol=1e-5, sdp_bound=False)
    if membership.verdict == MEMBER:
        assert robustness.value == pytest.approx(0, abs=1e-5)
        assert weight.value == pytest.approx(0, abs=1e-5)
    if kind != "instrumental":
        consistent = generalised_robustness(sigma, consistent=True)
        assert consistent.value >= robustness.value - 1e-6
        assert_witness_consistent(consistent, sigma, consistent.value, tol=1e-5, sdp_bound=False)


@pytest.mark.parametrize("d, real", [(2, False), (3, False), (3, True), (4, False)])
def test_hermitian_coordinates_real_form_lmi(d, real):
    """The real-form LMI of :class:`HermitianCoordinates` is ``X ⪰ 0``: ``min t`` s.t. ``X + t I ⪰ 0``
    solved through it is ``−λ_min(X)`` (numpy's eigvalsh, a second method); coordinates round-trip."""
    from steerdsl.sdp.bases import HermitianCoordinates

    rng = np.random.default_rng(d)
    g = rng.normal(size=(d, d)) + (0 if real else 1j) * rng.normal(size=(d, d))
    x = (g + g.conj().T) / 2
    coords = HermitianCoordinates(d, real)
    assert coords.size == (d * (d + 1) // 2 if real else d * d)
    assert np.allclose(coords.operator(coords.coordinates(x)), x)
    t = picos.RealVariable("t")
    problem = picos.Problem()
    # X + t I has coordinates x + t · coords(I)
    problem.add_constraint(coords.psd({t: coords.coordinates(np.eye(d)).reshape(-1, 1)}, constant=x))
    problem.set_objective("min", t)
    problem.solve(solver="cvxopt", verbosity=-1)
    assert float(t.value) == pytest.approx(-np.linalg.eigvalsh(x)[0], abs=1e-6)

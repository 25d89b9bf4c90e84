"""Several Bobs: bounds of functionals in local form (a tuple of one operator per Bob, physics.md §9), with Bobs of
different dimensions and with entries far from unit size (solved scaled, :mod:`steerdsl.sdp.scaling`)."""

from __future__ import annotations

import numpy as np
import pytest

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.scaling import functional_scale, scaled
from steerdsl.tasks import bound_task


def _random_local_functional(sc: Scenario, seed: int) -> Functional:
    """A seeded random functional with one Hermitian operator per Bob on every element."""
    rng = np.random.default_rng(seed)
    terms = {}
    for key in sc.keys():
        parts = []
        for bob in sc.bobs:
            g = rng.normal(size=(bob.dim, bob.dim)) + 1j * rng.normal(size=(bob.dim, bob.dim))
            parts.append((g + g.conj().T) / 2)
        terms[key] = tuple(parts)
    return Functional(sc, terms, exact=False, name=f"F{seed}")


def _correlated_local_functional(sc: Scenario, seed: int) -> Functional:
    """``F^(k)_{a|x} = (−1)^{Σa} H_{x,k} + 0.3 [a_1 = 0] K_{x,k}`` with seeded random Hermitian H, K: a local
    functional whose no-signalling bound is often strictly above its parent-state bound (unlike fully random
    ones, on which all the sets give nearly the same bound)."""
    rng = np.random.default_rng(seed)

    def hermitian(d: int) -> np.ndarray:
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        return (g + g.conj().T) / 2

    pairs = {(x, k): (hermitian(b.dim), hermitian(b.dim)) for x in sc.input_tuples() for k, b in enumerate(sc.bobs)}
    terms = {}
    for (a, x, y) in sc.keys():
        terms[(a, x, y)] = tuple((-1) ** sum(a) * pairs[(x, k)][0] + 0.3 * (a[0] == 0) * pairs[(x, k)][1]
                                 for k in range(len(sc.bobs)))
    return Functional(sc, terms, exact=False, name=f"F{seed}")


SC_23 = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 3)))


def test_scale_of_a_functional_on_bobs_of_dimensions_two_and_three():
    F = _random_local_functional(SC_23, 0)
    s = functional_scale(F)
    assert s == pytest.approx(max(float(np.max(np.abs(p))) for t in F.terms.values() for p in t))
    G = scaled(F, 1e4)
    assert [p.shape for p in G.terms[next(iter(G.terms))]] == [(2, 2), (3, 3)]
    assert functional_scale(G) == pytest.approx(1e4 * s)


@pytest.mark.parametrize("over", ["lhs", "nosignalling"])
def test_bounds_with_bobs_of_dimensions_two_and_three_and_large_entries(over):
    """The bound of 10⁴·F (solved scaled) is 10⁴ times the bound of F (solved as written); before, tuples of
    operators of sizes 2 and 3 crashed every bound (E301), and entries above 10³ the LHS bound."""
    F = _random_local_functional(SC_23, 1)
    plain = bound_task(F, "max", over, {})
    large = bound_task(scaled(F, 1e4), "max", over, {})
    assert plain.value is not None and large.value is not None
    assert large.value == pytest.approx(1e4 * plain.value, rel=1e-6, abs=1e-2)
    assert large.details["scale"] == pytest.approx(1e4 * functional_scale(F))


TWO_BOBS_ONE_ALICE = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B1 : dim 2
    bob   B2 : dim 2
}
functional F[a|x] = (-1)^a * kron((Z if x == 0 else X), I(2))
bound max F over lhs
bound max F over quantum
bound max F over quantum level 2
bound max F over parent_states
bound max F over several_bobs
bound max F over nosignalling
"""


def test_known_values_through_the_language():
    """physics.md §9: F[a|x] = (-1)^a kron(P_x, I), P = Z, X acts on Bob 1 only: LHS √2, parent states 2 (the
    steering of a maximally entangled pair of A and B1), no-signalling 2."""
    import steerdsl as sd
    from steerdsl.run import run_model

    report = run_model(sd.loads(TWO_BOBS_ONE_ALICE))
    assert not report.diagnostics
    values = [a.result.value for a in report.answers]
    assert values == pytest.approx([np.sqrt(2), 2, 2, 2, 2, 2], abs=1e-6)


def test_parent_states_are_for_several_bobs():
    import steerdsl as sd
    from steerdsl.run import run_model

    text = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
functional F[a|x] = (-1)^a * (Z if x == 0 else X)
bound max F over parent_states
"""
    report = run_model(sd.loads(text))
    assert [d.code for d in report.diagnostics] == ["E371"]  # the registry: parent_states is for several Bobs


def test_parent_state_bounds_are_sized_before_they_are_built():
    """Three Bobs of dimension 8 merge into one of dimension 512: refused (SDPTooLarge, E182) before picos builds
    anything."""
    from steerdsl.sdp.size import SDPTooLarge

    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 8), Bob("B2", 8), Bob("B3", 8)))
    F = Functional(sc, {key: (np.eye(8),) * 3 for key in sc.keys()}, exact=False)
    for over in ("parent_states", "quantum"):
        with pytest.raises(SDPTooLarge):
            bound_task(F, "max", over, {})


def _quantum_assemblage(sc: Scenario, rng: np.random.Generator):
    """Random pure state of A (A C) B1 B2 and random projective qubit measurements per Alice and input: each
    Bob's marginal of ``tr_A[(⊗ M ⊗ I)ρ]`` (a quantum several-Bobs assemblage)."""
    from steerdsl.model.assemblage import Assemblage

    n = len(sc.alices)
    dims = sc.bob_dims
    D = int(np.prod(dims))
    dim = 2 ** n * D
    psi = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    psi /= np.linalg.norm(psi)
    bases = [[np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))[0] for _ in range(2)]
             for _ in range(n)]
    elements = {}
    for (a, x, y) in sc.keys():
        vec = np.ones(1)
        for j in range(n):
            vec = np.kron(vec, bases[j][x[j]][:, a[j]].conj())
        bob = vec @ psi.reshape(2 ** n, D)  # ⟨a|ψ⟩ on the Bobs: tr_A[(M ⊗ I)|ψ⟩⟨ψ|] = |φ⟩⟨φ|
        joint = np.outer(bob, bob.conj())
        t = joint.reshape(*dims, *dims)
        elements[(a, x, y)] = (np.einsum("ijkj->ik", t), np.einsum("jijk->ik", t))
    return Assemblage(sc, elements, exact=False)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_functionals_one_alice_are_ordered(seed):
    """One Alice: LHS ≤ QX_k = parent states (exact, Sainz 2026 Thm 6) ≤ no-signalling, and the value on a random
    quantum assemblage is at most the parent-state bound."""
    from steerdsl.model.marginals import functional_value
    from steerdsl.sdp.lhs import lhs_bound
    from steerdsl.sdp.parent_bounds import several_bobs_bound
    from steerdsl.sdp.relaxation import nosignalling_bound

    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2)))
    F = _correlated_local_functional(sc, seed)
    lhs = lhs_bound(F).value
    parents = several_bobs_bound(F).value
    levels = [several_bobs_bound(F, level=k).value for k in ("1+AB", 2)]
    ns = nosignalling_bound(F).value
    assert lhs <= parents + 1e-6 <= ns + 2e-6
    assert levels == pytest.approx([parents, parents], abs=1e-6)
    tau = _quantum_assemblage(sc, np.random.default_rng(seed))
    assert functional_value(F, tau) <= parents + 1e-6


@pytest.mark.parametrize("seed", [0, 1])
def test_random_functionals_two_alices_are_ordered(seed):
    """Two Alices: LHS ≤ QX_2 ≤ QX_{1+AB} ≤ parent states ≤ no-signalling, and a random quantum assemblage's
    value is at most QX_2."""
    from steerdsl.model.marginals import functional_value
    from steerdsl.sdp.lhs import lhs_bound
    from steerdsl.sdp.parent_bounds import several_bobs_bound
    from steerdsl.sdp.relaxation import nosignalling_bound

    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B1", 2), Bob("B2", 2)))
    F = _correlated_local_functional(sc, seed)
    lhs = lhs_bound(F).value
    qx2 = several_bobs_bound(F, level=2).value
    qx1 = several_bobs_bound(F, level="1+AB").value
    parents = several_bobs_bound(F).value
    ns = nosignalling_bound(F).value
    assert lhs <= qx2 + 1e-6 <= qx1 + 2e-6 <= parents + 3e-6 <= ns + 4e-6
    tau = _quantum_assemblage(sc, np.random.default_rng(seed))
    assert functional_value(F, tau) <= qx2 + 1e-6

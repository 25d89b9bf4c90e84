"""The sequential scenario's no-signalling set (physics.md §2; issue 15): declared once in
steerdsl/model/nosignalling.py, it builds both the exact check and ``bound … over nosignalling``.  A later round may
depend on the earlier inputs, so Σ_{a1} σ_{a1a2|x1x2} may depend on x1: functionals that reward it have
no-signalling bound 4 where one Alice per round (a wrong set) would give 2√2.  Random quantum realisations (a
state, a Lüders instrument for the first round, a second measurement chosen from x1 and a1) pass the exact check
and stay below the bound, itself above the LHS bound."""

from __future__ import annotations

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.diagnostics import Refusal
from steerdsl.exact.checks import no_signalling, normalised
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.nosignalling import element_relations, signalling_groups
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sdp.lhs import lhs_bound
from steerdsl.sdp.relaxation import nosignalling_bound

SEQ = Scenario((Alice("A", 2, (2, 2), rounds=2),), (Bob("B", 2),))

KNOWN = """
scenario {
    alice A : inputs 2, outputs 2, rounds 2
    bob   B : dim 2
}
functional F[a1 a2|x1 x2] = (-1)^a2 * (Z if x1 == x2 else X)
functional G[a1 a2|x1 x2] = (-1)^a1 * (Z if x1 == 0 else X)
bound max F over lhs
bound max F over nosignalling
bound max G over lhs
bound max G over nosignalling
bound max F over quantum
bound max G over almost_quantum
"""


def test_known_values_through_the_language():
    """F rewards a second round chosen from x1: hidden states give Σ_{x1,x2} |tr(P σ_λ)| ≤ 2(|⟨Z⟩| + |⟨X⟩|) ≤ 2√2,
    no-signalling (and quantum: a trivial first round, then measuring P(x1 ⊕ x2) on a maximally entangled pair)
    reaches 4; G is the first round's steering functional counted for both x2: LHS 2√2, no-signalling 4.  Every
    no-signalling sequential assemblage is quantum (physics.md §3.2), so the quantum bounds are the same."""
    report = run_model(sd.loads(KNOWN))
    assert not report.diagnostics
    values = [a.result.value for a in report.answers]
    assert values == pytest.approx([2 * np.sqrt(2), 4, 2 * np.sqrt(2), 4, 4, 4], abs=1e-6)
    assert "quantum (= no-signalling)" in report.answers[4].result.task


def test_the_relations_are_the_spec_ones():
    """physics.md §2: Σ_{a2} σ independent of x2 (slot 1 alone), Σ_{a1a2} σ independent of x1 (both slots)."""
    assert signalling_groups(SEQ) == [(0, 1), (1,)]
    keys, relations = element_relations(SEQ)
    # 16 elements, 11 free blocks: ρ, τ_{0|x1} (2), σ_{a1 0|x1 x2} (8); the second x2-independence of the total
    # follows from the others, so 6 rows have rank 5
    assert len(keys) == 16 and relations.shape[0] == 6 and np.linalg.matrix_rank(relations) == 5


def _quantum_sequential(sc: Scenario, rng: np.random.Generator) -> Assemblage:
    """σ_{a1a2|x1x2} = tr_A[(√M_{a1|x1} N_{a2|x2; x1 a1} √M_{a1|x1} ⊗ I) ρ]: a random pure state of A B, a random
    two-outcome POVM M per x1 applied as a Lüders instrument, then a random projective measurement N chosen from
    (x1, a1, x2)."""
    psi = rng.normal(size=4) + 1j * rng.normal(size=4)
    rho = np.outer(psi, psi.conj()) / np.vdot(psi, psi).real

    def unitary():
        return np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))[0]

    sqrt_povm = {}
    for x1 in range(2):
        u = unitary()
        p = rng.uniform(0, 1, size=2)
        m0 = u @ np.diag(p) @ u.conj().T
        for a1, m in enumerate((m0, np.eye(2) - m0)):
            w, v = np.linalg.eigh(m)
            sqrt_povm[(a1, x1)] = v @ np.diag(np.sqrt(np.clip(w, 0, None))) @ v.conj().T
    second = {(x1, a1, x2): unitary() for x1 in range(2) for a1 in range(2) for x2 in range(2)}
    elements = {}
    for (a, x, y) in sc.keys():
        (a1, a2), (x1, x2) = a, x
        v = second[(x1, a1, x2)][:, a2]
        s = sqrt_povm[(a1, x1)]
        op = s @ np.outer(v, v.conj()) @ s
        joint = np.kron(op, np.eye(2)) @ rho
        elements[(a, x, y)] = np.trace(joint.reshape(2, 2, 2, 2), axis1=0, axis2=2)
    return Assemblage(sc, elements, exact=False, name="tau")


def _random_functional(sc: Scenario, seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name=f"F{seed}")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_functionals_and_realisations(seed):
    """LHS ≤ no-signalling, and the value on three random quantum realisations (which the exact check accepts)
    is at most the no-signalling bound; the maximiser itself passes the same declared relations."""
    F = _random_functional(SEQ, seed)
    ns = nosignalling_bound(F)
    assert lhs_bound(F).value <= ns.value + 1e-6
    rng = np.random.default_rng(100 + seed)
    for _ in range(3):
        tau = _quantum_sequential(SEQ, rng)
        assert no_signalling(tau, "tau").status == "pass" and normalised(tau, "tau").status == "pass"
        assert functional_value(F, tau) <= ns.value + 1e-6
    best = ns.details["optimiser"]
    assert no_signalling(best, "best").status == "pass" and normalised(best, "best").status == "pass"
    assert functional_value(F, best) == pytest.approx(ns.value, abs=1e-6)


def test_second_round_may_depend_on_the_first_input():
    """An assemblage whose Σ_{a1} σ_{a1a2|x1x2} depends on x1 is valid (exact check) — the realisation of F's
    value 4 — and reaches the no-signalling bound."""
    m = sd.loads(KNOWN + """
let P(b) = Z if b == 0 else X
assemblage sigma[a1 a2|x1 x2] = [a1 == 0] * (I + (-1)^a2 * P(x1 xor x2)) / 4
check sigma : valid
""")
    assert sd.check(m).ok
    assert functional_value(m["F"], m["sigma"]) == 4


def test_rounds_with_several_bobs_are_refused():
    sc = Scenario((Alice("A", 2, (2, 2), rounds=2),), (Bob("B1", 2), Bob("B2", 2)))
    F = Functional(sc, {key: (np.eye(2), np.eye(2)) for key in sc.keys()}, exact=False)
    with pytest.raises(Refusal) as exc:
        nosignalling_bound(F)
    assert exc.value.code == "E302"

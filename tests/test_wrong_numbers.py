"""Issue 15, phase 1: every number that used to be wrong is now right (independently known values) or a coded
refusal.  Known values: the BWI PR box functional (LHS 2, quantum 2√2 = Tsirelson, no-signalling 4 reached by E1's
PR box), PRL 2020 eq. 6 (no-signalling 6 reached by its valid assemblage, quantum below it at level 2), E3's
instrumental functional (no-signalling ≥ its value 3 on E3's assemblage), a Bob-1-only functional on two Bobs
(LHS √2, no-signalling 2, physics.md §9)."""

from __future__ import annotations

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sdp.bwi_hierarchy import hierarchy_bound
from steerdsl.sdp.lhs import lhs_bound
from steerdsl.sdp.relaxation import nosignalling_bound

BWI = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, inputs 2
}
assemblage sigma[a|x y] = 1/2 * proj(ket(a xor x*y))
functional F[a|x y] = (-1)^(a + x*y) * Z
"""

EQ6 = """
scenario {
    alice A : inputs 3, outputs 2
    bob   B : dim 2, inputs 2
}
let P(x) = X if x == 0 else (Y if x == 1 else Z)
assemblage sigma[a|x y] = (I + (-1)^(a + [x == 1] * [y == 1]) * P(x)) / 4
functional F[a|x y] = (-1)^(a + [x == 1] * [y == 1]) * P(x)
"""

E3 = """
scenario {
    alice A : inputs 3, outputs 2
    bob   B : dim 2, input = outcome of A
}
let P(x) = X if x == 0 else (Y if x == 1 else Z)
assemblage sigma[a|x] = (I + (-1)^(a + [x == 1] * [a == 1]) * P(x)) / 4
functional F[a|x] = (-1)^(a + [x == 1] * [a == 1]) * P(x)
"""

TWO_BOBS = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B1 : dim 2
    bob   B2 : dim 2
}
functional F[a|x] = (-1)^a * kron((Z if x == 0 else X), I(2))
"""


def _bounds(text: str) -> tuple[float, float, float]:
    m = sd.loads(text)
    F = m["F"]
    return lhs_bound(F).value, hierarchy_bound(F, level=1).value, nosignalling_bound(F).value


def test_bwi_pr_box_functional():
    m = sd.loads(BWI)
    F, sigma = m["F"], m["sigma"]
    assert functional_value(F, sigma) == 4
    lhs, quantum, ns = _bounds(BWI)
    assert lhs == pytest.approx(2, abs=1e-6)
    assert quantum == pytest.approx(2 * np.sqrt(2), abs=1e-6)
    assert ns == pytest.approx(4, abs=1e-6)


def test_eq6_functional():
    m = sd.loads(EQ6)
    F, sigma = m["F"], m["sigma"]
    assert functional_value(F, sigma) == 6
    assert nosignalling_bound(F).value == pytest.approx(6, abs=1e-6)
    # physics.md §4.3: eq. 6's assemblage is feasible at level 1 and excluded at level 2
    assert hierarchy_bound(F, level=1).value == pytest.approx(6, abs=1e-6)
    assert hierarchy_bound(F, level=2).value < 6 - 1e-3
    assert lhs_bound(F).value == pytest.approx(2 * np.sqrt(3), abs=1e-6)


def test_instrumental_functional_of_e3():
    m = sd.loads(E3)
    F, sigma = m["F"], m["sigma"]
    assert functional_value(F, sigma) == 3
    lhs, quantum, ns = _bounds(E3)
    assert lhs == pytest.approx(1 + np.sqrt(2), abs=1e-6)
    assert ns >= 3 - 1e-6 and ns >= lhs
    assert lhs - 1e-6 <= quantum <= ns + 1e-6


def test_several_bobs_functional_on_bob_one():
    m = sd.loads(TWO_BOBS)
    F = m["F"]
    assert lhs_bound(F).value == pytest.approx(np.sqrt(2), abs=1e-6)
    assert nosignalling_bound(F).value == pytest.approx(2, abs=1e-6)


def test_several_bobs_functional_acting_on_two_bobs_is_refused():
    text = TWO_BOBS.replace("kron((Z if x == 0 else X), I(2))", "kron(Z, Z)")
    with pytest.raises(sd.SteerError) as exc:
        sd.loads(text)
    assert exc.value.diagnostic.code == "E303"


def _random_functional(sc: Scenario, seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    d = sc.dim
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name=f"F{seed}")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kind", ["bwi", "instrumental"])
def test_random_functionals_are_ordered(kind, seed):
    """max over LHS ≤ max over a quantum level ≤ max over no-signalling, in BWI and instrumental scenarios."""
    bob = Bob("B", 2, inputs=2) if kind == "bwi" else Bob("B", 2, input_from="A")
    F = _random_functional(Scenario((Alice("A", 2, (2, 2)),), (bob,)), seed)
    lhs, quantum, ns = lhs_bound(F).value, hierarchy_bound(F, level=1).value, nosignalling_bound(F).value
    assert lhs <= quantum + 1e-6
    assert quantum <= ns + 1e-6


def test_two_alice_bwi_level_one_stays_inside_nosignalling():
    """Level 1 with two Alices has no row for the joint word AC, so σ_{a|x} ⪰ 0 is imposed: the bound stays at
    most the no-signalling one (it was 9.134 > 9.007 for this functional)."""
    sc = Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2, inputs=2),))
    rng = np.random.default_rng(3)
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    F = Functional(sc, terms, exact=False)
    lhs, quantum, ns = lhs_bound(F).value, hierarchy_bound(F, level=1).value, nosignalling_bound(F).value
    assert lhs - 1e-6 <= quantum <= ns + 1e-6


def _report(text: str):
    return run_model(sd.loads(text))


def test_bwi_almost_quantum_membership():
    report = _report(BWI + "solve sigma : almost_quantum\n")
    assert not report.diagnostics
    answer = report.answers[0]
    assert answer.result.verdict == "excluded"
    assert answer.result.value == pytest.approx(np.sqrt(2) - 1, abs=1e-6)


def test_bounds_through_the_language():
    report = _report(BWI + "bound max F over nosignalling\nbound max F over quantum\nbound max F over lhs\n")
    assert not report.diagnostics
    values = [a.result.value for a in report.answers]
    assert values == pytest.approx([4, 2 * np.sqrt(2), 2], abs=1e-6)


INSTRUMENTAL_OUTSIDE = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, input = outcome of A
}
assemblage sigma[a|x] = 3/4 * proj(ket(x)) if a == 0 else 1/4 * proj(ket(1 - x))
check sigma : valid
"""


def test_instrumental_validity_is_undecided_without_a_certificate():
    """σ[0|0] = ¾|0⟩⟨0|, σ[0|1] = ¾|1⟩⟨1| is not general instrumental (PRL 2020 Def. 6): never 'pass'."""
    report = sd.check(sd.loads(INSTRUMENTAL_OUTSIDE))
    valid = [r for r in report.results if r.property == "valid"]
    assert [r.status for r in valid] == ["undecided"]
    assert "ω" in valid[0].detail


def test_instrumental_validity_with_a_certificate_is_exact():
    """E3 defines the BWI assemblage ω whose y = a post-selection is σ: the exact check uses it."""
    from pathlib import Path

    model = sd.load(Path(__file__).resolve().parent.parent / "models" / "e03_instrumental.steer")
    report = sd.check(model)
    valid = [r for r in report.results if r.subject == "sigma" and r.property == "valid"]
    assert valid and all(r.status == "pass" and r.exact for r in valid)


def test_sequential_nosignalling_bound_is_answered():
    """Declared since (steerdsl/model/nosignalling.py): Σ tr σ = 4 caps the parity functional, and σ = |0⟩⟨0| with
    a1 = a2 = 0 reaches it (more: tests/test_sequential_nosignalling.py)."""
    text = """
scenario {
    alice A : inputs 2, outputs 2, rounds 2
    bob   B : dim 2
}
functional F[a1 a2|x1 x2] = (-1)^(a1 + a2) * Z
bound max F over nosignalling
"""
    report = _report(text)
    assert not report.diagnostics
    assert report.answers[0].result.value == pytest.approx(4, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_random_several_bobs_functionals_are_ordered(seed):
    """Several Bobs: max over LHS ≤ max over no-signalling, and the value on a quantum assemblage (measure a
    random state of A B1 B2) lies below the no-signalling bound."""
    rng = np.random.default_rng(seed)
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2)))
    terms = {}
    for key in sc.keys():
        parts = []
        for _ in sc.bobs:
            g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
            parts.append((g + g.conj().T) / 2)
        terms[key] = tuple(parts)
    F = Functional(sc, terms, exact=False, name="F")
    ns = nosignalling_bound(F).value
    assert lhs_bound(F).value <= ns + 1e-6
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    rho = np.outer(psi, psi.conj()) / np.vdot(psi, psi).real
    basis = [np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))[0] for _ in range(2)]
    elements = {}
    for (a, x, y) in sc.keys():
        v = basis[x[0]][:, a[0]]
        projector = np.kron(np.outer(v, v.conj()), np.eye(4))
        joint = np.trace((projector @ rho).reshape(2, 4, 2, 4), axis1=0, axis2=2)  # tr_A: Bobs' joint state
        t = joint.reshape(2, 2, 2, 2)
        elements[(a, x, y)] = (np.einsum("ijkj->ik", t), np.einsum("jijk->ik", t))
    sigma = Assemblage(sc, elements, exact=False)
    assert functional_value(F, sigma) <= ns + 1e-6


def test_instrumental_nosignalling_membership_decides_the_general_set():
    """'solve σ : nosignalling' is the SDP behind the undecided exact check: it excludes the assemblage outside
    G_I (ρ_{y=0} ⪰ both σ[0|x] would need trace 3/2) and does not exclude E3's (a post-selection of E2)."""
    report = _report(INSTRUMENTAL_OUTSIDE + "solve sigma : nosignalling\n")
    assert report.answers[0].result.verdict == "excluded"
    report = _report(E3 + "solve sigma : nosignalling\n")
    assert report.answers[0].result.verdict != "excluded"
    assert abs(report.answers[0].result.margin) <= 1e-6


def test_nosignalling_membership_elsewhere_points_to_the_exact_check():
    report = _report(BWI + "solve sigma : nosignalling\n")
    assert [d.code for d in report.diagnostics] == ["E140"]
    assert "check sigma : valid" in report.diagnostics[0].hint


WERNER = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
let v = 0.6
state rho on A B = v * proj((|00⟩ + |11⟩) / sqrt(2)) + (1 - v) * I(4) / 4
measurement M[a|x] on A {
    x = 0 : (I + (-1)^a * Z) / 2
    x = 1 : (I + (-1)^a * X) / 2
}
assemblage sigma = measure rho with A: M
solve sigma : lhs
solve sigma : robustness
solve sigma : steering_weight
solve sigma : consistent_robustness
"""


def test_lhs_questions_share_one_verdict():
    """Werner v = 0.6 < 1/√2 with Z, X is strictly inside LHS: every LHS question says member, margin < 0."""
    report = _report(WERNER)
    assert not report.diagnostics
    assert [a.result.verdict for a in report.answers] == ["member"] * 4
    assert all(a.result.margin < -1e-3 for a in report.answers)


def test_parent_states_value_has_the_margin_sign():
    from pathlib import Path

    from steerdsl.sdp.parents import parent_states

    sigma = sd.load(Path(__file__).resolve().parent.parent / "models" / "e09_lhs_bell_nonlocal_bobs.steer")["sigma"]
    result = parent_states(sigma)
    assert result.verdict == "member" and result.value == result.margin < 0
    assert result.details["lambda"] == -result.value


def test_brackets_read_lower_below_upper():
    from steerdsl.sdp.result import ordered_bracket

    assert ordered_bracket(1.6e-11, -2e-12, 1e-6, floor=0.0) == ((0.0, 0.0), ordered_bracket(1.6e-11, 0, 1e-6)[1])
    assert ordered_bracket(0.1, 0.2, 1e-6) == ((0.1, 0.2), None)
    (lower, upper), note = ordered_bracket(0.3, 0.2, 1e-6)
    assert (lower, upper) == (0.3, 0.2) and "inconsistent" in note


@pytest.mark.parametrize("seed", [0, 1])
def test_random_quantum_bwi_assemblages_stay_below_the_bounds(seed):
    """σ_{a|xy} = U_y tr_A[(M_{a|x} ⊗ I)ρ] U_y† (a unitary channel per y) is quantum: a random functional's
    value on it is at most its bound over BWI level 1, itself at most the no-signalling bound."""
    rng = np.random.default_rng(seed)
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2, inputs=2),))
    F = _random_functional(sc, seed + 10)
    psi = rng.normal(size=4) + 1j * rng.normal(size=4)
    rho = np.outer(psi, psi.conj()) / np.vdot(psi, psi).real
    bases = [np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))[0] for _ in range(4)]
    elements = {}
    for (a, x, y) in sc.keys():
        v = bases[x[0]][:, a[0]]
        bob = np.trace((np.kron(np.outer(v, v.conj()), np.eye(2)) @ rho).reshape(2, 2, 2, 2), axis1=0, axis2=2)
        u = bases[2 + y[0]]
        elements[(a, x, y)] = u @ bob @ u.conj().T
    tau = Assemblage(sc, elements, exact=False)
    value = functional_value(F, tau)
    quantum, ns = hierarchy_bound(F, level=1).value, nosignalling_bound(F).value
    assert value <= quantum + 1e-6 <= ns + 2e-6

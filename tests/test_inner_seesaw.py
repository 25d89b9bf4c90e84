"""See-saw inner bounds in every scenario kind (physics.md §4.2, §8): known maxima are reached, the value is
recomputed from the returned realisation, and it stays between the LHS value and an outer bound."""

from __future__ import annotations

import numpy as np
import picos
import pytest

import steerdsl as sd
from steerdsl.inner.realisation import InnerError, assemblage_of
from steerdsl.model.assemblage import Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sdp.seesaw import seesaw

ROOT2 = 2 * 2**0.5
BWI_CHSH = """scenario { alice A : inputs 2, outputs 2
  bob B : dim 2, inputs 2 }
functional F[a|x y] = (-1)^(a + x*y) * Z
"""


def _bwi_nosignalling_bound(F: Functional) -> float:
    """``max Σ tr(F σ)`` over BWI no-signalling assemblages (physics.md §2), an outer bound on the quantum
    maximum written here independently of steerdsl's relaxations."""
    sc = F.scenario
    d, k, m = sc.dim, sc.slots[0].outputs[0], sc.slots[0].inputs
    sig = {key: picos.HermitianVariable(f"s{i}", d) for i, key in enumerate(sc.keys())}
    p = picos.Problem()
    p.add_list_of_constraints([s >> 0 for s in sig.values()])
    for y in sc.bob_input_tuples():
        rho = picos.sum([sig[((a,), (0,), y)] for a in range(k)])
        p.add_constraint(picos.trace(rho) == 1)
        for x in range(1, m):
            p.add_constraint(picos.sum([sig[((a,), (x,), y)] for a in range(k)]) == rho)
    for (a, x, y), s in sig.items():
        if y != (0,):
            p.add_constraint(picos.trace(s) == picos.trace(sig[(a, x, (0,))]))
    p.set_objective("max", picos.sum([(picos.Constant(np.asarray(F.terms[key], dtype=complex)) | s).real
                                      for key, s in sig.items()]))
    p.solve(solver="cvxopt", verbosity=-1)
    return float(p.value)


def _bwi_lhs_value(F: Functional) -> float:
    """``max_λ Σ_y λ_max(Σ_x F_{λ(x)|x y})``: the best deterministic Alice with hidden states per y."""
    sc = F.scenario
    best = -np.inf
    for strategy in sc.iter_deterministic_strategies():
        total = 0.0
        for y in sc.bob_input_tuples():
            W = sum(F.terms[((strategy[(0, (x,))],), (x,), y)] for x in range(sc.slots[0].inputs))
            total += np.linalg.eigvalsh(np.asarray(W, dtype=complex))[-1]
        best = max(best, total)
    return best


def _random_bwi_functional(rng, inputs: int = 2) -> Functional:
    sc = Scenario((Alice("A", inputs, (2,) * inputs),), (Bob("B", 2, 2),))
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False)


def test_bwi_chsh_functional_reaches_the_quantum_maximum():
    F = sd.loads(BWI_CHSH)["F"]
    result = seesaw(F, restarts=3, seed=0)
    assert result.value == pytest.approx(ROOT2, abs=1e-6)
    assert result.value <= ROOT2 + 1e-8
    # the value is recomputed from the realisation's own assemblage
    assert functional_value(F, assemblage_of(result.details["realisation"])) == pytest.approx(result.value, abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_random_bwi_functional_lies_between_lhs_and_an_outer_bound(seed):
    F = _random_bwi_functional(np.random.default_rng(seed))
    inner = seesaw(F, restarts=2, seed=seed).value
    assert _bwi_lhs_value(F) <= inner + 1e-8
    assert inner <= _bwi_nosignalling_bound(F) + 1e-6


def test_instrumental_functional_reaches_its_algebraic_maximum():
    F = sd.loads("""scenario { alice A : inputs 3, outputs 2
      bob B : dim 2, input = outcome of A }
    let P(x) = X if x == 0 else (Y if x == 1 else Z)
    functional F[a|x] = (-1)^a * P(x)
    """)["F"]
    result = seesaw(F, restarts=3, seed=0)
    assert 3 - 1e-6 <= result.value <= 3 + 1e-8  # Σ_x tr(P_x(σ_0|x − σ_1|x)) ≤ 3
    assert functional_value(F, assemblage_of(result.details["realisation"])) == pytest.approx(result.value, abs=1e-9)


def test_bell_chsh_reaches_tsirelson():
    F = sd.loads("""scenario { alice A : inputs 2, outputs 2
      alice C : inputs 2, outputs 2
      bob B : dim 1 }
    functional F[a c|x z] = (-1)^(a + c + x*z)
    """)["F"]
    assert seesaw(F, dims=(2, 2), restarts=2).value == pytest.approx(ROOT2, abs=1e-6)


def test_several_bobs_local_functional_on_bob_one():
    """``F[a|x] = (-1)^a P_x`` on Bob 1 only (P = Z, X), as one operator per Bob: at most 2, reached by a
    maximally entangled Alice–Bob 1 pair (physics.md §9)."""
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2)))
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    terms = {key: ((-1) ** key[0][0] * (Z if key[1][0] == 0 else X), np.zeros((2, 2))) for key in sc.keys()}
    F = Functional(sc, terms, exact=False)
    result = seesaw(F, restarts=2)
    assert result.value == pytest.approx(2, abs=1e-6)
    assert functional_value(F, assemblage_of(result.details["realisation"])) == pytest.approx(2, abs=1e-6)


def test_internal_dimension_and_refusals():
    F = sd.loads(BWI_CHSH)["F"]
    assert seesaw(F, dims=(2, 3), restarts=1).details["dims"] == [2, 3]
    with pytest.raises(InnerError) as info:
        seesaw(F, dims=(2, 2, 2))
    assert info.value.code == "E351"
    m = sd.loads("""scenario { alice A : inputs 2, outputs 2, rounds 2
      bob B : dim 2 }
    functional F[a b|x z] = (-1)^(a + b) * Z
    bound max F over seesaw dims 2 2 2
    """)
    report = run_model(m)
    assert [d.code for d in report.diagnostics] == ["E351"]  # sequential: two dimensions, one per round


def test_seesaw_optimisers_pass_the_bwi_outer_hierarchy():
    """Inner meets outer from the right side: the assemblage of a see-saw optimiser is quantum, so the BWI
    hierarchy at level 1 must not exclude it."""
    from steerdsl.sdp.bwi_hierarchy import bwi_membership

    for seed in range(2):
        F = _random_bwi_functional(np.random.default_rng(10 + seed))
        sigma = assemblage_of(seesaw(F, restarts=1, seed=seed).details["realisation"])
        assert bwi_membership(sigma, level=1).verdict != "excluded"

"""The sequential see-saw (Alice's instrument as a variable, physics.md §8): its value is recomputed from a
valid realisation, lies between the best deterministic strategy and the no-signalling bound (= the quantum
bound of the kind, PRL 125, 050404 (2020)), and reaches that bound where the optimum is known."""

from __future__ import annotations

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact.checks import valid_assemblage
from steerdsl.model.assemblage import Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.seesaw import seesaw
from steerdsl.sdp.seesaw_sequential import assemblage_of
from steerdsl.sdp.sequential import sequential_quantum_bound

SEQ = Scenario((Alice("A", 2, (2, 2), rounds=2),), (Bob("B", 2),))


def _random_functional(seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    terms = {}
    for key in SEQ.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    return Functional(SEQ, terms, exact=False)


def _lhs_value(F: Functional) -> float:
    """``max_λ λ_max(Σ_x F_{λ(x)|x})`` over deterministic sequential strategies."""
    best = -np.inf
    for strategy in SEQ.iter_deterministic_strategies():
        total = sum(f for (a, x, _), f in F.terms.items() if a == SEQ.strategy_outcomes(strategy, x))
        best = max(best, float(np.linalg.eigvalsh(total)[-1]))
    return best


def test_known_maximum_reached_and_recomputed():
    """``(-1)^(a1+a2+x1 x2) P_x1``: at most 4 (each of the four inputs contributes ≤ ‖P‖ = 1), reached."""
    F = sd.loads("""scenario { alice A : inputs 2, outputs 2, rounds 2
      bob B : dim 2 }
    functional F[a b|x z] = (-1)^(a + b + x*z) * (Z if x == 0 else X)
    """)["F"]
    result = seesaw(F, restarts=3, seed=0)
    assert result.value == pytest.approx(4, abs=1e-6)
    sigma = assemblage_of(result.details["realisation"])
    assert all(c.ok for c in valid_assemblage(sigma, "s"))
    assert functional_value(F, sigma) == pytest.approx(result.value, abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_functional_between_lhs_and_nosignalling(seed):
    F = _random_functional(seed)
    result = seesaw(F, dims=(2, 4), restarts=1, seed=seed)
    sigma = assemblage_of(result.details["realisation"])
    assert all(c.ok for c in valid_assemblage(sigma, "s"))
    assert functional_value(F, sigma) == pytest.approx(result.value, abs=1e-9)
    outer = sequential_quantum_bound(F).value
    assert _lhs_value(F) - 1e-8 <= result.value <= outer + 1e-6

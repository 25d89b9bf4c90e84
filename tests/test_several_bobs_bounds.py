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

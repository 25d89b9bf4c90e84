"""Invariants on random instances of every scenario kind (standard, several Alices, Bob with input,
several Bobs, Bell); the counts and times of the 200-per-kind run are in docs/reliability.md.

* LHS ⊆ quantum ⊆ relaxations ⊆ no-signalling, read on random functionals F:
  ``LHS bound ≤ level 2 ≤ level 1+AB ≤ level 1 ≤ NS bound``, a random quantum σ has ``F(σ)`` below
  the tightest relaxation, an LHS one (white noise, below) below the LHS bound (one Alice:
  1+AB = NS, every no-signalling assemblage being quantum by GHJW); the see-saw link of the chain
  is tests/test_relaxations.py::test_bound_chain_on_many_random_functionals.
* GHJW: the realisation built from σ reproduces σ.
* White noise: for one Alice with m inputs and a d-dimensional Bob, ``vσ + (1 − v)I/(kd)`` is LHS
  whenever ``v ≤ 1/(1 + d(m − 1))`` — with ``τ_λ = k^{1−m}[Σ_x σ_{λ(x)|x} − (m − 1)ρ_B/k]``,
  ``σ_λ = vτ_λ + (1 − v)I/(d k^m)`` reproduces the mixture and ``τ_λ ⪰ −(m − 1)k^{−m} I`` makes
  every ``σ_λ ⪰ 0`` there; at 0.9 of that bound the LHS program must answer ``member``.
* Relabelling inputs, outputs and parties leaves the robustness and membership values unchanged.
* Quantum assemblages are never excluded (BWI level 1, parent states), and Tsirelson's bound holds.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import random_instances as ri

from steerdsl.exact.ghjw import ghjw
from steerdsl.model.marginals import functional_value
from steerdsl.model.transforms import permute_alices, relabel_inputs, relabel_outcomes
from steerdsl.sdp.bwi_hierarchy import bwi_membership
from steerdsl.sdp.lhs import generalised_robustness, lhs, lhs_bound
from steerdsl.sdp.parents import parent_states
from steerdsl.sdp.relaxation import bound, membership, nosignalling_bound

TOL = 2e-6  # twice the verdict tolerance of the SDPs involved (docs/tolerance.md)


def _chain(values: list[float]) -> None:
    assert all(a <= b + TOL for a, b in zip(values, values[1:])), values


def _same(a: float, b: float) -> None:
    assert abs(a - b) <= TOL, (a, b)


def standard(rng) -> None:
    sigma = ri.quantum_assemblage("standard", rng)
    real = ghjw(sigma)
    assert real.verified and real.residual <= 1e-9
    m, d = sigma.scenario.slots[0].inputs, sigma.scenario.dim
    unsteerable = ri.white_noise_mixture(sigma, 0.9 / (1 + d * (m - 1)))
    assert lhs(unsteerable).verdict == "member"
    r = generalised_robustness(sigma).value
    _same(r, generalised_robustness(relabel_inputs(sigma, 0, list(rng.permutation(m)))).value)
    _same(r, generalised_robustness(relabel_outcomes(sigma, 0, int(rng.integers(m)), [1, 0])).value)
    F = ri.random_functional(sigma.scenario, rng)
    ns, aq, local = nosignalling_bound(F).value, bound(F, level="1+AB").value, lhs_bound(F).value
    _chain([local, aq, ns])
    _same(aq, ns)
    _chain([functional_value(F, unsteerable).real, local])  # an LHS assemblage stays below the LHS bound
    _chain([functional_value(F, sigma).real, aq])


def several_alices(rng) -> None:
    sigma = ri.quantum_assemblage("several_alices", rng)
    F = ri.random_functional(sigma.scenario, rng)
    level2 = bound(F, level=2).value
    _chain([lhs_bound(F).value, level2, bound(F, level="1+AB").value, bound(F, level=1).value,
            nosignalling_bound(F).value])
    _chain([functional_value(F, sigma).real, level2])
    _same(membership(sigma, "1+AB").value, membership(permute_alices(sigma, [1, 0]), "1+AB").value)
    _same(membership(sigma, "1+AB").value, membership(relabel_outcomes(sigma, 1, 0, [1, 0]), "1+AB").value)


def bob_with_input(rng) -> None:
    sigma = ri.quantum_assemblage("bob_with_input", rng)
    result = bwi_membership(sigma, 1)
    assert result.verdict != "excluded", result.margin
    _same(result.value, bwi_membership(relabel_inputs(sigma, 0, [2, 0, 1]), 1).value)
    _same(generalised_robustness(sigma).value, generalised_robustness(relabel_outcomes(sigma, 0, 1, [1, 0])).value)


def several_bobs(rng) -> None:
    sigma = ri.quantum_assemblage("several_bobs", rng)
    assert parent_states(sigma).details["lambda"] >= -1e-7
    _same(generalised_robustness(sigma).value, generalised_robustness(relabel_inputs(sigma, 0, [1, 0])).value)


def bell(rng) -> None:
    p = ri.quantum_assemblage("bell", rng)
    chsh = {key: np.array([[(-1.0) ** (key[0][0] + key[0][1] + key[1][0] * key[1][1])]]) for key in p.elements}
    value = sum(float(np.real(p.elements[k][0, 0])) * c[0, 0] for k, c in chsh.items())
    assert abs(value) <= 2 * np.sqrt(2) + 1e-9  # Tsirelson
    F = ri.random_functional(p.scenario, rng)
    aq = bound(F, level="1+AB").value
    _chain([lhs_bound(F).value, aq, nosignalling_bound(F).value])
    _chain([functional_value(F, p).real, aq])
    _same(generalised_robustness(p).value, generalised_robustness(permute_alices(p, [1, 0])).value)


INVARIANTS = {"standard": standard, "several_alices": several_alices, "bob_with_input": bob_with_input,
              "several_bobs": several_bobs, "bell": bell}


def run_instances(kind: str, count: int, seed: int) -> float:
    """``count`` random instances of ``kind``; returns the seconds taken."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for _ in range(count):
        INVARIANTS[kind](rng)
    return time.perf_counter() - start


def test_every_kind_is_covered():
    assert set(INVARIANTS) == set(ri.KINDS)


@pytest.mark.parametrize("kind", ri.KINDS)
def test_invariants_on_a_few_instances(kind):
    run_instances(kind, 3, seed=11)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ri.KINDS)
def test_invariants_on_200_instances(kind):
    seconds = run_instances(kind, 200, seed=2026)
    print(f"{kind}: 200 instances in {seconds:.1f} s")

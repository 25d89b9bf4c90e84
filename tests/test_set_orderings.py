"""Issue 15 acceptance: the sets are ordered in every scenario kind, through the registry's one entry point.

For seeded random functionals (Gaussian, and correlators blind to Bob's marginal, for strict gaps) in each
kind (standard, multipartite, Bell, BWI, instrumental, several Bobs, sequential; 2 inputs × 2 outcomes per
Alice, qubit Bobs, 2 Bob inputs), ``steerdsl.tasks.bound_task``:

* ``max over lhs ≤ max over quantum (the kind's default) ≤ max over a coarser level ≤ max over nosignalling``
  (a finer level first where the kind has one: npa level 2 ⊆ 1+AB ⊆ level 1; instrumental level 2 ⊆ level 1;
  parent states ⊆ QX_{1+AB} ⊆ QX_1; BWI level 2 ⊆ level 1; sequential quantum = no-signalling), and the
  reverse for ``min``;
* ``value F on τ`` lies between the min and the max over S for random members τ built from explicit
  realisations: quantum ones (random state, projective measurements, CPTP channels for Bob's input:
  :func:`steerdsl.inner.random_data.random_realisation`; sequential: a Lüders instrument then a second
  projective measurement) in every set but LHS, and LHS ones (hidden states and deterministic strategies) in
  every set;
* the no-signalling maximiser (``details["maximiser"]``) is an assemblage of the functional's scenario that the
  exact check does not reject (instrumental: G_I membership does not exclude it), and F's value on it is the
  bound.

tests/test_cross_check.py compares standard / BWI / instrumental / several-Bobs bounds with an independent
reference through the language; tests/test_wrong_numbers.py holds the known values.  Here: every kind, the
coarser levels, min, and the maximiser.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_lhs import random_functional, random_lhs_assemblage

import steerdsl as sd
from steerdsl.inner.random_data import random_povm, random_realisation, random_state
from steerdsl.inner.realisation import assemblage_of, shape_for
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.tasks import bound_task, solve_task

TOL = 1e-6


def _alice(name: str = "A", rounds: int = 1) -> Alice:
    return Alice(name, 2, (2, 2), rounds)


SCENARIOS = {
    "standard": Scenario((_alice(),), (Bob("B", 2),)),
    "multipartite": Scenario((_alice(), _alice("C")), (Bob("B", 2),)),
    "bell": Scenario((_alice(), _alice("C")), (Bob("_", 1),)),
    "bwi": Scenario((_alice(),), (Bob("B", 2, inputs=2),)),
    "instrumental": Scenario((_alice(),), (Bob("B", 2, input_from="A"),)),
    "several_bobs": Scenario((_alice(),), (Bob("B1", 2), Bob("B2", 2))),
    "sequential": Scenario((_alice(rounds=2),), (Bob("B", 2),)),
}
KINDS = tuple(SCENARIOS)

NPA_CHAIN = (("npa", {"level": "2"}), ("quantum", {}), ("npa", {"level": "1"}))
CHAINS: dict[str, tuple[tuple[str, dict], ...]] = {
    "standard": NPA_CHAIN,
    "multipartite": NPA_CHAIN,
    "bell": NPA_CHAIN,
    "bwi": (("quantum", {}), ("bwi", {"level": "1"})),
    "instrumental": (("instrumental", {"level": "2"}), ("quantum", {})),
    "several_bobs": (("parent_states", {}), ("quantum", {}), ("several_bobs", {"level": "1"})),
    "sequential": (("quantum", {}),),
}
"""The sets between LHS and no-signalling, finest first (each kind's default ``quantum`` among them)."""


def _sets(kind: str) -> list[tuple[str, dict]]:
    return [("lhs", {}), *CHAINS[kind], ("nosignalling", {})]


def correlator_functional(sc: Scenario, rng: np.random.Generator) -> Functional:
    """``F_{a|x y} = (-1)^{Σ a} R_{x y}`` with random traceless Hermitian ``R`` (one per Bob; Bell: a random
    number): blind to Bob's marginal state, so LHS, quantum and no-signalling bounds tend to differ (random
    Gaussian functionals are often maximised by a deterministic assemblage, where every set agrees)."""

    def traceless(d: int) -> np.ndarray:
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        h = (g + g.conj().T) / 2
        return h - np.trace(h) / d * np.eye(d) if d > 1 else h

    per_context: dict = {}
    terms = {}
    for a, x, y in sc.keys():
        if (x, y) not in per_context:
            per_context[(x, y)] = tuple(traceless(d) for d in sc.bob_dims)
        parts = per_context[(x, y)]
        signed = tuple((-1) ** sum(a) * r for r in parts)
        terms[(a, x, y)] = signed if len(signed) > 1 else signed[0]
    return Functional(sc, terms, exact=False, name="F_corr")


FAMILIES = ("gaussian", "correlator")


def _functional(kind: str, seed: int, family: str = "gaussian") -> Functional:
    rng = np.random.default_rng(seed)
    if family == "correlator":
        return correlator_functional(SCENARIOS[kind], rng)
    return random_functional(SCENARIOS[kind], rng, real=False)


def _bounds(F, sense: str) -> list[float]:
    values = []
    for name, options in _sets(F.scenario.kind):
        result = bound_task(F, sense, name, dict(options))
        assert result.value is not None, (name, options, result.status)
        values.append(result.value)
    return values


def _label(kind: str) -> list[str]:
    return [name + (f" level {o['level']}" if o else "") for name, o in _sets(kind)]


def _assert_ordered(kind: str, values: list[float], sense: str) -> None:
    signed = values if sense == "max" else [-v for v in values]
    for (lo, hi), (a, b) in zip(zip(signed, signed[1:]), zip(_label(kind), _label(kind)[1:])):
        assert lo <= hi + TOL, f"{kind}: {sense} over {a} = {lo if sense == 'max' else -lo} against " \
                               f"{b} = {hi if sense == 'max' else -hi}"


def _sequential_member(sc: Scenario, rng: np.random.Generator) -> Assemblage:
    """A quantum sequential assemblage from a realisation: a random state on A ⊗ B, the Lüders instrument of a
    projective first measurement M_{a1|x1}, a projective second one P_{a2|x2}:
    ``σ_{a1a2|x1x2} = tr_A[(M P M ⊗ I) ρ]``."""
    d = sc.dim
    rho = random_state(2 * d, 1, rng).reshape(2, d, 2, d)
    first = [random_povm(rng, 2, 2) for _ in range(2)]
    second = [random_povm(rng, 2, 2) for _ in range(2)]
    elements = {}
    for a, x, y in sc.keys():
        m = first[x[0]][a[0]]
        effect = m @ second[x[1]][a[1]] @ m
        elements[(a, x, y)] = np.einsum("ji,iajb->ab", effect, rho)
    return Assemblage(sc, elements, exact=False, name="tau_q")


def quantum_member(kind: str, rng: np.random.Generator) -> Assemblage:
    """A random quantum assemblage of the kind, from an explicit realisation."""
    sc = SCENARIOS[kind]
    if kind == "sequential":
        return _sequential_member(sc, rng)
    return assemblage_of(random_realisation(shape_for(sc, None), rng), name="tau_q")


@pytest.mark.parametrize("kind", KINDS)
def test_random_members_are_valid(kind):
    rng = np.random.default_rng(7)
    for tau in (quantum_member(kind, rng), random_lhs_assemblage(SCENARIOS[kind], rng, real=False)):
        result = sd.check(tau, "valid")
        assert result.status == ("undecided" if kind == "instrumental" else "pass"), result.detail


def _orderings_and_members(kind: str, seed: int, family: str) -> list[float]:
    F = _functional(kind, seed, family)
    maxima, minima = _bounds(F, "max"), _bounds(F, "min")
    _assert_ordered(kind, maxima, "max")
    _assert_ordered(kind, minima, "min")
    if kind == "sequential":  # its quantum set is the no-signalling one (GHJW + Lüders)
        assert maxima[1] == pytest.approx(maxima[-1], abs=TOL)
    rng = np.random.default_rng(100 + seed)
    for _ in range(3):
        q = functional_value(F, quantum_member(kind, rng))
        assert minima[1] - TOL <= q <= maxima[1] + TOL  # inside the finest quantum set listed, so in every one
        lhs = functional_value(F, random_lhs_assemblage(F.scenario, rng, real=False))
        assert minima[0] - TOL <= lhs <= maxima[0] + TOL
    return maxima


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("kind", KINDS)
def test_sets_are_ordered_and_contain_their_random_members(kind, family):
    maxima = _orderings_and_members(kind, 0, family)
    if family == "correlator" and kind != "instrumental":
        # not vacuous: seeded so that LHS is strictly below no-signalling (instrumental: they agree here)
        assert maxima[-1] - maxima[0] > 0.05


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_sets_are_ordered_on_more_seeds(kind, seed, family):
    _orderings_and_members(kind, seed, family)


def _check_maximiser(kind: str, seed: int, sense: str, family: str = "correlator") -> None:
    F = _functional(kind, seed, family)
    result = bound_task(F, sense, "nosignalling", {})
    sigma = result.details["maximiser"]
    assert isinstance(sigma, Assemblage) and sigma.scenario == F.scenario and not sigma.exact
    assert functional_value(F, sigma) == pytest.approx(result.value, abs=TOL)
    check = sd.check(sigma, "valid")
    if kind == "instrumental":  # validity is G_I membership, an SDP (PRL 2020 Def. 6)
        assert check.status == "undecided"
        assert solve_task(sigma, "nosignalling", {}).verdict in ("member", "undecided")
    else:
        assert check.status == "pass", check.detail


@pytest.mark.parametrize("sense", ["max", "min"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_nosignalling_maximiser_is_a_valid_assemblage(kind, sense, family):
    _check_maximiser(kind, 0, sense, family)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_nosignalling_maximiser_on_more_seeds(kind, seed, family):
    _check_maximiser(kind, seed, "max", family)

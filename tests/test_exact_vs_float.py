"""Exact checks agree with an independent floating-point computation on random assemblages.

Random exact assemblages are built as LHS mixtures ``σ_{a|x} = Σ_λ D_λ(a|x) σ_λ``
of random Gaussian-rational PSD matrices (valid by construction), then possibly
perturbed.  The float side recomputes no-signalling and positivity with numpy
and a tolerance far below the perturbation sizes; verdicts must agree.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steerdsl.exact.checks import elements_psd, no_signalling, normalised
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario

gauss = st.tuples(st.integers(-3, 3), st.integers(-3, 3))


def _gram(vectors: list[list[tuple[int, int]]], d: int) -> np.ndarray:
    """Σ_v v v† for Gaussian-integer vectors: an exact PSD matrix."""
    g = alg.zeros(d, d)
    for vec in vectors:
        v = alg.exact_array([[Cyclo(re) + Cyclo.I * Cyclo(im)] for re, im in vec])
        g = g + v @ alg.dagger(v)
    return g


@st.composite
def lhs_assemblage(draw):
    n_alices = draw(st.integers(1, 2))
    d = draw(st.integers(1, 3))
    m, k = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    sc = Scenario(tuple(Alice(f"A{j}", m, (k,) * m) for j in range(n_alices)), (Bob("B", d),))
    strategies = sc.deterministic_strategies()
    n_hidden = draw(st.integers(1, 3))
    picks = draw(st.lists(st.integers(0, len(strategies) - 1), min_size=n_hidden, max_size=n_hidden))
    states = []
    for _ in range(n_hidden):
        vecs = draw(st.lists(st.lists(gauss, min_size=d, max_size=d), min_size=1, max_size=2))
        g = _gram(vecs, d)
        if alg.trace(g).is_zero:
            g = alg.identity(d)
        states.append(g)
    total = sum((alg.trace(g) for g in states), Cyclo(0))
    elements = {}
    for key in sc.keys():
        a, x, _ = key
        m_ = alg.zeros(d, d)
        for lam, g in zip(picks, states):
            if sc.strategy_outcomes(strategies[lam], x) == a:
                m_ = m_ + g
        elements[key] = m_ * (1 / total)
    return Assemblage(sc, elements, True, "sigma")


def _float_verdicts(sigma: Assemblage, tol: float = 1e-10) -> tuple[bool, bool, bool]:
    """(no-signalling, PSD, normalised) recomputed in floating point."""
    sc = sigma.scenario
    num = {k: np.array([[complex(v) for v in row] for row in m]) for k, m in sigma.elements.items()}
    ns = True
    for j in range(len(sc.slots)):
        sums = {}
        for (a, x, y), m in num.items():
            ctx = (tuple(v for i, v in enumerate(a) if i != j), tuple(v for i, v in enumerate(x) if i != j), y)
            sums.setdefault(ctx, {}).setdefault(x[j], np.zeros_like(m))
            sums[ctx][x[j]] = sums[ctx][x[j]] + m
        for by_x in sums.values():
            vals = list(by_x.values())
            ns &= all(np.max(np.abs(v - vals[0])) < tol for v in vals)
    psd = all(np.min(np.linalg.eigvalsh((m + m.conj().T) / 2)) > -tol and np.allclose(m, m.conj().T, atol=tol)
              for m in num.values())
    totals = {}
    for (_a, x, y), m in num.items():
        totals[(x, y)] = totals.get((x, y), 0) + np.trace(m)
    norm = all(abs(t - 1) < tol for t in totals.values())
    return ns, psd, norm


@st.composite
def perturbed(draw):
    sigma = draw(lhs_assemblage())
    kind = draw(st.sampled_from(["none", "offdiag", "diag", "shift"]))
    keys = list(sigma.elements)
    key = keys[draw(st.integers(0, len(keys) - 1))]
    d = sigma.scenario.dim
    m = sigma.elements[key].copy()
    delta = Fraction(draw(st.integers(1, 50)), draw(st.sampled_from([10, 100, 1000])))
    if kind == "offdiag" and d > 1:
        m[0, 1] = m[0, 1] + Cyclo(delta)
        m[1, 0] = m[1, 0] + Cyclo(delta)
    elif kind == "diag":
        m[0, 0] = m[0, 0] + Cyclo(delta)
    elif kind == "shift":
        m = m - alg.identity(d) * Cyclo(delta)
    elements = dict(sigma.elements)
    elements[key] = m
    return Assemblage(sigma.scenario, elements, True, "sigma")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(perturbed())
def test_exact_checks_agree_with_floating_point(sigma):
    ns, psd, norm = _float_verdicts(sigma)
    assert (no_signalling(sigma, "s").status == "pass") == ns
    assert (elements_psd(sigma, "s").status == "pass") == psd
    assert (normalised(sigma, "s").status == "pass") == norm


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lhs_assemblage(), st.data())
def test_a_single_entry_perturbed_by_a_thousandth_is_flagged(sigma, data):
    assert no_signalling(sigma, "s").status == "pass"
    assert elements_psd(sigma, "s").status == "pass"
    assert normalised(sigma, "s").status == "pass"
    keys = list(sigma.elements)
    key = keys[data.draw(st.integers(0, len(keys) - 1))]
    d = sigma.scenario.dim
    i, j = data.draw(st.sampled_from(list(itertools.product(range(d), repeat=2))))
    m = sigma.elements[key].copy()
    m[i, j] = m[i, j] + Cyclo(Fraction(1, 1000))
    bad = Assemblage(sigma.scenario, {**sigma.elements, key: m}, True, "sigma")
    statuses = [no_signalling(bad, "s").status, elements_psd(bad, "s").status, normalised(bad, "s").status]
    assert "fail" in statuses
    if i != j:  # the perturbed element is no longer Hermitian
        assert elements_psd(bad, "s").status == "fail"
    else:  # the diagonal shift changes a marginal, so some input signals or the trace breaks
        assert no_signalling(bad, "s").status == "fail" or normalised(bad, "s").status == "fail"

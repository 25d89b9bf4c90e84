"""Search for a steering functional that an assemblage violates beyond a relaxation's bound.

Given σ and a relaxation Q̃ (almost quantum "1+AB", or a level n), look for a
functional ``β_F(τ) = Σ_w tr(F_w τ_w)`` on the Collins–Gisin data words with
``β_F(σ) > B(F) := max_{τ ∈ Q̃, tr ρ_B = 1} β_F(τ)`` — a Tsirelson-bound violation,
which certifies that σ is post-quantum (physics.md §4.1–4.2).

From a random start ``F₀`` (Gaussian Hermitian blocks, ‖F‖ = 1) each step

1. computes the outer bound ``B(F_k)`` and its maximiser ``τ_k`` (the bound SDP,
   :func:`steerdsl.sdp.relaxation.bound`); the gap ``g_k = β_{F_k}(σ) − B(F_k)``;
   stops with a certificate when ``g_k > certify_tol``;
2. takes the dual of the membership SDP of σ against the noise
   ``π_k = (τ_k + N)/2`` (N white noise, so π_k is inside Q̃):
   ``t_k = min{t : σ + t π_k ∈ cone Q̃}``, whose dual ``W_k`` has
   ``β_{W_k} ≤ 0`` on Q̃, ``β_{W_k}(σ) = t_k`` and ``β_{W_k}(π_k) = −1``
   (:func:`steerdsl.sdp.relaxation.membership`).  ``t_k ≤ 0`` means σ is in
   Q̃ (to tolerance): no functional can certify it and the search stops;
3. steps ``F_{k+1} = (F_k + η W_k)/‖F_k + η W_k‖`` with ``‖η W_k‖ = step·‖F_k‖``.

Because ``B`` is sublinear and ``B(W_k) ≤ 0``, ``B(F + ηW) ≤ B(F)`` while
``β_{F+ηW}(σ) = β_F(σ) + η t_k``: the unnormalised gap grows by at least
``η t_k`` every step, and the step lowers the functional where the relaxation
currently attains its maximum.  The certificate is the bound SDP of step 1,
solved for the final F on its own (not read off a dual), and σ's value
computed directly.  Random restarts give different certificates near
different starting functionals (different shapes of steering inequality);
the search is a way to explore them, not a faster membership test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.moment_matrix import cg_expansion, data_words, word_key
from steerdsl.sdp.noise import white_noise
from steerdsl.sdp.relaxation import TOLERANCE, bound, membership

CERTIFY_TOL = 10 * TOLERANCE
"""A gap β_F(σ) − B(F) must exceed this (for ‖F‖ = 1) to count as a certificate."""


@dataclass
class SearchStep:
    """One iterate: the gap, σ's value and the outer bound of the current functional."""

    gap: float
    value: float
    bound: float
    robustness: float | None = None


@dataclass
class SearchResult:
    """The outcome of one restart: the last functional, whether it certifies σ, and the path."""

    seed: int
    certified: bool
    functional: Functional
    value: float
    bound: float
    steps: list[SearchStep] = field(default_factory=list)
    reason: str = ""

    @property
    def gap(self) -> float:
        return self.value - self.bound


def random_functional(scenario: Scenario, seed: int, real: bool = False) -> Functional:
    """Gaussian Hermitian (real symmetric if ``real``) blocks on every data word, total Frobenius norm 1."""
    rng = np.random.default_rng(seed)
    d = scenario.dim
    terms = {}
    for w in data_words(scenario):
        g = rng.normal(size=(d, d)) + (0 if real else 1j * rng.normal(size=(d, d)))
        terms[word_key(scenario, w)] = (g + g.conj().T) / 2
    return _normalised(Functional(scenario, terms, exact=False, name=f"F_random{seed}"))


def _norm(functional: Functional) -> float:
    return float(np.sqrt(sum(np.linalg.norm(op) ** 2 for op in functional.terms.values())))


def _normalised(functional: Functional) -> Functional:
    n = _norm(functional)
    return Functional(functional.scenario, {k: op / n for k, op in functional.terms.items()}, exact=False,
                      name=functional.name)


def _combine(f: Functional, w: Functional, eta: float) -> Functional:
    keys = list(dict.fromkeys([*f.terms, *w.terms]))
    zero = np.zeros((f.scenario.dim, f.scenario.dim), dtype=complex)
    terms = {k: np.asarray(f.terms.get(k, zero), dtype=complex) + eta * np.asarray(w.terms.get(k, zero),
                                                                                   dtype=complex)
             for k in keys}
    return _normalised(Functional(f.scenario, terms, exact=False, name=f.name))


def assemblage_from_blocks(scenario: Scenario, blocks: dict, name: str = "tau") -> Assemblage:
    """Full elements ``τ_{a|x} = Σ ± τ_w`` from Collins–Gisin data blocks (inclusion–exclusion)."""
    elements = {key: sum(sign * blocks[w] for sign, w in cg_expansion(scenario, key)) for key in scenario.keys()}
    return Assemblage(scenario, elements, exact=False, name=name)


def _mix(a: Assemblage, b: Assemblage) -> Assemblage:
    return Assemblage(a.scenario, {k: (a.elements[k] + b.elements[k]) / 2 for k in a.elements}, exact=False,
                      name="pi")


def search_functional(sigma: Assemblage, level: str = "1+AB", seed: int = 0, steps: int = 20, step: float = 1.0,
                      solver: str | None = None, certify_tol: float = CERTIFY_TOL) -> SearchResult:
    """One restart of the search (see the module docstring) from ``random_functional(σ's scenario, seed)``."""
    sc = sigma.scenario
    num = sigma.to_numeric()
    real = all(np.allclose(np.asarray(e).imag, 0) for e in num.elements.values())
    f = random_functional(sc, seed, real=real)
    noise = white_noise(sc)
    path: list[SearchStep] = []
    reason = f"no certificate after {steps} steps"
    for _ in range(steps + 1):
        outer = bound(f, "max", level=level, solver=solver)
        if outer.value is None:
            reason = f"the bound SDP failed ({outer.status})"
            break
        value = complex(functional_value(f, num)).real
        path.append(SearchStep(value - outer.value, value, outer.value))
        if value - outer.value > certify_tol:
            return SearchResult(seed, True, f, value, outer.value, path, "certified")
        if len(path) > steps:
            break
        tau = assemblage_from_blocks(sc, outer.details["optimiser_blocks"])
        dual = membership(sigma, level=level, solver=solver, noise=_mix(tau, noise))
        path[-1].robustness = dual.value
        if dual.value is None or dual.witness is None:
            reason = f"the membership SDP failed ({dual.status})"
            break
        if dual.value <= dual.tolerance:
            reason = f"σ is in the level-{level} relaxation (t = {dual.value:.3g}): no functional certifies it"
            break
        f = _combine(f, dual.witness, step * _norm(f) / _norm(dual.witness))
    last = path[-1] if path else SearchStep(float("nan"), float("nan"), float("nan"))
    return SearchResult(seed, False, f, last.value, last.bound, path, reason)

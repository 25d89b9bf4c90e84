"""Inner bounds of steering functionals by see-saw over explicit quantum realisations, in every kind.

``β(σ) = Σ_key tr(F_key σ_key)`` is evaluated on the assemblage of a realisation (state ρ, Alices' POVMs,
Bob's channels; :mod:`steerdsl.inner.realisation`).  β is linear in each block of the realisation, so the
see-saw fixes all blocks but one and optimises that one (:mod:`steerdsl.inner.steps`): the state (top
eigenvector), each Alice's POVMs, each channel (an SDP over CPTP Choi matrices).  Every value found is
achieved by the explicit realisation returned in ``details["realisation"]`` and recomputed from it, hence a
lower bound on the quantum maximum — the inner side of a bracket whose outer side is a relaxation
(physics.md §4.2, §8; Pál & Vértesi, PRA 82, 022116 (2010)).
"""

from __future__ import annotations

import time

import numpy as np

from steerdsl.inner import steps
from steerdsl.inner.random_data import random_realisation
from steerdsl.inner.realisation import Realisation, Shape, apply_channel, base_assemblage, describe, shape_for
from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Key
from steerdsl.sdp.functional import constant_value, full_key_terms
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.seesaw_sequential import sequential_seesaw


def seesaw(functional: Functional, sense: str = "max", dims: tuple[int, ...] | None = None, restarts: int = 10,
           iterations: int = 200, seed: int = 0, solver: str | None = None) -> SDPResult:
    """The best ``β_F`` found over realisations of dimensions ``dims`` (one per Alice slot, default 2 each,
    then optionally Bob's internal dimension): the first start is the best deterministic strategy (so the
    value is at least the LHS bound), the others random; the best restart wins.  The value is recomputed
    from the returned realisation's assemblage.  Sequential: Alice's instrument is a variable
    (:func:`steerdsl.sdp.seesaw_sequential.sequential_seesaw`)."""
    if functional.scenario.kind == "sequential":
        return sequential_seesaw(functional, sense, dims, restarts, iterations, seed, solver)
    start = time.perf_counter()
    shape = shape_for(functional.scenario, dims)
    sign = 1 if sense == "max" else -1
    terms = {k: sign * steps.joint_operator(v, shape.scenario.bob_dims) for k, v in full_key_terms(functional).items()}
    rng = np.random.default_rng(seed)
    best, best_real = -np.inf, None
    classical = classical_start(shape, terms)
    for restart in range(max(1, restarts)):
        real = classical if restart == 0 and classical is not None else random_realisation(shape, rng)
        real, value = climb(real, terms, iterations, solver)
        if value > best:
            best, best_real = value, real
    value = sign * best + constant_value(functional)
    return SDPResult(task=f"see-saw {sense}", value=value, status="optimal", tolerance=1e-8, bound=value,
                     compile_seconds=0.0, solve_seconds=time.perf_counter() - start,
                     details={"dims": list(shape.dims), "restarts": restarts, "realisation": best_real,
                              "reading": "inner bound: achieved by the explicit realisation in details",
                              "note": f"inner bound from {describe(best_real)}"})


def joint_value(real: Realisation, terms: dict[Key, np.ndarray]) -> float:
    """``Σ_key tr(F_key σ_key)`` recomputed from the realisation's data (several Bobs: on the joint
    state, physics.md §9)."""
    tau = base_assemblage(real)
    shape = real.shape
    total = 0.0
    for key, f in terms.items():
        t = tau[(key[0], key[1])]
        c = shape.channel_of(key)
        s = t if c is None else apply_channel(real.channels[c], shape.internal_dim, t)
        total += float(np.trace(f @ s).real)
    return total


def climb(real: Realisation, terms: dict[Key, np.ndarray], iterations: int = 200, solver: str | None = None,
          tol: float = 1e-10) -> tuple[Realisation, float]:
    """Optimise one block at a time (state, each Alice's POVMs, each channel) until a sweep gains less than
    ``tol``; the best realisation met and its recomputed value."""
    shape = real.shape

    def sweep(real: Realisation) -> None:
        pulled = steps.pulled_back(shape, terms, real.channels)
        real.state = steps.best_state(steps.state_operator(real, pulled))
        for j, slot in enumerate(shape.scenario.slots):
            G = steps.povm_gradient(real, pulled, j)
            real.povms[j] = [steps.best_povm(G[x], solver) for x in range(slot.inputs)]
        if real.channels:
            grads = steps.channel_gradient(shape, terms, base_assemblage(real))
            for c, g in grads.items():
                real.channels[c] = steps.best_channel(g, shape.internal_dim, shape.scenario.dim, solver)

    return steps.ascend(real, sweep, lambda r: joint_value(r, terms), iterations, tol)


CLASSICAL_START_LIMIT = 4096
"""Most deterministic strategies enumerated for the classical first start."""


def classical_start(shape: Shape, terms: dict[Key, np.ndarray]) -> Realisation | None:
    """The realisation of the best deterministic strategy λ: Alices answer ``λ(x)`` whatever their state,
    and Bob's system is the top eigenvector of ``Σ_x F_{λ(x)|x}`` (no channel) or each channel ``E_c``
    prepares the top eigenvector of ``Σ_{keys on c} F_{λ(x)|x…}``.  From there the see-saw can only
    climb, so its value is never below this strategy's value (the LHS bound where hidden states are
    enough: physics.md §3.1)."""
    sc = shape.scenario
    if sc.strategy_count() > CLASSICAL_START_LIMIT:
        return None
    labels = shape.channel_labels()
    best, choice = -np.inf, None
    for strategy in sc.iter_deterministic_strategies():
        groups: dict = {}
        for key, f in terms.items():
            if key[0] == sc.strategy_outcomes(strategy, key[1]):
                c = shape.channel_of(key)
                groups[c] = groups[c] + f if c in groups else f
        tops = {c: np.linalg.eigh((g + g.conj().T) / 2) for c, g in groups.items()}
        value = sum(float(w[-1]) for w, _ in tops.values())
        if value > best:
            best, choice = value, (strategy, {c: v[:, -1] for c, (_, v) in tops.items()})
    if choice is None:
        return None
    strategy, vectors = choice
    povms = [[[np.eye(dj) * (a == strategy[(j, (x,))]) for a in range(s.outputs[x])] for x in range(s.inputs)]
             for j, (dj, s) in enumerate(zip(shape.alice_dims, sc.slots, strict=True))]
    alice = np.zeros(int(np.prod(shape.alice_dims)))
    alice[0] = 1
    d_in, d_out = shape.internal_dim, sc.dim
    bob = vectors.get(None, np.eye(d_in)[0])
    psi = np.kron(alice, bob)
    channels = {}
    for c in labels:
        v = vectors.get(c, np.eye(d_out)[0])
        channels[c] = np.kron(np.eye(d_in), np.outer(v, v.conj()))
    return Realisation(shape, np.outer(psi, psi.conj()), povms, channels)

"""Certified membership of an instrumental assemblage (one Alice, two outcomes) with one of Bob's channels
the identity (physics.md §8; PRL 125, 050404 (2020)).

``σ_{a|x} = E_a(τ_{a|x})`` with τ a valid standard assemblage.  Fix ``E_{c} = id`` for one outcome c: then
``τ_{c|x} = σ_{c|x}`` and, with two outcomes, ``τ_{c̄|x} = ρ_B − σ_{c|x}``, so the realisation is decided by
Bob's reduced state ``ρ_B ⪰ σ_{c|x}`` and the other channel ``E_{c̄}`` with
``E_{c̄}(ρ_B − σ_{c|x}) = σ_{c̄|x}`` for every x.  Numerically: alternate the convex fits of ``E_{c̄}`` (ρ_B
fixed) and of ``ρ_B`` (``E_{c̄}`` fixed, ``ρ_B ⪰ σ_{c|x} + εI``); exactly: round ρ_B to rationals (trace 1
exactly), test ``ρ_B − σ_{c|x} ⪰ 0`` exactly, round the channel (:func:`steerdsl.inner.exact_channel.exact_channel`),
realise τ by exact GHJW and recompute every ``E_a(τ_{a|x})``.  Every realisation in which one of Bob's
channels is unitary is of this form (the unitary absorbed into the state), none other is tried.
"""

from __future__ import annotations

import numpy as np
import picos

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.channel_fit import fit_channel
from steerdsl.inner.exact_channel import exact_channel, identity_choi
from steerdsl.inner.realisation import apply_channel
from steerdsl.inner.rounding import rational
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import apply_choi, contract_party
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp.solve import SolverError, run

ROUNDS = 15
"""Alternations of the two convex fits."""


def _reduced_state(sig: dict, E: np.ndarray, d: int, solver: str | None) -> np.ndarray | None:
    """``argmin Σ_x ‖E(ρ − σ_{c|x}) − σ_{c̄|x}‖_F`` over ``tr ρ = 1``, ``ρ ⪰ σ_{c|x} + 10⁻⁴ I``."""
    rho = picos.HermitianVariable("rhoB", d)
    problem = picos.Problem()
    problem.add_constraint(picos.trace(rho).real == 1)
    image = ((rho.T @ picos.Constant(np.eye(d))) * picos.Constant(E)).partial_trace(0, dimensions=(d, d))
    gaps = []
    for own, other in sig.values():
        problem.add_constraint(rho - picos.Constant(own + 1e-4 * np.eye(d)) >> 0)
        gaps.append(abs(image - picos.Constant(apply_channel(E, d, own) + other)))
    problem.set_objective("min", picos.sum(gaps))
    try:
        outcome = run(problem, "certify: instrumental reduced state", solver=solver)
    except SolverError:
        return None
    if outcome.status != "optimal":
        return None
    value = np.atleast_2d(np.asarray(rho.value, dtype=complex))
    return (value + value.conj().T) / 2


def numeric_reduced_state(sigma: Assemblage, c: int, solver: str | None = None) -> np.ndarray | None:
    """Alternate the channel fit and :func:`_reduced_state` (:data:`ROUNDS` times) from ``ρ_B`` the most
    mixed state above every ``σ_{c|x}``; the ρ_B reached (None when a fit fails)."""
    d = sigma.scenario.dim
    num = sigma.to_numeric()
    sig = {x: (np.atleast_2d(num.elements[((c,), (x,), ())]), np.atleast_2d(num.elements[((1 - c,), (x,), ())]))
           for x in range(sigma.scenario.slots[0].inputs)}
    rho = sum(own for own, _ in sig.values()) / len(sig)
    rho = rho + (1 - np.trace(rho).real) * np.eye(d) / d
    for _ in range(ROUNDS):
        E = fit_channel([(rho - own, other) for own, other in sig.values()], d, d, solver)
        new = _reduced_state(sig, E, d, solver)
        if new is None:
            return None
        rho = new
    return rho


def certify_instrumental(sigma: Assemblage, solver: str | None = None) -> tuple[dict | None, str]:
    """An exact realisation (GHJW state, Alice's POVMs, ``E_c = id`` and an exact ``E_{c̄}``) reproducing σ
    exactly, or ``(None, reason)`` (module docstring)."""
    from steerdsl.exact.ghjw import ghjw

    sc = sigma.scenario
    slot = sc.slots[0]
    if len(sc.slots) != 1 or set(slot.outputs) != {2} or sc.bobs[0].dim != sc.dim:
        return None, "certification is implemented for one Alice with two outcomes"
    d, reasons = sc.dim, []
    for c in (0, 1):
        numeric = numeric_reduced_state(sigma, c, solver)
        if numeric is None:
            reasons.append(f"E_{c} = id: no numeric reduced state")
            continue
        rho = _rational_state(numeric)
        own = {x: sigma.elements[((c,), (x,), ())] for x in range(slot.inputs)}
        if any(linalg.psd(rho - m).decided is not True for m in own.values()):
            reasons.append(f"E_{c} = id: the rounded ρ_B is not above every σ_{c}|x exactly")
            continue
        pairs = [(rho - own[x], sigma.elements[((1 - c,), (x,), ())]) for x in range(slot.inputs)]
        J, why = exact_channel(pairs, d, d)
        if J is None:
            reasons.append(f"E_{c} = id: {why}")
            continue
        tau = {}
        for x in range(slot.inputs):
            tau[((c,), (x,), ())], tau[((1 - c,), (x,), ())] = own[x], rho - own[x]
        real = ghjw(Assemblage(Scenario(sc.alices, (Bob("B", d),)), tau))
        if not (real.exact and real.verified):
            reasons.append(f"E_{c} = id: no exact GHJW realisation of the base assemblage")
            continue
        channels = {c: identity_choi(d), 1 - c: J}
        state = real.psi @ alg.dagger(real.psi)
        base = {(a, x): contract_party(state, real.dims, 0, real.povms[(a[0], x[0])]) for a, x, _ in sigma.elements}
        if all(alg.equal(apply_choi(channels[a[0]], d, d, base[(a, x)]), target)
               for (a, x, _), target in sigma.elements.items()):
            return {"state": real.psi, "dims": real.dims, "povms": real.povms, "channels": channels}, (
                f"exact realisation: GHJW state on C^{real.dims[0]} ⊗ C^{d}, E_{c} = id, E_{1 - c} a rational "
                "Choi matrix checked PSD and trace preserving; σ recomputed exactly")
        reasons.append(f"E_{c} = id: the exact realisation does not reproduce σ")
    return None, "; ".join(reasons)


def _rational_state(numeric: np.ndarray, denominator: int = 10**4) -> np.ndarray:
    """A Hermitian matrix of rationals near ``numeric`` with trace exactly 1 (the trace defect on the
    diagonal, spread evenly)."""
    d = numeric.shape[0]
    m = alg.zeros(d, d)
    for i in range(d):
        for j in range(i, d):
            m[i, j] = rational(complex(numeric[i, j]) if i != j else complex(numeric[i, i].real), denominator)
            m[j, i] = m[i, j].conjugate()
    defect = (Cyclo(1) - alg.trace(m)) / Cyclo(d)
    for i in range(d):
        m[i, i] = m[i, i] + defect
    return m

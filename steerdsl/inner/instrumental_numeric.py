"""Numeric instrumental realisation with ``E_c = id``: Bob's reduced state ρ and the other channel E with
``E(ρ − σ_{c|x}) = σ_{c̄|x}`` for every x, ``ρ ⪰ σ_{c|x}`` (:mod:`steerdsl.inner.certify_instrumental`).

1. alternate the two convex fits (E with ρ fixed, ρ with E fixed): a feasible start, converging linearly;
2. linearised joint steps (sequential convex programming): one SDP over both ``(ρ, E)`` with the bilinear
   term replaced by its first-order expansion at the current point,
   ``E(ρ_k − σ) + E_k(ρ − ρ_k) − E_k(ρ_k − σ) ≈ E(ρ − σ)`` (error ``(E − E_k)(ρ − ρ_k)``, second order), in a
   trust region ``‖E − E_k‖, ‖ρ − ρ_k‖ ≤ Δ`` halved whenever a step does not lower the true residual; every
   step keeps E CPTP and ``ρ ⪰ σ_{c|x} + 10⁻⁴ I``;
3. a polish to machine precision (:func:`steerdsl.inner.choi_polish.polish`), kept only if it keeps
   ``ρ ⪰ σ_{c|x}`` (it does not constrain it).
"""

from __future__ import annotations

import numpy as np
import picos

from steerdsl.inner.channel_fit import fit_channel, solved_hermitian
from steerdsl.inner.choi_polish import polish
from steerdsl.inner.realisation import apply_channel
from steerdsl.inner.steps import channel_variable
from steerdsl.model.assemblage import Assemblage

ROUNDS = 15
"""Alternations of the two convex fits."""
JOINT_STEPS = 12
"""Linearised joint steps at most."""
MARGIN = 1e-4
"""``ρ ⪰ σ_{c|x} + MARGIN·I`` in the numeric steps."""

def _reduced_state(sig: dict, E: np.ndarray, d: int, solver: str | None) -> np.ndarray | None:
    """``argmin Σ_x ‖E(ρ − σ_{c|x}) − σ_{c̄|x}‖_F`` over ``tr ρ = 1``, ``ρ ⪰ σ_{c|x} + MARGIN·I``; without the
    margin when that is infeasible (ρ_B forced onto the boundary, e.g. ``σ_{c|x} = ½|x⟩⟨x|`` leaves only
    ``ρ_B = I/2``, with ``ρ_B − σ_{c|x}`` of rank one)."""
    for margin in (MARGIN, 0.0):
        rho = _reduced_state_with(sig, E, d, solver, margin)
        if rho is not None:
            return rho
    return None


def _reduced_state_with(sig: dict, E: np.ndarray, d: int, solver: str | None, margin: float
                        ) -> np.ndarray | None:
    """:func:`_reduced_state` with the given margin (None when infeasible or the solver fails)."""
    rho = picos.HermitianVariable("rhoB", d)
    problem = picos.Problem()
    problem.add_constraint(picos.trace(rho).real == 1)
    image = ((rho.T @ picos.Constant(np.eye(d))) * picos.Constant(E)).partial_trace(0, dimensions=(d, d))
    gaps = []
    for own, other in sig.values():
        problem.add_constraint(rho - picos.Constant(own + margin * np.eye(d)) >> 0)
        gaps.append(abs(image - picos.Constant(apply_channel(E, d, own) + other)))
    problem.set_objective("min", picos.sum(gaps))
    solved = solved_hermitian(problem, "certify: instrumental reduced state", solver, rho)
    return None if solved is None else solved[0]


def numeric_reduced_state(sigma: Assemblage, c: int, solver: str | None = None
                          ) -> tuple[np.ndarray, np.ndarray] | None:
    """``(ρ_B, E)`` reached by the three stages of the module docstring from ``ρ_B`` the most mixed state
    above every ``σ_{c|x}`` (None when a fit fails)."""
    d = sigma.scenario.dim
    sig = numeric_pairs(sigma, c)
    rho = sum(own for own, _ in sig.values()) / len(sig)
    rho = rho + (1 - np.trace(rho).real) * np.eye(d) / d
    for _ in range(ROUNDS):
        E = fit_channel([(rho - own, other) for own, other in sig.values()], d, d, solver)
        new = _reduced_state(sig, E, d, solver)
        if new is None:
            return None
        rho = new
    E = fit_channel([(rho - own, other) for own, other in sig.values()], d, d, solver)
    rho, E = _joint_steps(sig, rho, E, d, solver)
    rho_p, E_p, _ = polish(list(sig.values()), rho, E)
    if min(np.linalg.eigvalsh(rho_p - own)[0] for own, _ in sig.values()) > 0:
        return rho_p, E_p
    return rho, E


def residual(sig: dict, rho: np.ndarray, E: np.ndarray) -> float:
    """``max_x ‖E(ρ − σ_{c|x}) − σ_{c̄|x}‖_max``."""
    d = rho.shape[0]
    return max(float(np.max(np.abs(apply_channel(E, d, rho - own) - other))) for own, other in sig.values())


def _joint_steps(sig: dict, rho: np.ndarray, E: np.ndarray, d: int, solver: str | None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Linearised joint steps (module docstring, stage 2) from ``(ρ, E)``; the best pair reached."""
    best, radius = residual(sig, rho, E), 0.1
    for _ in range(JOINT_STEPS):
        if best < 1e-12 or radius < 1e-6:
            break
        step = _joint_step(sig, rho, E, d, radius, solver)
        if step is None:
            break
        value = residual(sig, *step)
        if value < best:
            (rho, E), best = step, value
        else:
            radius /= 2
    return rho, E


def _joint_step(sig: dict, rho_k: np.ndarray, E_k: np.ndarray, d: int, radius: float, solver: str | None
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """``argmin Σ_x ‖E(ρ_k − σ_{c|x}) + E_k(ρ − ρ_k) − σ_{c̄|x}‖_F`` over CPTP E and ``tr ρ = 1``,
    ``ρ ⪰ σ_{c|x} + MARGIN·I``, ``‖E − E_k‖_F, ‖ρ − ρ_k‖_F ≤ radius`` (None if the solver fails)."""
    J, constraints = channel_variable(d, d)
    rho = picos.HermitianVariable("rhoB", d)
    problem = picos.Problem()
    problem.add_list_of_constraints(constraints)
    problem.add_constraint(picos.trace(rho).real == 1)
    problem.add_constraint(abs(J - picos.Constant(E_k)) <= radius)
    problem.add_constraint(abs(rho - picos.Constant(rho_k)) <= radius)
    moved = ((rho.T @ picos.Constant(np.eye(d))) * picos.Constant(E_k)).partial_trace(0, dimensions=(d, d))
    gaps = []
    for own, other in sig.values():
        problem.add_constraint(rho - picos.Constant(own + MARGIN * np.eye(d)) >> 0)
        image = (picos.Constant(np.kron((rho_k - own).T, np.eye(d))) * J).partial_trace(0, dimensions=(d, d))
        gaps.append(abs(image + moved - picos.Constant(apply_channel(E_k, d, rho_k) + other)))
    problem.set_objective("min", picos.sum(gaps))
    solved = solved_hermitian(problem, "certify: instrumental joint step", solver, rho, J)
    return None if solved is None else (solved[0], solved[1])


def numeric_pairs(sigma: Assemblage, c: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``{x: (σ_{c|x}, σ_{c̄|x})}`` as complex arrays."""
    num = sigma.to_numeric()
    return {x: (np.atleast_2d(num.elements[((c,), (x,), ())]), np.atleast_2d(num.elements[((1 - c,), (x,), ())]))
            for x in range(sigma.scenario.slots[0].inputs)}

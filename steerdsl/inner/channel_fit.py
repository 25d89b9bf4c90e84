"""The CPTP channel that best maps given states to given targets (a convex fit, one SDP).

``min_J Σ_k ‖T_k − E_J(τ_k)‖_F`` over Choi matrices ``J ⪰ 0``, ``tr_out J = I`` with
``E_J(τ) = tr_in[(τᵀ ⊗ I) J]`` (physics.md §8): with the base states fixed, each channel of a realisation
is fitted exactly, which polishes a realisation found by a local search, and decides the channels outright
when the base states are known (:mod:`steerdsl.inner.starts`).
"""

from __future__ import annotations

import numpy as np
import picos

from steerdsl.inner.steps import channel_variable, hermitian_equals
from steerdsl.sdp.solve import SolverError, run


def fit_channel(pairs: list[tuple[np.ndarray, np.ndarray]], din: int, dout: int,
                solver: str | None = None) -> np.ndarray:
    """The Choi matrix minimising ``Σ ‖T − E(τ)‖_F`` over the ``(τ, T)`` pairs."""
    J, constraints = channel_variable(din, dout)
    problem = picos.Problem()
    problem.add_list_of_constraints(constraints)
    images = [(picos.Constant(np.kron(tau.T, np.eye(dout))) * J).partial_trace(0, dimensions=(din, dout))
              for tau, _ in pairs]
    problem.set_objective("min", picos.sum([abs(img - picos.Constant(t)) for img, (_, t) in zip(images, pairs)]))
    run(problem, "realisation search: channel fit", solver=solver)
    return hermitian_value(J)


def hermitian_value(variable: object) -> np.ndarray:
    """A solved picos matrix variable's value as its Hermitian part ``(V + V†)/2`` (the solver's value is
    Hermitian only to its tolerance)."""
    value = np.atleast_2d(np.asarray(variable.value, dtype=complex))
    return (value + value.conj().T) / 2


def solved_hermitian(problem: picos.Problem, label: str, solver: str | None,
                     *variables: object) -> list[np.ndarray] | None:
    """:func:`hermitian_value` of each variable at the optimum of ``problem``
    (:func:`steerdsl.sdp.solve.run`); None when the solver fails or the status is not optimal."""
    try:
        outcome = run(problem, label, solver=solver)
    except SolverError:
        return None
    if outcome.status != "optimal":
        return None
    return [hermitian_value(v) for v in variables]


def interior_channel(pairs: list[tuple[np.ndarray, np.ndarray]], din: int, dout: int,
                     solver: str | None = None) -> tuple[np.ndarray, float] | None:
    """Among the CPTP maps with ``E(τ) = T`` exactly for every pair, the one whose Choi matrix has the
    largest least eigenvalue t (``max t`` s.t. ``J ⪰ tI``), with t; None when the solver finds none.
    Deep inside the PSD cone, a rounded copy stays PSD (used by :mod:`steerdsl.inner.certify`)."""
    J, constraints = channel_variable(din, dout)
    t = picos.RealVariable("t")
    problem = picos.Problem()
    problem.add_list_of_constraints(constraints)
    problem.add_constraint(J - t * picos.Constant(np.eye(din * dout)) >> 0)
    for tau, target in pairs:
        image = (picos.Constant(np.kron(tau.T, np.eye(dout))) * J).partial_trace(0, dimensions=(din, dout))
        problem.add_list_of_constraints(hermitian_equals(image, target))
    problem.add_constraint(t <= 1)
    problem.set_objective("max", t)
    solved = solved_hermitian(problem, "certify: interior channel", solver, J)
    return None if solved is None else (solved[0], float(t.value))


def refit_channels(real, target: dict, solver: str | None = None) -> None:
    """Every channel of ``real`` refitted to the target (the keys it holds) with the base states fixed; in
    place."""
    from steerdsl.inner.realisation import base_assemblage

    shape = real.shape
    tau = base_assemblage(real)
    groups: dict = {}
    for key in (k for k in shape.scenario.keys() if k in target):
        groups.setdefault(shape.channel_of(key), []).append((tau[(key[0], key[1])], target[key]))
    for c in shape.channel_labels():
        if c in groups:
            real.channels[c] = fit_channel(groups[c], shape.internal_dim, shape.scenario.dim, solver)

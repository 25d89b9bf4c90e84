"""Realisation search: a quantum realisation of a given assemblage in stated dimensions (physics.md §8).

Direct starts first (GHJW of σ, an identity channel for one y, parent states: :mod:`steerdsl.inner.starts`),
then Levenberg–Marquardt on ``σ̂(p) − σ`` over a parametrisation that is valid by construction
(:mod:`steerdsl.inner.parametrise`), with the exact Jacobian (:mod:`steerdsl.inner.residual`), from random
realisations; the channels are then refitted by SDP (:mod:`steerdsl.inner.channel_fit`).  The best wins.
The residual is recomputed from the realisation's own assemblage, never taken from the solver:

- ``member`` when the residual (largest entry of any ``σ − σ̂``) and the realisation's own violation of
  PSD / POVM / CPTP constraints are both below the tolerance: the realisation proves σ quantum up to it;
- ``undecided`` otherwise — not finding a realisation is no proof that none exists, so this search never
  says ``excluded``.
"""

from __future__ import annotations

import copy
import time

import numpy as np

from steerdsl.inner import parametrise
from steerdsl.inner.certify import certify_realisation
from steerdsl.inner.channel_fit import refit_channels
from steerdsl.inner.least_squares import levenberg_marquardt
from steerdsl.inner.random_data import random_realisation
from steerdsl.inner.realisation import (
    InnerError,
    Realisation,
    assemblage_of,
    describe,
    distance,
    shape_for,
)
from steerdsl.inner.residual import flat_labels, realised_jacobian, realised_vector, stack
from steerdsl.inner.starts import direct_start, parent_start
from steerdsl.model.assemblage import Assemblage
from steerdsl.sdp.result import MEMBER, UNDECIDED, SDPResult

TOLERANCE = 1e-6
"""Largest residual entry (and constraint violation) for a ``member`` verdict."""
MAX_PARAMETERS = 2000
"""Most real parameters searched (each least-squares step builds a residuals × parameters Jacobian and solves a
dense system of the smaller of the two sizes; the n × n solve took 14 s at this limit on the shared 2-core
machine); larger searches are refused (E352)."""


def realisation(sigma: Assemblage, dims: tuple[int, ...] | None = None, restarts: int = 5, seed: int = 0,
                iterations: int = 100, solver: str | None = None, tolerance: float = TOLERANCE,
                certify: bool = False) -> SDPResult:
    """Look for ``(ρ, M, E)`` of dimensions ``dims`` (one per Alice slot, then optionally Bob's internal
    one) with ``σ̂ = σ`` (physics.md §8).  ``value`` is the residual (largest entry of ``σ − σ̂``); ``margin``
    is ``max(residual, violation) − tolerance`` (< 0) for ``member`` and None for ``undecided``; ``details``
    hold the realisation, its constraint violation and how many random restarts ran (0: a direct start
    found it).  ``iterations`` bounds the least-squares steps of each restart.  ``certify``: round it to exact
    numbers and compare exactly (:mod:`steerdsl.inner.certify`).  A sequential σ (no ``dims``) is realised by
    construction instead (:mod:`steerdsl.inner.sequential`)."""
    if sigma.scenario.kind == "sequential" and not dims:
        from steerdsl.inner.sequential import sequential_search  # always quantum: a construction, no search

        result = sequential_search(sigma, tolerance)
        return certify_realisation(sigma, result) if certify else result
    start = time.perf_counter()
    shape = shape_for(sigma.scenario, dims)
    if parametrise.size(shape) > MAX_PARAMETERS:
        raise InnerError(f"a realisation of dimensions {' '.join(map(str, shape.dims))} has "
                         f"{parametrise.size(shape)} real parameters, above the limit of {MAX_PARAMETERS} for "
                         "the least-squares search", "E352")
    num = sigma.to_numeric()
    target = {k: (tuple(np.asarray(m, dtype=complex) for m in v) if isinstance(v, tuple)
                  else np.atleast_2d(np.asarray(v, dtype=complex))) for k, v in num.elements.items()}
    rng = np.random.default_rng(seed)
    best, best_real, tried = np.inf, None, 0
    starts = [direct_start(shape, target, y0, solver) for y0 in shape.scenario.bob_input_tuples()]
    for real in starts + [parent_start(shape, target, solver)]:
        if real is not None:
            best, best_real = min((best, best_real), (distance(num, assemblage_of(real)), real), key=_first)
    for _ in range(max(1, restarts)):
        if best < tolerance / 10:
            break
        tried += 1
        real, residual = descend(random_realisation(shape, rng, rank=None), num, target, iterations, solver,
                                 tolerance)
        if residual < best:
            best, best_real = residual, real
    violation = constraint_violation(best_real)
    worst = max(best, violation)
    verdict = MEMBER if worst <= tolerance else UNDECIDED
    result = SDPResult(task="realisation search", value=best, status="optimal", tolerance=tolerance,
                       verdict=verdict, margin=worst - tolerance if verdict == MEMBER else None,
                       solve_seconds=time.perf_counter() - start,
                       details={"realisation": best_real, "residual": best, "violation": violation,
                                "restarts_tried": tried, "dims": list(shape.dims),
                                "note": _note(best_real, best, violation, verdict, tolerance)})
    return certify_realisation(sigma, result) if certify else result


def _first(pair: tuple) -> float:
    return pair[0]


def _note(real: Realisation, residual: float, violation: float, verdict: str, tolerance: float) -> str:
    found = f"{describe(real)}; residual {residual:.1e}, constraint violation {violation:.1e}"
    if verdict == MEMBER:
        return f"quantum: realised by {found}" + ("" if tolerance == TOLERANCE else f" (tolerance {tolerance:g})")
    return f"no realisation found in these dimensions (best: {found}); not a proof that none exists"


def descend(real: Realisation, sigma: Assemblage, target: dict, iterations: int, solver: str | None,
            tolerance: float) -> tuple[Realisation, float]:
    """Least squares from ``real``: Levenberg–Marquardt on ``σ̂(p) − σ`` over the realisation's parameters
    (:mod:`steerdsl.inner.parametrise`, valid by construction); the realisation reached and its residual
    recomputed from its own assemblage."""
    shape = real.shape
    keys = list(shape.scenario.keys())
    goal = stack([target[k] for k in keys])
    flat = flat_labels(shape, keys)
    channel_index = {c: i for i, c in enumerate(shape.channel_labels())}
    per_key = np.array([channel_index.get(shape.channel_of(k), 0) for k in keys])

    def residual(p: np.ndarray) -> np.ndarray:
        return realised_vector(shape, parametrise.realisation_of(shape, p), flat, per_key) - goal

    def jacobian(p: np.ndarray) -> np.ndarray:
        return realised_jacobian(shape, p, flat, per_key)

    p, _ = levenberg_marquardt(residual, parametrise.vector_of(real), iterations=iterations,
                               target=(tolerance / 100) ** 2, jac=jacobian)
    found = parametrise.realisation_of(shape, p)
    if found.channels:
        polished = copy.deepcopy(found)
        refit_channels(polished, target, solver)
        found = min((found, polished), key=lambda r: distance(sigma, assemblage_of(r)))
    return found, distance(sigma, assemblage_of(found))


def constraint_violation(real: Realisation) -> float:
    """How far the data are from a realisation: the largest of ``−λ_min(ρ)``, ``|tr ρ − 1|``, ``−λ_min(M)``,
    ``‖Σ_a M_a − I‖``, ``−λ_min(J)``, ``‖tr_out J − I‖`` (all zero for exact data)."""
    worst = max(-np.linalg.eigvalsh(real.state)[0], abs(np.trace(real.state).real - 1))
    for povms in real.povms:
        for povm in povms:
            worst = max(worst, *(-np.linalg.eigvalsh(m)[0] for m in povm),
                        float(np.max(np.abs(sum(povm) - np.eye(povm[0].shape[0])))))
    din = real.shape.internal_dim
    for J in real.channels.values():
        dout = J.shape[0] // din
        out = np.einsum("iaja->ij", J.reshape(din, dout, din, dout))
        worst = max(worst, -np.linalg.eigvalsh(J)[0], float(np.max(np.abs(out - np.eye(din)))))
    return max(0.0, float(worst))

"""Scaling a functional to unit size before its bound is solved.

Interior-point solvers work to absolute tolerances (1e-8 here), so a functional with entries of
10⁹ gets bounds that are off by ~1 — LHS above no-signalling — and one with entries spanning
10⁻¹²…10¹² makes cvxopt fail.  ``β_{cF} = c β_F`` for ``c > 0``, so the bound of ``F`` is solved
as that of ``F/s`` with ``s`` the largest entry magnitude, and value, bounds and tolerance are
multiplied back by ``s`` (the reported tolerance is then ``s`` times the solver's, an honest
absolute tolerance for the original functional).

A several-Bobs element is a tuple of one operator per Bob (physics.md §9), of different sizes when the Bobs'
dimensions differ: every operation here is taken part by part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from steerdsl.model.assemblage import Element, Functional
from steerdsl.sdp.functional import constant_value, numeric_element
from steerdsl.sdp.result import SDPResult


def _parts(element: Element) -> tuple[np.ndarray, ...]:
    """The operators of a numeric element: itself, or one per Bob (several Bobs)."""
    return element if isinstance(element, tuple) else (element,)


def functional_scale(functional: Functional) -> float:
    """``s = max(max_{w,k,i,j} |(F^(k)_w)_{ij}|, |c|)``: the largest magnitude among the entries of the operators
    (each Bob's part, with several Bobs) and the constant (1 for the zero functional)."""
    largest = max([float(np.max(np.abs(part))) for t in functional.terms.values()
                   for part in _parts(numeric_element(t)) if part.size]
                  + [abs(constant_value(functional))], default=0.0)
    return largest if largest > 0 else 1.0


def _scaled_element(element: Element, factor: float) -> Element:
    """``factor·F_w``, part by part for a several-Bobs tuple (whose parts may differ in size)."""
    element = numeric_element(element)
    if isinstance(element, tuple):
        return tuple(factor * part for part in element)
    return factor * element


def scaled(functional: Functional, factor: float) -> Functional:
    """``factor·F``: every operator (every Bob's part) and the constant times ``factor`` (numeric)."""
    terms = {k: _scaled_element(t, factor) for k, t in functional.terms.items()}
    return replace(functional, terms=terms, exact=False, constant=factor * constant_value(functional))


def _times(v, s: float):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v * s
    if isinstance(v, tuple):
        return tuple(_times(e, s) for e in v)
    return v


def solve_scaled(functional: Functional, solve: Callable[[Functional], SDPResult]) -> SDPResult:
    """``solve(F)`` run on ``F/s`` and read back in the units of ``F`` (a bound task)."""
    s = functional_scale(functional)
    if 1e-3 <= s <= 1e3:
        return solve(functional)
    result = solve(scaled(functional, 1.0 / s))
    result.value = _times(result.value, s)
    result.bound = _times(result.bound, s)
    result.witness_value = _times(result.witness_value, s)
    result.tolerance *= s
    if result.margin is not None:
        result.margin *= s
    result.details = {k: (_times(v, s) if k in ("bracket", "inner_bound") else v) for k, v in result.details.items()}
    result.details["scale"] = s
    return result

"""Marginal assemblages and the value of a steering functional.

For a no-signalling assemblage the marginal of a subset ``S`` of slots,
``σ_{a_S|x_S} = Σ_{a_{S̄}} σ_{a|x}``, does not depend on the inputs ``x_{S̄}``
(physics.md §2); it is read off with ``x_{S̄} = 0``.  A functional
``β(σ) = Σ_w tr(F_w σ_w)`` (physics.md §4.2) pairs each of its keys — full
or marginal (``None`` for an unmeasured slot) — with the matching element.
"""

from __future__ import annotations

import itertools

import numpy as np

from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Key


def marginal(sigma: Assemblage, key: Key) -> np.ndarray:
    """``σ_{a_S|x_S}`` for a key whose unmeasured slots are ``None`` (they get input 0)."""
    a, x, y = key
    if None not in a:
        return sigma.elements[(tuple(a), tuple(x), tuple(y))]
    slots = sigma.scenario.slots
    free = [j for j, v in enumerate(a) if v is None]
    xs = tuple(0 if v is None else v for v in x)
    total = None
    for combo in itertools.product(*(range(slots[j].outputs[0]) for j in free)):
        full = list(a)
        for j, v in zip(free, combo):
            full[j] = v
        m = sigma.elements[(tuple(full), xs, tuple(y))]
        total = m if total is None else total + m
    return total


def functional_value(functional: Functional, sigma: Assemblage):
    """``β(σ) = Σ_w tr(F_w σ_w)``: exact when both are exact, else complex."""
    if functional.scenario != sigma.scenario:
        raise ValueError("the functional and the assemblage belong to different scenarios")
    if len(sigma.scenario.bobs) > 1:
        raise ValueError("functionals of several-Bobs assemblages are not supported")
    exact = functional.exact and sigma.exact
    total = functional.constant if exact else complex(functional.constant)
    for key, op in functional.terms.items():
        s = marginal(sigma, key)
        if not exact:
            op, s = alg.to_numeric(op), alg.to_numeric(s)
        total = alg.binary("+", total, alg.trace(op @ s))
    return total

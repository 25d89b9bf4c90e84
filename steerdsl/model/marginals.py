"""Marginal assemblages and the value of a steering functional.

For a no-signalling assemblage the marginal of a subset ``S`` of slots,
``σ_{a_S|x_S} = Σ_{a_{S̄}} σ_{a|x}``, does not depend on the inputs ``x_{S̄}``
(physics.md §2); it is read off with ``x_{S̄} = 0``.  A functional
``β(σ) = Σ_w tr(F_w σ_w)`` (physics.md §4.2) pairs each of its keys — full
or marginal (``None`` for an unmeasured slot) — with the matching element.
"""

from __future__ import annotations

import itertools

from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Key


def marginal(sigma: Assemblage, key: Key):
    """``σ_{a_S|x_S}`` for a key whose unmeasured slots are ``None`` (they get input 0).  With several
    Bobs an element is a tuple of one matrix per Bob, and so is its marginal."""
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
        if total is None:
            total = m
        elif isinstance(m, tuple):
            total = tuple(t + mk for t, mk in zip(total, m, strict=True))
        else:
            total = total + m
    return total


def functional_value(functional: Functional, sigma: Assemblage):
    """``β_F(σ) = Σ_w tr(F_w σ_w) + c`` (physics.md §4.2): exact when both are exact, else a float (the
    real part; a Hermitian functional on a Hermitian assemblage is real).  With several Bobs an operator
    and an element are tuples, one per Bob, and ``tr(F σ) = Σ_k tr(F^(k) σ^(k))``."""
    if functional.scenario != sigma.scenario:
        raise ValueError("the functional and the assemblage belong to different scenarios")
    exact = functional.exact and sigma.exact
    total = functional.constant if exact else complex(functional.constant)
    for key, op in functional.terms.items():
        s = marginal(sigma, key)
        pairs = zip(op, s, strict=True) if isinstance(op, tuple) else [(op, s)]
        for f, m in pairs:
            if not exact:
                f, m = alg.to_numeric(f), alg.to_numeric(m)
            total = alg.binary("+", total, alg.trace(f @ m))
    return total if exact else float(complex(total).real)

"""Steering functionals as numbers: full keys, numeric operators, values.

A functional ``β_F(σ) = Σ_w tr(F_w σ_w) + c`` (physics.md §4.2) may be written
on marginal (Collins–Gisin) keys, in which an unmeasured slot is ``None``.
The SDP engine works on full keys only: :func:`full_key_terms` rewrites a
marginal term on every full key it sums over.  The value ``β_F(σ)`` is
:func:`steerdsl.model.marginals.functional_value`.
"""

from __future__ import annotations

import itertools

import numpy as np

from steerdsl.model.assemblage import Element, Functional
from steerdsl.model.scenario import Key, Scenario


def numeric_matrix(value: object) -> np.ndarray:
    """A ``complex128`` matrix from an exact or numeric matrix or scalar (a scalar is 1×1)."""
    array = np.asarray(value)
    if array.dtype == object:
        array = np.array([complex(v) for v in array.flat], dtype=complex).reshape(array.shape)
    return np.atleast_2d(array.astype(complex))


def numeric_element(element: Element) -> Element:
    """An element (one matrix, or a tuple of one matrix per Bob) with ``complex128`` matrices."""
    if isinstance(element, tuple):
        return tuple(numeric_matrix(m) for m in element)
    return numeric_matrix(element)


def _expansions(scenario: Scenario, key: Key) -> list[Key]:
    """The full keys whose elements sum to the marginal element ``key``.

    An unmeasured slot is read at input 0 and summed over its outcomes, i.e.
    ``σ_{a_S|x_S} = Σ_{a_j} σ_{a|x, x_j = 0}`` for every slot ``j ∉ S``: for a
    no-signalling assemblage the choice of input does not matter."""
    a, x, y = key
    choices = []
    for slot, aj, xj in zip(scenario.slots, a, x, strict=True):
        if xj is None:
            choices.append([(o, 0) for o in range(slot.outputs[0])])
        else:
            choices.append([(aj, xj)])
    return [
        (tuple(c[0] for c in combo), tuple(c[1] for c in combo), y) for combo in itertools.product(*choices)
    ]


def full_key_terms(functional: Functional) -> dict[Key, Element]:
    """The functional's numeric operators on full keys ``(a, x, y)``.

    Marginal terms are spread over the full keys they sum over (see
    :func:`_expansions`); several terms landing on one key add up."""
    terms: dict[Key, Element] = {}
    for key, operator in functional.terms.items():
        operator = numeric_element(operator)
        for full in _expansions(functional.scenario, key):
            if full in terms:
                previous = terms[full]
                if isinstance(previous, tuple):
                    terms[full] = tuple(p + o for p, o in zip(previous, operator, strict=True))
                else:
                    terms[full] = previous + operator
            else:
                terms[full] = operator
    return terms


def constant_value(functional: Functional) -> float:
    """The constant ``c`` of ``β_F`` as a float."""
    return complex(functional.constant).real

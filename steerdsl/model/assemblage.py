"""Assemblages and steering functionals as data.

An assemblage (physics.md §1) is the collection of unnormalised conditional
states ``σ_{a|x(y)}``.  Elements are square matrices: numpy *object* arrays of
exact numbers (:class:`steerdsl.exact.cyclotomic.Cyclo`) when the model is
exact, ``complex128`` arrays when it is numeric.  With several Bobs an element
is a tuple holding one matrix per Bob (each Bob's local state ``σ^(k)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from steerdsl.model.scenario import Key, Scenario

Element = np.ndarray | tuple[np.ndarray, ...]


def to_complex(matrix: np.ndarray) -> np.ndarray:
    """A ``complex128`` copy of an exact or numeric matrix."""
    if matrix.dtype == object:
        return np.array([[complex(v) for v in row] for row in matrix], dtype=complex).reshape(matrix.shape)
    return np.asarray(matrix, dtype=complex)


def element_to_complex(element: Element) -> Element:
    """A ``complex128`` copy of an element (each Bob's part of a several-Bobs one; a missing part stays
    ``None``)."""
    if isinstance(element, tuple):
        return tuple(None if m is None else to_complex(np.asarray(m)) for m in element)
    return to_complex(np.asarray(element))


@dataclass
class Assemblage:
    """``σ_{a|x(y)}`` over a :class:`Scenario`; ``elements[(a, x, y)]``.

    ``exact`` is True when every entry is an exact number.  For the
    instrumental scenario keys carry no ``y`` (it equals Alice's outcome)."""

    scenario: Scenario
    elements: dict[Key, Element]
    exact: bool = True
    name: str = "sigma"

    def __getitem__(self, key: Key) -> Element:
        return self.elements[key]

    def to_numeric(self) -> Assemblage:
        """The same assemblage with ``complex128`` elements."""
        if not self.exact:
            return self
        return Assemblage(
            self.scenario,
            {k: element_to_complex(v) for k, v in self.elements.items()},
            exact=False,
            name=self.name,
        )

    def bob_component(self, k: int) -> dict[Key, np.ndarray]:
        """``σ^(k)``: the elements of Bob ``k`` (several-Bobs scenario)."""
        return {key: (v[k] if isinstance(v, tuple) else v) for key, v in self.elements.items()}

    def _repr_html_(self) -> str:
        from steerdsl.model.display import assemblage_html

        return assemblage_html(self)

    def _repr_latex_(self) -> str | None:
        from steerdsl.model.display import assemblage_latex

        return assemblage_latex(self)


@dataclass
class Functional:
    """A steering functional ``β(σ) = Σ_w tr(F_w σ_w)`` (physics.md §4.2).

    Keys are full keys ``(a, x, y)`` or marginal keys in which unmeasured
    slots are ``None`` (Collins–Gisin form; the all-``None`` key pairs with
    ``ρ_B``).  Operators are d×d (numbers, as 1×1, in a Bell scenario)."""

    scenario: Scenario
    terms: dict[Key, np.ndarray]
    exact: bool = True
    name: str = "F"
    constant: object = field(default=0)

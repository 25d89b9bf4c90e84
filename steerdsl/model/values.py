"""The kinds of value a model's names can hold.

Numbers and matrices are plain (see :mod:`steerdsl.model.algebra`); this
module holds the structured ones: π-multiples (angles), the identity of a
dimension fixed by context, user functions, maps, measurements, states and
behaviours.  Assemblages and functionals are in :mod:`steerdsl.model.assemblage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from steerdsl.diagnostics import Span
from steerdsl.model.scenario import Scenario


@dataclass(frozen=True)
class Angle:
    """``r·π`` (or ``r·iπ`` when ``imaginary``) for a rational ``r``: exact arguments
    of cos, sin and exp.  In any other arithmetic it becomes a float."""

    r: Fraction
    imaginary: bool = False

    def __complex__(self) -> complex:
        v = float(self.r) * np.pi
        return complex(0, v) if self.imaginary else complex(v)


@dataclass(frozen=True)
class ScaledIdentity:
    """``c·I`` whose dimension comes from context (``I/2`` for a qubit Bob)."""

    c: Any


@dataclass
class Function:
    """A ``let`` with parameters: ``let pPR(a, b, x, y) = …``."""

    name: str
    params: tuple[str, ...]
    body: Any
    span: Span | None = None


@dataclass
class LinearMap:
    """A linear map ``din → dout`` held as its Choi matrix
    ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` (input first); ``Λ(ρ) = tr_in[(ρᵀ ⊗ I) J]``."""

    name: str
    din: int
    dout: int
    choi: np.ndarray
    kind: str = "formula"
    kraus: list[np.ndarray] | None = None
    span: Span | None = None
    positive_by: str | None = None
    """A theorem that makes this map positive (set by library constructors that verified its hypotheses)."""

    @property
    def exact(self) -> bool:
        return self.choi.dtype == object


@dataclass
class Measurement:
    """POVMs ``M[a|x]`` on one system: ``elements[(a, x)]`` (``x = 0`` when there is one)."""

    name: str
    dim: int
    inputs: int
    outputs: tuple[int, ...]
    elements: dict[tuple[int, int], np.ndarray]
    party: str | None = None
    span: Span | None = None

    @property
    def exact(self) -> bool:
        return all(m.dtype == object for m in self.elements.values())


@dataclass
class State:
    """A (possibly unnormalised, to be checked) density matrix on named parties."""

    name: str
    parties: tuple[str, ...]
    dims: tuple[int | None, ...]
    rho: np.ndarray
    pure: bool = False
    span: Span | None = None
    pseudo: bool = False

    @property
    def exact(self) -> bool:
        return self.rho.dtype == object


@dataclass
class Behaviour:
    """Bell correlations ``p(a|x)`` over a scenario whose parties are all Alices."""

    name: str
    scenario: Scenario
    probabilities: dict[tuple[tuple[int, ...], tuple[int, ...]], Any]
    exact: bool = True
    span: Span | None = None

    def as_assemblage(self):
        """The behaviour as an assemblage of a dimension-1 Bob (elements 1×1)."""
        from steerdsl.model import algebra as alg
        from steerdsl.model.assemblage import Assemblage

        return Assemblage(self.scenario, {(a, x, ()): alg.as_matrix(p) for (a, x), p in self.probabilities.items()},
                          self.exact, self.name)


@dataclass
class Question:
    """A ``check`` / ``solve`` / ``bound`` / ``value`` / ``expect`` line to answer."""

    statement: Any
    span: Span | None = None
    meta: dict[str, Any] = field(default_factory=dict)

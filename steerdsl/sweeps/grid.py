"""The points of a sweep, as exact ``.steer`` expressions.

``sweep v in lo..hi points n`` takes ``v_k = lo + k (hi − lo)/(n − 1)``,
``k = 0 … n−1`` (both ends included); ``sweep v in lo..hi random n seed s``
takes ``v_k = lo + u_k (hi − lo)`` with ``u_k`` uniform on the grid
``{0, 1/10⁶, …, 1}``, drawn from SHA-256 of ``(s, v, k)`` so that the same seed
gives the same points on every machine and Python version; ``sweep v in {e1,
e2, …}`` takes the listed values.  Each point is kept as the text of an exact
expression (``"49/100"``, ``"3/8*pi"``) — that text is what a task carries and
what the model is re-evaluated with — together with its float for tables and
plots.  Several parameters make the Cartesian product, the first varying slowest.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from fractions import Fraction

from steerdsl.diagnostics import Span

RANDOM_GRID = 10**6
"""Random draws are multiples of 1/RANDOM_GRID of the interval (exact rationals)."""


@dataclass(frozen=True)
class Point:
    """One value of one parameter: an exact ``.steer`` expression and its float."""

    text: str
    number: float


@dataclass
class SweepSpec:
    """A sweep of a model: its parameters' points and the questions asked at each grid point."""

    params: dict[str, list[Point]]
    questions: list[str]
    line: int = 0
    span: Span | None = None
    question_spans: list[Span | None] = field(default_factory=list)

    def grid(self) -> list[dict[str, Point]]:
        """Every combination of the parameters' points (Cartesian product, first parameter slowest)."""
        names = list(self.params)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.params[n] for n in names))]

    @property
    def size(self) -> int:
        return len(self.grid()) * len(self.questions)


def fraction_text(q: Fraction) -> str:
    """``p/q`` (or ``p``): an exact rational as ``.steer`` text."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def uniform_draw(seed: int, name: str, k: int) -> Fraction:
    """The k-th seeded uniform draw ``u ∈ {0, 1/10⁶, …, 1}`` for parameter ``name``."""
    digest = hashlib.sha256(f"{seed}:{name}:{k}".encode()).digest()
    return Fraction(int.from_bytes(digest[:8], "big") % (RANDOM_GRID + 1), RANDOM_GRID)


def positions(kind: str, count: int, seed: int, name: str) -> list[Fraction]:
    """The fractions ``t ∈ [0, 1]`` placing each point at ``lo + t (hi − lo)`` (``points`` or ``random``)."""
    if kind == "points":
        return [Fraction(k, count - 1) if count > 1 else Fraction(0) for k in range(count)]
    return [uniform_draw(seed, name, k) for k in range(count)]

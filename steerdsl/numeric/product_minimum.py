"""The minimum of ``⟨ψ|H|ψ⟩`` over unit product vectors ``ψ = ψ_1 ⊗ … ⊗ ψ_n``.

This is a non-convex problem (for a Choi matrix it decides positivity of a map;
for a UPB projector it is the ε of the UPB witness, NJP 20, 083040 (2018) §6).
Method: alternating minimisation from many random starts.  With every factor
but ``ψ_k`` fixed the objective is ``⟨ψ_k|H_k|ψ_k⟩`` with
``H_k = (⊗_{j≠k} ⟨ψ_j|) H (⊗_{j≠k} |ψ_j⟩)``, minimised by the lowest
eigenvector of ``H_k``; the value never increases along a run, which ends at a
local minimum.  The best value over the starts is attained by an explicit
product vector, so it is an upper bound on the true minimum and an estimate of
it — never a proof that nothing lower exists.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from math import prod

import numpy as np

RESTARTS = 40
MAX_SWEEPS = 500
STALL = 1e-15
"""A run stops when one sweep lowers the value by less than this."""


@dataclass(frozen=True)
class ProductMinimum:
    """A numerical estimate of ``min ⟨ψ|H|ψ⟩`` over product vectors.

    ``value`` is attained by ``vectors`` (one unit vector per factor), so the true
    minimum is at most ``value``; ``hits`` counts the starts that ended within
    ``1e-9`` of it (many hits make a lower local minimum less likely, not impossible)."""

    value: float
    vectors: tuple[np.ndarray, ...]
    dims: tuple[int, ...]
    restarts: int
    seed: int
    hits: int

    @property
    def method(self) -> str:
        return (f"alternating minimisation (lowest eigenvector of each factor in turn) from {self.restarts} "
                f"random complex starts, seed {self.seed}; {self.hits} start(s) reached the best value")

    @property
    def product_vector(self) -> np.ndarray:
        """``ψ_1 ⊗ … ⊗ ψ_n``."""
        out = np.ones(1, dtype=complex)
        for v in self.vectors:
            out = np.kron(out, v)
        return out

    def describe_vectors(self, digits: int = 4) -> str:
        """The best product vector as text, each factor normalised so its first nonzero entry is real."""
        parts = []
        for v in self.vectors:
            k = int(np.argmax(np.abs(v) > 1e-12))
            v = v * np.exp(-1j * np.angle(v[k]))
            parts.append("(" + ", ".join(_fmt(c, digits) for c in v) + ")")
        return " ⊗ ".join(parts)


def _fmt(c: complex, digits: int) -> str:
    re, im = round(c.real, digits) + 0.0, round(c.imag, digits) + 0.0
    if im == 0:
        return f"{re:g}"
    if re == 0:
        return f"{im:g}i"
    return f"{re:g}{im:+g}i"


def _subscripts(n: int, keep: int) -> str:
    rows, cols = string.ascii_lowercase[:n], string.ascii_uppercase[:n]
    operands = [rows + cols] + [f"{rows[j]},{cols[j]}" for j in range(n) if j != keep]
    return ",".join(operands) + f"->{rows[keep]}{cols[keep]}"


def reduced_operator(tensor: np.ndarray, vectors: list[np.ndarray], keep: int) -> np.ndarray:
    """``H_k = (⊗_{j≠k} ⟨ψ_j|) H (⊗_{j≠k} |ψ_j⟩)`` for ``H`` reshaped to ``dims + dims``."""
    n = len(vectors)
    others = [x for j in range(n) if j != keep for x in (vectors[j].conj(), vectors[j])]
    return np.einsum(_subscripts(n, keep), tensor, *others, optimize=True)


def _lowest(h: np.ndarray) -> tuple[float, np.ndarray]:
    w, v = np.linalg.eigh((h + h.conj().T) / 2)
    return float(w[0]), v[:, 0]


def _random_unit(rng: np.random.Generator, d: int) -> np.ndarray:
    v = rng.normal(size=d) + 1j * rng.normal(size=d)
    return v / np.linalg.norm(v)


def _descend(tensor: np.ndarray, vectors: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    value = np.inf
    for _ in range(MAX_SWEEPS):
        previous = value
        for k in range(len(vectors)):
            value, vectors[k] = _lowest(reduced_operator(tensor, vectors, k))
        if previous - value < STALL:
            break
    return value, vectors


def product_minimum(h: np.ndarray, dims: tuple[int, ...] | list[int], restarts: int = RESTARTS,
                    seed: int = 0) -> ProductMinimum:
    """Estimate ``min_{ψ = ψ_1⊗…⊗ψ_n, ‖ψ_k‖=1} ⟨ψ|H|ψ⟩`` for a Hermitian ``H`` on ``⊗_k C^{d_k}``
    by alternating minimisation from ``restarts`` random starts (see the module docstring)."""
    dims = tuple(int(d) for d in dims)
    h = np.asarray(h, dtype=complex)
    if h.shape != (prod(dims), prod(dims)):
        raise ValueError(f"a {h.shape[0]}×{h.shape[1]} matrix does not act on dimensions {dims}")
    if restarts < 1:
        raise ValueError("product_minimum needs at least one start")
    tensor = ((h + h.conj().T) / 2).reshape(dims + dims)
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(restarts):
        start = [_random_unit(rng, d) for d in dims]
        runs.append(_descend(tensor, start))
    best_value, best_vectors = min(runs, key=lambda r: r[0])
    hits = sum(1 for value, _ in runs if value <= best_value + 1e-9)
    return ProductMinimum(best_value, tuple(best_vectors), dims, restarts, seed, hits)

"""A library of linear maps, each built exactly as its Choi matrix ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)``.

Positive but not completely positive maps (physics.md §6): the transpose, partial
transposes, the reduction map, the Breuer–Hall type map and Choi's map; and common
channels (identity, unitary, depolarising, dephasing, amplitude damping).  Entries are
exact when the parameters are; a float parameter makes the map numeric.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from math import prod

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.checks import fmt
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import choi_from_images, choi_from_kraus
from steerdsl.model.values import LinearMap


class MapParameterError(ValueError):
    """A library map asked for with parameters it cannot take (the message says why)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


_BH_HINT = "U must satisfy Uᵀ = −U and UU† = I; such U exist in even dimension only, e.g. U = X ⊗ Y"


def _unit(n: int, i: int, j: int) -> np.ndarray:
    m = alg.zeros(n, n)
    m[i, j] = Cyclo(1)
    return m


def _from_images(name: str, din: int, dout: int, image: Callable[[np.ndarray], np.ndarray],
                 positive_by: str | None = None) -> LinearMap:
    choi = choi_from_images(din, lambda i, j: image(_unit(din, i, j)))
    if not all(isinstance(v, Cyclo) for v in choi.flat):
        choi = alg.to_numeric(choi)
    return LinearMap(name, din, dout, choi, "library", positive_by=positive_by)


def _dimension(d: int, what: str = "dimension") -> int:
    if not isinstance(d, int) or d < 1:
        raise MapParameterError(f"the {what} must be a positive integer, not {d!r}")
    return d


def _scalar(p, what: str):
    if alg.is_matrix(p):
        raise MapParameterError(f"{what} must be a number, not a matrix")
    if alg.is_exact(p):
        return alg.exact_scalar(p)
    return complex(p)


def identity_map(d: int) -> LinearMap:
    """``id(ρ) = ρ``: ``J = |Ω⟩⟨Ω|``, ``|Ω⟩ = Σ_i |ii⟩``."""
    d = _dimension(d)
    return _from_images(f"id_{d}", d, d, lambda e: e)


def transpose_map(d: int) -> LinearMap:
    """``T(ρ) = ρᵀ``: ``J = Σ_ij |i⟩⟨j| ⊗ |j⟩⟨i| = F`` (the swap).  Positive, not CP for ``d ≥ 2``."""
    d = _dimension(d)
    return _from_images(f"T_{d}", d, d, lambda e: e.T.copy(), positive_by="the transpose of a PSD matrix is PSD")


def partial_transpose_map(dims: list[int], systems: list[int]) -> LinearMap:
    """``ρ ↦ ρ^{T_S}`` on ``⊗_k C^{d_k}``, transposing the subsystems ``S`` (0-based)."""
    dims = [_dimension(d) for d in dims]
    if any(not 0 <= s < len(dims) for s in systems):
        raise MapParameterError(f"subsystems {list(systems)} out of range for {len(dims)} subsystems")
    n = prod(dims)
    name = f"PT_{'x'.join(map(str, dims))}[{','.join(map(str, systems))}]"
    return _from_images(name, n, n, lambda e: linalg.partial_transpose(e, dims, systems))


def reduction_map(d: int) -> LinearMap:
    """``R(ρ) = tr(ρ) I − ρ`` (Horodecki & Horodecki, PRA 59, 4206 (1999)): positive,
    not CP for ``d ≥ 2``; ``J^Γ = I − F ⪰ 0``, so ``R = T∘(CP)`` is decomposable."""
    d = _dimension(d)
    eye = alg.identity(d)
    return _from_images(f"R_{d}", d, d, lambda e: alg.binary("-", alg.binary("*", alg.trace(e), eye), e),
                        positive_by="R(|ψ⟩⟨ψ|) = I − |ψ⟩⟨ψ| ⪰ 0 for unit ψ")


def check_antisymmetric_unitary(u: np.ndarray) -> None:
    """Raise :class:`MapParameterError` unless ``Uᵀ = −U`` and ``UU† = I`` hold exactly."""
    if not alg.is_matrix(u) or u.shape[0] != u.shape[1]:
        raise MapParameterError("U must be a square matrix")
    if not alg.is_exact(u):
        raise MapParameterError("U must be exact to be checked antisymmetric and unitary exactly "
                                "(write it without float(·))")
    bad = linalg.first_nonzero(u + u.T)
    if bad is not None:
        (i, j), v = bad
        raise MapParameterError(f"U is not antisymmetric: (U + Uᵀ) has entry ({i},{j}) = {v}", _BH_HINT)
    bad = linalg.first_nonzero(linalg.matmul(u, linalg.dagger(u)) - alg.identity(u.shape[0]))
    if bad is not None:
        (i, j), v = bad
        raise MapParameterError(f"U is not unitary: (UU† − I) has entry ({i},{j}) = {v}", _BH_HINT)


def breuer_hall_map(u: np.ndarray) -> LinearMap:
    """``Λ(ρ) = ½(tr(ρ) I − ρ − U ρᵀ U†)`` for an antisymmetric unitary ``U`` (even dimension;
    Breuer, PRL 97, 080501 (2006); Hall, J. Phys. A 39, 14119 (2006); NJP 20, 083040 (2018) §5.2).

    Positive: ``⟨ψ|Uψ̄⟩ = ψ†Uψ̄ = (ψ†Uψ̄)ᵀ = ψ†Uᵀψ̄ = −⟨ψ|Uψ̄⟩ = 0``, so for a unit ψ
    ``Λ(|ψ⟩⟨ψ|) = ½(I − |ψ⟩⟨ψ| − |Uψ̄⟩⟨Uψ̄|)`` is half a projector.  Trace preserving iff d = 4."""
    check_antisymmetric_unitary(u)
    d = u.shape[0]
    eye = alg.identity(d)
    half = Cyclo(Fraction(1, 2))
    ud = linalg.dagger(u)

    def image(e: np.ndarray) -> np.ndarray:
        twisted = linalg.matmul(linalg.matmul(u, e.T.copy()), ud)
        return (eye * alg.trace(e) - e - twisted) * half

    return _from_images(f"BH_{d}", d, d, image,
                        positive_by="Breuer–Hall: U antisymmetric unitary (checked exactly) ⇒ ⟨ψ|Uψ̄⟩ = 0 ⇒ "
                                    "Λ(|ψ⟩⟨ψ|) = ½(I − |ψ⟩⟨ψ| − |Uψ̄⟩⟨Uψ̄|) ⪰ 0")


def choi_map(a=1, b=1, c=0) -> LinearMap:
    """The generalised Choi map ``Φ[a,b,c]`` on 3×3 matrices (Choi, Linear Algebra Appl. 12, 95
    (1975) is ``Φ[1,1,0]``; Cho, Kye, Lee, Linear Algebra Appl. 171, 213 (1992)):
    ``Φ(X)_ii = a x_ii + b x_{i+1,i+1} + c x_{i+2,i+2}`` (indices mod 3), ``Φ(X)_ij = −x_ij``.
    For ``a, b, c ≥ 0``: positive iff ``a + b + c ≥ 2`` and (``a ≤ 1`` ⇒ ``bc ≥ (1 − a)²``);
    decomposable iff ``a ≤ 2`` ⇒ ``bc ≥ (2 − a)²/4``; CP iff ``a ≥ 2``."""
    w = [_scalar(a, "a"), _scalar(b, "b"), _scalar(c, "c")]

    def image(e: np.ndarray) -> np.ndarray:
        out = -e
        for i in range(3):
            out[i, i] = sum((w[(j - i) % 3] * e[j, j] for j in range(3)), Cyclo(0))
        return out

    name = "Choi" if (a, b, c) == (1, 1, 0) else f"Choi[{a},{b},{c}]"
    return _from_images(name, 3, 3, image)


def unitary_map(u: np.ndarray) -> LinearMap:
    """``ρ ↦ U ρ U†`` (a channel when U is unitary)."""
    if not alg.is_matrix(u) or u.shape[0] != u.shape[1]:
        raise MapParameterError("U must be a square matrix")
    kraus = [u] if alg.is_exact(u) else [alg.to_numeric(u)]
    d = u.shape[0]
    return LinearMap(f"Ad_U{d}", d, d, choi_from_kraus(d, kraus), "library", kraus)


def depolarising_channel(d: int, p) -> LinearMap:
    """``Δ_p(ρ) = (1 − p) ρ + p tr(ρ) I/d`` (CP iff ``−1/(d² − 1) ≤ p ≤ d²/(d² − 1)``)."""
    d = _dimension(d)
    p = _scalar(p, "p")
    eye = alg.identity(d)
    one = Cyclo(1) if isinstance(p, Cyclo) else 1.0

    def image(e: np.ndarray) -> np.ndarray:
        return alg.binary("+", alg.binary("*", one - p, e), alg.binary("*", p * alg.trace(e) / d, eye))

    return _from_images(f"depolarising_{d}({fmt(p)})", d, d, image)


def dephasing_channel(d: int, p) -> LinearMap:
    """``ρ ↦ (1 − p) ρ + p diag(ρ)`` (the diagonal in the computational basis)."""
    d = _dimension(d)
    p = _scalar(p, "p")
    one = Cyclo(1) if isinstance(p, Cyclo) else 1.0

    def image(e: np.ndarray) -> np.ndarray:
        diag = alg.zeros(d, d)
        for i in range(d):
            diag[i, i] = e[i, i]
        return alg.binary("+", alg.binary("*", one - p, e), alg.binary("*", p, diag))

    return _from_images(f"dephasing_{d}({fmt(p)})", d, d, image)


def amplitude_damping_channel(gamma) -> LinearMap:
    """Qubit amplitude damping: Kraus ``K_0 = |0⟩⟨0| + √(1−γ)|1⟩⟨1|``, ``K_1 = √γ |0⟩⟨1|``."""
    g = _scalar(gamma, "gamma")
    if isinstance(g, Cyclo) and g.is_rational:
        root = Cyclo.sqrt_rational
        k0 = alg.exact_array([[Cyclo(1), Cyclo(0)], [Cyclo(0), root(1 - g.to_fraction())]])
        k1 = alg.exact_array([[Cyclo(0), root(g.to_fraction())], [Cyclo(0), Cyclo(0)]])
    else:
        gf = complex(g)
        k0 = np.array([[1, 0], [0, np.sqrt(1 - gf)]], dtype=complex)
        k1 = np.array([[0, np.sqrt(gf)], [0, 0]], dtype=complex)
    return LinearMap(f"amplitude_damping({fmt(g)})", 2, 2, choi_from_kraus(2, [k0, k1]), "library", [k0, k1])


def choi_matrix(lin: LinearMap) -> np.ndarray:
    """The Choi matrix ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` of a map (input factor first)."""
    return lin.choi

"""An explicit quantum realisation of any valid bipartite assemblage (GHJW theorem).

physics.md §3.2 purifies ``ρ_B`` in its eigenbasis, which needs square roots
of eigenvalues — numbers outside the number field of the data.  Here any
purification will do, so we pick one whose entries stay in the field:

1. ``ρ_B = Σ_k d_k u_k u_k†`` (exact LDL† with pivoting; ``u_k`` independent,
   ``d_k > 0``), so ``ρ_B = U D U†`` on its support.
2. When every ``d_k`` is rational, write it as a sum of at most four rational
   squares (Lagrange), ``d_k = Σ_j c_kj²``; put ``V = U C`` with ``C C^T = D``.
3. ``|Ψ⟩ = Σ_i |i⟩_A ⊗ V|i⟩`` gives ``tr_A|Ψ⟩⟨Ψ| = V V† = ρ_B`` and
   ``tr_A[(M ⊗ I)|Ψ⟩⟨Ψ|] = V Mᵀ V†``.
4. ``S_{a|x} = U⁺ σ_{a|x} U⁺†`` (``U⁺`` a left inverse; valid because
   ``σ_{a|x} ≤ ρ_B`` lives on the support), ``M_{a|x}ᵀ = Cᵀ D⁻¹ S_{a|x} D⁻¹ C``;
   ``Σ_a M_{a|x}ᵀ = Cᵀ D⁻¹ C`` is a projector and its complement is added to
   the last outcome, so each ``{M_{a|x}}_a`` is a POVM.

Alice's dimension is at most ``4 rank(ρ_B)``.  The realisation is verified by
recomputing σ exactly.  Numeric assemblages use the eigenbasis construction
with a tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.exact.squares import four_squares
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import contract_party


@dataclass
class Realisation:
    """A state ``|Ψ⟩`` on ``A ⊗ B`` (dimensions ``dims``) and Alice's POVMs ``M[(a, x)]``."""

    psi: np.ndarray
    dims: tuple[int, int]
    povms: dict[tuple[int, int], np.ndarray]
    exact: bool
    verified: bool
    residual: float = 0.0


MAX_FACTORED_BITS = 133
"""Largest ``numerator·denominator`` (about 40 digits) written as a sum of squares by sympy, which factors
it (measured under 0.25 s at 40 digits); above, the factoring-free Rabin–Shallit search
(:func:`steerdsl.exact.squares.four_squares`)."""

MAX_SQUARES_BITS = 2048
"""Largest ``numerator·denominator`` (about 616 digits) written as a sum of squares at all: the Rabin–Shallit
search took at most 0.05 s at 250 digits and 0.9 s at 616 (10 random numbers each); a 2000-digit number
(``1e999`` in a state) is refused (undecided)."""


MAX_TWO_SQUARES_BITS = 32
"""Largest ``numerator·denominator`` first tried as a sum of two squares (sympy searches; see below)."""


def rational_squares(q: Fraction) -> list[Fraction]:
    """Rationals ``c_j`` (at most four) with ``Σ c_j² = q`` for ``q > 0`` (Lagrange's four-square theorem):
    ``q = n / den²`` with ``n = num·den`` written as integer squares — by sympy up to
    :data:`MAX_FACTORED_BITS`, by Rabin–Shallit (:func:`steerdsl.exact.squares.four_squares`) above."""
    from sympy.solvers.diophantine.diophantine import sum_of_four_squares, sum_of_squares, sum_of_three_squares

    n = q.numerator * q.denominator
    den = q.denominator
    if n.bit_length() > MAX_SQUARES_BITS:
        raise NotExact(f"a four-square decomposition of a {len(str(n))}-digit number (beyond the limit of "
                       f"{MAX_SQUARES_BITS} bits); use float(·) for a numeric realisation")
    if isqrt(n) ** 2 == n:
        parts: tuple[int, ...] = (isqrt(n),)
    elif n.bit_length() > MAX_FACTORED_BITS:
        found = four_squares(n)
        if found is None:
            raise NotExact(f"no four-square decomposition of a {len(str(n))}-digit number was found")
        parts = found
    else:
        # two squares by sympy's search only for small n: 0.3 s at 36 bits, a hang at 64 (found by fuzzing:
        # 4294967296 in E12's state); three or four squares take under a millisecond at 133 bits
        two = next(sum_of_squares(n, 2, zeros=True), None) if n.bit_length() <= MAX_TWO_SQUARES_BITS else None
        parts = two or sum_of_three_squares(n) or sum_of_four_squares(n)
    return [Fraction(p, den) for p in parts if p]


def _ldl(rho: np.ndarray) -> tuple[list[np.ndarray], list[Cyclo]]:
    """``ρ = Σ_k d_k u_k u_k†`` for a Hermitian PSD exact ``ρ`` (diagonal pivoting)."""
    n = rho.shape[0]
    work = rho.copy()
    vectors, pivots = [], []
    remaining = list(range(n))
    while remaining:
        p = next((i for i in remaining if not work[i, i].is_zero), None)
        if p is None:
            break
        d = work[p, p]
        u = alg.zeros(n, 1)
        for i in range(n):
            u[i, 0] = work[i, p] / d
        vectors.append(u)
        pivots.append(d)
        work = work - (u @ alg.dagger(u)) * d
        remaining.remove(p)
    return vectors, pivots


@dataclass
class RationalFactor:
    """``M = U D U†`` on its support (``U`` independent columns, ``D`` diagonal, rational, positive),
    ``D = C Cᵀ`` with a rational ``C``, ``D⁻¹`` and a left inverse ``U⁺`` of ``U``: so ``V = U C`` has
    ``V V† = M`` with entries in the field of M."""

    U: np.ndarray
    C: np.ndarray
    D_inv: np.ndarray
    U_left: np.ndarray

    @property
    def width(self) -> int:
        """The columns of ``C`` (at most four per rank)."""
        return self.C.shape[1]


def rational_factor(m: np.ndarray) -> RationalFactor:
    """The factor of a nonzero exact Hermitian PSD ``M`` (steps 1–2 of the module docstring): exact LDL†
    with pivoting, each pivot a sum of at most four rational squares (Lagrange); raises
    :class:`NotExact` when a pivot is not rational."""
    vectors, pivots = _ldl(m)
    r = len(vectors)
    if r == 0:
        raise ValueError("the matrix is zero")
    U = np.hstack(vectors)
    coeffs = []
    for dk in pivots:
        if not dk.is_rational:
            raise NotExact("the LDL pivots are not rational; an exact GHJW realisation needs them rational")
        coeffs.append(rational_squares(dk.to_fraction()))
    C = alg.zeros(r, sum(len(c) for c in coeffs))
    col = 0
    for k, cs in enumerate(coeffs):
        for c in cs:
            C[k, col] = Cyclo(c)
            col += 1
    D_inv = alg.zeros(r, r)
    for k, dk in enumerate(pivots):
        D_inv[k, k] = 1 / dk
    U_left = linalg.inverse(alg.dagger(U) @ U) @ alg.dagger(U)
    return RationalFactor(U, C, D_inv, U_left)


def _exact_realisation(sigma: Assemblage) -> Realisation:
    sc = sigma.scenario
    alice = sc.alices[0]
    rho = None
    for a in range(alice.outputs[0]):
        m = sigma.elements[((a,), (0,), ())]
        rho = m if rho is None else rho + m
    if linalg.is_zero_matrix(rho):
        raise ValueError("ρ_B is zero")
    factor = rational_factor(rho)
    C, D_inv, U_left = factor.C, factor.D_inv, factor.U_left
    m, d = factor.width, rho.shape[0]
    V = factor.U @ C
    psi = alg.zeros(m * d, 1)
    for i in range(m):
        for j in range(d):
            psi[i * d + j, 0] = V[j, i]
    projector = C.T @ D_inv @ C
    complement = alg.identity(m) - projector
    povms = {}
    for x in range(alice.inputs):
        k = alice.outputs[x]
        for a in range(k):
            S = U_left @ sigma.elements[((a,), (x,), ())] @ alg.dagger(U_left)
            Mt = C.T @ D_inv @ S @ D_inv @ C
            if a == k - 1:
                Mt = Mt + complement
            povms[(a, x)] = Mt.T.copy()
    return Realisation(psi, (m, d), povms, True, False)


def _numeric_realisation(sigma: Assemblage) -> Realisation:
    """The eigenbasis construction: ``|Ψ⟩ = Σ_k √μ_k |k⟩ ⊗ |v_k⟩``, ``M_{a|x}ᵀ = μ^{-1/2} v†σv μ^{-1/2}``."""
    alice = sigma.scenario.alices[0]
    rho = sum(sigma.elements[((a,), (0,), ())] for a in range(alice.outputs[0]))
    w, v = np.linalg.eigh(rho)
    keep = w > 1e-12
    w, v = w[keep], v[:, keep]
    r, d = len(w), rho.shape[0]
    psi = sum(np.sqrt(w[k]) * np.kron(np.eye(r)[k], v[:, k]) for k in range(r))
    inv_sqrt = np.diag(1 / np.sqrt(w))
    povms = {}
    for x in range(alice.inputs):
        total = np.zeros((r, r), dtype=complex)
        for a in range(alice.outputs[x]):
            M = (inv_sqrt @ v.conj().T @ sigma.elements[((a,), (x,), ())] @ v @ inv_sqrt).T
            povms[(a, x)] = M
            total += M
        povms[(alice.outputs[x] - 1, x)] = povms[(alice.outputs[x] - 1, x)] + np.eye(r) - total
    return Realisation(np.asarray(psi).reshape(-1, 1), (r, d), povms, False, False)


def verify(sigma: Assemblage, real: Realisation, atol: float = 1e-9) -> tuple[bool, float]:
    """Check that each ``{M_{a|x}}_a`` is a POVM (``M_{a|x} ⪰ 0``, ``Σ_a M_{a|x} = I``), then recompute
    ``σ_{a|x} = tr_A[(M_{a|x} ⊗ I)|Ψ⟩⟨Ψ|]`` and compare (exactly when exact).  The POVM check is what fails
    on a signalling σ: its construction (step 4) reproduces every σ_{a|x} but ``Σ_a M_{a|x} ≠ I`` for an x whose
    ``Σ_a σ_{a|x} ≠ ρ_B``."""
    if not _povms_valid(real, atol):
        return False, float("inf")
    state = real.psi @ alg.dagger(real.psi)
    worst = 0.0
    for (a, x), M in real.povms.items():
        recomputed = contract_party(state, real.dims, 0, M)
        target = sigma.elements[((a,), (x,), ())]
        if real.exact:
            if not alg.equal(recomputed, target):
                return False, float("inf")
        else:
            worst = max(worst, float(np.max(np.abs(recomputed - target))))
    return (worst <= atol), worst


def _povms_valid(real: Realisation, atol: float) -> bool:
    """Every ``{M_{a|x}}_a`` PSD and summing to the identity (exactly, or to ``atol``)."""
    m = real.dims[0]
    for x in {x for _, x in real.povms}:
        elements = [M for (_, xx), M in real.povms.items() if xx == x]
        total = sum(elements[1:], elements[0])
        if real.exact:
            if not alg.equal(total, alg.identity(m)) or any(linalg.psd(M).decided is not True for M in elements):
                return False
        elif (np.max(np.abs(total - np.eye(m))) > atol
              or any(np.linalg.eigvalsh((M + M.conj().T) / 2)[0] < -atol for M in elements)):
            return False
    return True


def ghjw(sigma: Assemblage) -> Realisation:
    """Quantum realisation (state and Alice's POVMs) of a valid standard bipartite assemblage,
    verified by recomputing σ (physics.md §3.2; Gisin 1989, Hughston–Jozsa–Wootters 1993)."""
    if sigma.scenario.kind not in ("standard",):
        raise ValueError(f"GHJW applies to the standard bipartite scenario, not to a {sigma.scenario.kind} one")
    real = _exact_realisation(sigma) if sigma.exact else _numeric_realisation(sigma)
    real.verified, real.residual = verify(sigma, real)
    return real


def realisation_check(sigma: Assemblage, subject: str):
    """Check property ``ghjw``: build the realisation and verify it reproduces σ."""
    from steerdsl.exact.report import FAIL, PASS, UNDECIDED, CheckResult

    try:
        real = ghjw(sigma)
    except NotExact as exc:
        return CheckResult(subject, "ghjw", UNDECIDED, str(exc), exact=False)
    except ValueError as exc:
        return CheckResult(subject, "ghjw", FAIL, str(exc), code="E213")
    if real.verified:
        m, d = real.dims
        how = "exactly" if real.exact else f"to {real.residual:.1e}"
        return CheckResult(subject, "ghjw", PASS, f"|Ψ⟩ on C^{m} ⊗ C^{d} and Alice's POVMs reproduce σ {how}",
                           exact=real.exact, tolerance=None if real.exact else 1e-9)
    return CheckResult(subject, "ghjw", FAIL, f"the realisation does not reproduce σ (residual {real.residual})",
                       exact=real.exact, code="E213")

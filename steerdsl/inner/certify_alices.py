"""Certified membership with several Alices (one Bob without input): the numeric realisation rounded to an
exact one (physics.md §8).

``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ]`` is linear in ρ once the POVMs are fixed, so:

1. each qubit Alice is turned to a canonical frame by a local unitary ``U_j`` (applied to her POVMs and to
   ρ, which leaves σ unchanged): her first non-trivial measurement direction along ``ẑ``, her next one in
   the x–z plane with a positive x component.  Without it the search's arbitrary local frame makes every
   number irrational and exact relations (orthogonal Pauli directions) are lost in rounding;
2. each POVM is rounded exactly, PSD by construction where it is projective: a qubit's two-outcome
   projective measurement ``(I ± n·σ)/2`` keeps ``|n| = 1`` exactly, ``n`` the inverse stereographic image of
   rounded rational coordinates (so ``ẑ`` and ``x̂`` stay exact); any other POVM has its elements but the
   last rounded to rationals, the last ``I − Σ`` the others, and each is tested PSD exactly;
3. ρ is rounded with the POVMs fixed: the affine set ``{ρ : tr_A[(⊗M ⊗ I) ρ] = σ_{a|x} ∀ a, x}`` with face
   reduction and an exact PSD test (:func:`steerdsl.inner.rounding.exact_psd_blocks`);
4. ``tr ρ = 1`` and every σ_{a|x} are recomputed exactly from ρ and the POVMs and compared with σ.
"""

from __future__ import annotations

from fractions import Fraction
from functools import reduce

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.realisation import Realisation
from steerdsl.inner.rounding import exact_psd_blocks, rational
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import contract_party

PAULIS = (np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
          np.array([[1, 0], [0, -1]], dtype=complex))
SHARP = 1e-4
"""A qubit element whose eigenvalues are within this of 0 and 1 is read as a projector."""
DENOMINATORS = (10**2, 10**4, 10**6)
"""Rounding denominators tried in turn (small first: exact values such as ½ are recovered)."""
MAX_STATE_DIM = 16
"""Largest dimension D of ρ rounded exactly: the exact least-norm correction is cubic in its D² entries (2 s
measured at D = 16, three Alices on a four-qubit GHZ state; D = 32 would cost about 64 times more)."""


def bloch(m: np.ndarray) -> np.ndarray:
    """``(tr Xm, tr Ym, tr Zm)`` of a qubit operator."""
    return np.array([np.trace(p @ m).real for p in PAULIS])


def canonical_frame(povms: list[list[np.ndarray]]) -> np.ndarray:
    """A unitary U with ``U (n_0·σ) U† = Z`` for the first non-trivial measurement direction ``n_0`` of a
    qubit Alice (element ``M_{0|x}``), and the next direction not parallel to it turned into the x–z plane
    with a positive x component (``U = R_z(−φ) V``, ``V|n_0⟩ = |0⟩``); the identity if there is none."""
    directions = [b / np.linalg.norm(b) for b in (bloch(povm[0]) for povm in povms) if np.linalg.norm(b) > SHARP]
    if not directions:
        return np.eye(2, dtype=complex)
    _, vectors = np.linalg.eigh(sum(n * p for n, p in zip(directions[0], PAULIS)))
    V = np.stack([vectors[:, 1].conj(), vectors[:, 0].conj()])  # rows: the +1 then the −1 eigenvector
    for n in directions[1:]:
        turned = bloch(V @ sum(c * p for c, p in zip(n, PAULIS)) @ V.conj().T) / 2
        if np.hypot(turned[0], turned[1]) > SHARP:
            phi = np.arctan2(turned[1], turned[0])
            return np.diag([np.exp(1j * phi / 2), np.exp(-1j * phi / 2)]) @ V
    return V


def unit_vector(n: np.ndarray, denominator: int) -> tuple[Fraction, Fraction, Fraction]:
    """A rational unit vector near ``n``: the inverse stereographic image, from the pole farther from n, of
    ``(u, v)`` rounded to denominators at most ``denominator`` (``|n| = 1`` exactly; the poles and the
    equator's axes are kept exactly)."""
    n = n / np.linalg.norm(n)
    s = 1.0 if n[2] >= 0 else -1.0  # project from the pole −s·ẑ
    u = Fraction(n[0] / (1 + s * n[2])).limit_denominator(denominator)
    v = Fraction(n[1] / (1 + s * n[2])).limit_denominator(denominator)
    r = 1 + u * u + v * v
    return 2 * u / r, 2 * v / r, int(s) * (1 - u * u - v * v) / r


def _qubit_projector(n: tuple[Fraction, Fraction, Fraction]) -> np.ndarray:
    """``(I + n·σ)/2`` exactly."""
    x, y, z = (Cyclo(c) for c in n)
    half = Cyclo(Fraction(1, 2))
    return np.array([[(Cyclo(1) + z) * half, (x - y * Cyclo.I) * half],
                     [(x + y * Cyclo.I) * half, (Cyclo(1) - z) * half]], dtype=object)


def exact_povm(povm: list[np.ndarray], denominator: int) -> tuple[list[np.ndarray] | None, str]:
    """An exact POVM near ``povm`` (module docstring, step 2), or ``(None, reason)``."""
    d = povm[0].shape[0]
    eigs = np.linalg.eigvalsh(povm[0])
    if d == 2 and len(povm) == 2 and abs(eigs[0]) < SHARP and abs(eigs[1] - 1) < SHARP:
        first = _qubit_projector(unit_vector(bloch(povm[0]), denominator))
        return [first, alg.identity(2) - first], ""
    half = Cyclo(Fraction(1, 2))
    elements = []
    for m in povm[:-1]:
        r = np.array([[rational(v, denominator) for v in row] for row in m], dtype=object)
        elements.append((r + alg.dagger(r)) * half)
    elements.append(alg.identity(d) - sum(elements[1:], elements[0]) if elements else alg.identity(d))
    if any(linalg.psd(m).decided is not True for m in elements):
        return None, "a rounded POVM element is not PSD exactly"
    return elements, ""


def _state_equations(sigma: Assemblage, povms: list[list[list[np.ndarray]]], dims: tuple[int, ...]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``A t = b`` for the row-major entries t of ρ: ``Σ_{ij} K[j, i] ρ[(i, r), (j, c)] = σ_{a|x}[r, c]`` with
    ``K = ⊗_j M^{(j)}_{a_j|x_j}``."""
    dB = dims[-1]
    dA = int(np.prod(dims[:-1]))
    D = dA * dB
    rows, rhs = [], []
    for (a, x, _), target in sigma.elements.items():
        K = linalg.kron(*[povms[j][xj][aj] for j, (aj, xj) in enumerate(zip(a, x))])
        target = alg.as_matrix(target)
        for r in range(dB):
            for c in range(dB):
                row = [Cyclo(0)] * (D * D)
                for i in range(dA):
                    for j in range(dA):
                        row[(i * dB + r) * D + j * dB + c] = K[j, i]
                rows.append(row)
                rhs.append(target[r, c])
    return np.array(rows, dtype=object), np.array(rhs, dtype=object).reshape(-1, 1)


def reproduces(sigma: Assemblage, state: np.ndarray, povms: list[list[list[np.ndarray]]],
               dims: tuple[int, ...]) -> bool:
    """``tr ρ = 1`` and ``tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ] = σ_{a|x}`` for every key, exactly (each Alice
    contracted in turn, :func:`steerdsl.model.constructs.contract_party`)."""
    if not alg.equal(alg.trace(state), Cyclo(1)):
        return False
    for (a, x, _), target in sigma.elements.items():
        out, left = state, tuple(dims)
        for j, (aj, xj) in enumerate(zip(a, x)):
            out = contract_party(out, left, 0, povms[j][xj][aj])
            left = left[1:]
        if not alg.equal(out, alg.as_matrix(target)):
            return False
    return True


def certify_several_alices(sigma: Assemblage, real: Realisation) -> tuple[dict | None, str]:
    """An exact realisation ``{"state": ρ, "dims": (d_1, …, d_n, d_B), "povms": [{(a, x): M}, …]}`` of an
    exact σ with several Alices, rounded from the numeric ``real`` (module docstring), or
    ``(None, reason)``."""
    dims = real.shape.dims
    if int(np.prod(dims)) > MAX_STATE_DIM:
        return None, (f"exact rounding of a state on {' ⊗ '.join(f'C^{d}' for d in dims)} is beyond the limit "
                      f"of dimension {MAX_STATE_DIM}")
    frames = [canonical_frame(p) if d == 2 else np.eye(d) for p, d in zip(real.povms, real.shape.alice_dims)]
    U = reduce(np.kron, frames + [np.eye(dims[-1])])
    state = U @ real.state @ U.conj().T
    turned = [[[F @ m @ F.conj().T for m in povm] for povm in povms] for F, povms in zip(frames, real.povms)]
    why = ""
    for denominator in DENOMINATORS:
        povms = []
        for slot in turned:
            rounded = [exact_povm(povm, denominator) for povm in slot]
            why = next((w for p, w in rounded if p is None), "")
            povms.append([p for p, _ in rounded])
        if why:
            continue
        A, b = _state_equations(sigma, povms, dims)
        blocks, why = exact_psd_blocks(A, b, [state], denominator)
        if blocks is None:
            why = f"state: {why}"
            continue
        if reproduces(sigma, blocks[0], povms, dims):
            return ({"state": blocks[0], "dims": tuple(dims),
                     "povms": [{(a, x): m for x, povm in enumerate(p) for a, m in enumerate(povm)} for p in povms]},
                    f"exact realisation (state on {' ⊗ '.join(f'C^{d}' for d in dims)} checked PSD with trace 1, "
                    f"each Alice's POVMs checked PSD summing to I, rationals of denominator ≤ {denominator} after a "
                    "local change of frame) reproduces σ exactly")
        why = "the rounded realisation does not reproduce σ exactly"
    return None, why

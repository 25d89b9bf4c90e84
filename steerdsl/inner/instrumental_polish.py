"""Polish a numeric instrumental realisation with ``E_c = id`` to machine precision, CP by construction.

The unknowns are Bob's reduced state ρ (Hermitian) and the other channel's Choi matrix in factored form
``J = VV†`` (V's columns are the vectorised Kraus operators, so J ⪰ 0 whatever V is); the equations
``tr_out J = I``, ``tr ρ = 1`` and ``E_J(ρ − σ_{c|x}) = σ_{c̄|x}`` for every x are solved in the least-squares
sense by Levenberg–Marquardt (:func:`steerdsl.inner.least_squares.levenberg_marquardt`).  The residual is
quadratic in the real parameters, so the central difference ``(r(p + e_i) − r(p − e_i))/2`` is its exact
derivative (up to rounding): near a solution the steps are Gauss–Newton steps and converge quadratically,
where the alternation of convex fits (:mod:`steerdsl.inner.certify_instrumental`) converges only linearly.
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.least_squares import levenberg_marquardt


def _unpack(p: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``(V, ρ)`` from the real vector: V's real then imaginary parts (``d² × d²``), then ρ's d² real
    parameters (diagonal, then real and imaginary parts above it)."""
    n = d * d
    V = (p[:n * n] + 1j * p[n * n:2 * n * n]).reshape(n, n)
    q = p[2 * n * n:]
    rho = np.diag(q[:d]).astype(complex)
    iu = np.triu_indices(d, 1)
    m = len(iu[0])
    rho[iu] = q[d:d + m] + 1j * q[d + m:]
    rho[(iu[1], iu[0])] = q[d:d + m] - 1j * q[d + m:]
    return V, rho


def _pack(V: np.ndarray, rho: np.ndarray) -> np.ndarray:
    iu = np.triu_indices(rho.shape[0], 1)
    return np.concatenate([V.real.ravel(), V.imag.ravel(), rho.diagonal().real, rho[iu].real, rho[iu].imag])


def _residual(p: np.ndarray, pairs: list[tuple[np.ndarray, np.ndarray]], d: int) -> np.ndarray:
    V, rho = _unpack(p, d)
    blocks = (V @ V.conj().T).reshape(d, d, d, d)  # blocks[i, a, j, b] = E(|i⟩⟨j|)[a, b]
    parts = [np.einsum("iaja->ij", blocks) - np.eye(d), np.array([np.trace(rho) - 1])]
    parts += [np.einsum("ij,iajb->ab", rho - own, blocks) - other for own, other in pairs]
    flat = np.concatenate([m.ravel() for m in parts])
    return np.concatenate([flat.real, flat.imag])


def polish(pairs: list[tuple[np.ndarray, np.ndarray]], rho: np.ndarray, J: np.ndarray,
           iterations: int = 300) -> tuple[np.ndarray, np.ndarray, float]:
    """``(ρ, J, ‖r‖)`` reached from the numeric ``(ρ, J)`` for the pairs ``(σ_{c|x}, σ_{c̄|x})`` (module
    docstring): J stays PSD, ρ Hermitian; ``‖r‖`` is the largest equation residual."""
    d = rho.shape[0]
    w, U = np.linalg.eigh((J + J.conj().T) / 2)
    p0 = _pack(U * np.sqrt(np.maximum(w, 0)), (rho + rho.conj().T) / 2)

    def fun(p: np.ndarray) -> np.ndarray:
        return _residual(p, pairs, d)

    def jac(p: np.ndarray) -> np.ndarray:
        out = np.empty((fun(p).size, p.size))
        for i in range(p.size):
            e = np.zeros(p.size)
            e[i] = 1.0
            out[:, i] = (fun(p + e) - fun(p - e)) / 2  # exact: the residual is quadratic in p
        return out

    p, _ = levenberg_marquardt(fun, p0, iterations=iterations, target=1e-28, jac=jac, stall=False)
    V, rho = _unpack(p, d)
    return rho, V @ V.conj().T, float(np.max(np.abs(fun(p))))

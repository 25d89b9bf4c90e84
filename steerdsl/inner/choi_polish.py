"""Polish a numeric channel (and, in the instrumental scenario, Bob's reduced state) to machine precision,
CP by construction, keeping its rank.

The channel's Choi matrix is factored, ``J = VV†`` with V of ``d_in·d_out × r`` (its columns are the
vectorised Kraus operators, so J ⪰ 0 and rank J ≤ r whatever V is); the equations ``tr_out J = I`` and
``E_J(τ) = T`` for every pair — or, with Bob's reduced state ρ (Hermitian) as unknown too,
``E_J(ρ − σ_{c|x}) = σ_{c̄|x}`` and ``tr ρ = 1`` — are solved in the least-squares sense by
Levenberg–Marquardt (:func:`steerdsl.inner.least_squares.levenberg_marquardt`).  The residual is quadratic
in the real parameters, so the central difference ``(r(p + e_i) − r(p − e_i))/2`` is its exact derivative
(up to rounding): near a solution the steps are Gauss–Newton steps and converge quadratically, where an
alternation of convex fits converges only linearly.  A rank-deficient channel keeps its rank exactly, so
its kernel is known to machine precision (:func:`steerdsl.inner.exact_channel.exact_channel` rounds it).
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.least_squares import levenberg_marquardt

Pairs = list[tuple[np.ndarray, np.ndarray]]


def _unpack(p: np.ndarray, n: int, r: int, d: int) -> tuple[np.ndarray, np.ndarray | None]:
    """``(V, ρ)`` from the real vector: V's real then imaginary parts (``n × r``), then ρ's d² real
    parameters (diagonal, then real and imaginary parts above it) when there are any."""
    V = (p[:n * r] + 1j * p[n * r:2 * n * r]).reshape(n, r)
    q = p[2 * n * r:]
    if not q.size:
        return V, None
    rho = np.diag(q[:d]).astype(complex)
    iu = np.triu_indices(d, 1)
    m = len(iu[0])
    rho[iu] = q[d:d + m] + 1j * q[d + m:]
    rho[(iu[1], iu[0])] = q[d:d + m] - 1j * q[d + m:]
    return V, rho


def _pack(V: np.ndarray, rho: np.ndarray | None) -> np.ndarray:
    parts = [V.real.ravel(), V.imag.ravel()]
    if rho is not None:
        iu = np.triu_indices(rho.shape[0], 1)
        parts += [rho.diagonal().real, rho[iu].real, rho[iu].imag]
    return np.concatenate(parts)


def _residual(p: np.ndarray, pairs: Pairs, din: int, dout: int, r: int, with_state: bool) -> np.ndarray:
    V, rho = _unpack(p, din * dout, r, din if with_state else 0)
    blocks = (V @ V.conj().T).reshape(din, dout, din, dout)  # blocks[i, a, j, b] = E(|i⟩⟨j|)[a, b]
    parts = [np.einsum("iaja->ij", blocks) - np.eye(din)]
    if rho is not None:
        parts.append(np.array([np.trace(rho) - 1]))
        pairs = [(rho - own, other) for own, other in pairs]
    parts += [np.einsum("ij,iajb->ab", tau, blocks) - target for tau, target in pairs]
    flat = np.concatenate([m.ravel() for m in parts])
    return np.concatenate([flat.real, flat.imag])


NEWTON_TOL = 1e-13
"""Largest equation residual accepted from the minimum-norm Gauss–Newton steps before Levenberg–Marquardt."""


def _gauss_newton(fun, jac, p: np.ndarray, steps: int = 30) -> np.ndarray:
    """Minimum-norm Gauss–Newton steps ``p ← p − J⁺ r``: with fewer equations than unknowns each step goes to
    the nearest point of the linearised solution set, so the iterate stays near its start (Ben-Israel, J. Math.
    Anal. Appl. 15, 243 (1966)); the last iterate."""
    for _ in range(steps):
        r = fun(p)
        if np.max(np.abs(r)) <= NEWTON_TOL:
            break
        p = p - np.linalg.lstsq(jac(p), r, rcond=1e-12)[0]
    return p


def _solve(pairs: Pairs, J: np.ndarray, rho: np.ndarray | None, din: int, dout: int, rank: int,
           iterations: int) -> tuple[np.ndarray, np.ndarray | None, float]:
    w, U = np.linalg.eigh((J + J.conj().T) / 2)
    V = (U * np.sqrt(np.maximum(w, 0)))[:, -rank:]
    p0 = _pack(V, None if rho is None else (rho + rho.conj().T) / 2)

    def fun(p: np.ndarray) -> np.ndarray:
        return _residual(p, pairs, din, dout, rank, rho is not None)

    def jac(p: np.ndarray) -> np.ndarray:
        out = np.empty((fun(p).size, p.size))
        for i in range(p.size):
            e = np.zeros(p.size)
            e[i] = 1.0
            out[:, i] = (fun(p + e) - fun(p - e)) / 2  # exact: the residual is quadratic in p
        return out

    p = _gauss_newton(fun, jac, p0)
    if np.max(np.abs(fun(p))) > NEWTON_TOL:
        p, _ = levenberg_marquardt(fun, p0, iterations=iterations, target=1e-28, jac=jac, stall=False)
    V, rho = _unpack(p, din * dout, rank, din if rho is not None else 0)
    return V @ V.conj().T, rho, float(np.max(np.abs(fun(p))))


def polish(pairs: Pairs, rho: np.ndarray, J: np.ndarray, iterations: int = 300
           ) -> tuple[np.ndarray, np.ndarray, float]:
    """``(ρ, J, ‖r‖)`` reached from the numeric ``(ρ, J)`` for the instrumental pairs ``(σ_{c|x}, σ_{c̄|x})``
    (module docstring, J of full rank): J stays PSD, ρ Hermitian; ``‖r‖`` is the largest equation residual."""
    d = rho.shape[0]
    J, rho, res = _solve(pairs, J, rho, d, d, d * d, iterations)
    return rho, J, res


def polish_channel(pairs: Pairs, J: np.ndarray, din: int, dout: int, rank: int, iterations: int = 300
                   ) -> tuple[np.ndarray, float]:
    """``(J, ‖r‖)``: a Choi matrix of rank at most ``rank`` with ``tr_out J = I`` and ``E_J(τ) = T`` for the
    pairs, reached from the numeric J (module docstring)."""
    J, _, res = _solve(pairs, J, None, din, dout, rank, iterations)
    return J, res

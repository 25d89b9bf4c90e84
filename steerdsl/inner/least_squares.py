"""Levenberg–Marquardt on a real residual vector, with a supplied Jacobian or forward differences (numpy only).

Minimises ``‖r(p)‖²``: each step solves ``(JᵀJ + λD) δ = −Jᵀr`` with ``D = diag(JᵀJ) + 1e-9 I``, accepts δ
when the cost falls (then λ /= 3) and otherwise raises λ (×4).  With fewer residuals than parameters
(m < n) the same step is ``δ = −D⁻¹Jᵀ (J D⁻¹ Jᵀ + λI)⁻¹ r`` (push-through identity
``(JᵀJ + λD) D⁻¹Jᵀ = Jᵀ(JD⁻¹Jᵀ + λI)``), an m × m solve instead of n × n.  Near a zero-residual solution the steps are
Gauss–Newton steps, which converge fast (Nocedal & Wright, Numerical Optimization, §10.3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def jacobian(fun: Callable[[np.ndarray], np.ndarray], p: np.ndarray, r: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """Forward differences ``(r(p + h e_i) − r(p)) / h`` with ``h = eps·max(1, |p_i|)``."""
    J = np.empty((r.size, p.size))
    for i in range(p.size):
        h = eps * max(1.0, abs(p[i]))
        q = p.copy()
        q[i] += h
        J[:, i] = (fun(q) - r) / h
    return J


def cholesky_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A⁻¹b`` for positive definite A by ``A = LLᵀ`` and two triangular substitutions, in row operations
    (LAPACK's solve and Cholesky run multithreaded and were measured 300 times slower at n = 144 on a loaded
    2-core machine; these loops take about a millisecond)."""
    n = len(b)
    work = np.array(A, dtype=float)
    L = np.zeros_like(work)
    for k in range(n):
        if work[k, k] <= 0:
            raise np.linalg.LinAlgError("not positive definite")
        L[k, k] = np.sqrt(work[k, k])
        L[k + 1:, k] = work[k + 1:, k] / L[k, k]
        work[k + 1:, k + 1:] -= np.multiply.outer(L[k + 1:, k], L[k + 1:, k])
    y = np.empty(n)
    for i in range(n):
        y[i] = (b[i] - L[i, :i] @ y[:i]) / L[i, i]
    x = np.empty(n)
    for i in reversed(range(n)):
        x[i] = (y[i] - L[i + 1:, i] @ x[i + 1:]) / L[i, i]
    return x


STALL_WINDOW, STALL_RATIO = 15, 0.5
"""Give up when the cost has not halved over the last 15 steps: a local minimum, better left for a restart."""


def levenberg_marquardt(fun: Callable[[np.ndarray], np.ndarray], p: np.ndarray, iterations: int = 200,
                        target: float = 1e-24,
                        jac: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, float]:
    """The parameters reached and their cost ``‖r‖²``; stops at ``target``, after ``iterations`` Jacobians,
    when no damping makes progress, or when progress stalls (:data:`STALL_WINDOW`).  ``jac(p)`` is
    ``∂r/∂p`` (default: forward differences, :func:`jacobian`, one evaluation of r per parameter)."""
    r = fun(p)
    cost = float(r @ r)
    lam = 1e-3
    history = []
    for _ in range(iterations):
        history.append(cost)
        if cost <= target or (len(history) > STALL_WINDOW and cost > STALL_RATIO * history[-STALL_WINDOW - 1]):
            break
        J = jac(p) if jac is not None else jacobian(fun, p, r)
        d = np.einsum("ki,ki->i", J, J) + 1e-9
        dual = J.shape[0] < J.shape[1]
        A, rhs = ((J / d) @ J.T, r) if dual else (J.T @ J, -(J.T @ r))
        while lam < 1e12:
            try:
                step = (-(J.T @ cholesky_solve(A + lam * np.eye(len(A)), rhs)) / d if dual
                        else cholesky_solve(A + lam * np.diag(d), rhs))
            except np.linalg.LinAlgError:
                lam *= 4
                continue
            r_new = fun(p + step)
            c_new = float(r_new @ r_new)
            if c_new < cost:
                p, r, cost = p + step, r_new, c_new
                lam = max(lam / 3, 1e-12)
                break
            lam *= 4
        else:
            break
    return p, cost

"""One see-saw step: the best block of a realisation for a linear functional, the others fixed.

With ``β = Σ_key tr(F_key σ_key)`` and ``σ_key = E_c(τ_{a|x})`` (physics.md §8), β is linear in each block:

- state: ``β = tr(ρ W)``, ``W = Σ_{a,x} (⊗_j M^{(j)}_{a_j|x_j}) ⊗ F̃_{a|x}`` with the pulled-back operators
  ``F̃_{a|x} = Σ_{y} E_c†(F_{a|x,y})``; the best ρ is the top eigenvector of W;
- Alice j's POVMs: ``β = Σ_{a,x} tr(M^{(j)}_{a|x} G_{a|x})``, ``G`` the partial contraction of ρ with the other
  parties' POVMs and F̃; two outcomes: the projector on the positive part of ``G_0 − G_1``, else an SDP;
- channel c: ``β = tr(J_c G_c)`` with ``G_c = Σ_{key on c} τ_{a|x}ᵀ ⊗ F_key``; an SDP over CPTP Choi matrices.

Each step can only raise β, so a see-saw's values never decrease (Pál & Vértesi, PRA 82, 022116 (2010);
Werner & Wolf, QIC 1, 1 (2001)).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import picos

from steerdsl.inner.realisation import Realisation, Shape, adjoint_channel
from steerdsl.model.scenario import Key
from steerdsl.sdp.solve import run


def joint_operator(op: np.ndarray | tuple, dims: tuple[int, ...]) -> np.ndarray:
    """A several-Bobs operator on ``H_1 ⊗ … ⊗ H_N``: a tuple ``(F^(1), …)`` becomes the local form
    ``Σ_k I ⊗ F^(k) ⊗ I`` (physics.md §9); a matrix is returned as it is."""
    if not isinstance(op, tuple):
        return np.atleast_2d(np.asarray(op, dtype=complex))
    total = np.zeros((int(np.prod(dims)),) * 2, dtype=complex)
    for k, f in enumerate(op):
        ops = [np.eye(d) for d in dims]
        ops[k] = np.asarray(f, dtype=complex)
        total += _kron(ops)
    return total


def _kron(ops: list[np.ndarray]) -> np.ndarray:
    out = ops[0]
    for o in ops[1:]:
        out = np.kron(out, o)
    return out


def pulled_back(shape: Shape, terms: dict[Key, np.ndarray], channels: dict) -> dict[tuple, np.ndarray]:
    """``F̃_{a|x} = Σ_y E_c†(F_{a|x,y})`` (or ``F_{a|x}`` where no channel acts), on Bob's internal system."""
    out: dict[tuple, np.ndarray] = {}
    for key, f in terms.items():
        c = shape.channel_of(key)
        g = f if c is None else adjoint_channel(channels[c], shape.internal_dim, f)
        ax = (key[0], key[1])
        out[ax] = out[ax] + g if ax in out else g
    return out


def state_operator(real: Realisation, pulled: dict[tuple, np.ndarray]) -> np.ndarray:
    """``W = Σ_{a,x} (⊗_j M^{(j)}_{a_j|x_j}) ⊗ F̃_{a|x}``, so that ``β = tr(ρ W)``."""
    n = len(real.povms)
    W = sum(_kron([real.povms[j][x[j]][a[j]] for j in range(n)] + [f]) for (a, x), f in pulled.items())
    return (W + W.conj().T) / 2


def best_state(W: np.ndarray) -> np.ndarray:
    """``argmax tr(ρW)`` over states: the projector on W's top eigenvector."""
    _, v = np.linalg.eigh(W)
    return np.outer(v[:, -1], v[:, -1].conj())


def povm_gradient(real: Realisation, pulled: dict[tuple, np.ndarray], j: int) -> list[list[np.ndarray]]:
    """``G^{(j)}_{a|x} = Σ tr_{¬j}[(⊗_{k≠j} M^{(k)} ⊗ F̃) ρ]`` summed over the other labels, so that
    ``β = Σ_{a,x} tr(M^{(j)}_{a|x} G_{a|x})``."""
    dims = real.shape.dims
    n = len(dims)
    rho = real.state.reshape(dims + dims)
    slots = real.scenario.slots
    G = [[np.zeros((dims[j], dims[j]), dtype=complex) for _ in range(slots[j].outputs[x])]
         for x in range(slots[j].inputs)]
    for (a, x), f in pulled.items():
        ops = [real.povms[k][x[k]][a[k]] for k in range(n - 1)] + [f]
        t = rho
        remaining = list(range(n))
        for k in reversed(range(n)):
            if k == j:
                continue
            pos, m = remaining.index(k), len(remaining)
            t = np.tensordot(t, ops[k], axes=([pos, m + pos], [1, 0]))  # Σ_{r,c} ρ[..r..c..] O[c, r]
            remaining.remove(k)
        G[x[j]][a[j]] += t
    return G


def best_povm(G: list[np.ndarray], solver: str | None) -> list[np.ndarray]:
    """``argmax Σ_a tr(M_a G_a)`` over POVMs ``{M_a}``."""
    d = G[0].shape[0]
    if len(G) == 2:
        w, v = np.linalg.eigh((G[0] - G[1] + (G[0] - G[1]).conj().T) / 2)
        p = v[:, w > 0]
        m0 = p @ p.conj().T
        return [m0, np.eye(d) - m0]
    problem = picos.Problem()
    M = [picos.HermitianVariable(f"M{a}", d) for a in range(len(G))]
    problem.add_list_of_constraints([m >> 0 for m in M])
    problem.add_list_of_constraints(hermitian_equals(picos.sum(M), np.eye(d)))
    problem.set_objective("max", picos.sum([(picos.Constant((g + g.conj().T) / 2) | m).real for g, m in zip(G, M)]))
    run(problem, "see-saw measurement step", solver=solver)
    return [_hermitian(np.array(m.value)) for m in M]


def channel_gradient(shape: Shape, terms: dict[Key, np.ndarray], tau: dict[tuple, np.ndarray]
                     ) -> dict[Hashable, np.ndarray]:
    """``G_c = Σ_{key on channel c} τ_{a|x}ᵀ ⊗ F_key``, so that ``β = Σ_c tr(J_c G_c)``."""
    out: dict[Hashable, np.ndarray] = {}
    for key, f in terms.items():
        c = shape.channel_of(key)
        g = np.kron(tau[(key[0], key[1])].T, f)
        out[c] = out[c] + g if c in out else g
    return out


def channel_variable(din: int, dout: int, name: str = "J") -> tuple[picos.HermitianVariable, list]:
    """A Choi-matrix variable and the constraints that make it CPTP: ``J ⪰ 0``, ``tr_out J = I``."""
    J = picos.HermitianVariable(name, din * dout)
    return J, [J >> 0, *hermitian_equals(J.partial_trace(1, dimensions=(din, dout)), np.eye(din))]


def hermitian_equals(expr, target: np.ndarray) -> list:
    """``expr == target`` for a Hermitian expression, one real equality per real degree of freedom (the
    complex equality's redundant rows stall cvxopt's default KKT solvers)."""
    n = target.shape[0]
    rows = [expr[i, i].real == float(target[i, i].real) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            rows += [expr[i, j].real == float(target[i, j].real), expr[i, j].imag == float(target[i, j].imag)]
    return rows


def best_channel(G: np.ndarray, din: int, dout: int, solver: str | None) -> np.ndarray:
    """``argmax tr(J G)`` over Choi matrices of CPTP maps ``C^din → C^dout``."""
    J, constraints = channel_variable(din, dout)
    problem = picos.Problem()
    problem.add_list_of_constraints(constraints)
    problem.set_objective("max", (picos.Constant(_hermitian(G)) | J).real)
    run(problem, "see-saw channel step", solver=solver)
    return _hermitian(np.array(J.value))


def _hermitian(m: np.ndarray) -> np.ndarray:
    m = np.atleast_2d(np.asarray(m, dtype=complex))
    return (m + m.conj().T) / 2


R = TypeVar("R")


def ascend(real: R, sweep: Callable[[R], None], value_of: Callable[[R], float], iterations: int,
           tol: float = 1e-10) -> tuple[R, float]:
    """The see-saw's outer loop: ``sweep(real)`` (each block replaced by its best response, in place) until a
    sweep gains less than ``tol`` or ``iterations`` run out; the best realisation met (a copy) and its value
    recomputed by ``value_of``.  Each sweep can only raise β up to solver accuracy, so keeping the best
    guards against a last step that lost a little."""
    real = copy.deepcopy(real)
    best_real, best = copy.deepcopy(real), value_of(real)
    value = best
    for _ in range(iterations):
        sweep(real)
        new = value_of(real)
        if new > best:
            best, best_real = new, copy.deepcopy(real)
        if new - value < tol:
            break
        value = new
    return best_real, best

"""Assemblage builders: measuring a state, applying a map, marginals.

- ``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I_B) ρ]`` (physics.md §6); with
  several Bobs each Bob keeps the partial trace of the post-measurement state.
- ``Λ(ρ) = tr_in[(ρᵀ ⊗ I_out) J]`` for a map with Choi matrix
  ``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)``.
- Collins–Gisin tables → full assemblages by inclusion–exclusion over the
  implied last outcomes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from math import prod

import numpy as np

from steerdsl.diagnostics import error
from steerdsl.exact import linalg
from steerdsl.model import algebra as alg
from steerdsl.model.scenario import Key, Scenario


def contract_party(rho: np.ndarray, dims: tuple[int, ...], party: int, op: np.ndarray) -> np.ndarray:
    """``tr_party[(op ⊗ I_rest) ρ]`` for the subsystem ``party`` of a state with ``dims``."""
    n = len(dims)
    t = rho.reshape(dims + dims)
    # Σ_{k,l} op[l,k] ρ[.., k, .., ; .., l, ..]
    t = np.moveaxis(t, (party, n + party), (0, 1))
    rest = [d for i, d in enumerate(dims) if i != party]
    dr = prod(rest)
    t = t.reshape(dims[party], dims[party], dr, dr)
    out = np.einsum("lk,klij->ij", op, t)
    return out


def measure_state(
    rho: np.ndarray,
    dims: tuple[int, ...],
    alice_axes: list[int],
    povms: list[Callable[[int, int], np.ndarray]],
    scenario: Scenario,
) -> dict[tuple[tuple[int, ...], tuple[int, ...]], np.ndarray]:
    """``σ_{a|x}`` on the remaining (Bob) subsystems, for every ``(a, x)``.

    Alices are contracted one at a time and intermediate results are shared,
    so the cost is linear in the number of keys rather than in the product of
    the full-space dimension and the keys."""
    slots = scenario.slots
    results: dict[tuple[tuple[int, ...], tuple[int, ...]], np.ndarray] = {}

    def recurse(level: int, state: np.ndarray, sdims: tuple[int, ...], axes: list[int], a, x):
        if level == len(slots):
            results[(tuple(a), tuple(x))] = state
            return
        axis = axes[level]
        new_dims = tuple(d for i, d in enumerate(sdims) if i != axis)
        new_axes = [ax - (1 if ax > axis else 0) for ax in axes]
        for xi in range(slots[level].inputs):
            for ai in range(slots[level].outputs[xi]):
                reduced = contract_party(state, sdims, axis, povms[level](ai, xi))
                recurse(level + 1, reduced, new_dims, new_axes, a + [ai], x + [xi])

    recurse(0, rho, dims, alice_axes, [], [])
    return results


def apply_choi(choi: np.ndarray, din: int, dout: int, rho: np.ndarray) -> np.ndarray:
    """``Λ(ρ) = tr_in[(ρᵀ ⊗ I) J] = Σ_ij ρ_ij Λ(|i⟩⟨j|)``."""
    blocks = choi.reshape(din, dout, din, dout)
    if rho.dtype != object or blocks.dtype != object:
        return np.einsum("ij,iajb->ab", alg.to_numeric(rho), alg.to_numeric(blocks))
    out = alg.zeros(dout, dout)
    for i in range(din):
        for j in range(din):
            c = rho[i, j]
            if not c.is_zero:
                out = out + blocks[i, :, j, :] * c
    return out


def choi_from_images(din: int, images: Callable[[int, int], np.ndarray]) -> np.ndarray:
    """``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` from the images of the matrix units."""
    rows = [[images(i, j) for j in range(din)] for i in range(din)]
    return np.block(rows)


def choi_from_kraus(din: int, kraus: list[np.ndarray]) -> np.ndarray:
    """``J = Σ_k vec(K_k) vec(K_k)†`` with ``vec(K) = Σ_i |i⟩ ⊗ K|i⟩``."""

    def image(i: int, j: int) -> np.ndarray:
        total = None
        for k in kraus:
            term = alg.binary("*", k[:, i : i + 1], alg.dagger(k[:, j : j + 1]))
            total = term if total is None else total + term
        return total

    return choi_from_images(din, image)


def full_from_cg(
    scenario: Scenario,
    marginal: Callable[[tuple[int, ...], tuple[int, ...], tuple[int, ...]], np.ndarray],
) -> dict[Key, np.ndarray]:
    """Full assemblage from Collins–Gisin data.

    ``marginal(S, a_S, x_S)`` returns ``σ_{a_S|x_S}`` for a subset ``S`` of
    slots with every ``a_j < k_j − 1`` (``S = ()`` gives ρ_B).  A last outcome
    is implied: ``σ_{…,k−1,…} = σ_{… without j} − Σ_{a_j<k−1} σ_{…,a_j,…}``,
    applied to every slot holding a last outcome (inclusion–exclusion)."""
    slots = scenario.slots
    out: dict[Key, np.ndarray] = {}
    for key in scenario.keys():
        a, x, y = key
        last = [j for j, s in enumerate(slots) if a[j] == s.outputs[x[j]] - 1]
        fixed = [j for j in range(len(slots)) if j not in last]
        total = None
        for r in range(len(last) + 1):
            for dropped in itertools.combinations(last, r):
                kept_last = [j for j in last if j not in dropped]
                # Σ over a'_j < k_j − 1 for j in kept_last of σ on fixed ∪ kept_last
                ranges = [range(slots[j].outputs[x[j]] - 1) for j in kept_last]
                sign = -1 if len(kept_last) % 2 else 1
                for combo in itertools.product(*ranges):
                    subset = sorted(fixed + kept_last)
                    vals = {j: a[j] for j in fixed}
                    vals.update(dict(zip(kept_last, combo)))
                    term = marginal(tuple(subset), tuple(vals[j] for j in subset), tuple(x[j] for j in subset))
                    term = term if sign > 0 else -term
                    total = term if total is None else total + term
        out[key] = total
    return out


def bob_marginals(element: np.ndarray, bob_dims: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Each Bob's reduced state of a joint element on ``H_1 ⊗ … ⊗ H_N``."""
    n = len(bob_dims)
    return tuple(
        linalg.partial_trace(element, bob_dims, tuple(j for j in range(n) if j != k)) for k in range(n)
    )


def local_parts(operator: np.ndarray, bob_dims: tuple[int, ...]) -> tuple[np.ndarray, ...] | None:
    """``(F^(1), …, F^(N))`` with ``F = Σ_k I ⊗ F^(k) ⊗ I`` for an operator on ``H_1 ⊗ … ⊗ H_N`` of that local
    form (physics.md §9), or None when ``F`` has a part acting on two Bobs at once.

    With ``D = Π d_k`` and ``c = tr F / D``, ``P_k = (d_k/D) tr_{¬k} F = F^(k) + (c − tr F^(k)/d_k) I``, so
    ``F^(1) = P_1 − (N − 1) c I`` and ``F^(k) = P_k`` (k ≥ 2) is one decomposition (the identity parts may be
    moved between Bobs; the value on a valid assemblage does not change).  Exact on exact input."""
    n = len(bob_dims)
    total = prod(bob_dims)
    c = alg.binary("/", alg.trace(operator), total)
    parts = []
    for k, d in enumerate(bob_dims):
        reduced = linalg.partial_trace(operator, bob_dims, tuple(j for j in range(n) if j != k))
        part = alg.binary("*", reduced, alg.binary("/", d, total))
        if k == 0:
            part = alg.binary("-", part, alg.binary("*", alg.binary("*", n - 1, c), alg.identity_like(part)))
        parts.append(part)
    exact = operator.dtype == object
    residual = operator
    for k, part in enumerate(parts):
        left, right = prod(bob_dims[:k]), prod(bob_dims[k + 1:])
        eye_left, eye_right = (alg.identity(left), alg.identity(right)) if exact else (np.eye(left), np.eye(right))
        residual = alg.binary("-", residual, alg.kron(alg.kron(eye_left, part), eye_right))
    if exact:
        return tuple(parts) if linalg.first_nonzero(residual) is None else None
    return tuple(parts) if np.allclose(residual, 0, atol=1e-9) else None


def functional_parts(operator: np.ndarray, bob_dims: tuple[int, ...], name: str, span=None) -> tuple[np.ndarray, ...]:
    """:func:`local_parts` of a several-Bobs functional's operator, or E303 when it is not local."""
    parts = local_parts(operator, bob_dims)
    if parts is None:
        raise error("E303", f"functional {name} acts on two Bobs at once; with several Bobs the assemblage holds "
                    "only each Bob's states, so only a sum of single-Bob terms Σ_k I ⊗ F^(k) ⊗ I has a value",
                    span, "write it per Bob with 'on B1 : …' cases, or as kron(F1, I) + kron(I, F2)")
    return parts

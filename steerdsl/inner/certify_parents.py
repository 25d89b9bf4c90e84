"""Certified membership of a several-Bobs assemblage with one Alice: exact parent states, then exact GHJW.

Sainz 2026 Thm 6: σ is quantum iff there are parents ``τ_{a|x} ⪰ 0`` on ``H_1 ⊗ … ⊗ H_N``, no-signalling
(``Σ_a τ_{a|x}`` independent of x, unit trace), with ``tr_{¬k} τ_{a|x} = σ^(k)_{a|x}``.  The numeric parents
(:func:`steerdsl.inner.starts.parent_assemblage`, an interior point of the optimal face) are rounded to
rationals, moved exactly onto that affine set with face reduction, made Hermitian and tested PSD exactly
(:func:`steerdsl.inner.rounding.exact_psd_blocks`); the exact
GHJW realisation of τ (:func:`steerdsl.exact.ghjw.ghjw`) then gives a state on ``A ⊗ H_1 ⊗ … ⊗ H_N`` and
Alice's POVMs, and every Bob's marginal is recomputed exactly and compared with σ.
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.rounding import exact_psd_blocks
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Bob, Scenario


def exact_parents(sigma: Assemblage, denominator: int = 10**6) -> tuple[dict | None, str]:
    """Exact parents of σ (keys ``(a, x, ())``) and a note, or ``(None, reason)``."""
    from steerdsl.inner.starts import parent_assemblage

    sc = sigma.scenario
    slot, dims = sc.slots[0], sc.bob_dims
    labels = [(a, x) for x in range(slot.inputs) for a in range(slot.outputs[x])]
    num = sigma.to_numeric()
    numeric = parent_assemblage(sc, {k: tuple(np.asarray(m, dtype=complex) for m in v)
                                     for k, v in num.elements.items()})
    A, b = _parent_equations(sigma, labels, dims)
    blocks, why = exact_psd_blocks(A, b, [numeric[((a,), (x,))] for a, x in labels], denominator)
    if blocks is None:
        return None, f"parent states: {why}"
    parents = {((a,), (x,), ()): m for (a, x), m in zip(labels, blocks)}
    for key, parts in sigma.elements.items():
        for k, part in enumerate(parts):
            traced = [i for i in range(len(dims)) if i != k]
            if not alg.equal(linalg.partial_trace(parents[key], dims, traced), part):
                return None, "the rounded parents do not reproduce the Bobs' states exactly"
    return parents, "exact parent states"


def _parent_equations(sigma: Assemblage, labels: list, dims: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``A t = b`` over the stacked row-major parents: no-signalling, unit trace, each Bob's marginal."""
    D = int(np.prod(dims))
    n = len(labels) * D * D
    index = {lab: i * D * D for i, lab in enumerate(labels)}
    rows, rhs = [], []

    def add(coefficients: dict[int, Cyclo], value: Cyclo) -> None:
        row = [Cyclo(0)] * n
        for pos, c in coefficients.items():
            row[pos] = row[pos] + c
        rows.append(row)
        rhs.append(value)

    slot = sigma.scenario.slots[0]
    for x in range(1, slot.inputs):
        for i in range(D):
            for j in range(D):
                co: dict[int, Cyclo] = {}
                for a in range(slot.outputs[x]):
                    co[index[(a, x)] + i * D + j] = Cyclo(1)
                for a in range(slot.outputs[0]):
                    co[index[(a, 0)] + i * D + j] = co.get(index[(a, 0)] + i * D + j, Cyclo(0)) - Cyclo(1)
                add(co, Cyclo(0))
    add({index[(a, 0)] + i * D + i: Cyclo(1) for a in range(slot.outputs[0]) for i in range(D)}, Cyclo(1))
    for (a, x) in labels:
        parts = sigma.elements[((a,), (x,), ())]
        for k, part in enumerate(parts):
            for r in range(dims[k]):
                for c in range(dims[k]):
                    co = {}
                    for rest in np.ndindex(*[d for i, d in enumerate(dims) if i != k]):
                        row_idx, col_idx = list(rest), list(rest)
                        row_idx.insert(k, r)
                        col_idx.insert(k, c)
                        i = int(np.ravel_multi_index(row_idx, dims))
                        j = int(np.ravel_multi_index(col_idx, dims))
                        co[index[(a, x)] + i * D + j] = Cyclo(1)
                    add(co, part[r, c])
    return np.array(rows, dtype=object), np.array(rhs, dtype=object).reshape(-1, 1)


def certify_several_bobs(sigma: Assemblage) -> tuple[dict | None, str]:
    """An exact realisation (state on ``A ⊗ H_1 ⊗ … ⊗ H_N``, Alice's POVMs) of σ, or ``(None, reason)``."""
    from steerdsl.exact.cyclotomic import NotExact
    from steerdsl.exact.ghjw import ghjw

    sc = sigma.scenario
    why = ""
    for denominator in (10**2, 10**4, 10**6):  # small denominators first: smaller numbers in the certificate
        parents, why = exact_parents(sigma, denominator)
        if parents is None:
            continue
        try:
            real = ghjw(Assemblage(Scenario(sc.alices, (Bob("B", sc.dim),)), parents))
        except NotExact as exc:
            why = str(exc)
            continue
        if real.exact and real.verified:
            break
        why = "the exact GHJW realisation of the parents does not reproduce them"
    else:
        return None, why
    return {"state": real.psi, "dims": real.dims, "povms": real.povms}, (
        f"exact parent states realised by GHJW on C^{real.dims[0]} ⊗ C^{sc.dim}; every Bob's state "
        "recomputed exactly")

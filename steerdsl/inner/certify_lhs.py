"""Certified LHS membership: an exact local-hidden-state model that reproduces an exact assemblage.

An LHS model is ``σ_e = Σ_λ D_λ(e) σ_{λ,c(e)}`` with ``σ_{λ,c} ⪰ 0`` and ``tr σ_{λ,c}`` the same for every
block c of λ (physics.md §3.1; the blocks of each kind in :mod:`steerdsl.sdp.lhs`).  The numeric hidden
states of :func:`steerdsl.sdp.lhs.hidden_states` (positive definite when the white-noise visibility exceeds
1) are rounded to rationals, moved exactly onto the affine set of the model's equations and tested PSD
exactly (:func:`steerdsl.inner.rounding.exact_psd_blocks`); every element is then recomputed exactly from
the hidden states and compared with σ.  ``certified`` only when all of it holds exactly.
"""

from __future__ import annotations

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.certify import CERTIFIED
from steerdsl.inner.rounding import exact_psd_blocks
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.sdp.lhs import HiddenStateModel, hidden_states
from steerdsl.sdp.result import MEMBER, UNDECIDED, SDPResult

MAX_UNKNOWNS = 600
"""Most complex unknowns (strategies × Σ_c d_c²) rounded exactly: exact elimination over that many columns
took about 10 s; larger models stay numeric (said in the note)."""


def certify_lhs(sigma: Assemblage, result: SDPResult, solver: str | None = None) -> SDPResult:
    """Turn an LHS ``member`` (or ``undecided``: σ on the boundary) verdict on an exact σ into ``certified``
    with exact hidden states (``details["exact_hidden_states"]``: ``states[λ][c]``, the strategies λ and the
    blocks' dimensions; the verdict becomes ``member``: the model is a proof), or leave it numeric with
    ``details["certificate_note"]`` saying why.  An ``excluded`` verdict is never certified."""
    if result.verdict not in (MEMBER, UNDECIDED):
        return _note(result, f"not certified: σ is not found LHS (verdict {result.verdict})")
    if not sigma.exact:
        return _note(result, "σ is numeric: there is nothing to compare exactly")
    model, numeric, v = hidden_states(sigma, solver)
    if numeric is None:
        return _note(result, "not certified: no numeric hidden states to round")
    unknowns = model.strategies * sum(d * d for d in model.dims)
    if unknowns > MAX_UNKNOWNS:
        return _note(result, f"not certified: {unknowns} exact unknowns, above the limit of {MAX_UNKNOWNS}")
    A, b = lhs_equations(sigma, model)
    flat = [m for row in numeric for m in row]
    why = ""
    for denominator in (10**3, 10**6):
        blocks, why = exact_psd_blocks(A, b, flat, denominator)
        if blocks is None:
            continue
        states = [blocks[lam * len(model.dims):(lam + 1) * len(model.dims)] for lam in range(model.strategies)]
        problem = reproduction_defect(sigma, model, states)
        if problem is None:
            result.exactness, result.verdict = CERTIFIED, MEMBER
            result.details["exact_hidden_states"] = {
                "states": states, "strategies": list(model.scenario.deterministic_strategies()),
                "dims": list(model.dims)}
            return _note(result, f"exact LHS model: {model.strategies} rational PSD hidden states "
                                 f"(white-noise visibility {v:.4g}) reproduce σ exactly")
        why = problem
    return _note(result, f"not certified: {why}")


def _note(result: SDPResult, text: str) -> SDPResult:
    result.details["certificate_note"] = text
    return result


def _element(sigma: Assemblage, entry) -> np.ndarray:
    value = sigma.elements[entry.key]
    return alg.as_matrix(value[entry.bob] if isinstance(value, tuple) else value)


def lhs_equations(sigma: Assemblage, model: HiddenStateModel) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``A t = b`` over the hidden states stacked row-major (λ, then block c): every element
    ``Σ_λ D_λ(e) σ_{λ,c(e)} = σ_e`` entry by entry, and ``tr σ_{λ,c} = tr σ_{λ,0}``."""
    dims = model.dims
    offsets, at = {}, 0
    for lam in range(model.strategies):
        for c, d in enumerate(dims):
            offsets[(lam, c)] = at
            at += d * d
    rows, rhs = [], []
    for e, entry in enumerate(model.entries):
        target, d = _element(sigma, entry), dims[entry.block]
        used = [lam for lam in range(model.strategies) if model.response[e, lam]]
        for r in range(d):
            for s in range(d):
                row = [Cyclo(0)] * at
                for lam in used:
                    row[offsets[(lam, entry.block)] + r * d + s] = Cyclo(1)
                rows.append(row)
                rhs.append(alg.exact_scalar(target[r, s]))
    for lam in range(model.strategies):
        for c in range(1, len(dims)):
            row = [Cyclo(0)] * at
            for i in range(dims[c]):
                row[offsets[(lam, c)] + i * dims[c] + i] = Cyclo(1)
            for i in range(dims[0]):
                row[offsets[(lam, 0)] + i * dims[0] + i] = Cyclo(-1)
            rows.append(row)
            rhs.append(Cyclo(0))
    return np.array(rows, dtype=object), np.array(rhs, dtype=object).reshape(-1, 1)


def reproduction_defect(sigma: Assemblage, model: HiddenStateModel, states: list[list[np.ndarray]]) -> str | None:
    """Recompute every element ``Σ_λ D_λ(e) σ_{λ,c(e)}`` and every block's trace exactly: None when they
    equal σ's and agree across blocks, else what differs."""
    for e, entry in enumerate(model.entries):
        used = [states[lam][entry.block] for lam in range(model.strategies) if model.response[e, lam]]
        d = model.dims[entry.block]
        if not alg.equal(sum(used, alg.zeros(d, d)), _element(sigma, entry)):
            return f"the hidden states do not reproduce the element at {entry.key}"
    for lam, row in enumerate(states):
        if any(not alg.equal(alg.trace(m), alg.trace(row[0])) for m in row[1:]):
            return f"the blocks of strategy {lam} have different traces"
    return None

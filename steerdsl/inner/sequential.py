"""Explicit realisation of a sequential assemblage: GHJW plus an instrument that keeps a record.

Every valid sequential assemblage is quantum (physics.md §3.2, PRL 125, 050404 (2020)).  Construction, for
one Alice measuring twice:

1. read ``σ_{a1a2|x1x2}`` as a standard assemblage with input ``(x1, x2)`` and outcome ``(a1, a2)`` and
   realise it by GHJW: ``|Ψ⟩`` on ``A ⊗ B`` and POVMs ``N_{a1a2|x1x2}``;
2. ``M_{a1|x1} = Σ_{a2} N_{a1a2|x1x2}`` does not depend on x2 (σ is valid); the first measurement is an
   instrument whose outcome ``(a1, x1)`` lands in its own block of Alice's post-measurement space
   ``⊕_{(a1,x1)} C^{m}``, with Kraus operator ``C_{a1|x1}`` (``C†C = M_{a1|x1}``);
3. the second measurement reads the block: ``P_{a2|x2} = ⊕_{(a1,x1)} Q^{(a1,x1)}_{a2|x2}`` with
   ``C† Q_{a2|x2} C = N_{a1a2|x1x2}``, ``Q ⪰ 0``, ``Σ_{a2} Q = I``.

Then ``tr_A[(C_{a1|x1}† Q_{a2|x2} C_{a1|x1} ⊗ I) Ψ] = σ_{a1a2|x1x2}``.  Numerically ``C = √M`` (the Lüders
instrument) and ``Q = M^{-1/2} N M^{-1/2} + [a2 = 0] Π_ker M``.  Exactly, with ``M = U D U†``, ``D = F Fᵀ``
(:func:`steerdsl.exact.ghjw.rational_factor`, rational F): ``C = Fᵀ U†`` and
``Q = Fᵀ D⁻¹ (U⁺ N U⁺†) D⁻¹ F`` plus the complement ``I − Fᵀ D⁻¹ F`` on the last outcome — entries in the
field of σ, so the realisation is checked by recomputing σ exactly.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from steerdsl.exact import linalg
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import contract_party
from steerdsl.model.scenario import Alice, Key, Scenario
from steerdsl.sdp.result import MEMBER, UNDECIDED, SDPResult


@dataclass
class SequentialRealisation:
    """``state`` a ket on ``A ⊗ B`` (dimensions ``dims``); ``kraus[(a1, x1)]``: ``A → C^m`` into the block
    of record ``(a1, x1)``; ``povms[(a2, x2)][(a1, x1)]``: the block of ``P_{a2|x2}`` on that record's
    block; ``exact`` when every entry is exact."""

    state: np.ndarray
    dims: tuple[int, int]
    kraus: dict[tuple[int, int], np.ndarray]
    povms: dict[tuple[int, int], dict[tuple[int, int], np.ndarray]]
    exact: bool = False

    def effect(self, a: tuple[int, int], x: tuple[int, int]) -> np.ndarray:
        """``C_{a1|x1}† Q^{(a1,x1)}_{a2|x2} C_{a1|x1}``: Alice's effective effect for outcomes a, inputs x."""
        C = self.kraus[(a[0], x[0])]
        return alg.dagger(C) @ self.povms[(a[1], x[1])][(a[0], x[0])] @ C


def _joint(sigma: Assemblage):
    """σ read as a standard assemblage with input ``(x1, x2)`` and outcome ``(a1, a2)``; the index maps."""
    sc = sigma.scenario
    first, second = sc.slots
    joint_inputs = list(itertools.product(range(first.inputs), range(second.inputs)))
    outputs = tuple(first.outputs[x1] * second.outputs[x2] for x1, x2 in joint_inputs)
    joint = Scenario((Alice("A", len(joint_inputs), outputs),), sc.bobs)
    elements: dict[Key, np.ndarray] = {}
    for xi, (x1, x2) in enumerate(joint_inputs):
        for ai, (a1, a2) in enumerate(itertools.product(range(first.outputs[x1]), range(second.outputs[x2]))):
            elements[((ai,), (xi,), ())] = np.atleast_2d(sigma.elements[((a1, a2), (x1, x2), ())])
    return Assemblage(joint, elements, exact=sigma.exact), joint_inputs


def sequential_realisation(sigma: Assemblage) -> SequentialRealisation:
    """The construction of the module docstring (one Alice, two rounds, one Bob): exact when σ is exact
    (raises :class:`~steerdsl.exact.cyclotomic.NotExact` when a pivot is not rational), numeric otherwise."""
    from steerdsl.exact.ghjw import _exact_realisation, _numeric_realisation

    sc = sigma.scenario
    first, second = sc.slots
    exact = sigma.exact
    joint, joint_inputs = _joint(sigma if exact else sigma.to_numeric())
    g = _exact_realisation(joint) if exact else _numeric_realisation(joint)

    def N(a1: int, a2: int, x1: int, x2: int) -> np.ndarray:
        return g.povms[(a1 * second.outputs[x2] + a2, joint_inputs.index((x1, x2)))]

    kraus, povms = {}, {(a2, x2): {} for x2 in range(second.inputs) for a2 in range(second.outputs[x2])}
    for x1 in range(first.inputs):
        for a1 in range(first.outputs[x1]):
            M = sum(N(a1, a2, x1, 0) for a2 in range(second.outputs[0]))
            block = _exact_block if exact else _numeric_block
            kraus[(a1, x1)], second_povms = block(M, {(a2, x2): N(a1, a2, x1, x2) for (a2, x2) in povms},
                                                  second.outputs)
            for label, Q in second_povms.items():
                povms[label][(a1, x1)] = Q
    return SequentialRealisation(np.asarray(g.psi).reshape(-1, 1), g.dims, kraus, povms, exact)


def _numeric_block(M: np.ndarray, effects: dict, outputs: tuple[int, ...]) -> tuple[np.ndarray, dict]:
    """Lüders: ``C = √M``, ``Q = M^{-1/2} N M^{-1/2} + [a2 = 0] Π_ker M``."""
    w, v = np.linalg.eigh((M + M.conj().T) / 2)
    keep = w > 1e-12
    root = (v[:, keep] * np.sqrt(w[keep])) @ v[:, keep].conj().T
    inv = (v[:, keep] / np.sqrt(w[keep])) @ v[:, keep].conj().T
    kernel = v[:, ~keep] @ v[:, ~keep].conj().T
    out = {}
    for (a2, x2), N in effects.items():
        Q = inv @ N @ inv + (kernel if a2 == 0 else 0)
        out[(a2, x2)] = (Q + Q.conj().T) / 2
    return root, out


def _exact_block(M: np.ndarray, effects: dict, outputs: tuple[int, ...]) -> tuple[np.ndarray, dict]:
    """``C = Fᵀ U†``, ``Q = Fᵀ D⁻¹ (U⁺ N U⁺†) D⁻¹ F`` (+ ``I − Fᵀ D⁻¹ F`` on the last outcome); a record
    that never occurs (``M = 0``) gets ``C = 0`` on a one-level block and ``Q = [a2 = 0]``."""
    from steerdsl.exact.ghjw import rational_factor

    if linalg.is_zero_matrix(M):
        never = {(a2, x2): alg.identity(1) if a2 == 0 else alg.zeros(1, 1) for a2, x2 in effects}
        return alg.zeros(1, M.shape[0]), never
    f = rational_factor(M)
    Ft, left = f.C.T, f.D_inv @ f.C
    out = {}
    for (a2, x2), N in effects.items():
        Q = Ft @ f.D_inv @ (f.U_left @ N @ alg.dagger(f.U_left)) @ left
        if a2 == outputs[x2] - 1:
            Q = Q + alg.identity(f.width) - Ft @ left
        out[(a2, x2)] = Q
    return Ft @ alg.dagger(f.U), out


def sequential_assemblage(real: SequentialRealisation, sigma: Assemblage) -> dict:
    """``σ̂_{a1a2|x1x2} = tr_A[(C_{a1|x1}† Q_{a2|x2} C_{a1|x1} ⊗ I) |Ψ⟩⟨Ψ|]``, for every key of σ (exact
    arithmetic on exact data)."""
    state = real.state @ alg.dagger(real.state)
    return {(a, x, y): contract_party(state, real.dims, 0, real.effect(a, x)) for a, x, y in sigma.scenario.keys()}


def violation(real: SequentialRealisation) -> float:
    """The largest of ``|Σ_{a1} C†C − I|`` per input, ``−λ_min(Q)`` and ``|Σ_{a2} Q − I|`` per record."""
    worst = 0.0
    for x1 in {x for _, x in real.kraus}:
        total = sum(K.conj().T @ K for (a, x), K in real.kraus.items() if x == x1)
        worst = max(worst, float(np.abs(total - np.eye(total.shape[0])).max()))
    for x2 in {x for _, x in real.povms}:
        for record in real.kraus:
            qs = [blocks[record] for (a, x), blocks in real.povms.items() if x == x2]
            worst = max(worst, *(-np.linalg.eigvalsh(Q)[0] for Q in qs),
                        float(np.abs(sum(qs) - np.eye(qs[0].shape[0])).max()))
    return max(0.0, worst)


def exact_defects(real: SequentialRealisation) -> list[str]:
    """What keeps exact data from being an instrument and POVMs: ``Σ_{a1} C†C ≠ I``, ``Q`` not PSD, or
    ``Σ_{a2} Q ≠ I`` (empty when it is a realisation)."""
    out = []
    for x1 in sorted({x for _, x in real.kraus}):
        r = real.dims[0]
        total = sum((alg.dagger(K) @ K for (a, x), K in real.kraus.items() if x == x1), alg.zeros(r, r))
        if not alg.equal(total, alg.identity(r)):
            out.append(f"the instrument of x1 = {x1} does not sum to the identity")
    for x2 in sorted({x for _, x in real.povms}):
        for record in real.kraus:
            qs = [blocks[record] for (a, x), blocks in real.povms.items() if x == x2]
            if any(linalg.psd(Q).decided is not True for Q in qs):
                out.append(f"a second-round element of x2 = {x2} after {record} is not PSD")
            if not alg.equal(sum(qs[1:], qs[0]), alg.identity(qs[0].shape[0])):
                out.append(f"the second-round POVM of x2 = {x2} after {record} does not sum to the identity")
    return out


def sequential_search(sigma: Assemblage, tolerance: float) -> SDPResult:
    """Realisation "search" of a sequential assemblage: the construction, recomputed; ``member`` when
    it reproduces σ within ``tolerance`` (σ valid), ``undecided`` otherwise."""
    start = time.perf_counter()
    num = sigma.to_numeric()
    real = sequential_realisation(num)
    realised = sequential_assemblage(real, num)
    residual = max(float(np.abs(realised[k] - np.atleast_2d(v)).max()) for k, v in num.elements.items())
    bad = violation(real)
    worst = max(residual, bad)
    verdict = MEMBER if worst <= tolerance else UNDECIDED
    r, d = real.dims
    note = (f"state on C^{r} ⊗ C^{d}, a Lüders instrument with {len(real.kraus)} recorded outcomes, second "
            f"POVMs; residual {residual:.1e}, constraint violation {bad:.1e}")
    note = f"quantum: realised by {note}" if verdict == MEMBER else f"not reproduced ({note}): is σ valid?"
    return SDPResult(task="realisation search", value=residual, status="optimal", tolerance=tolerance,
                     verdict=verdict, margin=worst - tolerance if verdict == MEMBER else None,
                     solve_seconds=time.perf_counter() - start,
                     details={"realisation": real, "residual": residual, "violation": bad, "restarts_tried": 0,
                              "note": note})


def certify_sequential(sigma: Assemblage) -> tuple[dict | None, str]:
    """The exact construction for an exact σ, its instrument and POVMs checked exactly and σ recomputed
    exactly: ``(data, note)``, or ``(None, reason)``."""
    real = sequential_realisation(sigma)
    defects = exact_defects(real)
    if defects:
        return None, "; ".join(defects)
    realised = sequential_assemblage(real, sigma)
    if not all(alg.equal(realised[k], np.atleast_2d(v)) for k, v in sigma.elements.items()):
        return None, "the exact construction does not reproduce σ (is σ valid?)"
    r, d = real.dims
    sizes = sorted({K.shape[0] for K in real.kraus.values()})
    return {"state": real.state, "dims": real.dims, "kraus": real.kraus, "povms": real.povms}, (
        f"exact realisation: GHJW state on C^{r} ⊗ C^{d}, an instrument with {len(real.kraus)} recorded outcomes "
        f"(blocks of dimension {', '.join(map(str, sizes))}) and second-round POVMs, all checked exactly; σ "
        "recomputed exactly")

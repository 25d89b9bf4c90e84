"""Explicit realisation of a sequential assemblage: GHJW plus a Lüders instrument with a record.

Every valid sequential assemblage is quantum (physics.md §3.2, PRL 125, 050404 (2020)).  Construction, for
one Alice measuring twice:

1. read ``σ_{a1a2|x1x2}`` as a standard assemblage with input ``(x1, x2)`` and outcome ``(a1, a2)`` and
   realise it by GHJW: ``|Ψ⟩`` on ``A ⊗ B`` and POVMs ``N_{a1a2|x1x2}``;
2. ``M_{a1|x1} = Σ_{a2} N_{a1a2|x1x2}`` does not depend on x2 (σ is valid), and the first measurement is the
   Lüders instrument ``K_{a1|x1} = √M_{a1|x1} ⊗ |x1 a1⟩`` that also writes its input and outcome to a
   register;
3. the second measurement reads the register:
   ``P_{a2|x2} = Σ_{x1,a1} (M^{-1/2} N_{a1a2|x1x2} M^{-1/2} + [a2 = 0] Π_ker M) ⊗ |x1 a1⟩⟨x1 a1|``.

Then ``K†P K = N``, so ``tr_A[(K_{a1|x1}† P_{a2|x2} K_{a1|x1} ⊗ I) Ψ] = σ_{a1a2|x1x2}``; the realisation is
checked by recomputing σ from the Kraus operators and POVMs.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Scenario
from steerdsl.sdp.result import MEMBER, UNDECIDED, SDPResult


@dataclass
class SequentialRealisation:
    """``state`` on ``A ⊗ B``; ``kraus[(a1, x1)]``: ``A → A ⊗ register``; ``povms[(a2, x2)]`` on
    ``A ⊗ register``."""

    state: np.ndarray
    dims: tuple[int, int]
    kraus: dict[tuple[int, int], np.ndarray]
    povms: dict[tuple[int, int], np.ndarray]


def _sqrt_pair(m: np.ndarray, cut: float = 1e-12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``√M``, the pseudo-inverse ``M^{-1/2}`` and the projector on ``ker M``."""
    w, v = np.linalg.eigh((m + m.conj().T) / 2)
    keep = w > cut
    root = (v[:, keep] * np.sqrt(w[keep])) @ v[:, keep].conj().T
    inv = (v[:, keep] / np.sqrt(w[keep])) @ v[:, keep].conj().T
    kernel = v[:, ~keep] @ v[:, ~keep].conj().T
    return root, inv, kernel


def sequential_realisation(sigma: Assemblage) -> SequentialRealisation:
    """The construction of the module docstring, numerically (one Alice, two rounds, one Bob)."""
    from steerdsl.exact.ghjw import _numeric_realisation
    from steerdsl.model.scenario import Key

    sc = sigma.scenario
    first, second = sc.slots
    num = sigma.to_numeric()
    joint_inputs = list(itertools.product(range(first.inputs), range(second.inputs)))
    outputs = tuple(first.outputs[x1] * second.outputs[x2] for x1, x2 in joint_inputs)
    joint = Scenario((Alice("A", len(joint_inputs), outputs),), sc.bobs)
    elements: dict[Key, np.ndarray] = {}
    for xi, (x1, x2) in enumerate(joint_inputs):
        for ai, (a1, a2) in enumerate(itertools.product(range(first.outputs[x1]), range(second.outputs[x2]))):
            elements[((ai,), (xi,), ())] = np.atleast_2d(num.elements[((a1, a2), (x1, x2), ())])
    g = _numeric_realisation(Assemblage(joint, elements, exact=False))
    r = g.dims[0]

    def N(a1: int, a2: int, x1: int, x2: int) -> np.ndarray:
        xi = joint_inputs.index((x1, x2))
        return g.povms[(a1 * second.outputs[x2] + a2, xi)]

    records = [(x1, a1) for x1 in range(first.inputs) for a1 in range(first.outputs[x1])]
    R = len(records)
    kraus, parts = {}, {}
    for k, (x1, a1) in enumerate(records):
        M = sum(N(a1, a2, x1, 0) for a2 in range(second.outputs[0]))
        root, inv, kernel = _sqrt_pair(M)
        kraus[(a1, x1)] = np.kron(root, np.eye(R)[:, k:k + 1])
        parts[(x1, a1)] = (k, inv, kernel)
    povms = {}
    for x2 in range(second.inputs):
        for a2 in range(second.outputs[x2]):
            P = np.zeros((r * R, r * R), dtype=complex)
            for (x1, a1), (k, inv, kernel) in parts.items():
                block = inv @ N(a1, a2, x1, x2) @ inv + (kernel if a2 == 0 else 0)
                P += np.kron(block, np.outer(np.eye(R)[k], np.eye(R)[k]))
            povms[(a2, x2)] = (P + P.conj().T) / 2
    return SequentialRealisation(np.asarray(g.psi).reshape(-1, 1), g.dims, kraus, povms)


def sequential_assemblage(real: SequentialRealisation, sigma: Assemblage) -> dict:
    """``σ̂_{a1a2|x1x2} = tr_A[(K_{a1|x1}† P_{a2|x2} K_{a1|x1} ⊗ I) |Ψ⟩⟨Ψ|]``, for every key of σ."""
    r, d = real.dims
    psi = real.state.reshape(r, d)
    out = {}
    for (a, x, y) in sigma.scenario.keys():
        K = real.kraus[(a[0], x[0])]
        effect = K.conj().T @ real.povms[(a[1], x[1])] @ K
        out[(a, x, y)] = psi.T @ effect.T @ psi.conj()  # tr_A[(E ⊗ I)|Ψ⟩⟨Ψ|] = Ψᵀ Eᵀ Ψ̄
    return out


def violation(real: SequentialRealisation) -> float:
    """The largest of ``|Σ_a K†K − I|`` per input, ``−λ_min(P)`` and ``|Σ_a P − I|``."""
    worst = 0.0
    inputs = {x for _, x in real.kraus}
    for x1 in inputs:
        total = sum(K.conj().T @ K for (a, x), K in real.kraus.items() if x == x1)
        worst = max(worst, float(np.abs(total - np.eye(total.shape[0])).max()))
    for x2 in {x for _, x in real.povms}:
        ps = [P for (a, x), P in real.povms.items() if x == x2]
        worst = max(worst, *(-np.linalg.eigvalsh(P)[0] for P in ps),
                    float(np.abs(sum(ps) - np.eye(ps[0].shape[0])).max()))
    return max(0.0, worst)


def sequential_search(sigma: Assemblage, tolerance: float) -> SDPResult:
    """Realisation "search" of a sequential assemblage: the construction, recomputed; ``member`` when
    it reproduces σ within ``tolerance`` (σ valid), ``undecided`` otherwise."""
    start = time.perf_counter()
    real = sequential_realisation(sigma)
    num = sigma.to_numeric()
    realised = sequential_assemblage(real, sigma)
    residual = max(float(np.abs(realised[k] - np.atleast_2d(v)).max()) for k, v in num.elements.items())
    bad = violation(real)
    worst = max(residual, bad)
    verdict = MEMBER if worst <= tolerance else UNDECIDED
    r, d = real.dims
    note = (f"state on C^{r} ⊗ C^{d}, a Lüders instrument with a {len(real.kraus)}-level record, second POVMs; "
            f"residual {residual:.1e}, constraint violation {bad:.1e}")
    note = f"quantum: realised by {note}" if verdict == MEMBER else f"not reproduced ({note}): is σ valid?"
    return SDPResult(task="realisation search", value=residual, status="optimal", tolerance=tolerance,
                     verdict=verdict, margin=worst - tolerance if verdict == MEMBER else None,
                     solve_seconds=time.perf_counter() - start,
                     details={"realisation": real, "residual": residual, "violation": bad, "restarts_tried": 0,
                              "note": note})

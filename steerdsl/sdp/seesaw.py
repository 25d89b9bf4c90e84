"""Inner bounds of steering functionals by see-saw over explicit quantum realisations.

``β(σ) = Σ_{a,x} tr(F_{a|x} σ_{a|x})`` with ``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I)ρ]``
equals ``tr(ρ W)`` with ``W = Σ_{a,x} (⊗_j M^{(j)}_{a_j|x_j}) ⊗ F_{a|x}``.  See-saw
alternates: ρ is the top eigenvector of W; then each Alice's POVMs maximise a
linear function ``Σ_a tr(M_{a|x} G_{a|x})`` (for two outcomes the positive
part of ``G_0 − G_1``; otherwise a small SDP).  Every value found is achieved
by an explicit realisation of the given local dimensions, hence a lower bound
on the quantum maximum — the inner side of a bracket whose outer side is a
relaxation (physics.md §4.2; e.g. Pál & Vértesi, PRA 82, 022116 (2010)).
"""

from __future__ import annotations

import time

import numpy as np
import picos

from steerdsl.model.assemblage import Functional
from steerdsl.model.random_quantum import random_projective_povm
from steerdsl.sdp.functional import full_key_terms
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.solve import run


def _best_povm(G: list[np.ndarray], solver: str | None) -> list[np.ndarray]:
    """``argmax Σ_a tr(M_a G_a)`` over POVMs."""
    d = G[0].shape[0]
    if len(G) == 2:
        w, v = np.linalg.eigh((G[0] - G[1] + (G[0] - G[1]).conj().T) / 2)
        p = v[:, w > 0]
        m0 = p @ p.conj().T
        return [m0, np.eye(d) - m0]
    problem = picos.Problem()
    M = [picos.HermitianVariable(f"M{a}", d) for a in range(len(G))]
    problem.add_list_of_constraints([m >> 0 for m in M])
    problem.add_constraint(picos.sum(M) == np.eye(d))
    problem.set_objective("max", picos.sum([(picos.Constant((g + g.conj().T) / 2) | m).real for g, m in zip(G, M)]))
    run(problem, "see-saw measurement step", solver=solver)
    return [np.array(m.value) for m in M]


def seesaw(functional: Functional, sense: str = "max", dims: tuple[int, ...] | None = None, restarts: int = 10,
           iterations: int = 200, seed: int = 0, solver: str | None = None) -> SDPResult:
    """The best ``β_F`` found over realisations with Alice dimensions ``dims`` (default 2 each): the first
    start is the best deterministic strategy (so the value is at least the LHS bound), the others random."""
    sc = functional.scenario
    if sc.kind not in ("standard", "multipartite", "bell"):
        raise ValueError(f"see-saw is implemented for one Bob without input, not a {sc.kind} scenario")
    start = time.perf_counter()
    slots = sc.slots
    dims = tuple(dims) if dims else (2,) * len(slots)
    if len(dims) != len(slots):
        raise ValueError(f"give one dimension per Alice ({len(slots)}), got {len(dims)}")
    sign = 1 if sense == "max" else -1
    terms = {k: sign * np.atleast_2d(v) for k, v in full_key_terms(functional).items()}
    d = sc.dim
    rng = np.random.default_rng(seed)
    best, best_real = -np.inf, None
    classical = _classical_start(sc, terms, dims)
    for restart in range(restarts):
        if restart == 0 and classical is not None:
            povms = classical
        else:
            povms = [[random_projective_povm(rng, dj, s.outputs[x]) for x in range(s.inputs)]
                     for dj, s in zip(dims, slots)]
        value = -np.inf
        for _ in range(iterations):
            W = sum(_kron([povms[j][x[j]][a[j]] for j in range(len(slots))] + [F]) for (a, x, _), F in terms.items())
            w, v = np.linalg.eigh((W + W.conj().T) / 2)
            psi = v[:, -1]
            for j in range(len(slots)):
                G = _effective(terms, povms, psi, dims, d, j, slots)
                for x in range(slots[j].inputs):
                    povms[j][x] = _best_povm(G[x], solver)
            new = float(w[-1])
            if new - value < 1e-10:
                value = max(value, new)
                break
            value = new
        if value > best:
            best, best_real = value, (psi, povms)
    value = sign * best + complex(functional.constant).real
    return SDPResult(task=f"see-saw {sense}", value=value, status="optimal", tolerance=1e-8, bound=value,
                     compile_seconds=0.0, solve_seconds=time.perf_counter() - start,
                     details={"dims": list(dims), "restarts": restarts, "realisation": best_real,
                              "reading": "inner bound: achieved by the explicit realisation in details"})


CLASSICAL_START_LIMIT = 4096
"""Most deterministic strategies enumerated for the classical first start."""


def _classical_start(sc, terms, dims) -> list | None:
    """Deterministic POVMs of the best deterministic strategy λ, ``max_λ λ_max(Σ_x F_{λ(x)|x})``: from there
    the see-saw can only climb, so its value is never below the LHS bound (Alices measure trivially,
    Bob gets the top eigenvector)."""
    strategies = sc.deterministic_strategies() if _strategy_count(sc) <= CLASSICAL_START_LIMIT else []
    best, choice = -np.inf, None
    for strategy in strategies:
        W = sum(F for (a, x, _), F in terms.items() if a == sc.strategy_outcomes(strategy, x))
        top = float(np.linalg.eigvalsh((W + W.conj().T) / 2)[-1])
        if top > best:
            best, choice = top, strategy
    if choice is None:
        return None
    return [[[np.eye(dj) * (a == choice[(j, (x,))]) for a in range(s.outputs[x])] for x in range(s.inputs)]
            for j, (dj, s) in enumerate(zip(dims, sc.slots))]


def _strategy_count(sc) -> int:
    count = 1
    for s in sc.slots:
        for x in range(s.inputs):
            count *= s.outputs[x]
    return count


def _kron(ops: list[np.ndarray]) -> np.ndarray:
    out = ops[0]
    for o in ops[1:]:
        out = np.kron(out, o)
    return out


def _effective(terms, povms, psi, dims, d, j, slots) -> list[list[np.ndarray]]:
    """``G^{(j)}_{a|x} = Σ tr_{¬j}[(⊗_{k≠j} M_k ⊗ F) |ψ⟩⟨ψ|]`` over the other labels, so that
    ``β = Σ_{a,x} tr(M^{(j)}_{a|x} G_{a|x})``."""
    full = tuple(dims) + (d,)
    n = len(full)
    rho = np.outer(psi, psi.conj()).reshape(full + full)
    G = [[np.zeros((dims[j], dims[j]), dtype=complex) for _ in range(slots[j].outputs[x])]
         for x in range(slots[j].inputs)]
    for (a, x, _), F in terms.items():
        ops = [povms[k][x[k]][a[k]] for k in range(len(slots))] + [F]
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

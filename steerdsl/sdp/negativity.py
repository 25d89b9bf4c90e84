"""Steering negativity, bracketed: an SDP lower bound over a relaxation and an upper bound from explicit
pseudo-state realisations (physics.md §5; Sainz, Aolita, Piani, Hoban, Skrzypczyk, NJP 20, 083040 (2018) §7).

    ν(σ) = min tr ρ̃₋   over Hermitian ρ̃ = ρ̃₊ − ρ̃₋ (ρ̃± ⪰ 0) and POVMs with σ_{a|x} = tr_A[(⊗M_{a|x} ⊗ I)ρ̃],

0 exactly on quantum assemblages.  Every such realisation splits σ = σ₊ − σ₋ into quantum (unnormalised)
assemblages σ± = tr_A[(M ⊗ I)ρ̃±] with ``tr σ₋(∅) = tr ρ̃₋``, so

- **lower bound**: ``min tr σ₋(∅)`` over σ± in the cone of a relaxation (almost quantum ``1+AB``, level n):
  two moment matrices ``Γ(σ + σ₋) ⪰ 0``, ``Γ(σ₋) ⪰ 0`` built by :func:`moment_matrix.build`;
- **upper bound**: for fixed projective measurements of the Alices in dimensions ``dims``, ``min tr ρ̃₋`` is
  an SDP (the Collins–Gisin marginals ``tr_A[(P_w ⊗ I)ρ̃] = σ_w`` as full-rank real rows); the measurements
  are improved by local search (random unitary steps, kept when the SDP value drops) from a mutually
  unbiased start and random restarts.  Any value found is achieved, so it bounds ν from above.
"""

from __future__ import annotations

import time

import numpy as np
import picos
from scipy.linalg import expm

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import marginal
from steerdsl.sdp.bases import traceless_basis
from steerdsl.sdp.functional import numeric_matrix
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words, word_key
from steerdsl.sdp.npa_words import EMPTY, Word, level_words
from steerdsl.sdp.result import SDPResult, ordered_bracket
from steerdsl.sdp.solve import SolverError, run

TOLERANCE = 1e-6
"""Tolerance on the bounds (solves run at 1e-8)."""
FLOOR = 1e-8
"""An upper bound this close to 0 (ν ≥ 0) ends the local search."""


def _data(sigma: Assemblage) -> tuple[dict[Word, np.ndarray], bool]:
    sc = sigma.scenario
    if sc.kind not in ("standard", "multipartite", "bell"):
        raise ValueError(f"steering negativity is implemented for one Bob without input, not a {sc.kind} scenario")
    num = sigma.to_numeric()
    values = {w: numeric_matrix(marginal(num, word_key(sc, w))) for w in data_words(sc)}
    values = {w: (v + v.conj().T) / 2 for w, v in values.items()}
    return values, all(np.allclose(v.imag, 0) for v in values.values())


def negativity_lower_bound(sigma: Assemblage, level: str | int = "1+AB", solver: str | None = None) -> SDPResult:
    """``min tr σ₋(∅)`` with ``σ = σ₊ − σ₋``, σ± in the relaxation cone of ``level`` (module docstring)."""
    start = time.perf_counter()
    sc, d = sigma.scenario, sigma.scenario.dim
    values, real = _data(sigma)
    words = level_words(sc, level)
    herm = picos.SymmetricVariable if real else picos.HermitianVariable
    minus = build(words, d, lambda w: None, real, name="N")
    neg = dict(minus.variables)
    for k, w in enumerate(w for w in values if w not in neg):  # products beyond the level
        neg[w] = herm(f"Nx{k}", d)

    def plus_data(w: Word):
        v = values[w].real if real else values[w]
        return picos.Constant(v) + neg[w]

    plus = build(words, d, plus_data, real, name="P")
    problem = picos.Problem()
    problem.add_constraint(minus.expression >> 0)
    problem.add_constraint(plus.expression >> 0)
    if not set(values) <= set(words):  # as in relaxation.bound: keep σ± no-signalling with positive elements
        for key in sc.keys():
            terms = cg_expansion(sc, key)
            problem.add_constraint(picos.sum([s * neg[w] for s, w in terms]) >> 0)
            problem.add_constraint(picos.sum([s * plus_data(w) for s, w in terms]) >> 0)
    problem.set_objective("min", picos.trace(neg[EMPTY]).real)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"negativity lower bound of {sigma.name} at level {level}", solver=solver)
    return SDPResult(task=f"negativity lower bound, level {level}", value=outcome.value, status=outcome.status,
                     tolerance=TOLERANCE, problem=problem, solver=outcome.solver, compile_seconds=compiled,
                     solve_seconds=outcome.seconds,
                     details={"level": str(level), "moment_matrix_size": minus.size,
                              "reading": "lower bound: every pseudo-state realisation has tr ρ̃₋ at least this"})


# ---------------------------------------------------------------- upper bound
def _projectors(d: int, k: int) -> list[np.ndarray]:
    """``k`` diagonal projectors splitting C^d as evenly as possible (projective measurement, U = I)."""
    if k > d:
        raise ValueError(f"projective measurements with {k} outcomes need Alice dimension ≥ {k}, not {d}")
    groups = np.array_split(np.arange(d), k)
    return [np.diag(np.isin(np.arange(d), g).astype(float)).astype(complex) for g in groups]


def _unbiased_unitary(d: int, x: int, rng: np.random.Generator) -> np.ndarray:
    """Input 0: the computational basis; input 1: the Fourier basis; input 2 on a qubit: the Y basis;
    otherwise random."""
    if x == 0:
        return np.eye(d, dtype=complex)
    if x == 1:
        return np.exp(2j * np.pi * np.outer(np.arange(d), np.arange(d)) / d) / np.sqrt(d)
    if x == 2 and d == 2:
        return np.array([[1, 1], [1j, -1j]]) / np.sqrt(2)
    return _random_unitary(d, rng)


def _random_unitary(d: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _kron(ops: list[np.ndarray]) -> np.ndarray:
    out = ops[0]
    for o in ops[1:]:
        out = np.kron(out, o)
    return out


def _pseudo_state_problem(values: dict[Word, np.ndarray], povms, dims: tuple[int, ...], d: int):
    """``min tr ρ̃₋`` s.t. ``tr_A[(P_w ⊗ I)(ρ̃₊ − ρ̃₋)] = σ_w`` on every Collins–Gisin word, as real rows."""
    size = int(np.prod(dims)) * d
    rho_p, rho_m = picos.HermitianVariable("rp", size), picos.HermitianVariable("rm", size)
    problem = picos.Problem()
    problem.add_list_of_constraints([rho_p >> 0, rho_m >> 0])
    basis = traceless_basis(d) + [np.eye(d, dtype=complex) / np.sqrt(d)]
    diff = rho_p - rho_m
    subsystems = list(range(len(dims)))
    for w, target in values.items():
        ops = [np.eye(dj, dtype=complex) for dj in dims]
        for j, x, a in w:
            ops[j] = povms[j][x][a]
        reduced = (picos.Constant(_kron(ops + [np.eye(d)])) * diff).partial_trace(subsystems, list(dims) + [d])
        problem.add_list_of_constraints(
            [(picos.Constant(g) | reduced).real == float(np.trace(g.conj().T @ target).real) for g in basis])
    problem.set_objective("min", picos.trace(rho_m).real)
    return problem, rho_p, rho_m


def _value(values, unitaries, projectors, dims, d, solver) -> float:
    """The SDP value for measurements ``U P_a U†`` (inf when the marginals cannot be reproduced)."""
    povms = [[[u @ p @ u.conj().T for p in projectors[j][x]] for x, u in enumerate(us)]
             for j, us in enumerate(unitaries)]
    problem, _, _ = _pseudo_state_problem(values, povms, dims, d)
    try:
        outcome = run(problem, "negativity upper bound (pseudo-state SDP)", solver=solver)
    except SolverError:
        return np.inf
    return np.inf if outcome.value is None else outcome.value


def negativity_upper_bound(sigma: Assemblage, dims: tuple[int, ...] | None = None, restarts: int = 2,
                           iterations: int = 6, seed: int = 0, solver: str | None = None) -> SDPResult:
    """The least ``tr ρ̃₋`` found over projective measurements of Alice dimensions ``dims`` (default: the
    largest outcome count of each, at least 2): start 0 mutually unbiased, the others random, each improved
    by ``iterations`` local steps ``U ← U exp(iεH)`` (ε halves after a failed step)."""
    start = time.perf_counter()
    sc, d = sigma.scenario, sigma.scenario.dim
    values, _ = _data(sigma)
    slots = sc.slots
    dims = tuple(dims) if dims else tuple(max(2, *s.outputs) for s in slots)
    if len(dims) != len(slots):
        raise ValueError(f"give one dimension per Alice ({len(slots)}), got {len(dims)}")
    projectors = [[_projectors(dj, s.outputs[x]) for x in range(s.inputs)] for dj, s in zip(dims, slots)]
    rng = np.random.default_rng(seed)
    best, best_unitaries, solves = np.inf, None, 0
    for restart in range(max(1, restarts)):
        unitaries = [[(_unbiased_unitary(dj, x, rng) if restart == 0 else _random_unitary(dj, rng))
                      for x in range(s.inputs)] for dj, s in zip(dims, slots)]
        value, step = _value(values, unitaries, projectors, dims, d, solver), 0.3
        solves += 1
        for _ in range(iterations):
            if value <= FLOOR:  # ν ≥ 0: nothing left to gain
                break
            trial = [[u @ expm(1j * step * _random_hermitian(u.shape[0], rng)) for u in us] for us in unitaries]
            new = _value(values, trial, projectors, dims, d, solver)
            solves += 1
            if new < value - 1e-9:
                value, unitaries = new, trial
            else:
                step /= 2
        if value < best:
            best, best_unitaries = value, unitaries
    value = None if not np.isfinite(best) else best
    return SDPResult(task=f"negativity upper bound, Alice dimensions {' '.join(map(str, dims))}", value=value,
                     status="optimal" if value is not None else "infeasible", tolerance=TOLERANCE,
                     solve_seconds=time.perf_counter() - start,
                     details={"dims": list(dims), "restarts": restarts, "iterations": iterations, "solves": solves,
                              "unitaries": best_unitaries,
                              "reading": "upper bound: achieved by the pseudo-state realisation found"})


def _random_hermitian(d: int, rng: np.random.Generator) -> np.ndarray:
    h = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (h + h.conj().T) / 2


def steering_negativity(sigma: Assemblage, level: str | int = "1+AB", dims: tuple[int, ...] | None = None,
                        restarts: int = 2, iterations: int = 6, seed: int = 0, solver: str | None = None,
                        upper: bool = True) -> SDPResult:
    """ν(σ) bracketed: ``value`` is the relaxation's lower bound; ``details["bracket"] = (lower, upper)`` with
    the upper bound of :func:`negativity_upper_bound` (skipped with ``upper=False``).  A lower bound above the
    tolerance certifies σ post-quantum."""
    result = negativity_lower_bound(sigma, level, solver)
    result.task = f"steering negativity, level {level}"
    if upper and result.value is not None:
        inner = negativity_upper_bound(sigma, dims, restarts, iterations, seed, solver)
        # ν ≥ 0, and the two ends meet within the tolerance on quantum σ: lower ≤ upper always (raw values kept)
        shown, mended = ordered_bracket(result.value, inner.value, TOLERANCE, floor=0.0)
        result.details["bracket"] = shown
        result.details["raw_bracket"] = (result.value, inner.value)
        result.details["upper_bound"] = inner.value
        result.details["upper_dims"] = " ".join(map(str, inner.details["dims"]))
        result.solve_seconds += inner.solve_seconds
        if inner.value is not None:
            result.details["note"] = (f"ν ∈ [{shown[0]:.6g}, {shown[1]:.6g}] (lower: level {level} "
                                      f"relaxation; upper: pseudo-state realisation, Alice dimensions "
                                      f"{result.details['upper_dims']}; tolerance {TOLERANCE:g})"
                                      + (f"; {mended}" if mended else ""))
    return result

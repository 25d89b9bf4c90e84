"""See-saw inner bounds in the sequential scenario, with Alice's instrument as a variable (physics.md §8).

One Alice measures twice.  A realisation is a state ``ρ`` on ``H_A ⊗ H_B``, an instrument for the first
measurement — CP maps ``Φ_{a1|x1} : A → A'`` with Choi matrices ``J_{a1|x1} ⪰ 0`` (input first) and
``Σ_{a1} tr_{A'} J_{a1|x1} = I_A`` — and POVMs ``P_{a2|x2}`` on ``A'`` (which holds whatever Alice remembers of
the first round).  Its assemblage is

    σ_{a1a2|x1x2} = tr_A[(N_{a1a2|x1x2} ⊗ I) ρ],   N_{a1a2|x1x2} = Φ†_{a1|x1}(P_{a2|x2})

(PRL 125, 050404 (2020); physics.md §3.2).  ``β = Σ tr(F_{a|x} σ_{a|x})`` is linear in each block:

- state: ``β = tr(ρ W)``, ``W = Σ N_{a|x} ⊗ F_{a|x}``: the top eigenvector of W;
- second POVMs: ``β = Σ tr(P_{a2|x2} G_{a2|x2})``, ``G_{a2|x2} = Σ_{a1,x1} Φ_{a1|x1}(Ω_{a|x})`` with
  ``Ω_{a|x} = tr_B[ρ (I ⊗ F_{a|x})]``;
- instrument of x1: ``β = Σ_{a1} tr(J_{a1|x1} H_{a1|x1})``, ``H_{a1|x1} = Σ_{a2,x2} Ω_{a|x}ᵀ ⊗ P_{a2|x2}``: an SDP
  over instruments.

Each step can only raise β, and every iterate is a realisation, so the value — recomputed from the returned
realisation's assemblage — is a lower bound on the quantum maximum (an upper bound on the minimum).  With
``dim A' ≥ dim A · Σ_{x1} k_{x1}`` the GHJW-plus-Lüders construction (:mod:`steerdsl.inner.sequential`) fits,
so the quantum set searched is the whole no-signalling set of the kind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import picos

from steerdsl.inner import steps
from steerdsl.inner.parametrise import choi_of_isometry
from steerdsl.inner.random_data import random_isometry, random_povm, random_state
from steerdsl.inner.realisation import InnerError, adjoint_channel, apply_channel
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.functional import constant_value, full_key_terms
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.solve import run

CLASSICAL_START_LIMIT = 4096
"""Most deterministic strategies enumerated for the classical first start."""

Terms = dict[tuple[tuple[int, int], tuple[int, int]], np.ndarray]
"""The functional's operators ``F_{a|x}`` by ``((a1, a2), (x1, x2))``."""


@dataclass
class InstrumentRealisation:
    """``state`` on ``A ⊗ B``; ``instruments[x1][a1]``: the Choi matrix of ``Φ_{a1|x1} : A → A'`` (input
    first); ``povms[x2][a2]`` on ``A'``; ``dims = (dim A, dim A', dim B)``."""

    scenario: Scenario
    dims: tuple[int, int, int]
    state: np.ndarray
    instruments: list[list[np.ndarray]]
    povms: list[list[np.ndarray]]


def sequential_dims(scenario: Scenario, dims: tuple[int, ...] | list[int] | None) -> tuple[int, int, int]:
    """``(dim A, dim A', dim B)`` from ``dims`` (the system each round measures).  Default: ``dim A =
    max(2, d_B)`` (GHJW) and ``dim A' = dim A · max_{x1} k_{x1}`` (room for the first outcome; the Lüders
    construction's full record needs ``dim A · Σ_{x1} k_{x1}``, slower to search).
    Refused (E350) unless one Alice measures twice and the Bob has no input; bad ``dims``: E351."""
    if len(scenario.alices) != 1 or scenario.alices[0].rounds != 2 or len(scenario.bobs) != 1:
        raise InnerError("the sequential see-saw is implemented for one Alice measuring twice and one Bob", "E350")
    first = scenario.slots[0]
    d_a = max(2, scenario.dim)
    dims = tuple(int(d) for d in dims) if dims else (d_a, d_a * max(first.outputs))
    if len(dims) != 2:
        raise InnerError(f"give two dimensions, of the system Alice measures first and of the one she measures "
                         f"second; got {len(dims)}", "E351")
    if min(dims) < 1:
        raise InnerError("dimensions must be positive", "E351")
    return dims[0], dims[1], scenario.dim


def effects(real: InstrumentRealisation) -> dict[tuple, np.ndarray]:
    """``N_{a1a2|x1x2} = Φ†_{a1|x1}(P_{a2|x2})`` for every ``((a1, a2), (x1, x2))``."""
    d_a = real.dims[0]
    return {((a1, a2), (x1, x2)): adjoint_channel(J, d_a, P)
            for x1, inst in enumerate(real.instruments) for a1, J in enumerate(inst)
            for x2, povm in enumerate(real.povms) for a2, P in enumerate(povm)}


def _rho4(real: InstrumentRealisation) -> np.ndarray:
    d_a, _, d_b = real.dims
    return real.state.reshape(d_a, d_b, d_a, d_b)


def assemblage_of(real: InstrumentRealisation, name: str = "realised") -> Assemblage:
    """``σ_{a|x} = tr_A[(N_{a|x} ⊗ I) ρ]``, recomputed from the realisation's data."""
    rho = _rho4(real)
    elements = {(a, x, ()): np.einsum("ji,ibjc->bc", N, rho) for (a, x), N in effects(real).items()}
    return Assemblage(real.scenario, elements, exact=False, name=name)


def value_of(real: InstrumentRealisation, terms: Terms) -> float:
    """``Σ tr(F_{a|x} σ_{a|x})`` on the realisation's assemblage."""
    sigma = assemblage_of(real).elements
    return float(sum(np.trace(f @ sigma[(a, x, ())]).real for (a, x), f in terms.items()))


def _omega(real: InstrumentRealisation, terms: Terms) -> Terms:
    """``Ω_{a|x} = tr_B[ρ (I ⊗ F_{a|x})]``, so that ``tr(ρ (N ⊗ F)) = tr(N Ω)``."""
    rho = _rho4(real)
    return {ax: np.einsum("ibjc,cb->ij", rho, f) for ax, f in terms.items()}


def _best_instrument(H: list[np.ndarray], d_in: int, d_out: int, solver: str | None) -> list[np.ndarray]:
    """``argmax Σ_a tr(J_a H_a)`` over instruments: ``J_a ⪰ 0``, ``Σ_a tr_out J_a = I``."""
    problem = picos.Problem()
    J = [picos.HermitianVariable(f"J{a}", d_in * d_out) for a in range(len(H))]
    problem.add_list_of_constraints([j >> 0 for j in J])
    total = picos.sum([j.partial_trace(1, dimensions=(d_in, d_out)) for j in J])
    problem.add_list_of_constraints(steps.hermitian_equals(total, np.eye(d_in)))
    problem.set_objective("max", picos.sum([(picos.Constant((h + h.conj().T) / 2) | j).real for h, j in zip(H, J)]))
    run(problem, "see-saw instrument step", solver=solver)
    return [_hermitian(np.array(j.value)) for j in J]


def _hermitian(m: np.ndarray) -> np.ndarray:
    m = np.atleast_2d(np.asarray(m, dtype=complex))
    return (m + m.conj().T) / 2


def sweep(real: InstrumentRealisation, terms: Terms, solver: str | None) -> None:
    """One round of the see-saw in place: the state, the second POVMs, then each first-round instrument."""
    sc = real.scenario
    first, second = sc.slots
    d_a, d_a2, _ = real.dims
    W = sum(np.kron(N, terms[ax]) for ax, N in effects(real).items())
    real.state = steps.best_state((W + W.conj().T) / 2)
    omega = _omega(real, terms)
    for x2 in range(second.inputs):
        G = [sum(apply_channel(real.instruments[x1][a1], d_a, omega[((a1, a2), (x1, x2))])
                 for x1 in range(first.inputs) for a1 in range(first.outputs[x1]))
             for a2 in range(second.outputs[x2])]
        real.povms[x2] = steps.best_povm(G, solver)
    for x1 in range(first.inputs):
        H = [sum(np.kron(omega[((a1, a2), (x1, x2))].T, real.povms[x2][a2])
                 for x2 in range(second.inputs) for a2 in range(second.outputs[x2]))
             for a1 in range(first.outputs[x1])]
        real.instruments[x1] = _best_instrument(H, d_a, d_a2, solver)


def random_instrument_realisation(scenario: Scenario, dims: tuple[int, int, int],
                                  rng: np.random.Generator) -> InstrumentRealisation:
    """A random pure state, an instrument of each first input from a Haar-random isometry
    ``A → A' ⊗ C^{k} ⊗ C^2`` (outcome register, two Kraus operators per outcome), random projective POVMs."""
    first, second = scenario.slots
    d_a, d_a2, d_b = dims
    state = random_state(d_a * d_b, 1, rng)
    instruments = []
    for x1 in range(first.inputs):
        k = first.outputs[x1]
        v = random_isometry(rng, k * 2 * d_a2, d_a).reshape(k, 2 * d_a2, d_a)
        instruments.append([choi_of_isometry(v[a], d_a, d_a2) for a in range(k)])
    povms = [random_povm(rng, d_a2, second.outputs[x2]) for x2 in range(second.inputs)]
    return InstrumentRealisation(scenario, dims, state, instruments, povms)


def classical_start(scenario: Scenario, dims: tuple[int, int, int], terms: Terms) -> InstrumentRealisation | None:
    """The best deterministic strategy λ as a realisation (None when there are more than
    :data:`CLASSICAL_START_LIMIT` strategies or ``dim A'`` cannot hold ``x1``): the instrument of ``x1``
    answers ``λ(x1)`` and prepares ``|x1⟩``, the second POVM reads it and answers ``λ(x1, x2)``, Bob holds the
    top eigenvector of ``Σ_x F_{λ(x)|x}``.  The see-saw climbs from there, so it never ends below this
    strategy's value (the LHS value: physics.md §3.1)."""
    first, second = scenario.slots
    d_a, d_a2, d_b = dims
    if scenario.strategy_count() > CLASSICAL_START_LIMIT or d_a2 < first.inputs:
        return None
    best, choice = -np.inf, None
    for strategy in scenario.iter_deterministic_strategies():
        total = sum(f for (a, x), f in terms.items() if a == scenario.strategy_outcomes(strategy, x))
        w, v = np.linalg.eigh(_hermitian(total + np.zeros((d_b, d_b))))
        if w[-1] > best:
            best, choice = w[-1], (strategy, v[:, -1])
    strategy, bob = choice
    alice = np.eye(d_a)[0]
    psi = np.kron(alice, bob)
    record = np.eye(d_a2)
    instruments = [[np.kron(np.eye(d_a), np.outer(record[x1], record[x1])) * (a1 == strategy[(0, (x1,))])
                    for a1 in range(first.outputs[x1])] for x1 in range(first.inputs)]
    rest = np.diag([0.0] * first.inputs + [1.0] * (d_a2 - first.inputs))
    povms = [[sum((np.outer(record[x1], record[x1]) for x1 in range(first.inputs)
                   if strategy[(1, (x1, x2))] == a2), np.zeros((d_a2, d_a2))) + (rest if a2 == 0 else 0)
              for a2 in range(second.outputs[x2])] for x2 in range(second.inputs)]
    return InstrumentRealisation(scenario, dims, np.outer(psi, psi.conj()), instruments, povms)


def climb(real: InstrumentRealisation, terms: Terms, iterations: int, solver: str | None,
          tol: float = 1e-10) -> tuple[InstrumentRealisation, float]:
    """Sweeps (:func:`sweep`) until one gains less than ``tol`` (:func:`steerdsl.inner.steps.ascend`); the best
    realisation met and its recomputed value."""
    return steps.ascend(real, lambda r: sweep(r, terms, solver), lambda r: value_of(r, terms), iterations, tol)


def sequential_seesaw(functional: Functional, sense: str = "max", dims: tuple[int, ...] | None = None,
                      restarts: int = 10, iterations: int = 200, seed: int = 0,
                      solver: str | None = None) -> SDPResult:
    """The best ``β_F`` found over realisations with an instrument (module docstring) of dimensions ``dims``
    (:func:`sequential_dims`): the first start is the best deterministic strategy, the others random; the
    best restart wins.  The value is recomputed from the returned realisation (``details["realisation"]``)."""
    start = time.perf_counter()
    sc = functional.scenario
    shape = sequential_dims(sc, dims)
    sign = 1 if sense == "max" else -1
    terms = {(a, x): sign * np.atleast_2d(np.asarray(f, dtype=complex))
             for (a, x, _), f in full_key_terms(functional).items()}
    rng = np.random.default_rng(seed)
    classical = classical_start(sc, shape, terms)
    best, best_real = -np.inf, None
    for restart in range(max(1, restarts)):
        real = classical if restart == 0 and classical is not None else random_instrument_realisation(sc, shape, rng)
        real, value = climb(real, terms, iterations, solver)
        if value > best:
            best, best_real = value, real
    value = sign * best + constant_value(functional)
    d_a, d_a2, d_b = shape
    what = f"state on C^{d_a} ⊗ C^{d_b}, an instrument C^{d_a} → C^{d_a2} per first input, second POVMs"
    return SDPResult(task=f"see-saw {sense}", value=value, status="optimal", tolerance=1e-8, bound=value,
                     compile_seconds=0.0, solve_seconds=time.perf_counter() - start,
                     details={"dims": [d_a, d_a2], "restarts": restarts, "realisation": best_real,
                              "reading": "inner bound: achieved by the explicit realisation in details",
                              "note": f"inner bound from {what}"})

"""The no-signalling set of the sequential scenario as an SDP (physics.md §2).

An Alice measured in rounds may choose a later round's measurement from her earlier inputs and outcomes, so the
relations are those of :func:`steerdsl.model.nosignalling.element_relations` (``Σ_{a2} σ_{a1a2|x1x2}`` independent
of ``x2``, ``Σ_{a1a2} σ_{a1a2|x1x2}`` of ``x1``; not the Collins–Gisin ones, which would also make
``Σ_{a1} σ_{a1a2|x1x2}`` independent of ``x1``).  The set is parametrised without equality rows (which make
interior-point solvers fail, "Rank(A) < p"): with ``N`` an orthonormal basis of the null space of the relation
matrix ``C``, every no-signalling family is ``σ_k = Σ_i N[k, i] X_i`` with free Hermitian ``X_i``; then
``σ_k ⪰ 0`` for every element and ``tr Σ_a σ_{a|x₀} = 1``.
"""

from __future__ import annotations

import time

import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.nosignalling import element_relations
from steerdsl.model.scenario import Key, Scenario
from steerdsl.sdp.functional import constant_value, full_key_terms
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.solve import run

TOLERANCE = 1e-6


def nosignalling_basis(scenario: Scenario) -> tuple[list[Key], np.ndarray]:
    """The full keys and an orthonormal basis ``N`` (keys × r) of the solutions of the no-signalling relations
    ``C σ = 0`` (:func:`~steerdsl.model.nosignalling.element_relations`), by SVD: the right singular vectors of
    ``C`` beyond its rank."""
    keys, relations = element_relations(scenario)
    if relations.shape[0] == 0:
        return keys, np.eye(len(keys))
    _, singular, vh = np.linalg.svd(relations)
    rank = int(np.sum(singular > 1e-10 * max(1.0, float(singular[0]))))
    return keys, vh[rank:].T


def sequential_nosignalling_bound(functional: Functional, sense: str = "max", solver: str | None = None,
                                  tolerance: float = TOLERANCE) -> SDPResult:
    """``max`` (or ``min``) of ``β_F(σ) = Σ_k tr(F_k σ_k) + c`` over the no-signalling assemblages of a sequential
    scenario (module docstring): every element ``⪰ 0``, normalised, no-signalling by construction.
    ``details["maximiser"]`` (also ``details["optimiser"]``) is the maximising assemblage (numeric)."""
    sc = functional.scenario
    start = time.perf_counter()
    keys, basis = nosignalling_basis(sc)
    d = sc.dim
    terms = full_key_terms(functional)
    real = all(np.allclose(op.imag, 0) for op in terms.values())
    variables = [(picos.SymmetricVariable if real else picos.HermitianVariable)(f"X{i}", d)
                 for i in range(basis.shape[1])]

    def element(k: int):
        return picos.sum([float(basis[k, i]) * variables[i] for i in range(len(variables))
                          if abs(basis[k, i]) > 1e-14])

    elements = [element(k) for k in range(len(keys))]
    problem = picos.Problem()
    for e in elements:
        problem.add_constraint(e >> 0)
    first = next(iter(sc.input_tuples()))
    problem.add_constraint(picos.sum([picos.trace(elements[k]) for k, (_, x, _) in enumerate(keys)
                                      if x == first]).real == 1)
    # β_F = Σ_i tr(G_i X_i) with G_i = Σ_k N[k, i] F_k (summed in numpy, one picos term per variable)
    index = {key: k for k, key in enumerate(keys)}
    per_variable = [sum((basis[index[key], i] * op for key, op in terms.items()), np.zeros((d, d), dtype=complex))
                    for i in range(len(variables))]
    problem.set_objective(sense, picos.sum([(picos.Constant(g.real if real else g) | v).real
                                            for g, v in zip(per_variable, variables)]))
    compiled = time.perf_counter() - start
    outcome = run(problem, f"{sense} of {functional.name} over sequential no-signalling", solver=solver)
    value = None if outcome.value is None else outcome.value + constant_value(functional)
    details = {"free_blocks": len(variables), "relations": "sequential (later rounds may depend on earlier inputs)"}
    if value is not None:
        values = [np.asarray(v.value, dtype=complex).reshape(d, d) for v in variables]
        details["optimiser"] = Assemblage(sc, {key: sum((basis[k, i] * values[i] for i in range(len(values))),
                                                        np.zeros((d, d), dtype=complex))
                                               for k, key in enumerate(keys)}, exact=False, name="sigma_max")
        details["maximiser"] = details["optimiser"]
    return SDPResult(task=f"bound {sense} over no-signalling", value=value, status=outcome.status,
                     tolerance=tolerance, bound=value, problem=problem, solver=outcome.solver,
                     compile_seconds=compiled, solve_seconds=outcome.seconds, details=details)


def sequential_quantum_bound(functional: Functional, sense: str = "max", solver: str | None = None) -> SDPResult:
    """``max`` (or ``min``) of ``β_F`` over the quantum sequential assemblages, which are all the no-signalling
    ones (physics.md §3.2, PRL 125, 050404 (2020)): ``τ_{a1|x1} = Σ_{a2} σ_{a1a2|x1x2}`` is a standard assemblage,
    realised by GHJW on a pure state; a Lüders instrument leaves a purification of each ``τ_{a1|x1}``, on which a
    second POVM chosen from ``(x1, a1, x2)`` steers any decomposition ``σ_{a1·|x1x2}`` (GHJW again).  So the bound is
    :func:`sequential_nosignalling_bound`, exact at every level."""
    result = sequential_nosignalling_bound(functional, sense=sense, solver=solver)
    result.task = f"bound {sense} over quantum (= no-signalling)"
    result.details["exact_characterisation"] = "every sequential no-signalling assemblage is quantum (GHJW + Lüders)"
    return result

"""Almost-quantum benchmarks: steerdsl's level "1+AB" vs toqito's operator-valued NPA constraints.

toqito (``toqito.state_opt.npa_hierarchy.npa_constraints``) takes, for two measuring parties
("Alice", "Bob") and a quantum referee of dimension ``referee_dim``, a dictionary
``K[(x, y)]`` of block matrices with blocks ``K_{xy}(a, b) = σ_{ab|xy}`` (the referee is the
steered party), and returns the constraints of the moment matrix of level ``k`` (here "1+ab":
∅, single projectors and Alice–Bob products, the almost-quantum set) with ``tr ρ = 1``,
``K ⪰ 0`` blockwise and no-signalling.  We build ``K`` as toqito's own extended nonlocal games
do (a ``cvxpy.bmat`` of Hermitian blocks), fix the blocks to the data, and solve with cvxpy's
Clarabel (cvxpy's interior-point solver; the default SCS stops at about 1e-5, too coarse to
compare at 1e-6).  It has two measuring parties only, so three Alices have no toqito peer.

toqito identifies two entries of the moment matrix only when their words are equal; it misses
``Γ(u, v) = Γ(u', v')†`` when ``u†v = (u'†v')†`` (e.g. ``Γ(A₁, A₀B) = Γ(A₀B, A₁B)†``), which
NPA's construction imposes, nor ``Γ(u, v) = Γ(u, v)†`` off the diagonal when ``u†v`` is self-adjoint
(level 2: ``Γ(A₀, A₁A₀)``).  Its relaxation is therefore looser and a visibility may come out
larger (bounds of the benchmark functionals agree).  ``toqito_visibility`` adds exactly those
identifications (read off toqito's own word list) so both sides solve the same SDP; the row
``toqito as is`` reports the unmodified value.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.assemblages import post_quantum, random_functional
from steerdsl.sdp import relaxation
from steerdsl.sdp.noise import VISIBILITY_CAP, white_noise

LEVEL = "1+AB"


def prepare(alices: int, inputs: int, outputs: int, d: int, seed: int = 1, q: float = 0.5, level: str = LEVEL):
    """A post-quantum-ish assemblage (half quantum, half box), a random functional, and their arrays."""
    sigma = post_quantum(alices, inputs, outputs, d, seed, q)
    functional = random_functional(sigma.scenario, seed + 7)
    noise = white_noise(sigma.scenario)
    return {"sigma": sigma, "functional": functional, "noise": noise, "d": d, "level": level,
            "toqito_level": "1+ab" if level == LEVEL else str(level),
            "alices": alices, "inputs": inputs, "outputs": outputs}


def prepare_e5(path: str) -> dict:
    """E5's σ (numeric; ``path`` relative to the repository) and a random functional on its scenario."""
    from pathlib import Path

    import steerdsl as sd

    sigma = sd.load(Path(__file__).resolve().parent.parent / path)["sigma"].to_numeric()
    return {"sigma": sigma, "functional": random_functional(sigma.scenario, 8), "noise": white_noise(sigma.scenario),
            "d": 4, "level": LEVEL, "toqito_level": "1+ab", "alices": 2, "inputs": 2, "outputs": 2}


def ours_visibility(state) -> dict:
    r = relaxation.noise_visibility(state["sigma"], state["level"])
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def ours_bound(state) -> dict:
    r = relaxation.bound(state["functional"], "max", state["level"])
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def _toqito_assemblage(state):
    """``K[(x, y)]``: a ``cvxpy.bmat`` of Hermitian d×d blocks ``K_{xy}(a, b)``."""
    import cvxpy

    d, m, k = state["d"], state["inputs"], state["outputs"]
    K, blocks = {}, {}
    for x in range(m):
        for y in range(m):
            rows = []
            for a in range(k):
                row = []
                for b in range(k):
                    blocks[a, b, x, y] = cvxpy.Variable((d, d), hermitian=True, name=f"K{x}{y}_{a}{b}")
                    row.append(blocks[a, b, x, y])
                rows.append(row)
            K[x, y] = cvxpy.bmat(rows)
    return K, blocks


def _solve(problem, start: float) -> dict:
    """Solve with Clarabel (timed).  When Clarabel reports ``optimal_inaccurate`` its value is not
    trusted: the same cvxpy problem is solved again with CVXOPT, outside the timing (``untimed``), and
    that value is the peer's ``reference`` for the comparison (on E5's visibility Clarabel was 3.4e-6
    off, CVXOPT through cvxpy agreed with steerdsl to 6e-9)."""
    import warnings

    import cvxpy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the status says it
        problem.solve(solver="CLARABEL")
    out = {"value": float(problem.value), "solve": time.perf_counter() - start,
           "solver": problem.solver_stats.solver_name, "status": problem.status}
    if problem.status != "optimal":
        again = time.perf_counter()
        try:
            problem.solve(solver="CVXOPT")
            if problem.status == "optimal":
                out["reference"] = float(problem.value)
        except cvxpy.error.SolverError:  # no better value: Clarabel's is compared, its status shown
            pass
        out["untimed"] = time.perf_counter() - again
    return out


def _adjoint_identifications(constraints: list, level, d: int, outputs: int, inputs: int) -> list:
    """``Γ(i, j) = Γ(i', j')†`` whenever the word of entry (i, j) is the adjoint of that of (i', j')."""
    from toqito.state_opt.npa_hierarchy import IDENTITY_SYMBOL, _gen_words, _reduce

    R = next(v for c in constraints for v in c.variables() if v.name() == "R")
    words = _gen_words(level, outputs, inputs, outputs, inputs)
    first = {}
    for i in range(len(words)):
        for j in range(i, len(words)):
            product = [s for s in tuple(reversed(words[i])) + words[j] if s != IDENTITY_SYMBOL]
            w = _reduce(tuple(product)) if product else (IDENTITY_SYMBOL,)
            if w:
                first.setdefault(w, (i, j))
    extra = []
    for w, (i, j) in first.items():
        wd = _reduce(tuple(reversed(w)))
        if wd == w and i != j:  # a self-adjoint word off the diagonal: its block is Hermitian
            block = R[i * d:(i + 1) * d, j * d:(j + 1) * d]
            extra.append(block == block.H)
        elif wd != w and wd in first and repr(w) < repr(wd):
            k, m = first[wd]
            extra.append(R[i * d:(i + 1) * d, j * d:(j + 1) * d] == R[k * d:(k + 1) * d, m * d:(m + 1) * d].H)
    return extra


def toqito_visibility(state, complete: bool = True) -> dict:
    """``max v ≤ 2`` s.t. ``K_{xy}(a, b) = v σ_{ab|xy} + (1 − v) N_{ab|xy}`` and toqito's constraints of
    the level, with the adjoint identifications toqito misses (``complete``)."""
    import cvxpy
    from toqito.state_opt.npa_hierarchy import npa_constraints

    level = state.get("toqito_level", "1+ab")
    start = time.perf_counter()
    K, blocks = _toqito_assemblage(state)
    v = cvxpy.Variable(name="v")
    sigma, noise = state["sigma"], state["noise"]
    constraints = [v <= VISIBILITY_CAP]
    for (a, b, x, y), block in blocks.items():
        key = ((a, b), (x, y), ())
        constraints.append(block == v * sigma[key] + (1 - v) * noise[key])
    npa = npa_constraints(K, level, referee_dim=state["d"])
    constraints += npa
    if complete:
        constraints += _adjoint_identifications(npa, level, state["d"], state["outputs"], state["inputs"])
    problem = cvxpy.Problem(cvxpy.Maximize(v), constraints)
    compiled = time.perf_counter() - start
    return {"compile": compiled, **_solve(problem, time.perf_counter())}


def toqito_visibility_as_is(state) -> dict:
    """:func:`toqito_visibility` with toqito's constraints unchanged (a looser relaxation)."""
    return toqito_visibility(state, complete=False)


def toqito_bound(state) -> dict:
    """``max Σ tr(F_{ab|xy} K_{xy}(a, b))`` over toqito's "1+ab" constraints."""
    import cvxpy
    from toqito.state_opt.npa_hierarchy import npa_constraints

    start = time.perf_counter()
    K, blocks = _toqito_assemblage(state)
    terms = state["functional"].terms
    objective = sum(cvxpy.real(cvxpy.trace(np.asarray(terms[(a, b), (x, y), ()]) @ block))
                    for (a, b, x, y), block in blocks.items())
    level = state.get("toqito_level", "1+ab")
    npa = npa_constraints(K, level, referee_dim=state["d"])
    npa += _adjoint_identifications(npa, level, state["d"], state["outputs"], state["inputs"])
    problem = cvxpy.Problem(cvxpy.Maximize(objective), npa)
    compiled = time.perf_counter() - start
    return {"compile": compiled, **_solve(problem, time.perf_counter())}


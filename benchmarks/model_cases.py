"""Benchmarks of whole models and of the other SDP engines (steerdsl only, or a hand-written peer).

* E5 (models/e05_breuer_map.steer): load the model (parse, exact evaluation) and decide its
  almost-quantum membership — the ``steer run`` path of one line.
* E2 (models/e02_bwi_transpose.steer): the BWI hierarchy at level 2.
* Parent states of two Bobs (Sainz 2026, Thm 6) for a random quantum assemblage, vs the same SDP
  written by hand in picos (Hermitian ``Σ_{a|x} ⪰ 0`` on B1 ⊗ B2, partial traces equal to data).
* Exact checks of benchmarks/models/algebraic_3x3_d4.steer (entries in Q(√2, i)).
* Parsing and exactly evaluating a generated 1,000-line model.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import picos

import steerdsl as sd
from benchmarks.assemblages import projective_measurement, random_state
from benchmarks.lhs_cases import LDL
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import bwi_hierarchy, parents, relaxation

ROOT = Path(__file__).resolve().parent.parent
E5 = ROOT / "models" / "e05_breuer_map.steer"
E2 = ROOT / "models" / "e02_bwi_transpose.steer"
ALGEBRAIC = ROOT / "benchmarks" / "models" / "algebraic_3x3_d4.steer"


def prepare_path(path: str) -> dict:
    return {"path": str(ROOT / path)}


def e5_almost_quantum(state) -> dict:
    """Load E5 and decide σ's almost-quantum membership (value: the robustness t*)."""
    model = sd.load(state["path"])
    r = relaxation.membership(model["sigma"], "1+AB")
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def e2_bwi_level2(state) -> dict:
    """Load E2 and decide BWI membership at level 2 (value: the robustness t*)."""
    model = sd.load(state["path"])
    r = bwi_hierarchy.bwi_membership(model["sigma"], level=2)
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def exact_checks(state) -> dict:
    """Load a model and run every exact check; value: the number of checks as claimed."""
    model = sd.load(state["path"])
    report = sd.check(model)
    passed = sum(1 for r in report.results if r.status == "pass")
    return {"value": float(passed), "compile": None, "solve": None}


# ------------------------------------------------------------------ a generated 1,000-line model


def thousand_line_model(lines: int = 1000) -> str:
    """A valid model of ``lines`` lines: a scenario, exact numbers, matrices and assertions about them,
    and a few assemblages with checks (every line is parsed, resolved and evaluated exactly)."""
    out = ["scenario {", "    alice A : inputs 2, outputs 2", "    bob   B : dim 2", "}",
           "state phi on A B = (|00⟩ + |11⟩) / sqrt(2)",
           "measurement M[a|x] on A = (I + (-1)^a * (Z if x == 0 else X)) / 2"]
    i = 0
    while len(out) < lines - 3:
        kind = i % 5
        if kind == 0:
            out.append(f"let c{i} = {i + 1}/7 + {i % 5 + 1}*sqrt(2) - i*{i % 3}")
        elif kind == 1:
            out.append(f"assert c{i - 1} + i*{(i - 1) % 3} - {(i - 1) % 5 + 1}*sqrt(2) == {i}/7")
        elif kind == 2:
            out.append(f"let R{i} = cos(pi/{i % 7 + 2}) * Z + sin(pi/{i % 7 + 2}) * X")
        elif kind == 3:
            out.append(f"assert R{i - 1} * R{i - 1} == I")
        else:
            out.append(f"assemblage s{i} = measure phi with A: M")
        i += 1
    out += ["check s4 : valid", "assert sum(s4[a|x] for a in 0..1) == I/2 for x in 0..1", "check s9 : valid"]
    return "\n".join(out) + "\n"


def prepare_generated(lines: int = 1000) -> dict:
    return {"text": thousand_line_model(lines), "lines": lines}


def parse_and_check(state) -> dict:
    """Parse, resolve and evaluate the generated model, then run its exact checks."""
    model = sd.loads(state["text"], "generated.steer")
    report = sd.check(model)
    passed = sum(1 for r in report.results if r.status == "pass")
    return {"value": float(passed), "compile": None, "solve": None}


# ------------------------------------------------------------------ parent states of two Bobs


def prepare_parents(d: int, inputs: int = 2, outputs: int = 2, seed: int = 3) -> dict:
    """One Alice (qubit measurements) and two Bobs of dimension d on a random state of A ⊗ B1 ⊗ B2."""
    rng = np.random.default_rng(seed)
    alice_dim = outputs
    rho = random_state(alice_dim * d * d, rng, 0.9)
    sc = Scenario((Alice("A", inputs, (outputs,) * inputs),), (Bob("B1", d), Bob("B2", d)))
    elements, parents_data = {}, {}
    for x in range(inputs):
        for a, p in enumerate(projective_measurement(alice_dim, outputs, rng)):
            full = (np.kron(p, np.eye(d * d)) @ rho).reshape(alice_dim, d * d, alice_dim, d * d)
            joint = np.einsum("iaib->ab", full)
            parents_data[a, x] = joint
            t = joint.reshape(d, d, d, d)
            elements[(a,), (x,), ()] = (np.einsum("ijkj->ik", t), np.einsum("ijil->jl", t))
    sigma = Assemblage(sc, elements, exact=False, name="sigma")
    return {"sigma": sigma, "d": d, "inputs": inputs, "outputs": outputs}


def ours_parents(state) -> dict:
    r = parents.parent_states(state["sigma"])  # value = margin = −λ; the peer computes λ
    return {"value": r.details["lambda"], "compile": r.compile_seconds, "solve": r.solve_seconds}


def picos_parents(state) -> dict:
    """``max λ ≤ 1`` s.t. ``Σ_{a|x} ⪰ λ I`` Hermitian on B1 ⊗ B2, ``tr_{B2} Σ_{a|x} = σ^(1)_{a|x}``,
    ``tr_{B1} Σ_{a|x} = σ^(2)_{a|x}``, ``Σ_a Σ_{a|x}`` independent of x (no-signalling)."""
    start = time.perf_counter()
    d, m, k, sigma = state["d"], state["inputs"], state["outputs"], state["sigma"]
    problem = picos.Problem()
    lam = picos.RealVariable("lambda")
    parent = {(a, x): picos.HermitianVariable(f"P{a}{x}", d * d) for x in range(m) for a in range(k)}
    for (a, x), p in parent.items():
        # Hermitian parts: the data's last-bit asymmetry makes the duplicated real rows of a complex
        # equality inconsistent, and cvxopt then reports the problem infeasible
        first, second = ((m + m.conj().T) / 2 for m in sigma[(a,), (x,), ()])
        problem.add_constraint(p >> lam * np.eye(d * d))
        problem.add_constraint(picos.partial_trace(p, 1, (d, d)) == first)
        problem.add_constraint(picos.partial_trace(p, 0, (d, d)) == second)
    for x in range(1, m):
        problem.add_constraint(picos.sum([parent[a, x] for a in range(k)]) ==
                               picos.sum([parent[a, 0] for a in range(k)]))
    problem.add_constraint(lam <= 1)
    problem.set_objective("max", lam)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    problem.solve(**LDL)
    return {"value": float(lam.value), "compile": compiled, "solve": time.perf_counter() - start}

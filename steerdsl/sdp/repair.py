"""The nearest valid assemblage to slightly invalid data (issue 17 item 8: published tables rounded to 3–4 digits).

``repair(σ)`` solves

    minimise  Σ_{a,x(,y)} ‖σ'_{a|x} − σ_{a|x}‖     (Frobenius, or trace norm with ``norm="trace"``)
    over      σ' no-signalling of σ's kind, every σ'_{a|x} ⪰ 0, tr ρ'_B = 1,

with the kind's structure declared once in :mod:`steerdsl.model.nosignalling` (one Collins–Gisin variable
per data word and copy, so no-signalling within a copy holds by construction; traces shared across
copies; several Bobs: one term per Bob's part).  The solver's answer is then made exactly feasible in
floating point: the copies' traces are matched and ``tr ρ'_B = 1`` set by multiples of the identity, and a
small weight ``ε`` of the uniform assemblage ``I/(d·K)`` lifts any eigenvalue the solver left below 0.
The reported distance is measured on the returned σ', never on the solver's variables.  The repair is never
silent: callers get the distance, the norm and ``ε``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import picos

from steerdsl.diagnostics import Refusal
from steerdsl.model.assemblage import Assemblage, element_to_complex
from steerdsl.model.nosignalling import structure
from steerdsl.model.scenario import Key
from steerdsl.sdp.moment_matrix import cg_expansion, data_words
from steerdsl.sdp.npa_words import EMPTY
from steerdsl.sdp.solve import run

NORMS = ("frobenius", "trace")


@dataclass
class Repair:
    """A repaired assemblage and how far it moved: ``distance = Σ ‖σ'_{a|x} − σ_{a|x}‖`` in ``norm``
    (each Bob's part separately with several Bobs).  Unpacks as ``sigma, distance`` (σ' as arrays when σ
    came as arrays)."""

    sigma: Assemblage
    distance: float
    norm: str
    original: Assemblage
    epsilon: float = 0.0
    solver: str | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    array: Any = None
    """σ' in the layout of the caller's arrays (:func:`steerdsl.api.repair`), when σ came as arrays."""

    def __iter__(self):
        return iter((self.sigma if self.array is None else self.array, self.distance))

    def __repr__(self) -> str:
        return (f"Repair({self.original.name}: distance {self.distance:.3g} (Σ {self.norm} norms), "
                f"largest entry change {self.details.get('max_entry_change', 0):.3g})")


def _norm(m: np.ndarray, norm: str) -> float:
    if norm == "trace":
        return float(np.sum(np.abs(np.linalg.eigvalsh((m + m.conj().T) / 2))))
    return float(np.linalg.norm(m))


def repair(sigma: Assemblage, norm: str = "frobenius", solver: str | None = None) -> Repair:
    """The valid assemblage of σ's kind nearest to σ (module docstring): one SDP, then exact feasibility in
    floating point.  Raises :class:`steerdsl.diagnostics.Refusal` (E302) for kinds whose no-signalling set is
    not declared (sequential, several Bobs with inputs)."""
    if norm not in NORMS:
        raise ValueError(f"repair: unknown norm {norm!r} (one of {', '.join(NORMS)})")
    start = time.perf_counter()
    sc = sigma.scenario
    ns = structure(sc)
    if ns.elementwise:
        raise Refusal("E302", "repair is built on the Collins–Gisin form of one round per Alice; a sequential "
                      "assemblage's no-signalling relations are elementwise, and its repair is not implemented",
                      "give the Alices one round")
    data = {k: element_to_complex(v) for k, v in sigma.elements.items()}
    parts = {k: _tuple(v) for k, v in data.items()}
    real = all(np.allclose(p.imag, 0) for ps in parts.values() for p in ps)
    make = picos.SymmetricVariable if real else picos.HermitianVariable
    words = data_words(ns.base)
    var = [{w: make(f"r{c}_{i}", copy.dim) for i, w in enumerate(words)} for c, copy in enumerate(ns.copies)]

    def element(values, c: int, key: Key):
        return sum(sign * values[c][w] for sign, w in cg_expansion(ns.base, key))

    problem = picos.Problem()
    problem.add_constraint(picos.trace(var[0][EMPTY]) == 1)
    for c in range(len(ns.copies)):
        for key in ns.base.keys():
            problem.add_constraint(element(var, c, key) >> 0)
        if c:
            problem.add_list_of_constraints([picos.trace(var[c][w]) == picos.trace(var[0][w]) for w in words])
    terms = []
    for key in sc.keys():
        for loc in ns.locate(sc, key):
            target = picos.Constant(parts[key][loc.part or 0].real if real else parts[key][loc.part or 0])
            diff = element(var, loc.copy, loc.key) - target
            terms.append(picos.NuclearNorm(diff) if norm == "trace" else abs(diff))
    problem.set_objective("min", picos.sum(terms))
    outcome = run(problem, f"repair of {sigma.name} ({norm})", solver=solver)
    values = [{w: np.asarray(v.value, dtype=complex).reshape(copy.dim, copy.dim)
               for w, v in var[c].items()} for c, copy in enumerate(ns.copies)]
    for c, copy in enumerate(ns.copies):  # exact in floating point: tr ρ_B = 1, traces shared across copies
        for w in words:
            target = 1.0 if w == EMPTY else np.trace(values[0][w]).real
            values[c][w] = values[c][w] + (target - np.trace(values[c][w]).real) / copy.dim * np.eye(copy.dim)
            values[c][w] = (values[c][w] + values[c][w].conj().T) / 2
    fixed = {(c, key): element(values, c, key) for c in range(len(ns.copies)) for key in ns.base.keys()}
    epsilon = _lift(fixed, ns)
    elements = {}
    for key in sc.keys():
        located = [(1 - epsilon) * fixed[(loc.copy, loc.key)] + epsilon * _uniform(ns, loc.copy, loc.key)
                   for loc in ns.locate(sc, key)]
        elements[key] = tuple(located) if len(sc.bobs) > 1 else located[0]
    result = Assemblage(sc, elements, exact=False, name=f"repair({sigma.name})")
    diffs = [new - old for key in sc.keys() for new, old in zip(_tuple(elements[key]), parts[key])]
    distance = sum(_norm(d, norm) for d in diffs)
    details = {"max_entry_change": max(float(np.max(np.abs(d))) for d in diffs), "status": outcome.status,
               "sdp_value": outcome.value}
    return Repair(result, distance, norm, sigma, epsilon, outcome.solver, time.perf_counter() - start, details)


def _tuple(element) -> tuple:
    return element if isinstance(element, tuple) else (element,)


def _outcomes(sc, key: Key) -> int:
    """K: the number of outcome tuples of the element's input."""
    return int(np.prod([s.outputs[xj] for s, xj in zip(sc.slots, key[1])]))


def _uniform(ns, c: int, key: Key) -> np.ndarray:
    """The uniform assemblage ``I/(d·K)`` in copy c: valid for every kind, strictly positive."""
    d = ns.copies[c].dim
    return np.eye(d) / (d * _outcomes(ns.base, key))


def _lift(fixed: dict, ns) -> float:
    """The smallest weight ε of the uniform assemblage that makes every element's smallest eigenvalue at least
    0 (doubled, and at least 1e-12 when one was negative), or 0 when all are PSD already."""
    eps = 0.0
    for (c, key), m in fixed.items():
        lam = float(np.linalg.eigvalsh(m)[0])
        if lam < 0:
            u = 1.0 / (ns.copies[c].dim * _outcomes(ns.base, key))
            eps = max(eps, -lam / (u - lam))
    return min(1.0, 2 * eps + 1e-12) if eps > 0 else 0.0

"""The dimension-free outer hierarchy for Bob-with-input and instrumental assemblages.

For a quantum BWI assemblage ``σ_{a|xy} = E_y(tr_A[(M_{a|x} ⊗ I)ρ])`` the block
matrices ``Γ^y(u, v) = E_y(tr_A[(u†v ⊗ I)ρ])`` are PSD for every y, have the
moment structure of physics.md §4, first row ``Γ^y(∅, (a|x)) = σ_{a|xy}``,
and — every ``E_y`` being trace preserving — ``tr Γ^y(w)`` does not depend on
y (physics.md §4.3; Sainz, Hoban, Skrzypczyk, Aolita, PRL 125, 050404 (2020)).
Instrumental: Bob's input is Alice's outcome, only ``Γ^{y=a}(∅,(a|x)) = σ_{a|x}``
is data.  Sound for any dimension of Bob's internal system.

Membership is decided on the white-noise robustness ``min t`` with
``σ + t·N`` in the (conic) relaxation.  The shared traces are imposed as
``tr X^y_w = tr X^{y₀}_w`` (one reference copy per word), so no row repeats
another.
"""

from __future__ import annotations

import time

import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.nosignalling import structure
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.bases import traceless_basis
from steerdsl.sdp.functional import numeric_matrix
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words
from steerdsl.sdp.noise import ROBUSTNESS, Mixing, noise_assemblage
from steerdsl.sdp.npa_words import EMPTY, adjoint, is_data_word, level_words
from steerdsl.sdp.relaxation import _dual_matrix, functional_is_real, structured_objective
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sdp.solve import run

TOLERANCE = 1e-6


def _alice_scenario(sc: Scenario) -> Scenario:
    bob = sc.bobs[0]
    return Scenario(tuple(Alice(a.name, a.inputs, a.outputs) for a in sc.alices), (Bob(bob.name, bob.dim),))


def _hierarchy(values: dict, copies: list, sc: Scenario, level: int, real: bool, solver, name: str,
               tolerance: float, mixing: Mixing) -> SDPResult:
    """``values[(y, w)]`` gives the data block (an affine expression in t) or None for a variable."""
    start = time.perf_counter()
    words = level_words(sc, level)
    d = sc.dim
    problem = picos.Problem()
    t = values["t"]
    mats = []
    for y in copies:
        mm = build(words, d, lambda w, y=y: values.get((y, w)), real, name=f"G{y}_")
        mats.append((y, mm))
        problem.add_constraint(mm.expression >> 0)
    # shared traces: for each word, every copy's trace equals the first copy's
    _share_traces(problem, [(y, mm) for y, mm in mats], values, real)
    mixing.pose(problem, t)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"{name} level {level}", solver=solver)
    result = SDPResult(task=f"{name} level {level}", value=outcome.value, status=outcome.status,
                       tolerance=tolerance, problem=problem, solver=outcome.solver,
                       compile_seconds=compiled, solve_seconds=outcome.seconds,
                       details={"copies": len(copies), "moment_matrix_size": len(words) * d})
    return _read_margin(result, outcome.value, mixing)


def _read_margin(result: SDPResult, value: float | None, mixing: Mixing) -> SDPResult:
    if value is None:
        result.verdict = "undecided"
    else:
        result.margin = mixing.margin(value)
        result.details.update(mixing.describe(value))
        result.verdict = verdict_from_margin(result.margin, result.tolerance)
    return result


def _share_traces(problem: picos.Problem, mats: list, values: dict, real: bool) -> None:
    """``tr Γ^y(w)`` equal for every copy y: each copy's trace equals a reference copy's — the first
    copy where w is data, else the first copy.  Two data blocks are not compared (their traces agree
    for a valid assemblage, and a row without variables would only carry rounding noise)."""
    words: dict = {}
    for y, mm in mats:
        for w in mm.positions:
            data = (y, w) in values
            block = values[(y, w)] if data else mm.variables.get(w)
            if block is not None:
                words.setdefault(w, []).append((data, block))
    for w, blocks in words.items():
        blocks.sort(key=lambda e: not e[0])
        ref_data, ref = blocks[0]
        for data, block in blocks[1:]:
            if data and ref_data:
                continue
            diff = picos.trace(block) - picos.trace(ref)
            problem.add_constraint(diff.real == 0)
            if not real and w != adjoint(w):
                problem.add_constraint(diff.imag == 0)


def bwi_membership(sigma: Assemblage, level: int = 1, solver: str | None = None,
                   tolerance: float = TOLERANCE, noise: str | Assemblage = "white",
                   mixing: Mixing = ROBUSTNESS) -> SDPResult:
    """Membership of a BWI assemblage in level ``level`` of the outer hierarchy, decided on the
    robustness to ``noise`` (white by default; ``mixing`` chooses ``σ + tN`` or ``vσ + (1 − v)N``)."""
    sc = sigma.scenario
    if sc.kind != "bwi" or len(sc.bob_inputs) != 1:
        raise ValueError("the BWI hierarchy needs one Bob with an input")
    base = _alice_scenario(sc)
    t = picos.RealVariable("v" if mixing.visibility else "t")
    num = {k: numeric_matrix(v) for k, v in sigma.elements.items()}
    noise_num = {k: numeric_matrix(v) for k, v in noise_assemblage(sc, noise).elements.items()}
    real = all(np.allclose(m.imag, 0) for m in [*num.values(), *noise_num.values()])
    values: dict = {"t": t}
    words = [w for w in level_words(base, level) if is_data_word(w)]
    for (y,) in sc.bob_input_tuples():
        for w in words:
            key_a = [None] * len(base.slots)
            key_x = [0] * len(base.slots)
            for j, x, a in w:
                key_a[j], key_x[j] = a, x
            block, direction = mixing.parts(_word_block(num, base, key_a, key_x, y),
                                            _word_block(noise_num, base, key_a, key_x, y))
            if real:
                block, direction = block.real, direction.real
            values[(y, w)] = picos.Constant(block) + t * picos.Constant(direction)
    copies = [y for (y,) in sc.bob_input_tuples()]
    return _hierarchy(values, copies, base, level, real, solver, "bwi", tolerance, mixing)


def _word_block(num: dict, sc: Scenario, key_a: list, key_x: list, y: int) -> np.ndarray:
    """``σ_{a_S|x_S, y}``: sum over the outcomes of unmeasured slots (their input fixed at 0)."""
    import itertools

    free = [j for j, a in enumerate(key_a) if a is None]
    total = np.zeros_like(next(iter(num.values())))
    for combo in itertools.product(*(range(sc.slots[j].outputs[0]) for j in free)):
        a = list(key_a)
        for j, v in zip(free, combo):
            a[j] = v
        total = total + num[(tuple(a), tuple(key_x), (y,))]
    return total


def instrumental_membership(sigma: Assemblage, level: int | str = 1, solver: str | None = None,
                            tolerance: float = TOLERANCE, noise: str | Assemblage = "white",
                            mixing: Mixing = ROBUSTNESS, nosignalling: bool = False) -> SDPResult:
    """Membership of an instrumental assemblage (Bob's input y = Alice's outcome a) in level ``level``:
    only ``Γ^{y=a}(∅, (a|x)) = σ_{a|x}`` is data; the last outcome, implied in Collins–Gisin words, is
    imposed as ``Γ^{k−1}(∅, ∅) − Σ_{a<k−1} Γ^{k−1}(∅, (a|x)) = σ_{k−1|x}``.

    ``nosignalling=True``: membership in the *general* instrumental set G_I instead (PRL 2020 Def. 6: σ is
    the y = a post-selection of a no-signalling BWI assemblage ω), the same blocks with every element
    ``ω_{a|x,y} ⪰ 0`` in place of the moment matrices — the SDP that decides what ``check σ : valid``
    cannot decide exactly."""
    sc = sigma.scenario
    if sc.kind != "instrumental":
        raise ValueError("the instrumental hierarchy needs an instrumental scenario")
    base = _alice_scenario(sc)
    alice = base.slots[0]
    d = sc.dim
    if len(set(alice.outputs)) != 1:
        raise ValueError("the instrumental hierarchy needs the same number of outcomes for every input")
    k = alice.outputs[0]
    t = picos.RealVariable("v" if mixing.visibility else "t")
    num = {kk: numeric_matrix(v) for kk, v in sigma.elements.items()}
    noise_num = {kk: numeric_matrix(v) for kk, v in noise_assemblage(sc, noise).elements.items()}
    real = all(np.allclose(m.imag, 0) for m in [*num.values(), *noise_num.values()])
    parts = {key: mixing.parts(num[key], noise_num[key]) for key in num}
    if real:
        parts = {key: (b.real, n.real) for key, (b, n) in parts.items()}
    values: dict = {"t": t}
    for y in range(k - 1):
        for x in range(alice.inputs):
            block, direction = parts[((y,), (x,), ())]
            values[(y, ((0, x, y),))] = picos.Constant(block) + t * picos.Constant(direction)
    if nosignalling:
        level = "1+AB"  # the Collins–Gisin words: ρ_y and ω_{a|x,y} for a < k − 1
    return _instrumental_solve(values, base, level, real, solver, tolerance, parts, k, d, t, mixing, nosignalling)


def _instrumental_solve(values, base, level, real, solver, tolerance, parts, k, d, t, mixing, nosignalling=False):
    start = time.perf_counter()
    words = level_words(base, level)
    problem = picos.Problem()
    mats = {}
    for y in range(k):
        mm = build(words, d, lambda w, y=y: values.get((y, w)), real, name=f"G{y}_")
        mats[y] = mm
        if not nosignalling:
            problem.add_constraint(mm.expression >> 0)
            continue
        for key in base.keys():  # every element of the copy y, data or variable, is ⪰ 0
            problem.add_constraint(sum(sign * (values[(y, w)] if (y, w) in values else mm.variables[w])
                                       for sign, w in cg_expansion(base, key)) >> 0)
    last = mats[k - 1]
    for x in range(base.slots[0].inputs):
        block, noise = parts[((k - 1,), (x,), ())]
        implied = last.variables[EMPTY] - sum(last.variables[((0, x, a),)] for a in range(k - 1))
        # traceless part only: its trace follows from the shared traces (and would repeat them)
        for g in traceless_basis(d):
            if real and not np.allclose(g.imag, 0):
                continue  # ⟨g, X⟩ vanishes on real symmetric X
            gc = picos.Constant(g.real if real else g)
            target = float(np.trace(g.conj().T @ block).real)
            problem.add_constraint((gc | implied).real == target + t * float(np.trace(g.conj().T @ noise).real))
    # tr Γ(∅, ∅) = tr of the data's ρ_B: 1 + t (σ + tN) or 1 (vσ + (1 − v)N)
    norm = sum(np.trace(parts[((a,), (0,), ())][1]).real for a in range(k))
    problem.add_constraint(picos.trace(mats[0].variables[EMPTY]).real == 1 + t * float(norm))
    _share_traces(problem, list(mats.items()), values, real)
    mixing.pose(problem, t)
    compiled = time.perf_counter() - start
    name = "general instrumental (no-signalling)" if nosignalling else f"instrumental level {level}"
    outcome = run(problem, name, solver=solver)
    result = SDPResult(task=name, value=outcome.value, status=outcome.status,
                       tolerance=tolerance, problem=problem, solver=outcome.solver, compile_seconds=compiled,
                       solve_seconds=outcome.seconds, details={"copies": k, "moment_matrix_size": len(words) * d})
    _read_margin(result, outcome.value, mixing)
    result.details["reading"] = ("general instrumental set G_I (PRL 2020 Def. 6): 'excluded' means no "
                                 "no-signalling BWI assemblage post-selects to σ" if nosignalling else
                                 "dimension-free outer hierarchy: 'excluded' proves post-quantumness for any "
                                 "internal dimension of Bob; 'not excluded' proves nothing")
    return result


def hierarchy_bound(functional: Functional, sense: str = "max", level: int | str = 1,
                    solver: str | None = None) -> SDPResult:
    """``max`` (or ``min``) of ``β_F`` over level ``level`` of the BWI or instrumental hierarchy: one moment
    matrix ``Γ^y ⪰ 0`` per copy of the kind's no-signalling structure (:mod:`steerdsl.model.nosignalling`: each
    Bob input y; instrumental: each y = a), every block a variable, ``tr Γ^y(w)`` shared across copies and
    ``tr Γ^{y₀}(∅) = 1``.  An outer bound: every quantum BWI (instrumental) assemblage satisfies it, for any
    dimension of Bob's internal system (physics.md §4.3)."""
    sc = functional.scenario
    if sc.kind not in ("bwi", "instrumental"):
        raise ValueError(f"the BWI / instrumental hierarchy bounds functionals of those scenarios, not a {sc.kind} one")
    ns = structure(sc)
    start = time.perf_counter()
    real = functional_is_real(functional)
    words = level_words(ns.base, level)
    problem = picos.Problem()
    mats, lmis = [], []
    for c, copy in enumerate(ns.copies):
        mm = build(words, copy.dim, lambda w: None, real, name=f"G{c}_")
        lmis.append(problem.add_constraint(mm.expression >> 0))
        mats.append((c, mm))
    _share_traces(problem, mats, {}, real)
    problem.add_constraint(picos.trace(mats[0][1].variables[EMPTY]) == 1)
    blocks = [dict(mm.variables) for _, mm in mats]
    rows_hold_data = set(data_words(ns.base)) <= set(words)
    for c, copy in enumerate(ns.copies):
        # Collins–Gisin words in no entry of Γ: free blocks with shared traces
        missing = [w for w in data_words(ns.base) if w not in blocks[c]]
        for k, w in enumerate(missing):
            blocks[c][w] = (picos.SymmetricVariable if real else picos.HermitianVariable)(f"E{c}_{k}", copy.dim)
        if missing and c:
            problem.add_list_of_constraints([picos.trace(blocks[c][w]) == picos.trace(blocks[0][w])
                                             for w in missing])
        if not rows_hold_data:
            # σ_{a|x} ⪰ 0 follows from Γ ⪰ 0 only when every data word labels a row (Γ(w, w) = σ_w): below
            # that level (e.g. level 1 with two Alices) impose it, so the relaxation stays inside no-signalling
            for key in ns.base.keys():
                problem.add_constraint(sum(sign * blocks[c][w] for sign, w in cg_expansion(ns.base, key)) >> 0)
    problem.set_objective(sense, structured_objective(functional, ns, lambda c, w: blocks[c][w]))
    compiled = time.perf_counter() - start
    outcome = run(problem, f"{sense} of {functional.name} over {sc.kind} level {level}", solver=solver)
    value = None if outcome.value is None else outcome.value + complex(functional.constant).real
    details = {"copies": len(ns.copies), "moment_matrix_size": len(words) * ns.base.dim, "level": str(level)}
    if value is not None and all(lmi.dual is not None for lmi in lmis):
        # one dual Z_y per copy, for steerdsl.sdp.certify_hierarchy
        details["dual_matrices"] = [_dual_matrix(np.asarray(lmi.dual, dtype=complex), real) for lmi in lmis]
        details["words"] = words
        details["rows_hold_data"] = rows_hold_data
    return SDPResult(task=f"bound {sense} over {sc.kind} level {level}", value=value, status=outcome.status,
                     tolerance=TOLERANCE, bound=value, problem=problem, solver=outcome.solver,
                     compile_seconds=compiled, solve_seconds=outcome.seconds, details=details)

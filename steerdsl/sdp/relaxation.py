"""Quantum relaxations of multipartite assemblages: membership, witnesses, bounds.

Membership in a level (almost quantum "1+AB", NPA-like levels n, unions) is
decided on an always-feasible robustness form (physics.md §4.1):

    t* = min t  s.t.  Γ(σ + t·N) ⪰ 0,   t ≥ −1,

where ``Γ(τ)`` has the data blocks ``τ_w`` (unnormalised: the set is a cone)
and free variable blocks elsewhere, and ``N`` is white noise.  ``t* > tol``
excludes σ (post-quantum); ``t* < −tol`` puts it strictly inside.  With the
LMI dual ``Z ⪰ 0``, ``F_w = −(Z-blocks of the entries labelled w)`` satisfies
``β_F(σ) = t*`` and ``β_F(τ) ≤ 0`` for every τ in the relaxation, so F is a
steering functional with bound 0 certifying exclusion (Navascués, Pironio,
Acín, NJP 10, 073013 (2008); almost quantum: Navascués et al., Nat. Commun.
6, 6288 (2015); post-quantum steering: Sainz et al., PRL 115, 190403 (2015)).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import picos

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.marginals import marginal
from steerdsl.model.nosignalling import NoSignallingStructure, structure
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.functional import full_key_terms, numeric_matrix
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words, dual_blocks, word_key
from steerdsl.sdp.noise import ROBUSTNESS, VISIBILITY, Mixing, noise_assemblage
from steerdsl.sdp.npa_words import EMPTY, level_words
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sdp.size import SDPSize, moment_size
from steerdsl.sdp.solve import run
from steerdsl.sdp.symmetry import Symmetry
from steerdsl.sdp.symmetry_data import reduce_data
from steerdsl.sdp.symmetry_reduction import reduce as reduce_symmetry

TOLERANCE = 1e-6
"""Verdict tolerance on margins (solves run at 1e-8)."""


def _hermitian_part(m: np.ndarray) -> np.ndarray:
    return (m + m.conj().T) / 2


def _check_kind(sigma: Assemblage) -> None:
    kind = sigma.scenario.kind
    if kind not in ("standard", "multipartite", "bell"):
        raise ValueError(f"this relaxation is for assemblages with one Bob without input, not a {kind} one")


def white_marginal(scenario: Scenario, w) -> np.ndarray:
    """White noise ``Π_{j∈w} 1/k_j · I/d`` on a data word."""
    p = 1.0
    for j, x, _ in w:
        p /= scenario.slots[j].outputs[x]
    return p * np.eye(scenario.dim) / scenario.dim


def membership(sigma: Assemblage, level: str | int = "1+AB", solver: str | None = None,
               tolerance: float = TOLERANCE, noise: Assemblage | None = None, symmetry: bool = False) -> SDPResult:
    """Is σ in the relaxation of ``level``?  ``value`` is the white-noise robustness t*; the verdict
    reads ``margin = t*`` with ``tolerance``; the witness F (bound 0) has ``β_F(σ) = t*``.  ``symmetry``:
    pose the SDP on the moment matrices invariant under the stabiliser of σ and the noise
    (:mod:`steerdsl.sdp.symmetry_data`; same optimum, the witness averaged over the group; the LMI dual
    for certificates, ``details["dual_matrix"]``, only unreduced)."""
    return _mixed_membership(sigma, level, solver, tolerance, noise, ROBUSTNESS, symmetry)


def _mixed_membership(sigma: Assemblage, level, solver, tolerance, noise: Assemblage | None,
                      mixing: Mixing, symmetry: bool = False) -> SDPResult:
    """Solve ``Γ(base + s·direction) ⪰ 0`` with ``mixing``'s objective; verdict on its margin, and the
    witness from the LMI dual scaled so that its bound is 0 and ``β_F(σ) =`` the margin.  ``symmetry``: the
    free blocks restricted to the invariant ones, Γ split into symmetry-adapted blocks."""
    _check_kind(sigma)
    start = time.perf_counter()
    sc = sigma.scenario
    num = sigma.to_numeric()
    words = level_words(sc, level)
    values = {w: numeric_matrix(marginal(num, word_key(sc, w))) for w in data_words(sc)}
    if noise is not None:
        noise_num = noise.to_numeric()
        noise_values = {w: numeric_matrix(marginal(noise_num, word_key(sc, w))) for w in values}
    else:
        noise_values = {w: white_marginal(sc, w) for w in values}
    real = all(np.allclose(v.imag, 0) for v in list(values.values()) + list(noise_values.values()))
    parts = {w: mixing.parts(values[w], noise_values[w]) for w in values}
    if real:
        parts = {w: (base.real, direction.real) for w, (base, direction) in parts.items()}
    reduced, fallback = None, None
    if symmetry:
        try:
            reduced = reduce_data(sc, words, sigma, noise if noise is not None else noise_assemblage(sc, "white"),
                                  parts, real)
        except ArithmeticError as exc:  # never wrong: the plain problem
            fallback = f"symmetry: not reduced ({exc})"
    reduction, lift = reduced if reduced is not None else (None, None)
    s = picos.RealVariable("v" if mixing.visibility else "t") if reduction is None else reduction.variable[0]

    def data(w):
        base, direction = parts[w]
        return picos.Constant(base) + s * picos.Constant(direction)

    mm = build(words, sc.dim, data, real, free=None if reduction is None else reduction.blocks.get)
    problem = picos.Problem()
    if reduction is None:
        lmis = [problem.add_constraint(mm.expression >> 0)]
    else:
        lmis = [problem.add_constraint(b >> 0) for b in reduction.psd_constraints(mm.expression, mm.size, real)]
    mixing.pose(problem, s)
    compiled = time.perf_counter() - start
    what = "visibility" if mixing.visibility else "membership"
    outcome = run(problem, f"{level} {what} of {sigma.name}", solver=solver)
    result = SDPResult(task=f"quantum level {level}", value=outcome.value, status=outcome.status,
                       tolerance=tolerance, problem=problem, solver=outcome.solver,
                       compile_seconds=compiled, solve_seconds=outcome.seconds,
                       details={"moment_matrix_size": mm.size, "variables": len(mm.variables),
                                "level": str(level)})
    if reduction is not None:
        result.details.update(reduction.describe())
        result.details["symmetry_note"] = reduction.summary()
    elif fallback is not None:
        result.details["symmetry_note"] = fallback
    if outcome.value is None:
        result.verdict = "undecided"
        return result
    result.margin = mixing.margin(outcome.value)
    result.details.update(mixing.describe(outcome.value))
    result.verdict = verdict_from_margin(result.margin, tolerance)
    if all(c.dual is not None for c in lmis) and np.isfinite(result.margin):
        duals = [_dual_matrix(np.asarray(c.dual, dtype=complex), real) for c in lmis]
        if reduction is None:
            zmat = duals[0]
            result.details["dual_matrix"], result.details["words"] = zmat, words  # for steerdsl.sdp.certify
            blocks = dual_blocks(mm, zmat)
            per_word = {w: -_hermitian_part(blocks[w]) for w in values if w in blocks}
            terms = {word_key(sc, w): op for w, op in per_word.items()}
        else:  # the reduced dual, made a witness on full keys by the Reynolds average (symmetry_data.Lift)
            terms = lift.witness(dual_blocks(mm, reduction.full_dual(duals)))
            per_word = _per_word(Functional(sc, terms, exact=False))

        def beta(vals: dict) -> float:
            return float(sum(np.trace(per_word[w] @ vals[w]).real for w in vals if w in per_word))

        if mixing.visibility:
            # β(N + v*(σ − N)) = 0 at the optimum, so β(σ) = c(1 − v*) with c = β(σ) − β(N); rescale to
            # β_F(σ) = (1 − v*)/v* = the margin
            scale = (beta(values) - beta(noise_values)) * outcome.value
            if abs(scale) < 1e-12:
                return result
            terms = {k: op / scale for k, op in terms.items()}
            per_word = {w: op / scale for w, op in per_word.items()}
        result.witness = Functional(sc, terms, exact=False, name=f"F_{sigma.name}")
        result.bound = 0.0
        result.witness_value = beta(values)
    return result


def noise_visibility(sigma: Assemblage, level: str | int = "1+AB", noise: str | Assemblage = "white",
                     solver: str | None = None, tolerance: float = TOLERANCE, symmetry: bool = False) -> SDPResult:
    """Robustness to noise against the relaxation of ``level`` (physics.md §5; Sainz 2026 §6): the
    largest ``v`` with ``vσ + (1 − v)N`` in the relaxation, i.e. the least noise fraction ``r = 1 − v``.
    ``N`` is ``white``, ``ghz``, ``w`` (quantum, so ``v > 1`` proves membership) or a user assemblage
    (then only exclusion is proved).  ``value`` is ``v``; margin ``(1 − v)/v``; witness with bound 0.
    ``symmetry``: reduced by the stabiliser of σ and ``N`` (:func:`membership`)."""
    named = isinstance(noise, str)
    noise_asm = noise_assemblage(sigma.scenario, noise)
    result = _mixed_membership(sigma, level, solver, tolerance, noise_asm, VISIBILITY, symmetry)
    result.task = f"visibility against level {level}"
    result.details["noise"] = noise_asm.name
    if result.value is None:
        result.details["note"] = "no mixture with the noise is in the relaxation: is the noise in it?"
    elif result.verdict == "member" and not named:
        result.verdict = "undecided"
        result.details["note"] = "v > 1 proves membership only for noise known to be in the set"
    return result


def _dual_matrix(dual: np.ndarray, real: bool) -> np.ndarray:
    """picos' LMI dual ``Z`` such that ``tr(ZΓ)`` is the Lagrangian term (its transpose for complex LMIs)."""
    return dual if real else dual.T


def _per_word(functional: Functional) -> dict:
    """``G_w = Σ ± F_key`` over the Collins–Gisin expansions of the keys: ``β_F = Σ_w tr(G_w σ_w) + c``."""
    sc = functional.scenario
    per_word: dict = {}
    for key, op in functional.terms.items():
        F = numeric_matrix(op)
        for sign, w in cg_expansion(sc, key):
            per_word[w] = per_word.get(w, 0) + sign * F
    return per_word


def _functional_objective(per_word: dict, block_of):
    """``Σ_key tr(F_key σ_key)`` with σ_key expanded on Collins–Gisin data words: the operators are first
    summed per word (:func:`_per_word`, numpy), then one picos term ``tr(G_w σ_w)`` per word — not one per
    key and expansion term (the 3-Alice bound's compile was 10 % of its solve)."""
    # F Hermitian: tr(G σ) = ⟨G, σ⟩ (picos' | is tr(Gᴴ σ))
    return picos.sum([(picos.Constant(g) | block_of(w)).real for w, g in per_word.items()])


def bound(functional: Functional, sense: str = "max", level: str | int = "1+AB",
          solver: str | None = None, symmetry: bool | list[Symmetry] = False,
          guard: Callable[[SDPSize], object] | None = None) -> SDPResult:
    """``max`` (or ``min``) of ``β_F(σ) = Σ tr(F_w σ_w) + c`` over the relaxation of ``level``:
    every block of Γ is a variable, ``tr ρ_B = 1``.  An outer bound: every quantum assemblage
    satisfies it (physics.md §4.2).  ``symmetry``: True detects the group of relabellings (combined, of
    several slots and inputs at once) and qubit Cliffords that leaves the objective invariant, poses the SDP
    on the invariant subspace and splits Γ into the blocks of a symmetry-adapted basis
    (:mod:`steerdsl.sdp.symmetry_reduction`; same optimum), a list gives the generators, False (the default
    here; the ``npa`` set turns it on) builds the unreduced problem.  Reported in ``details["symmetry"]``
    and ``details["symmetry_note"]``; the LMI dual (for certificates) is kept only unreduced, so callers
    that certify keep the default.  ``guard`` (e.g. :func:`steerdsl.sdp.size.check_size` with the limits),
    when given, is called on the size of the problem that will be solved before it is built — the reduced
    one (:func:`steerdsl.sdp.size.reduced_size`, after the reduction) or the plain one — and may raise."""
    sc = functional.scenario
    if sc.kind not in ("standard", "multipartite", "bell"):
        raise ValueError(f"bounds over this relaxation are for one Bob without input, not a {sc.kind} scenario")
    start = time.perf_counter()
    real = all(np.allclose(numeric_matrix(op).imag, 0) for op in functional.terms.values())
    words = level_words(sc, level)
    per_word = _per_word(functional)
    reduction = None
    if symmetry is not False and set(data_words(sc)) <= set(words):
        reduction = reduce_symmetry(sc, words, per_word, real, None if symmetry is True else symmetry)
    if reduction is not None:
        gamma, size = reduction.moment_expression(words, sc.dim, real)
        blocks = dict(reduction.blocks)
    else:
        if guard is not None:
            guard(moment_size(sc, level, sc.dim, task="NPA bound"))
        mm = build(words, sc.dim, lambda w: None, real, name="S")
        gamma, size = mm.expression, mm.size
        blocks = dict(mm.variables)
    problem = picos.Problem()
    if reduction is not None:  # Γ ⪰ 0 as its blocks in a symmetry-adapted basis
        lmi = None
        split = reduction.psd_constraints(gamma, size, real, guard)
        problem.add_list_of_constraints([b >> 0 for b in split])
    else:
        lmi = problem.add_constraint(gamma >> 0)
    problem.add_constraint(picos.trace(blocks[EMPTY]) == 1)
    for k, w in enumerate(w for w in data_words(sc) if w not in blocks):  # products beyond the level
        blocks[w] = (picos.SymmetricVariable if real else picos.HermitianVariable)(f"E{k}", sc.dim)
    if not set(data_words(sc)) <= set(words):
        # σ_{a|x} ⪰ 0 follows from Γ ⪰ 0 only when every data word labels a row (Γ(w, w) = σ_w): below
        # that level (e.g. level 1 with two Alices) impose it, so the relaxation stays inside no-signalling
        for key in sc.keys():
            problem.add_constraint(sum(sign * blocks[w] for sign, w in cg_expansion(sc, key)) >> 0)
    objective = _functional_objective(per_word, lambda w: blocks[w])
    problem.set_objective(sense, objective)
    compiled = time.perf_counter() - start
    outcome = run(problem, f"{sense} of {functional.name} over level {level}", solver=solver)
    value = None if outcome.value is None else outcome.value + complex(functional.constant).real
    details = {"moment_matrix_size": size, "level": str(level)}
    if reduction is not None:
        details.update(reduction.describe())
        details["symmetry_note"] = reduction.summary()
    if value is not None:  # the optimal Γ's first row: the maximising assemblage's Collins–Gisin blocks
        details["optimiser_blocks"] = {w: numeric_matrix(blocks[w].value) for w in data_words(sc)}
        if lmi is not None and lmi.dual is not None:  # for steerdsl.sdp.certify
            details["dual_matrix"] = _dual_matrix(np.asarray(lmi.dual, dtype=complex), real)
            details["words"] = words
    return SDPResult(task=f"bound {sense} over level {level}", value=value, status=outcome.status,
                     tolerance=TOLERANCE, bound=value, problem=problem, solver=outcome.solver,
                     compile_seconds=compiled, solve_seconds=outcome.seconds, details=details)


def functional_is_real(functional: Functional) -> bool:
    """Every operator of the functional (each Bob's part, with several Bobs) is real."""
    return all(np.allclose(numeric_matrix(op).imag, 0) for element in functional.terms.values()
               for op in (element if isinstance(element, tuple) else (element,)))


def structured_objective(functional: Functional, ns: NoSignallingStructure, block_of):
    """``β_F`` on a kind's copies (:mod:`steerdsl.model.nosignalling`): each element's operator (each Bob's
    part) pairs with the copy holding it, summed per Collins–Gisin word of the base scenario in numpy, then one
    picos term ``tr(G σ_w)`` per copy and word; ``block_of(c, w)`` is copy c's block of word w."""
    sc = functional.scenario
    per_copy: list[dict] = [{} for _ in ns.copies]
    for key, element in full_key_terms(functional).items():
        for loc in ns.locate(sc, key):
            op = numeric_matrix(element[loc.part] if loc.part is not None else element)
            for sign, w in cg_expansion(ns.base, loc.key):
                per_copy[loc.copy][w] = per_copy[loc.copy].get(w, 0) + sign * op
    return picos.sum([(picos.Constant(g) | block_of(c, w)).real
                      for c, per_word in enumerate(per_copy) for w, g in per_word.items()])


def nosignalling_bound(functional: Functional, sense: str = "max", solver: str | None = None) -> SDPResult:
    """``max`` (or ``min``) of ``β_F`` over all no-signalling assemblages of the functional's scenario kind,
    built from its declared structure (:mod:`steerdsl.model.nosignalling`): for every copy (one Bob, each Bob
    input y, each Bob, each instrumental y = a) Collins–Gisin variables for every marginal, every full
    element ``⪰ 0``, ``tr ρ_B = 1``, and the trace of every marginal shared across copies.  The functional
    pairs with the copy holding each of its elements (the unobserved instrumental copies stay free).
    ``details["maximiser"]`` is the optimal assemblage, numeric, in the functional's scenario."""
    sc = functional.scenario
    ns = structure(sc)  # refuses the kinds without a declared set (E302)
    if ns.elementwise:  # sequential: relations on the full elements, not Collins–Gisin copies
        from steerdsl.sdp.sequential import sequential_nosignalling_bound

        return sequential_nosignalling_bound(functional, sense=sense, solver=solver)
    start = time.perf_counter()
    real = functional_is_real(functional)
    words = data_words(ns.base)
    var = [{w: (picos.SymmetricVariable if real else picos.HermitianVariable)(f"s{c}_{k}", copy.dim)
            for k, w in enumerate(words)} for c, copy in enumerate(ns.copies)]
    problem = picos.Problem()
    problem.add_constraint(picos.trace(var[0][EMPTY]) == 1)
    for c in range(len(ns.copies)):
        for key in ns.base.keys():
            problem.add_constraint(sum(sign * var[c][w] for sign, w in cg_expansion(ns.base, key)) >> 0)
        if c:  # the same p(a|x) in every copy: one trace equality per Collins–Gisin word, none repeated
            problem.add_list_of_constraints([picos.trace(var[c][w]) == picos.trace(var[0][w]) for w in words])
    problem.set_objective(sense, structured_objective(functional, ns, lambda c, w: var[c][w]))
    compiled = time.perf_counter() - start
    outcome = run(problem, f"{sense} of {functional.name} over no-signalling assemblages", solver=solver)
    value = None if outcome.value is None else outcome.value + complex(functional.constant).real
    details: dict = {"copies": [copy.label for copy in ns.copies]} if len(ns.copies) > 1 else {}
    if value is not None:
        details["maximiser"] = _structured_assemblage(sc, ns, var)
    return SDPResult(task=f"bound {sense} over no-signalling", value=value, status=outcome.status,
                     tolerance=TOLERANCE, bound=value, problem=problem, solver=outcome.solver,
                     compile_seconds=compiled, solve_seconds=outcome.seconds, details=details)


def _structured_assemblage(sc: Scenario, ns: NoSignallingStructure, var: list[dict]) -> Assemblage:
    """The optimal no-signalling assemblage of ``sc`` from the solved copies' Collins–Gisin variables: each
    element is its copy's full element ``Σ ± σ_w`` (several Bobs: a tuple, one per Bob; instrumental: the
    observed copy ``y = a`` only, the others stay in the SDP)."""
    values = [{w: numeric_matrix(v.value) for w, v in copy.items()} for copy in var]

    def full(loc) -> np.ndarray:
        return _hermitian_part(sum(sign * values[loc.copy][w] for sign, w in cg_expansion(ns.base, loc.key)))

    elements = {}
    for key in sc.keys():
        locations = ns.locate(sc, key)
        elements[key] = tuple(full(loc) for loc in locations) if sc.kind == "several_bobs" else full(locations[0])
    return Assemblage(sc, elements, exact=False, name="sigma_max")


def visibility(sigma: Assemblage, against: str = "almost_quantum", noise="white", level: str | None = None,
               solver: str | None = None) -> SDPResult:
    """:func:`noise_visibility` at ``level`` (almost quantum by default)."""
    return noise_visibility(sigma, level or "1+AB", noise, solver)

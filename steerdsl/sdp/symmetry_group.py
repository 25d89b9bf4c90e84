"""The symmetry group of a bound's objective: every relabelling combined with a Bob unitary that leaves it invariant
(and, for complex data, with a Bob antiunitary ``X ↦ U conj(X) U†``).

The objective ``Σ_w Re tr(G_w X_w)`` on Collins–Gisin words is written on the full keys ``k = (a, x)`` in
its one relabelling-covariant form: the least-norm ``F*`` with ``E F* = G`` (``E`` the Collins–Gisin
expansion, ``F* = E⁺ G``).  A relabelling ``g`` (Alice slots ``π``, inputs ``τ_j``, outcomes ``σ_{j,x}``)
permutes the full keys orthogonally and maps ``ker E`` (functionals that vanish on every no-signalling
assemblage) to itself, so it commutes with the projector ``E⁺E``; hence ``g`` with Bob's ``U`` leaves the
objective invariant iff ``F*_{g(k)} = U† F*_k U`` for every full key (in the convention of
:func:`steerdsl.sdp.symmetry.action_matrix`).  The stabiliser is enumerated by backtracking over
``(π_j, τ_j(x), σ_{j,x})`` slot by slot and input by input, pruned by the unitarily invariant sums
``Σ (tr F*_k, tr F*_k²)`` over the keys extending each partial assignment of a subset of slots (McKay-style
refinement by invariants, unchanged by complex conjugation; the candidate unitaries, qubit Cliffords modulo
phase, are tried on the leaves, each also combined with conjugation when ``F*`` is not real).
Every generator returned is checked again on the moment-level action (:func:`steerdsl.sdp.symmetry.invariant`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sympy.combinatorics import Permutation, PermutationGroup

from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Key, Scenario
from steerdsl.sdp.moment_matrix import cg_expansion, data_words
from steerdsl.sdp.npa_words import Word
from steerdsl.sdp.symmetry import (
    NULL_TOLERANCE,
    Symmetry,
    action_matrix,
    faithful_permutation,
    invariant,
)

ELEMENT_LIMIT = 20000
"""At most this many group elements are enumerated (the generators then span a subgroup, which is still exact)."""

Letters = tuple[tuple[int, int, int], ...]


@functools.cache
def cliffords() -> list[np.ndarray]:
    """The 24 single-qubit Clifford unitaries modulo phase (closure of ``H`` and ``S``), identity first."""
    h = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
    s = np.diag([1, 1j])
    found = [np.eye(2, dtype=complex)]
    frontier = list(found)
    while frontier:
        nxt = []
        for u in frontier:
            for g in (h, s):
                v = g @ u
                if not any(abs(abs(np.trace(w.conj().T @ v)) - 2) < 1e-9 for w in found):
                    found.append(v)
                    nxt.append(v)
        frontier = nxt
    return found


def unitary_candidates(dim: int) -> list[np.ndarray | None]:
    """Bob unitaries tried with every relabelling: the identity (None), and for a qubit the Cliffords."""
    return [None] + (cliffords()[1:] if dim == 2 else [])


def canonical_terms(scenario: Scenario, per_word: dict[Word, np.ndarray]) -> tuple[list[Letters], np.ndarray]:
    """The full keys (as letter tuples) and ``F* = E⁺ G`` on them, shape ``(keys, d, d)``: the least-norm
    full-key functional with Collins–Gisin coefficients ``G_w`` (unique, hence relabelling-covariant)."""
    words = data_words(scenario)
    row = {w: i for i, w in enumerate(words)}
    keys = [key for key in scenario.keys()]
    expansion = np.zeros((len(words), len(keys)))
    for col, key in enumerate(keys):
        for sign, w in cg_expansion(scenario, key):
            expansion[row[w], col] += sign
    d = scenario.dim
    g = np.zeros((len(words), d, d), dtype=complex)
    for w, op in per_word.items():
        g[row[w]] = np.asarray(op, dtype=complex).reshape(d, d)
    terms = np.einsum("kw,wij->kij", np.linalg.pinv(expansion), g)
    return key_letters(scenario), terms


def key_letters(scenario: Scenario) -> list[Letters]:
    """Every full key ``(a, x, ())`` as its letters ``((j, x_j, a_j), …)``, in the order of ``scenario.keys()``."""
    return [tuple((j, x, a) for j, (a, x) in enumerate(zip(key[0], key[1], strict=True))) for key in scenario.keys()]


def _tables(letters: list[Letters], terms: np.ndarray, slots: int) -> dict[Letters, np.ndarray]:
    """For every nonempty subset T of slots and every assignment of letters on T: the sums of the invariants
    ``(tr F*_k, tr F*_k²)`` over the full keys extending it."""
    scalars = np.stack([np.einsum("kii->k", terms).real, np.einsum("kij,kji->k", terms, terms).real], axis=1)
    out: dict[Letters, np.ndarray] = {}
    for size in range(1, slots + 1):
        for subset in itertools.combinations(range(slots), size):
            for key, value in zip(letters, scalars, strict=True):
                part = tuple(key[j] for j in subset)
                out[part] = out.get(part, 0) + value
    return out


@dataclass
class _Search:
    """Backtracking state: ``pi[j]``, ``tau[j][x]``, ``sigma[j][x]`` for the decided part."""

    scenario: Scenario
    tables: dict[Letters, np.ndarray]
    tolerance: float
    limit: int

    def __post_init__(self) -> None:
        slots = self.scenario.slots
        self.pi: list[int | None] = [None] * len(slots)
        self.tau: list[list[int | None]] = [[None] * s.inputs for s in slots]
        self.sigma: list[list[tuple[int, ...] | None]] = [[None] * s.inputs for s in slots]
        self.found: list[tuple[tuple[int, ...], tuple, tuple]] = []
        # entries checked once slot j's input x is decided: subsets whose last slot is j, with x_j = x
        self.checks: dict[tuple[int, int], list[Letters]] = {}
        for part in self.tables:
            j, x, _ = part[-1]
            self.checks.setdefault((j, x), []).append(part)

    def _image(self, part: Letters) -> Letters:
        return tuple(sorted((self.pi[j], self.tau[j][x], self.sigma[j][x][a]) for j, x, a in part))

    def _consistent(self, j: int, x: int) -> bool:
        for part in self.checks.get((j, x), []):
            image = self.tables.get(self._image(part))
            if image is None or np.abs(image - self.tables[part]).max() > self.tolerance:
                return False
        return True

    def run(self) -> bool:
        """Enumerate; True when :attr:`limit` stopped it."""
        return self._slot(0)

    def _slot(self, j: int) -> bool:
        slots = self.scenario.slots
        if j == len(slots):
            self.found.append((tuple(self.pi), tuple(tuple(t) for t in self.tau),
                               tuple(tuple(s) for s in self.sigma)))
            return len(self.found) >= self.limit
        for target in range(len(slots)):
            if target in self.pi[:j] or slots[target].inputs != slots[j].inputs or \
                    sorted(slots[target].outputs) != sorted(slots[j].outputs):
                continue
            self.pi[j] = target
            if self._input(j, 0):
                return True
        self.pi[j] = None
        return False

    def _input(self, j: int, x: int) -> bool:
        slots = self.scenario.slots
        if x == slots[j].inputs:
            return self._slot(j + 1)
        target = slots[self.pi[j]]
        k = slots[j].outputs[x]
        for y in range(target.inputs):
            if y in self.tau[j][:x] or target.outputs[y] != k:
                continue
            for perm in itertools.permutations(range(k)):
                self.tau[j][x], self.sigma[j][x] = y, perm
                if self._consistent(j, x) and self._input(j, x + 1):
                    return True
        self.tau[j][x], self.sigma[j][x] = None, None
        return False


@dataclass
class DetectedGroup:
    """The group used: its order, generators, and whether the enumeration was cut at :data:`ELEMENT_LIMIT`
    (then it may be a subgroup of the full stabiliser, which is still exact, only less reduced)."""

    order: int
    generators: list[Symmetry]
    cut: bool


def _unitaries_for(key_index: dict[Letters, int], letters: list[Letters], terms: np.ndarray,
                   g: Symmetry, tolerance: float) -> list[tuple[np.ndarray | None, bool]]:
    """The candidate unitaries ``U`` with ``F*_{g(k)} = U† F*_k U`` on every full key, and, when ``F*`` is
    not real, the antiunitary ones (``conjugate`` True) with ``F*_{g(k)} = conj(U† F*_k U)``: then
    ``Σ_k Re tr(F*_k U conj(X_{g(k)}) U†) = Σ_k Re tr(conj(U† F*_k U) X_{g(k)})`` is the objective again."""
    image = [key_index[tuple(sorted((g.slots[j], g.inputs[j][x], g.outcomes[j][x][a]) for j, x, a in key))]
             for key in letters]
    moved = terms[image]
    antiunitary = (False, True) if np.abs(terms.imag).max(initial=0.0) > tolerance else (False,)
    out = []
    for u in unitary_candidates(terms.shape[1]):
        target = terms if u is None else np.einsum("ji,kjl,lm->kim", u.conj(), terms, u)
        for conjugate in antiunitary:
            if np.abs(moved - (target.conj() if conjugate else target)).max(initial=0.0) <= tolerance:
                out.append((u, conjugate))
    return out


def detect(scenario: Scenario, reps: list[Word], per_word: dict[Word, np.ndarray],
           objective: np.ndarray) -> DetectedGroup:
    """The group of relabellings × Bob unitaries leaving the objective invariant (module docstring), as a
    small generating set chosen greedily (an element joins when it is not yet generated), each generator
    verified on the moment action (``c A_g = c``; the level's word set closed under it)."""
    letters, terms = canonical_terms(scenario, per_word)
    return stabiliser(scenario, reps, letters, terms, lambda g, matrix: invariant(objective, matrix))


def stabiliser(scenario: Scenario, reps: list[Word], letters: list[Letters], terms: np.ndarray,
               accept: Callable[[Symmetry, sp.spmatrix], bool]) -> DetectedGroup:
    """The relabellings × Bob unitaries ``g`` with ``T_{g(k)} = U† T_k U`` on every full key (``terms``, shape
    ``(keys, d, d)``, on the keys ``letters``), found by the pruned backtracking of the module docstring, as a
    small generating set chosen greedily; a candidate generator joins only when ``accept(g, A_g)`` holds for
    its moment action ``A_g`` (the level's word set closed under ``g``).  The objective of a bound
    (:func:`detect`) and the data of a membership (:mod:`steerdsl.sdp.symmetry_data`) both use it."""
    scale = max(1.0, float(np.abs(terms).max(initial=0.0)))
    tolerance = NULL_TOLERANCE * scale * 10
    tables = _tables(letters, terms, len(scenario.slots))
    search = _Search(scenario, tables, tolerance * len(letters), ELEMENT_LIMIT)
    cut = search.run()
    key_index = {key: i for i, key in enumerate(letters)}
    elements = []
    for slots, inputs, outcomes in search.found:
        g = Symmetry(slots, inputs, outcomes)
        elements += [Symmetry(slots, inputs, outcomes, u, conjugate)
                     for u, conjugate in _unitaries_for(key_index, letters, terms, g, tolerance)]
    generators: list[Symmetry] = []
    group = PermutationGroup([Permutation(list(range(faithful_permutation(scenario, elements[0]).size)))])
    for g in elements:
        if group.order() == len(elements):
            break
        perm = faithful_permutation(scenario, g)
        if group.contains(perm):
            continue
        try:
            matrix = action_matrix(scenario, reps, g)
        except ValueError:  # the level's word set is not closed under g
            continue
        if accept(g, matrix):
            generators.append(g)
            group = PermutationGroup(group.generators + [perm])
    return DetectedGroup(int(group.order()), generators, cut)


def key_image(g: Symmetry, key: Key) -> Key:
    """The full key ``g(k)``: the letter ``(j, x_j, a_j)`` goes to ``(π_j, τ_j(x_j), σ_{j,x_j}(a_j))``."""
    a, x, rest = key
    n = len(a)
    new_a: list[int] = [0] * n
    new_x: list[int] = [0] * n
    for j in range(n):
        new_a[g.slots[j]] = g.outcomes[j][x[j]][a[j]]
        new_x[g.slots[j]] = g.inputs[j][x[j]]
    return tuple(new_a), tuple(new_x), rest


def orbit_average(functional: Functional, generators: list[Symmetry]) -> Functional:
    """The Reynolds average ``F'_k = (1/|G|) Σ_{g∈G} F_{g(k)}`` over the relabelling group generated by
    ``generators`` (their unitaries and conjugations are ignored), on full keys (a marginal key raises ValueError):
    ``F'_{h(k)} = F'_k`` for every ``h ∈ G``, so every relabelling of G leaves ``β_{F'}`` invariant."""
    sc = functional.scenario
    keys = list(sc.keys())
    if any(key not in set(keys) for key in functional.terms):
        raise ValueError("orbit_average takes a functional on full keys")
    index = {key: i for i, key in enumerate(keys)}
    perms = [tuple(index[key_image(g, key)] for key in keys) for g in generators]
    elements = {tuple(range(len(keys)))}
    frontier = list(elements)
    while frontier:  # closure under the generators (the group is finite)
        nxt = []
        for p in frontier:
            for q in perms:
                r = tuple(q[i] for i in p)
                if r not in elements:
                    elements.add(r)
                    nxt.append(r)
        frontier = nxt
    d = sc.dim
    zero = np.zeros((d, d), dtype=complex)
    ops = [np.asarray(functional.terms.get(key, zero), dtype=complex).reshape(d, d) for key in keys]
    # summed in a canonical (sorted) order: keys of one orbit get bit-identical operators
    averaged = {key: sum(ops[j] for j in sorted(p[i] for p in elements)) / len(elements)
                for i, key in enumerate(keys)}
    return Functional(sc, averaged, exact=False, name=f"{functional.name}_avg", constant=functional.constant)

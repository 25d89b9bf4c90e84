"""Cross-check of steerdsl's no-signalling and LHS bounds against an independent reference.

tests/reference_sets.py builds the sets of physics.md §2, §3.1, §3.2, §9 from numpy arrays with picos alone
(no steerdsl code).  Here seeded random Hermitian functionals, rounded to three decimals, are written into
``.steer`` model text as exact decimal matrix literals, steerdsl answers ``bound max F over nosignalling`` and
``bound max F over lhs`` through the language (``run_model``), and the reference solves the same problems on
the same numbers.  Checked for the standard, Bob-with-input (BWI), instrumental and several-Bobs scenarios:

* steerdsl's NS and LHS bounds equal the reference's to 1e-6;
* the reference's LHS SDP equals its enumeration over deterministic strategies (max_λ of eigenvalue sums);
* LHS ≤ NS, and the value of random quantum assemblages (random states, projective measurements, random
  CPTP channels from Stinespring isometries for Bob's input) is ≤ steerdsl's NS bound;
* known values: BWI F[a|x y] = (-1)^(a + x*y) Z (LHS 2, NS 4); several Bobs F[a|x] = (-1)^a kron(P_x, I),
  P = Z, X (LHS √2, NS 2).

Run against another branch's steerdsl with ``PYTHONPATH=/path/to/branch pytest tests/test_cross_check.py``
(from the repository root, so that the checkout's own ``steerdsl`` is not first on ``sys.path``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest
import reference_sets as ref

import steerdsl as sd
from steerdsl.run import run_model

TOL = 1e-6
DIGITS = 3                     # functional entries are multiples of 10^-3, written as exact decimals

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1, -1]).astype(complex)


# ---------------------------------------------------------------------------------------- functionals

def random_hermitian(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random Hermitian d×d matrix with entries rounded to DIGITS decimals (so the model text is exact)."""
    g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    h = (g + g.conj().T) / 2
    return np.round(h.real, DIGITS) + 1j * np.round(h.imag, DIGITS)


def _number(z: complex) -> str:
    re = f"{z.real:.{DIGITS}f}"
    if round(z.imag, DIGITS) == 0:
        return re
    sign = "-" if z.imag < 0 else "+"
    return f"({re} {sign} {abs(z.imag):.{DIGITS}f}*i)"


def literal(M: np.ndarray) -> str:
    """A matrix literal of the language with exact decimal entries."""
    return "[" + ", ".join("[" + ", ".join(_number(z) for z in row) + "]" for row in M) + "]"


@dataclass(frozen=True)
class Case:
    kind: str       # standard | bwi | instrumental | several_bobs
    m: int          # Alice's inputs
    k: int          # Alice's outcomes
    seed: int
    structured: bool = False   # a steering functional (rotated) plus small random noise: LHS < NS by a margin

    @property
    def id(self) -> str:
        return f"{self.kind}-m{self.m}k{self.k}-{'steering' if self.structured else 'random'}{self.seed}"


PAULIS = (Z, X, Y)


def _rounded(M: np.ndarray) -> np.ndarray:
    return np.round(M.real, DIGITS) + 1j * np.round(M.imag, DIGITS)


def _random_functional(case: Case, rng: np.random.Generator):
    m, k = case.m, case.k
    if case.kind == "bwi":
        return np.array([[[random_hermitian(rng, 2) for _ in range(2)] for _ in range(k)] for _ in range(m)])
    if case.kind == "several_bobs":
        return [np.array([[random_hermitian(rng, 2) for _ in range(k)] for _ in range(m)]) for _ in range(2)]
    return np.array([[random_hermitian(rng, 2) for _ in range(k)] for _ in range(m)])


def _steering_functional(case: Case, rng: np.random.Generator):
    """(-1)^a U P_x U† (P = Z, X, Y), for BWI (-1)^(a + x·y) U_y Z U_y† (2 inputs) or PRL 2020 eq. 6's
    (-1)^(a + [x=1][y=1]) U_y P_x U_y† (3 inputs), for the instrumental scenario E3's
    (-1)^(a + [x=1][a=1]) U P_x U†; several Bobs: one such term on each Bob with its own U."""
    m, k = case.m, case.k

    def rot(P, U):
        return U @ P @ U.conj().T

    if case.kind == "bwi":
        us = [ref.random_unitary(rng, 2) for _ in range(2)]
        sign = (lambda a, x, y: (-1) ** (a + x * y)) if m == 2 else (lambda a, x, y: (-1) ** (a + (x == 1) * (y == 1)))
        base = (lambda x: Z) if m == 2 else (lambda x: PAULIS[x])
        return np.array([[[sign(a, x, y) * rot(base(x), us[y]) for y in range(2)] for a in range(k)]
                         for x in range(m)])
    if case.kind == "instrumental":
        U = ref.random_unitary(rng, 2)
        return np.array([[(-1) ** (a + (x == 1) * (a == 1)) * rot(PAULIS[x], U) for a in range(k)] for x in range(m)])
    if case.kind == "several_bobs":
        return [np.array([[(-1) ** a * rot(PAULIS[x], ref.random_unitary(rng, 2)) for a in range(k)]
                          for x in range(m)]) for _ in range(2)]
    U = ref.random_unitary(rng, 2)
    return np.array([[(-1) ** a * rot(PAULIS[x], U) for a in range(k)] for x in range(m)])


def reference_functional(case: Case):
    """The functional's numbers in reference_sets' layout (see its docstring), rounded to DIGITS decimals."""
    rng = np.random.default_rng(1000 + case.seed)
    F = _random_functional(case, rng)
    if case.structured:
        S = _steering_functional(case, rng)
        F = [_rounded(s + 0.3 * f) for s, f in zip(S, F, strict=True)] if case.kind == "several_bobs" \
            else _rounded(S + 0.3 * F)
    return F


def model_text(case: Case, F, questions: str) -> str:
    """The same functional as ``.steer`` text: a table of exact decimal matrices (several Bobs: one formula per
    (a, x) on the joint space H_1 ⊗ H_2, kron(F1, I) + kron(I, F2), physics.md §9)."""
    m, k = case.m, case.k
    alice = f"    alice A : inputs {m}, outputs {k}\n"
    if case.kind == "several_bobs":
        bobs = "    bob   B1 : dim 2\n    bob   B2 : dim 2\n"
        lines = [f"    a == {a} and x == {x} : kron({literal(F[0][x, a])}, I(2)) + kron(I(2), {literal(F[1][x, a])})"
                 for x in range(m) for a in range(k)]
        body = "functional F[a|x] {\n" + "\n".join(lines) + "\n}\n"
    else:
        bobs = {"standard": "    bob   B : dim 2\n", "bwi": "    bob   B : dim 2, inputs 2\n",
                "instrumental": "    bob   B : dim 2, input = outcome of A\n"}[case.kind]
        if case.kind == "bwi":
            lines = [f"    F[{a}|{x} {y}] = {literal(F[x, a, y])}"
                     for x in range(m) for a in range(k) for y in range(2)]
        else:
            lines = [f"    F[{a}|{x}] = {literal(F[x, a])}" for x in range(m) for a in range(k)]
        body = "functional F table {\n" + "\n".join(lines) + "\n}\n"
    return "scenario {\n" + alice + bobs + "}\n" + body + questions


# ------------------------------------------------------------------------------------------ steerdsl

def steerdsl_bounds(text: str) -> dict[str, float]:
    """Run the model's bound lines through steerdsl; {'bound max F over nosignalling': value, …} (by line text)."""
    report = run_model(sd.loads(text))
    assert not report.diagnostics, [d.message for d in report.diagnostics]
    out = {}
    for answer in report.answers:
        assert answer.result is not None and answer.result.value is not None, answer.text
        out[answer.text] = float(answer.result.value)
    return out


NS, LHS, NS_MIN = "bound max F over nosignalling", "bound max F over lhs", "bound min F over nosignalling"
Q1, Q = "bound max F over quantum level 1", "bound max F over quantum"
QUESTIONS = "".join(f"{q}\n" for q in (NS, LHS, NS_MIN))
# BWI / instrumental: also the hierarchy (physics.md §4.3) at level 1 and at the default level of 'quantum'
QUANTUM_QUESTIONS = f"{Q1}\n{Q}\n"


# ------------------------------------------------------------------------------------------ reference

def _neg(F):
    return [-f for f in F] if isinstance(F, list) else -F


REFERENCE_NS = {"standard": ref.ns_standard, "bwi": ref.ns_bwi, "instrumental": ref.ns_instrumental,
                "several_bobs": ref.ns_several_bobs}
REFERENCE_LHS = {"standard": (ref.lhs_standard_sdp, ref.lhs_standard_enum),
                 "bwi": (ref.lhs_bwi_sdp, ref.lhs_bwi_enum),
                 "instrumental": (ref.lhs_instrumental_sdp, ref.lhs_instrumental_enum),
                 "several_bobs": (ref.lhs_several_bobs_sdp, ref.lhs_several_bobs_enum)}


def quantum_members(case: Case, count: int = 4):
    rng = np.random.default_rng(2000 + case.seed)
    for _ in range(count):
        if case.kind == "standard":
            yield ref.quantum_standard(rng, case.m, case.k, 2)
        elif case.kind == "bwi":
            yield ref.quantum_bwi(rng, case.m, case.k, 2, 2)
        elif case.kind == "instrumental":
            yield ref.quantum_instrumental(rng, case.m, case.k, 2)
        else:
            yield ref.quantum_several_bobs(rng, case.m, case.k, [2, 2])


def member_value(case: Case, F, sigma) -> float:
    return ref.value_several_bobs(F, sigma) if case.kind == "several_bobs" else ref.value(F, sigma)


REFERENCE_QUANTUM = {"bwi": ref.quantum_bwi_level1, "instrumental": ref.quantum_instrumental_level1,
                     "several_bobs": ref.parent_states_several_bobs}


@functools.cache
def computed(case: Case) -> dict[str, float]:
    """steerdsl's and the reference's numbers for one case (computed once, shared by its tests)."""
    F = reference_functional(case)
    questions = QUESTIONS + (QUANTUM_QUESTIONS if case.kind in ("bwi", "instrumental") else "")
    out = {"sd_" + key: v for key, v in steerdsl_bounds(model_text(case, F, questions)).items()}
    lhs_sdp, lhs_enum = REFERENCE_LHS[case.kind]
    out.update(ref_ns=REFERENCE_NS[case.kind](F), ref_ns_min=-REFERENCE_NS[case.kind](_neg(F)),
               ref_lhs=lhs_sdp(F), ref_lhs_enum=lhs_enum(F))
    if case.kind in REFERENCE_QUANTUM:
        out["ref_q"] = REFERENCE_QUANTUM[case.kind](F)
    return out


KINDS = ("standard", "bwi", "instrumental", "several_bobs")
CASES = [Case(kind, 2, 2, seed) for kind in KINDS for seed in (0, 1, 2)]
CASES += [Case(kind, 3, 2, 7) for kind in KINDS]
CASES += [Case(kind, m, 2, 11 + m, structured=True) for kind in KINDS for m in (2, 3)]
QUANTUM_CASES = [c for c in CASES if c.kind in ("bwi", "instrumental")]


def _ids(cases):
    return [c.id for c in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_nosignalling_bound_matches_reference(case):
    c = computed(case)
    assert c["sd_" + NS] == pytest.approx(c["ref_ns"], abs=TOL)
    assert c["sd_" + NS_MIN] == pytest.approx(c["ref_ns_min"], abs=TOL)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_lhs_bound_matches_reference(case):
    c = computed(case)
    assert c["ref_lhs"] == pytest.approx(c["ref_lhs_enum"], abs=TOL)       # the reference agrees with itself
    assert c["sd_" + LHS] == pytest.approx(c["ref_lhs"], abs=TOL)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_ordering_and_quantum_members(case):
    """LHS ≤ (quantum ≤) NS, and random quantum assemblages of the kind stay below every outer bound."""
    c = computed(case)
    assert c["sd_" + LHS] <= c["sd_" + NS] + TOL
    assert c["sd_" + NS_MIN] <= c["sd_" + NS] + TOL
    uppers = [c["sd_" + NS], c["ref_ns"]]
    if case.kind in ("bwi", "instrumental"):
        assert c["sd_" + LHS] - TOL <= c["sd_" + Q] <= c["sd_" + Q1] + TOL
        assert c["sd_" + Q1] <= c["sd_" + NS] + TOL
        uppers += [c["sd_" + Q], c["sd_" + Q1], c["ref_q"]]
    if case.kind == "several_bobs":
        assert c["ref_lhs"] - TOL <= c["ref_q"] <= c["ref_ns"] + TOL
        uppers.append(c["ref_q"])
    F = reference_functional(case)
    for sigma in quantum_members(case):
        if case.kind == "bwi":
            assert ref.is_ns_bwi(sigma)
        elif case.kind == "several_bobs":
            assert ref.is_ns_several_bobs(sigma)
        v = member_value(case, F, sigma)
        assert c["sd_" + NS_MIN] - TOL <= v <= min(uppers) + TOL


@pytest.mark.parametrize("case", QUANTUM_CASES, ids=_ids(QUANTUM_CASES))
def test_bwi_hierarchy_level_one_matches_reference(case):
    """'bound max F over quantum level 1' against the reference's level-1 BWI / instrumental relaxation."""
    c = computed(case)
    assert c["sd_" + Q1] == pytest.approx(c["ref_q"], abs=TOL)


# ------------------------------------------------------------------------------------------ known values

BWI_PR = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, inputs 2
}
functional F[a|x y] = (-1)^(a + x*y) * Z
bound max F over nosignalling
bound max F over lhs
"""

TWO_BOBS_ZX = """
scenario {
    alice A : inputs 2, outputs 2
    bob   B1 : dim 2
    bob   B2 : dim 2
}
functional F[a|x] = (-1)^a * kron((Z if x == 0 else X), I(2))
bound max F over nosignalling
bound max F over lhs
"""


def test_bwi_pr_box_functional_known_values():
    F = np.array([[[(-1) ** (a + x * y) * Z for y in range(2)] for a in range(2)] for x in range(2)])
    got = steerdsl_bounds(BWI_PR)
    assert got[NS] == pytest.approx(4, abs=TOL) and ref.ns_bwi(F) == pytest.approx(4, abs=TOL)
    assert got[LHS] == pytest.approx(2, abs=TOL) and ref.lhs_bwi_sdp(F) == pytest.approx(2, abs=TOL)
    assert ref.lhs_bwi_enum(F) == pytest.approx(2, abs=1e-12)


def test_several_bobs_bob_one_functional_known_values():
    P = [Z, X]
    F = [np.array([[(-1) ** a * P[x] for a in range(2)] for x in range(2)]), np.zeros((2, 2, 2, 2), dtype=complex)]
    got = steerdsl_bounds(TWO_BOBS_ZX)
    assert got[NS] == pytest.approx(2, abs=TOL) and ref.ns_several_bobs(F) == pytest.approx(2, abs=TOL)
    assert got[LHS] == pytest.approx(np.sqrt(2), abs=TOL)
    assert ref.lhs_several_bobs_sdp(F) == pytest.approx(np.sqrt(2), abs=TOL)
    assert ref.lhs_several_bobs_enum(F) == pytest.approx(np.sqrt(2), abs=1e-12)


def test_reference_quantum_members_are_valid():
    """The reference's random quantum BWI assemblages pass the exact BWI conditions, and its channels are
    trace preserving (so the y = a post-selection is an instrumental quantum assemblage)."""
    rng = np.random.default_rng(5)
    for _ in range(5):
        assert ref.is_ns_bwi(ref.quantum_bwi(rng, 3, 2, 2, 2))
        channel = ref.random_channel(rng, 2, 2, 3)
        rho = ref.random_state(rng, 2)
        out = channel(rho)
        assert np.trace(out).real == pytest.approx(1, abs=1e-12) and np.linalg.eigvalsh(out)[0] >= -1e-12

"""The registry of sets (steerdsl/sets/registry.py): every (kind × set × question) on a small instance of each
kind gives a result or a coded refusal, never a traceback; options a question does not take are refused
(E370); a set that does not apply to the kind is refused naming the kinds it does (E371)."""

from __future__ import annotations

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.diagnostics import Refusal
from steerdsl.run import run_model
from steerdsl.sdp.result import SDPResult
from steerdsl.sdp.size import SDPTooLarge
from steerdsl.sets import registry
from steerdsl.sets.spec import KINDS, QUESTIONS, TaskError
from steerdsl.tasks import solve_task

# one small, valid assemblage σ and a functional F of every kind (qubit Bobs, binary Alices)
INSTANCES = {
    "standard": """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
assemblage sigma[a|x] = (I + (-1)^a * 0.9 * (Z if x == 0 else X)) / 4
functional F[a|x] = (-1)^a * (Z if x == 0 else X)
""",
    "multipartite": """
scenario {
    alice A : inputs 2, outputs 2
    alice C : inputs 2, outputs 2
    bob   B : dim 2
}
assemblage sigma[a c|x z] = I / 8
functional F[a c|x z] = (-1)^(a + c) * (Z if x == z else X)
""",
    "bell": """
scenario {
    alice A : inputs 2, outputs 2
    alice C : inputs 2, outputs 2
}
behaviour p[a c|x z] = [a xor c == x * z] / 2
assemblage sigma[a c|x z] = [a xor c == x * z] / 2 * I(1)
functional F[a c|x z] = (-1)^(a + c + x * z) * I(1)
""",
    "bwi": """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, inputs 2
}
assemblage sigma[a|x y] = 1/2 * proj(ket(a xor x*y))
functional F[a|x y] = (-1)^(a + x*y) * Z
""",
    "instrumental": """
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, input = outcome of A
}
assemblage sigma[a|x] = I / 4
functional F[a|x] = (-1)^(a + x) * (Z if x == 0 else X)
""",
    "sequential": """
scenario {
    alice A : inputs 2, outputs 2, rounds 2
    bob   B : dim 2
}
assemblage sigma[a1 a2|x1 x2] = I / 8
functional F[a1 a2|x1 x2] = (-1)^(a1 + a2) * Z
""",
    "several_bobs": """
scenario {
    alice A : inputs 2, outputs 2
    bob   B1 : dim 2
    bob   B2 : dim 2
}
assemblage sigma[a|x] {
    on B1 : I / 4
    on B2 : (I + (-1)^a * Z) / 4
}
functional F[a|x] = (-1)^a * kron(Z if x == 0 else X, I(2))
""",
}

def _instance(kind: str):
    model = sd.loads(INSTANCES[kind])
    assert model["sigma"].scenario.kind == kind
    return model["sigma"], model["F"]


def _ask(question: str, name: str, sigma, F):
    options = {"dims": (2,) * len(F.scenario.slots), "restarts": 1} if name == "seesaw" else {}
    if question == "negativity":
        options = {"restarts": 1}
    own = registry.own(registry.BY_NAME[name])
    if question == "bound":
        return registry.answer(own, "bound", F, options, sense="max")
    return registry.answer(own, question, sigma, options)


COMBINATIONS = [pytest.param(kind, spec.name, question, id=f"{kind}-{spec.name}-{question}")
                for kind in KINDS for spec in registry.SETS for question in QUESTIONS]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind, name, question", COMBINATIONS)
def test_every_combination_answers_or_refuses_with_a_code(kind, name, question):
    sigma, F = _instance(kind)
    spec = registry.BY_NAME[name]
    q = spec.question(question)
    listed = q is not None and kind in spec.kinds_of(q)
    try:
        result = _ask(question, name, sigma, F)
    except (Refusal, TaskError) as exc:
        assert not listed, f"the table lists it, but it was refused: {exc}"
        code = getattr(exc, "code", "E140")  # TaskError: reported as E140
        assert code.startswith("E") and str(exc)
        return
    except SDPTooLarge:
        return
    assert listed, "answered, but the registry's table does not list it"
    assert isinstance(result, SDPResult)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(registry.KIND_NAMES))
def test_kind_names_resolve_in_every_kind(kind, name):
    """``quantum``, ``almost_quantum``, ``npa``, ``moments`` mean the kind's hierarchy, or are refused (E371)."""
    sigma, _ = _instance(kind)
    try:
        result = solve_task(sigma, name, {})
    except Refusal as exc:  # the sequential kind's quantum set is its no-signalling set: bounds only
        assert exc.code == "E371" and kind == "sequential"
        assert "bound" in exc.hint
        return
    assert isinstance(result, SDPResult) and result.value is not None


LINES = INSTANCES["standard"]


@pytest.mark.parametrize("line, code", [
    ("solve sigma : lhs level 2", "E370"),
    ("solve sigma : almost_quantum level 3", "E370"),
    ("solve sigma : npa plane XZ", "E370"),
    ("solve sigma : lhs noise white", "E370"),
    ("bound max F over lhs dims 2", "E370"),
    ("solve sigma : robustness certify", None),
    ("solve sigma : npa level 1", None),
    ("solve sigma : bwi level 1", "E371"),
    ("solve sigma : parent_states", "E371"),
    ("solve sigma : seesaw", "E371"),
    ("bound max F over planar_local", "E371"),
    ("solve sigma : nosignalling", "E140"),
    ("solve sigma : no_such_set", "E140"),
])
def test_options_and_kinds_are_checked(line, code):
    report = run_model(sd.loads(LINES + line + "\n"))
    assert [d.code for d in report.diagnostics] == ([code] if code else [])
    if code == "E370":
        assert "options it takes" in (report.diagnostics[0].hint or "") or "fixes" in report.diagnostics[0].message
    if code == "E371":
        assert report.diagnostics[0].hint


def test_table_lists_what_the_registry_answers():
    rows = registry.table()
    assert ("bwi", "bwi", "bound", "level, dims, restarts, seed, solver, certify") in rows  # dims: a bracket
    sequential = {(r[1], r[2]) for r in rows if r[0] == "sequential"}
    assert {("sequential", "bound"), ("nosignalling", "bound"), ("realisation", "membership")} <= sequential
    assert ("npa", "bound") not in sequential  # no moment relaxation: quantum = no-signalling there
    page = registry.markdown()
    for spec in registry.SETS:
        assert f"`{spec.name}`" in page


# ---------------------------------------------------------------- ppt_parents (docs/contributing.md's example)

def _random_nosignalling_several_bobs(rng):
    """Two qubit Bobs, one binary Alice with two inputs: each Bob's assemblage valid, with p(a|x) = 1/2."""
    from steerdsl.model.assemblage import Assemblage
    from steerdsl.model.scenario import Alice, Bob, Scenario

    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2)))
    paulis = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])]

    def state(v):
        return (np.eye(2) + sum(c * p for c, p in zip(v, paulis, strict=True))) / 2

    def ball(r):
        v = rng.normal(size=3)
        return r * v / np.linalg.norm(v)

    rhos = [state(ball(0.3)) for _ in range(2)]
    elements = {}
    for x in range(2):
        zero = []
        for k in range(2):
            u, t = ball(1.0), 1.0
            while np.linalg.eigvalsh(rhos[k] - state(t * u) / 2).min() < 0:
                t *= 0.95
            zero.append(state(t * u) / 2)
        elements[((0,), (x,), ())] = tuple(zero)
        elements[((1,), (x,), ())] = tuple(rhos[k] - zero[k] for k in range(2))
    return Assemblage(sc, elements, False, "sigma")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ppt_parents_relaxes_parent_states(seed):
    """λ_ppt ≥ λ_parents (a PSD parent is P = Σ, Q = 0): the PPT margin is never above the parent margin, and a
    quantum assemblage (measure a random state of A B1 B2) is never excluded."""
    from random_instances import quantum_assemblage

    from steerdsl.sdp.parents import parent_states

    rng = np.random.default_rng(seed)
    sigma = _random_nosignalling_several_bobs(rng)
    ppt = solve_task(sigma, "ppt_parents", {})
    assert ppt.margin <= parent_states(sigma).margin + 1e-6
    quantum = solve_task(quantum_assemblage("several_bobs", rng), "ppt_parents", {})
    assert quantum.verdict != "excluded" and quantum.margin <= 1e-6


def test_ppt_parents_excludes_a_nosignalling_assemblage():
    """Pure marginals force the parents |aa⟩⟨aa|/2 (x = 0) and |±∓⟩⟨±∓|/2 (x = 1) even as P + Q^Γ; their sums
    over a differ, so no no-signalling parent exists (docs/contributing.md)."""
    model = sd.loads("""
scenario {
    alice A : inputs 2, outputs 2
    bob   B1 : dim 2
    bob   B2 : dim 2
}
assemblage sigma[a|x] {
    on B1 : (proj(ket(a)) if x == 0 else (I + (-1)^a * X) / 2) / 2
    on B2 : (proj(ket(a)) if x == 0 else (I - (-1)^a * X) / 2) / 2
}
check sigma : valid
""")
    assert sd.check(model).ok
    assert solve_task(model["sigma"], "ppt_parents", {}).verdict == "excluded"


def test_a_behaviours_local_polytope_checks_its_options():
    text = """
scenario {
    alice A : inputs 2, outputs 2
    alice C : inputs 2, outputs 2
}
behaviour p[a c|x z] = [a xor c == x * z] / 2
solve p : local level 2
solve p : local expect nonlocal
"""
    report = run_model(sd.loads(text))
    assert [d.code for d in report.diagnostics] == ["E370"]
    assert [a.ok for a in report.answers] == [True]


def test_instrumental_visibility_against_the_general_set():
    """σ[0|x] = ¾|x⟩⟨x| mixed with white noise I/4: ρ_{y=0} ⪰ vσ[0|0], vσ[0|1] needs tr ρ_{y=0} = (1 + 2v)/2 ≤ 1,
    so the visibility against G_I (PRL 2020 Def. 6) is exactly 1/2."""
    model = sd.loads("""
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2, input = outcome of A
}
assemblage sigma[a|x] = 3/4 * proj(ket(x)) if a == 0 else 1/4 * proj(ket(1 - x))
""")
    result = solve_task(model["sigma"], "visibility", {"against": "nosignalling"})
    assert abs(result.value - 0.5) < 1e-6 and result.verdict == "excluded"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", registry.names())
def test_every_name_through_the_language(kind, name):
    """``solve σ : NAME``, ``solve σ : visibility against NAME`` and ``bound min F over NAME`` in a model of each
    kind: answers or coded diagnostics, never an internal error (E900) or a traceback."""
    options = " dims " + " ".join("2" for _ in _instance(kind)[1].scenario.slots) + " restarts 1" \
        if name == "seesaw" else ""
    lines = [f"solve sigma : {name}", f"solve sigma : visibility against {name}", f"bound min F over {name}{options}"]
    report = run_model(sd.loads(INSTANCES[kind] + "\n".join(lines) + "\n"))
    assert len(report.answers) + len(report.diagnostics) == len(lines)
    assert all(d.code != "E900" for d in report.diagnostics)
    assert all(a.result is not None for a in report.answers)

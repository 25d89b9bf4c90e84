"""Brackets ``[inner, outer]`` of ``bound max|min F over SET dims …`` in every kind (issue 16 item 6): the
see-saw inner bound (an explicit realisation) never exceeds the relaxation's outer bound, and they meet where
theory says they do (the BWI functional ``(-1)^(a+xy) Z`` reaches 2√2 from inside, PRL 125, 050404 (2020))."""

from __future__ import annotations

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.assemblage import Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sets import registry

ROOT2 = 2 * 2**0.5


def _random(sc: Scenario, seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(sc.dim, sc.dim)) + 1j * rng.normal(size=(sc.dim, sc.dim))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False)


def test_bwi_chsh_bracket_closes_at_two_root_two():
    report = run_model(sd.loads("""scenario { alice A : inputs 2, outputs 2
      bob B : dim 2, inputs 2 }
    functional F[a|x y] = (-1)^(a + x*y) * Z
    bound max F over bwi level 1 dims 2 restarts 3
    """))
    details = report.answers[0].result.details
    lower, upper = details["bracket"]
    assert lower == pytest.approx(ROOT2, abs=1e-6)
    assert upper == pytest.approx(ROOT2, abs=1e-6)
    assert details["gap"] <= 1e-6
    shown = report.to_json()["answers"][0]["details"]
    assert list(shown["bracket"]) == [lower, upper] and shown["gap"] == details["gap"]
    assert "bracket [" in details["note"]  # the text table prints the note under the line


@pytest.mark.parametrize("seed", [0, 1])
def test_random_bwi_bracket_closes(seed):
    sc = Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2, 2),))
    F = _random(sc, seed)
    result = registry.ask("bound", "bwi", F, {"level": "2", "dims": (2,), "restarts": 3, "seed": seed},
                          sense="max")
    lower, upper = result.details["bracket"]
    assert lower <= upper
    assert upper - lower <= 1e-6


CASES = [
    ("npa", Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2),)), {"dims": (2,)}),
    ("instrumental", Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2, input_from="A"),)), {"dims": (2,)}),
    ("parent_states", Scenario((Alice("A", 2, (2, 2)),), (Bob("B1", 2), Bob("B2", 2))), {"dims": (2,)}),
    ("sequential", Scenario((Alice("A", 2, (2, 2), rounds=2),), (Bob("B", 2),)), {"dims": (2, 2)}),
]


@pytest.mark.parametrize("name,sc,options", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("sense", ["max", "min"])
def test_inner_never_beyond_outer(name, sc, options, sense):
    F = _random(sc, 7)
    if sc.kind == "several_bobs":  # local form: one operator per Bob (physics.md §9)
        F = Functional(sc, {k: (op, np.zeros((2, 2)))
                            for k, op in _random(Scenario(sc.alices, (Bob("B", 2),)), 7).terms.items()},
                       exact=False)
    result = registry.ask("bound", name, F, {**options, "restarts": 1, "seed": 0}, sense=sense)
    lower, upper = result.details["bracket"]
    assert lower <= upper + 1e-6
    inner = result.details["inner_bound"]
    assert (inner <= result.value + 1e-6) if sense == "max" else (inner >= result.value - 1e-6)


def test_python_answer_carries_the_bracket():
    F = sd.loads("""scenario { alice A : inputs 2, outputs 2
      bob B : dim 2, inputs 2 }
    functional F[a|x y] = (-1)^(a + x*y) * Z
    """)["F"]
    answer = sd.bound(F, over="quantum", dims=(2,), restarts=3)
    lower, upper = answer.bracket
    assert lower == pytest.approx(ROOT2, abs=1e-6) and upper == pytest.approx(ROOT2, abs=1e-6)
    assert answer.to_dict()["bracket"] == [lower, upper]
    assert sd.bound(F, over="quantum").bracket is None

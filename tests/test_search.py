"""The functional search: from a random start to a functional certifying E4 (and E5, slow).

A certificate is checked independently of the search: the outer bound is solved again for the final
functional, the tighter level-2 and the LHS bounds must lie below it, and no quantum assemblage — random
ones, and the see-saw's best explicit realisation — may exceed it (Q ⊂ Q̃, physics.md §4.2), while σ does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl.sweeps.search as search_api
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import functional_value
from steerdsl.model.resolve import load_file
from steerdsl.sdp.lhs import lhs_bound
from steerdsl.sdp.relaxation import bound
from steerdsl.sdp.seesaw import seesaw
from steerdsl.sdp.witness_search import CERTIFY_TOL, search_functional

MODELS = Path(__file__).parent.parent / "models"
rng = np.random.default_rng(8)


def _random_quantum(scenario) -> Assemblage:
    """Two qubit Alices measuring random projective qubit measurements on a random 3-qubit pure state."""
    v = rng.normal(size=8) + 1j * rng.normal(size=8)
    rho = np.outer(v, v.conj()) / np.vdot(v, v).real
    projectors = []
    for _ in range(4):
        q, _ = np.linalg.qr(rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))
        projectors.append([np.outer(q[:, a], q[:, a].conj()) for a in range(2)])
    elements = {}
    for key in scenario.keys():
        (a1, a2), (x1, x2), _ = key
        m = np.kron(projectors[x1][a1], projectors[2 + x2][a2])
        elements[key] = np.einsum("ji,iajb->ab", m, rho.reshape(4, 2, 4, 2))
    return Assemblage(scenario, elements, exact=False, name="quantum")


def test_search_certifies_e04_from_a_random_start():
    sigma = load_file(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    found = search_functional(sigma, seed=0)
    assert found.certified, found.reason
    assert found.steps[0].gap < 0, "the random start already certified: the test would not test the search"
    F = found.functional
    assert complex(functional_value(F, sigma)).real == pytest.approx(found.value, abs=1e-12)
    outer = bound(F, "max", level="1+AB").value
    assert outer == pytest.approx(found.bound, abs=1e-6)
    assert found.value - outer > CERTIFY_TOL
    assert bound(F, "max", level=2).value <= outer + 1e-6
    assert lhs_bound(F).value <= outer + 1e-6
    inner = seesaw(F, "max", dims=(2, 2), restarts=5, seed=1).value
    assert inner <= outer + 1e-6
    for _ in range(20):
        assert complex(functional_value(F, _random_quantum(sigma.scenario))).real <= outer + 1e-6


def test_search_stops_on_a_quantum_assemblage():
    sigma = load_file(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    found = search_functional(_random_quantum(sigma.scenario), seed=3, steps=5)
    assert not found.certified
    assert "relaxation" in found.reason


def test_search_restarts_as_tasks_are_saved_and_reused(tmp_path, monkeypatch):
    model = MODELS / "e04_pr_box_tripartite.steer"
    out = tmp_path / "search.jsonl"
    found = search_api.search_functional(model, restarts=2, seed=10, out=out)
    assert [f.certified for f in found] == [True, True]
    assert sorted(f.seed for f in found) == [10, 11] and found[0].gap >= found[1].gap
    sigma = load_file(model)["sigma"]
    for f in found:  # the functional survives its JSON round trip
        assert complex(functional_value(f.functional, sigma)).real == pytest.approx(f.value, abs=1e-9)
    monkeypatch.setattr(search_api, "run_search_task", lambda task: pytest.fail("a saved restart ran again"))
    again = search_api.search_functional(model, restarts=2, seed=10, out=out)
    assert [(f.seed, f.gap) for f in again] == [(f.seed, f.gap) for f in found]


@pytest.mark.slow
def test_search_certifies_e05_from_a_random_start():
    sigma = load_file(MODELS / "e05_breuer_map.steer")["sigma"]
    found = search_functional(sigma, seed=0)
    assert found.certified, found.reason
    assert found.steps[0].gap < 0
    assert found.value - bound(found.functional, "max", level="1+AB").value > CERTIFY_TOL

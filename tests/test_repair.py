"""Issue 17 item 8: an explicit, reported repair of slightly invalid (rounded) assemblages, ``sd.repair``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.checking import check_property
from steerdsl.diagnostics import Refusal
from steerdsl.model.assemblage import Assemblage

ROOT = Path(__file__).resolve().parents[1]


SOLVER_SLACK = 1e-8
"""The solver's accuracy: the repaired distance may exceed the true optimum by this much."""


def _parts(element) -> tuple:
    return element if isinstance(element, tuple) else (element,)


def _round(element):
    parts = tuple(np.round(np.asarray(m, dtype=complex), 3) for m in _parts(element))
    return parts if isinstance(element, tuple) else parts[0]


def _numeric(sigma: Assemblage, change=lambda key, m: m) -> Assemblage:
    numeric = sigma.to_numeric()
    elements = {k: change(k, numeric.elements[k]) for k in sigma.elements}
    return Assemblage(sigma.scenario, elements, exact=False, name=sigma.name)


@pytest.mark.parametrize("path", ["e10_werner_xz", "e01_bwi_pr_box", "e07_several_bobs_pr", "e04_pr_box_tripartite"])
def test_a_valid_assemblage_is_repaired_to_itself(path):
    sigma = sd.load(ROOT / "models" / f"{path}.steer")["sigma"]
    fixed, distance = sd.repair(sigma)
    assert distance < 1e-6
    assert check_property(fixed, "fixed", "valid").status == "pass"


def test_a_perturbed_assemblage_is_repaired_within_the_perturbation():
    """σ[0|0] of the Werner assemblage at v = 1 is rank one: pushing it 5e-5 along its kernel gives the
    eigenvalue −5e-5 (σ is then also signalling and unnormalised), as rounding a published table does."""
    sigma = sd.load(ROOT / "models/e10_werner_xz.steer")["sigma"]
    exact = _numeric(sigma)
    w, v = np.linalg.eigh(exact.elements[((0,), (0,), ())])
    kernel = np.outer(v[:, 0], v[:, 0].conj())
    assert abs(w[0]) < 1e-12
    bad = _numeric(sigma, lambda k, m: m - 5e-5 * kernel if k == ((0,), (0,), ()) else m)
    assert check_property(bad, "bad", "valid").status == "fail"
    result = sd.repair(bad)
    assert check_property(result.sigma, "fixed", "valid").status == "pass"
    perturbation = 5e-5 * np.linalg.norm(kernel)
    assert 0 < result.distance <= perturbation + SOLVER_SLACK
    assert "distance" in repr(result) and result.norm == "frobenius"
    assert sd.repair(bad, "trace").distance <= 5e-5 + SOLVER_SLACK


@pytest.mark.parametrize("path,name", [("e05_breuer_map", "sigma"), ("e08_several_bobs_ghz_w", "sigmaW"),
                                       ("e12_ghjw", "sigma")])
def test_a_table_rounded_to_three_digits_is_repaired_and_reported(path, name):
    """Entries rounded to 3 digits, as printed tables are (E5: an element not PSD; E8 σ_W: not normalised;
    E12: signalling), are repaired to a valid assemblage no farther than the exact one."""
    sigma = sd.load(ROOT / "models" / f"{path}.steer")[name]
    exact = _numeric(sigma)
    rounded = _numeric(sigma, lambda k, m: _round(m))
    assert check_property(rounded, "rounded", "valid").status == "fail"
    result = sd.repair(rounded)
    assert check_property(result.sigma, "fixed", "valid").status == "pass"
    to_exact = sum(np.linalg.norm(new - old) for k in exact.elements
                   for new, old in zip(_parts(rounded.elements[k]), _parts(exact.elements[k])))
    assert 0 < result.distance <= to_exact + SOLVER_SLACK


def test_arrays_in_arrays_out():
    v = 0.8
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    sigma = np.zeros((2, 2, 2, 2))
    for x, P in enumerate((Z, X)):
        for a in range(2):
            sigma[:, :, a, x] = (np.eye(2) + (-1) ** a * v * P) / 4
    sigma[0, 0, 0, 0] -= 1e-4  # a rounded table: not normalised, signalling
    fixed, distance = sd.repair(sigma)
    assert isinstance(fixed, np.ndarray) and fixed.shape == sigma.shape
    assert 0 < distance <= 1e-4 + SOLVER_SLACK
    sd.assemblage(fixed)  # validates


def test_refusals():
    with pytest.raises(ValueError, match="unknown norm"):
        sd.repair(sd.load(ROOT / "models/e10_werner_xz.steer")["sigma"], "max")
    seq = sd.loads("scenario {\n    alice A : inputs 2, outputs 2, rounds 2\n    bob B : dim 2\n}\n"
                   "assemblage sigma[a1 a2|x1 x2] = I / 8\n")
    with pytest.raises(Refusal, match="sequential"):
        sd.repair(seq["sigma"])

"""Robustness to noise against the quantum tests (physics.md §5), checked against theorems and against the
robustness form of the membership SDPs (a second parametrisation of the same set)."""

from __future__ import annotations

from pathlib import Path

import pytest

import steerdsl as sd
from steerdsl.sdp.bwi_hierarchy import bwi_membership, instrumental_membership
from steerdsl.sdp.noise import VISIBILITY, white_noise
from steerdsl.sdp.parents import parent_visibility
from steerdsl.sdp.relaxation import membership, noise_visibility
from steerdsl.sdp.solve import SolverError

MODELS = Path(__file__).resolve().parent.parent / "models"
SQRT2 = 2**0.5


def model(name: str):
    return sd.load(MODELS / name)


def test_isotropic_pr_box_threshold_is_tsirelson():
    """vσ_PR + (1 − v)·white between the Alices is quantum iff 4v ≤ 2√2; almost quantum reaches Tsirelson."""
    e4 = model("e04_pr_box_tripartite.steer")
    result = noise_visibility(e4["sigma"])
    assert result.value == pytest.approx(1 / SQRT2, abs=1e-6)
    assert result.verdict == "excluded"
    assert result.details["noise_fraction"] == pytest.approx(1 - 1 / SQRT2, abs=1e-6)
    # the witness has bound 0 on the relaxation and β_F(σ) = (1 − v)/v, the margin
    assert result.witness_value == pytest.approx(result.margin, abs=1e-5)


def test_user_noise_anti_pr_box():
    """With the anti-PR box as noise the CHSH value is 4(2v − 1) ≤ 2√2: v* = (1 + 1/√2)/2; the noise is
    not quantum, so the verdict can exclude but never claim membership."""
    e4 = model("e04_pr_box_tripartite.steer")
    result = noise_visibility(e4["sigma"], noise=e4["antiPR"])
    assert result.value == pytest.approx((1 + 1 / SQRT2) / 2, abs=1e-6)
    assert result.verdict == "excluded"
    with pytest.raises(SolverError, match="visibility of antiPR"):  # no mixture of antiPR with itself is quantum
        noise_visibility(e4["antiPR"], noise=e4["antiPR"])


@pytest.mark.parametrize("file, name, test, level", [
    ("e01_bwi_pr_box.steer", "sigma", bwi_membership, 1),
    ("e02_bwi_transpose.steer", "sigma", bwi_membership, 2),
    ("e03_instrumental.steer", "sigma", instrumental_membership, 1),
])
def test_white_visibility_agrees_with_robustness(file, name, test, level):
    """σ + tN in the cone ⇔ vσ + (1 − v)N in the set with v = 1/(1 + t): two parametrisations, one answer."""
    sigma = model(file)[name]
    t = test(sigma, level=level).value
    v = test(sigma, level=level, mixing=VISIBILITY).value
    assert v == pytest.approx(1 / (1 + t), abs=1e-5)


def test_white_visibility_agrees_with_robustness_multipartite():
    sigma = model("e05_breuer_map.steer")["sigma"]
    assert noise_visibility(sigma).value == pytest.approx(1 / (1 + membership(sigma).value), abs=1e-5)


def test_named_ghz_noise_equals_the_written_ghz_assemblage():
    """The built-in GHZ noise and the same assemblage written in the language give the same visibility."""
    text = (MODELS / "e04_pr_box_tripartite.steer").read_text() + """
state ghz on A1 A2 B = (|000⟩ + |111⟩) / sqrt(2)
measurement P[a|x] on A1 {
    x = 0 : proj(ket(a))
    x = 1 : (I + (-1)^a * X) / 2
}
measurement Q[a|x] on A2 {
    x = 0 : proj(ket(a))
    x = 1 : (I + (-1)^a * X) / 2
}
assemblage G = measure ghz with A1: P, A2: Q
"""
    m = sd.loads(text)
    named = noise_visibility(m["sigma"], noise="ghz", level=2)
    written = noise_visibility(m["sigma"], noise=m["G"], level=2)
    assert named.verdict == written.verdict == "excluded"
    assert named.value == pytest.approx(written.value, abs=1e-6)


def test_mixtures_of_quantum_assemblages_are_members():
    """σ_W and the GHZ noise are quantum: every mixture with v ∈ [0, 1] has parent states, and v > 1
    breaks positivity (Bob 1's state v/3·|0⟩⟨0| − (v − 1)/2·|1⟩⟨1|): v* = 1."""
    e8 = model("e08_several_bobs_ghz_w.steer")
    assert parent_visibility(e8["sigmaW"], noise="ghz").value == pytest.approx(1, abs=1e-6)
    interior = parent_visibility(white_noise(e8["sigmaW"].scenario), noise="ghz")  # full-rank Bob states
    assert interior.value > 1 + 1e-3 and interior.verdict == "member"


def test_several_alices_several_bobs_threshold():
    """E7 with white noise: the Alices' isotropic PR box, Bobs I/2 each: quantum iff v ≤ 1/√2."""
    result = parent_visibility(model("e07_several_bobs_pr.steer")["sigma"])
    assert result.value == pytest.approx(1 / SQRT2, abs=1e-6)
    assert result.verdict == "excluded"

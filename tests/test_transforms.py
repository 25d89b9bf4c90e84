"""Assemblage transforms (physics.md §6) against their formulas, computed independently in floats,
and the validity they must preserve."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model import transforms as tf
from steerdsl.run import run_model

MODELS = Path(__file__).resolve().parent.parent / "models"


def floats(sigma) -> dict:
    return {k: alg.to_numeric(v) for k, v in sigma.elements.items()}


@pytest.fixture(scope="module")
def e15():
    return sd.load(MODELS / "e15_transforms.steer")


@pytest.fixture(scope="module")
def e04():
    return sd.load(MODELS / "e04_pr_box_tripartite.steer")["sigma"]


def test_noisy_measurement(e15):
    sigma = e15["sigma"]
    for mu in (Cyclo(Fraction(3, 5)), 0.6):
        out = tf.noisy(sigma, mu)
        assert out.exact == isinstance(mu, Cyclo)
        for k, m in floats(sigma).items():
            assert np.allclose(alg.to_numeric(out.elements[k]), 0.6 * m + 0.4 * np.trace(m) * np.eye(2) / 2)
        assert sd.check(out, "valid").status == "pass"


def test_qutrit_lift(e15):
    sigma = e15["sigma"]
    lifted = tf.qutrit_lift(sigma)
    assert lifted.scenario.dim == 3 and lifted.scenario.alices == sigma.scenario.alices
    for k, m in floats(sigma).items():
        expected = np.zeros((3, 3), dtype=complex)
        expected[:2, :2] = m / 3
        expected[2, 2] = 2 * np.trace(m) / 3
        assert np.allclose(alg.to_numeric(lifted.elements[k]), expected)
    assert sd.check(lifted, "valid").status == "pass"
    with pytest.raises(tf.TransformError, match="qubit"):
        tf.qutrit_lift(lifted)


def test_bob_filter_keeps_validity(e15, e04):
    f = np.array([[1, 0.5], [0, 2]], dtype=complex)
    for sigma in (e15["sigma"], e04):
        out = tf.bob_filter(sigma, f)
        rho = sum(m for (a, x, _), m in floats(sigma).items() if x == (0,) * len(x))
        norm = np.trace(f @ rho @ f.conj().T)
        for k, m in floats(sigma).items():
            assert np.allclose(out.elements[k], f @ m @ f.conj().T / norm)
        assert sd.check(out, "valid").status == "pass"
    bwi = sd.load(MODELS / "e01_bwi_pr_box.steer")["sigma"]
    with pytest.raises(tf.TransformError, match="input"):
        tf.bob_filter(bwi, f)


def test_relabellings(e04):
    pr = e04
    # the PR box is symmetric under exchanging the Alices
    swapped = tf.permute_alices(pr, [1, 0])
    assert all(alg.equal(swapped.elements[k], pr.elements[k]) for k in pr.elements)
    # flipping A1's outcome for x1 = 1 turns [a1 ⊕ a2 = x1x2] into [a1 ⊕ a2 = x1x2 ⊕ x1]
    flipped = tf.relabel_outcomes(pr, 0, 1, [1, 0])
    for (a, x, _y), m in flipped.elements.items():
        p = Fraction(int(a[0] ^ a[1] == (x[0] * x[1]) ^ x[0]), 2)
        assert alg.equal(alg.trace(m), Cyclo(p))
    # exchanging A2's inputs twice is the identity; once, it is the formula σ[a|x1, 1 − x2]
    once = tf.relabel_inputs(pr, 1, [1, 0])
    for (a, x, y), m in once.elements.items():
        assert alg.equal(m, pr.elements[(a, (x[0], 1 - x[1]), y)])
    twice = tf.relabel_inputs(once, 1, [1, 0])
    assert all(alg.equal(twice.elements[k], pr.elements[k]) for k in pr.elements)
    for out in (swapped, flipped, once):
        assert sd.check(out, "valid").status == "pass"
    with pytest.raises(tf.TransformError, match="permutation"):
        tf.relabel_outcomes(pr, 0, 0, [0, 0])


def test_mixture_matches_assemblage_arithmetic(e15):
    sigma, flipped = e15["sigma"], e15["flip_all"]
    mixed = tf.mixture([Cyclo(Fraction(1, 2)), Cyclo(Fraction(1, 2))], [sigma, flipped])
    assert all(alg.equal(mixed.elements[k], e15["mixed"].elements[k]) for k in sigma.elements)
    with pytest.raises(tf.TransformError):
        tf.mixture([1], [sigma, flipped])


def test_e15_model_answers(e15):
    report = run_model(e15)
    assert report.ok, [d.message for d in report.diagnostics]
    verdicts = {a.subject: a.result.verdict for a in report.answers}
    # σ(μ) for X, Z on |Φ+⟩ is LHS iff μ ≤ 1/√2 (examples.md E10)
    assert verdicts["sigma_07"] == "member" and verdicts["sigma_08"] == "excluded"


def test_transform_misuse_is_a_diagnostic():
    text = (MODELS / "e15_transforms.steer").read_text().split("# Noisy measurement")[0]
    with pytest.raises(sd.SteerError) as info:
        sd.loads(text + "let bad = noisy(phi, 1/2)\n")
    assert info.value.diagnostic.code == "E103" and "assemblage" in info.value.diagnostic.message
    with pytest.raises(sd.SteerError) as info:
        sd.loads(text + "let bad = bob_filter(sigma, I(3))\n")
    assert info.value.diagnostic.code == "E103" and "2×2" in info.value.diagnostic.message

"""Bell tools: behaviours read off assemblages, CHSH, the local polytope, NPA levels, no-signalling,
and the octagon test (physics.md §6).

Known answers: E1 with Bob measuring Z is the PR box (CHSH 4, outside NPA level 1, not local);
Tsirelson's 2√2; E5's correlations are quantum for every Bob measurement (NJP 2018 §5); with
Alice measuring X, Z on |Φ+⟩ the correlations with the octagon measurements are local iff the
best CHSH combination μ·2√2 ≤ 2 (for two binary inputs on one side CHSH inequalities are the only
facets, Collins & Gisin 2004).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.behaviours import behaviour_from_assemblage, chsh_value
from steerdsl.model.transforms import noisy
from steerdsl.model.values import Measurement
from steerdsl.run import run_model
from steerdsl.sdp import bell

MODELS = Path(__file__).resolve().parent.parent / "models"
X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)


def projective(observables: list[np.ndarray], name: str = "N") -> Measurement:
    d = observables[0].shape[0]
    elements = {(b, y): (np.eye(d) + (-1) ** b * o) / 2 for y, o in enumerate(observables) for b in (0, 1)}
    return Measurement(name, d, len(observables), (2,) * len(observables), elements)


def random_observable(rng: np.random.Generator, d: int) -> np.ndarray:
    """``U diag(±1) U†`` with a Haar-ish random unitary and a random split of the spectrum."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    signs = np.array([1] * (d // 2) + [-1] * (d - d // 2))
    rng.shuffle(signs)
    return q @ np.diag(signs) @ q.conj().T


# ---------------------------------------------------------------- E1: the PR box
def test_e01_bob_measured_behaviour_is_the_pr_box():
    model = sd.load(MODELS / "e01_bwi_pr_box.steer")
    p = model["p"]
    for a in (0, 1):
        for b in (0, 1):
            for x in (0, 1):
                for y in (0, 1):
                    assert p.probabilities[((a, b), (x, y))] == Fraction(1 if a ^ b == x * y else 0, 2)
    assert chsh_value(p) == 4
    npa1 = bell.npa(p, 1)
    assert npa1.verdict == "excluded"
    assert npa1.value == pytest.approx(2**0.5 - 1, abs=1e-6)  # (4 + 0t)/(1 + t) = 2√2 at the boundary
    local = bell.local(p)
    assert local.verdict == "excluded"
    assert local.value == pytest.approx(0.5, abs=1e-6)  # the PR box's local visibility: 2/4
    report = run_model(model)
    assert report.ok and all(a.ok for a in report.answers)


def test_bwi_behaviour_pairs_bob_measurement_inputs_with_his_inputs():
    sigma = sd.load(MODELS / "e01_bwi_pr_box.steer")["sigma"]
    n = projective([Z, X])
    p = behaviour_from_assemblage(sigma, [("B", n)], None)
    el = {k: np.array([[complex(v) for v in row] for row in m]) for k, m in sigma.elements.items()}
    for (ab, xy), value in p.probabilities.items():
        a, b, x, y = *ab, *xy
        assert complex(value) == pytest.approx(np.trace(n.elements[(b, y)] @ el[((a,), (x,), (y,))]))
    with pytest.raises(sd.SteerError, match="inputs"):
        behaviour_from_assemblage(sigma, [("B", projective([Z, X, Z]))], None)


# ---------------------------------------------------------------- E5: quantum correlations
@pytest.mark.parametrize("seed", range(20))
def test_e05_behaviours_from_random_bob_measurements_are_within_npa_level_1(seed):
    sigma = E5_SIGMA()
    rng = np.random.default_rng(seed)
    n = projective([random_observable(rng, 4), random_observable(rng, 4)])
    p = behaviour_from_assemblage(sigma, [("B", n)], None)
    r = bell.npa(p, 1)
    assert r.verdict != "excluded", r.value
    assert r.value < 1e-6


def E5_SIGMA(cache={}):  # noqa: B006 - one load per session
    if "sigma" not in cache:
        cache["sigma"] = sd.load(MODELS / "e05_breuer_map.steer")["sigma"].to_numeric()
    return cache["sigma"]


# ---------------------------------------------------------------- CHSH, local polytope, no-signalling
def chsh_assemblage(mu: float):
    model = sd.load(MODELS / "e14_bell_tools.steer")
    return noisy(model["sigma"], mu), model["N"]


def test_tsirelson_and_noisy_chsh_values():
    model = sd.load(MODELS / "e14_bell_tools.steer")
    assert complex(chsh_value(model["p"])).real == pytest.approx(2 * 2**0.5, abs=1e-15)
    assert model["p"].exact
    assert bell.local(model["p"]).verdict == "excluded"
    assert bell.npa(model["p"], 1).verdict in ("undecided", "member")  # on the boundary of NPA level 1
    report = run_model(model)
    assert report.ok, [(a.text, a.result.verdict) for a in report.answers if not a.ok]


def test_local_behaviours_are_local_and_signalling_ones_are_caught():
    text = """scenario { alice A : inputs 2, outputs 2
    alice B : inputs 2, outputs 2 }
    behaviour det[a b|x y] = [a == x] * [b == 0]
    behaviour inner[a b|x y] = ([a == x] * [b == 0] + 1/4) / 2
    behaviour signalling[a b|x y] = [a == 0] * [b == x]
    """
    model = sd.loads(text)
    assert bell.local(model["inner"]).verdict == "member"
    assert bell.local(model["det"]).verdict in ("member", "undecided")  # a vertex: on the polytope's boundary
    assert bell.local(model["det"]).value == pytest.approx(1, abs=1e-6)
    assert chsh_value(model["det"]) == 2
    r = sd.check(model["signalling"], "nonsignalling")
    assert r.status == "fail" and r.exact
    assert sd.check(model["det"], "valid").status == "pass"


# ---------------------------------------------------------------- the octagon test
@pytest.mark.parametrize("mu, expected", [(0.6, "member"), (0.69, "member"), (0.73, "excluded"), (0.9, "excluded")])
def test_octagon_test_follows_the_chsh_criterion(mu, expected):
    sigma, _ = chsh_assemblage(mu)
    r = bell.planar_locality(sigma, "XZ")
    assert r.verdict == expected, (mu, r.margin)
    assert (mu * 2 * 2**0.5 <= 2) == (expected == "member")


def test_octagon_conclusion_holds_for_random_measurements_in_the_plane():
    """σ(0.6) passes the octagon test, so σ(0.6·cos π/8) is local for any projective measurements in XZ."""
    sigma, _ = chsh_assemblage(0.6)
    assert bell.planar_locality(sigma, "XZ").verdict == "member"
    shrunk = noisy(sigma, bell.OCTAGON_MU)
    rng = np.random.default_rng(7)
    for _ in range(10):
        angles = rng.uniform(0, 2 * np.pi, size=3)
        n = projective([np.cos(t) * Z + np.sin(t) * X for t in angles])
        p = behaviour_from_assemblage(shrunk, [("B", n)], None)
        assert bell.local(p).verdict == "member"


def test_octagon_test_rejects_what_it_cannot_handle():
    with pytest.raises(ValueError, match="qubit"):
        bell.planar_locality(sd.load(MODELS / "e05_breuer_map.steer")["sigmaQ"])
    sigma, _ = chsh_assemblage(0.5)
    with pytest.raises(ValueError, match="plane"):
        bell.plane_measurements("XX")
    assert bell.planar_locality(sigma, "xy").verdict == "member"

"""The bundled models E1–E12: every exact check as claimed, and values checked independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact.ghjw import ghjw
from steerdsl.model.marginals import functional_value

MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.steer")), ids=lambda p: p.stem)
def test_every_exact_check_holds(path):
    report = sd.check(sd.load(path))
    assert report.ok, [d.message for d in report.diagnostics]
    assert report.results, "a model without checks"
    for r in report.results:
        assert r.status == r.expected, (r.subject, r.property, r.detail)
        assert r.exact, (r.subject, r.property)


def pauli(k):
    return [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])][k]


def test_e05_map_is_trace_preserving_not_cp_and_sigma_valid():
    model = sd.load(MODELS / "e05_breuer_map.steer")
    breuer = model["Breuer"]
    assert sd.check(breuer, "trace_preserving").status == "pass"
    cp = sd.check(breuer, "completely_positive")
    assert cp.status == "fail" and cp.exact
    # independent: the Choi matrix built in floating point from the formula has eigenvalue −1
    U = np.kron(pauli(0), pauli(1))
    choi = np.zeros((16, 16), dtype=complex)
    for i in range(4):
        for j in range(4):
            e = np.zeros((4, 4))
            e[i, j] = 1
            image = (np.trace(e) * np.eye(4) - e - U @ e.T @ U.conj().T) / 2
            choi[4 * i:4 * i + 4, 4 * j:4 * j + 4] = image
    assert np.allclose(choi, np.array([[complex(v) for v in row] for row in breuer.choi]))
    assert np.isclose(np.linalg.eigvalsh(choi)[0], -1)
    assert "eigenvalue -1" in cp.detail
    assert sd.check(model["sigma"]).status == "pass"


def test_e05_assemblage_matches_a_floating_point_computation():
    model = sd.load(MODELS / "e05_breuer_map.steer")
    psi = np.zeros(16, dtype=complex)
    for idx in range(16):
        bits = [(idx >> (3 - k)) & 1 for k in range(4)]
        psi[idx] = {1: 1, 2: 1j, 3: -1}.get(sum(bits), 0)
    psi /= np.sqrt(14)
    rho = np.outer(psi, psi.conj()).reshape(2, 2, 4, 2, 2, 4)
    obs1 = [pauli(0), pauli(2)]
    obs2 = [(pauli(0) + pauli(2)) / np.sqrt(2), (pauli(2) - pauli(0)) / np.sqrt(2)]
    U = np.kron(pauli(0), pauli(1))
    for (a1, a2), (x1, x2) in [((0, 1), (1, 0)), ((1, 1), (0, 1)), ((0, 0), (1, 1))]:
        m1 = (np.eye(2) + (-1) ** a1 * obs1[x1]) / 2
        m2 = (np.eye(2) + (-1) ** a2 * obs2[x2]) / 2
        sq = np.einsum("ji,lk,iktjlu->tu", m1, m2, rho)
        expected = (np.trace(sq) * np.eye(4) - sq - U @ sq.T @ U.conj().T) / 2
        got = model["sigma"].elements[((a1, a2), (x1, x2), ())]
        assert np.allclose(np.array([[complex(v) for v in r] for r in got]), expected)


def test_e06_upb_events_exceed_one():
    model = sd.load(MODELS / "e06_upb_witness.steer")
    total = model["upb_events"]
    assert total.is_rational and float(total.to_fraction()) == pytest.approx(4 * (1 - 0.0814) / (4 - 8 * 0.0814))
    assert float(total.to_fraction()) > 1


def test_e11_values_are_exact():
    model = sd.load(MODELS / "e11_chsh.steer")
    assert functional_value(model["chsh"], model["pr"]) == 4
    assert functional_value(model["chsh"], model["deterministic"]) == 2


def test_e12_ghjw_reproduces_sigma_exactly():
    model = sd.load(MODELS / "e12_ghjw.steer")
    real = ghjw(model["sigma"])
    assert real.exact and real.verified
    m, d = real.dims
    assert d == 2 and m <= 8
    # independently: a float recomputation from the returned state and POVMs agrees too
    psi = np.array([complex(v) for v in real.psi.flat])
    state = np.outer(psi, psi.conj()).reshape(m, d, m, d)
    for (a, x), M in real.povms.items():
        Mn = np.array([[complex(v) for v in r] for r in M])
        sigma_ax = np.einsum("ji,itjs->ts", Mn, state)
        target = np.array([[complex(v) for v in r] for r in model["sigma"].elements[((a,), (x,), ())]])
        assert np.allclose(sigma_ax, target)
        assert np.linalg.eigvalsh((Mn + Mn.conj().T) / 2)[0] > -1e-12


def test_ghjw_refuses_a_signalling_assemblage():
    """Bob's reduced state is I/2 for x = 0 and |0⟩⟨0| for x = 1: the construction still reproduces every
    σ_{a|x}, but Alice's operators for x = 1 do not sum to I, so it is no realisation (the check fails exactly,
    and the realisation search does not certify it)."""
    sigma = sd.loads("scenario { alice A : inputs 2, outputs 2  bob B : dim 2 }\n"
                     "assemblage s[a|x] = proj(ket(a)) / 2 if x == 0 else [a == 0] * proj(ket(0))\n")["s"]
    real = ghjw(sigma)
    assert real.exact and not real.verified
    assert sd.check(sigma, "ghjw").status == "fail"
    assert sd.realisation(sigma, restarts=1, certify=True).exactness != "certified"


def test_ghjw_on_random_rational_assemblages():
    rng = np.random.default_rng(3)
    for _ in range(5):
        re, im = rng.integers(-3, 4, size=4), rng.integers(-3, 4, size=4)
        vec = ", ".join(f"[{r} + ({m})*i]" for r, m in zip(re, im))
        weight = int(rng.integers(1, 5))
        model = sd.loads(
            "scenario { alice A : inputs 2, outputs 2  bob B : dim 2 }\n"
            f"let G = {weight} * proj([{vec}]) + I(4)\n"
            "state rho on A B = G / tr(G)\n"
            "measurement M[a|x] on A { x = 0 : (I + (-1)^a * X)/2  x = 1 : proj(ket(a)) }\n"
            "assemblage sigma = measure rho with A: M\n")
        real = ghjw(model["sigma"])
        assert real.exact and real.verified

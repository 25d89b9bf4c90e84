"""The map library and the positivity / decomposability checks (physics.md §6).

Independent references: Choi matrices recomputed in floating point from each map's formula;
the transpose and reduction maps are decomposable (J^Γ ⪰ 0); the E5 Breuer–Hall map is not
(its PPT witness is re-checked here in floats); the Cho–Kye–Lee theorem for the generalised
Choi maps Φ[a,b,c]; for unital qubit maps, positivity iff the Bloch matrix has singular values
≤ 1; for 2→3 maps, a dense minimisation over product vectors.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact import map_positivity as mp
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model import map_library as ml
from steerdsl.model.values import LinearMap
from steerdsl.sdp.decomposable import decomposability, output_partial_transpose

X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
PAULIS = (X, Y, Z)


def float_choi(fn, din: int) -> np.ndarray:
    """``J = Σ_ij |i⟩⟨j| ⊗ Λ(|i⟩⟨j|)`` from a float formula."""
    blocks = []
    for i in range(din):
        row = []
        for j in range(din):
            e = np.zeros((din, din), dtype=complex)
            e[i, j] = 1
            row.append(fn(e))
        blocks.append(row)
    return np.block(blocks)


def num(m) -> np.ndarray:
    return alg.to_numeric(m)


def exact(m: np.ndarray) -> np.ndarray:
    return alg.exact_array([[Cyclo(Fraction(v).limit_denominator(10**6)) for v in row] for row in m.real])


def map_from_choi(choi: np.ndarray, din: int, dout: int, name: str = "L") -> LinearMap:
    return LinearMap(name, din, dout, choi, "choi")


# ---------------------------------------------------------------- the library against formulas
U_E5 = np.kron(X, Y)


@pytest.mark.parametrize("name, lin, fn, din", [
    ("transpose", ml.transpose_map(3), lambda e: e.T, 3),
    ("reduction", ml.reduction_map(3), lambda e: np.trace(e) * np.eye(3) - e, 3),
    ("breuer_hall", ml.breuer_hall_map(alg.exact_array([[Cyclo(int(v.real)) + Cyclo.I * Cyclo(int(v.imag))
                                                         for v in row] for row in U_E5])),
     lambda e: (np.trace(e) * np.eye(4) - e - U_E5 @ e.T @ U_E5.conj().T) / 2, 4),
    ("choi", ml.choi_map(), lambda e: np.diag([e[0, 0] + e[1, 1], e[1, 1] + e[2, 2], e[2, 2] + e[0, 0]])
     - e + np.diag(np.diag(e)), 3),
    ("depolarising", ml.depolarising_channel(2, Cyclo(Fraction(1, 3))),
     lambda e: (2 / 3) * e + (1 / 3) * np.trace(e) * np.eye(2) / 2, 2),
    ("dephasing", ml.dephasing_channel(3, Cyclo(Fraction(1, 4))), lambda e: 0.75 * e + 0.25 * np.diag(np.diag(e)), 3),
    ("partial transpose", ml.partial_transpose_map([2, 2], [1]),
     lambda e: e.reshape(2, 2, 2, 2).transpose(0, 3, 2, 1).reshape(4, 4), 4),
])
def test_library_choi_matrices_match_their_formulas(name, lin, fn, din):
    assert lin.exact
    assert np.allclose(num(lin.choi), float_choi(fn, din)), name


def test_amplitude_damping_matches_its_kraus_operators():
    g = 0.3
    k0, k1 = np.array([[1, 0], [0, np.sqrt(1 - g)]]), np.array([[0, np.sqrt(g)], [0, 0]])
    lin = ml.amplitude_damping_channel(Cyclo(Fraction(3, 10)))
    assert lin.exact
    assert np.allclose(num(lin.choi), float_choi(lambda e: k0 @ e @ k0.T + k1 @ e @ k1.T, 2))


def test_breuer_hall_rejects_u_that_is_not_antisymmetric_unitary():
    with pytest.raises(ml.MapParameterError, match="not antisymmetric"):
        ml.breuer_hall_map(alg.kron(alg.exact_array([[0, 1], [1, 0]]), alg.exact_array([[0, 1], [1, 0]])))
    with pytest.raises(ml.MapParameterError, match="not unitary"):
        ml.breuer_hall_map(alg.exact_array([[0, 2], [-2, 0]]))
    with pytest.raises(ml.MapParameterError, match="exact"):
        ml.breuer_hall_map(np.array([[0, 1], [-1, 0]], dtype=complex))
    with pytest.raises(sd.SteerError) as info:
        sd.loads("let B = breuer_hall(X ⊗ X)\n")
    assert info.value.diagnostic.code == "E151"
    assert info.value.diagnostic.span.line == 1


# ---------------------------------------------------------------- decomposability (acceptance)
@pytest.mark.parametrize("d", [2, 3, 4])
def test_transpose_and_reduction_maps_are_decomposable(d):
    for lin in (ml.transpose_map(d), ml.reduction_map(d)):
        r = mp.decomposable(lin)
        assert (r.status, r.exact) == ("pass", True), r.detail
        assert np.linalg.eigvalsh(output_partial_transpose(num(lin.choi), d, d))[0] > -1e-12  # J^Γ ⪰ 0


def test_e05_map_is_not_decomposable_with_a_verified_ppt_witness():
    model = sd.load("models/e05_breuer_map.steer")
    lin = model["Breuer"]
    ans = mp.decide_decomposability(lin)
    assert (ans.status, ans.exact) == ("fail", True)
    assert ans.t > 1e-3
    w = ans.certificate.matrices["W"]
    assert alg.is_exact(w)
    # independent re-check in floats, with J rebuilt from the formula
    J = float_choi(lambda e: (np.trace(e) * np.eye(4) - e - U_E5 @ e.T @ U_E5.conj().T) / 2, 4)
    wf = num(w)
    assert np.linalg.eigvalsh(wf)[0] > 0
    assert np.linalg.eigvalsh(output_partial_transpose(wf, 4, 4))[0] > 0
    assert np.trace(wf @ J).real < -0.1
    assert complex(ans.certificate.values["tr(WJ)"]).real == pytest.approx(np.trace(wf @ J).real)
    check = sd.check(lin, "decomposable")
    assert check.status == "fail" and check.exact and "tr(WJ)" in check.detail


def test_sdp_dual_is_a_ppt_operator_with_tr_wj_equal_to_minus_t():
    lin = ml.breuer_hall_map(alg.kron(*(alg.exact_array([[0, 1], [1, 0]]), alg.exact_array([[0, -Cyclo.I],
                                                                                            [Cyclo.I, 0]]))))
    r = decomposability(lin)
    assert r.verdict == "excluded"
    assert r.details["tr_WJ"] == pytest.approx(-r.value, abs=1e-7)
    assert np.trace(r.details["W"]).real == pytest.approx(1, abs=1e-7)
    assert min(r.details["min_eig_W"], r.details["min_eig_W_gamma"]) > -1e-7


def test_complex_choi_matrix_gives_the_same_answer_as_its_local_unitary_rotation():
    """BH with U' = V U Vᵀ is BH with U conjugated by local unitaries: the same t*."""
    u = alg.kron(alg.exact_array([[0, 1], [1, 0]]), alg.exact_array([[0, -Cyclo.I], [Cyclo.I, 0]]))
    v = alg.exact_array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, Cyclo.exp_i_pi(Fraction(1, 4))]])
    u2 = v @ u @ v.T
    lin, lin2 = ml.breuer_hall_map(u), ml.breuer_hall_map(u2)
    assert not np.allclose(num(lin2.choi).imag, 0)
    t1, t2 = decomposability(lin).value, decomposability(lin2).value
    assert t2 == pytest.approx(t1, abs=1e-6)
    r = mp.decomposable(lin2)
    assert (r.status, r.exact) == ("fail", True)


@pytest.mark.parametrize("a, b, c", [
    (1, 1, 0), (1, Fraction(1, 10), 1), (Fraction(1, 2), 1, 1), (Fraction(3, 2), Fraction(1, 50), 1),
    (1, 1, 1), (Fraction(1, 2), 2, 1), (Fraction(3, 2), Fraction(1, 8), Fraction(1, 2)), (2, 0, 0), (0, 2, 2),
])
def test_generalised_choi_maps_follow_cho_kye_lee(a, b, c):
    """Φ[a,b,c] (a, b, c ≥ 0, a + b + c ≥ 2) is decomposable iff a ≥ 2 or bc ≥ (2 − a)²/4."""
    fa, fb, fc = Fraction(a), Fraction(b), Fraction(c)
    expected = fa >= 2 or fb * fc >= (2 - fa) ** 2 / 4
    lin = ml.choi_map(Cyclo(fa), Cyclo(fb), Cyclo(fc))
    r = mp.decomposable(lin)
    assert r.exact, r.detail
    assert r.status == ("pass" if expected else "fail"), r.detail


# ---------------------------------------------------------------- positivity
def rational_rotation(a: Fraction, b: Fraction, c: Fraction) -> np.ndarray:
    """A rational orthogonal 3×3 matrix (Cayley transform of a skew-symmetric matrix)."""
    s = np.array([[0, -a, b], [a, 0, -c], [-b, c, 0]], dtype=object)
    eye = np.eye(3, dtype=object) * Fraction(1)
    inv = np.array(alg.to_numeric(np.array([[Cyclo(v) for v in row] for row in eye + s])).real)
    inv_exact = np.array([[Fraction(v).limit_denominator(10**9) for v in row] for row in np.linalg.inv(inv)])
    return (eye - s) @ inv_exact


def unital_qubit_map(t: np.ndarray) -> LinearMap:
    """``Λ(ρ) = ½(tr ρ I + Σ_ij T_ij tr(ρ σ_j) σ_i)`` with exact Paulis."""
    paulis = [alg.exact_array(p) if p is not Y else alg.exact_array([[0, -Cyclo.I], [Cyclo.I, 0]])
              for p in ([[0, 1], [1, 0]], Y, [[1, 0], [0, -1]])]

    def image(e):
        out = alg.identity(2) * alg.trace(e)
        for i in range(3):
            for j in range(3):
                if t[i, j]:
                    out = out + paulis[i] * (alg.trace(paulis[j] @ e) * Cyclo(t[i, j]))
        return out * Cyclo(Fraction(1, 2))

    from steerdsl.model.constructs import choi_from_images

    def unit(i, j):
        m = alg.zeros(2, 2)
        m[i, j] = Cyclo(1)
        return m

    return map_from_choi(choi_from_images(2, lambda i, j: image(unit(i, j))), 2, 2)


@pytest.mark.parametrize("seed", range(6))
def test_unital_qubit_map_positivity_is_exact_and_follows_the_bloch_criterion(seed):
    rng = np.random.default_rng(seed)
    rot = [rational_rotation(*(Fraction(int(v), 7) for v in rng.integers(-6, 7, size=3))) for _ in range(2)]
    big = seed % 2 == 1
    s = [Fraction(int(v), 20) for v in rng.integers(-18, 19, size=3)]
    if big:
        s[0] = Fraction(23, 20)
    t = rot[0] @ np.diag(s) @ rot[1]
    lin = unital_qubit_map(t)
    sv = np.linalg.svd(np.array(t, dtype=float), compute_uv=False)[0]
    r = mp.positive(lin)
    assert r.exact, r.detail
    assert r.status == ("pass" if sv <= 1 else "fail"), (sv, r.detail)


def min_over_product_vectors_2xn(J: np.ndarray, dout: int, grid: int = 400) -> float:
    """``min_x λ_min(⟨x|J|x⟩)`` with x on a (θ, φ) grid of the Bloch sphere: a second method."""
    th, ph = np.meshgrid(np.linspace(0, np.pi, grid), np.linspace(0, 2 * np.pi, grid, endpoint=False))
    xs = np.stack([np.cos(th.ravel() / 2), np.exp(1j * ph.ravel()) * np.sin(th.ravel() / 2)], axis=1)
    m = np.einsum("ni,iajb,nj->nab", xs.conj(), J.reshape(2, dout, 2, dout), xs)
    return float(np.linalg.eigvalsh((m + np.swapaxes(m.conj(), 1, 2)) / 2)[:, 0].min())


def exact_gauss(m: np.ndarray) -> np.ndarray:
    out = alg.zeros(*m.shape)
    for i, j in itertools.product(range(m.shape[0]), range(m.shape[1])):
        out[i, j] = Cyclo(Fraction(m[i, j].real).limit_denominator(10**6)) + \
            Cyclo.I * Cyclo(Fraction(m[i, j].imag).limit_denominator(10**6))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_two_to_three_maps_are_decided_exactly(seed):
    """``J = Q^Γ − s·I`` with a rank-4 ``Q ⪰ 0`` (its kernel holds no product vector): positive iff
    s ≤ min over product vectors of Q^Γ; for s on either side, neither CP nor co-CP, so the answer
    rests on a verified certificate."""
    rng = np.random.default_rng(100 + seed)
    a = rng.integers(-3, 4, size=(6, 4)) + 1j * rng.integers(-3, 4, size=(6, 4))
    base = exact_gauss(output_partial_transpose(a @ a.conj().T / 10, 2, 3))
    lo = min_over_product_vectors_2xn(num(base), 3, grid=100)
    for s in (Fraction(lo * 0.5).limit_denominator(1000), Fraction(lo * 1.5).limit_denominator(1000)):
        lin = map_from_choi(base - alg.identity(6) * Cyclo(s), 2, 3)
        assert sd.check(lin, "completely_positive").status == "fail"
        assert mp.co_completely_positive(lin).status == "fail"
        r = mp.positive(lin)
        reference = min_over_product_vectors_2xn(num(lin.choi), 3)
        assert abs(reference) > 1e-3
        assert r.exact, r.detail
        assert r.status == ("pass" if reference > 0 else "fail"), (reference, r.detail)


def test_positivity_beyond_small_dimensions_is_never_an_exact_pass_without_a_proof():
    choi = mp.positive(ml.choi_map())  # positive (Choi 1975) but not decomposable, 3×3
    assert choi.status == "undecided" and not choi.exact
    assert "numerical evidence" in choi.detail
    formula = sd.load("models/e05_breuer_map.steer")["Breuer"]  # the E5 map, without the library's theorem
    r = sd.check(formula, "positive")
    assert r.status == "undecided" and not r.exact
    assert sd.check(sd.load("models/e05_breuer_map.steer")["BH"], "positive").status == "pass"


def test_python_api_exposes_the_constructions():
    for name in ("transpose_map", "reduction_map", "breuer_hall_map", "choi_map", "depolarising_channel",
                 "decide_decomposability", "decomposability", "product_minimum", "noisy", "qutrit_lift",
                 "bob_filter", "chsh_value", "local", "npa", "planar_locality"):
        assert callable(getattr(sd, name)), name
    assert sd.decide_decomposability(sd.reduction_map(3)).status == "pass"
    assert ml.dephasing_channel(2, 0.5).name == "dephasing_2(0.5)"

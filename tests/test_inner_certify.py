"""Certified membership (physics.md §8): exact realisations reproduce σ exactly, re-checked here from the
exact data; nothing an outer relaxation excludes is ever certified."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.inner.snippet import numeric_snippet
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import apply_choi, contract_party
from steerdsl.run import run_model

MODELS = Path(__file__).resolve().parent.parent / "models"

BWI = """scenario { alice A : inputs 2, outputs 2
  bob B : dim 2, inputs 2 }
let v1 = [[1], [2], [0], [1]]
let v2 = [[0], [1], [1 + i], [2]]
let G = 2 * proj(v1) + proj(v2)
state rho on A B = G / tr(G)
measurement M[a|x] on A = (I + (-1)^a * (X if x == 0 else Z)) / 2
assemblage base = measure rho with A: M
map Replace(r) : 2 -> 2 = tr(r) * I / 2
map AD34 : 2 -> 2 kraus { [[1, 0], [0, 1/2]], [[0, sqrt(3)/2], [0, 0]] }
map AD12 : 2 -> 2 kraus { [[1, 0], [0, sqrt(1/2)]], [[0, sqrt(1/2)], [0, 0]] }
assemblage replaced[a|x y] = base[a|x 0] if y == 0 else Replace(base[a|x 0])
assemblage damped[a|x y] = base[a|x 0] if y == 0 else AD34(base[a|x 0])
assemblage damped_half[a|x y] = base[a|x 0] if y == 0 else AD12(base[a|x 0])
"""


def _recheck(sigma, data) -> bool:
    """``σ_{a|x(y)} = E_y(tr_A[(M_{a|x} ⊗ I)|Ψ⟩⟨Ψ|])`` exactly, from the certificate's data alone."""
    state = data["state"] @ alg.dagger(data["state"])
    d = sigma.scenario.dim
    for (a, x, y), target in sigma.elements.items():
        tau = contract_party(state, data["dims"], 0, data["povms"][(a[0], x[0])])
        if "channels" in data:
            tau = apply_choi(data["channels"][y], d, d, tau)
        if not alg.equal(tau, target):
            return False
    return True


def test_ghjw_example_is_certified_from_the_assemblage_alone():
    sigma = sd.load(MODELS / "e12_ghjw.steer")["sigma"]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified"
    assert _recheck(sigma, result.details["exact_realisation"])


@pytest.mark.parametrize("name", ["replaced", "damped"])
def test_bob_with_input_assemblages_with_rational_channels_are_certified(name):
    sigma = sd.loads(BWI)[name]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified"
    assert _recheck(sigma, result.details["exact_realisation"])


def test_irrational_boundary_channel_stays_numeric():
    """Amplitude damping with γ = 1/2 has Choi entries √½ and rank 2: found member, but rounding does not
    land exactly on it, so the verdict stays numeric and the note says why."""
    result = sd.realisation(sd.loads(BWI)["damped_half"], certify=True)
    assert result.verdict == "member" and result.exactness == "numeric"
    assert "not certified" in result.details["certificate_note"]


def test_never_certified_where_an_outer_relaxation_excludes():
    m = sd.loads((MODELS / "e02_bwi_transpose.steer").read_text().split("# BWI outer hierarchy")[0]
                 + "solve sigma : bwi level 2 expect excluded\n"
                 + "solve sigma : realisation restarts 1 certify expect not certified\n",
                 file=str(MODELS / "e02_bwi_transpose.steer"))
    report = run_model(m)
    assert [a.ok for a in report.answers] == [True, True], [a.to_json() for a in report.answers]
    assert report.answers[1].result.verdict == "undecided"
    pr_box = sd.realisation(sd.load(MODELS / "e01_bwi_pr_box.steer")["sigma"], restarts=1, certify=True)
    assert pr_box.verdict == "undecided" and pr_box.exactness != "certified"


@pytest.mark.parametrize("name", ["sigmaGHZ", "sigmaW"])
def test_several_bobs_from_ghz_and_w_are_certified(name):
    """Exact parent states (Sainz 2026 Thm 6) realised by exact GHJW; every Bob's state re-checked here."""
    from steerdsl.exact import linalg

    sigma = sd.load(MODELS / "e08_several_bobs_ghz_w.steer")[name]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified"
    data = result.details["exact_realisation"]
    state = data["state"] @ alg.dagger(data["state"])
    for (a, x, _), parts in sigma.elements.items():
        joint = contract_party(state, data["dims"], 0, data["povms"][(a[0], x[0])])
        for k, part in enumerate(parts):
            assert alg.equal(linalg.partial_trace(joint, (2, 2), [1 - k]), part)
    back = sd.loads(numeric_snippet(result, name))[f"{name}_realised"]  # the .steer model, exactly
    assert all(alg.equal(p, q) for k, v in sigma.elements.items() for p, q in zip(v, back.elements[k]))


SEQUENTIAL = """scenario { alice A : inputs 2, outputs 2, rounds 2
  bob B : dim 2 }
let v1 = [[1], [2], [0], [1]]
let v2 = [[0], [1], [1 + i], [2]]
let v3 = [[3], [0], [1], [-1]]
let G = 2 * proj(v1) + proj(v2) + 3 * proj(v3)
let rho = G / tr(G)
let P(a, x) = (I + (-1)^a * (X if x == 0 else Z)) / 2
let Q(a, x) = (I + (-1)^a * (Z if x == 0 else (3*X + 4*Y)/5)) / 2
assemblage lueders[a1 a2|x1 x2] = ptrace(kron(P(a1, x1) * Q(a2, x2) * P(a1, x1), I(2)) * rho, [2, 2], [0])
assemblage flat[a1 a2|x1 x2] = I/8
"""


def _block_diagonal(blocks: list) -> object:
    n = sum(b.shape[0] for b in blocks)
    out, at = alg.zeros(n, n), 0
    for b in blocks:
        out[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    return out


def _recheck_sequential(sigma, data) -> bool:
    """From the certificate alone, with the instrument written out in full: Kraus operators
    ``K_{a1|x1} : A → ⊕_r C^{m_r}`` (zero outside block ``(a1, x1)``) with ``Σ_{a1} K†K = I``, second-round
    POVMs ``P_{a2|x2} = ⊕_r Q^r`` PSD summing to I, and ``tr_A[(K†PK ⊗ I)Ψ] = σ`` — all exactly."""
    from steerdsl.exact import linalg

    records = sorted(data["kraus"])
    sizes = [data["kraus"][r].shape[0] for r in records]
    dA = data["dims"][0]
    kraus = {}
    for i, r in enumerate(records):
        K = alg.zeros(sum(sizes), dA)
        K[sum(sizes[:i]):sum(sizes[:i + 1]), :] = data["kraus"][r]
        kraus[r] = K
    povms = {label: _block_diagonal([blocks[r] for r in records]) for label, blocks in data["povms"].items()}
    for x1 in {x for _, x in records}:
        total = sum((alg.dagger(K) @ K for (a, x), K in kraus.items() if x == x1), alg.zeros(dA, dA))
        if not alg.equal(total, alg.identity(dA)):
            return False
    for x2 in {x for _, x in povms}:
        elements = [P for (a, x), P in povms.items() if x == x2]
        if not alg.equal(sum(elements[1:], elements[0]), alg.identity(sum(sizes))):
            return False
        if any(linalg.psd(P).decided is not True for P in elements):
            return False
    state = data["state"] @ alg.dagger(data["state"])
    return all(alg.equal(contract_party(state, data["dims"], 0,
                                        alg.dagger(kraus[(a[0], x[0])]) @ povms[(a[1], x[1])] @ kraus[(a[0], x[0])]),
                         target) for (a, x, _), target in sigma.elements.items())


@pytest.mark.parametrize("name", ["lueders", "flat"])
def test_sequential_assemblages_are_certified_by_the_exact_construction(name):
    """GHJW of σ read with joint inputs, an instrument with a record and second-round POVMs, exact
    (rational factors instead of the Lüders square roots); re-checked here with the full matrices."""
    sigma = sd.loads(SEQUENTIAL)[name]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified", result.details["certificate_note"]
    assert _recheck_sequential(sigma, result.details["exact_realisation"])


def test_signalling_sequential_assemblage_is_never_certified():
    """Round 1's outcome depends on round 2's input: no realisation exists, and none is certified."""
    m = sd.loads("""scenario { alice A : inputs 2, outputs 2, rounds 2
      bob B : dim 2 }
    assemblage t[a1 a2|x1 x2] = (I + (-1)^a1 * x2 * Z) / 8
    """)
    result = sd.realisation(m["t"], certify=True)
    assert result.verdict == "undecided" and result.exactness != "certified"


def test_other_kinds_say_certification_is_not_available():
    """Several Alices with Bob's input: no exact rounding yet, and the note says so."""
    m = sd.loads("""scenario { alice A : inputs 2, outputs 2
      alice C : inputs 2, outputs 2
      bob B : dim 2, inputs 2 }
    assemblage s[a c|x z y] = I/8
    """)
    result = sd.realisation(m["s"], restarts=1, certify=True)
    assert result.verdict == "member" and result.exactness == "numeric"
    assert "not yet" in result.details["certificate_note"]


TRIPARTITE = """scenario { alice A1 : inputs 2, outputs 2
  alice A2 : inputs 2, outputs 2
  bob B : dim 2 }
state ghz on A1 A2 B = (|000⟩ + |111⟩) / sqrt(2)
state w on A1 A2 B = (|001⟩ + |010⟩ + |100⟩) / sqrt(3)
let v1 = [[1], [2], [0], [1], [0], [1], [1], [0]]
let v2 = [[0], [1], [1 + i], [2], [1], [0], [0], [-1]]
let G = 2 * proj(v1) + proj(v2) + I(8)
state mixed on A1 A2 B = G / tr(G)
measurement M[a|x] on A1 { x = 0 : proj(ket(a))
  x = 1 : (I + (-1)^a * X) / 2 }
measurement N[a|x] on A2 { x = 0 : (I + (-1)^a * (X + Z)/sqrt(2)) / 2
  x = 1 : (I + (-1)^a * (Z - X)/sqrt(2)) / 2 }
measurement P[a|x] on A2 { x = 0 : (I + (-1)^a * Y) / 2
  x = 1 : (I + (-1)^a * X) / 2 }
assemblage sigmaGHZ = measure ghz with A1: M, A2: M
assemblage sigmaW = measure w with A1: M, A2: M
assemblage sigmaGHZ45 = measure ghz with A1: M, A2: N
assemblage sigmaMixed = measure mixed with A1: M, A2: P
"""


def _recheck_alices(sigma, data) -> bool:
    """From the certificate's data alone: ρ PSD with trace 1, each Alice's POVMs PSD summing to I, and
    ``tr_A[(M_{a1|x1} ⊗ M_{a2|x2} ⊗ I) ρ] = σ_{a1 a2|x1 x2}`` exactly (each Alice contracted in turn)."""
    from steerdsl.exact import linalg
    from steerdsl.exact.cyclotomic import Cyclo

    state, dims = data["state"], tuple(data["dims"])
    if linalg.psd(state).decided is not True or not alg.equal(alg.trace(state), Cyclo(1)):
        return False
    for j, povm in enumerate(data["povms"]):
        for x in {x for _, x in povm}:
            elements = [m for (a, xx), m in povm.items() if xx == x]
            if any(linalg.psd(m).decided is not True for m in elements):
                return False
            if not alg.equal(sum(elements[1:], elements[0]), alg.identity(dims[j])):
                return False
    for (a, x, _), target in sigma.elements.items():
        out, left = state, dims
        for j in range(len(a)):
            out = contract_party(out, left, 0, data["povms"][j][(a[j], x[j])])
            left = left[1:]
        if not alg.equal(out, target):
            return False
    return True


@pytest.mark.parametrize("name", ["sigmaGHZ", "sigmaW", "sigmaGHZ45", "sigmaMixed"])
def test_tripartite_assemblages_are_certified_from_the_assemblage_alone(name):
    """Two Alices measuring Pauli observables (Z and X; for one Alice also rotated by 45°, or Y and X) on GHZ,
    W and a rational full-rank state: the search sees only σ, finds a realisation in an arbitrary local
    frame, and the rounding (canonical frame, exact projectors, exact state) reproduces σ exactly —
    re-checked here from the certificate's data."""
    sigma = sd.loads(TRIPARTITE)[name]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified", result.details["certificate_note"]
    assert _recheck_alices(sigma, result.details["exact_realisation"])


def test_bell_behaviour_is_certified_and_the_certificate_decides_the_verdict():
    """A Bell behaviour of two Alices (Bob of dimension 1), ``p(a1 a2|x1 x2) = (1 + (−1)^(a1+a2)[x1 = x2])/4``
    (|Φ+⟩ measured in Z and X): certified from p alone, re-checked here; an exact realisation proves membership,
    so the verdict is ``member`` with residual 0 even where the numeric search stops above its tolerance."""
    sigma = sd.loads("""scenario { alice A1 : inputs 2, outputs 2
      alice A2 : inputs 2, outputs 2
      bob B : dim 1 }
    assemblage p[a1 a2|x1 x2] = (1 + (-1)^(a1 + a2) * [x1 == x2]) / 4 * I(1)
    """)["p"]
    result = sd.realisation(sigma, certify=True)
    assert result.exactness == "certified", result.details["certificate_note"]
    assert result.verdict == "member" and result.margin < 0
    assert result.value == 0.0 or result.value == result.details["residual"]
    assert _recheck_alices(sigma, result.details["exact_realisation"])


def test_tripartite_certified_snippet_reproduces_sigma(tmp_path):
    """The certified realisation of a two-Alice assemblage, written as a ``.steer`` snippet, loads back to σ
    exactly."""
    from steerdsl.cli import main

    model = tmp_path / "t.steer"
    model.write_text(TRIPARTITE + "solve sigmaGHZ : realisation certify expect certified\n")
    assert main(["run", "-q", "--realisations", str(tmp_path / "out"), str(model)]) == 0
    (snippet,) = (tmp_path / "out").glob("t_line*.steer")
    realised = sd.load(snippet)["sigmaGHZ_realised"]
    sigma = sd.load(model)["sigmaGHZ"]
    assert all(alg.equal(alg.as_matrix(realised.elements[k]), v) for k, v in sigma.elements.items())


def test_rounding_keeps_qubit_projectors_exact():
    """The stereographic rounding gives |n| = 1 exactly (so (I ± n·σ)/2 are exact projectors), keeps the axes
    exactly, and lands within 1e-4 of a generic direction at denominator 10⁴."""
    from fractions import Fraction

    from steerdsl.inner.certify_alices import unit_vector

    for n in ([0, 0, 1], [0, 0, -1], [1, 0, 0], [0, -1, 0], [0.3, -0.5, 0.81], [-0.6, 0.1, -0.79]):
        n = np.array(n, dtype=float) / np.linalg.norm(n)
        exact = unit_vector(n, 10**4)
        assert sum(c * c for c in exact) == Fraction(1)
        assert np.max(np.abs(np.array([float(c) for c in exact]) - n)) < 1e-4
        if np.count_nonzero(n) == 1:
            assert [float(c) for c in exact] == list(n)


def test_realisation_snippets_reproduce_the_assemblage(tmp_path):
    """``steer run --realisations DIR`` writes each realisation as a model: the certified one gives σ back
    exactly, a numeric one to its residual, and a see-saw optimiser its value."""
    from steerdsl.cli import main

    model = tmp_path / "m.steer"
    model.write_text(BWI + "solve damped : realisation certify expect certified\n"
                     "solve damped_half : realisation expect member\n"
                     "functional F[a|x y] = (-1)^(a + x*y) * Z\nbound max F over seesaw restarts 2\n")
    assert main(["run", "-q", "--realisations", str(tmp_path / "out"), str(model)]) == 0
    files = sorted((tmp_path / "out").glob("m_line*.steer"), key=lambda f: int(f.stem.split("line")[1]))
    assert len(files) == 3
    exact = sd.load(files[0])["damped_realised"]
    sigma = sd.load(model)["damped"]
    assert all(alg.equal(exact.elements[k], v) for k, v in sigma.elements.items())
    numeric = sd.load(files[1])["damped_half_realised"].to_numeric()
    target = sd.load(model)["damped_half"].to_numeric()
    assert max(abs(numeric.elements[k] - v).max() for k, v in target.elements.items()) < 1e-6
    assert "see-saw" in files[2].read_text().splitlines()[0]
    assert sd.load(files[2])["F_realised"] is not None


def _random_rational_model(seed: int) -> str:
    """A random full-rank two-qubit state with Gaussian-integer vectors and rational weights, measured with
    X and Z, once (standard) and twice with Lüders updates (sequential)."""
    rng = np.random.default_rng(seed)

    def vector() -> str:
        return "[" + ", ".join(f"[{int(rng.integers(-3, 4))} + {int(rng.integers(-3, 4))}*i]" for _ in range(4)) + "]"

    terms = " + ".join(f"{int(rng.integers(1, 5))} * proj({vector()})" for _ in range(4))
    return f"""scenario {{ alice A : inputs 2, outputs 2
  bob B : dim 2 }}
let G = {terms} + I(4)
state rho on A B = G / tr(G)
measurement M[a|x] on A = (I + (-1)^a * (X if x == 0 else Z)) / 2
assemblage sigma = measure rho with A: M
""", f"""scenario {{ alice A : inputs 2, outputs 2, rounds 2
  bob B : dim 2 }}
let G = {terms} + I(4)
let P(a, x) = (I + (-1)^a * (X if x == 0 else Z)) / 2
assemblage s[a1 a2|x1 x2] = ptrace(kron(P(a1, x1) * P(a2, x2) * P(a1, x1), I(2)) * G / tr(G), [2, 2], [0])
"""


def test_random_exact_quantum_assemblages_are_certified_and_recheck():
    """Property: 10 random rational states; every standard and sequential assemblage is certified (GHJW and
    the exact sequential construction always apply to exact valid data with rational pivots), and every
    certificate re-checks exactly from its own data."""
    for seed in range(10):
        standard, sequential = _random_rational_model(seed)
        sigma = sd.loads(standard)["sigma"]
        result = sd.realisation(sigma, certify=True)
        assert result.exactness == "certified" and _recheck(sigma, result.details["exact_realisation"])
        s = sd.loads(sequential)["s"]
        result = sd.realisation(s, certify=True)
        assert result.exactness == "certified" and _recheck_sequential(s, result.details["exact_realisation"])


def test_no_certificate_on_what_the_almost_quantum_set_excludes():
    """Both sides on the tripartite PR box (E4): almost quantum excludes it, the realisation search cannot
    certify it, and its pseudo-state realisation (certified as a pseudo-state) is not PSD."""
    from steerdsl.inner.pseudo import pseudo_realisation

    sigma = sd.load(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    assert sd.membership(sigma, "almost_quantum").verdict == "excluded"
    result = sd.realisation(sigma, restarts=1, certify=True)
    assert result.verdict == "undecided" and result.exactness != "certified"
    assert pseudo_realisation(sigma).negative_trace() > 0


INSTRUMENTAL = """scenario { alice A : inputs 2, outputs 2
  bob B : dim 2, input = outcome of A }
let v1 = [[1], [2], [0], [1]]
let v2 = [[0], [1], [1 + i], [2]]
let G = 2 * proj(v1) + proj(v2)
let rho = G / tr(G)
let P(a, x) = (I + (-1)^a * (X if x == 0 else Z)) / 2
map Dep(r) : 2 -> 2 = r / 2 + tr(r) * I / 4
let tau(a, x) = ptrace(kron(P(a, x), I(2)) * rho, [2, 2], [0])
assemblage first_kept[a|x] = tau(a, x) if a == 0 else Dep(tau(a, x))
assemblage second_kept[a|x] = Dep(tau(a, x)) if a == 0 else tau(a, x)
"""


@pytest.mark.parametrize("name", ["first_kept", "second_kept"])
def test_instrumental_assemblages_are_certified_from_the_assemblage_alone(name):
    """A rational two-qubit state, X and Z, Bob's channel for one outcome the identity and for the other a
    depolarising channel: found and certified from σ alone (the search does not know which outcome keeps
    Bob's state); re-checked here: ``σ_{a|x} = E_a(tr_A[(M_{a|x} ⊗ I)Ψ])`` exactly, with each channel's
    Choi matrix PSD and trace preserving exactly."""
    from steerdsl.exact import linalg

    sigma = sd.loads(INSTRUMENTAL)[name]
    result = sd.realisation(sigma, certify=True)
    assert result.verdict == "member" and result.exactness == "certified", result.details["certificate_note"]
    data = result.details["exact_realisation"]
    for J in data["channels"].values():
        assert linalg.psd(J).decided is True
        assert alg.equal(linalg.partial_trace(J, (2, 2), [1]), alg.identity(2))
    state = data["state"] @ alg.dagger(data["state"])
    for (a, x, _), target in sigma.elements.items():
        tau = contract_party(state, data["dims"], 0, data["povms"][(a[0], x[0])])
        assert alg.equal(apply_choi(data["channels"][a[0]], 2, 2, tau), target)

"""Issue 17 item 9: the emitted sympy constraints, settled by sympy alone, agree with the number-field checks.

Two independent exact paths: :mod:`steerdsl.exact.checks` (cyclotomic arithmetic, LDL†) and
:func:`steerdsl.emit_constraints.decide` (sympy expressions of the entries, minimal polynomials,
characteristic-polynomial sign conditions).  Every object of every model in models/ is compared property by
property, and a few invalid assemblages (signalling, not PSD, not normalised, Bob signalling, inconsistent
Bobs) must fail on both paths for the same property.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

import steerdsl as sd
from steerdsl.emit_constraints import Constraints, constraints, decide
from steerdsl.exact import checks as ac
from steerdsl.exact import operator_checks as oc
from steerdsl.exact.report import PASS, UNDECIDED
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.values import Behaviour, LinearMap, Measurement, State

ROOT = Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "models").glob("*.steer"))


def fast(value) -> dict[str, str]:
    """The number-field verdict of every property the constraints cover."""
    if isinstance(value, Behaviour):
        value = value.as_assemblage()
    if isinstance(value, Assemblage):
        n = value.name
        out = {"psd": ac.elements_psd(value, n), "normalised": ac.normalised(value, n)}
        kind = value.scenario.kind
        if kind != "instrumental":
            out["nonsignalling"] = ac.no_signalling(value, n)
        if kind == "bwi":
            out["no_bob_signalling"] = ac.bob_to_alice(value, n)
        if kind == "several_bobs":
            out["consistent_bobs"] = ac.bobs_agree(value, n)
    elif isinstance(value, Measurement):
        psd, povm = oc.povm_checks(value)[:2] + [None] * (2 - len(oc.povm_checks(value)[:2]))
        out = {"psd": psd, "povm": povm}
        if psd.status != PASS:
            out.pop("povm")  # the fast check stops at the first failure
    elif isinstance(value, State):
        out = dict(zip(("psd", "normalised"), oc.state_checks(value)))
    else:
        out = {"completely_positive": oc.completely_positive(value), "trace_preserving": oc.trace_preserving(value)}
    return {k: r.status for k, r in out.items()}


def slow(cs: Constraints) -> dict[str, bool | None]:
    """sympy's verdict per property: every constraint of it holds (True), one fails (False), else None."""
    verdicts: dict[str, list] = {}
    for c in cs:
        verdicts.setdefault(c.property, []).append(decide(c))
    return {p: False if False in v else (None if None in v else True) for p, v in verdicts.items()}


def agree(value) -> tuple[int, list[str]]:
    """(constraints checked, disagreements)."""
    cs = constraints(value)
    f, s = fast(value), slow(cs)
    bad = []
    for prop, status in f.items():
        if status == UNDECIDED:
            continue
        verdict = s.get(prop)
        if verdict is None or verdict != (status == PASS):
            bad.append(f"{value.name} {prop}: number field {status}, sympy {verdict}")
    extra = set(s) - set(f)
    bad += [f"{value.name} {p}: emitted but not checked by the number field" for p in extra]
    return len(cs), bad


def _objects(model):
    return [(n, d.value) for n, d in model.definitions.items()
            if isinstance(d.value, (Assemblage, Measurement, State, LinearMap, Behaviour))
            and (not isinstance(d.value, Assemblage) or d.kind == "assemblage")]


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_sympy_agrees_with_number_field_on_models(path):
    model = sd.load(path)
    total, bad = 0, []
    for _name, value in _objects(model):
        n, b = agree(value)
        total, bad = total + n, bad + b
    assert not bad, "\n".join(bad)
    assert total > 0


INVALID = {
    "signalling": ("alice A : inputs 2, outputs 2\n    bob B : dim 2",
                   "assemblage sigma[a|x] = [a == 0] * proj(ket(x))", {"nonsignalling"}),
    "not_psd": ("alice A : inputs 2, outputs 2\n    bob B : dim 2",
                "assemblage sigma[a|x] = (I + (-1)^a * (X + Z)) / 4", {"psd"}),
    "not_normalised": ("alice A : inputs 2, outputs 2\n    bob B : dim 2",
                       "assemblage sigma[a|x] = I / 2", {"normalised"}),
    "bob_signals": ("alice A : inputs 2, outputs 2\n    bob B : dim 2, inputs 2",
                    "assemblage sigma[a|x y] = [a == y] * I / 2", {"no_bob_signalling"}),
    "bobs_disagree": ("alice A : inputs 2, outputs 2\n    bob B1 : dim 2\n    bob B2 : dim 2",
                      "assemblage sigma[a|x] {\n    on B1 : [a == 0] * I / 2\n    on B2 : I / 4\n}",
                      {"consistent_bobs"}),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_assemblages_fail_on_both_paths(case):
    parties, body, failing = INVALID[case]
    model = sd.loads(f"scenario {{\n    {parties}\n}}\n{body}\n")
    sigma = model["sigma"]
    n, bad = agree(sigma)
    assert not bad, "\n".join(bad)
    verdicts = slow(constraints(sigma))
    assert {p for p, v in verdicts.items() if v is False} == failing


def test_notes_for_kinds_without_finite_form():
    cs = constraints(sd.load(ROOT / "models/e03_instrumental.steer")["sigma"])
    assert any("general instrumental" in n for n in cs.notes)
    assert {c.property for c in cs} == {"psd", "normalised"}



SEQUENTIAL = "scenario {\n    alice A : inputs 2, outputs 2, rounds 2\n    bob B : dim 2\n}\n"


@pytest.mark.parametrize("formula,valid", [
    ("[a1 == 0] * [a2 == x1] * I/2", True),   # Σ_{a1} depends on x1: allowed to a later round
    ("[a1 == x2] * [a2 == 0] * I/2", False),  # Σ_{a2} depends on x2: the second round signals back
])
def test_sequential_constraints_follow_the_declared_groups(formula, valid):
    """The sequential no-signalling relations come from the one declaration (signalling_groups): sympy's
    verdict and the number field's agree on an assemblage that only a sequential Alice may produce, and on
    one that no Alice may."""
    seq = sd.loads(SEQUENTIAL + f"assemblage sigma[a1 a2|x1 x2] = {formula}\n")["sigma"]
    count, bad = agree(seq)
    assert count and not bad, bad
    assert slow(constraints(seq))["nonsignalling"] is valid


def test_constraint_names_and_relations():
    cs = constraints(sd.load(ROOT / "models/e10_werner_xz.steer")["sigma"])
    names = [c.name for c in cs]
    assert "sigma[0|0] psd (-1)^2·c_0" in names
    assert any(n.startswith("sigma no-signalling from A") for n in names)
    assert {c.relation for c in cs} == {"==", ">="}
    assert all(str(c).endswith(f"{c.relation} 0") for c in cs)
    bwi = [c.name for c in constraints(sd.load(ROOT / "models/e01_bwi_pr_box.steer"))]
    assert any(n.startswith("sigma (y=1) no-signalling from A: Σ_a sigma[·|0] − Σ_a sigma[·|1]") for n in bwi)
    assert any(n.startswith("sigma shared trace tr sigma[0|1] (y=0) − (y=1)") for n in bwi)
    assert any(n.startswith("Zb povm") for n in bwi)
    with pytest.raises(ValueError):
        constraints(sd.load(ROOT / "models/e10_werner_xz.steer"), form="latex")


def test_cli_emits_constraints():
    out = subprocess.run([sys.executable, "-m", "steerdsl", "compile", str(ROOT / "models/e03_instrumental.steer"),
                          "--emit", "constraints"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "sigma[0|0] psd (-1)^2·c_0:" in out.stdout
    assert "omega" not in out.stdout  # imported from E2: its constraints are emitted with E2
    assert "note: sigma: being a general instrumental assemblage" in out.stdout


def test_cyclotomic_entries_beyond_square_roots():
    """cos(π/8) is of degree 4: its entries reach sympy as sums of exp(2πik/16), settled by minimal
    polynomials; a rank-one element (det = 0 exactly) passes and the same one stretched by 11/10 fails."""
    model = sd.loads("""
scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
measurement M[a|x] on A {
    x = 0 : (I + (-1)^a * (cos(pi/8)*Z + sin(pi/8)*X)) / 2
    x = 1 : (I + (-1)^a * (cos(pi/8)*Z - sin(pi/8)*Y)) / 2
}
state rho on A B = proj((|00⟩ + |11⟩) / sqrt(2))
assemblage sigma = measure rho with A: M
assemblage tau[a|x] = (I + 11/10 * (sigma[a|x] - sigma[(1 - a)|x]) * 2) / 4
""")
    for name, failing in (("sigma", set()), ("tau", {"psd"})):
        value = model[name]
        cs = constraints(value)
        assert any(c.expr.has(sympy.exp) for c in cs)
        n, bad = agree(value)
        assert not bad, "\n".join(bad)
        assert {p for p, v in slow(cs).items() if v is False} == failing


def test_floating_point_data_is_compared_within_the_tolerance():
    """Arrays (floats) are settled within the checks' tolerance, like the number-field path on them."""
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    for v, failing in ((0.8, set()), (1.3, {"psd"})):
        data = np.zeros((2, 2, 2, 2))
        for x, P in enumerate((Z, X)):
            for a in range(2):
                data[:, :, a, x] = (np.eye(2) + (-1) ** a * v * P) / 4
        sigma = sd.assemblage(data, validate=False)
        n, bad = agree(sigma)
        assert not bad, "\n".join(bad)
        assert {p for p, ok in slow(constraints(sigma)).items() if ok is False} == failing

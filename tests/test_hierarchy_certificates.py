"""Exact certificates of bounds over the BWI and instrumental hierarchies (PRL 2020's method end to end,
issue 15): eq. 6's functional is certified below 6 at level 2, the bound verifies from the file alone, and no
tampered file verifies a claim other than the one its content proves (the style of
tests/test_certificate_tampering.py)."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from json_tampering import assert_every_edit_fails, json_paths

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.exact.certificate_files import save_certificate, verify_certificate
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.hierarchy_certificate import HierarchyCertificate, certificate_digest, to_json
from steerdsl.model.assemblage import Functional
from steerdsl.model.marginals import functional_value
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.bwi_hierarchy import hierarchy_bound
from steerdsl.sdp.certify_hierarchy import certify_hierarchy_bound
from steerdsl.tasks import bound_task

MODELS = Path(__file__).resolve().parent.parent / "models"
E1, E16, E17 = (MODELS / n for n in ("e01_bwi_pr_box.steer", "e16_bwi_functional_bounds.steer",
                                     "e17_instrumental_functional_bounds.steer"))


def _certified(functional: Functional, level, sense: str = "max"):
    result = certify_hierarchy_bound(functional, sense, hierarchy_bound(functional, sense=sense, level=level))
    assert result.exactness == "certified", result.details.get("certificate_note")
    return result


@pytest.fixture(scope="module")
def eq6_result():
    return _certified(sd.load(E16)["F"], 2)


@pytest.fixture(scope="module")
def pr_cert() -> HierarchyCertificate:
    """E1's BWI PR-box functional at level 1 (two copies of side 6): small enough to tamper with every leaf."""
    return _certified(sd.load(E1)["F"], 1).details["certificate"]


def test_eq6_bound_is_certified_strictly_below_six(eq6_result):
    """PRL 2020 eq. 6: the level-2 bound ≈ 4.9596 is certified in exact arithmetic, strictly below the value 6
    of eq. 6's (valid) assemblage: a robust, certified post-quantum violation."""
    model = sd.load(E16)
    assert functional_value(model["F"], model["sigma"]) == 6
    certified = eq6_result.details["certified_bound"]
    assert eq6_result.value == pytest.approx(4.9596315, abs=1e-6)
    assert eq6_result.value <= certified < eq6_result.value + 1e-6 < 6
    cert = eq6_result.details["certificate"]
    assert (Cyclo(6) - cert.bound - cert.constant).sign() == 1 and cert.copies == 2 and cert.Z[0].shape == (20, 20)
    check = verify_certificate(json.loads(json.dumps(to_json(cert))))
    assert check.verified and check.bound == cert.bound and "BWI hierarchy level 2" in check.claim
    # white noise has value 0, so v·σ + (1 − v)·noise has value 6v: above the certified bound for v > bound/6
    assert 6 * 0.827 > certified


def test_min_and_the_certify_option(eq6_result):
    F = sd.load(E16)["F"]
    low = _certified(F, 2, "min")
    assert low.details["certified_bound"] <= low.value == pytest.approx(-eq6_result.value, abs=1e-6)
    assert "≥" in low.details["certificate"].claim
    through_task = bound_task(F, "max", "quantum", {"level": "2", "certify": True})
    assert through_task.exactness == "certified"


def test_instrumental_bound_is_certified():
    """E17 (E3's instrumental functional): level 1 certified, at least its value 3 on E3's assemblage."""
    F = sd.load(E17)["F"]
    result = _certified(F, 1)
    cert = result.details["certificate"]
    assert cert.kind == "instrumental" and result.details["certified_bound"] >= 3 - 1e-6
    assert verify_certificate(to_json(cert)).verified


def test_a_numeric_functional_is_certified_after_rounding():
    result = _certified(_random_bwi_functional(Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2, inputs=2),)), 5), 2)
    assert "rounded" in result.details["certificate_note"]
    assert result.value <= result.details["certified_bound"] < result.value + 1e-5


def _random_bwi_functional(sc: Scenario, seed: int) -> Functional:
    rng = np.random.default_rng(seed)
    terms = {}
    for key in sc.keys():
        g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        terms[key] = (g + g.conj().T) / 2
    return Functional(sc, terms, exact=False, name=f"R{seed}")


@pytest.mark.parametrize("case", ["e1 1+AB", "e17 level 2", "two Alices level 2", "three Bob inputs"])
def test_other_levels_and_scenarios_are_certified(case):
    if case == "e1 1+AB":
        F, level = sd.load(E1)["F"], "1+AB"
    elif case == "e17 level 2":
        F, level = sd.load(E17)["F"], 2
    elif case == "two Alices level 2":
        F, level = _random_bwi_functional(Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))),
                                                   (Bob("B", 2, inputs=2),)), 3), 2
    else:
        F, level = _random_bwi_functional(Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2, inputs=3),)), 4), 2
    result = _certified(F, level)
    assert result.value <= result.details["certified_bound"] < result.value + 1e-5
    assert verify_certificate(to_json(result.details["certificate"])).verified


def test_two_alices_at_level_one_are_not_certified():
    """Level 1 with two Alices has no row for the joint word, so σ ⪰ 0 is imposed outside Γ: no certificate of
    that SDP (a note says why, the bound stays numeric)."""
    F = _random_bwi_functional(Scenario((Alice("A", 2, (2, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2, inputs=2),)), 3)
    result = certify_hierarchy_bound(F, "max", hierarchy_bound(F, level=1))
    assert result.exactness == "numeric" and "data word" in result.details["certificate_note"]


def test_verify_with_the_model(eq6_result, tmp_path, capsys):
    """steer verify recomputes the claim from the file; --model matches F by content; E1's F is another one."""
    path = save_certificate(eq6_result.details["certificate"], tmp_path / "eq6.json")
    capsys.readouterr()
    assert main(["verify", str(path), "--model", str(E16)]) == 0
    out = capsys.readouterr().out
    assert "BWI hierarchy level 2" in out and "F in" in out and "4.959631535" in out
    assert main(["verify", str(path), "--model", str(E1)]) == 1
    assert "E231" in capsys.readouterr().out


# ---------------------------------------------------------------- tampering
def test_every_field_of_the_pr_box_certificate_is_checked(pr_cert):
    data = to_json(pr_cert)
    paths = list(json_paths(data))
    assert assert_every_edit_fails(data, paths) == 3 * (len(paths) - 1) > 500


def test_fields_of_the_eq6_certificate_are_checked(eq6_result):
    data = to_json(eq6_result.details["certificate"])
    paths = [p for p in json_paths(data) if len(p) <= 2 or p[0] in ("scenario", "subject")]
    paths += [("Z", y, i, j) for y in (0, 1) for i in range(0, 20, 7) for j in (i, (i + 5) % 20)]
    paths += [("functional", k, "matrix", 0, 1) for k in (0, 3, 6)]
    paths += [("functional", k, "copy") for k in (1, 5)]
    paths += [("rows", 4, 0, c) for c in range(3)]
    assert_every_edit_fails(data, paths)


ONE = Cyclo(1)


def _rebuilt(cert: HierarchyCertificate, t: Cyclo = ONE, **changes) -> HierarchyCertificate:
    new = copy.copy(cert)
    new.functional = tuple({w: f * t for w, f in per.items()} for per in cert.functional)
    new.Z = tuple(z * t for z in cert.Z)
    new.bound, new.constant = cert.bound * t, cert.constant * t
    for k, v in changes.items():
        setattr(new, k, v)
    return new


def test_halved_is_a_claim_about_the_halved_functional(pr_cert, tmp_path, capsys):
    """F, every Z_y and the bound halved: a true bound of F/2, so it verifies, names F/2, and --model refuses it
    as a certificate about E1's F (E231)."""
    half = Cyclo(Fraction(1, 2))
    halved = _rebuilt(pr_cert, half)
    check = verify_certificate(halved)
    assert check.verified and check.bound == pr_cert.bound * half
    assert check.digest == certificate_digest(halved) != certificate_digest(pr_cert)
    path = save_certificate(halved, tmp_path / "halved.json")
    capsys.readouterr()
    assert main(["verify", str(path), "--model", str(E1)]) == 1
    assert "E231" in capsys.readouterr().out
    path = save_certificate(pr_cert, tmp_path / "pr.json")
    assert main(["verify", str(path), "--model", str(E1)]) == 0


def test_other_statements_do_not_verify(pr_cert):
    rebuilt = {
        "a bound below 2√2": _rebuilt(pr_cert, bound=Cyclo(Fraction(28, 10))),
        "min instead of max": _rebuilt(pr_cert, sense="min"),
        "level 2 rows": _rebuilt(pr_cert, level="2"),
        "F negated": _rebuilt(pr_cert, functional=tuple({w: -f for w, f in per.items()} for per in pr_cert.functional)),
        "copies of F swapped": _rebuilt(pr_cert, functional=pr_cert.functional[::-1]),
        "one Z for both copies": _rebuilt(pr_cert, Z=(pr_cert.Z[0], pr_cert.Z[0])),
        "one copy only": _rebuilt(pr_cert, Z=pr_cert.Z[:1], functional=pr_cert.functional[:1]),
        "read as instrumental": _rebuilt(pr_cert, kind="instrumental"),
        "a non-PSD Z": _rebuilt(pr_cert, Z=(pr_cert.Z[0] * Cyclo(-1), pr_cert.Z[1])),
    }
    for what, cert in rebuilt.items():
        check = verify_certificate(cert)
        assert not check.verified and check.reasons, what

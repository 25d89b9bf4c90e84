"""The Python API on models and certificates (issue 17, items 1–2): ``sd.load`` gives a model with ``run()``,
``check()`` and ``constraints("sympy")`` that agrees with the command line; ``sd.realisation``, ``sd.certify``
and ``sd.verify`` answer as the ``solve … : realisation``, ``certify`` and ``steer verify`` do."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent

WERNER = """scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
let v = 4/5
let P(x) = Z if x == 0 else X
assemblage sigma[a|x] = (I + (-1)^a * v * P(x)) / 4
check sigma : valid
solve sigma : lhs expect excluded
solve sigma : robustness
"""
"""Werner's state with Z and X measured: an LHS model exists iff v ≤ 1/√2 (the textbook threshold)."""

CHSH = """scenario {
    alice A : inputs 2, outputs 2
    alice B : inputs 2, outputs 2
}
functional chsh[a b|x y] = (-1)^(a + b + x*y)
assemblage pr[a b|x y] = [a xor b == x*y] / 2
value chsh on pr expect == 4
"""


def _without_times(data):
    if isinstance(data, dict):
        return {k: _without_times(v) for k, v in data.items() if not k.endswith("seconds")}
    if isinstance(data, list):
        return [_without_times(v) for v in data]
    return data


def _close(a, b) -> bool:
    """Equal JSON documents, numbers within solver accuracy (two solves of the same SDP)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, abs_tol=1e-7)
    return a == b


@pytest.fixture()
def werner(tmp_path):
    path = tmp_path / "werner.steer"
    path.write_text(WERNER, encoding="utf-8")
    return path


def test_model_run_agrees_with_the_command_line(werner, capsys):
    assert main(["run", "--format", "json", str(werner)]) == 0
    cli = json.loads(capsys.readouterr().out)
    model = sd.load(werner)
    assert isinstance(model, sd.LoadedModel) and isinstance(model, sd.Model)
    api = json.loads(json.dumps(model.run().to_json(), default=str))
    assert _close(_without_times(api), _without_times(cli))
    assert [a["verdict"] for a in api["answers"]] == ["excluded", "excluded"]  # v = 4/5 > 1/√2: steerable


def test_with_params_keeps_the_methods_and_crosses_the_threshold(werner):
    """v = 1/2 < 1/√2: LHS (its white-noise visibility is (1/√2)/v = √2); v = 4/5 > 1/√2: steerable."""
    model = sd.load(werner, params={"v": "1/2"})
    assert isinstance(model, sd.LoadedModel)
    report = model.run()
    lhs = report.answers[0].result
    assert lhs.verdict == "member" and lhs.value == pytest.approx(math.sqrt(2), abs=1e-6)
    assert report.answers[0].ok is False  # the file claims 'excluded', true only above the threshold
    again = model.with_params(v=0.8)
    assert isinstance(again, sd.LoadedModel)
    assert again.run().answers[0].result.value == pytest.approx(1 / math.sqrt(2) / 0.8, abs=1e-6)
    same, first = sd.loads(WERNER).with_params(v=0.8)["sigma"], sd.loads(WERNER)["sigma"]  # 0.8 is 4/5 exactly
    assert all((same.elements[k] == first.elements[k]).all() for k in first.elements)


def test_model_check_and_constraints_are_the_module_functions(werner):
    model = sd.load(werner)
    assert model.check().ok and [r.status for r in model.check().results] == \
        [r.status for r in sd.check(model).results]
    mine, theirs = model.constraints("sympy"), sd.constraints(model)
    assert [str(c) for c in mine] == [str(c) for c in theirs] and len(mine.constraints) > 0


def test_realisation_from_an_array():
    """A Werner assemblage (v = 0.8, Z and X) is quantum by construction: a qubit realisation exists."""
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    sigma = np.zeros((2, 2, 2, 2))
    for x, P in enumerate((Z, X)):
        for a in range(2):
            sigma[:, :, a, x] = (np.eye(2) + (-1) ** a * 0.8 * P) / 4
    answer = sd.realisation(sigma, dims=(2,))
    assert answer.verdict == "member" and answer.value < 1e-6 and answer.details["realisation"] is not None
    assert sd.realisation(sigma, dims=(2,), tol=1e-12).verdict in ("member", "undecided")  # never excluded


def test_realisation_never_excludes_a_post_quantum_assemblage():
    pr_box = sd.load(ROOT / "models" / "e01_bwi_pr_box.steer")["sigma"]
    assert sd.realisation(pr_box, restarts=1).verdict == "undecided"


def test_certify_an_exclusion_and_verify_it(tmp_path):
    """The PR box is outside almost-quantum with margin √2 − 1 (its largest quantum visibility is 1/√2)."""
    model = sd.loads(CHSH)
    answer = sd.certify(model["pr"], "almost_quantum")
    assert answer.exactness == "certified" and answer.verdict == "excluded"
    assert answer.value == pytest.approx(math.sqrt(2) - 1, abs=1e-6)
    checked = sd.verify(answer.certificate, model=model)
    assert checked.verdict == "verified" and checked.details["model_object"] == "pr"
    assert checked.value == pytest.approx(math.sqrt(2) - 1, abs=1e-6) and checked.value > checked.bound
    assert checked.to_dict()["value_exact"] == checked.details["value_exact"] != ""  # exact beside the float
    path = sd.save_certificate(answer.certificate, tmp_path / "pr.json")
    assert sd.verify(path).verdict == "verified"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["Z"][0][0] = "-1"  # a certificate that does not hold
    wrong = sd.verify(data)
    assert wrong.verdict == "not verified" and wrong.details["code"] in ("E220", "E221") and wrong.details["reasons"]


def test_verify_against_another_model_is_refused():
    answer = sd.certify(sd.loads(CHSH)["pr"], "almost_quantum")
    other = sd.loads(CHSH.replace("[a xor b == x*y] / 2", "1/4"))
    checked = sd.verify(answer.certificate, model=other)
    assert checked.verdict == "not verified" and checked.details["code"] == "E231"


def test_certify_a_bound_from_an_array():
    """CHSH over almost-quantum: Tsirelson's 2√2, certified by a rational just above it."""
    chsh = np.zeros((1, 1, 2, 2, 2, 2))
    for a, b, x, y in np.ndindex(2, 2, 2, 2):
        chsh[0, 0, a, b, x, y] = (-1) ** (a + b + x * y)
    answer = sd.certify(chsh, "almost_quantum", sense="max")
    assert answer.exactness == "certified"
    bound = sd.verify(answer.certificate).bound
    assert 2 * math.sqrt(2) <= bound < 2 * math.sqrt(2) + 1e-6

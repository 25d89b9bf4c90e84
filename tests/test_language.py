"""Language features end to end: numeric cg tables, imports, Kraus/Choi maps, sequential and several-Bobs tables."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.model.marginals import functional_value

LANG = Path(__file__).resolve().parent / "lang"


@pytest.mark.parametrize("name", ["cg_numeric_import", "sequential", "several_bobs_table"])
def test_feature_models_check(name):
    report = sd.check(sd.load(LANG / f"{name}.steer"))
    assert report.ok, [d.message for d in report.diagnostics]


def test_numeric_cg_table_reconstructs_the_full_assemblage():
    model = sd.load(LANG / "cg_numeric_import.steer")
    s = model["s"]
    assert not s.exact
    # inclusion–exclusion: σ[1 1|1 1] = ρ − B[0|1] − C[0|1] + BC[00|11] = I/2 − I/4 − I/4 + 0 = 0 … plus checks
    assert np.allclose(s.elements[((1, 1), (1, 1), ())], np.zeros((2, 2)))
    assert np.allclose(s.elements[((0, 1), (1, 1), ())], np.eye(2) / 4)
    report = sd.check(s, "nonsignalling")
    assert report.status == "pass" and not report.exact and report.tolerance == 1e-9
    assert abs(functional_value(model["F"], s) - 1) < 1e-12


def test_decimal_literals_are_exact():
    model = sd.loads("let x = 0.1 + 0.2\nlet y = 3/10")
    assert model["x"] == model["y"] == Fraction(3, 10)


def test_float_opt_in_is_numeric():
    model = sd.loads("let x = float(sqrt(2))")
    assert isinstance(model["x"], complex) and abs(model["x"] - 2**0.5) < 1e-15


def test_exact_trigonometry_and_roots():
    model = sd.loads("let c = cos(pi/8)^2\nlet e = exp(i*pi/3)\nlet s = sin(pi/6)")
    assert str(model["c"]) == "1/2 + sqrt(2)/4"
    assert str(model["e"]) == "1/2 + sqrt(3)/2*i"
    assert model["s"] == Fraction(1, 2)

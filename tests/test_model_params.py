"""Models as values: ``sd.load(path, params=…)`` and ``model.with_params(…)`` re-evaluate a model exactly."""

from __future__ import annotations

from fractions import Fraction

import pytest

import steerdsl as sd
from steerdsl.exact.cyclotomic import Cyclo

WERNER = """scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
let v = 1
assemblage sigma[a|x] = (I + (-1)^a * v * (Z if x == 0 else X)) / 4
"""


def test_with_params_re_evaluates_exactly():
    model = sd.loads(WERNER)
    half = model.with_params(v=0.5)  # a float is the decimal it prints as: exactly 1/2
    assert half["v"] == Fraction(1, 2) and model["v"] == 1  # the original is unchanged
    assert half["sigma"][((0,), (0,), ())][0, 0] == Fraction(3, 8)
    root = half.with_params(v="1/sqrt(2)")
    assert root["v"] == 1 / Cyclo.sqrt_rational(2) and root.params == {"v": "1/sqrt(2)"}
    assert model.with_params(v=Fraction(2, 3))["v"] == Fraction(2, 3)
    assert model.with_params(v=root["v"])["v"] == root["v"]  # an exact number goes in as it prints


def test_load_takes_params_and_a_model_cannot_be_assigned_to(tmp_path):
    path = tmp_path / "werner.steer"
    path.write_text(WERNER, encoding="utf-8")
    assert sd.load(path, params={"v": 0.6})["v"] == Fraction(3, 5)
    with pytest.raises(TypeError, match=r"with_params\(v=…\)"):
        sd.load(path)["v"] = 0.7
    with pytest.raises(sd.SteerError, match="cannot set w"):
        sd.load(path, params={"w": 1})
    with pytest.raises(TypeError, match="not a real number"):
        sd.loads(WERNER).with_params(v=1j)

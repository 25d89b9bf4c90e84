"""Sweeps: the grammar, exact points, parameter overrides, and answers checked against known thresholds.

Known answers: the Werner family ρ_v = v|Φ+⟩⟨Φ+| + (1−v)I/4 with Alice measuring X, Y, Z has an LHS
model iff v ≤ 1/√3 (examples.md E10), and its largest LHS visibility is (1/√3)/v because mixing with
white noise composes linearly; the noisy PR box p·PR + (1−p)·uniform has CHSH = 4p exactly and is
almost-quantum iff 4p ≤ 2√2 (E11, Tsirelson's bound).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest

from steerdsl.diagnostics import SteerError
from steerdsl.model.resolve import load_file, load_text
from steerdsl.sweeps.grid import RANDOM_GRID
from steerdsl.sweeps.run import sweep
from steerdsl.syntax import ast
from steerdsl.syntax.parser import parse

MODELS = Path(__file__).parent.parent / "models"
WERNER = MODELS / "e10_werner_xyz.steer"
THRESHOLD = 1 / math.sqrt(3)

NOISY_PR = """
scenario {
    alice A : inputs 2, outputs 2
    alice B : inputs 2, outputs 2
}
functional chsh[a b|x y] = (-1)^(a + b + x*y)
sweep p in {1/2, 7/10, 71/100, 3/4, 1} {
    value chsh on box
    solve box : almost_quantum
}
assemblage box[a b|x y] = p * [a xor b == x*y] / 2 + (1 - p) / 4
"""


def test_sweep_statement_parses_to_params_and_questions():
    module = parse("sweep v in 0..1 points 3, w in {1, 1/2}, u in 0..pi random 4 seed 9 {\n"
                   "  solve sigma : lhs\n  check sigma : valid\n}")
    (stmt,) = module.statements
    assert isinstance(stmt, ast.Sweep)
    assert [(p.name, p.kind, p.count, p.seed) for p in stmt.params] == [
        ("v", "points", 3, 0), ("w", "values", 2, 0), ("u", "random", 4, 9)]
    assert [type(q) for q in stmt.questions] == [ast.Solve, ast.Check]


def test_keywords_of_sweeps_stay_usable_as_names():
    model = load_text("let points = 2\nlet random = points + 1")
    assert model["random"] == 3


def test_evenly_spaced_points_are_exact_fractions():
    model = load_text("let v = 1\nsweep v in 0.3..0.9 points 50 { }")
    (spec,) = model.sweeps
    points = spec.params["v"]
    expected = [Fraction(3, 10) + k * Fraction(6, 10) / 49 for k in range(50)]
    assert [Fraction(p.text) for p in points] == expected
    assert [p.number for p in points] == pytest.approx([float(q) for q in expected], abs=1e-15)


def test_points_between_multiples_of_pi_stay_exact_angles():
    model = load_text("sweep t in 0..pi points 5 { }\nlet c = cos(t)", "<t>", overrides={"t": "3/4*pi"})
    assert [p.text for p in model.sweeps[0].params["t"]] == ["0", "1/4*pi", "1/2*pi", "3/4*pi", "pi"]
    assert complex(model["c"]).real == pytest.approx(-math.sqrt(2) / 2, abs=1e-15)
    assert str(model["c"]) == "-sqrt(2)/2"


def test_random_points_are_reproducible_exact_and_in_range():
    def draws(seed):
        return [p.text for p in load_text(f"sweep v in 1/4..3/4 random 20 seed {seed} {{ }}").sweeps[0].params["v"]]

    first, again, other = draws(7), draws(7), draws(8)
    assert first == again and first != other
    values = [Fraction(t) for t in first]
    assert all(Fraction(1, 4) <= q <= Fraction(3, 4) for q in values)
    assert all(((q - Fraction(1, 4)) * 2 * RANDOM_GRID).denominator == 1 for q in values)
    assert len(set(values)) > 15


def test_override_replaces_a_let_wherever_it_stands():
    text = "let v = 1\nlet w = 2 * v\nsweep v in {1/3} { }"
    assert load_text(text)["w"] == 2
    assert load_text(text, overrides={"v": "1/3"})["w"] == Fraction(2, 3)


def test_a_sweep_declares_its_parameter_for_the_definitions_below():
    text = "sweep s in {1/5, 2/5} { }\nlet t = 1 - s"
    assert load_text(text)["t"] == Fraction(4, 5)  # alone, the parameter takes its first value
    assert load_text(text, overrides={"s": "2/5"})["t"] == Fraction(3, 5)


@pytest.mark.parametrize("text, overrides, code", [
    ("scenario { alice A : inputs 2, outputs 2\n bob B : dim 2 }\nassemblage s[a|x] = I/4\n"
     "sweep s in 0..1 points 3 { }", None, "E160"),
    ("let v = 1", {"w": "2"}, "E160"),
    ("let f(x) = x\nsweep f in {1} { }", None, "E160"),
    ("sweep v in {1, i} { }", None, "E161"),
    ("sweep v in 0..1 points 1 { }", None, "E161"),
    ("sweep v in 0..1 points 2, v in {3} { }", None, "E160"),
])
def test_bad_sweeps_give_diagnostics(text, overrides, code):
    with pytest.raises(SteerError) as info:
        load_text(text, "bad.steer", overrides=overrides)
    assert info.value.diagnostic.code == code


def test_sweep_without_questions_or_with_unknown_names_is_refused():
    with pytest.raises(SteerError) as info:
        sweep("let v = 1\nsweep v in {1} { }")
    assert info.value.diagnostic.code == "E162"
    with pytest.raises(SteerError) as info:
        sweep(WERNER, {"v": [0.5]}, ["solve sigmaa : lhs"])
    assert info.value.diagnostic.code == "E101" and "sigma" in info.value.diagnostic.hint


def test_noisy_pr_box_values_are_exact_and_tsirelson_separates_verdicts():
    table = sweep(NOISY_PR)
    values = {r["p"]: r["value"] for r in table.rows if r["question"] == "value chsh on box"}
    assert values == pytest.approx({p: 4 * p for p in (0.5, 0.7, 0.71, 0.75, 1.0)}, abs=1e-12)
    verdicts = {r["p"]: r["verdict"] for r in table.rows if r["question"] == "solve box : almost_quantum"}
    assert verdicts == {p: ("member" if 4 * p < 2 * math.sqrt(2) else "excluded") for p in verdicts}


def test_werner_sweep_from_python_finds_the_lhs_threshold():
    table = sweep(WERNER, {"v": "0.3..0.9 points 50"}, ["solve sigma : lhs"])
    assert table.stats.computed == 50 and table.stats.complete
    for r in table.rows:
        assert r["value"] * r["v"] == pytest.approx(THRESHOLD, abs=1e-6)
        assert r["verdict"] == ("member" if r["v"] < THRESHOLD else "excluded")


def test_float_values_from_python_are_read_as_exact_decimals():
    table = sweep(WERNER, {"v": [0.5, Fraction(3, 4), "1/sqrt(2)"]}, ["solve sigma : lhs"])
    assert [r["point"] for r in table.rows] == ["v=0.5", "v=3/4", "v=1/sqrt(2)"]
    assert [r["v"] for r in table.rows] == pytest.approx([0.5, 0.75, 1 / math.sqrt(2)], abs=1e-15)


def test_model_file_sweeps_hold_their_expectations():
    model = load_file(MODELS / "e10_werner_sweep.steer")
    assert [len(s.grid()) * len(s.questions) for s in model.sweeps] == [100, 2, 2, 10]
    table = sweep(MODELS / "e10_werner_sweep.steer", questions=None)
    claims = [r["ok"] for r in table.rows if r["ok"] is not None]
    assert len(claims) == 14 and all(claims)
    assert all(r["error"] is None for r in table.rows)


def test_table_exports(tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    table = sweep(WERNER, {"v": [0.5, 0.7]}, ["solve sigma : lhs", "solve sigma : robustness"])
    frame = table.to_pandas()
    assert list(frame["v"]) == [0.5, 0.5, 0.7, 0.7]
    assert list(frame["verdict"][::2]) == ["member", "excluded"]
    assert table.to_csv().splitlines()[0].startswith("v,point,question,value")
    png = tmp_path / "w.png"
    table.plot(path=str(png))
    assert png.stat().st_size > 1000
    assert "2 computed" not in str(table) and "4 computed" in str(table)

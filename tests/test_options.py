"""Invalid option values are usage errors (exit 2) that name the option (issue 18 item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steerdsl.cli import main

MODELS = Path(__file__).resolve().parent.parent / "models"
E11 = str(MODELS / "e11_chsh.steer")
MODEL = """scenario {
    alice A : inputs 2, outputs 2
    bob B : dim 2
}
let v = 1/2
assemblage sigma[a|x] = v * proj(ket(a)) / 1
"""


@pytest.mark.parametrize(("option", "value"), [
    ("--max-sdp-size", "0"), ("--max-sdp-size", "-1"), ("--max-sdp-size", "x"), ("--max-sdp-size", "1.5"),
    ("--time-limit", "-5"), ("--time-limit", "0"), ("--time-limit", "nan"), ("--time-limit", "inf"),
    ("--time-limit", "-inf"), ("--time-limit", "soon"),
])
def test_run_options(option, value, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "-q", E11, f"{option}={value}"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and repr(value) in err and "internal error" not in err


@pytest.mark.parametrize(("option", "value"), [("--jobs", "0"), ("--jobs", "-3"), ("--jobs", "two"),
                                               ("--limit", "0")])
def test_sweep_options(option, value, tmp_path, capsys):
    (tmp_path / "m.steer").write_text(MODEL)
    with pytest.raises(SystemExit) as stop:
        main(["sweep", str(tmp_path / "m.steer"), f"{option}={value}", "--param", "v=0..1 points 2"])
    assert stop.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err


@pytest.mark.parametrize("param", ["v=1/sqrt(2)", "v=0..1 points", "v={1, }", "=1", "v=", "1v=2"])
def test_bad_param_points_at_the_parameter(param, tmp_path, capsys):
    """The values are parsed after the model: an error there names --param, not a line past the file's end."""
    (tmp_path / "m.steer").write_text(MODEL)
    code = main(["sweep", str(tmp_path / "m.steer"), "--param", param, "--ask", "solve sigma : lhs", "-q"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    assert ("E232" in text and "sweep parameters" in text) or "--param" in text
    assert "m.steer:7" not in text and "m.steer:8" not in text and "internal error" not in text


def test_good_values_still_run(tmp_path, capsys):
    assert main(["run", "-q", E11, "--time-limit", "60", "--max-sdp-size", "1000"]) == 0
    (tmp_path / "m.steer").write_text(MODEL.replace("v * proj(ket(a)) / 1", "proj(ket(a)) / 2"))
    assert main(["sweep", str(tmp_path / "m.steer"), "--param", "v={1/sqrt(2)}", "--ask", "solve sigma : lhs",
                 "-q", "--jobs", "1"]) == 0

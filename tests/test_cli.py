"""The steer command and the Python API give the same answers; packaging ships the grammar."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import steerdsl
import steerdsl as sd
from steerdsl.cli import main
from steerdsl.syntax.parser import grammar_path

ROOT = Path(__file__).resolve().parent.parent
E04 = str(ROOT / "models" / "e04_pr_box_tripartite.steer")


def run_cli(args, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_exit_codes(capsys):
    assert run_cli(["check", E04], capsys)[0] == 0
    assert run_cli(["check", str(ROOT / "tests" / "bad" / "signalling.steer")], capsys)[0] == 1
    assert run_cli(["check", "no/such/file.steer"], capsys)[0] == 1


def test_usage_errors_exit_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "hint" in capsys.readouterr().err
    assert run_cli(["explain", "E999"], capsys)[0] == 2


def test_stdin_and_json_match_the_api(capsys, monkeypatch):
    text = Path(E04).read_text(encoding="utf-8")
    code, out, _ = run_cli(["check", "--format", "json", "-"], capsys, stdin=text, monkeypatch=monkeypatch)
    assert code == 0
    data = json.loads(out)
    api = sd.check(sd.loads(text, "<stdin>")).to_json()
    assert data == api
    assert all(c["exactness"] == "exact" for c in data["checks"])


def test_json_diagnostics_carry_position(capsys):
    code, out, _ = run_cli(["check", "--format", "json", str(ROOT / "tests" / "bad" / "unknown_name.steer")], capsys)
    assert code == 1
    diag = json.loads(out)["diagnostics"][0]
    assert (diag["code"], diag["line"], diag["column"]) == ("E101", 6, 23)
    assert diag["hint"] == 'did you mean "sigma"?'


def test_compile_emits_sympy_and_json(capsys):
    code, out, _ = run_cli(["compile", E04, "--emit", "sympy"], capsys)
    assert code == 0 and "Matrix([[1/4, 0], [0, 1/4]])" in out
    code, out, _ = run_cli(["compile", E04, "--emit", "json"], capsys)
    data = json.loads(out)
    assert data["scenario"]["kind"] == "multipartite"
    el = data["definitions"]["sigma"]["elements"]["[0 0|0 0]"]
    assert el[0][0]["exact"] == "1/4"


def test_explain_prints_the_code(capsys):
    code, out, _ = run_cli(["explain", "E201"], capsys)
    assert code == 0 and out.startswith("E201: signalling assemblage")


def test_api_indexing_and_check_values():
    model = sd.load(E04)
    sigma = model["sigma"]
    assert sigma.exact and sigma.scenario.kind == "multipartite"
    assert sd.check(sigma, "nonsignalling").status == "pass"
    assert "sigma" in model and "nothing" not in model


def test_grammar_ships_inside_the_installed_package():
    package_dir = Path(steerdsl.__file__).resolve().parent
    path = grammar_path()
    source = ROOT / "grammar" / "steer.lark"
    assert path.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    if "site-packages" in str(package_dir):  # tested from an installed wheel (as CI does)
        assert path.parent == package_dir / "syntax"


def test_console_script_runs():
    exe = Path(sys.executable).parent / "steer"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "steerdsl"]
    proc = subprocess.run(cmd + ["check", E04], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "as claimed" in proc.stdout


def test_compile_emits_the_sdp_and_writes_sdpa(capsys, tmp_path):
    code, out, _ = run_cli(["compile", E04, "--emit", "sdp", "--write", str(tmp_path / "e04")], capsys)
    assert code == 0
    assert "Semidefinite Program" in out and "[18×18] ≽ 0" in out
    assert (tmp_path / "e04_line16.dat-s").read_text().strip()


def test_run_json_carries_exactness_tolerance_and_margin(capsys):
    code, out, _ = run_cli(["run", "--format", "json", E04], capsys)
    assert code == 0
    data = json.loads(out)
    assert len(data["answers"]) == 5
    negativity = data["answers"].pop()  # a quantifier: a bracket, no verdict
    assert negativity["task"] == "negativity" and negativity["verdict"] is None and negativity["ok"] is True
    assert negativity["details"]["bracket"][0] <= negativity["details"]["bracket"][1] + negativity["tolerance"]
    for answer in data["answers"]:
        certify = answer["question"].endswith("certify")  # the line asking for an exact certificate
        assert answer["exactness"] == ("certified" if certify else "numeric") and answer["tolerance"] > 0
        assert answer["verdict"] == "excluded" and answer["margin"] > answer["tolerance"]
        assert answer["ok"] is True


def test_steer_test_checks_expectations_inside_sweeps(capsys, tmp_path):
    """E10's sweeps claim LHS membership below 1/√3 and exclusion above (Wiseman–Jones–Doherty):
    `steer test` asks them; moving a 'member' point to v = 3/4 > 1/√3 must make it fail."""
    model = ROOT / "models" / "e10_werner_sweep.steer"
    code, out, _ = run_cli(["test", str(model)], capsys)
    assert code == 0 and "0 failed" in out
    wrong = tmp_path / "wrong.steer"
    wrong.write_text(model.read_text().replace("{1/2, 1/sqrt(3) - 1/1000}", "{1/2, 3/4}"))
    code, out, _ = run_cli(["test", str(wrong)], capsys)
    assert code == 1 and "1 failed" in out


def test_steer_test_shows_where_a_model_fails_to_load(tmp_path, capsys):
    (tmp_path / "typo.steer").write_text("scenario {\n alice A : inputs 2, outputs 2\n bob B : dim 2\n}\n"
                                         "assemblage s[a|x] = I/4\nassemblage t[a|x] = sx[a|x]\n", encoding="utf-8")
    code, out, _ = run_cli(["test", str(tmp_path)], capsys)
    assert code == 1
    assert "typo.steer: does not load" in out
    assert "6 | assemblage t[a|x] = sx[a|x]" in out and "^^" in out
    assert "= hint: did you mean" in out
    assert out.rstrip().endswith("0 passed, 1 failed")


def test_steer_test_reports_progress_on_a_terminal_unless_quiet(tmp_path, capsys, monkeypatch):
    import shutil

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shutil.copy(ROOT / "models" / "e04_pr_box_tripartite.steer", tmp_path)
    code, out, err = run_cli(["test", str(tmp_path)], capsys)
    assert code == 0 and err == ""  # not a terminal: no progress
    assert out.rstrip().endswith("0 failed")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["test", str(tmp_path)]) == 0
    assert "[1/5]" in terminal.getvalue() and "e04_pr_box_tripartite.steer:16 solve sigma" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    capsys.readouterr()
    code, out, err = run_cli(["test", "-q", str(tmp_path)], capsys)
    assert code == 0 and out == "" and terminal.getvalue() == ""  # -q: nothing when every claim holds

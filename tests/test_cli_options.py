"""The options every subcommand shares: ``--debug`` before or after the subcommand, ``check -q``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steerdsl.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
E11 = str(ROOT / "models" / "e11_chsh.steer")
COMMANDS = sorted(next(a for a in build_parser()._actions if a.dest == "command").choices)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_takes_debug_after_its_name(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--debug", "--help"])
    assert done.value.code == 0 and "--debug" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--debug", "check", E11], ["check", E11, "--debug"], ["check", "--debug", E11]])
def test_debug_in_any_position(argv, capsys):
    assert main(argv) == 0
    assert "12 checks" in capsys.readouterr().out


def test_debug_is_off_unless_asked():
    assert build_parser().parse_args(["check", E11]).debug is False
    assert build_parser().parse_args(["check", E11, "--debug"]).debug is True


def test_quiet_check_prints_only_what_is_wrong(tmp_path, capsys):
    assert main(["check", "-q", E11]) == 0
    assert capsys.readouterr().out == ""
    bad = tmp_path / "bad.steer"
    bad.write_text("scenario {\n    alice A : inputs 2, outputs 2\n    bob B : dim 2\n}\n"
                   "assemblage s[a|x] = [a == 0] * I/2 * (1 + x)\ncheck s : valid\n", encoding="utf-8")
    assert main(["check", "-q", str(bad)]) == 1
    assert "contradicted" in capsys.readouterr().out


# ---------------------------------------------------------------- the option matrix (issue 17, item 5)
SMALL = """scenario {
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}
let v = 4/5
let P(x) = Z if x == 0 else X
assemblage sigma[a|x] = (I + (-1)^a * v * P(x)) / 4
functional F[a|x] = (-1)^a * P(x)
check sigma : valid
solve sigma : lhs expect excluded
bound max F over almost_quantum certify expect certified
sweep v in {1/2, 1} {
    solve sigma : lhs
}
"""
"""Werner's qubit assemblage with Z and X at v = 4/5 (steerable: v > 1/√2), a certified bound, a sweep:
every claim holds, so every subcommand exits 0."""

SHARED = {"-v": ["-v"], "-q": ["-q"], "--format json": ["--format", "json"], "--debug": ["--debug"]}
QUIET_SILENT = {"check", "run", "test", "verify", "plot"}
"""Subcommands whose whole output is a report: silent with -q when nothing is wrong (compile, explain and
sweep print what was asked for)."""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The model in a folder of its own (for ``steer test``) and the certificate of its bound line."""
    folder = tmp_path_factory.mktemp("small")
    model = folder / "small.steer"
    model.write_text(SMALL, encoding="utf-8")
    certs = tmp_path_factory.mktemp("certs")
    assert main(["run", "-q", str(model), "--certificates", str(certs)]) == 0
    (cert,) = certs.glob("*.json")
    return {"model": str(model), "folder": str(folder), "cert": str(cert), "out": str(certs / "p.png")}


def _argv(command: str, small: dict) -> list[str]:
    return {"check": ["check", small["model"]], "compile": ["compile", small["model"]],
            "run": ["run", small["model"]], "verify": ["verify", small["cert"], "--model", small["model"]],
            "test": ["test", small["folder"]], "sweep": ["sweep", small["model"]],
            "plot": ["plot", small["model"], "sigma", "--out", small["out"]], "explain": ["explain", "E201"]}[command]


def test_the_matrix_names_every_subcommand():
    assert set(COMMANDS) == {"check", "compile", "run", "verify", "test", "sweep", "plot", "explain"}


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("option", sorted(SHARED))
@pytest.mark.parametrize("command", COMMANDS)
def test_option_matrix(command, option, where, small, capsys):
    """Every subcommand × ``-v``, ``-q``, ``--format json``, ``--debug``, before or after its name: exit 0 on
    a model whose claims hold, no traceback, one JSON document with ``--format json``, nothing on standard
    output with ``-q`` for the report commands and no progress on standard error."""
    argv = _argv(command, small)
    argv = [*SHARED[option], *argv] if where == "before" else [*argv, *SHARED[option]]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, (argv, out, err)
    assert "Traceback" not in out + err and "internal error" not in out + err
    if option == "--format json":
        json.loads(out)  # one parseable document
    elif option == "-q":
        assert err == ""
        assert (out == "") == (command in QUIET_SILENT), out
    elif option == "-v" and command == "run":
        assert "witness (bound" in out
    elif option == "-v" and command == "check":
        assert "✓ sigma: psd pass" in out
    if option != "--format json" and command == "explain":
        assert "E201: signalling assemblage" in out


BROKEN = "scenario {\n    alice A : inputs 2, outputs 2\n    bob B : dim 2\n}\nassemblage s[a|x] = I/2 +\n"


@pytest.mark.parametrize("command", ["check", "compile", "run", "sweep", "plot", "verify", "test"])
def test_json_on_a_broken_model_is_still_one_document(command, tmp_path, small, capsys):
    """A model that does not parse: a coded diagnostic inside the one JSON document, exit 1, no traceback."""
    path = tmp_path / "broken.steer"
    path.write_text(BROKEN, encoding="utf-8")
    argv = {"plot": ["plot", str(path), "--out", str(tmp_path / "p.png")], "test": ["test", str(tmp_path)],
            "verify": ["verify", small["cert"], "--model", str(path)]}.get(command, [command, str(path)])
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    document = json.loads(out)
    found = document["files"][0] if command == "test" else document
    assert found["ok"] is False and found["diagnostics"][0]["code"] == "E003"


def test_quiet_prints_what_is_wrong(tmp_path, capsys):
    """``run -q`` and ``test -q`` on a model with a failed expectation print it (and exit 1)."""
    path = tmp_path / "wrong.steer"
    path.write_text(SMALL.replace("expect excluded", "expect member"), encoding="utf-8")
    assert main(["-q", "run", str(path)]) == 1
    assert "✗ member" in capsys.readouterr().out
    assert main(["test", str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    assert "✗ " in out and "1 failed" in out


@pytest.mark.parametrize("argv", [["explain", "E999"], ["test", "{empty}"]])
def test_usage_errors_in_json(argv, tmp_path, capsys):
    """Mistakes in the command (an unknown code, a folder without models): exit 2, one JSON document."""
    assert main([*(a.format(empty=tmp_path) for a in argv), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False


CHSH = ("scenario { alice A : inputs 2, outputs 2  alice C : inputs 2, outputs 2 }\n"
        "functional chsh[a c|x z] = (-1)^(a + c + x*z)\n"
        "bound max chsh over almost_quantum expect ≈ 2.8284271 tol 1e-6\n"
        "bound max chsh over almost_quantum symmetry on expect ≈ 2.8284271 tol 1e-6\n")


@pytest.mark.parametrize("where", ["before", "after", "last"])
def test_no_symmetry_in_any_position_turns_the_reduction_off_on_every_line(tmp_path, capsys, where):
    model = tmp_path / "chsh.steer"
    model.write_text(CHSH, encoding="utf-8")
    argv = {"before": ["--no-symmetry", "run", "--format", "json", str(model)],
            "after": ["run", "--no-symmetry", "--format", "json", str(model)],
            "last": ["run", "--format", "json", str(model), "--no-symmetry"]}[where]
    assert main(argv) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert [a["ok"] for a in answers] == [True, True]
    assert all("symmetry" not in a.get("details", {}) for a in answers)


def test_symmetry_is_reported_without_the_flag(tmp_path, capsys):
    model = tmp_path / "chsh.steer"
    model.write_text(CHSH, encoding="utf-8")
    assert main(["run", "--format", "json", str(model)]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    info = answers[0]["details"]["symmetry"]
    assert info["group_order"] >= 8 and info["scalars_after"] < info["scalars_before"]
    assert main(["run", str(model)]) == 0
    assert "symmetry: group order" in capsys.readouterr().out

"""The options every subcommand shares: ``--debug`` before or after the subcommand, ``check -q``."""

from __future__ import annotations

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

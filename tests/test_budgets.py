"""Budgets (steerdsl/limits.py) can be raised by those who need more, per model, and refuse
nothing a model legitimately does; file rules have their options.  The hostile inputs themselves are
in tests/test_hostile.py."""

from __future__ import annotations

import io

import pytest

from steerdsl.api import load, loads
from steerdsl.cli import main
from steerdsl.diagnostics import SteerError
from steerdsl.limits import BUDGETS, Meter, metering, parse_budgets
from steerdsl.syntax.source import read_stream

BIG_SUM = "let s = sum(k for k in 1..200000)\n"
RAISED = {"sum_terms": 300_000, "model_terms": 300_000, "steps": 1_000_000}


def code_of(text: str, **kw) -> str:
    with pytest.raises(SteerError) as info:
        loads(text, **kw)
    return info.value.diagnostic.code


def test_a_budget_is_raised_from_python():
    assert code_of(BIG_SUM) == "E252"
    model = loads(BIG_SUM, budgets=RAISED)
    assert model["s"] == 200_000 * 200_001 // 2


def test_a_budget_is_raised_from_the_cli(tmp_path, capsys):
    path = tmp_path / "big.steer"
    path.write_text(BIG_SUM, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "budget sum_terms" in capsys.readouterr().out
    assert main(["check", "--budget", "sum_terms=300000", "--budget", "model_terms=300_000", "--budget",
                 "steps=1000000", str(path)]) == 0


@pytest.mark.parametrize("value", ["x", "nope=3", "sum_terms=0", "sum_terms=-1", "sum_terms=1.5", "sum_terms="])
def test_a_bad_budget_option_is_a_usage_error(value, tmp_path, capsys):
    path = tmp_path / "m.steer"
    path.write_text("let a = 1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["check", "--budget", value, str(path)])
    assert info.value.code == 2
    assert "--budget" in capsys.readouterr().err


def test_bad_budgets_from_python_are_refused():
    with pytest.raises(ValueError, match="unknown budget"):
        parse_budgets({"sum_term": 5})
    with pytest.raises(ValueError, match="positive integer"):
        parse_budgets({"sum_terms": 0})


def test_totals_belong_to_one_model():
    """Counted budgets start again for every model: models of 40 000 terms load one after the other."""
    text = "let s = sum(k for k in 1..40000)\n"
    for _ in range(3):
        assert loads(text)["s"] == 40_000 * 40_001 // 2
    assert code_of(text * 2) == "E253"  # but not twice in one model (model_terms = 60 000)


def test_a_lowered_budget_refuses_what_the_default_takes():
    assert code_of("let f(n) = n\nlet y = f(1) + f(2) + f(3)\n", budgets={"calls": 2}) == "E255"
    assert code_of("let k = |000⟩\n", budgets={"exact_entries": 4}) == "E181"


def test_recursion_that_can_stop_is_not_refused():
    """E256 is only for calls made whatever the arguments: conditions, and/or and comprehensions can stop one."""
    model = loads("let fact(n) = n * fact(n - 1) if n > 0 else 1\nlet y = fact(10)\n"
                  "let g(n) = n > 0 and g(n - 1)\nlet z = g(3)\n"
                  "let h(n) = sum(h(k) for k in 0..n - 1) + 1\nlet w = h(4)\n")
    assert model["y"] == 3628800 and model["w"] == 16


def test_recursion_found_before_evaluation_names_the_cycle():
    with pytest.raises(SteerError) as info:
        loads("let f(n) = g(n) + 1\nlet g(n) = h(2 * n)\nlet h(n) = f(n)\n")
    d = info.value.diagnostic
    assert d.code == "E256" and "h → f → g → h" in d.message and (d.span.line, d.span.column) == (3, 5)


def test_import_root_allows_a_wider_folder(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.steer").write_text("let a = 2\n", encoding="utf-8")
    (tmp_path / "m").mkdir()
    model_file = tmp_path / "m" / "model.steer"
    model_file.write_text('import "../lib/a.steer"\nlet b = a + 1\n', encoding="utf-8")
    with pytest.raises(SteerError) as info:
        load(model_file)
    assert info.value.diagnostic.code == "E133"
    assert load(model_file, import_root=tmp_path)["b"] == 3


def test_standard_input_is_read_up_to_the_budget_plus_one():
    class Endless(io.RawIOBase):
        asked: list[int] = []

        def read(self, n=-1):
            self.asked.append(n)
            return b" " * n

    stream = Endless()
    with pytest.raises(SteerError) as info:
        read_stream(stream)
    assert info.value.diagnostic.code == "E132"
    assert stream.asked == [BUDGETS["input_bytes"].default + 1]
    with metering(Meter(parse_budgets({"input_bytes": 10}))):
        with pytest.raises(SteerError):
            read_stream(Endless())
    assert Endless.asked[-1] == 11


@pytest.mark.parametrize("extra", [[], ["--results"]], ids=["model", "results"])
def test_plot_refuses_a_fifo_without_blocking(extra, tmp_path):
    """steer plot reads its file (a model, or a run's JSON) by the same rules as check: a FIFO with no
    writer is refused before it is opened (a subprocess, killed after 30 s, would show a hang)."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / ("run.json" if extra else "model.steer")
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "steerdsl", "plot", str(fifo), *extra, "--out",
                           str(tmp_path / "x.png")], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1 and "error[E131]" in done.stderr and "FIFO" in done.stderr


def test_running_out_of_memory_is_a_located_diagnostic(monkeypatch):
    """Below what the budgets allow (ulimit -v, a container), a MemoryError is E134 at the expression."""
    from steerdsl.model.evaluate import Evaluator

    def exhausted(self, node, scope):
        raise MemoryError

    monkeypatch.setattr(Evaluator, "_Number", exhausted)
    with pytest.raises(SteerError) as info:
        loads("let a = 2 + 1\n")
    d = info.value.diagnostic
    assert d.code == "E134" and (d.span.line, d.span.column) == (1, 9)

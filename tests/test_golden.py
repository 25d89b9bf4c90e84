"""Broken models: each gives its diagnostic code at its line:column, exit 1, and no traceback.

``EXPECTED`` is written by hand from the models' text; the ``.expected`` golden
files hold the full rendered output and exit code.  Regenerate the golden files
with ``STEER_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from steerdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad"

# file: (code, line, column) of the first error diagnostic
EXPECTED = {
    "syntax_missing_colon": ("E002", 2, 13),
    "syntax_unclosed_paren": ("E003", 5, 14),
    "syntax_bad_character": ("E001", 1, 11),
    "syntax_side_by_side": ("E002", 2, 11),
    "unknown_name": ("E101", 6, 23),
    "unknown_function": ("E101", 5, 25),
    "wrong_arity": ("E102", 5, 25),
    "element_wrong_dimension": ("E104", 5, 12),
    "add_wrong_dimensions": ("E104", 1, 9),
    "state_wrong_dimension": ("E104", 5, 20),
    "measurement_wrong_dimension": ("E104", 7, 20),
    "signalling": ("E201", 6, 12),
    "element_not_psd": ("E202", 5, 12),
    "not_normalised": ("E203", 5, 12),
    "map_not_trace_preserving": ("E204", 2, 14),
    "map_claimed_not_cp": ("E210", 2, 30),
    "map_claimed_cp": ("E205", 2, 19),
    "index_out_of_range": ("E105", 6, 9),
    "ket_label_out_of_range": ("E105", 1, 9),
    "state_unknown_party": ("E123", 5, 16),
    "measure_unknown_party": ("E123", 7, 20),
    "instrumental_unknown_alice": ("E123", 3, 41),
    "import_missing_file": ("E130", 1, 1),
    "import_unknown_name": ("E130", 1, 1),
    "import_cycle": ("E130", 1, 1),
    "duplicate_name": ("E110", 2, 5),
    "bob_without_dimension": ("E120", 3, 11),
    "header_wrong_count": ("E121", 6, 17),
    "cases_incomplete": ("E122", 5, 25),
    "povm_not_complete": ("E203", 5, 13),
    "state_not_psd": ("E202", 5, 7),
    "bob_signals_to_alice": ("E208", 6, 12),
    "bobs_disagree": ("E207", 7, 12),
    "map_not_linear": ("E150", 1, 26),
    "assert_false": ("E211", 6, 8),
    "value_differs": ("E212", 7, 25),
    "index_not_integer": ("E106", 6, 16),
    "division_by_zero": ("E107", 1, 9),
    "not_exact": ("E108", 1, 9),
    "unknown_property": ("E140", 6, 15),
    "duplicate_table_entry": ("E124", 7, 5),
    "cg_last_outcome": ("E105", 7, 5),
    "perturbed_entry": ("E202", 7, 12),
    "second_scenario": ("E120", 5, 1),
    "no_scenario": ("E120", 1, 12),
    "breuer_hall_not_antisymmetric": ("E151", 2, 14),
    "map_claimed_decomposable": ("E215", 3, 11),
    "behaviour_signalling": ("E201", 6, 11),
    # found by fuzzing (tests/fuzz_runner.py): each used to end in a traceback or a hang
    "nested_too_deeply": ("E180", 1, 812),
    "scenario_too_large": ("E181", 1, 1),
    "party_too_large": ("E181", 2, 11),
    "tensor_too_large": ("E181", 1, 11),
    "power_too_large": ("E108", 1, 12),
    "sqrt_large_prime": ("E108", 1, 9),
    "field_too_large": ("E108", 1, 9),
    "float_overflow": ("E108", 1, 9),
    "list_negated": ("E103", 1, 9),
    "list_argument": ("E103", 1, 9),
    "sqrtm_not_square": ("E104", 1, 9),
    "diag_of_matrix": ("E103", 1, 9),
    "cos_of_identity": ("E103", 1, 9),
    "import_name_too_long": ("E130", 1, 1),
    "sweep_too_many_points": ("E161", 2, 7),
    "identity_without_dimension": ("E104", 1, 9),
    "map_too_large": ("E181", 1, 5),
    "list_exponent": ("E103", 1, 9),
    "compare_identity": ("E103", 1, 9),
    "matrix_exponent": ("E103", 1, 9),
    "dagger_of_assemblage": ("E103", 6, 9),
    "behaviour_in_arithmetic": ("E103", 5, 9),
    "number_literal_too_long": ("E181", 1, 9),
    "exponent_huge": ("E108", 1, 9),
    "list_compared": ("E103", 1, 9),
}


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_model(name, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = f"tests/bad/{name}.steer"
    code, output = run_cli(["check", rel], capsys)
    assert "Traceback" not in output
    assert code == 1, output
    want_code, line, col = EXPECTED[name]
    first = re.search(r"^(\S+?):(\d+):(\d+): error\[(\w+)\]", output, re.MULTILINE)
    assert first, output
    assert (first.group(1), int(first.group(2)), int(first.group(3)), first.group(4)) == (rel, line, col, want_code), \
        output
    golden = BAD / f"{name}.expected"
    rendered = f"exit: {code}\n{output}"
    if os.environ.get("STEER_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == rendered


def test_every_bad_model_is_listed():
    files = {p.stem for p in BAD.glob("*.steer")}
    assert files == set(EXPECTED)
    assert len(files) >= 30


def test_explain_knows_every_code_used(capsys):
    for code, *_ in EXPECTED.values():
        assert main(["explain", code]) == 0
        assert code in capsys.readouterr().out

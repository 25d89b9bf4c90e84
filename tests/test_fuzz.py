"""Fuzzing: mutated and generated models end in a result or a diagnostic with a code, never a
traceback or a hang (tests/fuzz_runner.py; the long campaign is recorded in docs/reliability.md)."""

from __future__ import annotations

import random

import fuzz_runner as fz
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SOURCES = fz.corpus()


def test_short_campaign_has_no_crash_or_hang():
    """A few hundred inputs through loads/check, steer check and steer run, each watched for 20 s."""
    report = fz.fuzz(300, seed=7, timeout=20.0)
    assert report.inputs == 300
    assert report.crashes == 0 and report.hangs == 0, report.summary()
    # the campaign exercises every entry point and reaches both parse and resolve diagnostics
    assert set(report.modes) == {"api", "check", "check_json", "run"}
    assert {"E002", "E101"} <= set(report.codes), report.summary()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), steps=st.lists(st.sampled_from(sorted(fz.MUTATIONS)), min_size=1,
                                                       max_size=3), seed=st.integers(0, 2**32 - 1))
def test_mutants_end_in_a_result_or_a_diagnostic(source, steps, seed):
    """Property: any chain of mutations of any bundled model, through steerdsl.api.loads and check."""
    rng = random.Random(seed)
    text = source.read_text(encoding="utf-8")
    for step in steps:
        text = fz.MUTATIONS[step](text, rng)
    outcome = fz.run_job(fz.Job("api", str(source), text, "+".join(steps)))
    assert outcome.kind in ("result", "diagnostic"), outcome.error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_generated_models_end_in_a_result_or_a_diagnostic(seed):
    text = fz.generated_model(random.Random(seed))
    outcome = fz.run_job(fz.Job("api", "<generated>", text, "generated"))
    assert outcome.kind in ("result", "diagnostic"), f"{text}\n{outcome.error}"


def test_generated_models_are_mostly_well_formed():
    """The generator is worth something only if many of its models parse and resolve."""
    outcomes = [fz.run_job(fz.Job("api", "<generated>", fz.generated_model(random.Random(s)), "generated"))
                for s in range(40)]
    assert sum(o.kind == "result" for o in outcomes) >= 10
    assert all(o.kind in ("result", "diagnostic") for o in outcomes)


@pytest.mark.parametrize("depth", [50, 140])
def test_nesting_below_the_limit_is_read(depth):
    """Refusing deep nesting (E180) must not refuse what the reader can evaluate."""
    from steerdsl.api import loads

    model = loads(f"let y = {'tr(' * depth}X{')' * depth}\nlet z = {' + '.join(['1'] * 2 * depth)}\n")
    assert model["y"] == 0
    assert model["z"] == 2 * depth


@pytest.mark.slow
def test_long_campaign():
    """The recorded campaign (docs/reliability.md): 20,000 inputs."""
    report = fz.fuzz(20000, seed=0, timeout=20.0)
    assert report.crashes == 0 and report.hangs == 0, report.summary()


def test_ghjw_of_a_huge_number_is_undecided_without_factoring(monkeypatch):
    """Found by the 20,000-input campaign: 1e999 in E12's state made the exact GHJW realisation factor a
    2000-digit number (a hang); now the check answers undecided, saying why, and never calls sympy's
    sums of squares (the factoring step) — which is what makes it quick, on any machine load."""
    import importlib

    from steerdsl.api import check, loads

    diophantine = importlib.import_module("sympy.solvers.diophantine.diophantine")  # the module, not the function

    def refuse(*args, **kwargs):
        raise AssertionError("a sum of squares of a huge number was attempted (it factors the number)")

    for name in ("sum_of_squares", "sum_of_three_squares", "sum_of_four_squares"):
        monkeypatch.setattr(diophantine, name, refuse)
    path = fz.ROOT / "models" / "e12_ghjw.steer"
    text = path.read_text(encoding="utf-8")
    assert "let v1 = [[1], [2], [0], [1]]" in text
    model = loads(text.replace("let v1 = [[1], [2], [0], [1]]", "let v1 = [[1], [2], [1], [1e999]]"), str(path))
    results = {r.property: r for r in check(model).results}
    assert results["ghjw"].status == "undecided" and "digit number" in results["ghjw"].detail


def test_ghjw_never_searches_two_squares_of_a_large_number(monkeypatch):
    """Found by a 5 000-input campaign: 4294967296 in E12's state made sympy search a 60-bit number for
    two squares (a hang); two squares are now tried only up to 32 bits, three or four squares above."""
    import importlib

    from steerdsl.api import check, loads
    from steerdsl.exact import ghjw

    diophantine = importlib.import_module("sympy.solvers.diophantine.diophantine")
    searched = []
    original = diophantine.sum_of_squares

    def recording(n, k, zeros=False):
        searched.append((n, k))
        return original(n, k, zeros)

    monkeypatch.setattr(diophantine, "sum_of_squares", recording)
    path = fz.ROOT / "models" / "e12_ghjw.steer"
    text = path.read_text(encoding="utf-8").replace("let v1 = [[1], [2], [0], [1]]",
                                                    "let v1 = [[4294967296], [2], [0], [1]]")
    results = {r.property: r for r in check(loads(text, str(path))).results}
    assert results["ghjw"].status in ("pass", "undecided")
    assert all(n.bit_length() <= ghjw.MAX_TWO_SQUARES_BITS for n, k in searched if k == 2)

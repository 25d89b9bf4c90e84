"""Size guards: SDP sizes are estimated by counting, and oversized requests are refused (E182) before any
problem is built, with the estimate in the message, from Python and from the CLI."""

from __future__ import annotations

import itertools
import json

import picos
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steerdsl.api import loads
from steerdsl.cli import main
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.run import run_model
from steerdsl.sdp import bwi_hierarchy, negativity, parents, relaxation
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.lhs import hidden_state_model
from steerdsl.sdp.moment_matrix import build
from steerdsl.sdp.npa_words import level_words, word_count


@st.composite
def scenarios(draw, max_alices: int = 3, rounds: bool = False) -> Scenario:
    alices = []
    for j in range(draw(st.integers(1, max_alices))):
        m = draw(st.integers(1, 3))
        outputs = tuple(draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
        alices.append(Alice(f"A{j}", m, outputs, draw(st.integers(1, 2)) if rounds else 1))
    return Scenario(tuple(alices), (Bob("B", draw(st.integers(1, 3))),))


LEVELS = ["1+AB", 1, 2, 3, "AA", "1+AAA", "1+AB+AAB", "2+AB", "AB", "ABA", "2+ABC", "AAB+ABC"]


@settings(max_examples=150, deadline=None)
@given(sc=scenarios(), level=st.sampled_from(LEVELS))
def test_word_count_is_the_number_of_words(sc, level):
    """The generating-function count equals the listed word set (the words themselves are the reference)."""
    if level != "1+AB" and any(t.isalpha() and len(set(t)) > len(sc.slots) for t in str(level).split("+")):
        with pytest.raises(ValueError):
            word_count(sc, level)
        return
    assert word_count(sc, level) == len(level_words(sc, level))


STRATEGY_CAP = 4096  # strategies enumerated at most per example: bounded memory and time by construction


@settings(max_examples=100, deadline=None)
@given(sc=scenarios(max_alices=2, rounds=True))
def test_strategy_count_is_the_number_of_strategies(sc):
    """The product formula equals the enumeration, read lazily and cut at ``STRATEGY_CAP + 1``: a count
    above the cap is checked to have more than the cap strategies, never materialised (two Alices with
    3 inputs, 3 outcomes and 2 rounds have 3^24 of them)."""
    seen = sum(1 for _ in itertools.islice(sc.iter_deterministic_strategies(), STRATEGY_CAP + 1))
    assert seen == min(sc.strategy_count(), STRATEGY_CAP + 1)


def test_moment_size_is_the_side_of_the_built_matrix():
    sc = Scenario((Alice("A", 3, (2, 3, 2)), Alice("C", 2, (2, 2))), (Bob("B", 2),))
    for level in ("1+AB", 2):
        words = level_words(sc, level)
        mm = build(words, sc.dim, lambda w: None, real=False)
        est = sdp_size.moment_size(sc, level, sc.dim)
        assert est.block_dim == mm.size
        assert est.variables >= len(mm.variables) * sc.dim**2  # an upper bound on the distinct blocks


def test_lhs_size_counts_hidden_states():
    sc = Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2),))
    est = sdp_size.lhs_size(sc)
    assert (est.blocks, est.block_dim, est.variables) == (8, 2, 32)
    several = Scenario((Alice("A", 2, (2, 2)),), (Bob("B", 2), Bob("C", 3)))
    assert sdp_size.lhs_size(several).variables == 4 * (4 + 9)


HEADER = """scenario {{
    alice A : inputs {m}, outputs {k}
    bob B : dim 2{extra}
}}
assemblage sigma[a|x{y}] = I/{k2}
"""

OVERSIZED = [
    # (scenario size, question, what the message must name)
    ((8, 8, "", ""), "solve sigma : lhs", "16,777,216 PSD blocks"),
    ((3, 3, "", ""), "solve sigma : npa level 40", "NPA level 40"),
    ((3, 3, ", inputs 3", " y"), "solve sigma : bwi level 9", "BWI level 9"),
    ((3, 3, "", ""), "solve sigma : visibility against npa level 12", "NPA level 12"),
]


def _model(shape, question):
    m, k, extra, y = shape
    return HEADER.format(m=m, k=k, extra=extra, y=y, k2=2 * k) + question + "\n"


@pytest.fixture
def built(monkeypatch) -> dict[str, int]:
    """Counts what an SDP request builds: picos problems, NPA word lists and enumerated LHS strategies.
    A refusal "before building" leaves all three at zero (the speed promise, asserted without a clock)."""
    counts = {"problems": 0, "word lists": 0, "strategies": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(picos.Problem, "__init__", counting("problems", picos.Problem.__init__))
    for module in (relaxation, bwi_hierarchy, parents, negativity):
        monkeypatch.setattr(module, "level_words", counting("word lists", module.level_words))
    monkeypatch.setattr(
        Scenario, "iter_deterministic_strategies", counting("strategies", Scenario.iter_deterministic_strategies)
    )
    return counts


def test_the_build_counter_sees_a_build(built):
    """The counter is not blind: a small LHS solve and a small relaxation register their builds."""
    hidden_state_model.cache_clear()  # an earlier test may have built this LHS template already
    run_model(loads(_model((2, 2, "", ""), "solve sigma : lhs\nsolve sigma : almost_quantum")))
    assert built["problems"] >= 2 and built["strategies"] >= 1 and built["word lists"] >= 1


@pytest.mark.parametrize("shape,question,named", OVERSIZED)
def test_oversized_request_is_refused_before_building_from_python(shape, question, named, built):
    model = loads(_model(shape, question))
    report = run_model(model)
    assert built == {"problems": 0, "word lists": 0, "strategies": 0}
    (diag,) = report.diagnostics
    assert diag.code == "E182"
    assert named in diag.message and "scalar variables" in diag.message and "GiB" in diag.message
    assert diag.span.line == 6 and not report.answers


def test_oversized_request_is_refused_before_building_from_the_cli(tmp_path, capsys, built):
    path = tmp_path / "big.steer"
    path.write_text(_model((8, 8, "", ""), "solve sigma : lhs"), encoding="utf-8")
    code = main(["run", "-q", "--format", "json", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and built == {"problems": 0, "word lists": 0, "strategies": 0}
    (diag,) = out["diagnostics"]
    assert diag["code"] == "E182" and diag["line"] == 6
    assert "about 67,108,864 scalar variables" in diag["message"]  # 8^8 strategies × 2² entries


def test_the_limit_is_configurable(tmp_path, capsys):
    """A small model passes the default limit and is refused under a tighter one (CLI and Python)."""
    text = _model((2, 2, "", ""), "solve sigma : lhs")  # 4 strategies × 4 = 16 variables
    assert not run_model(loads(text)).diagnostics
    refused = run_model(loads(text), max_sdp_size=15).diagnostics
    assert [d.code for d in refused] == ["E182"] and "limit of 15 variables" in refused[0].message
    path = tmp_path / "small.steer"
    path.write_text(text, encoding="utf-8")
    assert main(["run", "-q", "--max-sdp-size", "15", str(path)]) == 1
    assert "error[E182]" in capsys.readouterr().out


def test_seesaw_and_parent_state_sizes_are_guarded():
    chsh = """scenario {
    alice A : inputs 2, outputs 2
    alice C : inputs 2, outputs 2
}
functional F[a c|x z] = (-1)^(a + c + x*z)
bound max F over seesaw dims 64 64
"""
    (diag,) = run_model(loads(chsh)).diagnostics
    assert diag.code == "E182" and "see-saw (10 restarts)" in diag.message
    bobs = """scenario {
    alice A : inputs 2, outputs 2
    bob B : dim 8
    bob C : dim 8
}
assemblage sigma[a|x] {
    on B : I/16
    on C : I/16
}
solve sigma : parent_states
"""
    est = sdp_size.quantum_size(loads(bobs)["sigma"].scenario, "parent_states", {})
    assert (est.block_dim, est.variables) == (64, 3 * 64**2)  # 3 data words (∅, a=0|x=0, a=0|x=1)
    (diag,) = run_model(loads(bobs), max_sdp_size=10_000).diagnostics
    assert diag.code == "E182" and "parent states" in diag.message


def test_decomposability_check_too_large_is_undecided_with_its_estimate(built):
    """``check Λ : decomposable`` solves an SDP inside the exact checks: above the limit it is not run
    (no problem built), and the answer is undecided (never pass or fail) with the estimate."""
    from steerdsl.api import check

    model = loads("map Big(r) : 16 -> 16 = tr(r) * I(16) / 16 - r / 4\ncheck Big : decomposable\n",
                  budgets={"exact_operations": 10**6})  # a 16 -> 16 map is just above the default budget
    (result,) = check(model).results
    assert built["problems"] == 0
    assert result.status == "undecided"
    assert "131,072 scalar variables" in result.detail and "E182" in result.detail

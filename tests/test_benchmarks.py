"""The quick benchmark harness on two tiny cases: steerdsl's optimum equals the peer's.

The LHS robustness is compared with a hand-written picos model (picos is a dependency, so this
always runs); the almost-quantum bound with toqito's NPA constraints (skipped without toqito).
Both sides run in their own spawned processes, as in ``python -m benchmarks``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# benchmarks/ is not part of the installed package: reach it from the checkout, after site-packages
# (appended, so that an installed steerdsl still wins over the checkout's)
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.cases import all_cases  # noqa: E402
from benchmarks.harness import run_case  # noqa: E402
from benchmarks.run import acceptance  # noqa: E402


def _case(name: str):
    return next(c for c in all_cases(quick=True) if c.name == name)


def test_lhs_robustness_matches_hand_written_picos():
    row = run_case(_case("LHS robustness d=2 m=3 k=2"), repeats=1)
    assert "error" not in row["ours"] and "error" not in row["peer"], row
    assert row["difference"] <= 1e-6
    assert row["ours"]["value"] > 0.1  # steerable: two random measurements on a maximally entangled state
    assert any("(2) LHS robustness" in line for line in acceptance([row]))


@pytest.mark.skipif(importlib.util.find_spec("toqito") is None, reason="toqito (extra 'bench') not installed")
def test_almost_quantum_bound_matches_toqito():
    row = run_case(_case("AQ bound n=2 m=2 k=2 d=2"), repeats=1)
    assert "error" not in row["ours"] and "error" not in row["peer"], row
    assert row["difference"] <= 1e-6

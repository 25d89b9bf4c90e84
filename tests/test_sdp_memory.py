"""The SDP guard by memory and the time limit of a whole line (issue 18 item 4).

Memory is estimated before building, for the solver that will be chosen (steerdsl/sdp/size.py: what
cvxopt and qics store), and refused with E182; ``--time-limit`` stops building as well as solving, with
E310.  The estimate is checked against the built problems (it bounds their size, work and solver
choice) and against the peaks measured by ``python -m benchmarks.solvers`` (docs/benchmarks/solvers.json).
No wall-clock assertion: the coded diagnostic is what is checked."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import picos
import pytest

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.run import run_model
from steerdsl.sdp.size import DEFAULT_MAX_MEMORY, QICS_BASE_MEMORY, SDPSize, SDPTooLarge, check_size, lhs_size
from steerdsl.sdp.solve import SolverTimeLimit, cvxopt_work, qics_first, scalar_variables, time_limit

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # benchmarks/ is not installed: reach it from the checkout, after site-packages

from benchmarks import solvers  # noqa: E402

LHS = """scenario {{
    alice A : inputs {m}, outputs 2
    bob B : dim {d}
}}
assemblage s[a|x] = I({d}) / (2 * {d})
functional F[a|x] = [a == x mod 2] * I({d})
{question}
"""


def _model(m: int, d: int, question: str):
    return sd.loads(LHS.format(m=m, d=d, question=question), f"lhs{m}.steer")


def test_memory_estimate_and_limit():
    small = SDPSize("t", 1, 2, 1_000)
    assert small.solver == "cvxopt" and small.memory_bytes == small.memory_for("cvxopt")
    assert check_size(small, None) is small
    big = SDPSize("t", 8192, 2, 32_768)  # under the 50,000-variable limit, > 16 GiB by memory
    assert big.solver == "qics" and big.memory_bytes == big.memory_for("qics") > 16 * 2**30
    with pytest.raises(SDPTooLarge) as refused:
        check_size(big, None)
    assert big.memory_bytes > DEFAULT_MAX_MEMORY and "--max-sdp-memory" in str(refused.value)
    assert check_size(big, None, memory_gib=64) is big


def test_cvxopt_pays_for_the_block_entries_and_qics_does_not():
    """cvxopt keeps a dense copy of the scaled constraint matrix (block entries × variables); qics keeps the
    constraint data sparse and only n × n matrices: more block entries at the same n cost cvxopt only."""
    few, many = SDPSize("t", 1, 10, 5_000), SDPSize("t", 100, 10, 5_000)
    assert many.memory_for("cvxopt") - few.memory_for("cvxopt") >= 8 * 5_000 * 99 * 4 * 10**2
    assert many.memory_for("qics") == few.memory_for("qics")
    twice = SDPSize("t", 1, 10, 10_000)  # twice the variables: about four times the n × n storage
    assert twice.memory_for("qics") - QICS_BASE_MEMORY > 3.9 * (few.memory_for("qics") - QICS_BASE_MEMORY)


def test_the_estimate_is_for_the_solver_asked_for():
    """11 binary inputs and a qubit Bob (n = 8,192): qics, the solver picked for it, keeps n × n matrices and
    fits the default 2 GiB; cvxopt also keeps its constraints densely (S = 4n more entries per variable), so
    asking for it refuses the line before building (E182)."""
    model = _model(11, 2, "solve s : lhs")
    size = lhs_size(model["s"].scenario)
    assert size.solver == "qics" and check_size(size, None) is size
    with pytest.raises(SDPTooLarge):
        check_size(size, None, solver="cvxopt")
    report = run_model(model, solver="cvxopt")
    assert [x.code for x in report.diagnostics] == ["E182"]
    assert "memory limit of 2 GiB" in report.diagnostics[0].message


def _built_entries(problem) -> int:
    """``Σ_b N_b²`` over the PSD constraints of a built picos problem, complex blocks as real ones of twice
    the side."""
    total = 0
    for c in problem.constraints.values():
        if isinstance(c, picos.constraints.ComplexLMIConstraint):
            total += (2 * c.size[0]) ** 2
        elif isinstance(c, picos.constraints.LMIConstraint):
            total += c.size[0] ** 2
    return total


@pytest.mark.parametrize("real", [False, True])
@pytest.mark.parametrize(("family", "params"), [
    ("lhs", {"d": 2, "m": 3, "k": 2}),
    ("aq_bound", {"alices": 2, "inputs": 2, "outputs": 2, "d": 2}),
    ("aq_visibility", {"alices": 2, "inputs": 2, "outputs": 2, "d": 2, "level": 2}),
    ("bwi", {"level": 2}),
    ("qx", {"level": "1+AB"}),
])
def test_estimate_bounds_the_built_problem(family, params, real):
    """The scenario's estimate is at least the built problem's variables (up to the task's own scalars: a
    visibility, a margin), block entries and cvxopt work, and when it predicts cvxopt the built problem goes
    to cvxopt (so the estimate made is for the solver used)."""
    state = solvers.prepare(family, real, "cvxopt", **params)
    problem = solvers.result(state).problem
    est = solvers.estimate(state)
    scalars = 2
    assert est.variables + scalars >= scalar_variables(problem)
    assert est.real_entries >= _built_entries(problem)
    assert (est.variables + scalars) ** 2 * est.real_entries >= cvxopt_work(problem)
    if est.solver == "cvxopt":
        assert not qics_first(problem)


def test_measured_peaks_stay_within_the_estimate():
    """Issue 20 item 4: no measured peak (``ru_maxrss`` of a spawned worker solving one grid problem with one
    solver) exceeds the estimate for that solver by more than 50 %; where the estimate's size is exact
    (LHS with complex data) it is also tight: the peak is at least 3/4 of it."""
    data = json.loads((ROOT / "docs" / "benchmarks" / "solvers.json").read_text())
    measured = 0
    for row in data["rows"]:
        params = {k: v for k, v in row["params"].items() if k != "family"}
        est = solvers.estimate(solvers.prepare(row["params"]["family"], row["data"] == "real", "cvxopt", **params))
        for solver, side in row["sides"].items():
            if "maxrss_mib" not in side:
                continue
            peak = side["maxrss_mib"] * 2**20
            assert peak <= 1.5 * est.memory_for(solver), (row["name"], row["data"], solver)
            if row["params"]["family"] == "lhs" and row["data"] == "complex":
                assert peak >= 0.75 * est.memory_for(solver), (row["name"], solver)
            measured += 1
    assert measured >= 50


def test_symmetry_reduced_peaks_stay_within_the_estimate():
    """Issue 20 item 4 for the symmetry-reduced bounds: the peak of each reduced solve of
    ``python -m benchmarks.symmetry`` (its worker's ``ru_maxrss``, detection and reduction included) is at
    most 1.5 times the size guard's estimate of the reduced problem for the solver that solved it
    (docs/benchmarks/symmetry.json, written by that benchmark)."""
    data = json.loads((ROOT / "docs" / "benchmarks" / "symmetry.json").read_text())
    assert data["rows"]
    for row in data["rows"]:
        assert row["solver_estimated"] == row["solver"], row["case"]
        assert row["maxrss_mib"] * 2**20 <= 1.5 * row["estimate_bytes"], row["case"]


@pytest.mark.parametrize(("m", "d", "question", "variables"), [
    (13, 2, "solve s : lhs", "32,768"),         # the reported 3.7 GB crash
    (11, 3, "bound max F over lhs", "18,432"),  # the reported 3 GB at 20 s
])
def test_reported_cases_are_refused_before_building(m, d, question, variables):
    report = run_model(_model(m, d, question))
    codes = [x.code for x in report.diagnostics]
    assert codes == ["E182"], codes
    message = report.diagnostics[0].message
    assert f"{variables} scalar variables" in message and "estimated memory" in message
    assert "memory limit of 2 GiB" in message and "--max-sdp-memory" in report.diagnostics[0].hint


def test_cli_memory_option(tmp_path, capsys):
    path = tmp_path / "m.steer"
    path.write_text(LHS.format(m=13, d=2, question="solve s : lhs"))
    assert main(["run", "-q", str(path)]) == 1
    assert "error[E182]" in capsys.readouterr().out
    for bad in ("0", "-1", "nan", "lots"):
        with pytest.raises(SystemExit) as stop:
            main(["run", "-q", str(path), "--max-sdp-memory", bad])
        assert stop.value.code == 2 and "argument --max-sdp-memory" in capsys.readouterr().err


def test_time_limit_stops_building():
    """A problem let through by a raised memory limit is stopped while picos builds it (12 inputs: 4,096
    strategies), as E310 — not a crash, not an unbounded wait."""
    report = run_model(_model(12, 2, "solve s : lhs"), max_sdp_memory=100, time_limit_seconds=0.5)
    assert [x.code for x in report.diagnostics] == ["E310"]
    assert "time limit of 0.5 s" in report.diagnostics[0].message


def test_time_limit_outlives_a_solve_inside_it():
    """A solve inside the block arms its own timer; the block's timer is re-armed after it, so work after
    the solve is still stopped."""
    model = _model(2, 2, "solve s : lhs")
    with pytest.raises(SolverTimeLimit) as stop, time_limit(1.0, "the test"):
        run_model(model)
        end = time.monotonic() + 120
        while time.monotonic() < end:  # pure Python: the re-armed alarm interrupts it
            pass
    assert stop.value.task == "the test"

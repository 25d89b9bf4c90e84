"""The SDP guard by memory and the time limit of a whole line (issue 18 item 4).

Memory is estimated before building (128 MiB + 16 bytes per pair of variables, calibrated in
steerdsl/sdp/size.py) and refused with E182; ``--time-limit`` stops building as well as solving, with
E310.  No wall-clock assertion: the coded diagnostic is what is checked."""

from __future__ import annotations

import time

import pytest

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.run import run_model
from steerdsl.sdp.size import BASE_MEMORY, DEFAULT_MAX_MEMORY, SDPSize, SDPTooLarge, check_size
from steerdsl.sdp.solve import SolverTimeLimit, time_limit

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
    assert small.memory_bytes == BASE_MEMORY + 16 * 1_000**2
    assert check_size(small, None) is small
    big = SDPSize("t", 8192, 2, 32_768)  # under the 50,000-variable limit, 16 GiB by memory
    with pytest.raises(SDPTooLarge) as refused:
        check_size(big, None)
    assert big.memory_bytes > DEFAULT_MAX_MEMORY and "--max-sdp-memory" in str(refused.value)
    assert check_size(big, None, memory_gib=20) is big


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

"""Progress lines: ticking on a terminal, silent in a pipe (steerdsl/progress.py)."""

from __future__ import annotations

import io
import time

from steerdsl.progress import REFRESH_SECONDS, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_nothing():
    out = io.StringIO()
    with Progress(out) as progress:
        progress("[1/2] m.steer:3 solve sigma : lhs")
        progress("[2/2] m.steer:4 solve sigma : almost_quantum")
    assert out.getvalue() == "" and progress._bar is None


def test_a_terminal_line_ticks_until_the_next_question_and_is_cleared():
    out = Terminal()
    progress = Progress(out)
    progress("[1/1] m.steer:3 solve sigma : lhs")
    time.sleep(4 * REFRESH_SECONDS)  # the ticker redraws the line while the question runs
    progress.close()
    frames = out.getvalue().split("\r")
    drawn = [f for f in frames if "[1/1] m.steer:3 solve sigma : lhs" in f]
    assert len(drawn) >= 2  # drawn when the question started, redrawn at least once by the ticker
    assert all("00:0" in f for f in drawn)  # with its elapsed time
    assert progress._ticker is None and progress._bar is None

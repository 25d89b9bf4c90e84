"""A wall-clock limit on a block of Python code: ``with alarm(seconds):`` raises :class:`Alarm` when the
time is up (a ``SIGALRM`` timer: main thread, POSIX; elsewhere the block runs unlimited).

Used by :func:`steerdsl.sdp.solve.time_limit` (``steer run --time-limit``) and by ``steer verify``.  Blocks
nest: an inner block re-arms the enclosing timer with what is left of it.  The timer interrupts Python
code; one call into compiled code finishes first.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator


class Alarm(BaseException):
    """Raised by the SIGALRM handler; a BaseException so that no ``except Exception`` hides it."""


@contextlib.contextmanager
def alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`Alarm` in this block after ``seconds`` (None: no limit)."""
    if seconds is None or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum, frame):
        raise Alarm

    previous = signal.signal(signal.SIGALRM, ring)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # nested: re-arm the enclosing timer with what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))

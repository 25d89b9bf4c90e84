"""Signs of life on standard error while a model's questions are answered.

:class:`Progress` is the ``progress`` callback of :func:`steerdsl.run.run_model`: it is called with
``[k/n] FILE:LINE QUESTION`` when question k starts.  On a terminal the line stays on screen with its
elapsed time ticking (tqdm, refreshed twice a second by a daemon thread) until the next question starts
or :meth:`Progress.close` is called, so a solve of a minute never looks like a hang.  Elsewhere (a pipe, a
file, a CI log) nothing is printed, so that standard error holds only what is wrong (issue 17: "silent when
not a terminal or with ``-q``"); ``steer run -q`` passes no callback at all.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from tqdm import tqdm

REFRESH_SECONDS = 0.5


class Progress:
    """A ticking line per question on a terminal, nothing elsewhere."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: tqdm | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, message: str) -> None:
        """Question ``message`` starts (the previous one, if any, is done)."""
        if not self.live:
            return
        self.close()
        self._bar = tqdm(desc=message, bar_format="{desc}  {elapsed}", file=self.stream, leave=False)
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, args=(self._bar, self._stop), daemon=True)
        self._ticker.start()

    @staticmethod
    def _tick(bar: tqdm, stop: threading.Event) -> None:
        while not stop.wait(REFRESH_SECONDS):
            bar.refresh()

    def close(self) -> None:
        """End the current line (before the results are printed)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

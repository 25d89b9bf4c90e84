"""Types of command-line option values: a bad value is a usage error (exit 2) naming the option.

argparse calls these with the text given and reports an ``ArgumentTypeError`` as
``steer: error: argument --time-limit: …`` — the option, the value and what it needs.
"""

from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """An integer ≥ 1 (``--jobs``, ``--max-sdp-size``, ``--limit``)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (give a positive integer)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not positive (give an integer ≥ 1)")
    return value


def _positive_float(text: str, unit: str, absent: str = "") -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive, finite number of {unit}{absent}")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds > 0 (``--time-limit``); NaN, infinities, 0 and negatives are refused."""
    return _positive_float(text, "seconds", " (leave the option out for no limit)")


def positive_gib(text: str) -> float:
    """A finite number of gibibytes > 0 (``--max-sdp-memory``)."""
    return _positive_float(text, "GiB")

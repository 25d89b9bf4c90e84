"""Size limits of exact objects: refuse a model that would not fit, before building it.

Exact values are object arrays of cyclotomic numbers (a few hundred bytes each), so a scenario
with 10⁶ inputs or a tensor product of forty qubits would exhaust memory or run for hours.
The limits here are far above every bundled model (the largest, E8, has 8·8² exact entries
per element) and turn such requests into diagnostic E181 naming the size (the evaluator and the
scenario builder raise it; SDP sizes are estimated separately, in :mod:`steerdsl.sdp.size`).
"""

from __future__ import annotations

from math import prod

MAX_LABELS = 4096
"""Largest number of inputs, outputs, rounds or Hilbert dimension of one party."""

MAX_EXACT_ENTRIES = 2**20
"""Largest number of exact matrix entries in one value (a 1024×1024 matrix), and of exact entries
of one assemblage (elements × Bob's dimension²)."""


class TooLarge(ValueError):
    """A request for an exact object above the limits; the message names its size."""


def check_count(what: str, n: int) -> None:
    """Refuse a party count (inputs, outputs, dimension …) above :data:`MAX_LABELS`."""
    if n > MAX_LABELS:
        raise TooLarge(f"{what} is {n}, more than the {MAX_LABELS} the exact engine takes")


def check_entries(what: str, shape: tuple[int, ...]) -> None:
    """Refuse an exact object with more than :data:`MAX_EXACT_ENTRIES` entries."""
    n = prod(shape)
    if n > MAX_EXACT_ENTRIES:
        dims = "×".join(str(s) for s in shape)
        raise TooLarge(f"{what} would have {dims} = {n} exact entries, more than the {MAX_EXACT_ENTRIES} "
                       "the exact engine takes")

"""The result of an SDP task, mapped back to the model's language.

Every SDP task (LHS, a quantum relaxation, a bound, a robustness) returns an
:class:`SDPResult`: the optimal value, a verdict read off an always-feasible
robustness form with its margin and tolerance (physics.md §4.1), the dual
steering functional when there is one, and the underlying ``picos.Problem``
so that users can extend it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steerdsl.model.assemblage import Functional

MEMBER = "member"
EXCLUDED = "excluded"
UNDECIDED = "undecided"


def verdict_from_margin(margin: float, tolerance: float) -> str:
    """Read a membership verdict off a signed distance to a set.

    ``margin`` is positive outside the set (e.g. the least white-noise
    robustness ``t``; the set is entered at ``t ≤ 0``) and ``tolerance`` the
    numerical tolerance of the solve: ``margin > tol`` → excluded,
    ``margin < −tol`` → member (strictly inside), otherwise undecided — a
    point within the tolerance of the boundary is never rounded to a side."""
    if margin > tolerance:
        return EXCLUDED
    if margin < -tolerance:
        return MEMBER
    return UNDECIDED


def ordered_bracket(lower: float | None, upper: float | None, tolerance: float,
                    floor: float | None = None) -> tuple[tuple[float | None, float | None], str | None]:
    """A bracket ``(lower, upper)`` that always reads ``lower ≤ upper``, and a note when it had to be mended.

    ``floor``: a known lower limit of the quantity (the negativity is ≥ 0), applied to both ends.  Ends
    that cross by at most ``tolerance`` (solver accuracy) are equal within it: both read as the upper end
    (the mid-point for two bounds that are both numeric would be no more honest).  Ends that cross by more
    are reported as they are, with a note saying the bracket is inconsistent."""
    if floor is not None:
        lower = None if lower is None else max(lower, floor)
        upper = None if upper is None else max(upper, floor)
    if lower is None or upper is None or lower <= upper:
        return (lower, upper), None
    if lower - upper <= tolerance:
        return (upper, upper), f"the bounds crossed by {lower - upper:.2g} ≤ tolerance {tolerance:g}: equal within it"
    return (lower, upper), (f"inconsistent bracket: the lower bound exceeds the upper by {lower - upper:.3g} "
                            f"> tolerance {tolerance:g} (a solver inaccuracy)")


@dataclass
class SDPResult:
    """Outcome of one SDP task.

    ``value``: the optimum of the SDP as posed (e.g. the robustness ``t``).
    ``verdict``: ``member`` / ``excluded`` / ``undecided`` for membership
    tasks, ``None`` for bounds.  ``margin``: the signed distance used for the
    verdict (positive means outside the set).  ``witness``: the dual steering
    functional ``F`` with ``bound``, its maximum over the set, so that
    ``β_F(σ) > bound`` certifies non-membership."""

    task: str
    value: float | None
    status: str
    tolerance: float
    verdict: str | None = None
    margin: float | None = None
    witness: Functional | None = None
    bound: float | None = None
    witness_value: float | None = None
    problem: Any = None
    solver: str = ""
    compile_seconds: float = 0.0
    solve_seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    exactness: str = "numeric"

    def _repr_html_(self) -> str:
        from steerdsl.notebook import sdp_result_html

        return sdp_result_html(self)

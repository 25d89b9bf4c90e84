"""What a question asked from Python returns: numbers, a verdict and a witness in the caller's layout.

An :class:`Answer` wraps the :class:`~steerdsl.sdp.result.SDPResult` of the task that the ``steer``
command runs for the same question, and converts its witness functional into the layout the data
came in (:class:`~steerdsl.layout.Layout`), so ``value, F = sd.steering_robustness(sigma)`` works as
``[SR, F] = steeringRobustness(sigma)`` does in the Cavalcanti–Skrzypczyk MATLAB code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from steerdsl.layout import Layout, complex_json
from steerdsl.sdp.result import SDPResult, verdict_from_margin
from steerdsl.sets.spec import PROVES


@dataclass
class Answer:
    """The answer to one question.

    ``value``: the quantity asked for (a visibility, a robustness, a weight, a bound).
    ``verdict``: ``member`` / ``excluded`` / ``undecided`` for membership questions (read off ``margin``,
    > 0 outside the set, and ``tolerance``: docs/tolerance.md), ``verified`` / ``not verified`` for
    :func:`steerdsl.api.verify`, else ``None``.
    ``witness``: the dual steering functional ``F`` as data in the input's layout, and ``bound`` its
    bound over the set, so that ``β_F(σ) = Σ tr(F σ) > bound`` certifies that σ is outside it.
    ``exactness``: ``numeric``, ``exact`` or ``certified``.  ``result`` is the full
    :class:`~steerdsl.sdp.result.SDPResult` (with the picos problem)."""

    value: float | None
    verdict: str | None
    margin: float | None
    tolerance: float
    witness: Any
    bound: float | None
    exactness: str
    status: str
    task: str
    result: SDPResult

    @classmethod
    def of(cls, result: SDPResult, layout: Layout | None, tol: float | None = None) -> Answer:
        """The answer of ``result``; ``tol`` replaces the solve's tolerance (the verdict is re-read)."""
        tolerance = result.tolerance if tol is None else float(tol)
        verdict = result.verdict
        if tol is not None and verdict is not None and result.margin is not None:
            verdict = verdict_from_margin(result.margin, tolerance)
        witness = None if result.witness is None else layout.functional_array(result.witness)
        return cls(result.value, verdict, result.margin, tolerance, witness, result.bound, result.exactness,
                   result.status, result.task, result)

    @property
    def bracket(self) -> tuple[float | None, float | None] | None:
        """``(lower, upper)`` of a bound asked with ``dims``: the see-saw inner bound and the relaxation's outer
        bound (:func:`steerdsl.sets.seesaw.with_inner_bound`); None otherwise."""
        ends = self.result.details.get("bracket")
        return None if ends is None else tuple(ends)

    @property
    def proved_by(self) -> str | None:
        """Which side decided a membership: ``"inner: realisation"`` (an explicit realisation proves σ
        quantum), ``"outer: relaxation"`` (a relaxation of the quantum set excludes σ), else None —
        also when ``tol`` re-read the verdict away from the one that side proves."""
        side = self.details.get("proved_by")
        return side if side is not None and self.verdict == PROVES[side] else None

    @property
    def details(self) -> dict[str, Any]:
        """What the task found besides the numbers (a realisation, a certificate, notes): ``result.details``."""
        return self.result.details

    @property
    def certificate(self) -> Any:
        """The exact certificate of a certified answer (``None`` without one): save it with
        :func:`steerdsl.save_certificate`, re-check it with :func:`steerdsl.api.verify`."""
        return self.result.details.get("certificate")

    def __iter__(self):
        """``value, F = answer``."""
        return iter((self.value, self.witness))

    def __repr__(self) -> str:
        parts = [f"value={_short(self.value)}"]
        if self.verdict is not None:
            parts.append(f"verdict={self.verdict}")
        if self.margin is not None:
            parts.append(f"margin={_short(self.margin)}")
        if self.bound is not None:
            parts.append(f"bound={_short(self.bound)}")
        if self.proved_by is not None:
            parts.append(f"proved_by={self.proved_by!r}")
        if self.bracket is not None:
            parts.append(f"bracket=[{_short(self.bracket[0])}, {_short(self.bracket[1])}]")
        parts.append(f"tolerance={self.tolerance:.0e}")
        if self.witness is not None:
            parts.append("witness=" + _shape(self.witness))
        return f"Answer[{self.task}, {self.exactness}]({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: numbers as floats (with their exact strings beside them where the answer has them,
        ``value_exact`` and ``bound_exact`` of :func:`steerdsl.api.verify`), the witness as ``{"real": …,
        "imag": …}`` nested lists."""
        exact = {k: self.details[k] for k in ("value_exact", "bound_exact") if self.details.get(k) is not None}
        return {"task": self.task, "value": self.value, "verdict": self.verdict, "margin": self.margin,
                "tolerance": self.tolerance, "bound": self.bound, "exactness": self.exactness,
                "status": self.status, "witness": complex_json(self.witness),
                "bracket": None if self.bracket is None else list(self.bracket), "proved_by": self.proved_by, **exact}

    def _repr_html_(self) -> str:
        from steerdsl.notebook import sdp_result_html

        return sdp_result_html(self.result)


def _short(x: float | None) -> str:
    return "None" if x is None else f"{x:.6g}"


def _shape(w: Any) -> str:
    if isinstance(w, dict):
        return f"dict of {len(w)}"
    if isinstance(w, list):
        return "[" + ", ".join(str(np.shape(part)) for part in w) + "]"
    return str(np.shape(w))

"""``planar_local``: assemblages of a qubit Bob (standard kind) reproduced by a local model for Bob's
projective measurements in one Bloch plane (the octagon test of :func:`steerdsl.sdp.bell.planar_locality`)."""

from __future__ import annotations

from typing import Any

from steerdsl.model.assemblage import Assemblage
from steerdsl.sdp import bell
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import Option, Question, SetSpec

PLANE = Option("plane", "XZ | XY | YZ", "XZ", "the Bloch plane of Bob's measurements")


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Local for Bob's measurements in ``plane`` (:func:`steerdsl.sdp.bell.planar_locality`)."""
    return bell.planar_locality(sigma, plane=options["plane"], solver=options["solver"])


SET = SetSpec(
    "planar_local", ("standard",), doc="local for Bob's planar measurements (qubit Bob)",
    questions={"membership": Question("membership", membership, (PLANE,))})

"""Bell tools: locality (the local-polytope LP), NPA levels and the octagon test (physics.md §6).

A behaviour ``p(a|x)`` is the assemblage of a dimension-1 Bob, so the LHS program of
:mod:`steerdsl.sdp.lhs` is the local-polytope LP (hidden states are numbers ``p_λ ≥ 0``)
and the moment-matrix engine of :mod:`steerdsl.sdp.relaxation` gives the NPA hierarchy
(Navascués, Pironio, Acín, NJP 10, 073013 (2008)).

Octagon test (Sainz et al., PRL 115, 190403 (2015), App. B): let Bob (a qubit) measure the
four projective measurements along ``n_k = cos(kπ/4) e_1 + sin(kπ/4) e_2``, k = 0..3, of a
plane of the Bloch sphere.  Every unit vector n of the plane lies within π/8 of one of the
octagon's vertices ``±n_k``, so ``cos(π/8)·n`` is a convex combination of two adjacent
vertices and ``(I ± cos(π/8) n·σ)/2`` a mixture of the corresponding octagon POVMs.  Hence
if those four-measurement correlations are local, the noisy assemblage ``σ(cos π/8)``
(:func:`steerdsl.model.transforms.noisy`) is local for every projective measurement of Bob
in the plane.  If they are not local, σ itself gives nonlocal correlations for projective
measurements in the plane.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.behaviours import behaviour_from_assemblage
from steerdsl.model.builtins import CONSTANTS
from steerdsl.model.values import Behaviour, Measurement
from steerdsl.sdp.result import SDPResult

OCTAGON_MU = float(np.cos(np.pi / 8))
"""``cos(π/8)``: the white-noise weight the octagon test certifies."""


def local(p: Behaviour, solver: str | None = None) -> SDPResult:
    """Is ``p`` in the local polytope?  The LHS program with a dimension-1 Bob (an LP), decided on its
    white-noise robustness; a nonlocal ``p`` comes with a Bell inequality (the dual functional)."""
    from steerdsl.sdp.lhs import lhs

    result = lhs(p.as_assemblage(), solver=solver)
    result.task = "local polytope"
    return result


def npa(p: Behaviour, level: str | int = 1, solver: str | None = None) -> SDPResult:
    """Membership of ``p`` in NPA level ``level`` (``"1+AB"``: almost quantum), robustly (physics.md §4.1)."""
    from steerdsl.sdp.relaxation import membership

    result = membership(p.as_assemblage(), level=level, solver=solver)
    result.task = f"NPA level {level}"
    return result


def plane_measurements(plane: str = "XZ") -> Measurement:
    """Bob's four octagon measurements ``N_{b|k} = (I + (−1)^b n_k·σ)/2``, ``n_k`` at angle ``kπ/4``
    from the first axis of ``plane`` (two of X, Y, Z) towards the second; exact."""
    axes = plane.upper()
    if len(axes) != 2 or axes[0] == axes[1] or any(c not in "XYZ" for c in axes):
        raise ValueError(f"a plane is two different Pauli axes such as XZ, XY or YZ, not {plane!r}")
    e1, e2 = CONSTANTS[axes[0]], CONSTANTS[axes[1]]
    eye = alg.identity(2)
    half = Cyclo(1) / 2
    elements = {}
    for k in range(4):
        n = e1 * Cyclo.cos_pi(Fraction(k, 4)) + e2 * Cyclo.sin_pi(Fraction(k, 4))
        for b in (0, 1):
            elements[(b, k)] = (eye + n * (-1) ** b) * half
    return Measurement(f"octagon_{axes}", 2, 4, (2, 2, 2, 2), elements)


def planar_locality(sigma: Assemblage, plane: str = "XZ", solver: str | None = None) -> SDPResult:
    """The octagon test of the module docstring: the local-polytope LP on the correlations of Bob's four
    octagon measurements in ``plane``.  ``member``: ``σ(cos π/8)`` is local for all projective
    measurements in the plane; ``excluded``: σ has nonlocal correlations for some of them."""
    sc = sigma.scenario
    if len(sc.bobs) != 1 or sc.dim != 2 or sc.bob_inputs or sc.kind == "instrumental":
        raise ValueError("the octagon test is for an assemblage of one qubit Bob without input")
    meas = plane_measurements(plane)
    p = behaviour_from_assemblage(sigma, [(sc.bobs[0].name, meas)], None)
    result = local(p, solver=solver)
    result.task = f"octagon test in the {plane.upper()} plane"
    result.details["mu"] = OCTAGON_MU
    if result.verdict == "member":
        result.details["note"] = (f"the four octagon correlations are local, so σ(cos π/8) = {OCTAGON_MU:.6f}σ + "
                                  f"(1 − {OCTAGON_MU:.6f}) tr(σ) I/2 is local for every projective measurement "
                                  f"in the {plane.upper()} plane")
    elif result.verdict == "excluded":
        result.details["note"] = "σ gives nonlocal correlations for projective measurements in the plane"
    return result

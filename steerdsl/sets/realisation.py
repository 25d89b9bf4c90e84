"""``realisation``: the quantum assemblages of given dimensions, decided from inside — a search for an
explicit state, Alices' POVMs and Bob's channels reproducing σ (:func:`steerdsl.inner.search.realisation`,
physics.md §8).  ``member`` when the recomputed residual is below the tolerance, else ``undecided``: failing
to find a realisation proves nothing, so the verdict is never ``excluded``; ``certify`` rounds the realisation
to exact numbers and says ``certified`` only when it reproduces σ exactly."""

from __future__ import annotations

from typing import Any

from steerdsl.inner.search import realisation
from steerdsl.model.assemblage import Assemblage
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import INNER, KINDS, SEED, Option, Question, SetSpec

DIMS = Option("dims", "int…", None, "Alices' dimensions, then optionally Bob's internal one")
RESTARTS = Option("restarts", "int", 5, "restarts of the search")
TOL = Option("tol", "number", None, "largest residual read as a realisation (default 1e-6)")


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """Search for a realisation of σ in the dimensions ``dims``; certify it exactly with ``certify``."""
    tolerance = {} if options.get("tol") is None else {"tolerance": float(options["tol"])}
    return realisation(sigma, dims=options.get("dims"), restarts=options["restarts"], seed=options["seed"],
                       certify=bool(options.get("certify")), solver=options.get("solver"), **tolerance)


SET = SetSpec(
    "realisation", KINDS, doc="explicit quantum realisations of given dimensions (inner; never excludes)",
    questions={"membership": Question("membership", membership, (DIMS, RESTARTS, SEED, TOL))}, side=INNER)

"""What a certificate is about, computed from a model's object: the sha256 that ``steer verify --model``
compares with the certificate's subject (physics.md §7: a verifier given the model checks that the subject
matches).  Moment certificates (one Bob) and hierarchy certificates (Bob with input, instrumental) name
their subjects by different digests; this module is the one place that chooses."""

from __future__ import annotations

from steerdsl.exact.moment_certificate import subject_digest
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.sdp.certify import _outputs, cg_assemblage, cg_constant, cg_functional
from steerdsl.sdp.certify_hierarchy import hierarchy_subject


def model_subject(obj: Functional | Assemblage) -> tuple[str, str | None]:
    """The sha256 a certificate about ``obj`` names (:func:`~steerdsl.exact.moment_certificate.subject_digest`,
    the same Collins–Gisin content certificates are made of), and a note when that content is a rounding
    of ``obj`` (a numeric functional) — ``ValueError`` for an object no certificate can be about."""
    if _kind_of(obj) == "functional" and obj.scenario.kind in ("bwi", "instrumental"):
        return hierarchy_subject(obj), "the model's functional is numeric: compared after rounding to multiples " \
            "of 2^-40" if not obj.exact else None
    if _kind_of(obj) == "functional":
        terms, rounded = cg_functional(obj)
        digest = subject_digest("functional", _outputs(obj.scenario), obj.scenario.dim, terms, cg_constant(obj))
        return digest, "the model's functional is numeric: compared after rounding to multiples of 2^-40" \
            if rounded else None
    if _kind_of(obj) == "assemblage":
        if not obj.exact:
            raise ValueError(f"{obj.name} is numeric: exclusion certificates are about exact assemblages")
        return subject_digest("assemblage", _outputs(obj.scenario), obj.scenario.dim, cg_assemblage(obj), None), None
    raise ValueError(f"certificates are about functionals and assemblages, not a {type(obj).__name__}")


def _kind_of(obj) -> str | None:
    return "functional" if isinstance(obj, Functional) else "assemblage" if isinstance(obj, Assemblage) else None

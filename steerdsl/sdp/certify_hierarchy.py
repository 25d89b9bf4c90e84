"""Exact certificates of bounds over the BWI and instrumental hierarchies, from the solver's duals.

:func:`steerdsl.sdp.bwi_hierarchy.hierarchy_bound` returns one LMI dual ``Z_y`` per copy y.  As for one moment
matrix (:mod:`steerdsl.sdp.certify`, physics.md §7):

1. each ``Z_y`` is rounded entrywise to Gaussian rationals with denominator ``2^40``;
2. repaired exactly: in every class c of copy y the traceless part of ``A^y_c + sF^y_c`` is removed, spread
   evenly over the class's positions, leaving ``μ^y_c I``; then ``m_c = Σ_y μ^y_c`` (c ≠ ∅) is removed as
   ``m_c/#copies`` from each copy — the equations of :mod:`steerdsl.exact.hierarchy_certificate`;
   ``λ = s Σ_y μ^y_∅`` is read off;
3. shifted into the PSD cone by ``Z_y + δD`` with the shift matrix ``D`` of :mod:`steerdsl.sdp.certify` (its
   class sums vanish except ``#rows·I`` on ∅), so λ grows by ``s·δ·#rows·#copies``;
4. verified by :func:`steerdsl.exact.hierarchy_certificate.verify`, the check ``steer verify`` runs on the file.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.hierarchy_certificate import HierarchyCertificate, subject_digest, verify
from steerdsl.exact.moment_certificate import class_sums, classes
from steerdsl.model.assemblage import Functional
from steerdsl.model.nosignalling import structure
from steerdsl.sdp.certify import (
    SHIFT_ATTEMPTS,
    _outputs,
    _psd_shift,
    _repair,
    _shift_matrix,
    cg_constant,
    describe_bound,
    exact_matrix,
    hermitian,
)
from steerdsl.sdp.functional import _expansions, numeric_matrix
from steerdsl.sdp.moment_matrix import cg_expansion
from steerdsl.sdp.npa_words import EMPTY, Word, is_data_word
from steerdsl.sdp.result import SDPResult


def cg_copy_functional(functional: Functional) -> tuple[tuple[dict[Word, np.ndarray], ...], bool]:
    """``F`` per copy of its kind's no-signalling structure (:mod:`steerdsl.model.nosignalling`; BWI: copy y,
    instrumental: copy y = a) in Collins–Gisin form, ``F^y_w = Σ_{keys of copy y} ± F_key``, Hermitian and exact;
    the flag says whether numeric operators had to be rounded to Gaussian rationals."""
    sc = functional.scenario
    ns = structure(sc)
    d = ns.base.dim
    rounded = not functional.exact
    out: tuple[dict[Word, np.ndarray], ...] = tuple({} for _ in ns.copies)
    for key, op in functional.terms.items():
        f = exact_matrix(numeric_matrix(op)) if rounded else xl.exact_array(np.atleast_2d(op))
        for full in _expansions(sc, key):
            for loc in ns.locate(sc, full):
                for sign, w in cg_expansion(ns.base, loc.key):
                    out[loc.copy][w] = out[loc.copy].get(w, xl.zeros(d, d)) + (f if sign > 0 else -f)
    return tuple({w: hermitian(f) for w, f in per_copy.items()} for per_copy in out), rounded


def hierarchy_subject(functional: Functional) -> str:
    """The sha256 a hierarchy certificate about ``functional`` names
    (:func:`steerdsl.exact.hierarchy_certificate.subject_digest` of its per-copy Collins–Gisin content)."""
    terms, _ = cg_copy_functional(functional)
    base = structure(functional.scenario).base
    return subject_digest(functional.scenario.kind, _outputs(base), base.dim, terms, cg_constant(functional))


def _repaired(zs: list[np.ndarray], terms, words: list[Word], d: int, s: int) -> Cyclo:
    """Step 2 of the module docstring, in place on the exact ``zs``; returns ``λ = s Σ_y μ^y_∅``."""
    positions = classes(words)
    mus = []
    for y, z in enumerate(zs):
        sums = class_sums(z, positions, d)
        mus.append({c: xl.trace(sums[c] + _signed(terms[y], c, d, s)) * Cyclo(Fraction(1, d)) for c in positions})
    share = Cyclo(Fraction(1, len(zs)))
    for y, z in enumerate(zs):
        wanted = {}
        for c in positions:
            mu = mus[y][c] if c == EMPTY else mus[y][c] - sum((m[c] for m in mus), Cyclo(0)) * share
            wanted[c] = xl.identity(d) * mu - _signed(terms[y], c, d, s)
        _repair(z, positions, wanted, d)
    return sum((m[EMPTY] for m in mus), Cyclo(0)) * Cyclo(s)


def _signed(per_copy: dict[Word, np.ndarray], c: Word, d: int, s: int) -> np.ndarray:
    """``s·F^y_c`` (zero off the data words and where F has no term)."""
    f = per_copy.get(c) if is_data_word(c) else None
    if f is None:
        return xl.zeros(d, d)
    return f if s > 0 else -f


def certify_hierarchy_bound(functional: Functional, sense: str, result: SDPResult) -> SDPResult:
    """An exact certificate of a bound ``result`` of :func:`steerdsl.sdp.bwi_hierarchy.hierarchy_bound`:
    ``β_F ≤ λ`` (``max``) or ``≥ λ`` (``min``) on the whole BWI (instrumental) hierarchy level, so on every
    quantum assemblage of any internal dimension; ``λ`` is a rational a little beyond the solver's value
    (``details["certified_bound"]``, constant included).  A numeric functional is rounded first (noted)."""
    start = time.perf_counter()
    d = result.details
    if "dual_matrices" not in d or result.value is None:
        d["certificate_note"] = "the solver returned no dual"
        return result
    if not d.get("rows_hold_data", False):
        d["certificate_note"] = "certificates need every data word among the rows (e.g. level 2 with two Alices)"
        return result
    sc = functional.scenario
    base = structure(sc).base
    terms, rounded = cg_copy_functional(functional)
    words, dim, s = d["words"], base.dim, (1 if sense == "max" else -1)
    zs = [exact_matrix(hermitian(np.asarray(z, dtype=complex))) for z in d["dual_matrices"]]
    start_bound = _repaired(zs, terms, words, dim, s)
    shift, weight = _shift_matrix(words, dim)
    delta = max(_psd_shift(z, shift) for z in zs)
    cert, reasons = None, []
    for _ in range(SHIFT_ATTEMPTS):
        bound = start_bound + Cyclo(delta * weight * len(zs) * s)
        candidate = HierarchyCertificate(sc.kind, _outputs(base), dim, str(d.get("level", "1")), sense, terms, bound,
                                         tuple(z + shift * Cyclo(delta) for z in zs), cg_constant(functional),
                                         functional.name)
        check = verify(candidate)
        if check.verified:
            cert = candidate
            break
        reasons = check.reasons
        delta *= 16
    return describe_bound(result, cert, reasons, time.perf_counter() - start, rounded)

"""Certificates as files: write them, read them back strictly, and verify them whatever their kind.

One entry point for every certificate format (:mod:`steerdsl.exact.moment_certificate` for the moment
hierarchy of one Bob, :mod:`steerdsl.exact.hierarchy_certificate` for the Bob-with-input and instrumental
hierarchy): a file is read within the limits of :mod:`steerdsl.exact.certificate_reader`, dispatched on its
``format`` field, parsed strictly and re-checked in exact arithmetic; the claim, subject digest and checks it
states must equal their recomputation (physics.md §7: a certificate proves only what its verifier
recomputes from its content).
"""

from __future__ import annotations

import json
from pathlib import Path

from steerdsl.exact import hierarchy_certificate
from steerdsl.exact.certificate_reader import CertificateFormatError, parse, read_json
from steerdsl.exact.moment_certificate import (
    CertificateCheck,
    MomentCertificate,
    declared_mismatches,
    to_json,
    verify,
)


def from_json(data: object) -> MomentCertificate:
    """Read :func:`to_json`'s output strictly (:func:`steerdsl.exact.certificate_reader.parse`):
    ``CertificateFormatError`` (a ``ValueError``) on anything else, including a claim, rows or digest
    that differ from the ones recomputed from the content."""
    cert, stated = parse(data)
    mismatch = declared_mismatches(cert, stated)
    if mismatch:
        raise CertificateFormatError("E221", "; ".join(mismatch))
    return cert


def save_certificate(cert: MomentCertificate, path: str | Path) -> Path:
    """Write ``cert`` (or a :class:`~steerdsl.exact.hierarchy_certificate.HierarchyCertificate`) as JSON to
    ``path``."""
    path = Path(path)
    data = hierarchy_certificate.to_json(cert) if isinstance(cert, hierarchy_certificate.HierarchyCertificate) \
        else to_json(cert)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def verify_certificate(source: str | Path | dict | MomentCertificate) -> CertificateCheck:
    """Re-check a certificate (a :class:`MomentCertificate`, its JSON dict, or a JSON file; or the same of a
    BWI / instrumental :class:`~steerdsl.exact.hierarchy_certificate.HierarchyCertificate`) in exact
    arithmetic.  A file is read within the limits of :mod:`steerdsl.exact.certificate_reader` (a regular
    file, size, depth, digits, side of Z); anything that cannot be read as a certificate gives
    ``verified = False`` with the reason and its code (E220, or E230 for a limit)."""
    if isinstance(source, MomentCertificate):
        return verify(source)
    if isinstance(source, hierarchy_certificate.HierarchyCertificate):
        return hierarchy_certificate.verify(source)
    read, check_content, mismatches = parse, verify, declared_mismatches
    try:
        data = source if isinstance(source, dict) else read_json(source)
        if isinstance(data, dict) and data.get("format") == hierarchy_certificate.FORMAT:
            read = hierarchy_certificate.parse
            check_content, mismatches = hierarchy_certificate.verify, hierarchy_certificate.declared_mismatches
        cert, stated = read(data)
    except CertificateFormatError as exc:
        return CertificateCheck(False, [f"not a readable certificate: {exc}"], code=exc.code)
    try:
        check = check_content(cert)
    except (ValueError, TypeError, IndexError, ZeroDivisionError) as exc:  # defensive: parse checked shapes
        return CertificateCheck(False, [f"not a readable certificate: malformed blocks ({exc})"], code="E220")
    mismatch = mismatches(cert, stated)
    if mismatch:
        check.verified, check.code = False, "E221"
        check.reasons = [*check.reasons, *mismatch]
    return check

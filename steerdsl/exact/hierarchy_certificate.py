"""Exact certificates of bounds over the BWI and instrumental hierarchies (physics.md §4.3, §7).

Level ``level`` of the hierarchy (Sainz, Hoban, Skrzypczyk, Aolita, PRL 125, 050404 (2020); physics.md §4.3)
holds the families ``(Γ^y)_y`` of ``copies`` moment matrices over the Alices' words of ``level`` (d×d blocks,
``Γ^y(u, v)`` depending only on the reduced word ``u†v``, zero when it reduces to 0) with ``Γ^y ⪰ 0``, every
class's trace shared, ``tr Γ^y_c = g_c`` for all ``y``, and ``g_∅ = 1``.  Every quantum BWI assemblage
``σ_{a|xy} = E_y(tr_A[(M_{a|x} ⊗ I)ρ])`` gives one (``Γ^y = E_y`` applied to the moment matrix, E_y trace
preserving), for any dimension of Bob's internal system; the instrumental one is its copy ``y = a``.

A functional has Collins–Gisin blocks ``F^y_w`` per copy (BWI: the terms ``F_{a|x y}`` go to copy y;
instrumental: ``F_{a|x}`` to copy ``a``), ``β_F(Γ) = Σ_y Σ_w tr(F^y_w Γ^y_w)``.  With ``s = +1`` (``max``) or
``−1`` (``min``) and ``A^y_c = Σ_{(i, j): u_i†u_j = c} Z_y(j, i)`` (:func:`~steerdsl.exact.moment_certificate.
class_sums`), a certificate is exact Hermitian ``Z_y ⪰ 0`` with

    A^y_c + s F^y_c = μ^y_c I  (F^y_c = 0 off the data words),   Σ_y μ^y_c = 0 (c ≠ ∅),   Σ_y μ^y_∅ = s λ,

because then ``0 ≤ Σ_y tr(Z_y Γ^y) = Σ_y Σ_c [2Re] tr(A^y_c Γ^y_c) = −s β_F(Γ) + Σ_c [2Re] (Σ_y μ^y_c) g_c
= −s β_F(Γ) + s λ``: ``β_F ≤ λ`` (max) or ``β_F ≥ λ`` (min) on the whole level, hence on every quantum
assemblage; with the constant, the bound of ``F + c`` is ``λ + c``.

:func:`verify` re-derives the rows and classes from the scenario and the level, reads every ``μ^y_c`` off
``Z_y`` and checks everything in exact arithmetic (exact LDL† for each ``Z_y ⪰ 0``); the file's claim,
rows and subject sha256 must equal their recomputation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction
from math import prod

import numpy as np

from steerdsl.exact import certificate_reader as reader
from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.moment_certificate import (
    CertificateCheck,
    _shown,
    class_sums,
    classes,
    number_to_json,
    stated_mismatches,
)
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.npa_words import EMPTY, Word, is_data_word, level_words, word_count

FORMAT = "steerdsl-hierarchy-certificate/1"
CHECKS = ("Each Z[y] (rows × dim square, one per copy y) is Hermitian and positive semidefinite; for every copy y and "
          "every ordered pair of rows (i, j) with reduced word c = rows[i]† rows[j] taken as class min(c, c†) when c "
          "is that representative, A[y]_c = Σ Z[y](j, i) (dim × dim blocks) plus s·F[y]_c (s = 1 for max, −1 for "
          "min; F[y]_c = 0 off the data words) equals μ[y]_c·I, with Σ_y μ[y]_c = 0 for c ≠ ∅ and Σ_y μ[y]_∅ = "
          "s·bound. The rows, the claim and the subject's sha256 are recomputed from the scenario, level, functional, "
          "constant and bound, and must equal the file's.")
"""What a reader re-checks (written into every file)."""

KINDS = ("bwi", "instrumental")
MAX_COPIES = 16
"""Most copies (Bob inputs) a certificate may have."""


@dataclass
class HierarchyCertificate:
    """``β_F ≤ λ`` (``sense`` max; ``≥`` for min) over level ``level`` of the BWI (``kind`` bwi) or instrumental
    hierarchy with ``len(Z)`` copies, witnessed by one ``Z[y]`` per copy.

    ``outputs[j][x]``: outcomes of Alice slot j's input x; ``functional[y]``: copy y's exact d×d Collins–Gisin
    blocks keyed by data word; ``constant``: F's constant; ``subject``: the functional's label (a name only: the
    content is identified by :func:`certificate_digest`)."""

    kind: str
    outputs: tuple[tuple[int, ...], ...]
    dim: int
    level: str
    sense: str
    functional: tuple[dict[Word, np.ndarray], ...]
    bound: Cyclo
    Z: tuple[np.ndarray, ...]
    constant: Cyclo = field(default_factory=Cyclo)
    subject: str = ""

    @property
    def copies(self) -> int:
        """The number of copies y (Bob's inputs; instrumental: Alice's outcomes)."""
        return len(self.Z)

    @property
    def base(self) -> Scenario:
        """The Alices' scenario with one Bob without input (the words' scenario)."""
        return Scenario(tuple(Alice(f"A{j + 1}", len(o), tuple(o)) for j, o in enumerate(self.outputs)),
                        (Bob("B", self.dim),))

    @property
    def claim(self) -> str:
        """What the certificate proves, in words, computed from its content (:func:`statement`)."""
        return statement(self)

    @property
    def assemblage(self) -> None:
        """None: a hierarchy certificate proves a bound, not an exclusion."""
        return None


def set_name(kind: str, level: str, copies: int) -> str:
    """``the BWI hierarchy level 2 (2 copies y)`` (physics.md §4.3)."""
    name = "BWI" if kind == "bwi" else "instrumental"
    return f"the {name} hierarchy level {level} ({copies} copies y, Bob of any dimension)"


def statement(cert: HierarchyCertificate) -> str:
    """The claim in words, recomputed from the content: ``max of F over the BWI hierarchy level 2 (…) ≤ …``."""
    rel = "≤" if cert.sense == "max" else "≥"
    return (f"{cert.sense} of {cert.subject or 'F'} over {set_name(cert.kind, cert.level, cert.copies)} {rel} "
            f"{_shown(cert.bound + cert.constant)}")


def _matrix_json(m: np.ndarray) -> list:
    return [[number_to_json(v) for v in row] for row in m]


def subject_digest(kind: str, outputs, dim: int, functional: tuple[dict[Word, np.ndarray], ...],
                   constant: Cyclo) -> str:
    """The sha256 of a functional's canonical content: the scenario kind, the Alices' outputs, Bob's dimension,
    the number of copies, every non-zero block (copy, word, exact matrix) sorted, and the constant."""
    blocks = [[y, [list(letter) for letter in w], _matrix_json(m)]
              for y, per_copy in enumerate(functional) for w, m in sorted(per_copy.items())
              if not xl.is_zero_matrix(m)]
    payload = {"kind": "functional", "scenario_kind": kind, "outputs": [list(o) for o in outputs], "dim": int(dim),
               "copies": len(functional), "blocks": blocks, "constant": number_to_json(constant)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def certificate_digest(cert: HierarchyCertificate) -> str:
    """:func:`subject_digest` of the certificate's functional."""
    return subject_digest(cert.kind, cert.outputs, cert.dim, cert.functional, cert.constant)


def _word_text(y: int, w: Word) -> str:
    return f"σ[y={y}; " + " ".join(f"A{j + 1}:{a}|{x}" for j, x, a in w) + "]" if w else f"σ[y={y}; ∅]"


def subject_expression(cert: HierarchyCertificate) -> str:
    """The functional exactly, per copy in Collins–Gisin form: ``F(σ) = c + Σ_y Σ_w tr(F^y_w σ^y_w)``."""
    terms = [] if cert.constant.is_zero else [str(cert.constant)]
    for y, per_copy in enumerate(cert.functional):
        for w, m in sorted(per_copy.items()):
            if xl.is_zero_matrix(m):
                continue
            text = str(m[0, 0]) if m.shape == (1, 1) else \
                "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in m) + "]"
            terms.append(f"tr({text}·{_word_text(y, w)})")
    return "F(σ) = " + (" + ".join(terms) if terms else "0").replace(" + -", " − ")


def required_multipliers(cert: HierarchyCertificate, words: list[Word]) -> tuple[list[dict], list[str]]:
    """``μ^y_c`` read off each ``Z_y`` (``tr(A^y_c + sF^y_c)/d``) and the reasons the class equations fail:
    ``A^y_c + sF^y_c`` not a multiple of I, or ``Σ_y μ^y_c`` not ``0`` (c ≠ ∅) / ``sλ`` (c = ∅)."""
    d, s = cert.dim, (1 if cert.sense == "max" else -1)
    positions = classes(words)
    reasons: list[str] = []
    mus: list[dict] = []
    off_scalar = []
    for y, z in enumerate(cert.Z):
        sums = class_sums(z, positions, d)
        mu = {}
        for c in positions:
            r = sums[c]
            f = cert.functional[y].get(c) if is_data_word(c) else None
            if f is not None:
                r = r + (f if s > 0 else -f)
            mu[c] = xl.trace(r) * Cyclo(Fraction(1, d))
            if not xl.is_zero_matrix(r - xl.identity(d) * mu[c]):
                off_scalar.append((y, c))
        mus.append(mu)
    if off_scalar:
        reasons.append(f"{len(off_scalar)} class(es) (copy, word) have A + sF not a multiple of I, e.g. "
                       f"{off_scalar[0]}")
    wrong = []
    for c in positions:
        total = sum((mu[c] for mu in mus), Cyclo(0))
        wanted = cert.bound * Cyclo(s) if c == EMPTY else Cyclo(0)
        if not (total - wanted).is_zero:
            wrong.append(c)
    if wrong:
        reasons.append(f"{len(wrong)} class(es) have Σ_y μ_c ≠ {'s·bound' if wrong[0] == EMPTY else 0}, e.g. word "
                       f"{wrong[0]}")
    return mus, reasons


def instrumental_shape(cert: HierarchyCertificate) -> str | None:
    """Why the content is not an instrumental functional's (None when it is): one Alice, one copy per outcome
    (the same number for every input), and ``F_{a|x}`` in copy ``a`` — in Collins–Gisin form copy ``y < k − 1``
    holds only the words ``(A1: y|x)``, the last copy ``∅`` and ``(A1: a|x)``."""
    if len(cert.outputs) != 1 or set(cert.outputs[0]) != {cert.copies}:
        return (f"an instrumental certificate has one Alice and one copy per outcome (outputs "
                f"{[list(o) for o in cert.outputs]}, {cert.copies} copies)")
    for y, per_copy in enumerate(cert.functional[:-1]):
        stray = [w for w, m in per_copy.items() if not xl.is_zero_matrix(m) and (len(w) != 1 or w[0][2] != y)]
        if stray:
            return f"copy y = {y} of an instrumental functional holds terms off the outcome a = {y}: {stray[:3]}"
    return None


def verify(cert: HierarchyCertificate) -> CertificateCheck:
    """Check a certificate in exact arithmetic (module docstring); every failed condition is a reason."""
    d = cert.dim
    if cert.sense not in ("max", "min"):
        return CertificateCheck(False, [f"unknown sense {cert.sense!r}"], code="E221")
    if cert.kind not in KINDS:
        return CertificateCheck(False, [f"unknown scenario kind {cert.kind!r}"], code="E221")
    if not cert.outputs or not 1 <= cert.copies <= MAX_COPIES or len(cert.functional) != cert.copies:
        return CertificateCheck(False, ["a certificate needs an Alice and one functional and one Z per copy "
                                        f"(1…{MAX_COPIES} copies)"], code="E221")
    if cert.kind == "instrumental":
        shape = instrumental_shape(cert)
        if shape:
            return CertificateCheck(False, [shape], code="E221")
    try:
        words = level_words(cert.base, cert.level)
    except ValueError as exc:
        return CertificateCheck(False, [str(exc)], code="E221")
    n = len(words) * d
    reasons: list[str] = []
    if not (cert.bound.is_real and cert.constant.is_real):
        reasons.append("the bound and the constant must be real numbers")
    for y, z in enumerate(cert.Z):
        if z.shape != (n, n) or not xl.is_exact(z):
            return CertificateCheck(False, [f"Z[{y}] must be an exact {n}×{n} matrix for level {cert.level}"],
                                    code="E221")
        if xl.hermitian_violation(z) is not None:
            return CertificateCheck(False, [f"Z[{y}] is not Hermitian at entry {xl.hermitian_violation(z)}"],
                                    code="E221")
    positions = classes(words)
    for y, per_copy in enumerate(cert.functional):
        bad = [w for w, m in per_copy.items() if m.shape != (d, d) or xl.hermitian_violation(m) is not None]
        if bad:
            return CertificateCheck(False, [*reasons, f"the functional blocks of copy {y}, words {bad[:3]}, are not "
                                             f"Hermitian {d}×{d} matrices"], code="E221")
        outside = [w for w in per_copy if w not in positions or not is_data_word(w)]
        if outside:
            reasons.append(f"functional terms of copy {y} on words outside the level: {outside[:3]}")
    if not reasons:
        reasons += required_multipliers(cert, words)[1]
    for y, z in enumerate(cert.Z):
        semidefinite = xl.psd(z)
        if not semidefinite.decided:
            reasons.append(f"Z[{y}] is not positive semidefinite: v†Zv = {semidefinite.value} < 0 (exact)")
    checked = (f"scenario: {cert.kind}, {len(cert.outputs)} Alice(s) with outcomes {[list(o) for o in cert.outputs]} "
               f"per input, Bob's dimension {d}, {cert.copies} copies; {len(words)} rows of level {cert.level} and "
               f"{len(positions)} moment classes recomputed; every Z[y] ({n}×{n}) ⪰ 0 by exact LDL†; every class "
               "equation and every sum of multipliers holds exactly")
    return CertificateCheck(not reasons, reasons, cert.bound + cert.constant, None, statement(cert),
                            subject_expression(cert), certificate_digest(cert), "functional", cert.subject,
                            None if not reasons else "E221", checked)


# ---------------------------------------------------------------- JSON
def _blocks_json(functional: tuple[dict[Word, np.ndarray], ...]) -> list:
    return [{"copy": y, "word": [list(letter) for letter in w], "matrix": _matrix_json(m)}
            for y, per_copy in enumerate(functional) for w, m in per_copy.items()]


def to_json(cert: HierarchyCertificate) -> dict:
    """A JSON-ready dict (the ``claim``, ``rows`` and ``subject.sha256`` are recomputed by the reader)."""
    return {"format": FORMAT, "claim": cert.claim,
            "subject": {"kind": "functional", "label": cert.subject, "sha256": certificate_digest(cert)},
            "scenario": {"kind": cert.kind, "outputs": [list(o) for o in cert.outputs], "dim": cert.dim,
                         "copies": cert.copies},
            "level": cert.level, "sense": cert.sense, "bound": number_to_json(cert.bound),
            "constant": number_to_json(cert.constant), "functional": _blocks_json(cert.functional),
            "rows": [[list(letter) for letter in w] for w in level_words(cert.base, cert.level)],
            "checks": CHECKS, "Z": [_matrix_json(z) for z in cert.Z]}


TOP_FIELDS = ("format", "claim", "subject", "scenario", "level", "sense", "bound", "constant", "functional", "rows",
              "checks", "Z")


def parse(data: dict) -> tuple[HierarchyCertificate, dict]:
    """A :class:`HierarchyCertificate` from a decoded JSON value, within the reader's limits
    (:mod:`steerdsl.exact.certificate_reader`: sizes are checked before anything large is built), and what the
    file states (``claim``, ``sha256``, ``checks``)."""
    reader._fields(data, TOP_FIELDS, "the certificate")
    subject = reader._fields(data["subject"], ("kind", "label", "sha256"), "subject")
    if subject["kind"] != "functional":
        reader._fail("a hierarchy certificate is about a functional")
    label = reader._typed(subject["label"], str, "subject label")
    if len(label) > reader.MAX_LABEL or not label.isprintable():
        reader._fail("the subject label is too long or holds non-printable characters")
    sc = reader._fields(data["scenario"], ("kind", "outputs", "dim", "copies"), "scenario")
    kind = reader._typed(sc["kind"], str, "scenario kind")
    if kind not in KINDS:
        reader._fail(f"scenario kind must be one of {KINDS}, not {kind[:40]!r}")
    slots = reader._list(sc["outputs"], None, "scenario outputs", most=reader.MAX_SLOTS)
    if not slots:
        reader._fail("the scenario has no Alice")
    most = reader.MAX_LABELS
    outputs = tuple(tuple(reader._int(k, 1, most, f"outputs of slot {j}") for k in
                          reader._list(o, None, f"outputs of slot {j}", most=most)) for j, o in enumerate(slots))
    if any(not o for o in outputs):
        reader._fail("every Alice needs at least one input")
    dim = reader._int(sc["dim"], 1, reader.MAX_LABELS, "Bob's dimension")
    copies = reader._int(sc["copies"], 1, MAX_COPIES, "copies")
    level = reader._typed(data["level"], str, "level")
    if not reader._LEVEL.fullmatch(level):
        reader._fail(f"cannot read the level {level[:40]!r}")
    sense = reader._typed(data["sense"], str, "sense")
    if sense not in ("max", "min"):
        reader._fail(f"sense must be 'max' or 'min', not {sense[:20]!r}")
    probe = HierarchyCertificate(kind, outputs, dim, level, sense, (), Cyclo(0), ())
    try:
        side = word_count(probe.base, level) * dim
    except ValueError as exc:
        reader._fail(str(exc))
    if side > reader.MAX_SIDE or copies * side ** 4 > 4 * reader.MAX_SIDE ** 4:
        reader._fail(f"{copies} matrices Z of side {side:,} are beyond what this verifier checks", "E230")
    zs = tuple(reader._matrix(z, side, f"Z[{y}]") for y, z in enumerate(reader._list(data["Z"], copies, "Z")))
    rows = [reader._word(w, outputs, f"row {i}") for i, w in enumerate(reader._list(data["rows"], side // dim, "rows"))]
    if rows != level_words(probe.base, level):
        reader._fail(f"the rows listed are not the words of level {level}", "E221")
    data_count = prod(1 + sum(k - 1 for k in o) for o in outputs)
    functional: tuple[dict[Word, np.ndarray], ...] = tuple({} for _ in range(copies))
    for k, item in enumerate(reader._list(data["functional"], None, "functional", most=copies * data_count)):
        item = reader._fields(item, ("copy", "word", "matrix"), f"functional item {k}")
        y = reader._int(item["copy"], 0, copies - 1, f"functional item {k}: copy")
        w = reader._word(item["word"], outputs, f"functional item {k}: word")
        if not is_data_word(w):
            reader._fail(f"functional item {k}: {[list(letter) for letter in w]} has two letters of one party")
        if w in functional[y]:
            reader._fail(f"functional lists copy {y}'s word {[list(letter) for letter in w]} twice")
        functional[y][w] = reader._matrix(item["matrix"], dim, f"functional item {k}: matrix")
    cert = HierarchyCertificate(kind, outputs, dim, level, sense, functional, reader.number(data["bound"], "bound"), zs,
                                reader.number(data["constant"], "constant"), label)
    stated = {"claim": reader._typed(data["claim"], str, "claim"),
              "sha256": reader._typed(subject["sha256"], str, "sha256"),
              "checks": reader._typed(data["checks"], str, "checks")}
    return cert, stated


def declared_mismatches(cert: HierarchyCertificate, stated: dict) -> list[str]:
    """The fields a file states about its content (``claim``, ``subject.sha256``, ``checks``) that differ from
    their recomputation, each as a reason."""
    return stated_mismatches(stated, statement(cert), certificate_digest(cert), CHECKS)

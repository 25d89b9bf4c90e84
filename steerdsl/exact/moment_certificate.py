"""Exact certificates for moment-matrix relaxations: bounds of functionals, and exclusions.

A relaxation of ``level`` (physics.md §4) holds the (unnormalised) assemblages τ with a moment matrix
``Γ ⪰ 0`` over the level's words ``u`` whose block ``Γ(u, v)`` depends only on the reduced word
``w = u†v`` (zero when it reduces to 0) and equals ``τ_w`` on data words.  For any Hermitian ``Z``

    tr(ZΓ) = Σ_c 2Re tr(A_c Γ_c) (adjoint pairs) or Σ_c tr(A_c Γ_c) (self-adjoint c),
    A_c = Σ_{ordered (i, j) with u_i†u_j = c} Z(j, i),

so a certificate of ``β_F(τ) ≤ λ·tr τ_∅`` on the whole cone (``sense = max``; for ``min`` the same
with ``−F``, ``−λ``) is an exact Hermitian ``Z ⪰ 0`` with

    A_c = 0 for every non-data class c,   A_w = −F_w (data word w ≠ ∅),   A_∅ = λI − F_∅,

because then ``0 ≤ tr(ZΓ) = λ tr τ_∅ − β_F(τ)`` (``F`` in Collins–Gisin form, constant excluded).
An *exclusion* certificate adds the assemblage σ and checks ``β_F(σ) > λ tr σ_∅`` exactly: σ has no
such Γ, so it is outside the relaxation, hence post-quantum (Navascués, Pironio, Acín, NJP 10,
073013 (2008); the rounding-and-repair idea: Peyrl & Parrilo, Theor. Comput. Sci. 409, 269 (2008)).

:func:`verify` re-derives the word classes from the scenario and the level and checks everything
in exact arithmetic (cyclotomic numbers, exact LDL† for ``Z ⪰ 0``); nothing the producer computed
is trusted.  :func:`to_json` (read back by :func:`steerdsl.exact.certificate_files.from_json`) writes
exact numbers as strings (``"p/q"``), or, for irrationals such as ``√2``, as coordinates ``x = Σ_k c_k exp(2πik/n)``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.npa_words import EMPTY, Word, adjoint, is_data_word, level_words, product

FORMAT = "steerdsl-moment-certificate/2"
CHECKS = ("Z (rows × dim square, Hermitian) is positive semidefinite; for every ordered pair of rows (i, j) with "
          "reduced word c = rows[i]† rows[j] (projectors: PP = P, P_a P_a' = 0 for one input, parties commute) "
          "taken as class min(c, c†) when c is that representative, A_c = Σ Z(j, i) (dim × dim blocks) is 0 for "
          "words with two letters of one party, −F_c for data words c ≠ ∅ and bound·I − F_∅ for ∅ (sense max; "
          "times −1 for min); with an assemblage, Σ_c tr(F_c σ_c) > bound·tr σ_∅ (< for min). The rows, the "
          "claim and the subject's sha256 are recomputed from the scenario, level, functional, constant, bound "
          "and assemblage, and must equal the file's.")
"""What a reader re-checks (written into every file)."""

AQ_LEVELS = ("1+AB", "almost_quantum", "aq")
"""Names of the almost-quantum level (:func:`steerdsl.sdp.npa_words.level_words`)."""


@dataclass
class MomentCertificate:
    """``β_F ≤ λ`` (``sense`` max; ``≥`` for min) over the relaxation of ``level``, witnessed by ``Z``;
    with ``assemblage`` (σ's Collins–Gisin blocks) the exclusion ``β_F(σ) > λ tr σ_∅`` instead.

    ``outputs[j][x]``: outcomes of slot j's input x; ``functional``/``assemblage``: exact d×d blocks
    keyed by data word; ``constant``: F's constant (the bound of ``F + constant`` is ``λ + constant``);
    ``subject``: the label of the functional (bounds) or of the assemblage (exclusions), a name only —
    what the certificate is about is the content, identified by :func:`subject_digest`."""

    outputs: tuple[tuple[int, ...], ...]
    dim: int
    level: str
    sense: str
    functional: dict[Word, np.ndarray]
    bound: Cyclo
    Z: np.ndarray
    constant: Cyclo = field(default_factory=Cyclo)
    assemblage: dict[Word, np.ndarray] | None = None
    subject: str = ""

    @property
    def scenario(self) -> Scenario:
        return Scenario(tuple(Alice(f"A{j + 1}", len(o), tuple(o)) for j, o in enumerate(self.outputs)),
                        (Bob("B", self.dim),))

    @property
    def kind(self) -> str:
        """``functional`` (a bound on it) or ``assemblage`` (its exclusion)."""
        return "functional" if self.assemblage is None else "assemblage"

    @property
    def claim(self) -> str:
        """What the certificate proves, in words, computed from its content (:func:`statement`)."""
        return statement(self)


# ---------------------------------------------------------------- what a certificate is about
def _word_text(w: Word) -> str:
    return "σ[" + " ".join(f"A{j + 1}:{a}|{x}" for j, x, a in w) + "]" if w else "σ[∅]"


def _number_text(x: Cyclo) -> str:
    return str(x)


def _block_text(m: np.ndarray) -> str:
    if m.shape == (1, 1):
        return _number_text(m[0, 0])
    return "[" + ", ".join("[" + ", ".join(_number_text(v) for v in row) + "]" for row in m) + "]"


def subject_blocks(cert: MomentCertificate) -> dict[Word, np.ndarray]:
    """The blocks of the subject: the assemblage of an exclusion, else the functional."""
    return cert.functional if cert.assemblage is None else cert.assemblage


def subject_expression(cert: MomentCertificate) -> str:
    """The subject exactly, in Collins–Gisin form: ``F(σ) = c + Σ_w tr(F_w σ_w)`` (1×1 blocks as
    numbers), or σ's blocks ``σ[w] = …``; zero blocks are left out."""
    blocks = [(w, m) for w, m in sorted(subject_blocks(cert).items()) if not xl.is_zero_matrix(m)]
    if cert.assemblage is not None:
        return "; ".join(f"{_word_text(w)} = {_block_text(m)}" for w, m in blocks) or "0"
    terms = [] if cert.constant.is_zero else [_number_text(cert.constant)]
    for w, m in blocks:
        term = f"{_block_text(m)}·{_word_text(w)}"
        terms.append(term if m.shape == (1, 1) else f"tr({term})")
    text = " + ".join(terms) if terms else "0"
    return "F(σ) = " + text.replace(" + -", " − ")


def subject_digest(kind: str, outputs, dim: int, blocks: dict[Word, np.ndarray], constant: Cyclo | None) -> str:
    """The sha256 of a subject's canonical content: kind, scenario (outputs, Bob's dimension), the
    non-zero blocks sorted by word with canonical exact numbers, and (functionals) the constant.
    Equal functionals in Collins–Gisin form (or equal assemblages) have equal digests."""
    payload = {"kind": kind, "outputs": [list(o) for o in outputs], "dim": int(dim),
               "blocks": [[[list(letter) for letter in w], _matrix_to_json(m)]
                          for w, m in sorted(blocks.items()) if not xl.is_zero_matrix(m)]}
    if constant is not None:
        payload["constant"] = number_to_json(constant)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def certificate_digest(cert: MomentCertificate) -> str:
    """:func:`subject_digest` of the certificate's subject."""
    return subject_digest(cert.kind, cert.outputs, cert.dim, subject_blocks(cert),
                          cert.constant if cert.assemblage is None else None)


def set_name(level: str) -> str:
    """``almost_quantum (level 1+AB)`` or ``the relaxation of level n``."""
    return "almost_quantum (level 1+AB)" if level.replace(" ", "") in AQ_LEVELS else f"the relaxation of level {level}"


def _shown(x: Cyclo) -> str:
    """``x`` rounded to 10 digits with its exact value, or just the exact value when it is short."""
    exact = str(x)
    if x.is_rational and len(exact) <= 12:
        return exact
    return f"{float(x.real):.10g}… (exact: {exact})"


def witness_value(cert: MomentCertificate) -> Cyclo:
    """``β_F(σ) = Σ_w tr(F_w σ_w)`` of an exclusion, exact (0 for words σ lacks)."""
    return sum((xl.trace(xl.matmul(f, cert.assemblage[w])) for w, f in cert.functional.items()
                if w in cert.assemblage), Cyclo(0))


def statement(cert: MomentCertificate) -> str:
    """The claim in words, recomputed from the content: ``max of chsh over almost_quantum (level 1+AB) ≤
    2.828427134… (exact: …)`` for a bound (of ``F + constant``, normalised assemblages), or for an
    exclusion ``sigma is not in …: its witness F has β_F(σ) = … > λ·tr σ_∅ = …``."""
    name = cert.subject or ("σ" if cert.assemblage is not None else "F")
    where = set_name(cert.level)
    if cert.assemblage is None:
        rel = "≤" if cert.sense == "max" else "≥"
        return f"{cert.sense} of {name} over {where} {rel} {_shown(cert.bound + cert.constant)}"
    strict, other = (">", "≥") if cert.sense == "max" else ("<", "≤")
    rho = cert.assemblage.get(EMPTY)
    scaled = cert.bound * (xl.trace(rho) if rho is not None else Cyclo(0))
    return (f"{name} is not in {where}: its witness F has β_F(σ) = {_shown(witness_value(cert))} {strict} "
            f"{_shown(scaled)} = λ·tr σ[∅] {other} β_F(τ) for every τ in the set with tr τ[∅] = tr σ[∅] "
            f"(λ = {_shown(cert.bound)})")


@dataclass
class CertificateCheck:
    """What :func:`verify` found: ``verified`` and, when not, every ``reasons`` it failed;
    ``value`` is ``β_F(σ)`` (exclusions) and ``bound`` the certified bound (of ``F + constant``), both
    exact; ``claim``, ``subject`` (the exact expression) and ``digest`` (its sha256) are recomputed from
    the content, so they say what a verified certificate proves; ``code`` is E220 (unreadable), E221
    (does not verify) or E230 (beyond the reader's limits) when it fails."""

    verified: bool
    reasons: list[str]
    bound: Cyclo | None = None
    value: Cyclo | None = None
    claim: str | None = None
    subject: str | None = None
    digest: str | None = None
    kind: str | None = None
    label: str | None = None
    code: str | None = None
    checked: str | None = None


def classes(words: list[Word]) -> dict[Word, list[tuple[int, int]]]:
    """For every class representative ``c = min(w, w†)``: the ordered positions ``(i, j)`` with
    ``u_i†u_j = c`` exactly (positions holding ``c†`` are their mirrors)."""
    out: dict[Word, list[tuple[int, int]]] = {}
    for i, u in enumerate(words):
        for j, v in enumerate(words):
            w = product(u, v)
            if w is not None and w == min(w, adjoint(w)):
                out.setdefault(w, []).append((i, j))
    return out


def block(z: np.ndarray, i: int, j: int, d: int) -> np.ndarray:
    """The d×d block ``Z(i, j)``."""
    return z[i * d:(i + 1) * d, j * d:(j + 1) * d]


def class_sums(z: np.ndarray, positions: dict[Word, list[tuple[int, int]]], d: int) -> dict[Word, np.ndarray]:
    """``A_c = Σ_{(i, j) ∈ positions[c]} Z(j, i)``."""
    out = {}
    for c, pos in positions.items():
        total = xl.zeros(d, d) if xl.is_exact(z) else np.zeros((d, d), dtype=complex)
        for i, j in pos:
            total = total + block(z, j, i, d)
        out[c] = total
    return out


def targets(cert: MomentCertificate, positions) -> dict[Word, np.ndarray]:
    """The required ``A_c`` of the module docstring (times −1 for ``min``)."""
    d = cert.dim
    out = {}
    for c in positions:
        if not is_data_word(c):
            out[c] = xl.zeros(d, d)
            continue
        f = cert.functional.get(c, xl.zeros(d, d))
        t = -f + (xl.identity(d) * cert.bound if c == EMPTY else xl.zeros(d, d))
        out[c] = t if cert.sense == "max" else -t
    return out


def verify(cert: MomentCertificate) -> CertificateCheck:
    """Check a certificate in exact arithmetic (module docstring); every failed condition is a reason.
    The classes are re-derived from the scenario and the level; the claim, the subject and its digest
    are recomputed from the content (a bound is that of ``F + constant``)."""
    d = cert.dim
    if cert.sense not in ("max", "min"):
        return CertificateCheck(False, [f"unknown sense {cert.sense!r}"], code="E221")
    if not cert.outputs:
        return CertificateCheck(False, ["the scenario has no Alice"], code="E221")
    try:
        words = level_words(cert.scenario, cert.level)
    except ValueError as exc:
        return CertificateCheck(False, [str(exc)], code="E221")
    n = len(words) * d
    z = cert.Z
    if z.shape != (n, n) or not xl.is_exact(z):
        return CertificateCheck(False, [f"Z must be an exact {n}×{n} matrix for level {cert.level}"], code="E221")
    if xl.hermitian_violation(z) is not None:
        return CertificateCheck(False, [f"Z is not Hermitian at entry {xl.hermitian_violation(z)}"], code="E221")
    reasons: list[str] = []
    if not (cert.bound.is_real and cert.constant.is_real):
        reasons.append("the bound and the constant must be real numbers")
    for what, blocks in (("functional", cert.functional), ("assemblage", cert.assemblage or {})):
        bad = [w for w, m in blocks.items() if m.shape != (d, d) or xl.hermitian_violation(m) is not None]
        if bad:
            return CertificateCheck(False, [*reasons, f"the {what} blocks of words {bad[:3]} are not Hermitian "
                                             f"{d}×{d} matrices"], code="E221")
    positions = classes(words)
    outside = [w for w in cert.functional if w not in positions or not is_data_word(w)]
    if outside:
        reasons.append(f"functional terms on words outside the level: {outside}")
    sums, wanted = class_sums(z, positions, d), targets(cert, positions)
    wrong = [c for c in positions if not xl.is_zero_matrix(sums[c] - wanted[c])]
    if wrong:
        reasons.append(f"{len(wrong)} moment class(es) violate the equality constraints, e.g. word {wrong[0]}")
    semidefinite = xl.psd(z)
    if not semidefinite.decided:
        reasons.append(f"Z is not positive semidefinite: v†Zv = {semidefinite.value} < 0 (exact)")
    value = None
    if cert.assemblage is not None:
        missing = [w for w in [*cert.functional, EMPTY] if w not in cert.assemblage]
        if missing:
            return CertificateCheck(False, [*reasons, f"the assemblage lacks the blocks {missing}"], code="E221")
        if not cert.constant.is_zero:
            reasons.append(f"an exclusion's witness has no constant term (the file gives {cert.constant})")
        value = witness_value(cert)
        gap = value - cert.bound * xl.trace(cert.assemblage[EMPTY])
        if not gap.is_real or gap.sign() * (1 if cert.sense == "max" else -1) <= 0:
            reasons.append(f"β_F(σ) = {value} does not exceed the bound {cert.bound} (times tr σ_∅)")
    checked = (f"scenario: {len(cert.outputs)} Alice(s) with outcomes {[list(o) for o in cert.outputs]} per input, "
               f"Bob's dimension {d}; {len(words)} rows of level {cert.level} and {len(positions)} moment classes "
               f"recomputed; Z ({n}×{n}) ⪰ 0 by exact LDL†; every class equation holds exactly")
    return CertificateCheck(not reasons, reasons, cert.bound + cert.constant, value, statement(cert),
                            subject_expression(cert), certificate_digest(cert), cert.kind, cert.subject,
                            None if not reasons else "E221", checked)


# ---------------------------------------------------------------- JSON
def number_to_json(x: Cyclo) -> str | dict:
    """``"p/q"`` for a rational; ``{"zeta": n, "coefficients": [c_0, …]}`` (``x = Σ c_k ζ_n^k``) otherwise."""
    if x.is_rational:
        return str(x.to_fraction())
    n = x.conductor
    return {"zeta": n, "coefficients": [str(Fraction(int(c.p), int(c.q))) for c in x.coordinates(n).coeffs()]}


def _matrix_to_json(m: np.ndarray) -> list:
    return [[number_to_json(v) for v in row] for row in m]


def _blocks_to_json(blocks: dict[Word, np.ndarray]) -> list:
    return [{"word": [list(letter) for letter in w], "matrix": _matrix_to_json(m)} for w, m in blocks.items()]


def to_json(cert: MomentCertificate) -> dict:
    """A JSON-ready dict; words are lists of letters ``[slot, input, outcome]`` (Collins–Gisin).  The
    ``claim``, ``rows`` and ``subject.sha256`` written are recomputed by the reader and must match."""
    out = {"format": FORMAT, "claim": cert.claim,
           "subject": {"kind": cert.kind, "label": cert.subject, "sha256": certificate_digest(cert)},
           "scenario": {"outputs": [list(o) for o in cert.outputs], "dim": cert.dim},
           "level": cert.level, "sense": cert.sense, "bound": number_to_json(cert.bound),
           "constant": number_to_json(cert.constant), "functional": _blocks_to_json(cert.functional),
           "rows": [[list(letter) for letter in w] for w in level_words(cert.scenario, cert.level)],
           "checks": CHECKS, "Z": _matrix_to_json(cert.Z)}
    if cert.assemblage is not None:
        out["assemblage"] = _blocks_to_json(cert.assemblage)
    return out


def declared_mismatches(cert: MomentCertificate, stated: dict) -> list[str]:
    """The fields a file states about its content (``claim``, ``subject.sha256``, ``checks``) that
    differ from their recomputation, each as a reason."""
    return stated_mismatches(stated, statement(cert), certificate_digest(cert), CHECKS)


def stated_mismatches(stated: dict, claim: str, digest: str, checks: str) -> list[str]:
    """The stated ``claim``, ``sha256`` and ``checks`` that differ from the recomputed ones, each as a reason."""
    out = []
    if stated["claim"] != claim:
        out.append(f"the file's claim {stated['claim']!r} is not what its content proves: {claim!r}")
    if stated["sha256"] != digest:
        out.append(f"the file's subject sha256 {stated['sha256']} is not that of its content ({digest})")
    if stated["checks"] != checks:
        out.append("the file's description of the checks differs from this verifier's")
    return out

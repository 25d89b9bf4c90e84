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
is trusted.  :func:`to_json` / :func:`from_json` write exact numbers as strings (``"p/q"``), or,
for irrationals such as ``√2``, as coordinates ``x = Σ_k c_k exp(2πik/n)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.npa_words import EMPTY, Word, adjoint, is_data_word, level_words, product

FORMAT = "steerdsl-moment-certificate/1"
CHECKS = ("Z (rows × dim square, Hermitian) is positive semidefinite; for every ordered pair of rows (i, j) with "
          "reduced word c = rows[i]† rows[j] (projectors: PP = P, P_a P_a' = 0 for one input, parties commute) "
          "taken as class min(c, c†) when c is that representative, A_c = Σ Z(j, i) (dim × dim blocks) is 0 for "
          "words with two letters of one party, −F_c for data words c ≠ ∅ and bound·I − F_∅ for ∅ (sense max; "
          "times −1 for min); with an assemblage, Σ_c tr(F_c σ_c) > bound·tr σ_∅ (< for min).")
"""What a reader re-checks (written into every file)."""


@dataclass
class MomentCertificate:
    """``β_F ≤ λ`` (``sense`` max; ``≥`` for min) over the relaxation of ``level``, witnessed by ``Z``;
    with ``assemblage`` (σ's Collins–Gisin blocks) also the exclusion ``β_F(σ) > λ tr σ_∅``.

    ``outputs[j][x]``: outcomes of slot j's input x; ``functional``/``assemblage``: exact d×d blocks
    keyed by data word; ``constant``: F's constant (reported bound is ``λ + constant``)."""

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
    def claim(self) -> str:
        rel = "≤" if self.sense == "max" else "≥"
        bound = self.bound + self.constant
        shown = str(bound) if bound.is_rational and len(str(bound)) < 12 else f"{bound} ≈ {float(bound):.10g}"
        if self.assemblage is not None:
            strict, other = (">", "≥") if self.sense == "max" else ("<", "≤")
            return f"{self.subject or 'σ'} is outside level {self.level}: its witness has β_F(σ) {strict} {shown} " \
                   f"{other} β_F(τ) for every τ on the level"
        return f"β_F {rel} {shown} on level {self.level}"


@dataclass
class CertificateCheck:
    """What :func:`verify` found: ``verified`` and, when not, every ``reasons`` it failed;
    ``value`` is ``β_F(σ)`` (exclusions) and ``bound`` the certified bound, both exact."""

    verified: bool
    reasons: list[str]
    bound: Cyclo | None = None
    value: Cyclo | None = None


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
    """Check a certificate in exact arithmetic (module docstring); every failed condition is a reason."""
    reasons: list[str] = []
    d = cert.dim
    if cert.sense not in ("max", "min"):
        return CertificateCheck(False, [f"unknown sense {cert.sense!r}"])
    try:
        words = level_words(cert.scenario, cert.level)
    except ValueError as exc:
        return CertificateCheck(False, [str(exc)])
    n = len(words) * d
    z = cert.Z
    if z.shape != (n, n) or not xl.is_exact(z):
        return CertificateCheck(False, [f"Z must be an exact {n}×{n} matrix for level {cert.level}"])
    if xl.hermitian_violation(z) is not None:
        return CertificateCheck(False, [f"Z is not Hermitian at entry {xl.hermitian_violation(z)}"])
    positions = classes(words)
    outside = [w for w in cert.functional if w not in positions]
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
        value = sum((xl.trace(xl.matmul(f, cert.assemblage[w])) for w, f in cert.functional.items()
                     if w in cert.assemblage), Cyclo(0))
        missing = [w for w in [*cert.functional, EMPTY] if w not in cert.assemblage]
        if missing:
            return CertificateCheck(False, [*reasons, f"the assemblage lacks the blocks {missing}"])
        gap = value - cert.bound * xl.trace(cert.assemblage[EMPTY])
        if not value.is_real or gap.sign() * (1 if cert.sense == "max" else -1) <= 0:
            reasons.append(f"β_F(σ) = {value} does not exceed the bound {cert.bound} (times tr σ_∅)")
        value = value + cert.constant
    return CertificateCheck(not reasons, reasons, cert.bound + cert.constant, value)


# ---------------------------------------------------------------- JSON
def number_to_json(x: Cyclo) -> str | dict:
    """``"p/q"`` for a rational; ``{"zeta": n, "coefficients": [c_0, …]}`` (``x = Σ c_k ζ_n^k``) otherwise."""
    if x.is_rational:
        return str(x.to_fraction())
    n = x.conductor
    return {"zeta": n, "coefficients": [str(Fraction(int(c.p), int(c.q))) for c in x.coordinates(n).coeffs()]}


def number_from_json(v: str | dict) -> Cyclo:
    """The inverse of :func:`number_to_json`."""
    if isinstance(v, str):
        return Cyclo(Fraction(v))
    n = int(v["zeta"])
    return sum((Cyclo(Fraction(c)) * Cyclo.zeta(k, n) for k, c in enumerate(v["coefficients"])), Cyclo(0))


def _matrix_to_json(m: np.ndarray) -> list:
    return [[number_to_json(v) for v in row] for row in m]


def _matrix_from_json(rows: list) -> np.ndarray:
    return xl.exact_array([[number_from_json(v) for v in row] for row in rows])


def _blocks_to_json(blocks: dict[Word, np.ndarray]) -> list:
    return [{"word": [list(letter) for letter in w], "matrix": _matrix_to_json(m)} for w, m in blocks.items()]


def _blocks_from_json(items: list) -> dict[Word, np.ndarray]:
    return {tuple(tuple(int(v) for v in letter) for letter in item["word"]): _matrix_from_json(item["matrix"])
            for item in items}


def to_json(cert: MomentCertificate) -> dict:
    """A JSON-ready dict; words are lists of letters ``[slot, input, outcome]`` (Collins–Gisin)."""
    out = {"format": FORMAT, "claim": cert.claim, "subject": cert.subject,
           "scenario": {"outputs": [list(o) for o in cert.outputs], "dim": cert.dim},
           "level": cert.level, "sense": cert.sense, "bound": number_to_json(cert.bound),
           "constant": number_to_json(cert.constant), "functional": _blocks_to_json(cert.functional),
           "rows": [[list(letter) for letter in w] for w in level_words(cert.scenario, cert.level)],
           "checks": CHECKS, "Z": _matrix_to_json(cert.Z)}
    if cert.assemblage is not None:
        out["assemblage"] = _blocks_to_json(cert.assemblage)
    return out


def from_json(data: dict) -> MomentCertificate:
    """Read :func:`to_json`'s output (``ValueError`` / ``KeyError`` on a malformed file)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file (format {data.get('format')!r})")
    sc = data["scenario"]
    cert = MomentCertificate(
        outputs=tuple(tuple(int(k) for k in o) for o in sc["outputs"]), dim=int(sc["dim"]), level=str(data["level"]),
        sense=str(data["sense"]), functional=_blocks_from_json(data["functional"]),
        bound=number_from_json(data["bound"]), Z=_matrix_from_json(data["Z"]),
        constant=number_from_json(data.get("constant", "0")),
        assemblage=_blocks_from_json(data["assemblage"]) if "assemblage" in data else None,
        subject=str(data.get("subject", "")))
    rows = [tuple(tuple(int(v) for v in letter) for letter in w) for w in data.get("rows", [])]
    if rows and rows != level_words(cert.scenario, cert.level):
        raise ValueError(f"the rows listed are not the words of level {cert.level}")
    return cert


def save_certificate(cert: MomentCertificate, path: str | Path) -> Path:
    """Write ``cert`` as JSON to ``path``."""
    path = Path(path)
    path.write_text(json.dumps(to_json(cert), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def verify_certificate(source: str | Path | dict | MomentCertificate) -> CertificateCheck:
    """Re-check a certificate (a :class:`MomentCertificate`, its JSON dict, or a JSON file) in exact
    arithmetic.  A file that cannot be read as a certificate gives ``verified = False`` with the reason."""
    if isinstance(source, MomentCertificate):
        return verify(source)
    try:
        data = source if isinstance(source, dict) else json.loads(Path(source).read_text(encoding="utf-8"))
        cert = from_json(data)
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
        return CertificateCheck(False, [f"not a readable certificate: {type(exc).__name__}: {exc}"])
    try:
        return verify(cert)
    except (ValueError, TypeError, IndexError) as exc:  # blocks of the wrong size, non-numbers
        return CertificateCheck(False, [f"not a readable certificate: malformed blocks ({exc})"])

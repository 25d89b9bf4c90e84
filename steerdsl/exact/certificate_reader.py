"""Reading certificate files strictly and within limits (physics.md §7).

A certificate is hostile input until checked: :func:`read_json` reads only a regular file (a FIFO,
a device such as /dev/zero, a directory is refused before anything is read; a FIFO is opened
without waiting for a writer), at most :data:`MAX_BYTES`, nesting at most :data:`MAX_DEPTH`
brackets (checked on the text before :mod:`json` recurses), with no JSON floats, NaN or Infinity
(exact numbers are strings) and integers of at most 18 digits.  :func:`parse` then accepts exactly
the fields :func:`~steerdsl.exact.moment_certificate.to_json` writes, of the right types, and sizes
are checked before anything large is built: the side of Z (the level's word count, counted without
listing the words, times Bob's dimension) at most :data:`MAX_SIDE`, every integer of a number at
most :data:`MAX_DIGITS` digits, cyclotomic coordinates in ``Q(ζ_n)`` with ``n ≤`` :data:`MAX_ZETA`.

The limits keep the exact check bounded: it is an LDL† of Z whose cost grows like side⁴ with
rational entries (measured on this machine: a dense random PSD Z of 40-bit rationals takes 0.1 s at
side 36, 1.6 s at 72, 35 s at 144; the bundled certificates have sides 9 (E11), 26 (E4 level 2)
and 36 (E5), with at most 13-digit integers).  Every refusal is a :class:`CertificateFormatError`
with code E220 (not a certificate) or E230 (beyond a limit).
"""

from __future__ import annotations

import json
import os
import re
import stat
from fractions import Fraction
from math import prod
from pathlib import Path

import numpy as np
from flint import fmpq, fmpq_poly

from steerdsl.exact import linalg as xl
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.moment_certificate import FORMAT, MomentCertificate
from steerdsl.limits import BUDGETS
from steerdsl.sdp.npa_words import Word, is_data_word, level_words, reduce_word, word_count
from steerdsl.syntax.source import read_capped

MAX_LABELS = BUDGETS["party_labels"].default  # the largest party a model may declare

MAX_BYTES = 16 * 2**20
"""Largest certificate file read (the E5 certificate, side 36, has 166 kB)."""

MAX_VALUES = 1_000_000
"""Most JSON values (numbers, strings, arrays …) in a file, counted before decoding (a side-128 Z of
cyclotomic entries needs ~10⁵)."""

MAX_DEPTH = 12
"""Deepest bracket nesting (a certificate needs 6)."""

MAX_DIGITS = 60
"""Longest integer in an exact number, numerator and denominator each (certificates use ≤ 20)."""

MAX_ZETA = 120
"""Largest ``n`` of cyclotomic coordinates ``Σ c_k ζ_n^k`` (certificates use 4, 8, 12, 24 …)."""

MAX_SIDE = 128
"""Largest side of Z, i.e. level words × Bob's dimension (an exact LDL† of side 144 takes ~35 s)."""

MAX_SLOTS = 16
"""Most Alice slots in a certificate's scenario."""

MAX_LABEL = 200
"""Longest subject label."""

TOP_FIELDS = ("format", "claim", "subject", "scenario", "level", "sense", "bound", "constant", "functional", "rows",
              "checks", "Z")
_NUMBER = re.compile(rf"-?\d{{1,{MAX_DIGITS}}}(?:/\d{{1,{MAX_DIGITS}}})?")
_LEVEL = re.compile(r"1\+AB|almost_quantum|aq|(?:\d{1,2}|[A-Z]{1,6})(?:\+(?:\d{1,2}|[A-Z]{1,6})){0,7}")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFDIR: "a directory", stat.S_IFSOCK: "a socket"}


class CertificateFormatError(ValueError):
    """A file that is not a certificate (``code`` E220), is beyond a limit (E230), or states a claim,
    rows or digest its content does not give (E221)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _fail(message: str, code: str = "E220"):
    raise CertificateFormatError(code, message)


# ---------------------------------------------------------------- the file
def read_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The content of a regular file of at most ``limit`` bytes (E220 / E230 otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        _fail(f"cannot open {str(path)!r}: {getattr(exc, 'strerror', None) or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            _fail(f"{str(path)!r} is {kind}: only regular files are read as certificates")
        if info.st_size > limit:
            _fail(f"the file has {info.st_size:,} bytes, more than the {limit:,} a certificate may have", "E230")
        data = read_capped(fd, limit)
    except OSError as exc:
        _fail(f"cannot read {str(path)!r}: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(data) > limit:
        _fail(f"the file grew beyond the {limit:,} bytes a certificate may have", "E230")
    return data


def shape_of(raw: bytes) -> tuple[int, int]:
    """The deepest ``[``/``{`` nesting of a JSON text and its number of values (commas and opening
    brackets), both outside strings, counted without recursion and without decoding."""
    strings = raw.count(b'"') // 2
    if strings > MAX_VALUES:  # before the strings are cut out: each cut costs memory
        return 0, strings
    bare = np.frombuffer(_STRING.sub(b'""', raw), dtype=np.uint8)
    opens = (bare == ord("[")) | (bare == ord("{"))
    steps = opens.astype(np.int32) - ((bare == ord("]")) | (bare == ord("}")))
    depth = int(np.cumsum(steps, dtype=np.int32).max(initial=0))
    return depth, int(np.count_nonzero(bare == ord(","))) + int(np.count_nonzero(opens))


def _no_float(text: str):
    raise ValueError(f"the number {text[:20]} is not exact: certificates write numbers as strings \"p/q\"")


def _small_int(text: str) -> int:
    if len(text) > 18:
        raise ValueError(f"the integer {text[:20]}… is too long for a count or an index")
    return int(text)


def _no_constant(text: str):
    raise ValueError(f"{text} is not a number a certificate may hold")


def loads(raw: bytes) -> object:
    """Decode a certificate's JSON text within :data:`MAX_DEPTH` (E220 / E230)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
    depth, values = shape_of(raw)
    if depth > MAX_DEPTH:
        _fail(f"brackets nest {depth} deep, more than the {MAX_DEPTH} a certificate may use", "E230")
    if values > MAX_VALUES:
        _fail(f"the file holds about {values:,} JSON values, more than the {MAX_VALUES:,} a certificate may have",
              "E230")
    try:
        return json.loads(text, parse_float=_no_float, parse_int=_small_int, parse_constant=_no_constant)
    except RecursionError:  # pragma: no cover - the depth check comes first
        _fail("brackets nest too deeply", "E230")
    except ValueError as exc:
        _fail(f"not JSON: {exc}")


def read_json(path: str | Path) -> object:
    """:func:`read_bytes` then :func:`loads`."""
    return loads(read_bytes(path))


# ---------------------------------------------------------------- the fields
def _kind(v: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
            type(None): "null"}.get(type(v), type(v).__name__)


def _typed(v: object, t: type, what: str):
    if type(v) is not t:
        _fail(f"{what} must be {_kind(t())}, not {_kind(v)}")
    return v


def _int(v: object, low: int, high: int, what: str) -> int:
    _typed(v, int, what)
    if not low <= v <= high:
        _fail(f"{what} is {v}, outside {low}…{high}", "E230" if v > high else "E220")
    return v


def _fields(d: object, required: tuple[str, ...], what: str, optional: tuple[str, ...] = ()) -> dict:
    _typed(d, dict, what)
    missing = [k for k in required if k not in d]
    extra = [k for k in d if k not in required and k not in optional]
    if missing:
        _fail(f"{what} lacks the field(s) {', '.join(missing)}")
    if extra:
        _fail(f"{what} has unknown field(s) {', '.join(repr(k[:40]) for k in extra[:5])}")
    return d


def _list(v: object, length: int | None, what: str, most: int | None = None) -> list:
    _typed(v, list, what)
    if length is not None and len(v) != length:
        _fail(f"{what} must have {length} entries, not {len(v)}", "E230" if len(v) > length else "E220")
    if most is not None and len(v) > most:
        _fail(f"{what} has {len(v)} entries, more than {most}", "E230")
    return v


def _rational(v: object, what: str) -> Fraction:
    if type(v) is not str:
        _fail(f"{what} must be an exact number written as a string, not {_kind(v)}")
    if not _NUMBER.fullmatch(v):
        code = "E230" if re.fullmatch(r"-?\d+(?:/\d+)?", v) else "E220"
        _fail(f"{what} must be an exact number \"p\" or \"p/q\" of at most {MAX_DIGITS} digits each, not "
              f"{v[:40]!r}{'…' if len(v) > 40 else ''}", code)
    p, _, q = v.partition("/")
    if q and int(q) == 0:
        _fail(f"{what} divides by zero")
    return Fraction(int(p), int(q or 1))


def number(v: object, what: str) -> Cyclo:
    """An exact number: ``"p/q"``, or ``{"zeta": n, "coefficients": [c_0, …]}`` for ``Σ c_k ζ_n^k``."""
    if type(v) is str:
        return Cyclo(_rational(v, what))
    d = _fields(v, ("zeta", "coefficients"), what)
    n = _int(d["zeta"], 1, MAX_ZETA, f"{what}: zeta")
    coefficients = _list(d["coefficients"], None, f"{what}: coefficients", most=n)
    poly = fmpq_poly([fmpq(c.numerator, c.denominator) for c in (_rational(c, what) for c in coefficients)])
    return Cyclo.from_polynomial(poly, n)


def _matrix(v: object, side: int, what: str) -> np.ndarray:
    rows = _list(v, side, what)
    for i, row in enumerate(rows):
        _list(row, side, f"{what} row {i}")
    return xl.exact_array([[number(x, f"{what}[{i}][{j}]") for j, x in enumerate(row)] for i, row in enumerate(rows)])


def _word(v: object, outputs: tuple[tuple[int, ...], ...], what: str) -> Word:
    letters = []
    for letter in _list(v, None, what, most=64):
        slot, x, a = _list(letter, 3, f"{what}: a letter")
        slot = _int(slot, 0, len(outputs) - 1, f"{what}: a letter's slot")
        x = _int(x, 0, len(outputs[slot]) - 1, f"{what}: a letter's input")
        a = _int(a, 0, outputs[slot][x] - 2, f"{what}: a letter's outcome (Collins–Gisin: not the last)")
        letters.append((slot, x, a))
    w = tuple(letters)
    if reduce_word(w) != w:
        _fail(f"{what} {[list(letter) for letter in w]} is not a reduced word")
    return w


def _blocks(v: object, outputs, dim: int, most: int, what: str) -> dict[Word, np.ndarray]:
    out: dict[Word, np.ndarray] = {}
    for k, item in enumerate(_list(v, None, what, most=most)):
        item = _fields(item, ("word", "matrix"), f"{what} item {k}")
        w = _word(item["word"], outputs, f"{what} item {k}: word")
        if not is_data_word(w):
            _fail(f"{what} item {k}: {[list(letter) for letter in w]} has two letters of one party")
        if w in out:
            _fail(f"{what} lists the word {[list(letter) for letter in w]} twice")
        out[w] = _matrix(item["matrix"], dim, f"{what} item {k}: matrix")
    return out


def parse(data: object) -> tuple[MomentCertificate, dict]:
    """A :class:`MomentCertificate` from a decoded JSON value, and what the file states about it
    (``claim``, ``sha256``, ``checks``) for :func:`~steerdsl.exact.moment_certificate.declared_mismatches`.
    Every field is required, typed and bounded; the rows must be the level's words."""
    if not isinstance(data, dict):
        _fail(f"a certificate is a JSON object; this file holds {_kind(data)}")
    if data.get("format") != FORMAT:
        _fail(f"not a {FORMAT} file (format {str(data.get('format'))[:60]!r})")
    _fields(data, TOP_FIELDS, "the certificate", optional=("assemblage",))
    subject = _fields(data["subject"], ("kind", "label", "sha256"), "subject")
    kind = subject["kind"]
    if kind not in ("functional", "assemblage"):
        _fail(f"subject kind must be 'functional' or 'assemblage', not {str(kind)[:40]!r}")
    label = _typed(subject["label"], str, "subject label")
    if len(label) > MAX_LABEL:
        _fail(f"the subject label has {len(label)} characters, more than {MAX_LABEL}", "E230")
    if not label.isprintable():  # no control characters: the label is printed in the claim
        _fail(f"the subject label {label[:40]!r} holds control or non-printable characters")
    sha = _typed(subject["sha256"], str, "subject sha256")
    if (kind == "assemblage") != ("assemblage" in data):
        _fail("an assemblage certificate (an exclusion) needs the field 'assemblage', and only it has one")
    sc = _fields(data["scenario"], ("outputs", "dim"), "scenario")
    slots = _list(sc["outputs"], None, "scenario outputs", most=MAX_SLOTS)
    if not slots:
        _fail("the scenario has no Alice")
    outputs = tuple(tuple(_int(k, 1, MAX_LABELS, f"outputs of slot {j}") for k in
                          _list(o, None, f"outputs of slot {j}", most=MAX_LABELS))
                    for j, o in enumerate(slots))
    if any(not o for o in outputs):
        _fail("every Alice needs at least one input")
    dim = _int(sc["dim"], 1, MAX_LABELS, "Bob's dimension")
    level = _typed(data["level"], str, "level")
    if not _LEVEL.fullmatch(level):
        _fail(f"cannot read the level {level[:40]!r}: '1+AB', an integer, or a union such as '1+AB+AAB'")
    sense = _typed(data["sense"], str, "sense")
    if sense not in ("max", "min"):
        _fail(f"sense must be 'max' or 'min', not {sense[:20]!r}")
    probe = MomentCertificate(outputs, dim, level, sense, {}, Cyclo(0), np.zeros((0, 0)))
    try:
        side = word_count(probe.scenario, level) * dim
    except ValueError as exc:
        _fail(str(exc))
    if side > MAX_SIDE:
        _fail(f"Z would be {side:,}×{side:,} (level {level} words × Bob's dimension {dim}), more than the "
              f"{MAX_SIDE}×{MAX_SIDE} this verifier checks", "E230")
    data_count = prod(1 + sum(k - 1 for k in o) for o in outputs)
    z = _matrix(data["Z"], side, "Z")
    rows = [_word(w, outputs, f"row {i}") for i, w in enumerate(_list(data["rows"], side // dim, "rows"))]
    if rows != level_words(probe.scenario, level):
        _fail(f"the rows listed are not the words of level {level}", "E221")
    cert = MomentCertificate(
        outputs, dim, level, sense, _blocks(data["functional"], outputs, dim, data_count, "functional"),
        number(data["bound"], "bound"), z, number(data["constant"], "constant"),
        _blocks(data["assemblage"], outputs, dim, data_count, "assemblage") if kind == "assemblage" else None,
        label)
    stated = {"claim": _typed(data["claim"], str, "claim"), "sha256": sha,
              "checks": _typed(data["checks"], str, "checks")}
    return cert, stated

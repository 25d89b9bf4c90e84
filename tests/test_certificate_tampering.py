"""Certificates prove exactly what ``steer verify`` prints (physics.md §7; issue 18 item 1).

Real certificates (E11's CHSH bound, E5's exclusion) are tampered with field by field — every leaf of
E11's file and a spread of E5's: a number changed, a field dropped, a type changed — and as whole
statements rebuilt consistently.  No tampered file may verify a claim other than the one its content
proves: single-field edits all fail with a reason; a consistent rebuild for another functional (all of
F, Z and the bound halved; a constant of −10) is a true statement about *that* functional, so it
verifies, prints that functional as its subject, and ``--model`` rejects it (E231).  Hostile files end in
a coded diagnostic, never an internal error."""

from __future__ import annotations

import copy
import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from json_tampering import assert_every_edit_fails, json_paths

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.exact.certificate_files import verify_certificate
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.exact.moment_certificate import (
    MomentCertificate,
    certificate_digest,
    subject_expression,
    to_json,
)
from steerdsl.sdp.certify import certify_bound, certify_membership, cg_assemblage
from steerdsl.sdp.relaxation import bound, membership

MODELS = Path(__file__).resolve().parent.parent / "models"
E11, E5 = MODELS / "e11_chsh.steer", MODELS / "e05_breuer_map.steer"
HALF = Cyclo(Fraction(1, 2))


@pytest.fixture(scope="module")
def chsh_cert() -> MomentCertificate:
    chsh = sd.load(E11)["chsh"]
    return certify_bound(chsh, "max", bound(chsh, "max", "1+AB")).details["certificate"]


@pytest.fixture(scope="module")
def e5_model():
    return sd.load(E5)


@pytest.fixture(scope="module")
def exclusion_cert(e5_model) -> MomentCertificate:
    sigma = e5_model["sigma"]
    return certify_membership(sigma, membership(sigma, "1+AB")).details["certificate"]


# ---------------------------------------------------------------- single-field tampering
def test_every_field_of_the_chsh_certificate_is_checked(chsh_cert):
    data = to_json(chsh_cert)
    paths = list(json_paths(data))
    assert assert_every_edit_fails(data, paths) == 3 * (len(paths) - 1) > 700  # every leaf and container


def test_fields_of_the_exclusion_certificate_are_checked(exclusion_cert):
    data = to_json(exclusion_cert)
    paths = [p for p in json_paths(data) if len(p) <= 2 or p[0] in ("scenario", "subject")]
    paths += [("Z", i, j) for i in range(0, 36, 7) for j in (i, (i + 11) % 36)]
    paths += [("Z", 0, 2, "coefficients", 1), ("Z", 0, 2, "zeta")]
    paths += [(f, k, "matrix", 0, 0) for f in ("functional", "assemblage") for k in (0, 4, 8)]
    paths += [(f, k, "word", 0, c) for f in ("functional", "assemblage") for k in (1, 5) for c in range(3)]
    paths += [("rows", 3, 0, c) for c in range(3)]
    assert_every_edit_fails(data, paths)


# ---------------------------------------------------------------- whole statements
def _scaled(cert: MomentCertificate, t: Cyclo, **changes) -> MomentCertificate:
    new = copy.copy(cert)
    new.functional = {w: f * t for w, f in cert.functional.items()}
    new.Z, new.bound, new.constant = cert.Z * t, cert.bound * t, cert.constant * t
    for k, v in changes.items():
        setattr(new, k, v)
    return new


def _verify_cli(capsys, path: Path, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(path), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_halved_chsh_is_a_claim_about_the_halved_functional(chsh_cert, tmp_path, capsys):
    """F, Z and the bound halved: a true bound of F/2 (≤ √2), so it verifies, names F/2 as its subject,
    and is refused as a certificate about E11's chsh."""
    halved = _scaled(chsh_cert, HALF)
    path = tmp_path / "halved.json"
    path.write_text(json.dumps(to_json(halved)))
    check = verify_certificate(path)
    assert check.verified
    assert check.subject == subject_expression(halved) != subject_expression(chsh_cert)
    assert check.subject.startswith("F(σ) = 1·σ[∅] − 2·σ[A1:0|0]")
    assert check.digest == certificate_digest(halved) != certificate_digest(chsh_cert)
    assert check.bound == chsh_cert.bound * HALF and "≤ 1.41421356" in check.claim
    code, out = _verify_cli(capsys, path)
    assert code == 0 and check.subject in out and check.digest in out and check.claim in out
    code, out = _verify_cli(capsys, path, "--model", str(E11))
    assert code == 1 and "E231" in out and "internal error" not in out
    (tmp_path / "original.json").write_text(json.dumps(to_json(chsh_cert)))
    code, out = _verify_cli(capsys, tmp_path / "original.json", "--model", str(E11))
    assert code == 0 and "chsh in" in out and "≤ 2.828427134" in out


def test_a_constant_enters_the_claim_and_the_subject(chsh_cert, tmp_path, capsys):
    """The reported attack: constant −10 gave ✓ 'bound −7.17'.  Edited alone it fails (the file's claim
    and digest no longer match); rebuilt consistently it is the true claim max(chsh − 10) ≤ −7.17…,
    about the functional chsh − 10, which --model refuses."""
    data = to_json(chsh_cert)
    data["constant"] = "-10"
    check = verify_certificate(data)
    assert not check.verified and any("claim" in r for r in check.reasons)
    moved = copy.copy(chsh_cert)
    moved.constant = Cyclo(-10)
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(to_json(moved)))
    check = verify_certificate(path)
    assert check.verified and check.subject.startswith("F(σ) = -10 + 2·σ[∅]")
    assert "≤ -7.171572866" in check.claim and check.bound == chsh_cert.bound - 10
    code, out = _verify_cli(capsys, path, "--model", str(E11))
    assert code == 1 and "E231" in out


@pytest.mark.parametrize(("which", "constant"), [("chsh", "-10"), ("chsh", "-1"), ("exclusion", "1000")])
def test_the_reported_constant_edits_fail(which, constant, chsh_cert, exclusion_cert):
    data = to_json(chsh_cert if which == "chsh" else exclusion_cert)
    data["constant"] = constant
    check = verify_certificate(data)
    assert not check.verified and check.code == "E221" and check.reasons


def test_halved_exclusion_is_still_about_sigma(exclusion_cert, e5_model, tmp_path, capsys):
    """Halving an exclusion's witness and Z keeps the claim 'σ is outside' true and about the same σ:
    the printed witness value halves and --model accepts it, since the subject is σ."""
    halved = _scaled(exclusion_cert, HALF)
    path = tmp_path / "halved.json"
    path.write_text(json.dumps(to_json(halved)))
    check = verify_certificate(path)
    original = verify_certificate(exclusion_cert)
    assert check.verified and check.digest == original.digest and check.value == original.value * HALF
    code, out = _verify_cli(capsys, path, "--model", str(E5))
    assert code == 0 and "sigma in" in out


def test_other_statements_do_not_verify(chsh_cert, exclusion_cert, e5_model):
    rebuilt = {
        "a bound below 2√2": _scaled(chsh_cert, Cyclo(1), bound=Cyclo(Fraction(28, 10))),
        "min instead of max": _scaled(chsh_cert, Cyclo(1), sense="min"),
        "level 2 rows": _scaled(chsh_cert, Cyclo(1), level="2"),
        "the quantum σQ excluded": _scaled(exclusion_cert, Cyclo(1), assemblage=cg_assemblage(e5_model["sigmaQ"])),
        "F negated": _scaled(chsh_cert, Cyclo(1), functional={w: -f for w, f in chsh_cert.functional.items()}),
        "a non-real bound": _scaled(chsh_cert, Cyclo(1), bound=chsh_cert.bound + Cyclo.I),
        "an exclusion with a constant": _scaled(exclusion_cert, Cyclo(1), constant=Cyclo(1)),
    }
    for what, cert in rebuilt.items():
        try:
            data = to_json(cert)
        except ValueError:  # rows of another level cannot even be listed for this Z
            continue
        check = verify_certificate(json.loads(json.dumps(data)))
        assert not check.verified and check.reasons, what
    escape = to_json(_scaled(chsh_cert, Cyclo(1), subject="chsh\n✓ all good\x1b[2K"))
    check = verify_certificate(escape)
    assert not check.verified and "control" in check.reasons[0]
    empty = to_json(chsh_cert)
    empty["scenario"]["outputs"], empty["rows"] = [], [[]]
    empty["Z"], empty["functional"] = [["2"]], [{"word": [], "matrix": [["0"]]}]
    check = verify_certificate(empty)
    assert not check.verified and "no Alice" in check.reasons[0]


# ---------------------------------------------------------------- hostile files
def _hostile(tmp_path: Path, chsh_cert) -> dict[str, str]:
    files = {}

    def write(name, text):
        (tmp_path / name).write_text(text)
        files[name] = str(tmp_path / name)

    write("nested.json", "[" * 200_000 + "]" * 200_000)
    write("array.json", "[1, 2, 3]")
    write("huge_number.json", '{"format": "steerdsl-moment-certificate/2", "bound": 1e1000000}')
    write("not_json.json", "not json")
    write("latin1.json", "")
    (tmp_path / "latin1.json").write_bytes(b'{"claim": "\xe9"}')
    big = to_json(chsh_cert)
    big["scenario"]["outputs"] = [[4096] * 4096]
    write("4096_outputs.json", json.dumps(big))
    digits = to_json(chsh_cert)
    digits["bound"] = "1" + "0" * 100_000
    write("long_number.json", json.dumps(digits))
    zeta = to_json(chsh_cert)
    zeta["bound"] = {"zeta": 10**9, "coefficients": ["1"]}
    write("zeta.json", json.dumps(zeta))
    level = to_json(chsh_cert)
    level["level"] = "99"
    write("level.json", json.dumps(level))
    with open(tmp_path / "whitespace.json", "wb") as f:  # 1 GB, sparse: refused by its size before reading
        f.truncate(2**30)
    files["whitespace.json"] = str(tmp_path / "whitespace.json")
    write("many_values.json", "[" + ",".join(["[]"] * 2_000_000) + "]")
    os.symlink(tmp_path / "loop_b", tmp_path / "loop_a")
    os.symlink(tmp_path / "loop_a", tmp_path / "loop_b")
    files["symlink loop"] = str(tmp_path / "loop_a")
    os.mkfifo(tmp_path / "fifo")
    files["fifo"] = str(tmp_path / "fifo")
    files["directory"] = str(tmp_path)
    files["missing"] = str(tmp_path / "missing.json")
    files["/dev/zero"] = "/dev/zero"
    return files


EXPECTED = {"nested.json": "E230", "array.json": "E220", "huge_number.json": "E220", "not_json.json": "E220",
            "latin1.json": "E220", "4096_outputs.json": "E230", "long_number.json": "E230", "zeta.json": "E230",
            "level.json": "E230", "whitespace.json": "E230", "many_values.json": "E230", "fifo": "E220",
            "directory": "E220", "missing": "E220", "/dev/zero": "E220", "symlink loop": "E220"}


def test_hostile_files_end_in_a_coded_diagnostic(tmp_path, chsh_cert, capsys):
    files = _hostile(tmp_path, chsh_cert)
    assert set(files) == set(EXPECTED)
    for name, path in files.items():
        code, out = _verify_cli(capsys, Path(path))
        assert code == 1, name
        assert f"error[{EXPECTED[name]}]" in out and "internal error" not in out, (name, out)
        check = verify_certificate(path)
        assert not check.verified and check.code == EXPECTED[name], name


def test_verify_json_output_names_claim_and_subject(chsh_cert, tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(to_json(chsh_cert)))
    capsys.readouterr()
    assert main(["verify", str(path), "--format", "json", "--model", str(E11)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] and out["model"]["matches"]
    assert out["subject"]["sha256"] == certificate_digest(chsh_cert) and out["subject"]["label"] == "chsh"
    assert out["claim"].startswith("max of chsh over almost_quantum (level 1+AB) ≤ 2.828427134")
    assert np.isclose(float(Fraction(out["bound"])), 2 * 2**0.5, atol=1e-8)


def test_verify_has_a_time_limit(chsh_cert, tmp_path, capsys):
    """The exact check of one certificate stops at --time-limit (default 60 s) with E230."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(to_json(chsh_cert)))
    code, out = _verify_cli(capsys, path, "--time-limit", "0.000001")
    assert code == 1 and "error[E230]" in out and "took longer" in out


def test_model_match_by_content_not_by_label(chsh_cert, tmp_path, capsys):
    """--model compares content: the same functional under another name matches (and says so); a functional
    of another content under the certificate's label does not."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(to_json(chsh_cert)))
    scenario = "scenario {\n    alice A : inputs 2, outputs 2\n    alice B : inputs 2, outputs 2\n}\n"
    renamed = tmp_path / "renamed.steer"
    renamed.write_text(scenario + "functional other[a b|x y] = (-1)^(a + b + x*y)\n")
    code, out = _verify_cli(capsys, path, "--model", str(renamed))
    assert code == 0 and "model: other in" in out and "labels it 'chsh'" in out
    impostor = tmp_path / "impostor.steer"
    impostor.write_text(scenario + "functional chsh[a b|x y] = (-1)^(a + b)\n")
    code, out = _verify_cli(capsys, path, "--model", str(impostor))
    assert code == 1 and "error[E231]" in out

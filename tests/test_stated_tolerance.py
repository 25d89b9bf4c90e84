"""Published, rounded data (issue 17 item 8): a table may state the tolerance it was printed to
(``assemblage s table numeric tol 1e-3 {…}``); its checks use it and every output says so, and
``sd.repair`` gives the nearest valid assemblage with the distance moved — nothing is repaired or relaxed
silently.

The data: Alice measures Z and cos(π/8) Z + sin(π/8) X on |Φ+⟩, so every element is rank one (one zero
eigenvalue); printed to 3 digits, (1 + cos π/8)/4 = 0.48097 → 0.481, (1 − cos π/8)/4 → 0.019 and
sin(π/8)/4 = 0.09567 → 0.096, which makes det σ[0|1] = 0.481·0.019 − 0.096² < 0: one eigenvalue is negative
(about −1.5e-4), as in tables printed to 3–4 digits.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.cli import main

TABLE = """scenario {{
    alice A : inputs 2, outputs 2
    bob   B : dim 2
}}
assemblage s table numeric{tol} {{
    s[0|0] = [[0.5, 0], [0, 0]]
    s[1|0] = [[0, 0], [0, 0.5]]
    s[0|1] = [[0.481, 0.096], [0.096, 0.019]]
    s[1|1] = [[0.019, -0.096], [-0.096, 0.481]]
}}
check s : valid
"""

PRINTED = {(0, 0): [[0.5, 0], [0, 0]], (1, 0): [[0, 0], [0, 0.5]],
           (0, 1): [[0.481, 0.096], [0.096, 0.019]], (1, 1): [[0.019, -0.096], [-0.096, 0.481]]}


def _exact_elements() -> dict[tuple[int, int], np.ndarray]:
    """The assemblage the table was printed from: σ[a|x] = (I + (−1)^a n_x·σ)/4, valid by construction."""
    Z, X = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    directions = (Z, math.cos(math.pi / 8) * Z + math.sin(math.pi / 8) * X)
    return {(a, x): (np.eye(2) + (-1) ** a * directions[x]) / 4 for a in range(2) for x in range(2)}


def test_the_printed_table_is_slightly_invalid():
    lowest = min(np.linalg.eigvalsh(np.array(m)).min() for m in PRINTED.values())
    assert -1e-3 < lowest < -1e-5  # rounding made an eigenvalue negative, by less than the printed precision
    report = sd.check(sd.loads(TABLE.format(tol="")))
    assert not report.ok and any(d.code == "E202" for d in report.diagnostics)


def test_a_stated_tolerance_is_applied_and_reported(tmp_path, capsys):
    model = sd.loads(TABLE.format(tol=" tol 1e-3"))
    report = model.check()
    psd = [r for r in report.results if r.subject.startswith("s") and r.property == "psd"]
    assert psd and all(r.tolerance == 1e-3 for r in psd)
    # a numeric check passes within its tolerance (as with the default 1e-9), saying which tolerance
    assert {r.status for r in psd} == {"pass"} and all(not r.exact for r in psd)
    assert report.ok and not report.diagnostics
    assert all("tolerance 0.001 that s's data states (line 5)" in " ".join(r.notes) for r in psd)
    path = tmp_path / "printed.steer"
    path.write_text(TABLE.format(tol=" tol 1e-3"), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "note: checked within the tolerance 0.001 that s's data states (line 5)" in capsys.readouterr().out
    assert main(["run", str(path)]) == 0
    assert "note: checked within the tolerance 0.001" in capsys.readouterr().out
    assert main(["check", "--format", "json", str(path)]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert all(c["tolerance"] == 1e-3 and c["notes"] for c in checks if c["property"] == "psd")


def test_the_default_tolerance_is_untouched_elsewhere():
    """A stated tolerance applies to its own table only: another numeric table keeps 1e-9."""
    stated = TABLE.format(tol=" tol 1e-3").replace("check s : valid\n", "")
    table = stated.split("}\n", 1)[1]  # the assemblage table alone, renamed u, without a tolerance
    default = table.replace(" tol 1e-3", "").replace("s[", "u[").replace("assemblage s", "assemblage u")
    model = sd.loads(stated + default)
    by_subject = {r.subject: r for r in model.check().results if r.property == "psd" and r.status != "pass"}
    assert "s" not in by_subject  # within its stated 1e-3
    assert by_subject["u"].tolerance == 1e-9 and by_subject["u"].status == "fail"


def test_repair_reports_a_distance_no_larger_than_the_rounding():
    """The exact assemblage is valid, so the nearest valid one is at most as far from the table as it is."""
    sigma = sd.loads(TABLE.format(tol=" tol 1e-3"))["s"]
    exact = _exact_elements()
    rounding = sum(np.linalg.norm(np.array(PRINTED[k]) - exact[k]) for k in PRINTED)
    fixed = sd.repair(sigma)
    assert 0 < fixed.distance <= rounding + 1e-7
    assert sd.check(fixed.sigma, "psd").status in ("pass", "undecided")  # valid to the default 1e-9
    assert sd.check(fixed.sigma, "nonsignalling").status == "pass"


@pytest.mark.parametrize("text", ["assemblage t table numeric tol -1e-3 {", "assemblage t table tol 1e-3 {"])
def test_a_tolerance_must_follow_numeric_and_be_a_plain_number(text):
    with pytest.raises(sd.SteerError) as info:
        sd.loads(TABLE.format(tol="").replace("assemblage s table numeric {", text))
    assert info.value.diagnostic.code == "E002"


def test_sympy_constraints_take_the_stated_tolerance_too():
    """The second exact path (sympy) agrees with the checks: the rounded table's constraints fail at the
    default tolerance (det σ[0|1] = 0.481·0.019 − 0.096² < 0) and hold within its stated 1e-3, with a note."""
    from steerdsl.emit_constraints import holds_all

    plain, stated = sd.loads(TABLE.format(tol="")), sd.loads(TABLE.format(tol=" tol 1e-3"))
    assert holds_all(plain.constraints("sympy")) is False
    found = stated.constraints("sympy")
    assert holds_all(found) is True and all(c.tolerance == 1e-3 for c in found)
    assert found.notes == ["s: floating-point data within the tolerance 0.001 it states"]


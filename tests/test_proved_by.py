"""A membership result says which side proved it (issue 16): an explicit realisation proves ``member``
("inner: realisation"), a relaxation of the quantum set proves ``excluded`` ("outer: relaxation"); the other
verdicts of either side prove nothing about the quantum set and carry no ``proved_by`` — in Python, JSON and
the printed table."""

from __future__ import annotations

import json
from pathlib import Path

import steerdsl as sd
from steerdsl.cli import main

MODELS = Path(__file__).resolve().parent.parent / "models"

MODEL = """scenario { alice A1 : inputs 2, outputs 2
  alice A2 : inputs 2, outputs 2
  bob B : dim 2 }
let pPR(a1, a2, x1, x2) = [a1 xor a2 == x1 * x2] / 2
assemblage pr[a1 a2|x1 x2] = pPR(a1, a2, x1, x2) * I/2
assemblage flat[a1 a2|x1 x2] = I/8
solve pr : almost_quantum expect excluded
solve flat : almost_quantum expect member
solve flat : realisation restarts 1 expect member
solve pr : realisation restarts 1 expect undecided
"""
PROVED = ["outer: relaxation", None, "inner: realisation", None]
"""Line by line: the PR box (CHSH 4 between the Alices) is excluded by almost-quantum; I/8 is a member of the
relaxation (no proof of anything), and a product realisation proves it quantum; the search finds none for
the PR box (no proof either)."""


def test_python_answers_say_which_side_proved_them():
    m = sd.loads(MODEL)
    answers = [sd.membership(m["pr"], "almost_quantum"), sd.membership(m["flat"], "almost_quantum"),
               sd.realisation(m["flat"], restarts=1), sd.realisation(m["pr"], restarts=1)]
    assert [a.proved_by for a in answers] == PROVED
    assert [a.to_dict()["proved_by"] for a in answers] == PROVED
    assert "proved_by='outer: relaxation'" in repr(answers[0])


def test_tolerance_that_changes_the_verdict_drops_the_proof():
    """Re-read with a tolerance above its margin, the PR box's exclusion is no longer a proof."""
    pr = sd.loads(MODEL)["pr"]
    assert sd.membership(pr, "almost_quantum").proved_by == "outer: relaxation"
    assert sd.membership(pr, "almost_quantum", tol=1.0).proved_by is None


def test_json_and_text_say_which_side_proved_them(tmp_path, capsys):
    model = tmp_path / "m.steer"
    model.write_text(MODEL)
    assert main(["--format", "json", "run", str(model)]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert [a.get("details", {}).get("proved_by") for a in answers] == PROVED
    assert main(["run", str(model)]) == 0
    lines = capsys.readouterr().out.splitlines()
    notes = [line.strip() for line in lines if line.strip().startswith("proved by")]
    assert notes == ["proved by outer: relaxation", "proved by inner: realisation"]


def test_every_kind_marks_its_relaxation_and_its_realisation():
    """E1 (BWI PR box) excluded by the BWI hierarchy, E7 by the several-Bobs test: outer; the GHZ assemblage
    of E8 realised: inner."""
    assert sd.membership(sd.load(MODELS / "e01_bwi_pr_box.steer")["sigma"], "quantum").proved_by \
        == "outer: relaxation"
    assert sd.membership(sd.load(MODELS / "e07_several_bobs_pr.steer")["sigma"], "quantum").proved_by \
        == "outer: relaxation"
    assert sd.realisation(sd.load(MODELS / "e08_several_bobs_ghz_w.steer")["sigmaGHZ"]).proved_by \
        == "inner: realisation"

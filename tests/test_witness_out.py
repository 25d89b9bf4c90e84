"""Witnesses out of the CLI: printed with -v, carried by JSON, written as .steer files that read back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.run import run_model

ROOT = Path(__file__).resolve().parent.parent
MODELS = ["e10_werner_xz.steer", "e05_breuer_map.steer", "e01_bwi_pr_box.steer"]


@pytest.mark.parametrize("name", MODELS)
def test_written_witnesses_read_back_with_the_same_bound(name, tmp_path, capsys):
    """Each witness file, run by steer run, bounds its functional over the answer's set at the bound the
    answer reported (to the 12 digits written)."""
    path = tmp_path / name  # the model without its negativity lines (no witness; 20 s of see-saw)
    text = (ROOT / "models" / name).read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(keepends=True) if ": negativity" not in line),
                    encoding="utf-8")
    assert main(["run", "-q", "--format", "json", "--witnesses", str(tmp_path), str(path)]) == 0
    bounds = {a["line"]: a["bound"] for a in json.loads(capsys.readouterr().out)["answers"] if "witness" in a}
    written = sorted(tmp_path.glob("*_witness.steer"))
    assert bounds and len(written) == len(bounds)
    for file in written:
        line = int(file.stem.split("_line")[1].split("_")[0])
        (answer,) = run_model(sd.load(file)).answers
        assert answer.result.value == pytest.approx(bounds[line], abs=1e-6)


def test_json_witness_reproduces_the_witness_value(capsys):
    path = ROOT / "models" / "e10_werner_xz.steer"
    assert main(["run", "-q", "--format", "json", str(path)]) == 0
    (answer,) = json.loads(capsys.readouterr().out)["answers"]
    sigma = sd.load(path)["sigma"].to_numeric()
    beta = 0.0
    for label, m in answer["witness"].items():
        a, x = label.split("|")
        W = np.array(m["real"]) + 1j * np.array(m["imag"])
        beta += np.trace(W @ sigma[((int(a),), (int(x),), ())]).real
    assert beta == pytest.approx(answer["witness_value"], abs=1e-9)
    assert beta - answer["bound"] > 0.4  # the witness excludes σ: β_W(σ) − bound = robustness 0.414


def test_verbose_run_prints_the_witness(capsys):
    assert main(["run", "-v", str(ROOT / "models" / "e10_werner_xz.steer")]) == 0
    out = capsys.readouterr().out
    assert "witness (bound" in out and "functional W table numeric {" in out and "W[1|1] =" in out

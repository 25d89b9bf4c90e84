"""Jupyter: rich displays of reports, results and assemblages, and the example notebook executed by a
real kernel (nbclient + ipykernel), showing a results table and plots."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest

import steerdsl as sd

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "example.ipynb"


@pytest.fixture(scope="module")
def e02():
    model = sd.load(ROOT / "models" / "e02_bwi_transpose.steer")
    return model, sd.run_model(model)


def test_run_report_html_is_the_results_table(e02):
    _, report = e02
    html = report._repr_html_()
    assert html.startswith("<table") and "<th>verdict</th>" in html
    for a in report.answers:
        assert f"<td>{a.line}</td>" in html and f"<td>{a.result.verdict}</td>" in html
    assert "✓ excluded" in html and "17/17 as claimed" in html


def test_check_and_sdp_results_html(e02):
    model, report = e02
    html = sd.check(model["sigma"], "nonsignalling")._repr_html_()
    assert "<td>nonsignalling</td><td>pass</td><td>exact</td>" in html
    assert report.checks._repr_html_().count("<tr>") == len(report.checks.results) + 1
    level2 = report.answers[1].result
    html = level2._repr_html_()
    assert "<td>verdict</td><td>excluded</td>" in html and "<td>tolerance</td><td>1e-06</td>" in html


def test_assemblage_latex_is_exact_and_html_lists_every_element(e02):
    sigma = e02[0]["sigma"]
    latex = sigma._repr_latex_()
    # σ[0|0 0] = ¼(I + X): exact quarters
    assert latex.startswith(r"$\begin{aligned}\sigma_{0|0 0} &= \left[\begin{matrix}\frac{1}{4} & \frac{1}{4}")
    assert latex.count(r"\sigma_") == 12
    html = sigma._repr_html_()
    assert html.count("<td>σ[") == 12 and "<td>0.5</td>" in html


def test_example_notebook_shows_a_results_table_and_plots():
    """Executed by a real kernel (bounded: one timeout per cell; about 15 small solves in all)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from PIL import Image

    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    data = [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    tables = [d["text/html"] for d in data if "<th>verdict</th>" in d.get("text/html", "")]
    assert len(tables) == 1
    assert "solve sigma  : almost_quantum" in tables[0] and "✓ excluded" in tables[0]
    pngs = [Image.open(io.BytesIO(base64.b64decode(d["image/png"]))) for d in data if "image/png" in d]
    assert len(pngs) == 3 and all(p.format == "PNG" and p.size[0] > 300 for p in pngs)
    # from a numpy array: the robustness of Werner's v = 0.8 (Z, X) and its witness, β_F(σ) − bound = robustness
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    found = re.search(r"robustness ([\d.]+); witness of shape \(2, 2, 2, 2\); β_F\(σ\) − bound = ([-\d.]+)", text)
    assert found and float(found[1]) > 0.01 and abs(float(found[1]) - float(found[2])) < 1e-5
    assert any("<td>verdict</td><td>excluded</td>" in d.get("text/html", "") for d in data)  # the Answer's table
    assert any(r"\sigma_{0|0 0}" in d.get("text/latex", "") for d in data)


def test_sweep_table_html():
    # E10 with X, Y, Z: LHS iff v ≤ 1/√3 (examples.md), one row per point
    table = sd.sweep(str(ROOT / "models" / "e10_werner_xyz.steer"), {"v": "{1/2, 1}"}, ["solve sigma : lhs"])
    html = table._repr_html_()
    assert html.count("<td>solve sigma : lhs</td>") == 2
    assert "<td>0.5</td>" in html and "<td>member</td>" in html and "<td>excluded</td>" in html

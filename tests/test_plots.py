"""Pictures: the Bloch-sphere figure of E2 and E8 (panels, states, weights, axis labels) against the
assemblages' closed forms (examples.md), the p(a|x) and results bar charts, and `steer plot` writing
valid PNG and SVG files, with diagnostics instead of tracebacks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.cli import main
from steerdsl.plots.bloch import bloch_panels, bloch_vector

pytest.importorskip("matplotlib")
from mpl_toolkits.mplot3d.art3d import Path3DCollection  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
E02 = str(ROOT / "models" / "e02_bwi_transpose.steer")
E05 = str(ROOT / "models" / "e05_breuer_map.steer")
E08 = str(ROOT / "models" / "e08_several_bobs_ghz_w.steer")


@pytest.fixture(scope="module")
def e02():
    return sd.load(E02)["sigma"]


@pytest.fixture(scope="module")
def e08():
    return sd.load(E08)


def drawn_states(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, Path3DCollection))


def test_bloch_vector_of_pauli_eigenstates():
    # σ = p·(I + r·P)/2 has Bloch vector r and weight p
    for k, pauli in enumerate(([[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]])):
        sigma = 0.3 * (np.eye(2) - np.array(pauli)) / 2
        r, w = bloch_vector(sigma)
        assert w == pytest.approx(0.3, abs=1e-12)
        assert np.allclose(r, -np.eye(3)[k], atol=1e-12)


def test_e02_panels_match_the_closed_form(e02):
    # σ[a|x y] = ¼(I + (−1)^(a + [x = Y][y = 1]) σ_x): Bloch vector ±e_x, weight ½ (examples.md E2)
    panels = bloch_panels(e02)
    assert len(panels) == 3 * 2 + 1
    for y in range(2):
        for x in range(3):
            panel = panels[3 * y + x]
            assert panel.title == f"x = {x}, y = {y}"
            for a, point in enumerate(panel.points):
                sign = (-1) ** (a + (x == 1) * (y == 1))
                assert np.allclose(point.vector, sign * np.eye(3)[x], atol=1e-12)
                assert point.weight == pytest.approx(0.5, abs=1e-12)
    rho = panels[-1].points
    assert [p.label for p in rho] == ["ρ_B (y = 0)", "ρ_B (y = 1)"]
    assert all(np.allclose(p.vector, 0) and p.weight == pytest.approx(1) for p in rho)


def test_e02_figure(e02, tmp_path):
    fig = sd.plot_assemblage(e02, tmp_path / "e02.png")
    assert len(fig.axes) == 7
    assert [drawn_states(ax) for ax in fig.axes] == [2] * 6 + [2]
    for ax in fig.axes:
        assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("⟨X⟩", "⟨Y⟩", "⟨Z⟩")
    # marker area ∝ p(a|x) = ½
    sizes = fig.axes[0].collections[-1].get_sizes()
    assert np.allclose(sizes, 0.5 * 400)
    assert Image.open(tmp_path / "e02.png").format == "PNG"


def test_e08_ghz_and_w(e08):
    # GHZ: x = 0 gives each Bob |a⟩⟨a|/2 (r = ±e_z, p = ½); x = 1 gives I/4 (r = 0)
    ghz = bloch_panels(e08["sigmaGHZ"])
    assert [p.title for p in ghz] == ["x = 0", "x = 1", "Bobs' reduced states"]
    for a in range(2):
        for bob in ("B1", "B2"):
            (pt,) = [p for p in ghz[0].points if p.label == f"a = {a}" and p.bob == bob]
            assert np.allclose(pt.vector, [0, 0, (-1) ** a], atol=1e-12) and pt.weight == pytest.approx(0.5)
    assert all(np.allclose(p.vector, 0) for p in ghz[1].points + ghz[2].points)
    # W: a = 0 leaves (|01⟩ + |10⟩)/√3: each Bob I/3 (r = 0, p = 2/3); a = 1 leaves |00⟩/√3 (r = e_z, p = 1/3)
    w = bloch_panels(e08["sigmaW"])
    zero = [p for p in w[0].points if p.label == "a = 0"]
    one = [p for p in w[0].points if p.label == "a = 1"]
    assert len(zero) == len(one) == 2
    assert all(np.allclose(p.vector, 0, atol=1e-12) and p.weight == pytest.approx(2 / 3) for p in zero)
    assert all(np.allclose(p.vector, [0, 0, 1]) and p.weight == pytest.approx(1 / 3) for p in one)
    fig = sd.plot_assemblage(e08["sigmaW"])
    assert len(fig.axes) == 3
    assert [drawn_states(ax) for ax in fig.axes] == [4, 4, 2]
    assert all(ax.get_legend() is not None for ax in fig.axes)   # one marker shape per Bob


def test_zero_elements_are_counted_not_drawn():
    # E4: p_PR(a1 a2|x1 x2) = ½[a1 ⊕ a2 = x1 x2], so half of the elements are 0
    panels = bloch_panels(sd.load(str(ROOT / "models" / "e04_pr_box_tripartite.steer"))["sigma"])
    assert len(panels) == 4 + 1
    assert all(len(p.points) == 2 and p.zero_elements == 2 for p in panels[:4])
    assert len(panels[-1].points) == 1 + 2 * 2 * 2            # ρ_B and both Alices' marginals


def test_probabilities_and_results_charts(e02):
    fig = sd.plot_probabilities(e02)
    (ax,) = fig.axes
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 12 and np.allclose(heights, 0.5)
    assert ax.get_ylabel() == "p(a|x) = tr σ(a|x)"
    report = sd.run_model(sd.load(E02))
    fig = sd.plot_results(report)
    (ax,) = fig.axes
    values = [a.result.value for a in report.answers]
    assert np.allclose([p.get_height() for p in ax.patches], values)


def test_cli_writes_png_and_svg(tmp_path, capsys):
    png, svg = tmp_path / "e02.png", tmp_path / "e08.svg"
    assert main(["plot", E02, "sigma", "--out", str(png)]) == 0
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 600
    assert main(["plot", E08, "sigmaW", "--out", str(svg)]) == 0
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    assert all(label in text for label in ("⟨X⟩", "⟨Y⟩", "⟨Z⟩", "x = 0", "x = 1"))
    assert f"wrote {svg}" in capsys.readouterr().out


def test_cli_diagnostics(tmp_path, capsys):
    assert main(["plot", E05, "sigma", "--out", str(tmp_path / "s.png")]) == 1
    err = capsys.readouterr().err
    assert "error[E170]" in err and "dimension 4" in err and "--kind probabilities" in err
    assert main(["plot", E02, "--out", str(tmp_path / "s.jpg")]) == 2
    assert "error[E171]" in capsys.readouterr().err
    assert main(["plot", E02, "sigmaa", "--out", str(tmp_path / "s.png")]) == 1
    assert 'did you mean "sigma"' in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_missing_matplotlib_is_a_diagnostic(e02, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(sd.SteerError) as info:
        sd.plot_assemblage(e02)
    assert info.value.diagnostic.code == "E172"
    assert main(["plot", E02, "--out", "never.png"]) == 2
    assert "pip install 'steerdsl[plot]'" in capsys.readouterr().err

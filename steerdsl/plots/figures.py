"""matplotlib drawings of assemblages and of SDP results (the optional extra ``plot``).

Figures are built as ``matplotlib.figure.Figure`` objects without pyplot (no
global state, no display needed: PNG and SVG are written by the Agg and SVG
backends).  Each function returns its Figure, so tests and notebooks can
inspect or show it, and writes it to ``path`` when given (format by extension).
"""

from __future__ import annotations

from math import ceil
from pathlib import Path
from typing import Any

import numpy as np

from steerdsl.diagnostics import Diagnostic, SteerError
from steerdsl.model.assemblage import Assemblage
from steerdsl.plots.bloch import BlochPanel, bloch_panels, outcome_probabilities

IMAGE_FORMATS = (".png", ".svg")
AXIS_LABELS = ("⟨X⟩", "⟨Y⟩", "⟨Z⟩")
MARKER_AREA = 400.0
"""Marker area (points²) of a state of weight 1; a state's area is ``MARKER_AREA · p(a|x)``."""
BOB_MARKERS = ("o", "^", "s", "D")
VERDICT_COLOURS = {"member": "tab:green", "excluded": "tab:red", "undecided": "tab:orange", None: "tab:blue"}


def new_figure(width: float, height: float):
    """A matplotlib Figure, or diagnostic E172 when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise SteerError(Diagnostic("E172", "drawing needs matplotlib, which is not installed",
                                    hint="pip install 'steerdsl[plot]'  (or pip install matplotlib)")) from None
    return Figure(figsize=(width, height), layout="constrained")


def image_path(path: str | Path) -> Path:
    """``path`` if it names a PNG or SVG file, else diagnostic E171."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_FORMATS:
        raise SteerError(Diagnostic("E171", f"cannot write {path.name}: unknown image format "
                                    f"{path.suffix or '(no extension)'!r}", hint="name the file .png or .svg"))
    return path


def save_figure(fig, path: str | Path) -> Path:
    """Write ``fig`` as PNG or SVG, chosen by the extension of ``path`` (E171 for any other)."""
    path = image_path(path)
    try:
        fig.savefig(path, dpi=100, metadata={"Software": "steerdsl"} if path.suffix.lower() == ".png" else None)
    except OSError as exc:
        raise SteerError(Diagnostic("E131", f"cannot write {path}: {exc.strerror or exc}")) from None
    return path


def _sphere(ax) -> None:
    u, v = np.mgrid[0 : 2 * np.pi : 25j, 0 : np.pi : 13j]
    ax.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="0.85", linewidth=0.4)
    for axis in np.eye(3):
        ax.plot(*np.stack([-axis, axis]).T, color="0.6", linewidth=0.6)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_zlim(-1, 1)
    ax.set_box_aspect((1, 1, 1), zoom=0.8)
    for axis, label in zip((ax.xaxis, ax.yaxis, ax.zaxis), AXIS_LABELS):
        axis.set_ticks([-1, 0, 1])
        axis.set_label_text(label, fontsize=8)
        axis.labelpad = -6
        axis.set_pane_color((1, 1, 1, 0))
    ax.grid(False)
    ax.tick_params(labelsize=6, pad=-2)


def _coincident_labels(points) -> dict[tuple[float, ...], list[str]]:
    """Labels of points at the same place (to 3 decimals), joined so they stay readable."""
    groups: dict[tuple[float, ...], list[str]] = {}
    for p in points:
        groups.setdefault(tuple(round(c, 3) for c in p.vector), []).append(p.label)
    return groups


def _draw_panel(ax, panel: BlochPanel, bobs: list[str], colours) -> None:
    _sphere(ax)
    title = panel.title + (f"\n({panel.zero_elements} zero elements not drawn)" if panel.zero_elements else "")
    ax.set_title(title, fontsize=9)
    for k, bob in enumerate(bobs):
        points = [p for p in panel.points if p.bob == bob]
        if not points:
            continue
        xyz = np.array([p.vector for p in points]).T
        colour = [colours[p.outcome % len(colours)] if p.outcome >= 0 else "black" for p in points]
        ax.scatter(*xyz, s=[MARKER_AREA * p.weight for p in points], c=colour, marker=BOB_MARKERS[k % 4],
                   edgecolors="black", linewidths=0.5, depthshade=False,
                   label=bob if len(bobs) > 1 else None)
        for vector, labels in _coincident_labels(points).items():
            rows = ["; ".join(labels[k : k + 3]) for k in range(0, len(labels), 3)]
            ax.text(*vector, " " + "\n ".join(rows), fontsize=6)
    if len(bobs) > 1:
        legend = ax.legend(fontsize=6, loc="upper left", markerscale=1)
        for handle in legend.legend_handles:
            handle.set_sizes([30])


def plot_assemblage(sigma: Assemblage, path: str | Path | None = None, *, title: str | None = None,
                    columns: int = 4) -> Any:
    """Draw a qubit assemblage on the Bloch sphere and return the matplotlib ``Figure``.

    Each ``σ_{a|x}`` is a point at the Bloch vector ``r = tr(σ·(X, Y, Z))/tr σ`` of its normalised
    state, with marker area proportional to ``p(a|x) = tr σ_{a|x}``; one panel per input tuple
    (Alices' ``x``, then Bob's ``y``), and a last panel with ``ρ_B`` and, for several Alices, each
    Alice's marginal assemblage (see :mod:`steerdsl.plots.bloch`).  Several Bobs share a panel, one
    marker shape each.  Written to ``path`` (``.png`` or ``.svg``) when given.

    Raises :class:`~steerdsl.SteerError` E170 if a Bob is not a qubit, E172 without matplotlib."""
    panels = bloch_panels(sigma)
    bobs = [b.name for b in sigma.scenario.bobs]
    cols = min(columns, len(panels))
    rows = ceil(len(panels) / cols)
    fig = new_figure(3.0 * cols, 3.1 * rows + 0.4)
    colours = [f"C{k}" for k in range(10)]
    for k, panel in enumerate(panels):
        ax = fig.add_subplot(rows, cols, k + 1, projection="3d")
        _draw_panel(ax, panel, bobs, colours)
    fig.suptitle(title or f"{sigma.name}: conditional states σ(a|x)/p(a|x), marker area ∝ p(a|x)", fontsize=10)
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_probabilities(sigma: Assemblage, path: str | Path | None = None, *, title: str | None = None) -> Any:
    """Bar chart of ``p(a|x) = tr σ_{a|x}``, one group of bars per input tuple; returns the ``Figure``."""
    groups = outcome_probabilities(sigma)
    fig = new_figure(max(4.0, 0.5 * sum(len(v) for v in groups.values()) + 1.5), 3.2)
    ax = fig.add_subplot()
    ticks, labels, position = [], [], 0.0
    for group, rows in groups.items():
        xs = position + np.arange(len(rows))
        ax.bar(xs, [p for _, p in rows], color=[f"C{k % 10}" for k in range(len(rows))], edgecolor="black",
               linewidth=0.5)
        ticks.extend(xs)
        labels.extend(a.removeprefix("a = ") for a, _ in rows)
        ax.text(xs.mean(), 1.0, group, ha="center", va="bottom", fontsize=8)
        position += len(rows) + 1
    ax.set_xticks(ticks, labels, fontsize=7)
    ax.set_ylabel("p(a|x) = tr σ(a|x)")
    ax.set_xlabel("outcome a, grouped by input")
    ax.set_ylim(0, 1.12)
    ax.set_title(title or f"{sigma.name}: outcome probabilities", fontsize=10)
    if path is not None:
        save_figure(fig, path)
    return fig


def _answers(report) -> list[dict]:
    """The answers of a :class:`~steerdsl.run.RunReport` or of its JSON form (``steer run --format json``)."""
    if isinstance(report, dict):
        return list(report.get("answers", []))
    return [a.to_json() for a in report.answers]


def plot_results(report, path: str | Path | None = None, *, title: str | None = None) -> Any:
    """Bar chart of a run's answers (``steer run``): one bar per ``solve``/``bound`` line with a value,
    coloured by verdict, with the line's bound (a functional's maximum over the set) as a tick when there
    is one.  ``report`` is a :class:`~steerdsl.run.RunReport` or the JSON of ``steer run --format json``."""
    answers = [a for a in _answers(report) if a.get("value") is not None]
    name = report.get("file", "") if isinstance(report, dict) else report.file
    if not answers:
        raise SteerError(Diagnostic("E173", f"{name} has no solve or bound line with a value to plot",
                                    hint="steer plot FILE NAME draws an assemblage instead"))
    fig = new_figure(max(5.0, 1.1 * len(answers) + 2.0), 3.6)
    ax = fig.add_subplot()
    xs = np.arange(len(answers))
    values = [a["value"] for a in answers]
    ax.bar(xs, values, color=[VERDICT_COLOURS.get(a.get("verdict"), "tab:blue") for a in answers],
           edgecolor="black", linewidth=0.5)
    for x, a in zip(xs, answers):
        if a.get("bound") is not None:
            ax.hlines(a["bound"], x - 0.4, x + 0.4, colors="black", linestyles="dashed", linewidth=1)
        ax.annotate(a.get("verdict") or f"{a['value']:.4g}", (x, a["value"]), ha="center",
                    va="bottom" if a["value"] >= 0 else "top", fontsize=7)
    ax.axhline(0, color="0.4", linewidth=0.6)
    ax.set_xticks(xs, [f"line {a['line']}\n{a['subject']}: {a['task']}" for a in answers], fontsize=7)
    ax.set_ylabel("value (robustness, bound, …)")
    ax.set_xlabel("question")
    ax.set_title(title or f"{name}: answers\n(green member, red excluded, orange undecided; "
                 "dashed: the witness's bound)", fontsize=9)
    if path is not None:
        save_figure(fig, path)
    return fig

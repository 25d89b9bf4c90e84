"""How model values look in a notebook: HTML and LaTeX of assemblages, exact values as sympy objects.

The model layer's own display (``Assemblage._repr_html_`` / ``_repr_latex_`` call these), so that
:mod:`steerdsl.model` never imports the report layer (:mod:`steerdsl.notebook`), which reuses the
helpers here for its tables.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import sympy

from steerdsl.model.algebra import to_numeric

LATEX_ELEMENTS = 64
"""Assemblages with more elements than this are summarised in LaTeX (their table is in the HTML)."""


def to_sympy(v) -> Any:
    """An exact value as a sympy object (matrices as ``ImmutableMatrix``)."""
    if isinstance(v, np.ndarray):
        return sympy.ImmutableMatrix(v.shape[0], v.shape[1], [to_sympy(e) for e in v.flat])
    if isinstance(v, (bool, int)):
        return sympy.Integer(int(v))
    if isinstance(v, (complex, float)):
        return sympy.Float(v.real) + sympy.I * sympy.Float(v.imag) if isinstance(v, complex) else sympy.Float(v)
    if hasattr(v, "to_sympy"):
        return v.to_sympy()
    return sympy.sympify(str(v))


def html_table(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    """An HTML table with a header row and an optional caption (the cells are HTML already)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'>{caption}</caption>" if caption else ""
    return f"<table class='steerdsl'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _key_label(key) -> str:
    a, x, y = key
    fmt = " ".join
    return f"{fmt(map(str, a))}|{fmt(map(str, tuple(x) + tuple(y)))}"


def _matrix_html(m: np.ndarray) -> str:
    values = to_numeric(np.asarray(m))
    cells = "".join("<tr>" + "".join(f"<td>{_complex(v)}</td>" for v in row) + "</tr>" for row in values)
    return f"<table>{cells}</table>"


def _complex(v: complex) -> str:
    re, im = round(v.real, 6) + 0.0, round(v.imag, 6) + 0.0
    if im == 0:
        return f"{re:.6g}"
    return f"{re:.6g}{im:+.6g}i" if re else f"{im:.6g}i"


def assemblage_html(sigma) -> str:
    """The scenario, then one row per element: its key, ``p(a|x) = tr σ``, and the matrix (rounded to 6
    decimals; the exact values are in ``steer compile`` and ``_repr_latex_``)."""
    rows = []
    for key, element in sigma.elements.items():
        parts = element if isinstance(element, tuple) else (element,)
        weight = float(np.trace(to_numeric(np.asarray(parts[0]))).real)
        rows.append([escape(f"σ[{_key_label(key)}]"), f"{weight:.6g}", "".join(_matrix_html(m) for m in parts)])
    caption = (f"<b>{escape(sigma.name)}</b>: {escape(sigma.scenario.describe())}, "
               f"{'exact' if sigma.exact else 'numeric'}")
    return html_table(["element", "p(a|x)", "matrix" + (" per Bob" if len(sigma.scenario.bobs) > 1 else "")], rows,
                  caption)


def assemblage_latex(sigma) -> str | None:
    """The elements as exact LaTeX matrices (``None``, so Jupyter falls back to HTML, when there are more
    than :data:`LATEX_ELEMENTS`)."""
    if len(sigma.elements) > LATEX_ELEMENTS:
        return None
    lines = []
    for key, element in sigma.elements.items():
        parts = element if isinstance(element, tuple) else (element,)
        mats = ", ".join(sympy.latex(to_sympy(m) if sigma.exact else sympy.Matrix(np.round(m, 6))) for m in parts)
        lines.append(rf"\sigma_{{{_key_label(key)}}} &= {mats}")
    return r"$\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}$"

"""Rich display in Jupyter: HTML tables of reports and results, LaTeX of assemblages.

The ``_repr_html_`` / ``_repr_latex_`` methods of :class:`~steerdsl.run.RunReport`,
:class:`~steerdsl.checking.ModelReport`, :class:`~steerdsl.exact.report.CheckResult`,
:class:`~steerdsl.sdp.result.SDPResult`, :class:`~steerdsl.sweeps.table.SweepTable` and
:class:`~steerdsl.model.assemblage.Assemblage` call the
functions here, so a notebook cell ending in ``report`` or ``sigma`` shows a table or formulas.  The
columns are those of ``steer run`` / ``steer check -v``: verdicts with their margin and tolerance,
exactness of every check.
"""

from __future__ import annotations

from html import escape

import numpy as np

MARKS = {True: "✓", False: "✗", None: ""}
LATEX_ELEMENTS = 64
"""Assemblages with more elements than this are summarised in LaTeX (their table is in the HTML)."""


def _num(value: float | None, fmt: str = ".8g") -> str:
    return "—" if value is None else format(value, fmt)


def _table(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'>{caption}</caption>" if caption else ""
    return f"<table class='steerdsl'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _diagnostics_html(diagnostics, sources: dict[str, str]) -> str:
    from steerdsl.diagnostics import render_text

    if not diagnostics:
        return ""
    return "<pre>" + escape("\n".join(render_text(d, sources) for d in diagnostics)) + "</pre>"


def check_rows(results) -> list[list[str]]:
    """One row per check: mark, subject, property, status (claimed), exactness, detail."""
    rows = []
    for r in results:
        mark = "?" if r.status == "undecided" else MARKS[r.ok]
        claim = "" if r.expected == "pass" else f" (claimed {r.expected})"
        exactness = "exact" if r.exact else f"numeric, atol {r.tolerance:g}"
        rows.append([mark, escape(r.subject), escape(r.property), escape(r.status + claim), exactness,
                     escape(r.detail or "")])
    return rows


CHECK_HEADER = ["", "subject", "property", "status", "exactness", "detail"]


def check_result_html(result) -> str:
    """A :class:`~steerdsl.exact.report.CheckResult` as a one-row table."""
    return _table(CHECK_HEADER, check_rows([result]))


def model_report_html(report) -> str:
    """Every check of a model (``steer check -v``) and its diagnostics."""
    results = report.results
    passed = sum(r.ok for r in results)
    caption = f"<b>{escape(report.file)}</b>: {len(results)} checks, {passed} as claimed"
    return _table(CHECK_HEADER, check_rows(results), caption) + _diagnostics_html(report.diagnostics, {})


def sdp_result_html(result) -> str:
    """An :class:`~steerdsl.sdp.result.SDPResult`: value, verdict, margin, tolerance, witness bound."""
    rows = [["task", escape(result.task)], ["value", _num(result.value)], ["verdict", escape(result.verdict or "—")],
            ["margin", _num(result.margin, "+.2e")], ["tolerance", _num(result.tolerance, "g")],
            ["status", escape(f"{result.status} ({result.solver})" if result.solver else result.status)]]
    if result.witness is not None:
        rows.append(["witness", f"{escape(result.witness.name)}: β_F(σ) = {_num(result.witness_value)} "
                                f"vs bound {_num(result.bound)}"])
    rows += [[escape(k), escape(str(v))] for k, v in result.details.items()
             if isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    return _table(["", ""], rows)


def run_report_html(report) -> str:
    """``steer run``'s table: every answered line with value, verdict, margin, time and expectation."""
    checks = report.checks
    ok = sum(r.ok for r in checks.results)
    caption = (f"<b>{escape(report.file)}</b>: exact checks {ok}/{len(checks.results)} as claimed; "
               f"{'all expectations hold' if report.ok else 'some expectations do not hold'}")
    rows = []
    for a in report.answers:
        r = a.result
        verdict = (r.verdict or "—") if r else "—"
        rows.append([str(a.line), escape(a.text), _num(r.value if r else None), escape(verdict),
                     _num(r.margin if r else None, "+.1e"), f"{a.seconds:.2f} s",
                     escape(("" if a.ok is None else MARKS[a.ok] + " ") + a.expectation)])
    header = ["line", "question", "value", "verdict", "margin", "time", "expect"]
    return _table(header, rows, caption) + _diagnostics_html(checks.diagnostics + report.diagnostics,
                                                             report.sources)


def _key_label(key) -> str:
    a, x, y = key
    fmt = " ".join
    return f"{fmt(map(str, a))}|{fmt(map(str, tuple(x) + tuple(y)))}"


def _matrix_html(m: np.ndarray) -> str:
    from steerdsl.model.assemblage import to_complex

    values = to_complex(np.asarray(m))
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
    from steerdsl.model.assemblage import to_complex

    rows = []
    for key, element in sigma.elements.items():
        parts = element if isinstance(element, tuple) else (element,)
        weight = float(np.trace(to_complex(np.asarray(parts[0]))).real)
        rows.append([escape(f"σ[{_key_label(key)}]"), f"{weight:.6g}", "".join(_matrix_html(m) for m in parts)])
    caption = (f"<b>{escape(sigma.name)}</b>: {escape(sigma.scenario.describe())}, "
               f"{'exact' if sigma.exact else 'numeric'}")
    return _table(["element", "p(a|x)", "matrix" + (" per Bob" if len(sigma.scenario.bobs) > 1 else "")], rows,
                  caption)


def assemblage_latex(sigma) -> str | None:
    """The elements as exact LaTeX matrices (``None``, so Jupyter falls back to HTML, when there are more
    than :data:`LATEX_ELEMENTS`)."""
    import sympy

    from steerdsl.emit import to_sympy

    if len(sigma.elements) > LATEX_ELEMENTS:
        return None
    lines = []
    for key, element in sigma.elements.items():
        parts = element if isinstance(element, tuple) else (element,)
        mats = ", ".join(sympy.latex(to_sympy(m) if sigma.exact else sympy.Matrix(np.round(m, 6))) for m in parts)
        lines.append(rf"\sigma_{{{_key_label(key)}}} &= {mats}")
    return r"$\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}$"


def sweep_table_html(table) -> str:
    """A sweep's rows (``steer sweep``'s columns): parameters, question, value, verdict, margin, expect."""
    rows = []
    for r in table.rows:
        verdict = r["verdict"] or (f"error: {r['error']}" if r["error"] else "—")
        rows.append([*(f"{r[p]:.6g}" for p in table.params), escape(r["question"]), _num(r["value"]),
                     escape(verdict), _num(r["margin"], "+.1e"), MARKS[r["ok"]]])
    s = table.stats
    caption = f"{len(table.rows)} rows; {s.computed} computed, {s.reused} reused ({s.seconds:.2f} s)"
    return _table([*table.params, "question", "value", "verdict", "margin", "expect"], rows, caption)

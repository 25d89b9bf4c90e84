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

from steerdsl.model.display import assemblage_html, assemblage_latex, html_table

__all__ = ["assemblage_html", "assemblage_latex", "check_result_html", "model_report_html", "run_report_html",
           "sdp_result_html", "sweep_table_html"]

MARKS = {True: "✓", False: "✗", None: ""}


def _num(value: float | None, fmt: str = ".8g") -> str:
    return "—" if value is None else format(value, fmt)


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
    return html_table(CHECK_HEADER, check_rows([result]))


def model_report_html(report) -> str:
    """Every check of a model (``steer check -v``) and its diagnostics."""
    results = report.results
    passed = sum(r.ok for r in results)
    caption = f"<b>{escape(report.file)}</b>: {len(results)} checks, {passed} as claimed"
    return html_table(CHECK_HEADER, check_rows(results), caption) + _diagnostics_html(report.diagnostics, {})


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
    return html_table(["", ""], rows)


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
    return html_table(header, rows, caption) + _diagnostics_html(checks.diagnostics + report.diagnostics,
                                                             report.sources)


def sweep_table_html(table) -> str:
    """A sweep's rows (``steer sweep``'s columns): parameters, question, value, verdict, margin, expect."""
    rows = []
    for r in table.rows:
        verdict = r["verdict"] or (f"error: {r['error']}" if r["error"] else "—")
        rows.append([*(f"{r[p]:.6g}" for p in table.params), escape(r["question"]), _num(r["value"]),
                     escape(verdict), _num(r["margin"], "+.1e"), MARKS[r["ok"]]])
    s = table.stats
    caption = f"{len(table.rows)} rows; {s.computed} computed, {s.reused} reused ({s.seconds:.2f} s)"
    return html_table([*table.params, "question", "value", "verdict", "margin", "expect"], rows, caption)

"""Diagnostics: error data separate from rendering (the stanc3 pattern).

A :class:`Diagnostic` carries a code, a message, the source span, an optional
hint and notes.  :func:`render_text` prints ``file:line:col: error[CODE]``,
the source line with a caret under the span, and the hint; :func:`to_json`
gives one object per diagnostic (file, line, column, end, code, message,
hint), as ruff and mypy do.  Every code has an explanation in
:data:`steerdsl.codes.CODES`, printed by ``steer explain CODE``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A region of a source file (1-based lines and columns, end exclusive)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Diagnostic:
    """One problem in a model: what, where, and how to fix it."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    notes: list[str] = field(default_factory=list)
    severity: str = "error"

    def to_json(self) -> dict:
        d: dict = {"severity": self.severity, "code": self.code, "message": self.message}
        if self.span is not None:
            d.update(
                file=self.span.file,
                line=self.span.line,
                column=self.span.column,
                end_line=self.span.end_line,
                end_column=self.span.end_column,
            )
        if self.hint:
            d["hint"] = self.hint
        if self.notes:
            d["notes"] = list(self.notes)
        return d


class SteerError(Exception):
    """Raised for a mistake in a model; carries its :class:`Diagnostic`."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(diagnostic.message)


class Refusal(ValueError):
    """A question steerdsl refuses with a specific code rather than answer with a number it cannot stand
    behind (e.g. a set whose relations are not declared for the scenario kind)."""

    def __init__(self, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.code = code
        self.hint = hint


def error(code: str, message: str, span: Span | None = None, hint: str | None = None,
          notes: list[str] | None = None) -> SteerError:
    """Build a :class:`SteerError` to ``raise``."""
    return SteerError(Diagnostic(code, message, span, hint, list(notes or [])))


def did_you_mean(name: str, candidates: list[str] | set[str]) -> str | None:
    """The nearest candidate to ``name`` within a small edit distance."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in pool}
    return lowered.get(name.lower())


def render_text(diag: Diagnostic, sources: dict[str, str] | None = None) -> str:
    """Render a diagnostic for a terminal: location, message, source line, caret, hint."""
    sp = diag.span
    head = f"{diag.severity}[{diag.code}]: {diag.message}"
    lines = []
    if sp is None:
        lines.append(head)
    else:
        lines.append(f"{sp.file}:{sp.line}:{sp.column}: {head}")
        text = (sources or {}).get(sp.file)
        if text is not None:
            src_lines = text.splitlines()
            if 1 <= sp.line <= len(src_lines):
                src = src_lines[sp.line - 1].expandtabs(1)
                gutter = str(sp.line)
                pad = " " * len(gutter)
                end = sp.end_column if sp.end_line == sp.line and sp.end_column > sp.column else len(src) + 1
                width = max(1, min(end, len(src) + 1) - sp.column)
                lines.append(f"{pad} |")
                lines.append(f"{gutter} | {src}")
                lines.append(f"{pad} | {' ' * (sp.column - 1)}{'^' * width}")
    for note in diag.notes:
        lines.append(f"  = note: {note}")
    if diag.hint:
        lines.append(f"  = hint: {diag.hint}")
    return "\n".join(lines)


def print_diagnostic(diag: Diagnostic, sources: dict[str, str], fmt: str = "text") -> None:
    """Print ``diag`` as :func:`render_text` shows it, in the ``text`` format (JSON output collects them)."""
    if fmt == "text":
        print(render_text(diag, sources))

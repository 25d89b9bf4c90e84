"""Marked sections of ``docs/benchmarks.md``: ``<!-- NAME -->`` … ``<!-- /NAME -->``.

Each section is written by its own command (``python -m benchmarks.inner``, ``python -m benchmarks.solvers``,
the symmetry benchmark…); ``python -m benchmarks`` rewrites the rest of the page and keeps every marked
section it finds, byte for byte (:func:`marked_sections`).
"""

from __future__ import annotations

import re

_MARKED = re.compile(r"<!-- ([a-z0-9_-]+) -->.*?<!-- /\1 -->", re.DOTALL)


def marked_sections(text: str) -> list[str]:
    """Every marked section of ``text``, in order, each from its opening to its closing marker."""
    return [m.group(0) for m in _MARKED.finditer(text)]


def replace_section(text: str, start: str, end: str, new: str) -> str:
    """``text`` with the section from ``start`` to ``end`` replaced by ``new`` (which carries its markers),
    or ``new`` appended after a blank line when there is none."""
    if start in text and end in text[text.index(start):]:
        i = text.index(start)
        j = text.index(end, i) + len(end)
        return text[:i] + new.rstrip("\n") + text[j:]
    return (text.rstrip("\n") + "\n\n" if text.strip() else "") + new

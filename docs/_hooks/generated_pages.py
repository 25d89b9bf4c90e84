"""Pages generated from the code, so their text lives in one place, and the MkDocs hook of the site.

* ``codes/index.md`` and ``codes/CODE.md`` for every code of :data:`steerdsl.codes.CODES` — each page holds
  exactly what ``steer explain CODE`` prints;
* ``cli.md`` — the ``--help`` of ``steer`` and of each subcommand, from :func:`steerdsl.cli.build_parser`;
* ``sets.md`` — the (kind × set × question) table, from the registry :mod:`steerdsl.sets.registry`.

The pages are committed (so links work in a checkout, not only on the site): ``python
docs/_hooks/generated_pages.py`` rewrites them, and tests/test_docs.py fails when one is stale.

It also drops the Sphinx roles (``:class:``, ``:func:`` …) that the package's docstrings use, which
mkdocstrings would otherwise print before the code they mark.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from steerdsl.cli import build_parser  # noqa: E402
from steerdsl.codes import CODES, explain  # noqa: E402
from steerdsl.sets import registry  # noqa: E402

SPHINX_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc):<code>(~?)([\w.]+)</code>")


def code_page(code: str) -> str:
    """The page of one diagnostic code: its title and the text of ``steer explain CODE``."""
    title = CODES[code][0]
    return (f"# {code}: {title}\n\n```text\n{explain(code)}```\n\n"
            f"The same text in a terminal: `steer explain {code}`.  [All codes](index.md)\n")


def codes_index() -> str:
    """The table of every code, linking to its page."""
    rows = "\n".join(f"| [{code}]({code}.md) | {CODES[code][0]} |" for code in sorted(CODES))
    return ("# Diagnostic codes\n\nEvery diagnostic names a code; `steer explain CODE` prints its page. "
            "E0xx: syntax; E1xx: names, values and structure; E2xx: checks that fail; E3xx: solvers; "
            "W: warnings; E9xx: internal.\n\n| code | meaning |\n| --- | --- |\n" + rows + "\n")


def cli_page() -> str:
    """``steer --help`` and every subcommand's help, at a fixed width."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        parser = build_parser()
        parts = ["# Command line\n", "The `steer` command (installed with the package; `python -m steerdsl` is the "
                 "same).  Exit codes: 0 all good, 1 a model is wrong, 2 usage or internal error.  "
                 "Every subcommand takes `-v`, `-q`, `--format json` and `--debug`, before or after its name "
                 "(`steer -q run FILE` is `steer run FILE -q`); with `--format json` standard output is one JSON "
                 "document, diagnostics included; progress lines appear only on a terminal.  "
                 "Examples of each command are in the [tutorial](tutorial.md) and the [papers](papers/index.md); "
                 "this page is generated from the command's own help.\n",
                 f"```text\n{parser.format_help()}```\n"]
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        for name, p in sub.choices.items():
            parts.append(f"## steer {name}\n\n```text\n{p.format_help()}```\n")
        return "\n".join(parts)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def generated_pages() -> dict[str, str]:
    """Every generated page, by its path under docs/."""
    pages = {"codes/index.md": codes_index(), "cli.md": cli_page(), "sets.md": registry.markdown()}
    pages.update({f"codes/{code}.md": code_page(code) for code in CODES})
    return pages


def write_pages(docs: Path = ROOT / "docs") -> None:
    """Write the generated pages, and remove code pages of codes that no longer exist."""
    pages = generated_pages()
    for stale in (docs / "codes").glob("*.md"):
        if f"codes/{stale.name}" not in pages:
            stale.unlink()
    for path, text in pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")


def on_page_content(html, page, config, files):
    """Docstrings' Sphinx roles: ``:class:`X``` is rendered as ``X`` in code, ``:class:`~a.b.X``` as ``X``."""
    return SPHINX_ROLE.sub(lambda m: f"<code>{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}</code>", html)


if __name__ == "__main__":
    write_pages()

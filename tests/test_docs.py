"""Every code block of the documentation runs, and every output shown is the real output.

Conventions in ``docs/**/*.md`` (and README.md):

* a ```` ```steer ```` block preceded by ``<!-- file: NAME -->`` is written to ``NAME`` before the
  following commands run; any other ```` ```steer ```` block is a complete model that must load and pass
  its exact checks.  ``--8<-- "PATH"`` lines (pymdownx.snippets) are replaced by the file, as MkDocs does;
* every line of a ```` ```sh ```` block is a ``steer …`` command (``> FILE`` redirects its standard
  output); lines that install the package (``pip …``, ``python3 -m venv …``, ``.venv/bin/…``) are not
  run here: CI (.ci/run) runs the README's quick start on a clean checkout;
* ```` ```python ```` blocks of a page run in order in one namespace;
* a ```` ```text ```` block right after a sh or python block is its output (standard output and error
  as a terminal shows them).  Outputs are compared with run times (``0.61s``) ignored, runs of spaces
  collapsed and numbers equal within 1e-6 + 1e-3·|x| (SDP solutions move in their last digits between
  machines).  ``STEER_DOCS_UPDATE=1 pytest tests/test_docs.py`` rewrites the shown outputs.

Each page runs in a fresh directory holding ``models/`` and ``examples/`` (links to this checkout) and
an empty ``docs/images/``; identical commands on identical inputs run once per session.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from steerdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_hooks" not in p.parts) + [ROOT / "README.md"]
FENCE = re.compile(r"^(?P<comment><!-- file: (?P<file>[^ ]+) -->\n)?```(?P<lang>[a-z]*)\n(?P<body>.*?)^```\n",
                   re.M | re.S)
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^"]+)"$', re.M)
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
TIME = re.compile(r"\b\d+\.\d+ ?s\b")
INSTALL = ("pip ", "python3 -m venv", ".venv/bin/")
UPDATE = os.environ.get("STEER_DOCS_UPDATE") == "1"
_RUNS: dict[str, str] = {}


@dataclass
class Block:
    lang: str
    body: str
    file: str | None
    start: int
    end: int
    output: Block | None = None


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a page, each code block linked to the ``text`` block right after it."""
    found = [Block(m["lang"], m["body"], m["file"], m.start("lang") - 3, m.end()) for m in FENCE.finditer(text)]
    for prev, nxt in zip(found, found[1:]):
        if prev.lang in ("sh", "python") and nxt.lang == "text" and not text[prev.end : nxt.start].strip():
            prev.output = nxt
    return found


def with_snippets(body: str) -> str:
    return SNIPPET.sub(lambda m: (ROOT / m["path"]).read_text(encoding="utf-8").rstrip("\n"), body)


def normalised(text: str) -> tuple[str, list[float]]:
    text = TIME.sub("<time>", text)
    numbers = [float(n) for n in NUMBER.findall(text)]
    shape = re.sub(r"[ \t]+", " ", NUMBER.sub("<n>", text))
    return "\n".join(line.strip() for line in shape.strip().splitlines()), numbers


def same_output(real: str, shown: str) -> bool:
    (s1, n1), (s2, n2) = normalised(real), normalised(shown)
    return s1 == s2 and len(n1) == len(n2) and all(abs(a - b) <= 1e-6 + 1e-3 * abs(b) for a, b in zip(n1, n2))


def _inputs_digest(args: list[str]) -> str:
    h = hashlib.sha256(" ".join(args).encode())
    for a in args:
        p = Path(a)
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def run_steer(line: str) -> str:
    """Run one ``steer …`` line in this process; its standard output and error, interleaved."""
    words = shlex.split(line)
    assert words[0] == "steer", f"sh blocks hold steer commands: {line!r}"
    target = None
    if ">" in words:
        k = words.index(">")
        words, target = words[:k], words[k + 1]
    key = _inputs_digest(words) + (target or "")
    if key not in _RUNS or target is not None or any(w.startswith("--out") for w in words):
        buffer, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out if target else buffer), contextlib.redirect_stderr(buffer):
            try:
                main(words[1:])
            except SystemExit:
                pass
        if target:
            Path(target).write_text(out.getvalue(), encoding="utf-8")
        _RUNS[key] = buffer.getvalue()
    return _RUNS[key]


def run_python(code: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<docs>", "exec"), namespace)
    return out.getvalue()


def check_model_text(text: str) -> None:
    """A shown model loads and its exact checks hold (a model included from a file is loaded from there,
    so its imports resolve)."""
    import steerdsl as sd
    from steerdsl.diagnostics import render_text

    included = SNIPPET.fullmatch(text.strip())
    try:
        model = sd.load(ROOT / included["path"]) if included else sd.loads(text, "<docs>")
    except sd.SteerError as exc:
        raise AssertionError(render_text(exc.diagnostic, {"<docs>": text})) from None
    report = sd.check(model)
    assert report.ok, "\n".join(render_text(d, model.sources) for d in report.diagnostics)


def run_page(page: Path, workdir: Path) -> list[tuple[Block, str]]:
    """Run a page's blocks in ``workdir``; the (block, real output) pairs of blocks that show output."""
    for name in ("models", "examples"):
        (workdir / name).symlink_to(ROOT / name)
    (workdir / "docs" / "images").mkdir(parents=True)
    namespace: dict = {"__name__": "__docs__"}
    shown = []
    old = Path.cwd()
    os.chdir(workdir)
    try:
        for b in blocks(page.read_text(encoding="utf-8")):
            body = with_snippets(b.body)
            if b.lang == "steer":
                if b.file:
                    Path(b.file).write_text(body, encoding="utf-8")
                else:
                    check_model_text(b.body)
            elif b.lang == "sh":
                lines = [ln for ln in body.splitlines() if ln.strip() and not ln.startswith(INSTALL)]
                real = "".join(run_steer(ln) for ln in lines)
                if b.output is not None:
                    shown.append((b, real))
            elif b.lang == "python":
                real = run_python(body, namespace)
                if b.output is not None:
                    shown.append((b, real))
    finally:
        os.chdir(old)
    return shown


def rewrite(page: Path, shown: list[tuple[Block, str]]) -> None:
    text = page.read_text(encoding="utf-8")
    for b, real in sorted(shown, key=lambda p: -p[0].output.start):
        o = b.output
        text = text[: o.start] + f"```text\n{real.rstrip()}\n```\n" + text[o.end :]
    page.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_runs_and_shows_real_output(page, tmp_path):
    shown = run_page(page, tmp_path)
    if UPDATE:
        rewrite(page, shown)
        return
    for b, real in shown:
        assert same_output(real, b.output.body), (
            f"{page.name}: the output shown after\n{b.body}\ndiffers from the real output:\n{real}")
    for made in (tmp_path / "docs" / "images").iterdir():   # pictures the page draws are committed
        committed = DOCS / "images" / made.name
        assert committed.is_file(), f"{page.name} draws {made.name}: commit it under docs/images/"
        from PIL import Image

        with Image.open(made) as new, Image.open(committed) as old:
            assert new.size == old.size


def test_output_comparison_is_strict_about_words_and_loose_about_digits():
    assert same_output("value 0.04809255  0.60s", "value 0.048092551 1.2s")
    assert not same_output("excluded 0.048", "member 0.048")
    assert not same_output("0.048", "0.049")
    assert not same_output("3 checks", "3 checks 4")


def test_mkdocs_build_strict(tmp_path):
    """The site builds with no warning; the code pages hold steer explain's text, the CLI page every command."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    import html
    import subprocess
    import sys

    from steerdsl.codes import CODES, explain

    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    for code in CODES:
        page = html.unescape((site / "codes" / code / "index.html").read_text(encoding="utf-8"))
        assert explain(code).strip() in page
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert all(f"steer {c}" in cli for c in ("check", "run", "test", "sweep", "plot", "compile", "explain"))
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "plot_assemblage" in api and "Draw a qubit assemblage on the Bloch sphere" in api
    assert (site / "images" / "e02_bloch.png").is_file() and (site / "tutorial" / "index.html").is_file()


def test_generated_pages_are_committed_and_current():
    """docs/codes/*.md and docs/cli.md are what the code generates (``python docs/_hooks/generated_pages.py``
    rewrites them), with no page left for a code that no longer exists."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generated_pages", DOCS / "_hooks" / "generated_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pages = module.generated_pages()
    for path, text in pages.items():
        committed = DOCS / path
        assert committed.is_file() and committed.read_text(encoding="utf-8") == text, (
            f"docs/{path} is stale: run python docs/_hooks/generated_pages.py")
    assert {f"codes/{p.name}" for p in (DOCS / "codes").glob("*.md")} == {p for p in pages if p.startswith("codes/")}


LINK = re.compile(r"\]\((?!https?://|mailto:)([^)#\s]+)(?:#[^)\s]*)?\)")


def test_every_relative_link_resolves_in_the_checkout():
    broken = []
    for page in PAGES:
        for m in LINK.finditer(page.read_text(encoding="utf-8")):
            if not (page.parent / m[1]).exists():
                broken.append(f"{page.relative_to(ROOT)}: {m[1]}")
    assert not broken, "broken links:\n" + "\n".join(broken)

"""The package's layers (issue 15): ``syntax → model → exact → sdp → sets → tasks → run/cli/api``.

Read from the source with ``ast`` (module-level and function-level imports alike, as
/work/shared/tools/import_cycles.py does): no ``import_module`` of the package's own modules, no import
circles, and no layer imports one above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "steerdsl"

KNOWN_CIRCLES: list[set[str]] = []
"""Circles not broken yet (none)."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        out[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = path
    return out


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports anywhere in its body."""
    path = MODULES[name]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if path.name == "__init__.py" else 0)
                base = ".".join(parts[:keep] + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name and t != "steerdsl":
                found.add(t)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def test_no_import_module_of_own_modules():
    def name(node: ast.Call) -> str:
        return getattr(node.func, "attr", getattr(node.func, "id", ""))

    calls = [f"{path}:{node.lineno}" for path in MODULES.values()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and name(node) == "import_module"]
    assert calls == []


def test_no_import_circles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(comp)

    for v in sorted(MODULES):
        if v not in index:
            visit(v)
    assert [c for c in circles if c not in KNOWN_CIRCLES] == []


ABOVE = {
    "steerdsl.syntax": ("steerdsl.model", "steerdsl.exact", "steerdsl.sdp", "steerdsl.sets", "steerdsl.sweeps"),
    "steerdsl.model": ("steerdsl.sdp", "steerdsl.sets", "steerdsl.notebook", "steerdsl.tasks", "steerdsl.run",
                       "steerdsl.api", "steerdsl.cli", "steerdsl.object_tasks", "steerdsl.plots", "steerdsl.emit",
                       "steerdsl.checking", "steerdsl.sweeps.run", "steerdsl.sweeps.execute", "steerdsl.sweeps.task"),
    "steerdsl.sdp": ("steerdsl.sets", "steerdsl.tasks", "steerdsl.run", "steerdsl.api", "steerdsl.cli",
                     "steerdsl.object_tasks", "steerdsl.sweeps"),
    "steerdsl.sets": ("steerdsl.tasks", "steerdsl.run", "steerdsl.api", "steerdsl.cli", "steerdsl.object_tasks",
                      "steerdsl.sweeps", "steerdsl.notebook"),
}
"""For each layer, the modules it must never import (model/ may import steerdsl.sweeps.declare and .grid:
declaring a sweep is part of the language)."""


@pytest.mark.parametrize("layer", sorted(ABOVE))
def test_no_layer_imports_one_above_it(layer):
    bad = sorted(f"{m} → {t}" for m in MODULES if m == layer or m.startswith(layer + ".")
                 for t in GRAPH[m] if any(t == a or t.startswith(a + ".") for a in ABOVE[layer]))
    assert bad == []

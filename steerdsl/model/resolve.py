"""Resolve a parsed module into a :class:`Model` of exact values.

Statements are processed in order: imports, the scenario, then every
definition (a name must be defined before it is used).  Each value is
evaluated exactly (numerically where the model asks for floats), and every
mistake becomes a diagnostic at the offending span.
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from steerdsl.diagnostics import SteerError, did_you_mean, error
from steerdsl.limits import BUDGETS, Meter, TooLarge, metering, parse_budgets, raise_hint
from steerdsl.model.evaluate import Evaluator
from steerdsl.model.maps import build_map
from steerdsl.model.model import Definition, Model
from steerdsl.model.objects import ObjectBuilder
from steerdsl.model.scenario import Scenario
from steerdsl.model.scenario_build import build_scenario
from steerdsl.model.values import LinearMap
from steerdsl.sweeps.declare import check_overrides_used, declare_sweep, parse_overrides
from steerdsl.syntax import ast
from steerdsl.syntax.parser import parse
from steerdsl.syntax.source import read_model_file

QUESTIONS = (ast.Check, ast.Solve, ast.Bound, ast.ValueOf, ast.ExpectStmt, ast.Assert)


class Resolver:
    """Turns one module (and, recursively, its imports) into a :class:`Model`."""

    def __init__(self, file: str, text: str, stack: tuple[str, ...] = (), sources: dict[str, str] | None = None,
                 overrides: dict[str, str] | None = None, meter: Meter | None = None,
                 import_root: str | Path | None = None):
        self.file = file
        self.meter = meter if meter is not None else Meter()
        self.import_root = _absolute(import_root) if import_root is not None else self._home()
        self.text = text
        self.stack = stack
        self.sources = sources if sources is not None else {}
        self.sources[file] = text
        self.definitions: dict[str, Definition] = {}
        self.scenario: Scenario | None = None
        self.scenario_span = None
        self.questions: list[ast.Statement] = []
        self.sweeps: list = []
        self.overrides = parse_overrides(overrides)  # sweep parameters: {name: expression}
        self.params = dict(overrides or {})  # the same, as the text given
        self.let_names: set[str] = set()
        self.objects = ObjectBuilder(self)
        self.evaluator = Evaluator(
            lookup=self.lookup,
            known_names=lambda: list(self.definitions),
            apply_map=self.objects.apply_map,
            subscript=self.objects.subscript,
            measure=self.objects.measure,
            meter=self.meter,
        )
        self.calls: dict[str, set[str]] = {}  # let function → functions its body always calls

    def _home(self) -> Path:
        """The folder of the model (the working directory for text without a file)."""
        return _absolute(self.file).parent if not self.file.startswith("<") else Path.cwd()

    # ------------------------------------------------------------------ names
    def lookup(self, name: str) -> Any:
        d = self.definitions.get(name)
        return d.value if d is not None else None

    def define(self, name: str, kind: str, value: Any, span, statement=None) -> None:
        if name in self.definitions:
            prev = self.definitions[name].span
            where = f" (first defined at {prev.file}:{prev.line}:{prev.column})" if prev else ""
            raise error("E110", f"{name!r} is already defined{where}", span, "choose another name")
        if self.scenario is not None and name in {p.name for p in self.scenario.alices + self.scenario.bobs}:
            raise error("E110", f"{name!r} is the name of a party", span, "choose another name")
        self.definitions[name] = Definition(name, kind, value, span, statement)

    def need_scenario(self, span) -> Scenario:
        if self.scenario is None:
            raise error("E120", "this needs a scenario, and none is declared above it", span,
                        "declare the parties first: scenario { alice A : inputs 2, outputs 2  bob B : dim 2 }")
        return self.scenario

    # ------------------------------------------------------------------ driver
    def resolve(self) -> Model:
        with metering(self.meter):
            return self._resolve()

    def _resolve(self) -> Model:
        module = parse(self.text, self.file)
        self.let_names = {s.name for s in module.statements if isinstance(s, ast.Let) and s.params is None}
        for stmt in module.statements:
            try:
                self.statement(stmt)
            except TooLarge as exc:  # sizes met outside an expression (map dimensions, tables)
                raise error(exc.code, str(exc), getattr(stmt, "span", None), exc.hint) from None
        check_overrides_used(self)
        return Model(self.file, self.scenario, self.definitions, self.questions, self.sources,
                     self.scenario_span, self.evaluator, self.sweeps, self.params,
                     functools.partial(load_text, self.text, self.file, budgets=dict(self.meter.limits),
                                       import_root=self.import_root))

    def statement(self, stmt) -> None:
        if isinstance(stmt, ast.ScenarioDecl):
            if self.scenario is not None:
                raise error("E120", "a second scenario block", stmt.span, "a model has one scenario")
            self.scenario = build_scenario(stmt)
            self.scenario_span = stmt.span
            clash = [n for n in self.definitions if n in {p.name for p in self.scenario.alices + self.scenario.bobs}]
            if clash:
                raise error("E110", f"party {clash[0]!r} has the name of an earlier definition", stmt.span)
        elif isinstance(stmt, ast.Import):
            self.do_import(stmt)
        elif isinstance(stmt, ast.Let):
            if stmt.params is not None:
                from steerdsl.model.values import Function

                self.check_recursion(stmt)
                self.define(stmt.name, "function", Function(stmt.name, stmt.params, stmt.body, stmt.span),
                            stmt.span, stmt)
            else:
                body = self.overrides.pop(stmt.name, stmt.body)
                value = self.evaluator.eval(body, {})
                if isinstance(value, LinearMap) and value.kind == "library":
                    value = replace(value, name=stmt.name)  # messages name the map as the model does
                self.define(stmt.name, "let", value, stmt.span, stmt)
        elif isinstance(stmt, ast.StateDef):
            self.define(stmt.name, "state", self.objects.state(stmt), stmt.span, stmt)
        elif isinstance(stmt, ast.MeasurementDef):
            self.define(stmt.name, "measurement", self.objects.measurement(stmt), stmt.span, stmt)
        elif isinstance(stmt, ast.MapDef):
            self.define(stmt.name, "map", build_map(stmt, self.evaluator), stmt.span, stmt)
        elif isinstance(stmt, ast.ObjectDef):
            self.define(stmt.name, stmt.kind, self.objects.object_def(stmt), stmt.span, stmt)
        elif isinstance(stmt, ast.TableDef):
            self.define(stmt.name, stmt.kind, self.objects.table(stmt), stmt.span, stmt)
        elif isinstance(stmt, ast.Sweep):
            self.sweeps.append(declare_sweep(self, stmt))
        elif isinstance(stmt, QUESTIONS):
            self.questions.append(stmt)
        else:  # pragma: no cover - the transformer only makes the kinds above
            raise error("E900", f"unsupported statement {type(stmt).__name__}", getattr(stmt, "span", None))

    def check_recursion(self, stmt: ast.Let) -> None:
        """Refuse (E256) a let function that always calls itself again, directly or through functions
        defined so far, before it is ever evaluated: ``let f(n) = f(n)``, or f calling g calling f
        outside any ``if … else``, ``and``/``or`` or comprehension (which may stop the recursion)."""
        params = set(stmt.params or ())
        self.calls[stmt.name] = {c for c in _always_called(stmt.body) if c not in params}
        path = _cycle_through(stmt.name, self.calls)
        if path is not None:
            chain = " → ".join(path)
            raise error("E256", f"{stmt.name} calls itself without end ({chain}): no condition can stop the "
                        "recursion", stmt.span, "make the recursive call depend on a condition, e.g. "
                        "f(n - 1) if n > 0 else 1")

    # ------------------------------------------------------------------ imports
    def do_import(self, stmt: ast.Import) -> None:
        base = Path(self.file).parent if not self.file.startswith("<") else Path.cwd()
        try:
            lexical = _absolute(base / stmt.path)  # where the model says, inside its folder or not
            path = lexical.resolve()  # the file read (a link inside the folder may lead elsewhere)
            found = path.exists()
        except RuntimeError:  # Python < 3.13 raises it for a loop of symbolic links
            raise error("E131", f"{stmt.path!r} is a loop of symbolic links", stmt.span) from None
        except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL byte
            reason = getattr(exc, "strerror", None) or exc  # not str(OSError): it repeats the absolute path
            raise error("E130", f"cannot use {stmt.path!r} as a file name: {reason}", stmt.span) from None
        if not lexical.is_relative_to(self.import_root):
            raise error("E133", f"{stmt.path!r} is outside the folder of the model ({self.import_root}); imports "
                        "stay inside it", stmt.span,
                        "move the file into the model's folder, or allow a wider folder with --import-root DIR "
                        "(Python: load(…, import_root=DIR))")
        if lexical.suffix != ".steer" or path.suffix != ".steer":
            raise error("E130", f"{stmt.path!r} is not a .steer file; only models are imported", stmt.span)
        key = str(path)
        if key in self.stack or key == str(Path(self.file).resolve()):
            raise error("E130", f"import cycle: {stmt.path} imports this file again", stmt.span,
                        "move the shared definitions into a third file")
        depth = len(self.stack) + 1
        if depth >= self.meter.limit("import_depth"):
            raise error(BUDGETS["import_depth"].code, f"this import is {depth + 1} files deep, more than the budget "
                        f"import_depth = {self.meter.limit('import_depth')}", stmt.span, raise_hint("import_depth"))
        if not found:
            folder = path.parent
            near = did_you_mean(path.name, [p.name for p in folder.glob("*.steer")]) if folder.is_dir() else None
            shown = os.path.relpath(folder) if folder.is_dir() else str(folder)
            raise error("E130", f"cannot find the imported file {stmt.path!r} (looked in {shown})", stmt.span,
                        f'did you mean "{near}"?' if near else "paths are relative to the importing file")
        text = read_model_file(path, stmt.span, repr(stmt.path))
        sub = Resolver(str(lexical), text, self.stack + (str(Path(self.file).resolve()),), self.sources,
                       meter=self.meter, import_root=self.import_root)
        try:
            model = sub.resolve()
        except SteerError as exc:
            exc.diagnostic.notes.append(f"while importing {stmt.path} at {self.file}:{stmt.span.line}")
            raise
        wanted = stmt.names if stmt.names is not None else tuple((n, n) for n in model.definitions)
        for name, alias in wanted:
            if name not in model.definitions:
                near = did_you_mean(name, list(model.definitions))
                raise error("E130", f"{stmt.path} defines no {name!r}", stmt.span,
                            f'did you mean "{near}"?' if near else None)
            d = model.definitions[name]
            self.define(alias, d.kind, d.value, d.span, d.statement)
        if self.scenario is None and model.scenario is not None and stmt.names is None:
            self.scenario = model.scenario
            self.scenario_span = model.scenario_span


def _absolute(path: str | Path) -> Path:
    """``path`` made absolute and normalised (``..`` removed) without following links."""
    return Path(os.path.normpath(os.path.abspath(path)))


def _always_called(node) -> set[str]:
    """Names of the functions an expression calls whatever its values: not inside a conditional,
    the right side of ``and``/``or``, or a comprehension (which may have no terms)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Conditional):
            stack.append(n.test)
            continue
        if isinstance(n, ast.BoolOp):
            stack.append(n.left)
            continue
        if isinstance(n, ast.Comprehension):
            stack.extend(r for f in n.fors for r in (f.range.lo, f.range.hi))
            continue
        if isinstance(n, ast.Call):
            out.add(n.func)
        for value in vars(n).values() if hasattr(n, "__dict__") else ():
            if isinstance(value, ast.Expr):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, ast.Expr))
                stack.extend(e for v in value if isinstance(v, tuple) for e in v if isinstance(e, ast.Expr))
    return out


def _cycle_through(start: str, calls: dict[str, set[str]]) -> list[str] | None:
    """A chain of always-made calls from ``start`` back to it, or None."""
    stack, seen = [(start, [start])], {start}
    while stack:
        f, path = stack.pop()
        for g in sorted(calls.get(f, ())):
            if g == start:
                return path + [start]
            if g in calls and g not in seen:
                seen.add(g)
                stack.append((g, path + [g]))
    return None


def load_text(text: str, file: str = "<string>", overrides: dict[str, str] | None = None,
              budgets: dict[str, int] | None = None, import_root: str | Path | None = None) -> Model:
    """Parse and resolve model text (raises :class:`SteerError` on a mistake).

    ``overrides`` (``{name: exact expression text}``) replace the values of ``let`` parameters
    or sweep-declared parameters, as a sweep does at each of its points.  ``budgets`` raise (or
    lower) named limits (:data:`steerdsl.limits.BUDGETS`); ``import_root`` is the folder
    imports must stay in (default: the model's folder)."""
    meter = Meter(parse_budgets(budgets))
    return Resolver(file, text, overrides=overrides, meter=meter, import_root=import_root).resolve()


def load_file(path: str | Path, budgets: dict[str, int] | None = None,
              import_root: str | Path | None = None) -> Model:
    """Parse and resolve a ``.steer`` file (only a regular file, within the budget input_bytes)."""
    meter = Meter(parse_budgets(budgets))
    with metering(meter):
        text = read_model_file(path)
    return Resolver(str(path), text, meter=meter, import_root=import_root).resolve()

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
from steerdsl.exact.limits import TooLarge
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

QUESTIONS = (ast.Check, ast.Solve, ast.Bound, ast.ValueOf, ast.ExpectStmt, ast.Assert)


class Resolver:
    """Turns one module (and, recursively, its imports) into a :class:`Model`."""

    def __init__(self, file: str, text: str, stack: tuple[str, ...] = (), sources: dict[str, str] | None = None,
                 overrides: dict[str, str] | None = None):
        self.file = file
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
        )

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
        module = parse(self.text, self.file)
        self.let_names = {s.name for s in module.statements if isinstance(s, ast.Let) and s.params is None}
        for stmt in module.statements:
            try:
                self.statement(stmt)
            except TooLarge as exc:  # sizes met outside an expression (map dimensions, tables)
                raise error("E181", str(exc), getattr(stmt, "span", None), "make the object smaller") from None
        check_overrides_used(self)
        return Model(self.file, self.scenario, self.definitions, self.questions, self.sources,
                     self.scenario_span, self.evaluator, self.sweeps, self.params,
                     functools.partial(load_text, self.text, self.file))

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

    # ------------------------------------------------------------------ imports
    def do_import(self, stmt: ast.Import) -> None:
        base = Path(self.file).parent if not self.file.startswith("<") else Path.cwd()
        try:
            path = (base / stmt.path).resolve()
            found = path.is_file()
        except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL byte
            reason = getattr(exc, "strerror", None) or exc  # not str(OSError): it repeats the absolute path
            raise error("E130", f"cannot use {stmt.path!r} as a file name: {reason}", stmt.span) from None
        key = str(path)
        if key in self.stack or key == str(Path(self.file).resolve()):
            raise error("E130", f"import cycle: {stmt.path} imports this file again", stmt.span,
                        "move the shared definitions into a third file")
        if not found:
            folder = path.parent
            near = did_you_mean(path.name, [p.name for p in folder.glob("*.steer")]) if folder.is_dir() else None
            shown = os.path.relpath(folder) if folder.is_dir() else str(folder)
            raise error("E130", f"cannot find the imported file {stmt.path!r} (looked in {shown})", stmt.span,
                        f'did you mean "{near}"?' if near else "paths are relative to the importing file")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise error("E130", f"cannot read the imported file {stmt.path!r}: {exc}", stmt.span) from None
        sub = Resolver(str(path), text, self.stack + (str(Path(self.file).resolve()),), self.sources)
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


def load_text(text: str, file: str = "<string>", overrides: dict[str, str] | None = None) -> Model:
    """Parse and resolve model text (raises :class:`SteerError` on a mistake).

    ``overrides`` (``{name: exact expression text}``) replace the values of ``let`` parameters
    or sweep-declared parameters, as a sweep does at each of its points."""
    return Resolver(file, text, overrides=overrides).resolve()


def load_file(path: str | Path) -> Model:
    """Parse and resolve a ``.steer`` file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("E131", f"no such file: {p}", None, "check the path") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise error("E131", f"cannot read {p}: {exc}", None) from None
    return Resolver(str(p), text).resolve()

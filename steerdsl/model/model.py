"""A resolved model: its scenario, named exact values, and the questions it asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steerdsl.diagnostics import Span
from steerdsl.model.scenario import Scenario
from steerdsl.syntax import ast


@dataclass
class Definition:
    """A named value with what kind of statement made it and where."""

    name: str
    kind: str
    value: Any
    span: Span | None
    statement: Any = None


@dataclass
class Model:
    """The result of resolving a ``.steer`` file.

    Index it by name to get exact values: ``model["sigma"]`` is an
    :class:`~steerdsl.model.assemblage.Assemblage`, ``model["Breuer"]`` a
    :class:`~steerdsl.model.values.LinearMap`, and so on."""

    file: str
    scenario: Scenario | None
    definitions: dict[str, Definition]
    questions: list[ast.Statement]
    sources: dict[str, str] = field(default_factory=dict)
    scenario_span: Span | None = None
    evaluator: Any = None
    sweeps: list = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.definitions[name].value
        except KeyError:
            raise KeyError(f"{name!r} is not defined in {self.file}; defined: "
                           f"{', '.join(self.definitions) or 'nothing'}") from None

    def __contains__(self, name: str) -> bool:
        return name in self.definitions

    def names(self, kind: str | None = None) -> list[str]:
        return [n for n, d in self.definitions.items() if kind is None or d.kind == kind]

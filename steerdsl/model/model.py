"""A resolved model: its scenario, named exact values, and the questions it asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
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
    params: dict[str, str] = field(default_factory=dict)
    reload: Callable[[dict[str, str]], Model] | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.definitions[name].value
        except KeyError:
            raise KeyError(f"{name!r} is not defined in {self.file}; defined: "
                           f"{', '.join(self.definitions) or 'nothing'}") from None

    def __setitem__(self, name: str, value: Any) -> None:
        raise TypeError(f"a model is a value: model.with_params({name}=…) gives the model re-evaluated "
                        f"with the new {name}")

    def with_params(self, **params: Any) -> Model:
        """The same model text re-evaluated with ``let`` parameters (or sweep parameters) set:
        ``model.with_params(v=0.7)``.  Values are exact: an int or ``Fraction`` as it is, a float as the
        decimal it prints as (``0.7`` is 7/10, as in the language), an exact number or a string as an
        expression of the language (``"1/sqrt(2)"``).  Earlier settings are kept unless overridden."""
        if self.reload is None:
            raise ValueError(f"{self.file} was not loaded from text, so it cannot be re-evaluated")
        return self.reload({**self.params, **{k: parameter_text(k, v) for k, v in params.items()}})

    def __contains__(self, name: str) -> bool:
        return name in self.definitions

    def names(self, kind: str | None = None) -> list[str]:
        return [n for n, d in self.definitions.items() if kind is None or d.kind == kind]


def parameter_text(name: str, value: Any) -> str:
    """A Python value as the exact expression text a parameter override takes (see
    :meth:`Model.with_params`)."""
    if isinstance(value, bool) or isinstance(value, complex):
        raise TypeError(f"parameter {name}: {value!r} is not a real number or an expression")
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (int, float, str)):
        return repr(value) if isinstance(value, float) else str(value)
    if hasattr(value, "is_real") and getattr(value, "is_real", False):
        return str(value)  # an exact number prints in the language's syntax
    raise TypeError(f"parameter {name}: cannot use a {type(value).__name__} as a value")

"""The model ``sd.load`` returns: a :class:`~steerdsl.model.model.Model` that also answers its questions.

The model layer (``steerdsl/model/``) must not import what runs models (``steerdsl.run``, the tasks, the
API), so the methods that do live here, one layer up, on a subclass: ``model.run()`` answers every question
of the file as ``steer run`` does, ``model.check()`` runs its exact checks as ``steer check`` does, and
``model.constraints("sympy")`` gives its validity conditions as sympy expressions.  ``with_params`` keeps the
type, so ``sd.load(path).with_params(v=0.7).run()`` works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from steerdsl.checking import ModelReport, check_model
from steerdsl.emit_constraints import Constraints, constraints
from steerdsl.model.model import Model
from steerdsl.run import RunReport, run_model


@dataclass
class LoadedModel(Model):
    """A resolved ``.steer`` model (every field and method of :class:`~steerdsl.model.model.Model`) with
    :meth:`run`, :meth:`check` and :meth:`constraints`."""

    @classmethod
    def of(cls, model: Model) -> LoadedModel:
        """The same model (the same objects, not copies) with this class's methods."""
        return model if isinstance(model, cls) else cls(**{f.name: getattr(model, f.name) for f in fields(Model)})

    def with_params(self, **params: Any) -> LoadedModel:
        """:meth:`Model.with_params <steerdsl.model.model.Model.with_params>`: the model re-evaluated with
        ``let`` parameters set (``model.with_params(v=0.7)``), as a :class:`LoadedModel`."""
        return LoadedModel.of(super().with_params(**params))

    def run(self, *, solver: str | None = None, progress: Callable[[str], None] | None = None,
            max_sdp_size: int | None = None, time_limit_seconds: float | None = None,
            max_sdp_memory: float | None = None) -> RunReport:
        """Answer every question of the model, exactly as ``steer run`` does (its JSON is
        ``model.run().to_json()``): :func:`steerdsl.run.run_model` with the same keywords."""
        return run_model(self, progress=progress, solver=solver, max_sdp_size=max_sdp_size,
                         time_limit_seconds=time_limit_seconds, max_sdp_memory=max_sdp_memory)

    def check(self) -> ModelReport:
        """Every exact check of the model (physics.md §2), as ``steer check`` runs them."""
        return check_model(self)

    def constraints(self, form: str = "sympy") -> Constraints:
        """Every validity condition of the model's objects as sympy expressions (``== 0`` or ``>= 0``;
        :func:`steerdsl.emit_constraints.constraints`), which sympy alone can evaluate."""
        return constraints(self, form)

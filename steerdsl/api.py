"""The Python API: the same functions the ``steer`` command uses.

>>> import steerdsl as sd
>>> model = sd.load("models/e04_pr_box_tripartite.steer")   # doctest: +SKIP
>>> sigma = model["sigma"]                                  # an exact Assemblage
>>> sd.check(sigma, "nonsignalling").status                 # doctest: +SKIP
'pass'
"""

from __future__ import annotations

from pathlib import Path

from steerdsl.checking import ModelReport, check_model, check_property
from steerdsl.exact.report import CheckResult, combine
from steerdsl.model.model import Model
from steerdsl.model.resolve import load_file, load_text


def load(path: str | Path, budgets: dict[str, int] | None = None, import_root: str | Path | None = None) -> Model:
    """Parse and resolve a ``.steer`` file into a :class:`Model`.

    Raises :class:`steerdsl.SteerError` (with a diagnostic naming file, line
    and column) when the model is wrong.  ``budgets`` raise named limits
    (``{"sum_terms": 10**6}``, see docs/reliability.md); ``import_root`` is the
    folder imports must stay in (default: the model's folder)."""
    return load_file(path, budgets, import_root)


def loads(text: str, file: str = "<string>", budgets: dict[str, int] | None = None,
          import_root: str | Path | None = None) -> Model:
    """Parse and resolve model text; ``file`` names it in diagnostics (``budgets`` and
    ``import_root`` as for :func:`load`)."""
    return load_text(text, file, budgets=budgets, import_root=import_root)


def check(obj, *properties: str) -> CheckResult | ModelReport:
    """Exact checks (physics.md §2).

    ``check(model)`` runs every check of a model and returns a
    :class:`ModelReport` (what ``steer check`` prints); ``check(value,
    "nonsignalling", …)`` answers named properties of one assemblage, map,
    state or measurement and returns one :class:`CheckResult` (pass / fail /
    undecided with the residual).  Without properties a value is checked for
    validity."""
    if isinstance(obj, Model):
        return check_model(obj)
    name = getattr(obj, "name", "value")
    props = properties or ("valid",)
    results = [check_property(obj, name, p) for p in props]
    return results[0] if len(results) == 1 else combine(results, name, ",".join(props))

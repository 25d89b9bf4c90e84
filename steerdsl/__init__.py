"""steerdsl: a declarative language and compiler for steering beyond quantum theory.

Write a scenario in a ``.steer`` file, run ``steer check`` / ``steer run`` on
it, or embed the compiler::

    import steerdsl as sd
    model = sd.load("models/e05_breuer_map.steer")
    sd.check(model["sigma"], "nonsignalling")

Names are imported lazily, so ``import steerdsl.model.scenario`` stays light.
"""

from importlib import import_module

_EXPORTS = {
    "check": "steerdsl.api",
    "load": "steerdsl.api",
    "loads": "steerdsl.api",
    "ghjw": "steerdsl.exact.ghjw",
    "sweep": "steerdsl.sweeps.run",
    "search_functional": "steerdsl.sweeps.search",
    "SweepTable": "steerdsl.sweeps.table",
    "Diagnostic": "steerdsl.diagnostics",
    "SteerError": "steerdsl.diagnostics",
    "Assemblage": "steerdsl.model.assemblage",
    "Functional": "steerdsl.model.assemblage",
    "Model": "steerdsl.model.model",
    "Alice": "steerdsl.model.scenario",
    "Bob": "steerdsl.model.scenario",
    "Scenario": "steerdsl.model.scenario",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'steerdsl' has no attribute {name!r}")

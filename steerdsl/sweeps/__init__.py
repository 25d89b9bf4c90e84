"""Sweeps: re-ask a model's questions over a grid of parameter values, serially, in a local
process pool or on a Dask cluster, with results saved as they arrive (see :mod:`steerdsl.sweeps.run`).

Names are imported lazily: the resolver imports :mod:`steerdsl.sweeps.declare` and must not pull in
the task machinery."""

from importlib import import_module

_EXPORTS = {
    "sweep": "steerdsl.sweeps.run",
    "SweepTable": "steerdsl.sweeps.table",
    "SweepSpec": "steerdsl.sweeps.grid",
    "Point": "steerdsl.sweeps.grid",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'steerdsl.sweeps' has no attribute {name!r}")

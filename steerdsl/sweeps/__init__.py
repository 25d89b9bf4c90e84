"""Sweeps: re-ask a model's questions over a grid of parameter values, serially, in a local
process pool or on a Dask cluster, with results saved as they arrive (see :func:`steerdsl.sweeps.run.sweep`,
also ``steerdsl.sweep``).

The package re-exports nothing: the resolver imports :mod:`steerdsl.sweeps.declare`, which must not pull
in the task machinery (:mod:`steerdsl.sweeps.run` imports the resolver)."""

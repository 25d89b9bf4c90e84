"""The sets a question can be asked over, one module each, and the registry that lists them.

:mod:`steerdsl.sets.spec` gives the shape of an entry, :mod:`steerdsl.sets.registry` the list of sets and the
one dispatch (look up the set, check the scenario kind, check the options, estimate the size, call).  A
contributor adds a set by writing one module here and one line in the registry (docs/contributing.md).
"""

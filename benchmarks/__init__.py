"""Benchmarks of steerdsl against peers (toqito's NPA constraints, hand-written picos models).

Run everything with ``python -m benchmarks`` (``--quick`` for a short run); the table and the
scaling plots land in ``docs/benchmarks.md``, ``docs/benchmarks.json`` and ``docs/benchmarks/*.png``.
Peers are installed with the optional extra ``bench`` (toqito, cvxpy, matplotlib).
"""

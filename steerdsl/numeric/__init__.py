"""Numerical estimates that are not SDPs (non-convex optimisation); every result says it is numeric."""

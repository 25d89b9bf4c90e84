"""Linear maps from a formula, Kraus operators, or a Choi matrix.

A formula ``Λ(r)`` is evaluated on the Hermitian matrix units
``E_ii``, ``E_ij + E_ji`` and ``i(E_ij − E_ji)``; the complex-linear extension
``Λ(E_ij) = ½[Λ(E_ij + E_ji) − i·Λ(i(E_ij − E_ji))]`` then gives the Choi
matrix ``J = Σ_ij |i⟩⟨j| ⊗ Λ(E_ij)``.  This agrees with the formula on every
Hermitian input whenever the formula is real-linear on Hermitian matrices,
which is checked exactly on the units' sums before the map is accepted.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.diagnostics import error
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import apply_choi, choi_from_images, choi_from_kraus
from steerdsl.model.evaluate import Evaluator, materialise
from steerdsl.model.values import LinearMap
from steerdsl.syntax import ast


def _unit(n: int, i: int, j: int) -> np.ndarray:
    m = alg.zeros(n, n)
    m[i, j] = Cyclo(1)
    return m


def _formula_image(stmt: ast.MapDef, ev: Evaluator, arg: np.ndarray) -> np.ndarray:
    value = materialise(ev.eval(stmt.body[0], {stmt.param: arg}), stmt.dout)
    if not alg.is_matrix(value):
        if stmt.dout == 1:
            value = alg.as_matrix(value)
        else:
            raise error("E104", f"map {stmt.name} returns a number, but its output dimension is {stmt.dout}",
                        stmt.body[0].span)
    if value.shape != (stmt.dout, stmt.dout):
        raise error("E104", f"map {stmt.name} returns a {alg.shape_text(value)} matrix, but it is declared "
                    f"{stmt.din} -> {stmt.dout}", stmt.body[0].span,
                    f"declare it as {stmt.din} -> {value.shape[0]}" if value.shape[0] == value.shape[1] else None)
    return value


def _from_formula(stmt: ast.MapDef, ev: Evaluator) -> LinearMap:
    n = stmt.din
    half = Cyclo(Fraction(1, 2))
    herm: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def image(i: int, j: int) -> np.ndarray:
        if i == j:
            return _formula_image(stmt, ev, _unit(n, i, i))
        lo, hi = min(i, j), max(i, j)
        if (lo, hi) not in herm:
            sym = _unit(n, lo, hi) + _unit(n, hi, lo)
            asym = (_unit(n, lo, hi) - _unit(n, hi, lo)) * Cyclo.I
            herm[(lo, hi)] = (_formula_image(stmt, ev, sym), _formula_image(stmt, ev, asym))
        s, a = herm[(lo, hi)]
        # E_lo,hi = ½[(E+Eᵀ) − i·i(E−Eᵀ)],  E_hi,lo = ½[(E+Eᵀ) + i·i(E−Eᵀ)]
        ia = alg.binary("*", Cyclo.I, a)
        return alg.binary("*", half, alg.binary("-" if i < j else "+", s, ia))

    choi = choi_from_images(n, image)
    lin = LinearMap(stmt.name, n, stmt.dout, choi, "formula", span=stmt.span)
    _check_linear(stmt, ev, lin)
    return lin


def _check_linear(stmt: ast.MapDef, ev: Evaluator, lin: LinearMap) -> None:
    """The formula must agree with its Choi extension on a generic Hermitian test input."""
    n = stmt.din
    test = alg.zeros(n, n)
    for i in range(n):
        for j in range(n):
            if i == j:
                test[i, j] = Cyclo(Fraction(2 * i + 3, 7))
            elif i < j:
                test[i, j] = Cyclo(Fraction(i + 2 * j + 1, 5)) + Cyclo.I * Cyclo(Fraction(j - i, 3))
            else:
                test[i, j] = test[j, i].conjugate()
    direct = _formula_image(stmt, ev, test)
    via_choi = apply_choi(lin.choi, n, stmt.dout, test)
    if not alg.equal(direct, via_choi):
        raise error("E150", f"map {stmt.name} is not linear in {stmt.param}", stmt.body[0].span,
                    f"a map's formula must be linear in its argument (no constants, no products of {stmt.param})")


def build_map(stmt: ast.MapDef, ev: Evaluator) -> LinearMap:
    """A :class:`LinearMap` from a ``map`` statement."""
    if stmt.din < 1 or stmt.dout < 1:
        raise error("E150", "map dimensions must be at least 1", stmt.span)
    if stmt.kind == "formula":
        return _from_formula(stmt, ev)
    if stmt.kind == "kraus":
        ops = []
        for expr in stmt.body:
            k = ev.eval(expr, {})
            if not alg.is_matrix(k) or k.shape != (stmt.dout, stmt.din):
                got = alg.shape_text(k) if alg.is_matrix(k) else "a number"
                raise error("E104", f"a Kraus operator of a {stmt.din} -> {stmt.dout} map is "
                            f"{stmt.dout}×{stmt.din}, got {got}", expr.span)
            ops.append(k)
        exact = all(alg.is_exact(k) for k in ops)
        if not exact:
            ops = [alg.to_numeric(k) for k in ops]
        return LinearMap(stmt.name, stmt.din, stmt.dout, choi_from_kraus(stmt.din, ops), "kraus", ops, stmt.span)
    choi = ev.eval(stmt.body[0], {})
    size = stmt.din * stmt.dout
    if not alg.is_matrix(choi) or choi.shape != (size, size):
        got = alg.shape_text(choi) if alg.is_matrix(choi) else "a number"
        raise error("E104", f"the Choi matrix of a {stmt.din} -> {stmt.dout} map is {size}×{size}, got {got}",
                    stmt.body[0].span)
    return LinearMap(stmt.name, stmt.din, stmt.dout, choi, "choi", span=stmt.span)

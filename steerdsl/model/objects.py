"""Evaluate states, measurements, assemblages, functionals and behaviours.

Indexed definitions ``sigma[a|x y] = …`` are evaluated once per key of the
scenario with the header's names bound to the key's labels; case blocks take
the first entry whose conditions hold; tables list entries explicitly, in
full or Collins–Gisin form.
"""

from __future__ import annotations

from math import prod
from typing import Any, Protocol

import numpy as np

from steerdsl.diagnostics import did_you_mean, error
from steerdsl.limits import check_count
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.constructs import apply_choi, bob_marginals, functional_parts, measure_state
from steerdsl.model.evaluate import Evaluator, expand_digits, materialise
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.model.tables import build_table
from steerdsl.model.values import Behaviour, LinearMap, Measurement, ScaledIdentity, State
from steerdsl.syntax import ast


class Resolving(Protocol):
    """What the object builder needs of the resolver (:class:`steerdsl.model.resolve.Resolver`, which
    imports this module): its evaluator and the declared scenario."""

    evaluator: Evaluator

    def need_scenario(self, span) -> Scenario:
        """The scenario, or E120 at ``span`` when none is declared yet."""


def _fmt_key(names: list[str], values: list[int]) -> str:
    return ", ".join(f"{n}={v}" for n, v in zip(names, values))


class ObjectBuilder:
    """The resolver's evaluation of structured definitions."""

    def __init__(self, resolver: Resolving):
        self.r = resolver

    @property
    def ev(self):
        return self.r.evaluator

    # ------------------------------------------------------------------ states
    def state(self, stmt: ast.StateDef) -> State:
        sc = self.r.need_scenario(stmt.span)
        value = self.ev.eval(stmt.body, {})
        if not alg.is_matrix(value):
            raise error("E103", f"state {stmt.name} must be a ket or a density matrix", stmt.body.span)
        pure = value.shape[1] == 1
        rho = alg.binary("*", value, alg.dagger(value)) if pure else value
        if rho.shape[0] != rho.shape[1]:
            raise error("E104", f"state {stmt.name} is a {alg.shape_text(value)} matrix; a state is a ket "
                        "(a column) or a square density matrix", stmt.body.span)
        parties = {p.name: p for p in sc.alices + sc.bobs}
        dims: list[int | None] = []
        for pd in stmt.parties:
            if pd.name not in parties:
                near = did_you_mean(pd.name, list(parties))
                raise error("E123", f"unknown party {pd.name!r}", pd.span,
                            f'did you mean "{near}"?' if near else f"parties: {', '.join(parties)}")
            p = parties[pd.name]
            if isinstance(p, Bob):
                if pd.dim is not None and pd.dim != p.dim:
                    raise error("E104", f"bob {p.name} has dimension {p.dim}, not {pd.dim}", pd.span)
                dims.append(p.dim)
            else:
                dims.append(pd.dim)
        names = [pd.name for pd in stmt.parties]
        if len(set(names)) != len(names):
            raise error("E123", "a party is listed twice", stmt.span)
        total = rho.shape[0]
        known = prod(d for d in dims if d is not None)
        unknown = [k for k, d in enumerate(dims) if d is None]
        if unknown:
            rest, rem = divmod(total, known)
            each = round(rest ** (1 / len(unknown)))
            if rem or each ** len(unknown) != rest:
                raise error("E104", f"state {stmt.name} has dimension {total}, which does not split over "
                            f"{' '.join(names)} with the known dimensions {dims}", stmt.body.span,
                            "give the Alices' dimensions explicitly, e.g. on A(2) B")
            for k in unknown:
                dims[k] = each
        if prod(dims) != total:
            raise error("E104", f"state {stmt.name} has dimension {total}, but the parties "
                        f"{' '.join(names)} have dimensions {' × '.join(map(str, dims))} = {prod(dims)}",
                        stmt.body.span)
        return State(stmt.name, tuple(names), tuple(dims), rho, pure, stmt.span, stmt.pseudo)

    # ------------------------------------------------------------------ measurements
    def measurement(self, stmt: ast.MeasurementDef) -> Measurement:
        h = stmt.header
        if len(h.outcomes) != 1 or len(h.inputs) > 1:
            raise error("E121", f"a measurement is written {stmt.name}[a|x] or {stmt.name}[a]", h.span)
        out_name = h.outcomes[0]
        in_name = h.inputs[0] if h.inputs else None
        inputs, outputs = 1, None
        if stmt.party is not None:
            sc = self.r.need_scenario(stmt.span)
            party = next((p for p in sc.alices + sc.bobs if p.name == stmt.party), None)
            if party is None:
                names = [p.name for p in sc.alices + sc.bobs]
                near = did_you_mean(stmt.party, names)
                raise error("E123", f"unknown party {stmt.party!r}", stmt.party_span,
                            f'did you mean "{near}"?' if near else f"parties: {', '.join(names)}")
            if isinstance(party, Alice):
                inputs, outputs = party.inputs, party.outputs
        ranges = {}
        for rb in stmt.ranges:
            lo, hi = self.ev.index(rb.range.lo, {}), self.ev.index(rb.range.hi, {})
            if rb.name not in (out_name, in_name):
                raise error("E121", f"{rb.name!r} is not an index of {stmt.name}", rb.span)
            if lo != 0 or hi < lo:
                raise error("E121", "index ranges start at 0: write 0..k-1", rb.range.span)
            ranges[rb.name] = hi + 1
        if in_name in ranges:
            if outputs is not None and ranges[in_name] != inputs:
                raise error("E121", f"{in_name} ranges over {ranges[in_name]} inputs, but {stmt.party} has {inputs}",
                            stmt.span, f"write 'for {in_name} in 0..{inputs - 1}', or leave the range out")
            inputs = ranges[in_name]
        check_count(f"the inputs of {stmt.name}", inputs)
        if out_name in ranges:
            check_count(f"the outcomes of {stmt.name}", ranges[out_name])
            outputs = (ranges[out_name],) * inputs
        if outputs is None:
            raise error("E121", f"the ranges of {stmt.name}'s indices are unknown", stmt.span,
                        f"write 'on PARTY' or 'for {out_name} in 0..k-1'")
        if in_name is None and inputs != 1:
            raise error("E121", f"{stmt.name} needs an input index: {stmt.name}[{out_name}|x]", h.span)
        elements: dict[tuple[int, int], Any] = {}
        for x in range(inputs):
            for a in range(outputs[x]):
                scope = {out_name: a}
                if in_name:
                    scope[in_name] = x
                elements[(a, x)] = self.definition_value(stmt.definition, scope, [out_name, in_name or "x"],
                                                         [a, x], stmt.name)
        dim = self._common_dim(elements, stmt)
        for k, v in elements.items():
            elements[k] = alg.as_matrix(materialise(v, dim)) if not alg.is_matrix(v) else v
        if not all(alg.is_exact(v) for v in elements.values()):
            elements = {k: alg.to_numeric(v) for k, v in elements.items()}
        return Measurement(stmt.name, dim, inputs, tuple(outputs), elements, stmt.party, stmt.span)

    def _common_dim(self, elements: dict, stmt) -> int:
        dims = {v.shape for v in elements.values() if alg.is_matrix(v)}
        if not dims:
            if all(isinstance(v, ScaledIdentity) for v in elements.values()):
                raise error("E104", f"the dimension of {stmt.name} is unknown (only I appears)", stmt.span,
                            "write I(d)")
            return 1
        if len(dims) > 1:
            raise error("E104", f"the elements of {stmt.name} have different sizes "
                        f"{sorted(f'{a}×{b}' for a, b in dims)}", stmt.span)
        (shape,) = dims
        if shape[0] != shape[1]:
            raise error("E104", f"the elements of {stmt.name} are {shape[0]}×{shape[1]}, not square", stmt.span)
        return shape[0]

    # ------------------------------------------------------------------ case blocks
    def definition_value(self, d: ast.Definition, scope: dict, names: list[str], values: list[int],
                         what: str, bob: str | None = None):
        """The value of a definition at one key (first matching case)."""
        if d.formula is not None:
            return self.ev.eval(d.formula, scope)
        for case in d.cases:
            if case.bob is not None and case.bob != bob:
                continue
            if case.otherwise or self._holds(case, scope):
                return self.ev.eval(case.body, scope)
        key = _fmt_key(names, values) + (f" for bob {bob}" if bob else "")
        raise error("E122", f"no case of {what} covers {key}", d.span,
                    "add the missing case or an 'otherwise' entry")

    def _holds(self, case: ast.Case, scope: dict) -> bool:
        for name, expr in case.conditions:
            if name is not None:
                if name not in scope:
                    near = did_you_mean(name, list(scope))
                    raise error("E101", f"{name!r} is not an index here", expr.span,
                                f'did you mean "{near}"?' if near else None)
                if not alg.equal(scope[name], self.ev.eval(expr, scope)):
                    return False
            elif not self.ev._truth(expr, scope):
                return False
        return True

    # ------------------------------------------------------------------ assemblages etc.
    ELEMENT_COST = 64
    """Exact operations counted per element of an assemblage, functional or behaviour (at least; dim² when
    larger): evaluating an element and checking it takes about 100 µs even when it is I/16."""

    def _charge_elements(self, stmt) -> Scenario:
        sc = self.r.need_scenario(stmt.span)
        alg.charge(sc.element_count() * max(self.ELEMENT_COST, sc.dim * sc.dim),
                   f"the cost of the {sc.element_count():,} elements of {stmt.name}")
        return sc

    def object_def(self, stmt: ast.ObjectDef):
        sc = self._charge_elements(stmt)
        if stmt.header is None:
            if stmt.definition.formula is None:
                raise error("E121", f"{stmt.kind} {stmt.name} needs an index header like {stmt.name}[a|x]",
                            stmt.span)
            value = self.ev.eval(stmt.definition.formula, {})
            return self._whole(stmt, value, sc)
        if stmt.kind == "behaviour":
            return self._behaviour(stmt, sc)
        names, keys = self._header_keys(stmt.header, sc, stmt.name)
        several = len(sc.bobs) > 1
        elements = {}
        for key, labels in keys:
            scope = dict(zip(names, labels))
            if several:
                if any(c.bob for c in stmt.definition.cases):
                    parts = tuple(
                        self._element(stmt, self.definition_value(stmt.definition, scope, names, labels,
                                                                  stmt.name, b.name), b.dim, labels, names)
                        for b in sc.bobs)
                else:
                    joint = self._element(stmt, self.definition_value(stmt.definition, scope, names, labels,
                                                                      stmt.name), sc.dim, labels, names)
                    parts = functional_parts(joint, sc.bob_dims, stmt.name, stmt.span) \
                        if stmt.kind == "functional" else bob_marginals(joint, sc.bob_dims)
                elements[key] = parts
            else:
                elements[key] = self._element(stmt, self.definition_value(stmt.definition, scope, names, labels,
                                                                          stmt.name), sc.dim, labels, names)
        return self._package(stmt.kind, stmt.name, sc, elements, stmt.numeric)

    def _header_keys(self, header: ast.Header, sc: Scenario, name: str):
        n_slots = len(sc.slots)
        n_in = n_slots + len(sc.bob_inputs)
        if len(header.outcomes) != n_slots or len(header.inputs) != n_in:
            want = (" ".join(f"a{j + 1}" for j in range(n_slots)) + "|" +
                    " ".join([f"x{j + 1}" for j in range(n_slots)] + [f"y{j + 1}" for j in range(len(sc.bob_inputs))]))
            if n_slots == 1:
                want = "a|x" + (" y" if sc.bob_inputs else "")
            raise error("E121", f"{name}[…] has {len(header.outcomes)} outcome and {len(header.inputs)} input "
                        f"index(es), but the {sc.kind} scenario needs {n_slots} and {n_in}", header.span,
                        f"write {name}[{want}]")
        names = list(header.outcomes) + list(header.inputs)
        if len(set(names)) != len(names):
            raise error("E121", "an index name is used twice in the header", header.span)
        keys = [((a, x, y), list(a) + list(x) + list(y)) for (a, x, y) in sc.keys()]
        return names, keys

    def _element(self, stmt, value, dim: int, labels, names):
        value = materialise(value, dim)
        if not alg.is_matrix(value):
            if isinstance(value, (bool, list)):
                raise error("E103", f"{stmt.name} at {_fmt_key(names, labels)} is not a number or matrix",
                            stmt.span)
            if dim == 1 or stmt.kind == "functional":
                return alg.binary("*", value, alg.identity(dim)) if alg.is_exact(value) else \
                    complex(value) * np.eye(dim, dtype=complex)
            raise error("E104", f"{stmt.name} at {_fmt_key(names, labels)} is a number, but Bob's dimension "
                        f"is {dim}", stmt.span, "multiply by I, e.g. p * I/2")
        if value.shape != (dim, dim):
            raise error("E104", f"{stmt.name} at {_fmt_key(names, labels)} is {alg.shape_text(value)}, but "
                        f"Bob's dimension is {dim}", stmt.span)
        return value

    def _package(self, kind: str, name: str, sc: Scenario, elements: dict, numeric: bool):
        flat = [m for v in elements.values() for m in (v if isinstance(v, tuple) else (v,))]
        exact = not numeric and all(alg.is_exact(m) for m in flat)
        if not exact:
            elements = {k: (tuple(alg.to_numeric(m) for m in v) if isinstance(v, tuple) else alg.to_numeric(v))
                        for k, v in elements.items()}
        if kind == "functional":
            return Functional(sc, elements, exact, name)
        return Assemblage(sc, elements, exact, name)

    def _whole(self, stmt: ast.ObjectDef, value, sc: Scenario):
        if stmt.kind == "behaviour" and isinstance(value, Behaviour):
            value.name = stmt.name
            return value
        if stmt.kind in ("assemblage", "functional") and isinstance(value, Assemblage):
            if value.scenario != sc:
                raise error("E104", f"{stmt.name} is built over a different scenario", stmt.span)
            if stmt.kind == "functional":
                return Functional(sc, dict(value.elements), value.exact, stmt.name)
            elements = value.elements
            if stmt.numeric and value.exact:
                return value.to_numeric()
            return Assemblage(sc, dict(elements), value.exact, stmt.name)
        kind = type(value).__name__ if not alg.is_matrix(value) else "a matrix"
        raise error("E103", f"{stmt.name} must be a whole {stmt.kind}, but this is {kind}",
                    stmt.definition.formula.span,
                    f"index it: {stmt.kind} {stmt.name}[a|x] = …")

    def _behaviour(self, stmt: ast.ObjectDef, sc: Scenario) -> Behaviour:
        if sc.dim != 1:
            raise error("E120", "a behaviour p[a|x] is written in a Bell scenario (no bob, or dim 1)", stmt.span,
                        "derive it from an assemblage: behaviour p = measure sigma with B: N")
        names, keys = self._header_keys(stmt.header, sc, stmt.name)
        probs = {}
        for (a, x, _y), labels in keys:
            v = self.definition_value(stmt.definition, dict(zip(names, labels)), names, labels, stmt.name)
            if alg.is_matrix(v) or isinstance(v, (ScaledIdentity, list)):
                raise error("E103", f"p at {_fmt_key(names, labels)} must be a number", stmt.span)
            probs[(a, x)] = v
        exact = not stmt.numeric and all(alg.is_exact(v) for v in probs.values())
        if not exact:
            probs = {k: complex(v) for k, v in probs.items()}
        return Behaviour(stmt.name, sc, probs, exact, stmt.span)

    # ------------------------------------------------------------------ tables
    def table(self, stmt: ast.TableDef):

        self._charge_elements(stmt)
        return build_table(self, stmt)

    # ------------------------------------------------------------------ subscripts
    def subscript(self, base, outcomes: list, inputs: list | None, span):
        if isinstance(base, (Assemblage, Functional)):
            sc = base.scenario
            n_slots, n_in = len(sc.slots), len(sc.slots) + len(sc.bob_inputs)
            a = expand_digits(outcomes, n_slots)
            x = expand_digits(inputs or [], n_in)
            if a is None or x is None:
                raise error("E121", f"{base.name}[…] takes {n_slots} outcome(s) and {n_in} input(s)", span)
            key = (tuple(a), tuple(x[:n_slots]), tuple(x[n_slots:]))
            if key not in base.elements:
                raise error("E105", f"{base.name}[{' '.join(map(str, a))}|{' '.join(map(str, x))}] is out of range",
                            span)
            return base.elements[key]
        if isinstance(base, Measurement):
            a = expand_digits(outcomes, 1)
            x = expand_digits(inputs or [0], 1)
            if a is None or x is None:
                raise error("E121", f"{base.name}[a|x] takes one outcome and one input", span)
            if (a[0], x[0]) not in base.elements:
                raise error("E105", f"{base.name}[{a[0]}|{x[0]}] is out of range", span)
            return base.elements[(a[0], x[0])]
        if isinstance(base, Behaviour):
            n = len(base.scenario.slots)
            a, x = expand_digits(outcomes, n), expand_digits(inputs or [], n)
            if a is None or x is None or (tuple(a), tuple(x)) not in base.probabilities:
                raise error("E105", f"{base.name}[…] is out of range or has the wrong number of labels", span)
            return base.probabilities[(tuple(a), tuple(x))]
        if alg.is_matrix(base) and inputs is None:
            idx = [v for v in outcomes if not isinstance(v, tuple)]
            if len(idx) == 2 or (len(idx) == 1 and base.shape[1] == 1):
                i, j = (idx[0], idx[1]) if len(idx) == 2 else (idx[0], 0)
                if not (0 <= i < base.shape[0] and 0 <= j < base.shape[1]):
                    raise error("E105", f"entry ({i}, {j}) is outside a {alg.shape_text(base)} matrix", span)
                return base[i, j]
        raise error("E103", "this value cannot be indexed like that", span)

    # ------------------------------------------------------------------ constructions
    def apply_map(self, lin: LinearMap, value, span):
        if isinstance(value, ScaledIdentity):
            value = materialise(value, lin.din)
        if isinstance(value, Assemblage):
            if len(value.scenario.bobs) > 1:
                raise error("E103", f"apply {lin.name} to one Bob's states, not to a several-Bobs assemblage",
                            span)
            if value.scenario.dim != lin.din:
                raise error("E104", f"map {lin.name} takes {lin.din}×{lin.din} matrices, but Bob's dimension "
                            f"is {value.scenario.dim}", span)
            if lin.din != lin.dout:
                raise error("E104", f"map {lin.name} changes the dimension ({lin.din} -> {lin.dout}); "
                            "the scenario's Bob would change too", span)
            out = {k: apply_choi(lin.choi, lin.din, lin.dout, v) for k, v in value.elements.items()}
            exact = value.exact and lin.exact
            return Assemblage(value.scenario, out, exact, value.name)
        if not alg.is_matrix(value):
            raise error("E103", f"map {lin.name} takes a matrix or an assemblage", span)
        if value.shape != (lin.din, lin.din):
            raise error("E104", f"map {lin.name} takes {lin.din}×{lin.din} matrices, got {alg.shape_text(value)}",
                        span)
        return apply_choi(lin.choi, lin.din, lin.dout, value)

    def measure(self, target, pairs: list[tuple[str, Any]], span):
        sc = self.r.need_scenario(span)
        if isinstance(target, Assemblage):
            from steerdsl.model.behaviours import behaviour_from_assemblage

            return behaviour_from_assemblage(target, pairs, span)
        if not isinstance(target, State):
            raise error("E103", "measure takes a state (or an assemblage, for Bob's measurements)", span)
        by_party = {}
        for party, meas in pairs:
            if not isinstance(meas, Measurement):
                raise error("E103", f"{party}: expected a measurement", span)
            if party in by_party:
                raise error("E123", f"{party} is measured twice", span)
            by_party[party] = meas
        alice_names = [a.name for a in sc.alices]
        for party in by_party:
            if party not in alice_names:
                near = did_you_mean(party, alice_names)
                raise error("E123", f"{party!r} is not an alice of the scenario", span,
                            f'did you mean "{near}"?' if near else f"alices: {', '.join(alice_names)}")
        missing = [a for a in alice_names if a not in by_party]
        if missing:
            raise error("E123", f"no measurement given for {', '.join(missing)}", span)
        needed = alice_names + [b.name for b in sc.bobs if b.dim > 1 or b.name in target.parties]
        for name in needed:
            if name not in target.parties:
                raise error("E123", f"state {target.name} has no system for {name}", span,
                            f"declare it on {' '.join(needed)}")
        extra = [p for p in target.parties if p not in needed]
        if extra:
            raise error("E123", f"state {target.name} has systems {extra} that are not in the scenario", span)
        if any(al.rounds > 1 for al in sc.alices):
            raise error("E120", "measure does not build sequential assemblages; define them by formula", span)
        dims = target.dims
        axes, povms = [], []
        for al in sc.alices:
            m = by_party[al.name]
            k = target.parties.index(al.name)
            if m.dim != dims[k]:
                raise error("E104", f"measurement {m.name} acts on dimension {m.dim}, but {al.name}'s system in "
                            f"{target.name} has dimension {dims[k]}", span)
            if m.inputs != al.inputs or tuple(m.outputs) != tuple(al.outputs):
                raise error("E104", f"measurement {m.name} has {m.inputs} input(s) with outputs {list(m.outputs)}, "
                            f"but alice {al.name} has {al.inputs} with {list(al.outputs)}", span)
            axes.append(k)
            povms.append(lambda a, x, m=m: m.elements[(a, x)])
        rho = target.rho
        exact = target.exact and all(m.exact for m in by_party.values())
        if not exact:
            rho = alg.to_numeric(rho)
            povms = [lambda a, x, f=f: alg.to_numeric(f(a, x)) for f in povms]
        raw = measure_state(rho, dims, axes, povms, sc)
        bob_order = [target.parties.index(b.name) for b in sc.bobs if b.name in target.parties]
        remaining = [k for k in range(len(dims)) if k not in axes]
        order = [remaining.index(k) for k in bob_order]
        rem_dims = tuple(dims[k] for k in remaining)
        elements = {}
        for y in sc.bob_input_tuples():
            for (a, x), el in raw.items():
                el = _permute(el, rem_dims, order)
                if el.shape == (0, 0) or not remaining:
                    el = alg.as_matrix(el)
                if len(sc.bobs) > 1:
                    elements[(a, x, y)] = bob_marginals(el, sc.bob_dims)
                else:
                    elements[(a, x, y)] = el if sc.dim > 1 or el.shape == (1, 1) else alg.as_matrix(el)
        return Assemblage(sc, elements, exact, target.name)


def _permute(m: np.ndarray, dims: tuple[int, ...], order: list[int]) -> np.ndarray:
    """Reorder the tensor factors of ``m`` (on ``dims``) into ``order``."""
    if order == sorted(order):
        return m
    n = len(dims)
    t = m.reshape(dims + dims)
    t = np.transpose(t, order + [n + k for k in order])
    d = prod(dims)
    return t.reshape(d, d)

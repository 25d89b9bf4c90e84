"""Explicit tables: every element listed, in full or Collins–Gisin form.

Full form: ``[a1 a2|x1 x2] = …`` for every key (``[00|01]`` spells labels
digit by digit).  Collins–Gisin form: ``rho = …`` (Bob's reduced state, or
the constant term of a functional), and for every non-empty subset of
parties ``A1A2[a1 a2|x1 x2] = …`` with every outcome but the last of each
measurement; the last outcomes are implied by no-signalling.
"""

from __future__ import annotations

from typing import Any, Protocol

from steerdsl.diagnostics import did_you_mean, error
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import full_from_cg, functional_parts
from steerdsl.model.evaluate import Evaluator, expand_digits
from steerdsl.model.scenario import Scenario
from steerdsl.syntax import ast


class TableBuilder(Protocol):
    """What a table needs of the object builder (:class:`steerdsl.model.objects.ObjectBuilder`, which
    imports this module): the resolver, the evaluator, and how it checks and packages elements."""

    r: Any
    ev: Evaluator

    def _element(self, stmt, value, dim: int, labels, names): ...

    def _package(self, kind: str, name: str, sc: Scenario, elements: dict, numeric: bool): ...

RHO_NAMES = ("rho", "ρ", "rho_B")


def split_parties(text: str, sc: Scenario) -> list[int] | None:
    """Split ``A1A2`` into slot indices by matching declared Alice names greedily."""
    labels = [s.label for s in sc.slots]
    out: list[int] = []
    pos = 0
    while pos < len(text):
        best = max((lab for lab in labels if text.startswith(lab, pos)), key=len, default=None)
        if best is None:
            return None
        out.append(labels.index(best))
        pos += len(best)
    return out


def build_table(builder: TableBuilder, stmt: ast.TableDef):
    sc = builder.r.need_scenario(stmt.span)
    if stmt.kind == "behaviour":
        raise error("E121", "write behaviours by formula or as a Bell-scenario assemblage table", stmt.span)
    if stmt.form == "cg":
        return _cg_table(builder, stmt, sc)
    return _full_table(builder, stmt, sc)


def _labels(builder, entry: ast.TableEntry, n_out: int, n_in: int, scope):
    a = expand_digits(builder.ev.labels(entry.outcomes, scope), n_out)
    x = expand_digits(builder.ev.labels(entry.inputs, scope), n_in)
    if a is None or x is None:
        raise error("E121", f"this entry needs {n_out} outcome and {n_in} input label(s)", entry.span)
    return a, x


def _full_table(builder, stmt: ast.TableDef, sc: Scenario):
    n_slots, n_in = len(sc.slots), len(sc.slots) + len(sc.bob_inputs)
    several = len(sc.bobs) > 1
    values: dict = {}
    scope: dict = {}
    for entry in stmt.entries:
        if entry.plain or entry.parties != stmt.name:
            raise error("E121", f"a full table lists its elements as {stmt.name}[a|x] = …", entry.span,
                        "use 'cg' for the Collins–Gisin form")
        a, x = _labels(builder, entry, n_out=n_slots, n_in=n_in, scope=scope)
        key = (tuple(a), tuple(x[:n_slots]), tuple(x[n_slots:]))
        if key not in set(sc.keys()):
            raise error("E105", f"[{' '.join(map(str, a))}|{' '.join(map(str, x))}] is out of range for this "
                        "scenario", entry.span)
        bob_index = 0
        if several:
            names = [b.name for b in sc.bobs]
            if entry.bob not in names:
                raise error("E123", "each entry of a several-Bobs table names its Bob: [a|x] on B1 = …",
                            entry.span, f"bobs: {', '.join(names)}")
            bob_index = names.index(entry.bob)
        slot = (key, bob_index)
        if slot in values:
            raise error("E124", "this entry is listed twice", entry.span)
        dim = sc.bobs[bob_index].dim
        value = builder.ev.eval(entry.body, scope)
        values[slot] = builder._element(_Named(stmt), value, dim, list(a) + list(x), ["a"] * n_slots + ["x"] * n_in)
    elements = {}
    for key in sc.keys():
        parts = []
        for k in range(len(sc.bobs)):
            if (key, k) not in values:
                a, x, y = key
                raise error("E122", f"table {stmt.name} has no entry [{' '.join(map(str, a))}|"
                            f"{' '.join(map(str, x + y))}]" + (f" on {sc.bobs[k].name}" if several else ""),
                            stmt.span, "list every element, or use the cg form")
            parts.append(values[(key, k)])
        elements[key] = tuple(parts) if several else parts[0]
    return builder._package(stmt.kind, stmt.name, sc, elements, stmt.numeric)


class _Named:
    """Carries the name and kind of a table to the element checker."""

    def __init__(self, stmt: ast.TableDef):
        self.name = stmt.name
        self.kind = stmt.kind
        self.span = stmt.span


def _cg_table(builder, stmt: ast.TableDef, sc: Scenario):
    if len(sc.bobs) > 1 or sc.bob_inputs or sc.kind == "instrumental":
        raise error("E121", "the cg form is for scenarios with one Bob without input", stmt.span)
    entries: dict = {}
    slots = sc.slots

    def lookup(name: str, outcomes: list, inputs: list, span):
        return _cg_get(entries, name, outcomes, inputs, span, sc)

    scope: dict = {"__table__": lookup}
    for entry in stmt.entries:
        if entry.plain:
            if entry.parties not in RHO_NAMES + tuple(b.name for b in sc.bobs):
                raise error("E121", f"unknown cg entry {entry.parties!r}", entry.span,
                            "write rho = … for Bob's reduced state, or PARTIES[a|x] = …")
            key = ((), (), ())
        else:
            subset = split_parties(entry.parties, sc)
            if subset is None or len(set(subset)) != len(subset):
                near = did_you_mean(entry.parties, [s.label for s in slots])
                raise error("E123", f"{entry.parties!r} is not a list of distinct alices", entry.span,
                            f'did you mean "{near}"?' if near else f"alices: {', '.join(s.label for s in slots)}")
            a, x = _labels(builder, entry, len(subset), len(subset), scope)
            order = sorted(range(len(subset)), key=lambda k: subset[k])
            subset_sorted = tuple(subset[k] for k in order)
            a = tuple(a[k] for k in order)
            x = tuple(x[k] for k in order)
            for j, aj, xj in zip(subset_sorted, a, x):
                s = slots[j]
                if not 0 <= xj < s.inputs:
                    raise error("E105", f"input {xj} is out of range for {s.label} ({s.inputs} inputs)", entry.span)
                if not 0 <= aj < s.outputs[xj] - 1:
                    raise error("E105", f"outcome {aj} of {s.label} is not a cg entry: the last outcome "
                                f"({s.outputs[xj] - 1}) is implied", entry.span,
                                "list only outcomes 0..k-2 in the cg form")
            key = (subset_sorted, a, x)
        if key in entries:
            raise error("E124", "this entry is listed twice", entry.span)
        value = builder.ev.eval(entry.body, scope)
        entries[key] = builder._element(_Named(stmt), value, sc.dim, [], [])
    if stmt.kind == "functional":
        from steerdsl.model.assemblage import Functional

        terms = {}
        for (subset, a, x), op in entries.items():
            full_a = tuple(a[subset.index(j)] if j in subset else None for j in range(len(slots)))
            full_x = tuple(x[subset.index(j)] if j in subset else None for j in range(len(slots)))
            terms[(full_a, full_x, ())] = functional_parts(op, sc.bob_dims, stmt.name, stmt.span) \
                if len(sc.bobs) > 1 else op
        flat = [m for v in terms.values() for m in (v if isinstance(v, tuple) else (v,))]
        exact = not stmt.numeric and all(alg.is_exact(m) for m in flat)
        if not exact:
            terms = {k: tuple(alg.to_numeric(m) for m in v) if isinstance(v, tuple) else alg.to_numeric(v)
                     for k, v in terms.items()}
        return Functional(sc, terms, exact, stmt.name)

    def marginal(subset, a, x):
        key = (tuple(subset), tuple(a), tuple(x))
        if key not in entries:
            names = "".join(slots[j].label for j in subset)
            what = f"{names}[{''.join(map(str, a))}|{''.join(map(str, x))}]" if subset else "rho"
            raise error("E122", f"cg table {stmt.name} has no entry {what}", stmt.span,
                        "the cg form lists rho and every marginal with outcomes 0..k-2")
        return entries[key]

    elements = full_from_cg(sc, marginal)
    return builder._package(stmt.kind, stmt.name, sc, elements, stmt.numeric)


def _cg_get(entries: dict, name: str, outcomes: list, inputs: list, span, sc: Scenario):
    subset = split_parties(name, sc)
    if subset is None:
        return None
    a = expand_digits(outcomes, len(subset))
    x = expand_digits(inputs, len(subset))
    if a is None or x is None:
        raise error("E121", f"{name}[…] needs {len(subset)} outcome and input label(s)", span)
    order = sorted(range(len(subset)), key=lambda k: subset[k])
    key = (tuple(subset[k] for k in order), tuple(a[k] for k in order), tuple(x[k] for k in order))
    if key not in entries:
        raise error("E101", f"{name}[…] is used before it is listed in this table", span)
    return entries[key]

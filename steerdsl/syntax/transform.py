"""lark parse tree → AST.  Pure: no semantic checks happen here."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from lark import Token, Transformer, Tree, v_args

from steerdsl.diagnostics import Span
from steerdsl.syntax import ast


def _merge(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(a.file, a.line, a.column, b.end_line, b.end_column)


class ToAst(Transformer):
    """Turn a lark tree into :mod:`steerdsl.syntax.ast` nodes with spans."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    # -------------------------------------------------------------- helpers
    def _sp(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok(self, tok: Token) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    def _expr_span(self, node) -> Span | None:
        if isinstance(node, Token):
            return self._tok(node)
        return getattr(node, "span", None)

    # -------------------------------------------------------------- top level
    def start(self, items):
        return ast.Module(self.file, _flatten(items))

    @v_args(meta=True)
    def scenario_decl(self, meta, items):
        alices = tuple(i for i in items if isinstance(i, ast.AliceDecl))
        bobs = tuple(i for i in items if isinstance(i, ast.BobDecl))
        return ast.ScenarioDecl(alices, bobs, self._sp(meta))

    @v_args(meta=True)
    def alice_decl(self, meta, items):
        name, *opts = items
        inputs = outputs = None
        rounds = 1
        for key, value in opts:
            if key == "inputs":
                inputs = value
            elif key == "outputs":
                outputs = value
            elif key == "rounds":
                rounds = value
        return ast.AliceDecl(str(name), inputs, outputs, rounds, self._tok(name))

    @v_args(meta=True)
    def bob_decl(self, meta, items):
        name, *opts = items
        dim = None
        inputs = 0
        input_from = None
        from_span = None
        for key, value in opts:
            if key == "dim":
                dim = value
            elif key == "inputs":
                inputs = value
            elif key == "input_from":
                input_from, from_span = str(value), self._tok(value)
        return ast.BobDecl(str(name), dim, inputs, input_from, self._tok(name), from_span)

    def opt_inputs(self, items):
        return ("inputs", int(items[0]))

    def opt_outputs(self, items):
        return ("outputs", (int(items[0]),))

    def opt_outputs_list(self, items):
        return ("outputs", tuple(int(t) for t in items))

    def opt_rounds(self, items):
        return ("rounds", int(items[0]))

    def opt_dim(self, items):
        return ("dim", int(items[0]))

    def opt_input_from(self, items):
        return ("input_from", items[0])

    @v_args(meta=True)
    def import_all(self, meta, items):
        return ast.Import(str(items[0])[1:-1], None, self._sp(meta))

    @v_args(meta=True)
    def import_names(self, meta, items):
        return ast.Import(str(items[0])[1:-1], tuple(items[1:]), self._sp(meta))

    def import_name(self, items):
        return (str(items[0]), str(items[-1]))

    @v_args(meta=True)
    def let_stmt(self, meta, items):
        name = items[0]
        params = None
        body = items[-1]
        if len(items) == 3:
            params = items[1]
        return ast.Let(str(name), params, body, self._tok(name))

    def params(self, items):
        return tuple(str(t) for t in items if t is not None)

    @v_args(meta=True)
    def state_stmt(self, meta, items):
        kind, name, parties, body = items
        return ast.StateDef(str(name), parties, body, self._tok(name), pseudo=str(kind) == "pseudostate")

    def party_dims(self, items):
        return tuple(items)

    def party_dim(self, items):
        dim = int(items[1]) if len(items) > 1 else None
        return ast.PartyDim(str(items[0]), dim, self._tok(items[0]))

    @v_args(meta=True)
    def measurement_stmt(self, meta, items):
        name, header, *rest = items
        definition = rest[-1]
        party = party_span = None
        ranges: tuple = ()
        for r in rest[:-1]:
            if isinstance(r, Token):
                party, party_span = str(r), self._tok(r)
            else:
                ranges = r
        return ast.MeasurementDef(str(name), header, party, ranges, definition, self._tok(name), party_span)

    def on_party(self, items):
        return items[0]

    def ranges(self, items):
        return tuple(items)

    @v_args(meta=True)
    def range_binding(self, meta, items):
        return ast.RangeBinding(str(items[0]), items[1], self._sp(meta))

    @v_args(meta=True)
    def map_formula(self, meta, items):
        name, param, din, dout, body = items
        return ast.MapDef(str(name), int(din), int(dout), "formula", str(param), (body,), self._tok(name))

    @v_args(meta=True)
    def map_kraus(self, meta, items):
        name, din, dout, *ops = items
        return ast.MapDef(str(name), int(din), int(dout), "kraus", None, tuple(ops), self._tok(name))

    @v_args(meta=True)
    def map_choi(self, meta, items):
        name, din, dout, body = items
        return ast.MapDef(str(name), int(din), int(dout), "choi", None, (body,), self._tok(name))

    def object_kind(self, items):
        return str(items[0])

    @v_args(meta=True)
    def object_stmt(self, meta, items):
        kind, name, *rest = items
        definition = rest[-1]
        header = next((r for r in rest if isinstance(r, ast.Header)), None)
        numeric, tol = _precision(rest)
        return ast.ObjectDef(kind, str(name), header, numeric, definition, self._tok(name), tol)

    @v_args(meta=True)
    def formula(self, meta, items):
        return ast.Definition(items[0], (), self._sp(meta))

    @v_args(meta=True)
    def cases(self, meta, items):
        return ast.Definition(None, tuple(items), self._sp(meta))

    @v_args(meta=True)
    def case(self, meta, items):
        return ast.Case(items[0], items[1], span=self._sp(meta))

    @v_args(meta=True)
    def bob_part(self, meta, items):
        return ast.Case((), items[1], bob=str(items[0]), span=self._sp(meta))

    @v_args(meta=True)
    def otherwise(self, meta, items):
        return ast.Case((), items[0], otherwise=True, span=self._sp(meta))

    def conditions(self, items):
        return tuple(items)

    def cond_eq(self, items):
        return (str(items[0]), items[1])

    def cond_expr(self, items):
        return (None, items[0])

    @v_args(meta=True)
    def table_stmt(self, meta, items):
        kind, name, form, *rest = items
        numeric, tol = _precision(rest)
        entries = tuple(r for r in rest if isinstance(r, ast.TableEntry))
        return ast.TableDef(kind, str(name), str(form), numeric, entries, self._tok(name), tol)

    def precision(self, items):
        return ast.Precision(Fraction(str(items[1])) if len(items) > 1 else None)

    @v_args(meta=True)
    def entry_indexed(self, meta, items):
        parties = str(items[0])
        items = items[1:]
        lists = [i for i in items if isinstance(i, tuple)]
        bob = next((str(i) for i in items if isinstance(i, Token)), None)
        outcomes = lists[0]
        inputs = lists[1] if len(lists) > 1 else ()
        return ast.TableEntry(parties, outcomes, inputs, bob, items[-1], self._sp(meta))

    @v_args(meta=True)
    def entry_plain(self, meta, items):
        bob = str(items[1]) if len(items) == 3 else None
        return ast.TableEntry(str(items[0]), (), (), bob, items[-1], self._sp(meta), plain=True)

    def bob_on(self, items):
        return items[0]

    @v_args(meta=True)
    def header(self, meta, items):
        outcomes = items[0]
        inputs = items[1] if len(items) > 1 else ()
        return ast.Header(outcomes, inputs, self._sp(meta))

    def name_list(self, items):
        return tuple(str(t) for t in items)

    # -------------------------------------------------------------- questions
    @v_args(meta=True)
    def check_stmt(self, meta, items):
        target, *rest = items
        props = tuple(r for r in rest if isinstance(r, ast.Property))
        exp, trailing = _clause(rest)
        return _with(ast.Check(str(target), props, exp, self._sp(meta), self._tok(target)), trailing)

    @v_args(meta=True)
    def property(self, meta, items):
        negated = len(items) == 2
        name = items[-1]
        return ast.Property(str(name), negated, self._sp(meta))

    @v_args(meta=True)
    def solve_stmt(self, meta, items):
        target, task, *rest = items
        opts = tuple(r for r in rest if isinstance(r, ast.Option))
        exp, trailing = _clause(rest)
        return _with(ast.Solve(str(target), str(task), opts, exp, self._sp(meta), self._tok(target),
                               self._tok(task)), trailing)

    @v_args(meta=True)
    def bound_stmt(self, meta, items):
        sense, target, over, *rest = items
        opts = tuple(r for r in rest if isinstance(r, ast.Option))
        exp, trailing = _clause(rest)
        return _with(ast.Bound(str(sense), str(target), str(over), opts, exp, self._sp(meta),
                               self._tok(target), self._tok(over)), trailing)

    @v_args(meta=True)
    def value_stmt(self, meta, items):
        functional, target, *rest = items
        exp, trailing = _clause(rest)
        return _with(ast.ValueOf(str(functional), str(target), exp, self._sp(meta),
                                 self._tok(functional), self._tok(target)), trailing)

    @v_args(meta=True)
    def expect_stmt(self, meta, items):
        target, *words = items
        return ast.ExpectStmt(str(target), tuple(str(w) for w in words), self._sp(meta), self._tok(target))

    @v_args(meta=True)
    def assert_stmt(self, meta, items):
        cond, *fors = items
        return ast.Assert(cond, tuple(f for group in fors for f in group), self._sp(meta))

    @v_args(meta=True)
    def sweep_stmt(self, meta, items):
        params = tuple(i for i in items if isinstance(i, ast.SweepParam))
        questions = _flatten(i for i in items if not isinstance(i, ast.SweepParam))
        return ast.Sweep(params, questions, self._sp(meta))

    @v_args(meta=True)
    def sweep_points(self, meta, items):
        name, rng, count = items
        return ast.SweepParam(str(name), "points", rng, int(count), span=self._sp(meta))

    @v_args(meta=True)
    def sweep_random(self, meta, items):
        name, rng, count, *seed = items
        return ast.SweepParam(str(name), "random", rng, int(count), int(seed[0]) if seed else 0, span=self._sp(meta))

    @v_args(meta=True)
    def sweep_values(self, meta, items):
        name, *values = items
        return ast.SweepParam(str(name), "values", values=tuple(values), count=len(values), span=self._sp(meta))

    def _opt(self, key, meta, value):
        return ast.Option(key, value, self._sp(meta))

    @v_args(meta=True)
    def opt_level(self, meta, items):
        tok = items[0]
        value = str(tok)[1:-1] if tok.type == "STRING" else str(tok)
        return self._opt("level", meta, value)

    @v_args(meta=True)
    def opt_against(self, meta, items):
        return self._opt("against", meta, str(items[0]))

    @v_args(meta=True)
    def opt_noise(self, meta, items):
        return self._opt("noise", meta, str(items[0]))

    @v_args(meta=True)
    def opt_solver(self, meta, items):
        return self._opt("solver", meta, str(items[0]))

    @v_args(meta=True)
    def opt_tol(self, meta, items):
        return self._opt("tol", meta, items[0])

    @v_args(meta=True)
    def opt_dims(self, meta, items):
        return self._opt("dims", meta, tuple(int(t) for t in items))

    @v_args(meta=True)
    def opt_symmetry_on(self, meta, items):
        """``symmetry on``: the symmetry reduction of a moment-matrix bound (the default)."""
        return self._opt("symmetry", meta, True)

    @v_args(meta=True)
    def opt_symmetry_off(self, meta, items):
        """``symmetry off``: the unreduced moment-matrix bound."""
        return self._opt("symmetry", meta, False)

    @v_args(meta=True)
    def opt_restarts(self, meta, items):
        return self._opt("restarts", meta, int(items[0]))

    @v_args(meta=True)
    def opt_seed(self, meta, items):
        return self._opt("seed", meta, int(items[0]))

    @v_args(meta=True)
    def opt_plane(self, meta, items):
        return self._opt("plane", meta, str(items[0]))

    @v_args(meta=True)
    def opt_certify(self, meta, items):
        return self._opt("certify", meta, True)

    @v_args(meta=True)
    def expect_clause(self, meta, items):
        clause = items[0]
        if isinstance(clause, ast.ExpectStmt):  # the statement starts at its 'expect'
            return dataclasses.replace(clause, span=self._sp(meta))
        return clause

    @v_args(meta=True)
    def expect_trailing_stmt(self, meta, items):
        return self.expect_stmt(meta, items)

    @v_args(meta=True)
    def expect_word(self, meta, items):
        negated = len(items) == 2
        return ast.Expectation("word", word=str(items[-1]), negated=negated, span=self._sp(meta))

    @v_args(meta=True)
    def expect_approx(self, meta, items):
        tol = items[2] if len(items) > 2 else None
        return ast.Expectation("approx", value=items[1], tol=tol, span=self._sp(meta))

    @v_args(meta=True)
    def expect_exact(self, meta, items):
        return ast.Expectation("exact", op="==", value=items[1], span=self._sp(meta))

    @v_args(meta=True)
    def expect_order(self, meta, items):
        op = {"≤": "<=", "≥": ">="}.get(str(items[0]), str(items[0]))
        return ast.Expectation("order", op=op, value=items[1], span=self._sp(meta))

    def number(self, items):
        sign = -1 if len(items) == 2 else 1
        return sign * Fraction(str(items[-1]))

    # -------------------------------------------------------------- expressions
    @v_args(meta=True)
    def conditional(self, meta, items):
        return ast.Conditional(items[0], items[1], items[2], self._sp(meta))

    @v_args(meta=True)
    def or_op(self, meta, items):
        return ast.BoolOp("or", items[0], items[1], self._sp(meta))

    @v_args(meta=True)
    def and_op(self, meta, items):
        return ast.BoolOp("and", items[0], items[1], self._sp(meta))

    @v_args(meta=True)
    def not_op(self, meta, items):
        return ast.BoolOp("not", items[1], None, self._sp(meta))

    @v_args(meta=True)
    def compare(self, meta, items):
        left, op, right = items
        op = {"=": "==", "≤": "<=", "≥": ">=", "≠": "!="}.get(str(op), str(op))
        return ast.Compare(op, left, right, self._sp(meta))

    @v_args(meta=True)
    def xor_op(self, meta, items):
        return ast.Binary("xor", items[0], items[2], self._sp(meta))

    @v_args(meta=True)
    def binary(self, meta, items):
        left, op, right = items
        op = {"−": "-", "·": "*"}.get(str(op), str(op))
        return ast.Binary(op, left, right, self._sp(meta))

    @v_args(meta=True)
    def tensor(self, meta, items):
        return ast.Binary("⊗", items[0], items[2], self._sp(meta))

    @v_args(meta=True)
    def unary(self, meta, items):
        op = "-" if str(items[0]) in ("-", "−") else "+"
        return ast.Unary(op, items[1], self._sp(meta))

    @v_args(meta=True)
    def power(self, meta, items):
        return ast.Binary("^", items[0], items[1], self._sp(meta))

    @v_args(meta=True)
    def dagger(self, meta, items):
        return ast.Dagger(items[0], self._sp(meta))

    @v_args(meta=True)
    def subscript(self, meta, items):
        base = items[0]
        outcomes = items[1]
        inputs = items[2] if len(items) > 2 else None
        return ast.Subscript(base, outcomes, inputs, self._sp(meta))

    def index_list(self, items):
        return tuple(items)

    def index_digits(self, items):
        return ast.IndexDigits(str(items[0]), self._tok(items[0]))

    def integer(self, items):
        tok = items[0]
        return ast.Number(Fraction(int(tok)), str(tok), self._tok(tok))

    def decimal(self, items):
        tok = items[0]
        return ast.Number(Fraction(str(tok)), str(tok), self._tok(tok))

    def name(self, items):
        tok = items[0]
        return ast.Name(str(tok), self._tok(tok))

    def ket(self, items):
        tok = items[0]
        return ast.Ket(str(tok)[1:-1], False, self._tok(tok))

    def bra(self, items):
        tok = items[0]
        return ast.Ket(str(tok)[1:-1], True, self._tok(tok))

    @v_args(meta=True)
    def call(self, meta, items):
        name, *args = items
        return ast.Call(str(name), tuple(a for a in args if a is not None), self._sp(meta))

    def arg(self, items):
        return items[0]

    @v_args(meta=True)
    def comprehension(self, meta, items):
        name, body, *rest = items
        fors = tuple(f for r in rest if isinstance(r, tuple) for f in r)
        cond = next((r for r in rest if not isinstance(r, tuple)), None)
        return ast.Comprehension(str(name), body, fors, cond, self._sp(meta))

    def comp_for(self, items):
        return tuple(items)

    @v_args(meta=True)
    def comp_group(self, meta, items):
        *names, rng = items
        return ast.CompFor(tuple(str(n) for n in names), rng, self._sp(meta))

    @v_args(meta=True)
    def range(self, meta, items):
        return ast.Range(items[0], items[1], self._sp(meta))

    @v_args(meta=True)
    def bracket(self, meta, items):
        return ast.Bracket(tuple(i for i in items if i is not None), self._sp(meta))

    @v_args(meta=True)
    def measure(self, meta, items):
        target, *pairs = items
        return ast.Measure(target, tuple(pairs), self._sp(meta))

    def measure_pair(self, items):
        return (str(items[0]), items[1])

    def __default__(self, data, children, meta):  # pragma: no cover - grammar and transformer agree
        return Tree(data, children, meta)


def _flatten(items) -> tuple:
    """Statements, with a question followed by an ``expect NAME : …`` statement split in two."""
    out: list = []
    for item in items:
        out.extend(item if isinstance(item, tuple) else (item,))
    return tuple(out)


def _clause(rest) -> tuple[ast.Expectation | None, ast.ExpectStmt | None]:
    """A question's own ``expect`` clause, or the ``expect NAME : …`` statement that follows it."""
    for r in rest:
        if isinstance(r, ast.Expectation):
            return r, None
        if isinstance(r, ast.ExpectStmt):
            return None, r
    return None, None


def _with(statement, trailing: ast.ExpectStmt | None):
    return statement if trailing is None else (statement, trailing)


def _precision(items: list) -> tuple[bool, Fraction | None]:
    """``numeric`` and its stated tolerance (``numeric tol T``) among a definition's parts."""
    found = next((r for r in items if isinstance(r, ast.Precision)), None)
    return found is not None, None if found is None else found.tol

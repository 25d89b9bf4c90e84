"""The parser: texts become the ASTs written out by hand; every grammar rule is exercised."""

import re
from fractions import Fraction
from pathlib import Path

import pytest
from lark import Tree

from steerdsl.diagnostics import SteerError
from steerdsl.syntax import ast
from steerdsl.syntax.parser import _parser, grammar_path, parse

N = ast.Name


def expr(text: str) -> ast.Expr:
    (stmt,) = parse(f"let e = {text}").statements
    return stmt.body


def test_decimals_are_exact_rationals():
    assert expr("0.1") == ast.Number(Fraction(1, 10), "0.1")
    assert expr("1e-3") == ast.Number(Fraction(1, 1000), "1e-3")
    assert expr("2.5E2") == ast.Number(Fraction(250), "2.5E2")


def test_precedence_tensor_binds_looser_than_product():
    # I/2 ⊗ P reads as (I/2) ⊗ P, as on paper; + is looser still
    assert expr("A * B ⊗ C") == ast.Binary("⊗", ast.Binary("*", N("A"), N("B")), N("C"))
    assert expr("A / 2 ⊗ C + D") == ast.Binary(
        "+", ast.Binary("⊗", ast.Binary("/", N("A"), ast.Number(Fraction(2), "2")), N("C")), N("D"))
    assert expr("a + b * c") == ast.Binary("+", N("a"), ast.Binary("*", N("b"), N("c")))
    assert expr("a xor x * y") == ast.Binary("xor", N("a"), ast.Binary("*", N("x"), N("y")))
    assert expr("-1^a") == ast.Unary("-", ast.Binary("^", ast.Number(Fraction(1), "1"), N("a")))


def test_unicode_and_ascii_spellings_agree():
    assert expr("A ⊗ B") == expr("A otimes B")
    assert expr("U†") == expr("U'")
    assert expr("a ⊕ b") == expr("a xor b")
    assert expr("|0⟩") == expr("|0>")


def test_call_is_not_a_tensor_product():
    assert expr("P(x)") == ast.Call("P", (N("x"),))


def test_comprehension_with_groups_and_filter():
    e = expr("sum(ket(a, b) for a, b in 0..1, c in 0..2 if a + b == c)")
    assert isinstance(e, ast.Comprehension)
    assert [f.names for f in e.fors] == [("a", "b"), ("c",)]
    assert isinstance(e.cond, ast.Compare)


def test_subscripts_with_spaces_commas_and_digits():
    e = expr("sigma[a1 a2|x1, x2]")
    assert e == ast.Subscript(N("sigma"), (N("a1"), N("a2")), (N("x1"), N("x2")))
    d = expr("p[00|01]")
    assert d == ast.Subscript(N("p"), (ast.IndexDigits("00"),), (ast.IndexDigits("01"),))


def test_iverson_bracket_and_matrix_literal():
    assert isinstance(expr("[a == b]").items[0], ast.Compare)
    m = expr("[[1, 0], [0, 1]]")
    assert isinstance(m, ast.Bracket) and all(isinstance(r, ast.Bracket) for r in m.items)


def test_statements():
    module = parse(
        """
        scenario { alice A : inputs 2, outputs [2, 3]  bob B : dim 2, inputs 2 }
        from "lib.steer" import U, V as W
        measurement M[a|x] on A { x = 0 : I  otherwise : I }
        assemblage s[a|x y] numeric = I/2
        check s : valid, not psd expect fail
        solve s : quantum level "1+AB" solver cvxopt expect excluded
        bound max F over lhs expect ≈ 2 tol 1e-6
        value F on s expect == 4
        expect s : postquantum
        assert 1 == 1 for a in 0..1
        """
    )
    kinds = [type(s).__name__ for s in module.statements]
    assert kinds == ["ScenarioDecl", "Import", "MeasurementDef", "ObjectDef", "Check", "Solve", "Bound",
                     "ValueOf", "ExpectStmt", "Assert"]
    sc = module.statements[0]
    assert sc.alices[0].outputs == (2, 3) and sc.bobs[0].inputs == 2
    assert module.statements[1].names == (("U", "U"), ("V", "W"))
    assert module.statements[3].numeric
    check = module.statements[4]
    assert check.properties[1] == ast.Property("psd", True) and check.expect.word == "fail"
    solve = module.statements[5]
    assert [(o.key, o.value) for o in solve.options] == [("level", "1+AB"), ("solver", "cvxopt")]
    bound = module.statements[6]
    assert bound.expect.kind == "approx" and bound.expect.tol == Fraction(1, 10**6)


@pytest.mark.parametrize("question", ["solve s : lhs", "check s : valid", "bound max F over lhs", "value F on s"])
def test_expect_statement_after_a_question_without_clause(question):
    """Newlines are insignificant: ``expect s : …`` after a question is the next statement, not its clause."""
    module = parse(f"{question}\nexpect s : not postquantum\n{question} expect excluded\n", "f.steer")
    first, claim, second = module.statements
    assert first.expect is None and second.expect.word == "excluded"
    assert isinstance(claim, ast.ExpectStmt) and claim.words == ("not", "postquantum")
    assert (claim.span.line, claim.span.column) == (2, 1)


def test_spans_point_at_the_source():
    module = parse("let x = 1\nlet yy = 2", "f.steer")
    sp = module.statements[1].span
    assert (sp.file, sp.line, sp.column) == ("f.steer", 2, 5)


@pytest.mark.parametrize(
    "text, code, line, column",
    [
        ("scenario { alice A inputs 2 }", "E002", 1, 20),
        ("let x = (1 + 2", "E003", 1, 14),
        ("let y = 3 $ 4", "E001", 1, 11),
    ],
)
def test_syntax_errors_carry_code_and_position(text, code, line, column):
    with pytest.raises(SteerError) as info:
        parse(text, "bad.steer")
    d = info.value.diagnostic
    assert (d.code, d.span.line, d.span.column) == (code, line, column)


def test_every_grammar_rule_is_exercised_by_the_models():
    """Each rule of the grammar appears in a parse tree of the bundled models or this file's texts."""
    texts = [p.read_text(encoding="utf-8") for p in Path(__file__).parent.parent.glob("models/*.steer")]
    texts.append(Path(__file__).read_text(encoding="utf-8").split('parse(\n        """')[1].split('"""')[0])
    texts.append('map K : 2 -> 2 kraus { I }\nmap C : 2 -> 2 choi I(4)\nlet e = measure s with A: M\n'
                 'let f = ⟨0| * |1⟩\nlet g = not a or b and c\nassemblage t cg { rho = I  A[0|0] = I }\n'
                 'state s on A(2) B = 1\nmeasurement N[b] for b in 0..1 = I\nlet h = 1 if a else 2\n'
                 'bound min F over lhs level 2 against lhs noise white tol 1e-3 dims 2 2 restarts 3 seed 1\n'
                 'import "x.steer"\nlet k = a != b\nassemblage u[a|x] { on B : I }\n'
                 'measurement P[a|x] on A { x == 0 and a == 1 : I }\nvalue F on s expect <= 2\n'
                 'scenario { alice A : inputs 2, outputs 2, rounds 2 }\nsolve s : lhs\nexpect s : lhs\n'
                 'bound max F over npa symmetry off\nbound max F over npa symmetry on')
    used = set()
    for t in texts:
        tree = _parser().parse(t)
        used |= {st.data for st in tree.iter_subtrees() if isinstance(st, Tree)}
    used = {str(u) for u in used}
    grammar = grammar_path().read_text(encoding="utf-8")
    aliases = {m.group(1) for m in re.finditer(r"->\s*(\w+)\s*$", grammar, re.MULTILINE)}
    missing = sorted(a for a in aliases if a not in used and not a.startswith("_"))
    assert not missing, f"grammar alternatives never exercised: {missing}"

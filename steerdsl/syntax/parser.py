"""Parse .steer text into an AST, turning lark's errors into diagnostics.

The grammar is ``grammar/steer.lark``; the wheel ships it as
``steerdsl/syntax/steer.lark`` (see pyproject), and a source checkout reads
it from ``grammar/``.  One LALR parser is built and cached per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from steerdsl.diagnostics import Span, error
from steerdsl.syntax import ast
from steerdsl.syntax.source import check_counts
from steerdsl.syntax.transform import ToAst

_HERE = Path(__file__).resolve().parent


def grammar_path() -> Path:
    """Where the grammar is: inside the installed package, else the checkout's ``grammar/``."""
    for candidate in (_HERE / "steer.lark", _HERE.parent.parent / "grammar" / "steer.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("steer.lark: the grammar is missing from this installation")


@cache
def _parser() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
    )


_WORDS = {
    "NAME": "a name",
    "INT": "an integer",
    "DECIMAL": "a number",
    "STRING": 'a quoted file name like "lib.steer"',
    "KET": "a ket like |0⟩",
    "BRA": "a bra like ⟨0|",
    "LBRACE": '"{"',
    "RBRACE": '"}"',
    "LPAR": '"("',
    "RPAR": '")"',
    "LSQB": '"["',
    "RSQB": '"]"',
    "COLON": '":"',
    "COMMA": '","',
    "EQUAL": '"="',
    "EQ_OP": '"="',
    "VBAR": '"|"',
    "ADD_OP": "an operator",
    "MUL_OP": "an operator",
    "RARROW": '"->"',
    "__ANON_0": '".."',
    "$END": "the end of the file",
    "_SEP": '";"',
    "SENSE": '"max" or "min"',
    "TABLE_FORM": '"table" or "cg"',
    "APPROX": '"≈"',
    "NOT": '"not"',
}

_STATEMENT_KEYWORDS = (
    "scenario", "import", "from", "let", "state", "measurement", "map", "assemblage",
    "functional", "behaviour", "check", "solve", "bound", "value", "expect",
)


def _describe_expected(expected: set[str]) -> str:
    words = []
    for term in sorted(expected):
        word = _WORDS.get(term)
        if word is None:
            word = f'"{term.lower()}"' if term.isupper() and term.isalpha() else None
        if word and word not in words:
            words.append(word)
    if not words:
        return "something else"
    if len(words) > 6:
        words = words[:6] + ["…"]
    return ", ".join(words)


def _token_span(file: str, tok: Token | None, line: int, column: int) -> Span:
    if tok is None or tok.line is None:
        return Span(file, line, column, line, column + 1)
    return Span(file, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)


def _syntax_error(exc: UnexpectedInput, text: str, file: str):
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        span = Span(file, exc.line, exc.column, exc.line, exc.column + 1)
        hint = None
        if ch == "'":
            hint = "write a transpose as T(·) and a dagger as † or dag(·)"
        elif ch in "{}":
            hint = "braces open a scenario, a case block or a table"
        return error("E001", f"unexpected character {ch!r}", span, hint or "remove or replace this character")
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        lines = text.rstrip().splitlines() or [""]
        last = len(lines)
        col = len(lines[-1]) + 1
        expected = getattr(exc, "expected", None) or set()
        span = Span(file, last, max(1, col - 1), last, col)
        return error(
            "E003",
            f"the file ends in the middle of a statement; expected {_describe_expected(set(expected))}",
            span,
            "close every bracket and brace, and finish the last statement",
        )
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    span = _token_span(file, tok, exc.line, exc.column)
    expected = set(exc.expected)
    hint = None
    if str(tok) in _STATEMENT_KEYWORDS:
        hint = "the previous statement looks unfinished"
    elif "COLON" in expected:
        hint = 'a ":" is missing here'
    elif "RPAR" in expected or "RSQB" in expected:
        hint = "a bracket may be unbalanced"
    elif tok.type == "NAME" and expected & {"ADD_OP", "MUL_OP"} and "NAME" not in expected:
        hint = "two expressions stand side by side; write * for a product"
    return error("E002", f"unexpected {tok.type == 'NAME' and 'name' or 'token'} {str(tok)!r}; "
                 f"expected {_describe_expected(expected)}", span, hint)


MAX_NESTING = 300
"""Deepest syntax tree accepted: about 300 terms of one flat sum, or 150 nested calls.  Reading and
evaluating a tree are recursive, so a deeper one is refused (E180) instead of exhausting Python's stack."""


MAX_DIGITS = 1000
"""Longest number literal accepted (Python refuses to convert integers of more than 4300 digits)."""


def _deepest(tree: Tree, file: str) -> tuple[int, Tree]:
    """The depth of the syntax tree and its deepest node, without recursion; refuses a number
    literal longer than :data:`MAX_DIGITS` on the way (E181)."""
    best, deepest = 0, tree
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > best:
            best, deepest = depth, node
        for c in node.children:
            if isinstance(c, Tree):
                stack.append((c, depth + 1))
            elif isinstance(c, Token) and c.type in ("INT", "DECIMAL") and len(c) > MAX_DIGITS:
                raise error("E181", f"a number literal of {len(c)} digits, more than {MAX_DIGITS}",
                            _token_span(file, c, c.line or 1, c.column or 1),
                            "write large numbers as powers, e.g. 10^400")
    return best, deepest


def _check_nesting(tree: Tree, file: str) -> None:
    depth, node = _deepest(tree, file)
    if depth <= MAX_NESTING:
        return
    meta = node.meta
    line, column = (meta.line, meta.column) if not meta.empty else (1, 1)
    raise error("E180", f"this expression nests {depth} levels deep, more than the {MAX_NESTING} the reader "
                "accepts", Span(file, line, column, line, column + 1),
                "split it into several let definitions, or write a long sum as sum(… for k in 0..n)")


def parse(text: str, file: str = "<string>") -> ast.Module:
    """Parse a model's text; raise :class:`~steerdsl.diagnostics.SteerError` on a syntax error or a
    syntax tree nested more than :data:`MAX_NESTING` levels deep, or a text above the budgets
    input_bytes, tokens or statements (counted before parsing: the parser takes up to 0.2 ms a token)."""
    check_counts(text, file)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, file) from None
    _check_nesting(tree, file)
    return ToAst(file).transform(tree)

"""A hostile corpus: inputs built to exhaust time, memory or the file system end in a coded diagnostic
with a location, naming the budget (steerdsl/limits.py) or the file rule that refused them.

Every case runs through ``steer check`` in one worker process of tests/fuzz_runner.py, watched with a
generous kill limit and an address-space limit; a case that is killed is a failure, but no case is
timed (a loaded machine must not fail the suite).  docs/reliability.md records the measured times
and memory of each class.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import fuzz_runner as fz
import pytest

from steerdsl.limits import BUDGETS

KILL_SECONDS = 30.0
MEMORY = 4 * 1024**3


@dataclass(frozen=True)
class Case:
    """One hostile input: its class, its name, the model text (or None for a prepared path) and what
    must be reported: the code and a phrase of the message (``budget NAME`` for budgets)."""

    family: str
    name: str
    text: str | None
    code: str
    says: str
    path: str | None = None
    stdin: str | None = None


def budget(name: str) -> tuple[str, str]:
    return BUDGETS[name].code, f"budget {name}"


def _cases() -> list[Case]:
    out: list[Case] = []

    def add(family, name, text, expected, **kw):
        out.append(Case(family, name, text, expected[0], expected[1], **kw))

    # integer and rational size
    for digits in (2000, 3000, 4000, 4096):
        chain = "\n".join(f"let a{i + 1} = a{i}*a{i}" for i in range(12))
        add("integer_bits", f"squaring-chain-{digits}", f"let a0 = 10^{digits}\n{chain}\n", budget("integer_bits"))
        add("integer_bits", f"product-chain-{digits}", f"let a = 10^{digits}\nlet b = {'*'.join(['a'] * 40)}\n",
            budget("integer_bits"))
    for base, e in (("10^4096", 4096), ("7^4000", 4000), ("(1/3)^4000", 100), ("2^4096", 2000), ("(2/3)^3000", 64),
                    ("(1 + sqrt(2))^4000 * 10^4000", 30), ("99^4000", 4096), ("(10^4096 + i)", 40)):
        add("integer_bits", f"power-{base}-{e}", f"let a = ({base})^{e}\n", budget("integer_bits"))
    add("integer_bits", "matrix-power", "let M = [[10^4000, 1], [1, 0]]\nlet P = M^64\n", budget("integer_bits"))
    add("integer_bits", "quotient-chain", "let a0 = 3^4000/7^4000\n"
        + "\n".join(f"let a{i + 1} = a{i}^2/5" for i in range(6)) + "\n", budget("integer_bits"))
    # cyclotomic order
    for p in (99991, 10007, 20011, 65537, 1000003):
        add("cyclotomic_degree", f"root-of-unity-{p}", f"let w = exp(i*pi/{p})\n", budget("cyclotomic_degree"))
    add("cyclotomic_degree", "cos", "let c = cos(pi/10007)\n", budget("cyclotomic_degree"))
    # terms of one sum, from its ranges
    for e in (6, 7, 9, 12, 30):
        add("sum_terms", f"range-10^{e}", f"let s = sum(k for k in 0..10^{e})\n", budget("sum_terms"))
    for n in (100, 1000, 10000):
        add("sum_terms", f"three-names-{n}", f"let s = sum(a for a, b, c in 0..{n})\n", budget("sum_terms"))
    for func, body in (("sum", "k"), ("prod", "1"), ("kron", "1")):
        add("sum_terms", f"{func}-two-ranges", f"let s = {func}({body} for k in 0..1000, j in 0..1000)\n",
            budget("sum_terms"))
    add("sum_terms", "filtered", "let s = sum(k for k in 0..10^8 if k mod 2 == 0)\n", budget("sum_terms"))
    add("sum_terms", "assert", "assert k >= 0 for k in 0..10^9\n", budget("sum_terms"))
    add("sum_terms", "in-function", "let f(n) = sum(k for k in 0..n)\nlet y = f(10^9)\n", budget("sum_terms"))
    # terms of a model, counted
    for depth in (2, 3):
        inner = "1"
        for level in range(depth):
            inner = f"sum({inner} for k{level} in 1..1000)"
        add("model_terms", f"nested-{depth}", f"let s = {inner}\n", budget("model_terms"))
    add("model_terms", "nested-10^9", "let s = sum(sum(sum(1 for c in 1..1000) for b in 1..1000) for a in 1..1000)\n",
        budget("model_terms"))
    for count in (2, 5):
        add("model_terms", f"{count}-sums", "".join(f"let s{j} = sum(k for k in 1..40000)\n" for j in range(count)),
            budget("model_terms"))
    add("model_terms", "function-of-sums", "let f(n) = sum(k for k in 0..n)\nlet y = sum(f(1000) for j in 0..1000)\n",
        budget("model_terms"))
    # evaluation steps: the net under the narrower budgets
    scenario = "scenario {\n  alice A : inputs 2, outputs 2\n  bob B : dim 2\n}\n"
    add("steps", "identity-terms", scenario + "assemblage s[a|x] = sum(I/4 for k in 0..39999) / 40000\n",
        budget("steps"))
    add("steps", "functional-terms", scenario + "functional F[a|x] = sum(k*a + x for k in 0..39999)\n",
        budget("steps"))
    add("steps", "many-lets", "".join(f"let s{j} = sum(1 + k - k for k in 0..20000)\n" for j in range(3)),
        budget("steps"))
    add("exact_operations", "elements-of-three-alices", "scenario {\n" + "".join(
        f"  alice {p} : inputs 16, outputs 2\n" for p in "ABC") + "  bob D : dim 2\n}\n"
        "assemblage s[a b c|x y z] = I/16\ncheck s : valid\n", budget("exact_operations"))
    add("exact_operations", "elements-of-one-alice", "scenario {\n  alice A : inputs 4096, outputs 8\n"
        "  bob B : dim 2\n}\nfunctional F[a|x] = a + x\n", budget("exact_operations"))
    add("party_labels", "measurement-range", scenario + "measurement M[a|x] for x in 0..1000000000, a in 0..1 "
        "= proj(ket(a))\n", budget("party_labels"))
    add("party_labels", "measurement-range-of-a-party", scenario + "measurement M[a|x] on A for x in 0..1000000000 "
        "= proj(ket(a))\n", ("E121", "ranges over 1000000001 inputs"))
    add("party_labels", "measurement-outcomes", "measurement M[a|x] for x in 0..1, a in 0..99999 = I(2)\n",
        budget("party_labels"))
    # calls of let functions
    for n in (30, 40, 60, 90):
        add("calls", f"fib-{n}", f"let fib(n) = n if n < 2 else fib(n-1) + fib(n-2)\nlet y = fib({n})\n",
            budget("calls"))
    add("calls", "doubling", "let g(n) = g(n-1) + g(n-1) if n > 0 else 1\nlet y = g(50)\n", budget("calls"))
    add("calls", "tripling", "let g(n) = g(n-1) + g(n-1) + g(n-1) if n > 0 else 1\nlet y = g(30)\n",
        budget("calls"))
    add("calls", "mutual-doubling", "let f(n) = g(n-1) + g(n-1) if n > 0 else 1\n"
        "let g(n) = f(n) + f(n)\nlet y = f(40)\n", budget("calls"))
    add("calls", "in-sum", "let f(n) = n + 1\nlet y = sum(f(k) + f(k) for k in 0..40000)\n", budget("calls"))
    # call depth
    for n in (1000, 10**6, 10**12):
        add("call_depth", f"countdown-{n}", f"let f(n) = f(n-1) + 1 if n > 0 else 0\nlet y = f({n})\n",
            budget("call_depth"))
    add("call_depth", "never-stops", "let f(n) = f(n+1) if n > 0 else 0\nlet y = f(1)\n", budget("call_depth"))
    add("call_depth", "mutual", "let f(n) = g(n) if n > 0 else 0\nlet g(n) = f(n)\nlet y = f(1)\n",
        budget("call_depth"))
    add("call_depth", "mutual-three", "let f(n) = g(n) if n != 0 else 0\nlet g(n) = h(n)\nlet h(n) = f(n)\n"
        "let y = f(5)\n", budget("call_depth"))
    add("call_depth", "deep-body", "let f(n) = " + "-" * 200 + "f(n-1) if n > 0 else 0\n"
        "let y = f(10000)\n", ("E254", "too deeply"))
    # recursion found before evaluation
    recursion = ("E256", "calls itself without end")
    for name, text in (("self", "let f(n) = f(n)\n"), ("self-plus", "let f(n) = f(n) + 1\nlet y = f(1)\n"),
                       ("self-in-call", "let f(n) = sqrt(f(n - 1))\n"), ("two", "let f(n) = g(n)\nlet g(n) = f(n)\n"),
                       ("three", "let f(n) = g(n)\nlet g(n) = h(n)\nlet h(n) = f(n) * 2\n"),
                       ("test-recurses", "let f(n) = 1 if f(n) > 0 else 0\n"),
                       ("in-matrix", "let f(n) = [[f(n), 0], [0, 1]]\n"),
                       ("in-range", "let f(n) = sum(k for k in 0..f(n))\n"),
                       ("five", "".join(f"let f{j}(n) = f{(j + 1) % 5}(n)\n" for j in range(5))),
                       ("unused", "let f(x, y) = f(y, x)\nlet z = 1\n")):
        add("recursion", name, text, recursion)
    # exact work: dense products and powers
    ones = "let v = sum(basis({n}, k) for k in 0..{m})\nlet M = proj(v)\n"
    for n in (200, 300, 360):
        add("exact_operations", f"dense-product-{n}", ones.format(n=n, m=n - 1) + "let P = M*M\n",
            budget("exact_operations"))
    for n, e in ((100, 10), (150, 3), (64, 1000), (120, 2)):
        add("exact_operations", f"dense-power-{n}-{e}", ones.format(n=n, m=n - 1) + f"let P = M^{e}\n",
            budget("exact_operations"))
    add("exact_operations", "many-products", ones.format(n=60, m=59) + "let P = sum(M*M for k in 0..100)\n",
        budget("exact_operations"))
    add("exact_operations", "many-sums", ones.format(n=300, m=299) + "let P = sum(M for k in 0..100)\n",
        budget("exact_operations"))
    add("exact_operations", "kron-chain", "let k = kron(ket(0) for j in 1..40)\n", budget("exact_operations"))
    # large cyclotomic fields: each operation costs about φ(n) coefficient operations
    for p in (4099, 2053, 8191):
        add("exact_operations", f"roots-of-unity-{p}", f"let s = sum(exp(i*pi*k/{p}) for k in 0..49999)\n",
            budget("exact_operations"))
    add("exact_operations", "powers-in-a-large-field", "let z = exp(i*pi/4099)\n"
        "let s = sum(z^k * (z + 1) for k in 0..49999)\n", budget("exact_operations"))
    add("exact_operations", "vector-in-a-large-field", "let z = exp(i*pi/4099)\n"
        "let v = sum(z^k * basis(300, k) for k in 0..299)\nlet M = proj(v)\n", budget("exact_operations"))
    add("exact_operations", "daggers-in-a-large-field", "let z = exp(i*pi/4099)\nlet M = [[z, 1], [1, z]]\n"
        "let N = sum(dag(M) for k in 0..9999)\n", budget("exact_operations"))
    add("exact_operations", "inverse", "let M = I(200) + proj(sum(basis(200, k) for k in 0..199))\n"
        "let N = inv(M)\n", budget("exact_operations"))
    for n in (1000, 2000, 4096):
        add("exact_entries", f"dense-{n}", f"let M = proj(basis({n}, 0) + basis({n}, 1))\n", budget("exact_entries"))
        add("exact_entries", f"identity-{n}", f"let E = I({n})\n", budget("exact_entries"))
    # ket and kron sizes
    for q in (18, 20, 40, 64, 200):
        add("exact_entries", f"ket-{q}-qubits", f"let k = |{'0' * q}⟩\n", budget("exact_entries"))
        add("exact_entries", f"ket-plus-{q}-qubits", f"let k = |{'+' * q}⟩\n", budget("exact_entries"))
    add("exact_entries", "kron-of-eleven-X", f"let big = kron({', '.join(['X'] * 11)})\n", budget("exact_entries"))
    add("exact_entries", "tensor-operator", f"let big = {' ⊗ '.join(['X'] * 20)}\n", budget("exact_entries"))
    add("exact_entries", "basis", "let b = basis(10^9, 0)\n", budget("exact_entries"))
    add("party_labels", "inputs", "scenario {\n  alice A : inputs 10000, outputs 2\n  bob B : dim 2\n}\n",
        budget("party_labels"))
    # statements, tokens and size, counted before parsing
    add("statements", "1500-lets", "".join(f"let a{j}=1\n" for j in range(1500)), budget("statements"))
    add("statements", "asserts", "assert 1 == 1\n" * 1500, budget("statements"))
    add("tokens", "flat-sum-40k", "let s = " + "+".join(["1"] * 40_000) + "\n", budget("tokens"))
    add("tokens", "matrix-literal", "let m = [" + ", ".join(["1"] * 60_000) + "]\n", budget("tokens"))
    add("tokens", "brackets", "let m = " + "(" * 30_000 + "1" + ")" * 30_000 + "\n", budget("tokens"))
    add("input_bytes", "100k-lets", "".join(f"let a{j} = {j}\n" for j in range(100_000)), budget("input_bytes"))
    add("input_bytes", "flat-sum-2M", "let s = " + "+".join(["1"] * 2_000_000) + "\n", budget("input_bytes"))
    add("input_bytes", "whitespace", " " * 2_000_000 + "let a = 1\n", budget("input_bytes"))
    add("input_bytes", "comment", "#" + "x" * 2_000_000 + "\n", budget("input_bytes"))
    # full-width and other non-ASCII digits are not numbers
    for digits in ("１", "１２３", "٣", "۳", "१", "𝟏"):
        add("digits", f"digit-{digits}", f"let a = {digits}\n", ("E001", "unexpected character"))
    add("digits", "in-exponent", "let a = 2^１０\n", ("E001", "unexpected character"))
    add("digits", "in-scenario", "scenario {\n  alice A : inputs ２, outputs 2\n  bob B : dim 2\n}\n",
        ("E001", "unexpected character"))
    return out


def _file_cases(root: Path) -> list[Case]:
    """Cases on prepared paths: FIFOs, devices, links, directories, imports of them, import chains."""
    out: list[Case] = []
    files = root / "files"
    files.mkdir()
    os.mkfifo(files / "fifo.steer")
    (files / "loop.steer").symlink_to("loop.steer")
    (files / "a.steer").symlink_to("b.steer")
    (files / "b.steer").symlink_to("a.steer")
    (files / "folder.steer").mkdir()
    (files / "passwd.steer").symlink_to("/etc/passwd")
    (files / "latin1.steer").write_bytes(b"let caf\xe9 = 1\n")
    (files / "huge.steer").write_bytes(b"let a = 1\n" + b" " * (2 << 20))
    refused = ("E131", "only regular files")
    for path, says in ((files / "fifo.steer", "FIFO"), (files / "folder.steer", "directory"),
                       (Path("/dev/zero"), "/dev"), (Path("/dev/urandom"), "/dev"), (Path("/dev/null"), "/dev"),
                       (Path("/proc/self/mem"), "/proc"), (Path("/proc/self/environ"), "/proc"),
                       (Path("/sys/kernel/mm/transparent_hugepage/enabled"), "/sys")):
        out.append(Case("files", f"open-{path.name}", None, refused[0], says, path=str(path)))
    out.append(Case("files", "link-loop", None, "E131", "loop of symbolic links", path=str(files / "loop.steer")))
    out.append(Case("files", "link-loop-of-two", None, "E131", "loop of symbolic links", path=str(files / "a.steer")))
    out.append(Case("files", "not-utf8", None, "E131", "not UTF-8", path=str(files / "latin1.steer")))
    out.append(Case("files", "missing", None, "E131", "no such file", path=str(files / "missing.steer")))
    out.append(Case("input_bytes", "big-file", None, *budget("input_bytes"), path=str(files / "huge.steer")))
    for source in ("/dev/zero", "/dev/urandom"):
        out.append(Case("input_bytes", f"stdin-{Path(source).name}", None, *budget("input_bytes"), stdin=source))
    imports = [("fifo.steer", "E131", "FIFO"), ("loop.steer", "E131", "loop of symbolic links"),
               ("folder.steer", "E131", "directory"), ("latin1.steer", "E131", "not UTF-8"),
               ("huge.steer", *budget("input_bytes")), ("passwd.steer", "E130", "not a .steer file"),
               ("/etc/passwd", "E133", "outside the folder"), ("/etc/passwd.steer", "E133", "outside the folder"),
               ("../../../../../etc/passwd", "E133", "outside the folder"), ("/dev/zero", "E133", "outside the folder"),
               ("/proc/self/mem", "E133", "outside the folder"), ("notes.txt", "E130", "not a .steer file")]
    for k, (target, code, says) in enumerate(imports):
        out.append(Case("imports", f"import-{target}", f'import "{target}"\n', code, says,
                        path=str(files / f"imports_{k}.steer")))
        out.append(Case("imports", f"from-import-{target}", f'from "{target}" import x\n', code, says,
                        path=str(files / f"from_imports_{k}.steer")))
    for kind, n in (("chain", 500), ("cycle", 500), ("chain", 20)):
        folder = root / f"{kind}{n}"
        folder.mkdir()
        for j in range(n):
            nxt = (j + 1) % n if kind == "cycle" else j + 1
            (folder / f"m{j}.steer").write_text(f'import "m{nxt}.steer"\nlet v{j} = {j}\n', encoding="utf-8")
        (folder / f"m{n}.steer").write_text(f"let v{n} = 1\n", encoding="utf-8")
        out.append(Case("imports", f"{kind}-{n}", None, *budget("import_depth"), path=str(folder / "m0.steer")))
    small = root / "cycle2"
    small.mkdir()
    (small / "p.steer").write_text('import "q.steer"\n', encoding="utf-8")
    (small / "q.steer").write_text('import "p.steer"\n', encoding="utf-8")
    out.append(Case("imports", "cycle-2", None, "E130", "import cycle", path=str(small / "p.steer")))
    return out


CASES = _cases()


def test_the_corpus_is_large_and_covers_every_budget(tmp_path):
    cases = CASES + _file_cases(tmp_path)
    assert len(cases) >= 150
    fired = {c.says.removeprefix("budget ") for c in cases if c.says.startswith("budget ")}
    assert fired == set(BUDGETS)


def test_every_budget_is_documented_with_its_default_and_code():
    """docs/reliability.md lists each budget of steerdsl/limits.py: name, default, code."""
    import re

    page = (fz.ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = {m.group(1): (int(m.group(2)), m.group(3))
            for m in re.finditer(r"^\| `(\w+)` \| (\d+) \| (E\d+) \|", page, re.MULTILINE)}
    assert rows == {name: (b.default, b.code) for name, b in BUDGETS.items()}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case through ``steer check`` in one watched worker: {name: (case, outcome)}."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "models").mkdir()
    cases = CASES + _file_cases(root)
    fz._warm_up()
    dog = fz.Watchdog(KILL_SECONDS, MEMORY)
    results = {}
    try:
        for k, case in enumerate(cases):
            path = case.path or str(root / "models" / f"case{k}.steer")
            job = fz.Job("hostile", path, case.text, f"{case.family}/{case.name}", stdin=case.stdin)
            outcome, _seconds = dog.submit(job)
            results[f"{case.family}/{case.name}"] = (case, outcome)
    finally:
        dog.close()
    return results


def test_every_hostile_input_ends_in_its_coded_diagnostic(outcomes):
    assert len(outcomes) >= 150
    wrong = []
    for name, (case, out) in outcomes.items():
        first = fz.LOCATED.search(out.output)
        if out.kind != "diagnostic" or first is None:
            wrong.append(f"{name}: {out.kind} {out.code} {out.error or out.output[-600:]}")
            continue
        file, line, column, code, message = first.groups()
        if code != case.code or case.says not in message or int(line) < 1 or int(column) < 1 or not file:
            wrong.append(f"{name}: wanted {case.code} '{case.says}', got {out.output[:400]}")
    assert not wrong, "\n".join(wrong)


def test_refused_files_are_not_quoted(outcomes):
    """An error about a file that is not a model never shows its content (/etc/passwd starts 'root:')."""
    for name, (_case, out) in outcomes.items():
        if name.startswith(("files/", "imports/")):
            assert "root:" not in out.output, name

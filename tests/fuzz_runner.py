"""Fuzzing the parser, resolver and checks through the entry points users use.

Every input — a bundled model (``models/``, ``tests/lang``, ``tests/bad``, ``benchmarks/models``)
mutated by character and token edits, number swaps, huge numbers, unicode and deep nesting, or a
model generated from the grammar — must end in a result or in a diagnostic with a known code:
never a Python traceback, never a hang.  Inputs go through

* ``api``: :func:`steerdsl.api.loads` then :func:`steerdsl.api.check`;
* ``check``: ``steer check`` (text and ``--format json``) via :func:`steerdsl.cli.main`;
* ``run``: ``steer run --format json --max-sdp-size 2500`` on mutants of the cheap models (those that
  run in < 1 s; the size guard refuses mutants that ask for a see-saw or a level far above them).

Each input runs in a worker process watched by this one: an input that does not answer within
``--timeout`` seconds is a hang (the worker is killed and replaced).  Usage::

    python tests/fuzz_runner.py -n 20000 --seed 0 --timeout 20

prints the counts per outcome and per mode, and the first inputs of each crash kind (saved under
``--save DIR`` when given).  Exit status 1 when any crash or hang was found.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIRS = ("models", "tests/lang", "tests/bad", "benchmarks/models")
CHEAP_RUN_MODELS = ("e01_bwi_pr_box", "e04_pr_box_tripartite", "e08_several_bobs_ghz_w",
                    "e09_lhs_bell_nonlocal_bobs", "e10_werner_xz", "e10_werner_xyz", "e11_chsh", "e12_ghjw",
                    "e14_bell_tools", "e15_transforms", "e06_upb_witness")
"""Models whose ``steer run`` takes well under a second: their mutants are run, not only checked."""

MEMORY_LIMIT = 6 * 1024**3
"""Address-space limit of a worker (bytes): a mutant asking for a huge object must be refused by a
diagnostic before it allocates, not take the machine down."""

# ------------------------------------------------------------------ mutations
ODD_CHARACTERS = list("{}[]()|:;,=+-*/^'\"#.<>!~?$@&%\\`_ \t\n0123456789") + [
    "⟩", "⟨", "†", "⊗", "≈", "≤", "≥", "≠", "−", "·", "⊕", "√", "π", "∞", "é", "ß", "中", "😀", "\u200b",
    "\u00a0", "\x00", "\r", "\ufeff", "𝔸", "Ω", "ℏ", "٣", "²"]
NUMBERS = ["0", "1", "2", "3", "4", "7", "-1", "0.5", "1e-9", "1e9", "10", "64", "100", "1000", "99999",
           "4294967296", "123456789012345678901234567890", "1e308", "1e-308", "1e999", "0.000000000001",
           "3.14159265358979323846264338327950288", "00", "007", "9" * 400]
WORDS = ["scenario", "alice", "bob", "inputs", "outputs", "dim", "let", "assemblage", "functional",
         "behaviour", "check", "solve", "bound", "expect", "assert", "sweep", "for", "in", "if", "else",
         "max", "min", "over", "level", "numeric", "table", "cg", "map", "kraus", "choi", "state",
         "measurement", "on", "not", "and", "or", "xor", "I", "X", "ket", "proj", "sqrt", "tr", "kron",
         "sigma", "float", "inv", "otherwise", "import", "from", "points", "random", "lhs", "valid"]
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_NUMBER = re.compile(r"(?<![\w.])\d+(\.\d+)?([eE][+-]?\d+)?")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _spot(rng: random.Random, text: str) -> int:
    return rng.randrange(len(text) + 1)


def delete_chars(text: str, rng: random.Random) -> str:
    i = _spot(rng, text)
    return text[:i] + text[i + rng.randint(1, 3):]


def insert_char(text: str, rng: random.Random) -> str:
    i = _spot(rng, text)
    return text[:i] + rng.choice(ODD_CHARACTERS) + text[i:]


def duplicate_span(text: str, rng: random.Random) -> str:
    i = _spot(rng, text)
    piece = text[i:i + rng.randint(1, 60)]
    j = _spot(rng, text)
    return text[:j] + piece + text[j:]


def replace_char_unicode(text: str, rng: random.Random) -> str:
    if not text:
        return chr(rng.randint(0x80, 0x2FFFF))
    i = rng.randrange(len(text))
    return text[:i] + chr(rng.choice([rng.randint(0x80, 0x7FF), rng.randint(0x800, 0xFFFF),
                                      rng.randint(0x10000, 0x2FFFF)])).replace("\ud800", "?") + text[i + 1:]


def delete_token(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    if toks:
        del toks[rng.randrange(len(toks))]
    return "".join(toks)


def duplicate_token(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    if toks:
        k = rng.randrange(len(toks))
        toks.insert(k, toks[k])
    return "".join(toks)


def insert_word(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    toks.insert(rng.randint(0, len(toks)), f" {rng.choice(WORDS)} ")
    return "".join(toks)


def swap_tokens(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    if len(toks) > 1:
        a, b = rng.randrange(len(toks)), rng.randrange(len(toks))
        toks[a], toks[b] = toks[b], toks[a]
    return "".join(toks)


def swap_number(text: str, rng: random.Random) -> str:
    spots = list(_NUMBER.finditer(text))
    if not spots:
        return insert_char(text, rng)
    m = rng.choice(spots)
    return text[:m.start()] + rng.choice(NUMBERS) + text[m.end():]


def shift_number(text: str, rng: random.Random) -> str:
    spots = [m for m in _NUMBER.finditer(text) if m.group(1) is None and m.group(2) is None]
    if not spots:
        return swap_number(text, rng)
    m = rng.choice(spots)
    return text[:m.start()] + str(max(0, int(m.group()) + rng.choice([-2, -1, 1, 2, 5]))) + text[m.end():]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    lines.insert(rng.randint(0, len(lines)), lines[k])
    return "".join(lines)


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[:_spot(rng, text)]


def deep_nesting(text: str, rng: random.Random) -> str:
    """Wrap a number or name in many brackets, or open many brackets that never close."""
    depth = rng.choice([30, 200, 1000, 5000, 20000])
    spots = list(re.finditer(r"\w+", text))
    style = rng.randrange(4)
    if style == 0 and spots:
        m = rng.choice(spots)
        return text[:m.start()] + "(" * depth + m.group() + ")" * depth + text[m.end():]
    if style == 1:
        return text + f"\nlet deep = {'-' * depth}1\n"
    if style == 2:
        return text + f"\nlet deep = {'sqrt(' * depth}2{')' * depth}\n"
    return text[:(i := _spot(rng, text))] + rng.choice("([{") * depth + text[i:]


def long_expression(text: str, rng: random.Random) -> str:
    """A long flat sum or product (a deep left-recursive tree)."""
    n = rng.choice([100, 1000, 10000])
    op = rng.choice(["+", "*", "⊗", "^", "xor", " and ", " or "])
    atom = rng.choice(["1", "X", "1/2", "i", "[1 == 1]"])
    return text + f"\nlet flat = {op.join([atom] * n)}\n"


def generated_let(text: str, rng: random.Random) -> str:
    return text + f"\nlet g{rng.randrange(1000)} = {random_expression(rng, rng.randint(1, 5))}\n"


MUTATIONS = {f.__name__: f for f in (
    delete_chars, insert_char, duplicate_span, replace_char_unicode, delete_token, duplicate_token,
    insert_word, swap_tokens, swap_number, shift_number, delete_line, duplicate_line, swap_lines, truncate,
    deep_nesting, long_expression, generated_let)}


# ------------------------------------------------------------------ generated models
ATOMS = ["0", "1", "2", "1/2", "1/3", "0.25", "i", "pi", "I", "X", "Y", "Z", "I(2)", "I(3)", "ket(0)",
         "ket(1)", "|0⟩", "|+⟩", "⟨1|", "sqrt(2)", "sqrt(3)", "cos(pi/8)", "sin(pi/5)", "exp(i*pi/3)",
         "float(0.3)", "proj(ket(0))", "[1, 0]", "[[1, 0], [0, 1]]", "1e-12", "99999999999"]
UNARY = ["T", "dag", "tr", "sqrt", "proj", "inv", "sqrtm", "float", "conj", "re", "im", "abs", "diag",
         "cos", "exp", "kron", "I", "ket"]
BINARY = ["+", "-", "*", "/", "^", "⊗", " xor ", " mod ", " == ", " < "]


def random_expression(rng: random.Random, depth: int, names: tuple[str, ...] = ()) -> str:
    """A random expression of the language (most are ill-typed on purpose)."""
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(ATOMS + list(names))
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.choice(UNARY)}({random_expression(rng, depth - 1, names)})"
    if kind == 1:
        left, right = random_expression(rng, depth - 1, names), random_expression(rng, depth - 1, names)
        return f"{left}{rng.choice(BINARY)}{right}"
    if kind == 2:
        return f"({random_expression(rng, depth - 1, names)})"
    return f"-{random_expression(rng, depth - 1, names)}"


def _scalar_expression(rng: random.Random, depth: int, names: tuple[str, ...]) -> str:
    """A random well-typed number: integers, halves and index names under + − * and xor."""
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice(["0", "1", "2", "1/2", "-1"] + list(names))
    op = rng.choice([" + ", " - ", " * ", " xor "])
    left, right = _scalar_expression(rng, depth - 1, names), _scalar_expression(rng, depth - 1, names)
    if op == " xor ":
        left, right = rng.choice(names or ("1",)), rng.choice(names or ("0",))
    return f"({left}{op}{right})"


def generated_model(rng: random.Random) -> str:
    """A model of a random scenario: usually well formed, with a random assemblage formula and checks."""
    n_alices = rng.choice([1, 1, 1, 2, 3])
    k = rng.choice([1, 2, 2, 3])
    m = rng.choice([1, 2, 2, 3])
    d = rng.choice([1, 2, 2, 3])
    bob_inputs = rng.random() < 0.2 and n_alices == 1
    names = [f"A{j}" for j in range(n_alices)]
    outs = [f"a{j}" for j in range(n_alices)]
    ins = [f"x{j}" for j in range(n_alices)]
    lines = ["scenario {"]
    lines += [f"    alice {p} : inputs {m}, outputs {k}" for p in names]
    lines.append(f"    bob B : dim {d}" + (", inputs 2" if bob_inputs else ""))
    lines.append("}")
    header = f"[{' '.join(outs)}|{' '.join(ins)}{' y' if bob_inputs else ''}]"
    scalars = tuple(outs + ins + (["y"] if bob_inputs else []))
    element = rng.choice([f"I({d})/{d * k ** n_alices}", f"[{outs[0]} == {ins[0]}] * I({d})/{d * k ** (n_alices - 1)}",
                          random_expression(rng, 3, scalars)])
    lines.append(f"assemblage sigma{header} = {element}")
    lines.append(f"functional F{header} = {_scalar_expression(rng, 3, scalars)}")
    lines.append(f"let c = {random_expression(rng, rng.choice([1, 2, 4]))}")
    lines.append(rng.choice(["check sigma : valid", "check sigma : nonsignalling, psd", "value F on sigma",
                             "assert tr(c) == tr(c)", "check c : psd"]))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ one input
@dataclass
class Job:
    """One fuzz input: its mode, the file it pretends to be, its text and how it was made."""

    mode: str
    path: str
    text: str | None
    origin: str
    stdin: str | None = None
    """``hostile`` jobs: a file to give as standard input (the path is then '-')."""


@dataclass
class Outcome:
    """``result`` (an answer), ``diagnostic`` (a SteerError with a known code), ``crash`` or ``hang``."""

    kind: str
    code: str = ""
    error: str = ""
    output: str = ""
    """``hostile`` jobs: what ``steer check`` printed."""


def _known(code: str) -> bool:
    from steerdsl.codes import CODES

    return code in CODES and code != "E900"


def run_api(job: Job) -> Outcome:
    """``loads`` then ``check``: a model, a report, or a SteerError with a known code."""
    from steerdsl.api import check, loads
    from steerdsl.diagnostics import SteerError

    try:
        model = loads(job.text, job.path)
    except SteerError as exc:
        code = exc.diagnostic.code
        return Outcome("diagnostic", code) if _known(code) else Outcome("crash", code, f"unknown code {code}")
    report = check(model)
    bad = [d.code for d in report.diagnostics if not _known(d.code)]
    if bad:
        return Outcome("crash", bad[0], f"unknown code {bad[0]} in the report")
    return Outcome("result", report.diagnostics[0].code if report.diagnostics else "")


def run_cli(job: Job, argv: list[str]) -> Outcome:
    """``steer …`` on the job written to its path: exit 0/1 and no traceback, codes known."""
    from steerdsl.cli import main

    Path(job.path).write_text(job.text, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv + [job.path])
    text = out.getvalue() + err.getvalue()
    if "Traceback" in text or "internal error" in text or code not in (0, 1):
        return Outcome("crash", f"exit {code}", text[-2000:])
    codes = re.findall(r"error\[(\w+)\]", text)
    if "--format" in argv:
        data = json.loads(out.getvalue())
        reports = data if isinstance(data, list) else [data]
        codes = [d["code"] for r in reports for d in r.get("diagnostics", [])]
    unknown = [c for c in codes if not _known(c)]
    if unknown:
        return Outcome("crash", unknown[0], f"unknown code {unknown[0]}: {text[-2000:]}")
    return Outcome("diagnostic" if codes else "result", codes[0] if codes else "")


LOCATED = re.compile(r"^(.+?):(\d+):(\d+): error\[(\w+)\]: (.*)$", re.MULTILINE)
"""The first line of a rendered diagnostic: file, line, column, code, message."""


def run_hostile(job: Job) -> Outcome:
    """``steer check`` on a hostile input: the job's text written to its path (None: the path as it is,
    a FIFO or a device), or ``-`` reading ``job.stdin``; a diagnostic with a location is expected."""
    from steerdsl.cli import main

    if job.text is not None:
        Path(job.path).write_text(job.text, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    try:
        if job.stdin is not None:
            sys.stdin = open(job.stdin, "rb")  # noqa: SIM115 - closed below
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "-" if job.stdin is not None else job.path])
    finally:
        if sys.stdin is not old_stdin:
            sys.stdin.close()
        sys.stdin = old_stdin
    text = out.getvalue() + err.getvalue()
    if "Traceback" in text or "internal error" in text or code not in (0, 1):
        return Outcome("crash", f"exit {code}", text[-2000:], text)
    first = LOCATED.search(text)
    if first is None:
        return Outcome("result", "", "", text)
    return Outcome("diagnostic", first.group(4), "", text)


CLI_ARGS = {"check": ["check"], "check_json": ["check", "--format", "json"],
            "run": ["run", "-q", "--format", "json", "--max-sdp-size", "2500"]}


def run_job(job: Job) -> Outcome:
    """Classify one input; any exception escaping the entry point is a crash with its traceback."""
    try:
        if job.mode == "api":
            return run_api(job)
        if job.mode == "hostile":
            return run_hostile(job)
        return run_cli(job, CLI_ARGS[job.mode])
    except Exception as exc:  # the point of fuzzing: any escape is a crash to report
        tb = traceback.format_exc()
        return Outcome("crash", type(exc).__name__, tb[-3000:])


# ------------------------------------------------------------------ the worker and its watchdog
def _worker(conn, memory: int = MEMORY_LIMIT) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(run_job(job))


class Watchdog:
    """One worker process fed jobs one at a time; a job that does not answer in time is a hang."""

    def __init__(self, timeout: float, memory: int = MEMORY_LIMIT):
        self.timeout = timeout
        self.memory = memory
        self.ctx = multiprocessing.get_context("fork")
        self._start()

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.memory), daemon=True)
        self.proc.start()
        child.close()

    def _restart(self) -> None:
        if self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join()
        self.conn.close()
        self._start()

    def submit(self, job: Job) -> tuple[Outcome, float]:
        start = time.perf_counter()
        self.conn.send(job)
        if self.conn.poll(self.timeout):
            try:
                return self.conn.recv(), time.perf_counter() - start
            except EOFError:
                pass
            self._restart()
            return Outcome("crash", "worker died", f"exit code {self.proc.exitcode}"), time.perf_counter() - start
        self._restart()
        return Outcome("hang", f"> {self.timeout:g} s"), time.perf_counter() - start

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.join()


# ------------------------------------------------------------------ the campaign
def corpus() -> list[Path]:
    """The bundled models the mutants start from."""
    return sorted(p for d in CORPUS_DIRS for p in (ROOT / d).glob("*.steer"))


def make_job(rng: random.Random, sources: list[Path], workdir: Path) -> Job:
    """One input: a mutant of a bundled model (or a generated model), in a mode."""
    if rng.random() < 0.1:
        text, origin, home = generated_model(rng), "generated", None
    else:
        home = rng.choice(sources)
        text = home.read_text(encoding="utf-8")
        steps = [rng.choice(list(MUTATIONS)) for _ in range(rng.choice([1, 1, 2, 3]))]
        for step in steps:
            text = MUTATIONS[step](text, rng)
        origin = f"{home.relative_to(ROOT)} {'+'.join(steps)}"
    cheap = home is not None and home.stem in CHEAP_RUN_MODELS
    roll = rng.random()
    mode = "run" if cheap and roll < 0.3 else "check" if roll < 0.5 else "check_json" if roll < 0.6 else "api"
    # a mutant pretends to live beside its original (imports resolve there) but is written to the mirror
    folder = workdir / (home.parent.relative_to(ROOT) if home is not None else Path("generated"))
    path = folder / "fuzz_input.steer" if mode != "api" else (home if home is not None else folder / "gen.steer")
    return Job(mode, str(path), text, origin)


@dataclass
class Report:
    """Counts of a fuzz campaign."""

    inputs: int = 0
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    modes: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    failures: list[tuple[Job, Outcome]] = field(default_factory=list)

    @property
    def crashes(self) -> int:
        return self.outcomes["crash"]

    @property
    def hangs(self) -> int:
        return self.outcomes["hang"]

    def summary(self) -> str:
        lines = [f"{self.inputs} inputs in {self.seconds:.1f} s (slowest {self.slowest:.2f} s): "
                 + ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())),
                 "modes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.modes.items())),
                 "codes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.codes.items()))]
        kinds: dict[str, tuple[Job, Outcome]] = {}
        for job, out in self.failures:
            kinds.setdefault(f"{out.kind} {out.code} {out.error.strip().splitlines()[-1] if out.error else ''}",
                             (job, out))
        for kind, (job, out) in kinds.items():
            lines.append(f"--- {kind}\n    from {job.origin} ({job.mode})\n{out.error[-1500:]}")
        return "\n".join(lines)


def _warm_up() -> None:
    """Import steerdsl and build the parser once, so that every forked worker starts warm."""
    from steerdsl.api import loads
    from steerdsl.cli import main  # noqa: F401

    loads((ROOT / "models" / "e11_chsh.steer").read_text(encoding="utf-8"), "warm-up")


def fuzz(n: int, seed: int = 0, timeout: float = 20.0, save: Path | None = None,
         progress: bool = False) -> Report:
    """Run ``n`` inputs from the random seed ``seed``; every one must end in a result or a diagnostic."""
    rng = random.Random(seed)
    sources = corpus()
    report = Report()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="steer-fuzz-") as tmp:
        workdir = Path(tmp)
        for d in CORPUS_DIRS:
            shutil.copytree(ROOT / d, workdir / d, dirs_exist_ok=True)
        (workdir / "generated").mkdir()
        _warm_up()
        dog = Watchdog(timeout)
        try:
            for k in range(n):
                job = make_job(rng, sources, workdir)
                outcome, seconds = dog.submit(job)
                report.inputs += 1
                report.outcomes[outcome.kind] += 1
                report.modes[job.mode] += 1
                report.slowest = max(report.slowest, seconds)
                if outcome.kind == "diagnostic":
                    report.codes[outcome.code] += 1
                if outcome.kind in ("crash", "hang"):
                    report.failures.append((job, outcome))
                    if save is not None:
                        save.mkdir(parents=True, exist_ok=True)
                        (save / f"{outcome.kind}_{k}.steer").write_text(job.text, encoding="utf-8",
                                                                        errors="surrogatepass")
                if progress and (k + 1) % 500 == 0:
                    print(f"[{k + 1}/{n}] {time.perf_counter() - start:.0f} s "
                          f"{dict(report.outcomes)}", file=sys.stderr, flush=True)
        finally:
            dog.close()
    report.seconds = time.perf_counter() - start
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=300, help="number of inputs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang")
    p.add_argument("--save", type=Path, help="write crashing and hanging inputs to this folder")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))  # unwind, so the watchdog stops its worker
    report = fuzz(args.n, args.seed, args.timeout, args.save, progress=True)
    print(report.summary())
    return 1 if report.crashes or report.hangs else 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``steer`` command: a thin layer over :mod:`steerdsl.api`.

Exit codes: 0 all good, 1 a model is wrong (a diagnostic with severity
error, a failed check or expectation), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import traceback
from pathlib import Path

from steerdsl.cli_models import _load, _read_sources, add_model_options
from steerdsl.diagnostics import Diagnostic, SteerError, print_diagnostic, render_text
from steerdsl.options import positive_gib, positive_int, positive_seconds
from steerdsl.syntax.source import sources_for

EXIT_OK, EXIT_MODEL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit 2 with usage; keep that, add a hint
        self.print_usage(sys.stderr)
        print(f"steer: error: {message}\n  = hint: steer --help lists the commands", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _symbol(status: str, ok: bool) -> str:
    if status == "undecided":
        return "?"
    return "✓" if ok else "✗"


def cmd_check(args) -> int:
    from steerdsl.api import check

    code = EXIT_OK
    reports = []
    for name, text in _read_sources(args.files, args):
        try:
            model = _load(name, text, args)
        except SteerError as exc:
            code = max(code, EXIT_MODEL)
            if args.format == "json":
                reports.append({"file": name, "ok": False, "checks": [], "diagnostics": [exc.diagnostic.to_json()]})
            else:
                print_diagnostic(exc.diagnostic, sources_for(name, text), "text")
            continue
        report = check(model)
        if not report.ok:
            code = max(code, EXIT_MODEL)
        if args.format == "json":
            reports.append(report.to_json())
            continue
        if args.quiet and report.ok and not report.diagnostics:
            continue
        passed = sum(r.ok for r in report.results)
        undecided = sum(r.status == "undecided" for r in report.results)
        failed = len(report.results) - passed - undecided
        print(f"{name}: {len(report.results)} checks — {passed} as claimed, {failed} contradicted, "
              f"{undecided} undecided")
        for note in _tolerance_notes(report.results):
            print(f"  note: {note}")
        if args.verbose or not report.ok:
            for r in report.results:
                mark = _symbol(r.status, r.ok)
                exactness = "exact" if r.exact else f"numeric, atol {r.tolerance}"
                claim = "" if r.expected == "pass" else f" (claimed {r.expected})"
                line = f"  {mark} {r.subject}: {r.property} {r.status}{claim} [{exactness}]"
                print(line + (f" — {r.detail}" if r.detail and (args.verbose or not r.ok) else ""))
        for d in report.diagnostics:
            print_diagnostic(d, model.sources, "text")
    if args.format == "json":
        print(json.dumps(reports if len(reports) != 1 else reports[0], indent=2))
    return code


def cmd_compile(args) -> int:
    from steerdsl.emit import emit_json, emit_sympy

    (name, text), = _read_sources([args.file], args)
    try:
        model = _load(name, text, args)
    except SteerError as exc:
        _failed(exc.diagnostic, args, sources_for(name, text), file=name)
        return EXIT_MODEL
    if args.emit == "json":
        print(json.dumps(emit_json(model), indent=2))
    elif args.emit == "sdp":
        return _emit_sdp(model, args.write, args.format)
    elif args.emit == "constraints":
        from steerdsl.emit_constraints import constraints

        found = constraints(model)
        if args.format == "json":
            print(json.dumps({"file": model.file, "emit": "constraints", "notes": found.notes,
                              "constraints": [{"name": c.name, "expression": str(c.expr), "relation": c.relation,
                                               "subject": c.subject, "property": c.property} for c in found]},
                             indent=2, ensure_ascii=False))
        else:
            print(found.text())
    elif args.format == "json":
        print(json.dumps({"file": model.file, "emit": "sympy", "text": emit_sympy(model)}, indent=2,
                         ensure_ascii=False))
    else:
        print(emit_sympy(model))
    return EXIT_OK


def _emit_sdp(model, prefix: str | None, fmt: str = "text") -> int:
    """Print (and optionally write, as CBF or SDPA sparse) the picos problem of every SDP line (``fmt``
    json: one document with each line's problem as picos prints it and the files written)."""
    from steerdsl.run import run_model

    report = run_model(model)
    problems = []
    for a in report.answers:
        problem = a.result.problem if a.result is not None else None
        problems.append({"line": a.line, "question": a.text, "problem": None if problem is None else str(problem),
                         "written": _write_problem(problem, prefix, a.line) if problem is not None else []})
    if fmt == "json":
        print(json.dumps({"file": model.file, "emit": "sdp", "ok": report.ok, "problems": problems,
                          "diagnostics": [d.to_json() for d in report.diagnostics]}, indent=2, ensure_ascii=False))
        return EXIT_OK if report.ok else EXIT_MODEL
    if not problems:
        print(f"{model.file}: no solve or bound lines")
    for p in problems:
        print(f"# {model.file}:{p['line']}: {p['question']}")
        print("#   (no SDP: answered without a solver)" if p["problem"] is None else p["problem"])
        for note in p["written"]:
            print(f"#   {note}")
    for d in report.diagnostics:
        print(render_text(d, model.sources))
    return EXIT_OK if report.ok else EXIT_MODEL


def _write_problem(problem, prefix: str | None, line: int) -> list[str]:
    """Write ``problem`` as ``PREFIX_line<N>.cbf`` and ``.dat-s`` (when ``prefix``); what happened to each."""
    notes = []
    for ext in (".cbf", ".dat-s") if prefix else ():
        path = f"{prefix}_line{line}{ext}"
        try:
            problem.write_to_file(path)
            notes.append(f"written to {path}")
        except Exception as exc:  # picos cannot write every problem in every format
            Path(path).unlink(missing_ok=True)
            notes.append(f"not written as {ext}: {type(exc).__name__} {exc}")
    return notes


def _tolerance_notes(results) -> list[str]:
    """The notes of checks decided within a table's stated tolerance (``numeric tol T``), each once: printed
    under the count, so that a tolerance other than the default is never applied silently."""
    return list(dict.fromkeys(n for r in results for n in r.notes if "tolerance" in n))


def _fmt_value(v) -> str:
    return "—" if v is None else f"{v:.8g}"


def print_run_report(report, verbose: bool = False) -> None:
    """A readable table of one model's answers (``verbose``: each witness functional under its line)."""
    checks = report.checks
    ok_checks = sum(r.ok for r in checks.results)
    undecided = sum(r.status == "undecided" for r in checks.results)
    print(f"{report.file}")
    print(f"  exact checks: {ok_checks}/{len(checks.results)} as claimed" +
          (f", {undecided} undecided" if undecided else ""))
    for note in _tolerance_notes(checks.results):
        print(f"  note: {note}")
    for r in checks.results:  # 'value F on sigma' lines: their values, with or without 'expect'
        if r.property == "value":
            line = f"line {r.span.line}: " if r.span is not None else ""
            text = r.detail if r.detail.startswith(r.subject) else f"{r.subject} {r.detail}"
            print(f"  {line}value {text}" + ("" if r.exact else f" (tolerance {r.tolerance})"))
    if report.answers:
        print(f"  {'line':>4}  {'question':<46} {'value':>12}  {'verdict':<9} {'margin':>9}  {'time':>6}  expect")
        for a in report.answers:
            r = a.result
            margin = "—" if r is None or r.margin is None else f"{r.margin:+.1e}"
            verdict = (r.verdict or "—") if r is not None else "—"
            mark = "" if a.ok is None else ("✓ " if a.ok else "✗ ") + a.expectation
            text = a.text if len(a.text) <= 46 else a.text[:45] + "…"
            print(f"  {a.line:>4}  {text:<46} {_fmt_value(r.value if r else None):>12}  {verdict:<9} "
                  f"{margin:>9}  {a.seconds:>5.2f}s  {mark}")
            if r is not None and isinstance(r.details.get("note"), str):
                print(f"        {r.details['note']}")
            if r is not None and isinstance(r.details.get("symmetry_note"), str):
                print(f"        {r.details['symmetry_note']}")
            if r is not None and isinstance(r.details.get("certificate_note"), str):
                print(f"        {r.exactness}: {r.details['certificate_note']}")
            if r is not None and isinstance(r.details.get("proved_by"), str):
                print(f"        proved by {r.details['proved_by']}")
            if verbose and r is not None and r.witness is not None:
                from steerdsl.witness_file import functional_table

                print(f"        witness (bound {_fmt_value(r.bound)}, value {_fmt_value(r.witness_value)}):")
                print(textwrap.indent(functional_table(r.witness, "W"), " " * 10))
    for d in checks.diagnostics + report.diagnostics:
        print(render_text(d, report.sources))


def _write_witnesses(report, model, name: str, folder: Path) -> None:
    """Each witness of ``report`` as ``folder/<model>_line<N>_witness.steer`` (:mod:`steerdsl.witness_file`)."""
    from steerdsl.witness_file import witness_file

    folder.mkdir(parents=True, exist_ok=True)
    for answer in report.answers:
        text = witness_file(model, answer)
        if text is not None:
            path = folder / f"{Path(name).stem}_line{answer.line}_witness.steer"
            path.write_text(text, encoding="utf-8")
            print(f"witness of line {answer.line} written to {path}", file=sys.stderr)


def cmd_run(args) -> int:
    from steerdsl.progress import Progress
    from steerdsl.run import run_model

    code = EXIT_OK
    reports = []
    progress = None if args.quiet or args.format == "json" else Progress()
    for name, text in _read_sources(args.files, args):
        try:
            model = _load(name, text, args)
        except SteerError as exc:
            code = max(code, EXIT_MODEL)
            if args.format == "json":
                reports.append({"file": name, "ok": False, "diagnostics": [exc.diagnostic.to_json()]})
            else:
                print_diagnostic(exc.diagnostic, sources_for(name, text), "text")
            continue
        try:
            report = run_model(model, progress=progress, solver=args.solver, max_sdp_size=args.max_sdp_size,
                               time_limit_seconds=args.time_limit, max_sdp_memory=args.max_sdp_memory,
                               symmetry=not args.no_symmetry)
        finally:
            if progress is not None:
                progress.close()
        if args.certificates:
            _write_certificates(report, name, Path(args.certificates))
        if args.witnesses:
            _write_witnesses(report, model, name, Path(args.witnesses))
        if args.realisations:
            _write_realisations(report, name, Path(args.realisations))
        if not report.ok:
            code = max(code, EXIT_MODEL)
        if args.format == "json":
            reports.append(report.to_json())
        elif not (args.quiet and report.ok and not report.checks.diagnostics):  # -q: only what is wrong
            print_run_report(report, args.verbose)
            for spec in model.sweeps if not args.quiet else ():
                print(f"  sweep at line {spec.line}: {spec.size} tasks — run them with: steer sweep {name}")
    if args.format == "json":
        print(json.dumps(reports if len(reports) != 1 else reports[0], indent=2, default=str))
    return code


def _sweep_claims(file: str, solver: str | None) -> list[bool]:
    """The outcomes of the ``expect`` clauses inside a model's sweeps (each grid point one claim)."""
    from steerdsl.sweeps.run import sweep

    table = sweep(file, solver=solver, expectations_only=True)
    return [r["ok"] is True for r in table.rows if r["ok"] is not None or r["error"]]


def _write_realisations(report, name: str, folder: Path) -> None:
    """Each realisation a line found as ``FOLDER/<model>_line<N>.steer`` (exact when certified); the answer
    notes the file."""
    from steerdsl.inner.snippet import numeric_snippet

    for a in report.answers:
        if a.result is None or a.result.details.get("realisation") is None:
            continue
        text = numeric_snippet(a.result, a.subject)
        if text is not None:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{Path(name).stem}_line{a.line}.steer"
            path.write_text(text, encoding="utf-8")
            a.result.details["realisation_file"] = str(path)


def _write_certificates(report, name: str, folder: Path) -> None:
    """Each certified answer's certificate as ``FOLDER/<model>_line<N>.json``; the answer notes the file."""
    from steerdsl.exact.certificate_files import save_certificate

    folder.mkdir(parents=True, exist_ok=True)
    for a in report.answers:
        cert = a.result.details.get("certificate") if a.result is not None else None
        if cert is not None:
            path = save_certificate(cert, folder / f"{Path(name).stem}_line{a.line}.json")
            a.result.details["certificate_file"] = str(path)


VERIFY_SECONDS = 60.0
"""Default time limit of ``steer verify`` per certificate (the bundled ones take under a second)."""

SUBJECT_SHOWN = 400
"""Characters of a subject's exact expression shown by ``steer verify`` in text (all of it in JSON)."""


def _verify_one(name: str, model, fmt: str, quiet: bool = False) -> tuple[int, dict]:
    """Verify one certificate file (against ``model``'s object when given): the exit code and its JSON;
    text is printed unless ``fmt`` is json (with ``quiet``, only for a certificate that fails)."""
    from steerdsl.api import model_match
    from steerdsl.exact.certificate_files import verify_certificate

    check = verify_certificate(name)
    out = {"file": name, "verified": check.verified, "reasons": check.reasons,
           "bound": None if check.bound is None else str(check.bound),
           "value": None if check.value is None else str(check.value), "claim": check.claim,
           "subject": None if check.digest is None else {"kind": check.kind, "label": check.label,
                                                           "sha256": check.digest, "expression": check.subject}}
    code, what = check.code or "E221", "the certificate does not verify"
    if check.verified and model is not None:
        match, model_reasons = model_match(check, model)
        out["model"] = {"file": model.file, "matches": match is not None, "name": match}
        if model_reasons:
            check.verified, code, what = False, "E231", f"the certificate is not about {model.file}'s object"
            out["verified"], out["reasons"] = False, model_reasons
    if check.verified:
        if fmt == "text" and not quiet:
            shown = check.subject if len(check.subject) <= SUBJECT_SHOWN else (
                check.subject[:SUBJECT_SHOWN] + "… (all of it: steer verify --format json)")
            print(f"✓ {name}: verified in exact arithmetic\n  claim: {check.claim}\n"
                  f"  subject: {check.kind} {check.label!r}, sha256 {check.digest}: {shown}\n"
                  f"  checked: {check.checked}")
            if model is not None:
                named = "" if match == check.label else f" (the certificate labels it {check.label!r})"
                print(f"  model: {match} in {model.file} has this sha256{named}: the claim is about it")
        return EXIT_OK, out
    if code == "E220":
        what = "cannot read the certificate"
    elif code == "E230":
        what = "the certificate is beyond the verifier's limits"
    hint = ("verify it against the model it was made from, or re-create it with 'steer run --certificates DIR'"
            if code == "E231" else "re-create it with 'steer run --certificates DIR'")
    diag = Diagnostic(code, f"{name}: {what}", hint=hint, notes=out["reasons"])
    if fmt == "text":
        print(render_text(diag))
    else:
        out["diagnostic"] = diag.to_json()
    return EXIT_MODEL, out


def cmd_verify(args) -> int:
    model = None
    if args.model:
        try:
            model = _load(args.model, None)
        except SteerError as exc:
            _failed(exc.diagnostic, args, sources_for(args.model, None), file=args.model)
            return EXIT_MODEL
    from steerdsl.alarm import Alarm, alarm

    code, results = EXIT_OK, []
    for name in args.files:
        try:
            with alarm(args.time_limit):
                one, out = _verify_one(name, model, args.format, args.quiet)
        except Alarm:
            diag = Diagnostic("E230", f"{name}: the exact check took longer than {args.time_limit:g} s",
                              hint="a certificate this slow to check is unusual; raise the limit with "
                              "steer verify --time-limit SECONDS if you trust its size")
            one, out = EXIT_MODEL, {"file": name, "verified": False, "reasons": [diag.message],
                                    "diagnostic": diag.to_json()}
            if args.format == "text":
                print(render_text(diag))
        code = max(code, one)
        results.append(out)
    if args.format == "json":
        print(json.dumps(results if len(results) != 1 else results[0], indent=2, ensure_ascii=False))
    return code


def cmd_test(args) -> int:
    from steerdsl.progress import Progress
    from steerdsl.run import run_model

    files = sorted(str(p) for d in args.dirs for p in (Path(d).glob("*.steer") if Path(d).is_dir() else [Path(d)]))
    if not files:
        return _usage_error(f"no .steer files in {' '.join(args.dirs)}", args)
    text = args.format == "text"
    failed = passed = 0
    outcomes = []
    for f in files:
        try:
            model = _load(f, None, args)
            with Progress() as progress:
                report = run_model(model, solver=args.solver, progress=None if args.quiet or not text else progress,
                                   symmetry=not args.no_symmetry)
            sweep_claims = _sweep_claims(f, args.solver) if model.sweeps else []
        except SteerError as exc:
            failed += 1
            outcomes.append({"file": f, "ok": False, "holds": 0, "fail": 1, "diagnostics": [exc.diagnostic.to_json()]})
            if text:
                print(f"✗ {f}: does not load")
                print(render_text(exc.diagnostic, sources_for(f, None)))
            continue
        claims = [r.ok for r in report.checks.results] + [a.ok for a in report.answers if a.ok is not None]
        claims += sweep_claims
        bad = sum(1 for c in claims if not c) + len(report.diagnostics)
        holds = sum(1 for c in claims if c)
        passed += holds
        failed += bad
        ok = report.ok and all(sweep_claims)
        outcomes.append({"file": f, "ok": ok, "holds": holds, "fail": bad, "report": report.to_json()})
        if text and not (args.quiet and ok):
            print(f"{'✓' if ok else '✗'} {f}: {holds} expectations hold"
                  + (f", {bad} {'does' if bad == 1 else 'do'} not" if bad else ""))
        if text and (args.verbose or not report.ok):
            print_run_report(report, args.verbose)
    if not text:
        print(json.dumps({"passed": passed, "failed": failed, "files": outcomes}, indent=2, default=str))
    elif not (args.quiet and failed == 0):
        print(f"{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_MODEL


def cmd_explain(args) -> int:
    from steerdsl.codes import CODES, explain

    text = explain(args.code)
    if text is None:
        return _usage_error(f"unknown code {args.code!r}; known codes: {', '.join(sorted(CODES))}", args)
    print(json.dumps({"code": args.code.upper(), "text": text}, indent=2, ensure_ascii=False)
          if args.format == "json" else text, end="\n" if args.format == "json" else "")
    return EXIT_OK


def _usage_error(message: str, args) -> int:
    """A mistake in the command (not in a model): ``steer: MESSAGE`` on standard error, or with ``--format
    json`` the command's one JSON document ``{"ok": false, "error": MESSAGE}``; exit code 2."""
    if getattr(args, "format", "text") == "json":
        print(json.dumps({"ok": False, "error": message}, indent=2, ensure_ascii=False))
    else:
        print(f"steer: {message}", file=sys.stderr)
    return EXIT_USAGE


def _failed(diag: Diagnostic, args, sources: dict[str, str] | None = None, file: str | None = None) -> None:
    """Report ``diag``, which stops a command: as text (on standard error when it is not about a model's
    text), or with ``--format json`` as the command's one JSON document ``{"ok": false, "diagnostics": […]}``."""
    if getattr(args, "format", "text") == "json":
        out = {"file": file} if file is not None else {}
        print(json.dumps({**out, "ok": False, "diagnostics": [diag.to_json()]}, indent=2, ensure_ascii=False))
    elif sources is not None:
        print_diagnostic(diag, sources, "text")
    else:
        print(render_text(diag), file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="steer", description="Steering scenarios beyond quantum theory: check, compile and solve "
                "models written in the .steer language.")
    add_shared_options(p, top=True)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("check", help="parse, resolve and run the exact checks")
    c.add_argument("files", nargs="+", help=".steer files ('-' reads standard input)")
    add_model_options(c)
    c.set_defaults(func=cmd_check)
    k = sub.add_parser("compile", help="print the exact objects of a model")
    k.add_argument("file")
    k.add_argument("--emit", choices=("sympy", "json", "sdp", "constraints"), default="sympy",
                   help="sdp: the picos problem of every solve/bound line (solved, so its value is known); "
                   "constraints: every validity condition as a sympy expression == 0 or >= 0")
    k.add_argument("--write", metavar="PREFIX", help="with --emit sdp: also write PREFIX_lineN.cbf and .dat-s")
    add_model_options(k)
    k.set_defaults(func=cmd_compile)
    r = sub.add_parser("run", help="run every check and SDP question of the models, with a results table")
    r.add_argument("files", nargs="+", help=".steer files ('-' reads standard input)")
    r.add_argument("--solver", help="SDP solver for lines that do not name one (e.g. cvxopt, qics)")
    r.add_argument("--witnesses", metavar="DIR", help="write each answer's witness as a .steer file that "
                   "steer run reads back (DIR/<model>_line<N>_witness.steer)")
    r.add_argument("--certificates", metavar="DIR", help="write the exact certificate of every 'certify' line "
                   "that verified to DIR/<model>_line<N>.json")
    r.add_argument("--realisations", metavar="DIR", help="write the realisation of every 'realisation' line "
                   "(and the optimiser of every see-saw bound) to DIR/<model>_line<N>.steer, a model that "
                   "reproduces the assemblage (exactly when certified)")
    r.add_argument("--max-sdp-size", type=positive_int, metavar="N",
                   help="refuse SDPs estimated above N real variables (default 50000; E182)")
    r.add_argument("--max-sdp-memory", type=positive_gib, metavar="GIB",
                   help="refuse SDPs whose estimated memory is above GIB gibibytes (default 2; E182)")
    r.add_argument("--time-limit", type=positive_seconds, metavar="SECONDS",
                   help="stop a line whose SDP solves take longer than this in all (E310)")
    add_model_options(r)
    r.set_defaults(func=cmd_run)
    v = sub.add_parser("verify", help="re-check exact certificates (JSON files from steer run --certificates)")
    v.add_argument("files", nargs="+")
    v.add_argument("--model", metavar="FILE", help="also check that each certificate is about this model's object "
                   "of the same name (its sha256 of the exact content; E231 otherwise)")
    v.add_argument("--time-limit", type=positive_seconds, default=VERIFY_SECONDS, metavar="SECONDS",
                   help=f"stop the exact check of one certificate after SECONDS (default {VERIFY_SECONDS:g}; E230)")
    v.set_defaults(func=cmd_verify)
    t = sub.add_parser("test", help="run every model's expect lines in the given folders")
    t.add_argument("dirs", nargs="+")
    t.add_argument("--solver")
    add_model_options(t)
    t.set_defaults(func=cmd_test)
    from steerdsl.sweeps.command import add_parser as add_sweep_parser

    add_sweep_parser(sub)
    from steerdsl.plots.command import add_parser as add_plot_parser

    add_plot_parser(sub)
    e = sub.add_parser("explain", help="explain a diagnostic code, e.g. steer explain E201")
    e.add_argument("code")
    e.set_defaults(func=cmd_explain)
    for command in sub.choices.values():  # the shared options before or after the subcommand, on every one
        add_shared_options(command, top=False)
    for top, command in ((True, p), (False, r), (False, t)):  # before or after run/test and their files
        command.add_argument("--no-symmetry", action="store_true", default=False if top else argparse.SUPPRESS,
                             help="no symmetry reduction of moment-matrix bounds, memberships and visibilities: as "
                                  "'symmetry off' on every line")
    return p


SHARED_HELP = {
    "verbose": "say more: every check (check), each witness functional (run), every model's table (test)",
    "quiet": "print only what is wrong: no progress lines, and nothing at all when every check, expectation "
             "and certificate holds (a requested output, such as compile's or explain's, is still printed)",
    "format": "json: one JSON document on standard output (also for diagnostics)",
    "debug": "show Python tracebacks of internal errors",
}
"""What ``-v``, ``-q``, ``--format`` and ``--debug`` do; every subcommand takes them, before or after its name."""


def add_shared_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """``-v/--verbose``, ``-q/--quiet``, ``--format text|json`` and ``--debug`` on ``parser``: with their
    defaults on the top-level parser (``top``), and without (``argparse.SUPPRESS``) on a subcommand, whose
    defaults would otherwise overwrite what was given before the subcommand's name.  A subcommand with its
    own ``--format`` (``sweep``: also csv) keeps it."""
    def default(value):
        return value if top else argparse.SUPPRESS

    parser.add_argument("-v", "--verbose", action="store_true", default=default(False), help=SHARED_HELP["verbose"])
    parser.add_argument("-q", "--quiet", action="store_true", default=default(False), help=SHARED_HELP["quiet"])
    if "--format" not in parser._option_string_actions:
        parser.add_argument("--format", choices=("text", "json"), default=default("text"), help=SHARED_HELP["format"])
    parser.add_argument("--debug", action="store_true", default=default(False), help=SHARED_HELP["debug"])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("steer: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of the output went away (steer … | head): stop without a word
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit would fail again
        return EXIT_USAGE
    except SteerError as exc:
        _failed(exc.diagnostic, args)
        return EXIT_MODEL
    except MemoryError:  # outside the evaluator (which reports E134 with a location): still a diagnostic
        _failed(Diagnostic("E134", "steer ran out of memory", hint="a smaller model, lower budgets "
                           "(--budget NAME=N), or more memory for the process"), args)
        return EXIT_MODEL
    except Exception as exc:  # an internal error: say so clearly, no traceback unless asked
        if args.debug:
            traceback.print_exc()
        return _usage_error(f"internal error: {type(exc).__name__}: {exc}\n  = hint: rerun with --debug and report "
                            "it with the model that caused it", args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

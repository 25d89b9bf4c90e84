"""``steer sweep FILE``: run a model's sweeps (or one given with --param/--ask) and print the table.

    steer sweep models/e10_werner_sweep.steer                       # in this process
    steer sweep models/e10_werner_sweep.steer --jobs 4 --out w.jsonl  # local pool, saved as it goes
    steer sweep FILE --scheduler tcp://head:8786 --out w.jsonl      # a Dask cluster
    steer sweep FILE --param "v=0.3..0.9 points 50" --ask "solve sigma : lhs" --plot w.png

Rerunning with the same ``--out`` skips every task already saved there, so an
interrupted sweep resumes; ``--limit K`` computes at most K new tasks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from steerdsl.options import positive_int

EXIT_OK, EXIT_MODEL, EXIT_USAGE = 0, 1, 2


def add_parser(sub) -> None:
    """Register ``steer sweep`` on the CLI's subparsers."""
    s = sub.add_parser("sweep", help="re-ask questions over a grid of parameter values (sweep statements)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("file", help=".steer file ('-' reads standard input)")
    s.add_argument("--param", action="append", metavar="NAME=VALUES", default=[],
                   help='sweep NAME over VALUES in sweep syntax, e.g. "v=0..1 points 11" or "v={1/2, 1}" '
                        "(instead of the file's sweep statements)")
    s.add_argument("--ask", action="append", metavar="QUESTION", default=[],
                   help='a question to ask at every point, e.g. "solve sigma : lhs" (repeatable)')
    s.add_argument("--jobs", "-j", type=positive_int, default=1,
                   help="local worker processes (default 1: in this process)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="run the tasks on the Dask scheduler at ADDRESS")
    s.add_argument("--out", metavar="PATH", help="JSON-lines file saving each result as it arrives; rerunning "
                   "with it resumes")
    s.add_argument("--limit", type=positive_int, metavar="K", help="compute at most K new tasks, then stop")
    s.add_argument("--solver", help="SDP solver for every question")
    s.add_argument("--format", choices=("text", "json", "csv"), default=argparse.SUPPRESS,
                   help="text (default), json: one JSON document, or csv")
    s.add_argument("--plot", metavar="PNG", help="save a plot of value against the first parameter (matplotlib)")
    s.set_defaults(func=cmd_sweep)


def _params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip().isidentifier() or not values.strip():
            raise ValueError(f"--param {item!r}: write NAME=VALUES, e.g. v=0..1 points 11")
        if name.strip() in out:
            raise ValueError(f"--param {item!r}: {name.strip()} is given twice")
        out[name.strip()] = values.strip()
    return out


def _stop(args, message: str | None, code: int, fields: dict | None = None) -> int:
    """End the command with ``code``: ``steer: MESSAGE`` on standard error, or with ``--format json`` one JSON
    document ``{"ok": false, …}`` on standard output, so that output stays parseable."""
    if args.format != "json":
        print(f"steer: {message}", file=sys.stderr)
    else:
        print(json.dumps({"ok": False, **({"error": message} if message else {}), **(fields or {})}, indent=2))
    return code


def _live(args) -> bool:
    """Progress lines only on a terminal, in the text format and without ``-q`` (as :mod:`steerdsl.progress`)."""
    return not args.quiet and args.format == "text" and sys.stderr.isatty()


def cmd_sweep(args) -> int:
    """Run the sweep; exit 1 if a task failed or an expectation does not hold."""
    from steerdsl.diagnostics import SteerError, print_diagnostic
    from steerdsl.sweeps.run import sweep
    from steerdsl.syntax.source import sources_for

    try:
        params = _params(args.param)
    except ValueError as exc:
        return _stop(args, str(exc), EXIT_USAGE)
    text = sys.stdin.read() if args.file == "-" else None
    name = "<stdin>" if text is not None else args.file

    def progress(done: int, total: int, record: dict) -> None:
        result = record.get("result") or {}
        what = result.get("verdict") or result.get("value") or record.get("error", {}).get("message", "")
        point = ", ".join(f"{k}={v}" for k, v in record["params"].items())
        print(f"[{done}/{total}] {point}: {record['question']} → {what}", file=sys.stderr, flush=True)

    try:
        table = sweep(text if text is not None else Path(args.file), params or None, args.ask or None, file=name,
                      jobs=args.jobs, scheduler=args.scheduler, out=args.out, limit=args.limit, solver=args.solver,
                      progress=progress if _live(args) else None)
    except SteerError as exc:
        code = EXIT_USAGE if exc.diagnostic.code in ("E163", "E164", "E232", "E233") else EXIT_MODEL
        if args.format != "json":
            print_diagnostic(exc.diagnostic, sources_for(name, text), "text")
            return code
        return _stop(args, None, code, {"file": name, "diagnostics": [exc.diagnostic.to_json()]})
    except KeyboardInterrupt:
        saved = f"; the finished tasks are saved in {args.out}: run the same command to resume" if args.out else ""
        return _stop(args, f"sweep interrupted{saved}", EXIT_USAGE)
    if args.format == "json":
        s = table.stats
        print(json.dumps({"file": name, "params": table.params, "rows": table.to_records(),
                          "stats": {"total": s.total, "computed": s.computed, "reused": s.reused,
                                    "missing": s.missing, "seconds": round(s.seconds, 3)}}, indent=2, default=str))
    elif args.format == "csv":
        print(table.to_csv(), end="")
    else:
        print(table)
    if args.plot:
        try:
            table.plot(path=args.plot)
        except ImportError as exc:
            print(f"steer: {exc}", file=sys.stderr)  # the table is printed already (in json too)
            return EXIT_USAGE
    bad = [r for r in table.rows if r["ok"] is False or (r["error"] and r["error"] != "not run")]
    return EXIT_MODEL if bad else EXIT_OK

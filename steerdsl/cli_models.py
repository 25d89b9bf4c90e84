"""The part of the command line that loads models, shared by every subcommand that reads one (``check``,
``run``, ``compile``, ``test``, ``plot``, ``sweep``): standard input read within the budget ``input_bytes``,
``--budget NAME=N`` and ``--import-root DIR``."""

from __future__ import annotations

import argparse
import sys


def _read_sources(files: list[str], args=None) -> list[tuple[str, str | None]]:
    """``(name, text)`` per file; standard input ('-') is read here, at most input_bytes + 1 bytes."""
    from steerdsl.limits import Meter, metering, parse_budgets
    from steerdsl.syntax.source import read_stream

    out = []
    for f in files:
        if f == "-":
            with metering(Meter(parse_budgets(_budgets(args)))):
                out.append(("<stdin>", read_stream(sys.stdin)))
        else:
            out.append((f, None))
    return out


def _budgets(args) -> dict[str, int] | None:
    pairs = getattr(args, "budget", None)
    return dict(pairs) if pairs else None


def _load(name: str, text: str | None, args=None):
    from steerdsl.api import load, loads

    options = {"budgets": _budgets(args), "import_root": getattr(args, "import_root", None)}
    return loads(text, name, **options) if text is not None else load(name, **options)


def _budget_option(value: str) -> tuple[str, int]:
    """``NAME=N`` of ``--budget``: a known budget and a positive integer (else a usage error)."""
    from steerdsl.limits import BUDGETS, parse_budgets

    name, sep, number = value.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=N, got {value!r}; budgets: {', '.join(BUDGETS)}")
    try:
        n = int(number.replace("_", ""))
        parse_budgets({name.strip(): n})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc) if "budget" in str(exc) else
                                         f"{number!r} is not an integer") from None
    return name.strip(), n


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--budget NAME=N`` (repeatable) and ``--import-root DIR``, for commands that load models."""
    parser.add_argument("--budget", action="append", type=_budget_option, metavar="NAME=N",
                        help="raise (or lower) a named limit of the evaluator, e.g. --budget sum_terms=1000000; "
                        "the budgets and their defaults are listed in docs/reliability.md")
    parser.add_argument("--import-root", metavar="DIR",
                        help="folder that imports must stay in (default: the model's folder)")

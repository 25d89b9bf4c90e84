"""``steer plot``: an assemblage on the Bloch sphere, its p(a|x), or a run's answers, as PNG or SVG.

    steer plot models/e02_bwi_transpose.steer sigma --out e2.png
    steer plot models/e08_several_bobs_ghz_w.steer sigmaW --out e8.svg
    steer plot models/e05_breuer_map.steer sigma --kind probabilities --out p.png
    steer plot models/e05_breuer_map.steer --results --out answers.png
    steer run models/e05_breuer_map.steer --format json > run.json && steer plot run.json --results --out a.png
"""

from __future__ import annotations

import json
import sys

from steerdsl.diagnostics import Diagnostic, SteerError, did_you_mean, render_text

EXIT_OK, EXIT_MODEL, EXIT_USAGE = 0, 1, 2
USAGE_CODES = ("E171", "E172")
"""Diagnostics about the command rather than the model: exit 2."""


def add_parser(sub) -> None:
    """Register ``steer plot`` on the CLI's subparsers."""
    p = sub.add_parser("plot", help="draw an assemblage (Bloch sphere or p(a|x)) or a run's answers, as PNG/SVG")
    p.add_argument("file", help=".steer file, or with --results also the JSON of 'steer run --format json'")
    p.add_argument("name", nargs="?", help="the assemblage to draw (default: the model's first assemblage)")
    p.add_argument("--out", required=True, metavar="PATH", help="image to write: .png or .svg")
    p.add_argument("--kind", choices=("bloch", "probabilities"), default="bloch",
                   help="bloch: states on the Bloch sphere (qubit Bobs); probabilities: bar chart of p(a|x)")
    p.add_argument("--results", action="store_true",
                   help="run the model (or read a saved JSON run) and draw its answers as a bar chart")
    p.add_argument("--solver", help="with --results: SDP solver for lines that do not name one")
    from steerdsl.cli_models import add_model_options

    add_model_options(p)
    p.set_defaults(func=cmd_plot)


def _assemblage(model, name: str | None):
    from steerdsl.model.assemblage import Assemblage

    names = [n for n in model.definitions if isinstance(model[n], Assemblage)]
    if name is None:
        if not names:
            raise SteerError(Diagnostic("E173", f"{model.file} defines no assemblage to plot",
                                        hint="steer plot FILE --results draws the answers of its solve lines"))
        if len(names) > 1:
            print(f"steer: plotting {names[0]}; the model also defines {', '.join(names[1:])} "
                  "(name one to plot it)", file=sys.stderr)
        return model[names[0]]
    if name not in names:
        near = did_you_mean(name, names)
        hint = f'did you mean "{near}"?' if near else f"assemblages: {', '.join(names) or 'none'}"
        raise SteerError(Diagnostic("E173", f"{name!r} is not an assemblage of {model.file}", hint=hint))
    return model[name]


def _load(args):
    from steerdsl.cli_models import _load as load_model

    return load_model(args.file, None, args)


def _results(args):
    from steerdsl.syntax.source import read_model_file

    if args.file.endswith(".json"):
        text = read_model_file(args.file)  # a regular file within the budget input_bytes, like a model
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
            reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            raise SteerError(Diagnostic("E131", f"cannot read {args.file} as the JSON of a run: {reason}",
                                        hint="steer run FILE --format json > run.json writes one")) from None
        return data[0] if isinstance(data, list) and data else data
    from steerdsl.run import run_model

    return run_model(_load(args), solver=args.solver)


def cmd_plot(args) -> int:
    """Draw and write the image; diagnostics (not tracebacks) for every mistake."""
    from steerdsl.plots import figures
    from steerdsl.syntax.source import sources_for as _sources_for

    try:
        figures.image_path(args.out)
        if args.results:
            figures.plot_results(_results(args), args.out)
        else:
            sigma = _assemblage(_load(args), args.name)
            draw = figures.plot_assemblage if args.kind == "bloch" else figures.plot_probabilities
            draw(sigma, args.out)
    except SteerError as exc:
        code = EXIT_USAGE if exc.diagnostic.code in USAGE_CODES else EXIT_MODEL
        if args.format == "json":  # the command's one JSON document
            print(json.dumps({"file": args.file, "ok": False, "diagnostics": [exc.diagnostic.to_json()]}, indent=2))
            return code
        sources = {}
        if exc.diagnostic.span is not None:  # quoted only when it is a regular model file (never a FIFO)
            sources = _sources_for(exc.diagnostic.span.file, None)
        print(render_text(exc.diagnostic, sources), file=sys.stderr)
        return code
    if args.format == "json":
        print(json.dumps({"file": args.file, "ok": True, "wrote": args.out}, indent=2))
    elif not args.quiet:
        print(f"wrote {args.out}")
    return EXIT_OK

"""``python -m benchmarks.inner``: time the inner side (realisation search, see-saw) on the examples.

Each case runs once in this process with a fixed seed (the searches are deterministic given the seed);
the table lands between the ``<!-- inner -->`` markers of ``docs/benchmarks.md``, which
``python -m benchmarks`` keeps when it rewrites the rest of the page.  Times are wall-clock seconds on
whatever machine runs it: measured, never asserted.
"""

from __future__ import annotations

import datetime
import platform
import sys
import time
from pathlib import Path

import numpy as np

import steerdsl as sd

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
START, END = "<!-- inner -->", "<!-- /inner -->"

BWI_CHSH = """scenario { alice A : inputs 2, outputs 2
  bob B : dim 2, inputs 2 }
functional F[a|x y] = (-1)^(a + x*y) * Z
"""


def _bwi_channels():
    sys.path.insert(0, str(ROOT))
    from tests.test_inner_certify import BWI

    return sd.loads(BWI)["damped"]


def _random_bwi():
    sys.path.insert(0, str(ROOT))
    from tests.random_instances import quantum_assemblage

    return quantum_assemblage("bob_with_input", np.random.default_rng(0))


def _random_bwi_general():
    from steerdsl.inner.random_data import random_realisation
    from steerdsl.inner.realisation import assemblage_of, shape_for
    from steerdsl.model.scenario import Alice, Bob, Scenario

    sc = Scenario((Alice("A", 3, (2, 2, 2)),), (Bob("B", 2, 2),))
    rng = np.random.default_rng(1000)  # not the search seed: the search must not start at the answer
    return assemblage_of(random_realisation(shape_for(sc, None), rng, rank=None))


def search_cases() -> list[tuple[str, object, dict]]:
    """(label, assemblage, options) of every realisation-search case."""
    load = sd.load
    return [
        ("E12 GHJW (standard), certify", load(MODELS / "e12_ghjw.steer")["sigma"], {"certify": True}),
        ("BWI, 2 inputs, amplitude damping γ = 3/4, certify", _bwi_channels(), {"certify": True}),
        ("random BWI, qubit Bob, 3 inputs (unitary channels)", _random_bwi(), {}),
        ("random BWI, qubit Bob, 3 inputs (mixed state, 2-Kraus channels)", _random_bwi_general(), {}),
        ("E3 instrumental, 3 inputs", load(MODELS / "e03_instrumental.steer")["sigma"], {}),
        ("E8 several Bobs, GHZ, certify", load(MODELS / "e08_several_bobs_ghz_w.steer")["sigmaGHZ"],
         {"certify": True}),
        ("E8 several Bobs, W, certify", load(MODELS / "e08_several_bobs_ghz_w.steer")["sigmaW"], {"certify": True}),
        ("E1 BWI PR box (post-quantum)", load(MODELS / "e01_bwi_pr_box.steer")["sigma"], {}),
        ("E2 BWI transpose (post-quantum at BWI level 2)", load(MODELS / "e02_bwi_transpose.steer")["sigma"], {}),
    ]


def _random_functional(sc, seed: int):
    """Hermitian Gaussian ``F_{a|x(y)}`` (one operator per Bob with several Bobs, physics.md §9)."""
    from steerdsl.model.assemblage import Functional

    rng = np.random.default_rng(seed)
    dims = sc.bob_dims if sc.kind == "several_bobs" else (sc.dim,)
    terms = {}
    for key in sc.keys():
        ops = []
        for d in dims:
            g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
            ops.append((g + g.conj().T) / 2)
        terms[key] = tuple(ops) if sc.kind == "several_bobs" else ops[0]
    return Functional(sc, terms, exact=False, name="F")


def bracket_cases() -> list[tuple[str, str, object, dict]]:
    """(label, set, functional, options) of one ``bound max F over SET dims …`` bracket per kind."""
    from steerdsl.model.scenario import Alice, Bob, Scenario

    two = Alice("A", 2, (2, 2))
    kinds = [
        ("standard", "npa", Scenario((two,), (Bob("B", 2),)), {"dims": (2,)}),
        ("multipartite", "npa", Scenario((two, Alice("C", 2, (2, 2))), (Bob("B", 2),)), {"dims": (2, 2)}),
        ("bell", "npa", Scenario((two, Alice("C", 2, (2, 2))), (Bob("B", 1),)), {"dims": (2, 2)}),
        ("bwi", "bwi", Scenario((two,), (Bob("B", 2, 2),)), {"dims": (2,), "level": "2"}),
        ("instrumental", "instrumental", Scenario((two,), (Bob("B", 2, input_from="A"),)), {"dims": (2,)}),
        ("several_bobs", "parent_states", Scenario((two,), (Bob("B1", 2), Bob("B2", 2))), {"dims": (2,)}),
        ("sequential", "sequential", Scenario((Alice("A", 2, (2, 2), rounds=2),), (Bob("B", 2),)), {"dims": (2, 2)}),
    ]
    cases = [("bwi, `(-1)^(a + x*y) * Z` (2√2)", "bwi", sd.loads(BWI_CHSH)["F"], {"dims": (2,), "level": "1"})]
    cases += [(f"{kind}, random F (seed 7)", name, _random_functional(sc, 7), options)
              for kind, name, sc, options in kinds]
    return cases


def bracket_rows() -> list[str]:
    """``bound max F over SET dims …`` (restarts 3, seed 0): the see-saw's inner value, the relaxation's outer
    value, their raw difference (the reported bracket's gap is 0 when they cross within the solver tolerance)
    and the seconds of the whole bracket."""
    from steerdsl.sets import registry

    rows = ["| kind, functional | outer set | inner (see-saw) | outer (relaxation) | outer − inner | seconds |",
            "|---|---|---|---|---|---|"]
    for label, name, F, options in bracket_cases():
        start = time.perf_counter()
        r = registry.ask("bound", name, F, {**options, "restarts": 3, "seed": 0}, sense="max")
        inner, outer = r.details["inner_bound"], r.value
        rows.append(f"| {label} | {name} | {inner:.10f} | {outer:.10f} | {outer - inner:.1e} | "
                    f"{time.perf_counter() - start:.2f} |")
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def run() -> list[str]:
    rows = ["| case | verdict | exactness | residual | restarts tried | seconds |", "|---|---|---|---|---|---|"]
    for label, sigma, options in search_cases():
        start = time.perf_counter()
        r = sd.realisation(sigma, seed=0, **options)
        seconds = time.perf_counter() - start
        rows.append(f"| {label} | {r.verdict} | {r.exactness} | {r.value:.1e} | {r.details['restarts_tried']} | "
                    f"{seconds:.2f} |")
        print(rows[-1], file=sys.stderr, flush=True)
    brackets = ["", "### Brackets: `bound max F over SET dims …` (restarts 3, seed 0)", "",
                "The inner end is the see-saw's best explicit realisation of the stated dimensions (qubits), the "
                "outer end the relaxation's bound (its default level unless an option says otherwise: `level` "
                "in the code); a difference below zero but above −1e-6 is the two ends meeting within the "
                "solvers' tolerance (the reported bracket then has gap 0). *seconds* cover both ends.", ""]
    return rows + brackets + bracket_rows()


def section(lines: list[str]) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [START, "## Inner side: realisation search", "",
            f"Generated by `python -m benchmarks.inner` on {when} ({platform.machine()}, Python "
            f"{platform.python_version()}); one run per case, seed 0, default options (5 restarts, stop at the "
            "first realisation below tolerance 1e-6). `undecided` means no realisation was found in the "
            "default dimensions (Alice as large as Bob); it is never read as excluded. *restarts tried* 0 means "
            "the direct start found it (GHJW of σ, an identity channel for one y, or parent states). "
            "Wall-clock seconds on a 2-core machine shared with other jobs.", ""]
    return "\n".join(head + lines + [END]) + "\n"


def keep_section(text: str) -> str:
    """The inner-side section of an existing page ('' if none), for :func:`benchmarks.run.write_docs`."""
    if START in text and END in text:
        return text[text.index(START): text.index(END) + len(END)] + "\n"
    return ""


def main() -> int:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    new = section(run())
    old = keep_section(text)
    text = text.replace(old, new) if old else text.rstrip("\n") + "\n\n" + new
    path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

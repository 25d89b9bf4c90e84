"""Several-Bobs QX_k benchmarks: steerdsl's parent-state SDPs against the formulation they replaced.

steerdsl (:func:`steerdsl.sdp.parents._parent_problem`, issue 20) writes each Collins–Gisin parent as a
particular operator with the Bobs' marginals plus free coordinates on the operators whose marginals all
vanish, so the marginal conditions hold by construction, and takes the parents real symmetric when the data
are real.  The peer, ``pinned``, is the formulation before it, kept here verbatim: a free Hermitian parent per
word, its partial traces pinned to the data by equality rows, always complex.  Both are solved by
:func:`steerdsl.sdp.solve.run` (same solver choice, same tolerances), so the ratio is the formulation's.
Examples: E7 (two Alices, PR box, two qubit Bobs: joint Bob dimension 4; real data) and its complex variant
(:func:`benchmarks.assemblages.with_imaginary_part`).  ``python -m benchmarks.qx_cases`` runs the full cases
alone and writes the ``<!-- qx -->`` section of docs/benchmarks.md (``python -m benchmarks`` runs them with
the rest).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import picos

from benchmarks.assemblages import with_imaginary_part
from steerdsl.model.marginals import marginal
from steerdsl.model.scenario import Bob, Scenario
from steerdsl.sdp import parents
from steerdsl.sdp.bases import traceless_rows
from steerdsl.sdp.moment_matrix import build, cg_expansion, data_words, word_key
from steerdsl.sdp.noise import VISIBILITY, noise_assemblage
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.solve import run

ROOT = Path(__file__).resolve().parent.parent


def prepare(level: str, complex_data: bool = False) -> dict:
    """E7's σ (complex variant if asked) and the level."""
    import steerdsl as sd

    sigma = sd.load(ROOT / "models" / "e07_several_bobs_pr.steer")["sigma"].to_numeric()
    return {"sigma": with_imaginary_part(sigma) if complex_data else sigma, "level": level}


def ours_visibility(state) -> dict:
    r = parents.parent_visibility(state["sigma"], level=state["level"])
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds}


def ours_membership(state) -> dict:
    r = parents.several_bobs_membership(state["sigma"], level=state["level"])
    return {"value": r.details["lambda"], "compile": r.compile_seconds, "solve": r.solve_seconds}


def _ptrace_expr(X, dims: tuple[int, ...], keep: int):
    """``tr_{¬keep} X`` for a picos expression on ``⊗ dims``, as a sum of sub-blocks."""
    n = len(dims)
    d = dims[keep]
    out = None
    others = [range(dims[k]) for k in range(n) if k != keep]
    for combo in np.ndindex(*[len(r) for r in others]) if others else [()]:
        rows = []
        for a in range(d):
            idx = list(combo)
            idx.insert(keep, a)
            rows.append(int(np.ravel_multi_index(idx, dims)))
        sub = picos.block([[X[r, c] for c in rows] for r in rows])
        out = sub if out is None else out + sub
    return out


def pinned_problem(sigma, level: str | None, noise=None):
    """The parent-state SDP as it was before issue 20: Hermitian parents pinned by equality rows."""
    sc = sigma.scenario
    dims = sc.bob_dims
    D = int(np.prod(dims))
    comps = parents._bob_values(sigma)
    noise_comps = parents._bob_values(noise) if noise is not None else None
    words = data_words(Scenario(sc.alices, (sc.bobs[0],)))
    merged = Scenario(sc.alices, (Bob("B", D),))
    var = {w: picos.HermitianVariable(f"P{i}", D) for i, w in enumerate(words)}
    problem = picos.Problem()
    lam = picos.RealVariable("lambda" if noise is None else "v")
    for w, X in var.items():
        key = word_key(merged, w)
        targets = [np.asarray(marginal(c, key), dtype=complex) for c in comps]
        reduced = [_ptrace_expr(X, dims, k) for k in range(len(dims))]
        if noise is None:
            problem.add_constraint(picos.trace(X).real == float(np.trace(targets[0]).real))
            for k, red in enumerate(reduced):
                problem.add_list_of_constraints(traceless_rows(red, targets[k], dims[k]))
            continue
        mixed = [VISIBILITY.parts(t, np.asarray(marginal(c, key), dtype=complex))
                 for t, c in zip(targets, noise_comps, strict=True)]
        base, direction = mixed[0]
        problem.add_constraint(picos.trace(X).real == float(np.trace(base).real)
                               + lam * float(np.trace(direction).real))
        for k, red in enumerate(reduced):
            problem.add_list_of_constraints(traceless_rows(red, mixed[k][0], dims[k], mixed[k][1], lam))
    margin = lam if noise is None else 0
    for key in merged.keys():
        element = sum(sign * var[w] for sign, w in cg_expansion(merged, key))
        problem.add_constraint(element - margin * picos.Constant(np.eye(D)) >> 0)
    if level is not None and len(sc.alices) > 1:
        mm = build(level_words(merged, level), D, lambda w: var[w], real=False, name="Q")
        problem.add_constraint(mm.expression - margin * picos.Constant(np.eye(mm.size)) >> 0)
    if noise is None:
        problem.add_constraint(lam <= 1)
        problem.set_objective("max", lam)
    else:
        VISIBILITY.pose(problem, lam)
    return problem


def _pinned(state, noise) -> dict:
    start = time.perf_counter()
    problem = pinned_problem(state["sigma"], state["level"], noise)
    compiled = time.perf_counter() - start
    outcome = run(problem, "pinned parents")
    return {"value": outcome.value, "compile": compiled, "solve": outcome.seconds}


def pinned_visibility(state) -> dict:
    return _pinned(state, noise_assemblage(state["sigma"].scenario, "white"))


def pinned_membership(state) -> dict:
    return _pinned(state, None)


START, END = "<!-- qx -->", "<!-- /qx -->"
TIMEOUT = 300.0
"""Seconds per side of a case (warm-up and timed call)."""


def section(rows: list[dict], meta: dict) -> str:
    """The Markdown section (between the markers) of the QX_k rows: both formulations, same run."""
    def cell(side):
        return f"failed ({side['error'][:50]})" if "error" in side else f"{side['total']:.2f} s"

    def mib(side):
        return "–" if "error" in side else f"{side['maxrss_mib']:.0f}"

    lines = [START, "## Several Bobs: the QX_k hierarchy on E7", "",
             f"Generated by `python -m benchmarks.qx_cases` on {meta['date']} ({meta['machine']}) in "
             f"{meta['minutes']:.1f} min. E7: two Alices with a PR box, two qubit Bobs (joint Bob dimension 4; real "
             "data) and its complex variant. steerdsl's parent-state SDP against the equality-pinned formulation "
             "it replaced (issue 20 item 5: 79 s at the default level, 166 s at level 2 before), both solved by "
             "`steerdsl.sdp.solve.run`; each side in its own spawned process, one warm-up and one timed call "
             f"(the warm-up alone when it took long), stopped after {TIMEOUT:.0f} s.", "",
             "| case | steerdsl | pinned | ratio | value steerdsl / pinned | |Δ| | peak MiB steerdsl / pinned |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        ours, peer = row["ours"], row["peer"]
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "–"
        values = "–" if "error" in ours or "error" in peer else f"{ours['value']:.9g} / {peer['value']:.9g}"
        diff = f"{row['difference']:.1e}" + ("" if row.get("agree") else " **differ**") if "difference" in row \
            else "–"
        lines.append(f"| {row['name']} | {cell(ours)} | {cell(peer)} | {ratio} | {values} | {diff} | "
                     f"{mib(ours)} / {mib(peer)} |")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the full QX_k cases (:func:`benchmarks.cases.qx_cases`) and write their section."""
    import argparse
    import datetime
    import json
    import platform
    import sys

    from benchmarks.cases import qx_cases
    from benchmarks.harness import run_case
    from benchmarks.sections import replace_section

    parser = argparse.ArgumentParser(prog="python -m benchmarks.qx_cases", description=main.__doc__)
    parser.add_argument("--docs", default=str(ROOT / "docs"), help="where benchmarks.md and benchmarks/ are")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = []
    for case in qx_cases(quick=False):
        rows.append(run_case(case, 1, max_seconds=60.0, timeout=TIMEOUT))
        row = rows[-1]
        print(f"{case.name}: " + "; ".join(f"{s['label']} " + (s["error"] if "error" in s else f"{s['total']:.2f} s")
                                          for s in (row["ours"], row["peer"])), file=sys.stderr, flush=True)
    meta = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.machine()}, Python {platform.python_version()}",
            "minutes": (time.perf_counter() - start) / 60}
    docs = Path(args.docs)
    (docs / "benchmarks").mkdir(parents=True, exist_ok=True)
    (docs / "benchmarks" / "qx.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1,
                                                            default=str) + "\n")
    path = docs / "benchmarks.md"
    path.write_text(replace_section(path.read_text() if path.is_file() else "", START, END, section(rows, meta)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

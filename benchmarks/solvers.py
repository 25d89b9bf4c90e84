"""``python -m benchmarks.solvers [--only TEXT] [--report] [--docs DIR]``: cvxopt against qics over a grid of SDPs.

Every (problem, solver) pair runs once in its own spawned worker (:func:`benchmarks.harness.run_side`, the
same run for all), solving the problem through :func:`steerdsl.sdp.solve.run` with that solver forced.  The
grid spans :func:`steerdsl.sdp.solve.cvxopt_work` from 10⁶ to 10¹¹: LHS visibilities, almost-quantum
visibilities and bounds, level 2, the BWI hierarchy and the several-Bobs QX_k visibility, each with real and
with complex data (a real variant takes the real part of every operator: ``(σ + σ̄)/2`` is again an
assemblage, ``(F + F̄)/2`` a functional).

:func:`fit` reads, separately for real and for complex problems, the threshold on the work estimate that
minimises the grid's total time when cvxopt is used below it and qics above it;
:data:`steerdsl.sdp.solve.QICS_ABOVE` and :data:`~steerdsl.sdp.solve.QICS_ABOVE_COMPLEX` are set from it.
The table lands between the ``<!-- solvers -->`` markers of ``docs/benchmarks.md`` and every number in
``docs/benchmarks/solvers.json`` (read by the memory model's test, tests/test_sdp_memory.py).
Every measured peak memory is set against the size guard's estimate for that solver
(:meth:`steerdsl.sdp.size.SDPSize.memory_for`, made from the scenario before building): the ratio column,
flagged above :data:`FLAG_RATIO` (issue 20 item 4).  ``--report`` rewrites the section from the stored
measurements with the current estimates, without solving anything.
sdpa-python is not measured: picos has no interface to it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np

from benchmarks.harness import Case, Side, run_side
from benchmarks.sections import replace_section

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- solvers -->", "<!-- /solvers -->"
SOLVERS = ("cvxopt", "qics")
FLAG_RATIO = 1.5
"""Measured peak over estimate above which a side is flagged."""
TIMEOUT = 240.0
"""Seconds per (problem, solver) worker; a side that takes longer is counted at this time in the fit."""

PROBLEMS: list[tuple[str, dict]] = [
    ("LHS visibility d=3 m=4 k=2", {"family": "lhs", "d": 3, "m": 4, "k": 2}),
    ("LHS visibility d=4 m=5 k=2", {"family": "lhs", "d": 4, "m": 5, "k": 2}),
    ("LHS visibility d=4 m=6 k=2", {"family": "lhs", "d": 4, "m": 6, "k": 2}),
    ("AQ visibility n=2 m=2 k=2 d=2", {"family": "aq_visibility", "alices": 2, "inputs": 2, "outputs": 2, "d": 2}),
    ("AQ visibility n=2 m=2 k=2 d=4", {"family": "aq_visibility", "alices": 2, "inputs": 2, "outputs": 2, "d": 4}),
    ("AQ visibility n=3 m=2 k=2 d=2", {"family": "aq_visibility", "alices": 3, "inputs": 2, "outputs": 2, "d": 2}),
    ("AQ bound n=2 m=3 k=2 d=2", {"family": "aq_bound", "alices": 2, "inputs": 3, "outputs": 2, "d": 2}),
    ("AQ bound n=2 m=3 k=2 d=4", {"family": "aq_bound", "alices": 2, "inputs": 3, "outputs": 2, "d": 4}),
    ("AQ bound n=3 m=2 k=2 d=4", {"family": "aq_bound", "alices": 3, "inputs": 2, "outputs": 2, "d": 4}),
    ("AQ bound n=2 m=3 k=3 d=2", {"family": "aq_bound", "alices": 2, "inputs": 3, "outputs": 3, "d": 2}),
    ("level 2 visibility n=2 m=2 k=2 d=4", {"family": "aq_visibility", "alices": 2, "inputs": 2, "outputs": 2,
                                            "d": 4, "level": 2}),
    ("BWI level 2 E2", {"family": "bwi", "level": 2}),
    ("BWI level 3 E2", {"family": "bwi", "level": 3}),
    ("QX level 2 visibility E7", {"family": "qx", "level": "2"}),
]
SKIP = {("AQ bound n=2 m=3 k=3 d=2", "complex", "cvxopt"):
        "cvxopt takes 256 s on the complex visibility of this size (issue 20); not rerun"}


def _real_part(asm):
    """``(σ + σ̄)/2`` elementwise: Hermitian, PSD and no-signalling when σ is (several Bobs: per Bob)."""
    from steerdsl.model.assemblage import Assemblage

    def part(e):
        return tuple(np.asarray(p, dtype=complex).real for p in e) if isinstance(e, tuple) else \
            np.asarray(e, dtype=complex).real

    return Assemblage(asm.scenario, {k: part(v) for k, v in asm.to_numeric().elements.items()}, exact=False,
                      name=asm.name)


def prepare(family: str, real: bool, solver: str, **params) -> dict:
    """The data of one grid problem (untimed): an assemblage or a functional, real part taken if ``real``."""
    import steerdsl as sd
    from benchmarks.assemblages import post_quantum, random_functional, steering_assemblage, with_imaginary_part
    from steerdsl.model.assemblage import Functional

    state = {"family": family, "solver": solver, "level": params.get("level", "1+AB")}
    if family == "lhs":
        state["sigma"] = steering_assemblage(params["m"], params["k"], params["d"])
    elif family in ("aq_visibility", "aq_bound"):
        sigma = post_quantum(params["alices"], params["inputs"], params["outputs"], params["d"])
        state["sigma"] = sigma
        F = random_functional(sigma.scenario, 8)
        state["functional"] = Functional(F.scenario, {k: v.real for k, v in F.terms.items()}, exact=False,
                                         name="F") if real else F
    elif family == "bwi":
        state["sigma"] = sd.load(ROOT / "models" / "e02_bwi_transpose.steer")["sigma"]
    elif family == "qx":
        state["sigma"] = sd.load(ROOT / "models" / "e07_several_bobs_pr.steer")["sigma"]
    else:
        raise ValueError(family)
    if real and "sigma" in state:
        state["sigma"] = _real_part(state["sigma"])
    if not real and family == "qx":  # E7 is real: its complex variant has a Y part on Bob 1
        state["sigma"] = with_imaginary_part(state["sigma"])
    return state


def result(state):
    """The solved SDP result of a prepared grid problem (its `.problem` is the built picos problem)."""
    from steerdsl.sdp import bwi_hierarchy, lhs, parents, relaxation

    family, solver, level = state["family"], state["solver"], state["level"]
    if family == "lhs":
        return lhs.visibility(state["sigma"], solver=solver)
    if family == "aq_visibility":
        return relaxation.noise_visibility(state["sigma"], level, solver=solver)
    if family == "aq_bound":
        return relaxation.bound(state["functional"], "max", level, solver=solver)
    if family == "bwi":
        return bwi_hierarchy.bwi_membership(state["sigma"], level=level, solver=solver)
    return parents.parent_visibility(state["sigma"], level=level, solver=solver)


def estimate(state) -> object:
    """The size guard's estimate (:mod:`steerdsl.sdp.size`) of the problem, made from its scenario."""
    from steerdsl.sdp import size

    family, level = state["family"], state["level"]
    sc = (state.get("functional") or state["sigma"]).scenario
    if family == "lhs":
        return size.lhs_size(sc)
    if family in ("aq_visibility", "aq_bound"):
        return size.quantum_size(sc, "npa", {"level": level})
    if family == "bwi":
        return size.quantum_size(sc, "bwi", {"level": level})
    return size.quantum_size(sc, "several_bobs", {"level": level})


def solve(state) -> dict:
    """Solve with the forced solver; the value, times and the problem's measured and estimated size."""
    from steerdsl.sdp.solve import cvxopt_work, scalar_variables

    r = result(state)
    est = estimate(state)
    blocks = [c.size[0] * (2 if type(c).__name__ == "ComplexLMIConstraint" else 1)
              for c in r.problem.constraints.values() if type(c).__name__.endswith("LMIConstraint")]
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds,
            "sdp": {"variables": scalar_variables(r.problem), "work": cvxopt_work(r.problem),
                    "blocks": len(blocks), "largest_block": max(blocks, default=0),
                    "estimated_variables": est.variables, "estimated_memory_mib": est.memory_for(r.solver) / 2**20,
                    "solver": r.solver}}


def refresh_estimates(rows: list[dict]) -> None:
    """Set every measured side's ``estimated_memory_mib`` to the current estimate for its solver (the data
    are prepared again, nothing is solved)."""
    for row in rows:
        params = {k: v for k, v in row["params"].items() if k != "family"}
        est = estimate(prepare(row["params"]["family"], row["data"] == "real", "cvxopt", **params))
        for solver, side in row["sides"].items():
            if "sdp" in side:
                side["sdp"]["estimated_memory_mib"] = est.memory_for(solver) / 2**20


def memory_ratio(side: dict) -> float | None:
    """Measured peak over the estimate for the side's solver (None when the side has no measurement)."""
    if "error" in side or "sdp" not in side:
        return None
    return side["maxrss_mib"] / side["sdp"]["estimated_memory_mib"]


def measure(only: str | None = None, log=None) -> list[dict]:
    """One row per (problem, data type): each solver's time, value, peak memory and the problem's size."""
    rows = []
    for name, params in PROBLEMS:
        if only and only not in name:
            continue
        for kind in ("real", "complex"):
            row = {"name": name, "data": kind, "params": params, "sides": {}}
            for solver in SOLVERS:
                if (name, kind, solver) in SKIP:
                    row["sides"][solver] = {"label": solver, "error": SKIP[name, kind, solver], "skipped": True}
                    continue
                case = Case("solvers", name, "benchmarks.solvers:prepare",
                            {**params, "real": kind == "real", "solver": solver}, Side("benchmarks.solvers:solve",
                                                                                       solver))
                row["sides"][solver] = run_side(case, case.ours, 1, 20.0, TIMEOUT)  # warm-up + 1
                if log:
                    side = row["sides"][solver]
                    log(f"{name} {kind} {solver}: " + (side["error"] if "error" in side else
                        f"{side['total']:.2f} s, value {side['value']:.9g}, work {side['sdp']['work']:.2e}, "
                        f"{side['maxrss_mib']:.0f} MiB"))
            rows.append(row)
    return rows


def _sdp(row) -> dict | None:
    return next((s["sdp"] for s in row["sides"].values() if "sdp" in s), None)


def _seconds(side) -> float:
    return TIMEOUT if "error" in side else side["total"]


def fit(rows: list[dict], kind: str) -> dict:
    """The threshold on the work estimate minimising the total time of the ``kind`` rows when cvxopt runs
    below it and qics above (geometric mean of the two works it falls between), and that total against
    always-cvxopt, always-qics and the best choice per row.  Rows where both solvers failed are left out."""
    data = sorted((_sdp(r)["work"], r) for r in rows if r["data"] == kind and _sdp(r) is not None
                  and not all("error" in s and not s.get("skipped") for s in r["sides"].values()))
    if not data:
        return {}
    works = [w for w, _ in data]
    best = None
    for i in range(len(data) + 1):  # rows [0, i) on cvxopt, [i, n) on qics
        total = sum(_seconds(r["sides"]["cvxopt"]) for _, r in data[:i]) + \
            sum(_seconds(r["sides"]["qics"]) for _, r in data[i:])
        if best is None or total < best[0] - 1e-9:
            best = (total, i)
    total, i = best
    if i == 0:
        threshold = works[0] / 2
    elif i == len(works):
        threshold = works[-1] * 2
    else:
        threshold = math.sqrt(works[i - 1] * works[i])
    cvxopt_wins = [w for w, r in data if _seconds(r["sides"]["cvxopt"]) < _seconds(r["sides"]["qics"])]
    qics_wins = [w for w, r in data if _seconds(r["sides"]["qics"]) <= _seconds(r["sides"]["cvxopt"])]
    return {"threshold": threshold, "total": total,
            "always_cvxopt": sum(_seconds(r["sides"]["cvxopt"]) for _, r in data),
            "always_qics": sum(_seconds(r["sides"]["qics"]) for _, r in data),
            "oracle": sum(min(_seconds(s) for s in r["sides"].values()) for _, r in data),
            "largest_cvxopt_win": max(cvxopt_wins, default=None), "smallest_qics_win": min(qics_wins, default=None)}


def _cell(side) -> str:
    if "error" in side:
        return "skipped" if side.get("skipped") else f"failed ({side['error'][:40]})"
    return f"{side['total']:.2f} s"


def section(rows: list[dict], fits: dict, meta: dict) -> str:
    """The Markdown section (between the markers) of the measurements and the fitted thresholds."""
    from steerdsl.sdp.solve import QICS_ABOVE, QICS_ABOVE_COMPLEX

    lines = [START, "## Solver choice: cvxopt or qics", "",
             f"Generated by `python -m benchmarks.solvers{meta['flags']}` on {meta['date']} ({meta['machine']}). "
             "Each problem is solved once per solver, each in its own spawned process, in the same run; times "
             "are end to end (building and solving), peak memory is the worker's `ru_maxrss`. *work* is "
             "`cvxopt_work` = n² Σ_b N_b² (n real scalar variables, N_b the real side of each PSD block), "
             "*estimate* the size guard's memory estimate for each solver (`SDPSize.memory_for`, from the scenario "
             "before building; the guard itself uses the solver it predicts, `SDPSize.solver`), *peak/est* the "
             f"measured peak over it (flagged **over** above {FLAG_RATIO}). "
             f"A side stopped after {TIMEOUT:.0f} s counts {TIMEOUT:.0f} s in the fit.", "",
             "| problem | data | n | blocks (largest) | work | cvxopt | qics | faster | value (cvxopt / qics) | "
             "peak MiB cvxopt / qics | estimate MiB cvxopt / qics | peak/est cvxopt / qics |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: (r["data"], _sdp(r)["work"] if _sdp(r) else 0)):
        sdp = _sdp(row)
        c, q = row["sides"]["cvxopt"], row["sides"]["qics"]
        if sdp is None:
            lines.append(f"| {row['name']} | {row['data']} | – | – | – | {_cell(c)} | {_cell(q)} | – | – | – | – | – |")
            continue
        faster = "cvxopt" if _seconds(c) < _seconds(q) else "qics"
        ratio = max(_seconds(c), _seconds(q)) / max(min(_seconds(c), _seconds(q)), 1e-9)

        def value(s):
            return "–" if "error" in s or s.get("value") is None else f"{s['value']:.8g}"

        def mib(s):
            return "–" if "error" in s else f"{s['maxrss_mib']:.0f}"

        def est(s):
            return "–" if "error" in s else f"{s['sdp']['estimated_memory_mib']:.0f}"

        def over(s):
            r = memory_ratio(s)
            return "–" if r is None else f"{r:.2f}" + (" **over**" if r > FLAG_RATIO else "")

        lines.append(f"| {row['name']} | {row['data']} | {sdp['variables']:,} | {sdp['blocks']} "
                     f"({sdp['largest_block']}) | {sdp['work']:.1e} | {_cell(c)} | {_cell(q)} | {faster} "
                     f"{ratio:.1f}× | {value(c)} / {value(q)} | {mib(c)} / {mib(q)} | {est(c)} / {est(q)} | "
                     f"{over(c)} / {over(q)} |")
    lines.append("")
    ratios = [(memory_ratio(s), row, name) for row in rows for name, s in row["sides"].items()
              if memory_ratio(s) is not None]
    worst = max(ratios, key=lambda t: t[0], default=None)
    flagged = [f"{row['name']} {row['data']} {name}" for r, row, name in ratios if r > FLAG_RATIO]
    if worst:
        lines.append(f"* **Memory**: peak/estimate {min(r for r, _, _ in ratios):.2f}–{worst[0]:.2f} over "
                     f"{len(ratios)} measured sides (largest: {worst[1]['name']} {worst[1]['data']} {worst[2]}); "
                     f"above {FLAG_RATIO}: {', '.join(flagged) or 'none'}.")
    for kind, f in fits.items():
        if not f:
            continue
        lines.append(f"* **{kind} data**: best threshold {f['threshold']:.1e} (largest work where cvxopt won: "
                     f"{_num(f['largest_cvxopt_win'])}; smallest where qics won: {_num(f['smallest_qics_win'])}). "
                     f"Grid total with it {f['total']:.1f} s; always cvxopt {f['always_cvxopt']:.1f} s, always "
                     f"qics {f['always_qics']:.1f} s, the faster one each time {f['oracle']:.1f} s.")
    lines.append(f"* In use (`steerdsl/sdp/solve.py`): qics first above a work of {QICS_ABOVE:.1e} with real data, "
                 f"{QICS_ABOVE_COMPLEX:.1e} with complex data.")
    lines.append(END)
    return "\n".join(lines) + "\n"


def _num(x) -> str:
    return "–" if x is None else f"{x:.1e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.solvers", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="the problems whose name contains this text")
    parser.add_argument("--docs", default=str(ROOT / "docs"), help="where benchmarks.md and benchmarks/ are")
    parser.add_argument("--report", action="store_true",
                        help="rewrite the section from the stored measurements with the current estimates")
    args = parser.parse_args(argv)
    docs = Path(args.docs)
    if args.report:
        stored = json.loads((docs / "benchmarks" / "solvers.json").read_text())
        rows, meta = stored["rows"], stored["meta"]
        refresh_estimates(rows)
    else:
        rows = measure(args.only, log=lambda line: print(line, file=sys.stderr, flush=True))
        meta = {"flags": f" --only {args.only!r}" if args.only else "",
                "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": f"{platform.machine()}, Python {platform.python_version()}"}
    fits = {kind: fit(rows, kind) for kind in ("real", "complex")}
    (docs / "benchmarks").mkdir(parents=True, exist_ok=True)
    (docs / "benchmarks" / "solvers.json").write_text(json.dumps({"meta": meta, "rows": rows, "fits": fits},
                                                                 indent=1, default=str) + "\n")
    path = docs / "benchmarks.md"
    path.write_text(replace_section(path.read_text() if path.is_file() else "", START, END,
                                    section(rows, fits, meta)))
    for kind, f in fits.items():
        print(kind, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

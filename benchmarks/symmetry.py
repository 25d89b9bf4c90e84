"""Symmetry reduction on versus off (issue 20), same run: almost-quantum bounds of relabelling-invariant functionals.

``python -m benchmarks.symmetry`` measures the 2-Alice 3×3 qubit case; ``--large`` adds the d = 4 case and
three Alices (minutes and GiB unreduced).  A second table does the same for complex data with an antiunitary
symmetry (complex conjugation with an outcome reversal), whose reduced problem is real (issue 20 item 3), and
the same reduction with the real form withheld.  The tables land between the ``<!-- symmetry -->`` markers of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import datetime
import json
import platform
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound
from steerdsl.sdp.size import MODELLED_SOLVERS, SDPTooLarge, check_size, moment_size
from steerdsl.sdp.symmetry import Symmetry
from steerdsl.sdp.symmetry_group import key_image, orbit_average
from steerdsl.sdp.symmetry_reduction import reduce

from .harness import MEMORY_LIMIT_GIB, Case, Side, run_side

TIMEOUT = 3600.0
"""Seconds one side may take (the unreduced 2-Alice 3×3 d = 4 solve takes 6–8 min alone, more when shared)."""

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- symmetry -->", "<!-- /symmetry -->"
MEASURED = ROOT / "docs" / "benchmarks" / "symmetry.json"
"""Each reduced solve's peak memory beside the size guard's estimate (read by tests/test_sdp_memory.py)."""


def relabelling_generators(sc: Scenario) -> list[Symmetry]:
    """Combined relabellings of every slot at once: outcomes shifted ``a → a + 1`` and reversed
    ``a → −a`` (mod k) on every input, inputs shifted ``x → x + 1``, and the slots shifted cyclically
    (order 6·3·n = 36 for two Alices, 54 for three, with 3 inputs and 3 outcomes)."""
    n = len(sc.slots)
    m, k = sc.slots[0].inputs, sc.slots[0].outputs[0]
    same = tuple(range(n)), tuple(tuple(range(m)) for _ in range(n))

    def outcomes(f):
        return tuple(tuple(tuple(f(a) % k for a in range(k)) for _ in range(m)) for _ in range(n))

    ident = outcomes(lambda a: a)
    return [Symmetry(*same, outcomes(lambda a: a + 1)), Symmetry(*same, outcomes(lambda a: -a)),
            Symmetry(same[0], tuple(tuple((x + 1) % m for x in range(m)) for _ in range(n)), ident),
            Symmetry(tuple((j + 1) % n for j in range(n)), same[1], ident)]


def _hermitian(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random d×d Hermitian matrix (Gaussian real and imaginary parts, symmetrised)."""
    m = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (m + m.conj().T) / 2


def symmetric_functional(sc: Scenario, seed: int) -> Functional:
    """A random Hermitian functional averaged over :func:`relabelling_generators`' group (invariant by
    construction; the detection finds that group or a larger one)."""
    rng = np.random.default_rng(seed)
    d = sc.dim

    return orbit_average(Functional(sc, {key: _hermitian(rng, d) for key in sc.keys()}, exact=False, name="F_sym"),
                         relabelling_generators(sc))


def symmetric_assemblage(sigma: Assemblage) -> Assemblage:
    """σ averaged over :func:`relabelling_generators`' group: ``σ'_k = (1/|G|) Σ_g σ_{g(k)}`` (a quantum
    assemblage stays quantum under relabellings, so the average of one is quantum; of a post-quantum mixture,
    symmetric with the same kind)."""
    terms = Functional(sigma.scenario, dict(sigma.to_numeric().elements), exact=False, name=sigma.name)
    averaged = orbit_average(terms, relabelling_generators(sigma.scenario))
    return Assemblage(sigma.scenario, dict(averaged.terms), exact=False, name=f"{sigma.name}_sym")


def conjugation_symmetric_functional(sc: Scenario, seed: int) -> Functional:
    """Random Hermitian operators averaged over :func:`relabelling_generators` without the outcome reversal
    ``r`` (outcome shift, input shift, slot shift), then ``F'_k = (F_k + conj(F_{r(k)}))/2``: ``r`` normalises
    that group, so ``F'`` keeps it and gains the antiunitary ``conj ∘ r`` (``F'_{r(k)} = conj(F'_k)``), of real
    type (``r² = 1``), while staying complex."""
    rng = np.random.default_rng(seed)
    d = sc.dim

    shift, reverse, *rest = relabelling_generators(sc)
    terms = {key: _hermitian(rng, d) for key in sc.keys()}
    f = orbit_average(Functional(sc, terms, exact=False, name="F"), [shift] + rest)
    return Functional(sc, {k: (op + f.terms[key_image(reverse, k)].conj()) / 2 for k, op in f.terms.items()},
                      exact=False, name="F_conj")


def cases(large: bool) -> list[tuple[str, Scenario]]:
    """The benchmark's scenarios: 2 Alices 3×3 with a qubit Bob, and with ``large`` 3 Alices and d = 4 (the
    longest, the unreduced d = 4 solve, last)."""
    alice = [Alice(name, 3, (3, 3, 3)) for name in "ACD"]
    out = [("2 Alices 3×3, d = 2", Scenario(tuple(alice[:2]), (Bob("B", 2),)))]
    if large:
        out += [("3 Alices 3×3, d = 2", Scenario(tuple(alice), (Bob("B", 2),))),
                ("2 Alices 3×3, d = 4", Scenario(tuple(alice[:2]), (Bob("B", 4),)))]
    return out


def prepare(index: int, large: bool) -> Functional:
    """The functional of case ``index`` of :func:`cases` (untimed, in the worker)."""
    return symmetric_functional(cases(large)[index][1], 7)


def solve_on(F: Functional) -> dict:
    """The bound with symmetry: detection, invariant subspace, block split, solve; with the size guard's
    estimate of the reduced problem (:func:`steerdsl.sdp.size.reduced_size`, recorded, not enforced)."""
    seen = []
    r = bound(F, "max", "1+AB", symmetry=True, guard=seen.append)
    estimate = {}
    if seen:  # the estimate for the solver that solved it (the one the estimate picks, unless it failed over)
        used = r.solver if r.solver in MODELLED_SOLVERS else seen[-1].solver
        estimate = {"estimate_bytes": seen[-1].memory_for(used), "solver_estimated": used}
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds, "status": r.status,
            "sdp": dict(r.details.get("symmetry", {}), side=r.details["moment_matrix_size"], solver=r.solver,
                        **estimate)}


def solve_off(F: Functional) -> dict:
    """The plain problem."""
    r = bound(F, "max", "1+AB", symmetry=False)
    return {"value": r.value, "compile": r.compile_seconds, "solve": r.solve_seconds, "status": r.status}


def reduce_only(F: Functional) -> dict:
    """Detection and reduction alone (invariant subspace, Γ' and the data blocks), no block split or solve."""
    sc = F.scenario
    words = level_words(sc, "1+AB")
    start = time.perf_counter()
    reduce(sc, words, _per_word(F), False)
    return {"value": None, "compile": time.perf_counter() - start, "solve": 0.0}


def _within_limits(sc: Scenario) -> bool:
    """Whether the plain problem passes the size guard (:func:`steerdsl.sdp.size.check_size`) at the default
    variable limit and the worker's memory (:data:`benchmarks.harness.MEMORY_LIMIT_GIB`; the unreduced d = 4
    case needs 5 GiB, above the default 2 GiB, and is the reference of the acceptance)."""
    try:
        check_size(moment_size(sc, "1+AB", sc.dim, task="NPA bound"), None, MEMORY_LIMIT_GIB)
    except SDPTooLarge:
        return False
    return True


def _side(index: int, large: bool, task: str) -> dict:
    case = Case("symmetry", task, "benchmarks.symmetry:prepare", {"index": index, "large": large},
                Side(f"benchmarks.symmetry:{task}", task))
    return run_side(case, case.ours, repeats=0, max_seconds=0.0, timeout=TIMEOUT)


def _cell(side: dict | None) -> tuple[str, str]:
    if side is None:
        return "not within limits", "—"
    if "error" in side:
        return side["error"], "—"
    return f"{side['total']:.1f}", f"{side['maxrss_mib'] / 1024:.2f}"


def run(large: bool = False) -> list[str]:
    """One table row per case, each side in its own spawned worker (time end to end, peak memory): symmetry
    on, the reduction alone, and off when the plain problem passes the default size guard."""
    rows = ["| case | group order | scalars before → after | PSD blocks (largest) | Γ side | reduction alone (s, GiB) "
            "| on (s) | on peak (GiB) | on estimate (GiB) | off (s) | off peak (GiB) | ratio (off/on) "
            "| abs(on − off) |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    measured = []
    for index, (label, sc) in enumerate(cases(large)):
        alone = _side(index, large, "reduce_only")
        on = _side(index, large, "solve_on")
        off = _side(index, large, "solve_off") if _within_limits(sc) else None
        info = on.get("sdp", {})
        blocks = info.get("blocks", [])
        ok = "error" not in on and off is not None and "error" not in off
        ratio = f"{off['total'] / on['total']:.1f}×" if ok else "—"
        diff = f"{abs(on['value'] - off['value']):.1e}" if ok else "—"
        alone_cell = "{} s, {} GiB".format(*_cell(alone)) if "error" not in alone else alone["error"]
        estimate = f"{info['estimate_bytes'] / 2**30:.2f} ({info['solver_estimated']})" if "estimate_bytes" in info \
            else "—"
        rows.append(f"| {label} | {info.get('group_order')} | {info.get('scalars_before')} → "
                    f"{info.get('scalars_after')} | {len(blocks)} ({max(blocks, default=0)}) | {info.get('side')} | "
                    f"{alone_cell} | {' | '.join(_cell(on))} | {estimate} | {' | '.join(_cell(off))} | {ratio} | "
                    f"{diff} |")
        print(rows[-1], flush=True)
        if "error" not in on and "estimate_bytes" in info:
            measured.append({"case": label, "solver": info["solver"], "estimate_bytes": info["estimate_bytes"],
                             "solver_estimated": info["solver_estimated"], "maxrss_mib": on["maxrss_mib"],
                             "seconds": on["total"]})
    if measured:
        MEASURED.write_text(json.dumps({"large": large, "rows": measured}, indent=1) + "\n")
    return rows


def run_real_form(large: bool = False) -> list[str]:
    """One table row per 2-Alice case of :func:`cases` (``large``: with d = 4):
    :func:`conjugation_symmetric_functional` with symmetry on (real form), on with the real form withheld (the
    same group and blocks, complex; the congruence patched to None), and off."""
    rows = ["| case | group order | PSD blocks (largest) | on, real form (s) | on, complex (s) | off (s) | "
            "real form vs complex | on vs off | abs(on − off) |", "|---|---|---|---|---|---|---|---|---|"]
    for label, sc in [c for c in cases(large) if c[0].startswith("2 Alices")]:
        F = conjugation_symmetric_functional(sc, 7)
        t = time.perf_counter()
        on = bound(F, "max", "1+AB", symmetry=True)
        t_on = time.perf_counter() - t
        with mock.patch("steerdsl.sdp.symmetry_reduction.real_congruence", return_value=None):
            t = time.perf_counter()
            plain = bound(F, "max", "1+AB", symmetry=True)
            t_plain = time.perf_counter() - t
        t = time.perf_counter()
        off = bound(F, "max", "1+AB", symmetry=False)
        t_off = time.perf_counter() - t
        info = on.details.get("symmetry", {})
        blocks = info.get("blocks", [])
        form = "" if info.get("real_form") else " (no real form)"
        rows.append(f"| {label}{form} | {info.get('group_order')} | {len(blocks)} ({max(blocks, default=0)}) | "
                    f"{t_on:.1f} (solve {on.solve_seconds:.1f}) | {t_plain:.1f} (solve {plain.solve_seconds:.1f}) | "
                    f"{t_off:.1f} | {t_plain / t_on:.1f}× (solve {plain.solve_seconds / on.solve_seconds:.1f}×) | "
                    f"{t_off / t_on:.1f}× | {max(abs(on.value - off.value), abs(plain.value - off.value)):.1e} |")
    return rows


def section(lines: list[str]) -> str:
    """The page section between the markers."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [START, "## Symmetry reduction", "",
            f"Generated by `python -m benchmarks.symmetry` on {when} ({platform.machine()}, Python "
            f"{platform.python_version()}); one run per case, wall-clock seconds (compile + solve) on a 2-core "
            "machine shared with other jobs (on: detection, invariant subspace, block split, solve; off: the plain "
            "problem; each side in its own spawned process, peak memory its `ru_maxrss`; *reduction alone*: "
            "detection and invariant subspace with Γ' and the data blocks, no solve; *not within limits*: the plain "
            "problem is refused by the size guard at the default variable limit and the worker's 12 GiB). "
            "Functional: random Hermitian operators (seed 7) "
            "averaged over the combined relabellings of "
            "`relabelling_generators` (every slot at once: outcome shift and reversal, input shift, slot shift); "
            "the detection finds the group it leaves invariant.", ""]
    return "\n".join(head + lines + [END]) + "\n"


def main() -> int:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    large = "--large" in sys.argv
    rows = run(large)
    real = ["", "Complex data with an antiunitary symmetry (real form, issue 20 item 3): "
            "`conjugation_symmetric_functional` (seed 7; the group above without the outcome reversal, and the "
            "reversal combined with complex conjugation). The reduced problem is posed with real PSD blocks; "
            "'complex' is the same group and reduction with the real form withheld; abs is the larger deviation "
            "of the two from off. The qubit case only: the unreduced d = 4 solve of this functional takes over "
            "20 minutes (1,326 s in a one-off run).", ""] + run_real_form()
    new = section(rows + real)
    old = text[text.index(START): text.index(END) + len(END)] + "\n" if START in text and END in text else ""
    text = text.replace(old, new) if old else text.rstrip("\n") + "\n\n" + new
    path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

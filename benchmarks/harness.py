"""Timing and memory of one benchmark case, each side in its own fresh process.

A case names a ``prepare`` function (builds the data, untimed) and, per side (steerdsl and the
peer), a task ``fn(state) -> {"value", "compile", "solve"}``.  Each side runs in a spawned
worker process: one warm-up call, then ``repeats`` timed calls (none when the warm-up took more than
half of ``max_seconds``: it is then the measurement); the reported times are medians
of the wall time of the call (end to end), of its compile time and of its solver time, and the
worker's peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is reported for
the side as a whole (the interpreter and the libraries it imported included).
"""

from __future__ import annotations

import importlib
import multiprocessing
import queue as queue_module
import resource
import statistics
import sys
import time
import traceback
from dataclasses import dataclass, field


@dataclass
class Side:
    """One way of solving a case: ``module:function`` and a label (``steerdsl``, ``toqito+cvxpy``…)."""

    task: str
    label: str


@dataclass
class Case:
    """A benchmark: its group, name, parameters (for the scaling plots) and its sides."""

    group: str
    name: str
    prepare: str
    params: dict
    ours: Side
    peer: Side | None = None
    value_tolerance: float = 1e-6
    notes: str = ""
    axes: dict = field(default_factory=dict)


def _resolve(path: str):
    module, function = path.split(":")
    return getattr(importlib.import_module(module), function)


MEMORY_LIMIT_GIB = 12.0
"""Each worker's address-space limit (``RLIMIT_AS``): half the 24 GiB machine, so that a peer that runs away
(toqito on the 2-Alice 3×3 d = 2 case passed 19 GiB) fails alone instead of taking the machine down."""
TIMEOUT = 900.0
"""Seconds a side may take in all (warm-up and repeats) before it is reported as not finished (the
2-Alice 3×3 d = 4 almost-quantum solve takes about 6 min)."""


def _worker(prepare: str, params: dict, task: str, repeats: int, max_seconds: float, queue) -> None:
    """Run in a spawned process: prepare, warm up, time ``repeats`` calls, report through ``queue``."""
    limit = int(MEMORY_LIMIT_GIB * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        state = _resolve(prepare)(**params)
        fn = _resolve(task)
        runs = []
        first = time.perf_counter()
        warm = fn(state)
        warm_seconds = time.perf_counter() - first
        for _ in range(repeats if warm_seconds < max_seconds / 2 else 0):  # a long call is its own measurement
            start = time.perf_counter()
            out = fn(state)
            out["total"] = time.perf_counter() - start - out.get("untimed", 0.0)
            runs.append(out)
            if warm_seconds * len(runs) > max_seconds:
                break
        if not runs:
            warm["total"] = warm_seconds - warm.get("untimed", 0.0)
            runs.append(warm)
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB, macOS bytes
        queue.put({"ok": True, "runs": runs, "maxrss_mib": maxrss * scale / 2 ** 20})
    except MemoryError:
        queue.put({"ok": False, "error": f"out of memory (limit {MEMORY_LIMIT_GIB:g} GiB)"})
    except Exception as exc:  # reported as a failed side, never a crash of the suite
        queue.put({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                   "trace": traceback.format_exc(limit=3)})


def run_side(case: Case, side: Side, repeats: int, max_seconds: float, timeout: float) -> dict:
    """Medians over the repeats of one side of a case (in a fresh spawned process)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(case.prepare, case.params, side.task, repeats, max_seconds, queue))
    proc.start()
    deadline = time.monotonic() + timeout
    report = None
    while report is None:
        try:
            report = queue.get(timeout=1.0)
        except queue_module.Empty:
            if not proc.is_alive():  # exited: a report sent just before, or killed (e.g. a native allocation
                try:                 # failing under the memory limit)
                    report = queue.get(timeout=1.0)
                except queue_module.Empty:
                    report = {"ok": False, "error": f"worker died (exit code {proc.exitcode}; memory limit "
                                                    f"{MEMORY_LIMIT_GIB:g} GiB)"}
            elif time.monotonic() > deadline:
                report = {"ok": False, "error": f"did not finish in {timeout:.0f} s"}
    proc.join(5)
    if proc.is_alive():
        proc.terminate()
        proc.join()
    if not report["ok"]:
        return {"label": side.label, "error": report["error"]}
    runs = report["runs"]

    def median(key):
        values = [r[key] for r in runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    last = runs[-1]
    out = {"label": side.label, "value": last["value"], "total": median("total"),
           "compile": median("compile"), "solve": median("solve"), "repeats": len(runs),
           "maxrss_mib": report["maxrss_mib"]}
    out.update({key: last[key] for key in ("status", "reference", "sdp") if key in last})
    return out


def run_case(case: Case, repeats: int, max_seconds: float = 60.0, timeout: float = TIMEOUT) -> dict:
    """Both sides of ``case``; the ratio of end-to-end times and the agreement of the values."""
    ours = run_side(case, case.ours, repeats, max_seconds, timeout)
    row = {"group": case.group, "name": case.name, "params": case.params, "axes": case.axes,
           "notes": case.notes, "ours": ours, "peer": None}
    if case.peer is not None:
        peer = run_side(case, case.peer, repeats, max_seconds, timeout)
        row["peer"] = peer
        if "error" not in ours and "error" not in peer:
            row["ratio"] = ours["total"] / peer["total"]
            # a peer value its solver called inaccurate is replaced by its re-solve (see aq_cases._solve)
            compared = peer.get("reference", peer["value"])
            if ours["value"] is not None and compared is not None:
                row["difference"] = abs(ours["value"] - compared)
                row["agree"] = row["difference"] <= case.value_tolerance
    return row

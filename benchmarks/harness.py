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


def _worker(prepare: str, params: dict, task: str, repeats: int, max_seconds: float, queue) -> None:
    """Run in a spawned process: prepare, warm up, time ``repeats`` calls, report through ``queue``."""
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
            out["total"] = time.perf_counter() - start
            runs.append(out)
            if warm_seconds * len(runs) > max_seconds:
                break
        if not runs:
            warm["total"] = warm_seconds
            runs.append(warm)
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB, macOS bytes
        queue.put({"ok": True, "runs": runs, "maxrss_mib": maxrss * scale / 2 ** 20})
    except Exception as exc:  # reported as a failed side, never a crash of the suite
        queue.put({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                   "trace": traceback.format_exc(limit=3)})


def run_side(case: Case, side: Side, repeats: int, max_seconds: float, timeout: float) -> dict:
    """Medians over the repeats of one side of a case (in a fresh spawned process)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(case.prepare, case.params, side.task, repeats, max_seconds, queue))
    proc.start()
    try:
        report = queue.get(timeout=timeout)
    except Exception:
        report = {"ok": False, "error": f"timed out after {timeout:.0f} s"}
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

    return {"label": side.label, "value": runs[-1]["value"], "total": median("total"),
            "compile": median("compile"), "solve": median("solve"), "repeats": len(runs),
            "maxrss_mib": report["maxrss_mib"]}


def run_case(case: Case, repeats: int, max_seconds: float = 60.0, timeout: float = 900.0) -> dict:
    """Both sides of ``case``; the ratio of end-to-end times and the agreement of the values."""
    ours = run_side(case, case.ours, repeats, max_seconds, timeout)
    row = {"group": case.group, "name": case.name, "params": case.params, "axes": case.axes,
           "notes": case.notes, "ours": ours, "peer": None}
    if case.peer is not None:
        peer = run_side(case, case.peer, repeats, max_seconds, timeout)
        row["peer"] = peer
        if "error" not in ours and "error" not in peer:
            row["ratio"] = ours["total"] / peer["total"]
            if ours["value"] is not None and peer["value"] is not None:
                row["difference"] = abs(ours["value"] - peer["value"])
                row["agree"] = row["difference"] <= case.value_tolerance
    return row

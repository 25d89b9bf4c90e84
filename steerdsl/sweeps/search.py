"""Functional searches as pure tasks: one random restart per task, run anywhere a sweep runs.

A restart of :func:`steerdsl.sdp.witness_search.search_functional` is the
task ``{model, file, assemblage, level, seed, steps, step, solver}`` → a JSON
record (certified?, σ's value, the outer bound, the gap, the path, and the
functional's blocks), keyed like sweep tasks, so restarts run serially, on a
local pool (``jobs``) or on a Dask cluster (``scheduler``) and are saved to
and resumed from a JSON-lines ``out`` file.

>>> import steerdsl as sd
>>> found = sd.search_functional("models/e04_pr_box_tripartite.steer", restarts=4, jobs=2)  # doctest: +SKIP
>>> best = found[0]; best.certified, best.gap, best.functional                               # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from steerdsl.diagnostics import Diagnostic, SteerError, error
from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.model import Model
from steerdsl.model.resolve import load_text
from steerdsl.model.scenario import Scenario
from steerdsl.sweeps.execute import execute
from steerdsl.sweeps.run import imported_sources, model_source
from steerdsl.sweeps.store import ResultStore


def functional_to_json(functional: Functional) -> list[dict]:
    """A numeric functional's terms as JSON: ``[{a, x, y, re, im}]`` (``null`` for an unmeasured slot)."""
    out = []
    for (a, x, y), op in functional.terms.items():
        m = np.asarray(op, dtype=complex)
        out.append({"a": list(a), "x": list(x), "y": list(y), "re": m.real.tolist(), "im": m.imag.tolist()})
    return out


def functional_from_json(scenario: Scenario, terms: list[dict], name: str = "F") -> Functional:
    """The inverse of :func:`functional_to_json`."""
    ops = {(tuple(t["a"]), tuple(t["x"]), tuple(t["y"])): np.array(t["re"]) + 1j * np.array(t["im"])
           for t in terms}
    return Functional(scenario, ops, exact=False, name=name)


def _assemblage(model: Model, name: str, file: str) -> Assemblage:
    if name not in model:
        raise error("E101", f"{file} defines no assemblage {name!r}", None,
                    f"assemblages: {', '.join(model.names('assemblage')) or 'none'}")
    sigma = model[name]
    if not isinstance(sigma, Assemblage):
        raise error("E103", f"{name} is not an assemblage", None)
    return sigma


def run_search_task(task: dict) -> dict:
    """One restart of the functional search as a pure task (see the module docstring)."""
    from steerdsl.sdp.solve import SolverError
    from steerdsl.sdp.witness_search import search_functional

    start = time.perf_counter()
    record: dict = {"key": task["key"], "seed": task["seed"]}
    try:
        model = load_text(task["model"], task["file"])
        sigma = _assemblage(model, task["assemblage"], task["file"])
        found = search_functional(sigma, level=task["level"], seed=task["seed"], steps=task["steps"],
                                  step=task["step"], solver=task.get("solver"))
        record.update(certified=found.certified, value=found.value, bound=found.bound, gap=found.gap,
                      reason=found.reason, path=[vars(s) for s in found.steps],
                      functional=functional_to_json(found.functional))
    except SteerError as exc:
        record["error"] = exc.diagnostic.to_json()
    except SolverError as exc:
        record["error"] = Diagnostic("E300", f"the solver failed on {exc.task}", notes=exc.attempts).to_json()
    except (ValueError, ArithmeticError) as exc:
        record["error"] = Diagnostic("E301", f"cannot set up this problem: {exc}").to_json()
    record["seconds"] = round(time.perf_counter() - start, 4)
    return record


@dataclass
class FoundFunctional:
    """One restart's outcome, with the functional rebuilt on the assemblage's scenario."""

    seed: int
    certified: bool
    value: float
    bound: float
    functional: Functional | None
    reason: str = ""
    path: list[dict] = field(default_factory=list)
    error: str | None = None

    @property
    def gap(self) -> float:
        return self.value - self.bound


def search_functional(model: Model | str | Path, assemblage: str = "sigma", *, level: str = "1+AB",
                      restarts: int = 4, seed: int = 0, steps: int = 20, step: float = 1.0,
                      solver: str | None = None, jobs: int = 1, scheduler=None,
                      out: str | Path | None = None) -> list[FoundFunctional]:
    """Search for functionals that ``assemblage`` violates beyond the level-``level`` bound, from the random
    starts ``seed, seed+1, …`` (``restarts`` of them); certified results first, largest gap first."""
    from steerdsl import __version__

    text, file = model_source(model)
    base = load_text(text, file)
    sigma = _assemblage(base, assemblage, file)
    imports = sorted(imported_sources(base).values())
    tasks = []
    for s in range(seed, seed + restarts):
        task = {"model": text, "file": file, "assemblage": assemblage, "level": str(level), "seed": s,
                "steps": steps, "step": step, "solver": solver}
        payload = json.dumps({**{k: v for k, v in task.items() if k != "file"}, "imports": imports,
                              "kind": "search", "steerdsl": __version__}, sort_keys=True)
        task["key"] = hashlib.sha256(payload.encode()).hexdigest()
        tasks.append(task)
    with ResultStore(out) as store:
        execute([t for t in tasks if t["key"] not in store], store.add, jobs=jobs, scheduler=scheduler,
                function=run_search_task)
    found = []
    for t in tasks:
        r = store.get(t["key"]) or {}
        if "error" in r or not r:
            message = r.get("error", {}).get("message", "not run") if r else "not run"
            found.append(FoundFunctional(t["seed"], False, float("nan"), float("nan"), None, error=message))
            continue
        f = functional_from_json(sigma.scenario, r["functional"], name=f"F_seed{t['seed']}")
        found.append(FoundFunctional(t["seed"], r["certified"], r["value"], r["bound"], f, r["reason"], r["path"]))
    return sorted(found, key=lambda x: (not x.certified, -x.gap if np.isfinite(x.gap) else np.inf))

"""The SDP tasks a model can ask for, by name, for each scenario kind.

``solve NAME : TASK`` and ``bound max|min F over SET`` resolve here to the
functions of :mod:`steerdsl.sdp`.  Every task returns an
:class:`~steerdsl.sdp.result.SDPResult`.  Quantum relaxations come from the
moment-matrix engine and are looked up lazily, so a missing optional piece
gives a clear message instead of an import error.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from steerdsl.model.assemblage import Assemblage, Functional
from steerdsl.model.scenario import Scenario
from steerdsl.sdp import size as sdp_size
from steerdsl.sdp.result import ordered_bracket


class TaskError(ValueError):
    """A task that does not apply to this object or scenario; the message says why."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def _fn(module: str, name: str) -> Callable:
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise TaskError(f"{module}.{name} is not available in this installation ({exc})") from None


def _level(options: dict[str, Any], default: str | None = None) -> str | None:
    level = options.get("level", default)
    return None if level is None else str(level)


def _hierarchy_level(options: dict[str, Any]) -> int | str:
    """The BWI / instrumental hierarchy level: an integer n, or a word set such as ``1+AB`` (almost quantum)."""
    level = _level(options, "1")
    return int(level) if level.isdigit() else level


def _lhs_tasks() -> dict[str, Callable[[Assemblage, dict], Any]]:
    lhs = "steerdsl.sdp.lhs"
    return {
        "lhs": lambda s, o: _fn(lhs, "lhs")(s, solver=o.get("solver")),
        "steering_weight": lambda s, o: _fn(lhs, "steering_weight")(s, solver=o.get("solver")),
        "robustness": lambda s, o: _fn(lhs, "generalised_robustness")(s, solver=o.get("solver")),
        "generalised_robustness": lambda s, o: _fn(lhs, "generalised_robustness")(s, solver=o.get("solver")),
        "consistent_robustness": lambda s, o: _fn(lhs, "generalised_robustness")(
            s, consistent=True, solver=o.get("solver")),
    }


def default_quantum_task(sigma: Assemblage | Scenario) -> tuple[str, dict]:
    """The relaxation a bare ``quantum`` test uses for each scenario kind (of σ or of a scenario)."""
    kind = (sigma if isinstance(sigma, Scenario) else sigma.scenario).kind
    if kind == "bwi":
        return "bwi", {"level": "2"}
    if kind == "instrumental":
        return "instrumental", {"level": "1"}
    if kind == "several_bobs":
        return "several_bobs", {}
    return "almost_quantum", {}


def quantum_test(sigma: Assemblage, task: str, options: dict) -> tuple[str, dict]:
    """The concrete test a quantum task names for σ's scenario kind: ``npa`` (moment matrices of one Bob
    without input), ``bwi``, ``instrumental``, ``parent_states`` or ``several_bobs``, with its options."""
    return quantum_test_for(sigma.scenario, task, options)


def quantum_test_for(scenario: Scenario, task: str, options: dict) -> tuple[str, dict]:
    """:func:`quantum_test` from the scenario alone."""
    kind = scenario.kind
    if task == "quantum":
        task, defaults = default_quantum_task(scenario)
        options = {**defaults, **options}
    if task == "almost_quantum":
        task, options = "npa", {**options, "level": "1+AB"}
    if task in ("npa", "moments"):
        task = kind if kind in ("bwi", "instrumental", "several_bobs") else "npa"
    needs = {"bwi": ("bwi", "the BWI hierarchy applies to Bob-with-input assemblages"),
             "instrumental": ("instrumental", "the instrumental hierarchy applies to instrumental assemblages"),
             "parent_states": ("several_bobs", "parent states are for several-Bobs assemblages"),
             "several_bobs": ("several_bobs", "parent states are for several-Bobs assemblages")}
    if task in needs and kind != needs[task][0]:
        raise TaskError(f"{needs[task][1]}, not to a {kind} one")
    if task not in ("npa", *needs):
        raise TaskError(f"unknown quantum test {task!r}", f"tests: {', '.join(QUANTUM_TASKS)}")
    return task, options


def quantum_membership(sigma: Assemblage, task: str, options: dict) -> Any:
    """Membership in a quantum relaxation (moment-matrix engine, physics.md §4)."""
    solver = options.get("solver")
    task, options = quantum_test(sigma, task, options)
    if task == "npa":
        result = _fn("steerdsl.sdp.relaxation", "membership")(sigma, level=_level(options, "1+AB"), solver=solver)
        return _fn("steerdsl.sdp.certify", "certify_membership")(sigma, result) if options.get("certify") else result
    if task in ("bwi", "instrumental"):
        test = _fn("steerdsl.sdp.bwi_hierarchy", f"{task}_membership")
        return test(sigma, level=_hierarchy_level(options), solver=solver)
    if task == "parent_states":
        return _fn("steerdsl.sdp.parents", "parent_states")(sigma, solver=solver)
    return _fn("steerdsl.sdp.parents", "several_bobs_membership")(sigma, level=_level(options, "1+AB"),
                                                                 solver=solver)


def quantum_visibility(sigma: Assemblage, against: str, noise: Any, options: dict) -> Any:
    """Robustness to ``noise`` against a quantum test (physics.md §5): the largest ``v`` with
    ``vσ + (1 − v)N`` passing it; the least noise fraction is ``1 − v``."""
    solver = options.get("solver")
    task, options = quantum_test(sigma, against, options)
    if task == "npa":
        return _fn("steerdsl.sdp.relaxation", "noise_visibility")(sigma, level=_level(options, "1+AB"),
                                                                 noise=noise, solver=solver)
    if task in ("bwi", "instrumental"):
        test = _fn("steerdsl.sdp.bwi_hierarchy", f"{task}_membership")
        result = test(sigma, level=_hierarchy_level(options), solver=solver, noise=noise,
                      mixing=_fn("steerdsl.sdp.noise", "VISIBILITY"))
        result.task = f"visibility against {result.task}"
        return result
    level = None if task == "parent_states" else _level(options, "1+AB")
    return _fn("steerdsl.sdp.parents", "parent_visibility")(sigma, noise=noise, level=level, solver=solver)


QUANTUM_TASKS = ("quantum", "almost_quantum", "npa", "moments", "bwi", "instrumental", "parent_states",
                 "several_bobs")


NEGATIVITY_TASKS = ("negativity", "steering_negativity")
"""Steering negativity (physics.md §5): a relaxation lower bound and a pseudo-state upper bound, as a bracket."""


NOSIGNALLING_TASKS = ("nosignalling", "no_signalling")
"""Membership in the general (no-signalling) set where it is an SDP: the instrumental G_I (PRL 2020 Def. 6)."""


def note_no_certificate(result: Any, options: dict) -> Any:
    """``certify`` on a task without exact certificates: say so instead of ignoring it."""
    if options.get("certify") and getattr(result, "exactness", None) == "numeric" \
            and "certificate_note" not in result.details:
        result.details["certificate_note"] = ("no certificate: exact certificates exist for moment-matrix "
                                              "memberships (npa, almost_quantum) and bounds over them")
    return result


def task_size(scenario: Scenario, task: str, options: dict) -> sdp_size.SDPSize | None:
    """The estimated size of ``solve σ : task`` (None for tasks without a sizeable SDP)."""
    if task in _lhs_tasks() or (task == "visibility" and options.get("against", "lhs") == "lhs"):
        return sdp_size.lhs_size(scenario, task)
    against = options.get("against") if task == "visibility" else task
    if against in QUANTUM_TASKS:
        test, test_options = quantum_test_for(scenario, against, options)
        return sdp_size.quantum_size(scenario, test, test_options)
    return None


def bound_size(scenario: Scenario, over: str, options: dict) -> sdp_size.SDPSize | None:
    """The estimated size of ``bound max|min F over SET`` (the larger of outer SDP and see-saw)."""
    sizes = []
    if over == "lhs":
        sizes.append(sdp_size.lhs_size(scenario, "LHS bound"))
    if over in ("almost_quantum", "quantum", "npa", "moments") and scenario.kind in ("bwi", "instrumental"):
        level = "1+AB" if over == "almost_quantum" else options.get("level", default_quantum_task(scenario)[1]["level"])
        sizes.append(sdp_size.quantum_size(scenario, scenario.kind, {"level": level}))
    elif over in ("almost_quantum", "quantum", "npa", "moments"):
        level = "1+AB" if over == "almost_quantum" else _level(options, "1+AB")
        sizes.append(sdp_size.moment_size(scenario, level, scenario.dim, task="NPA bound"))
    if over in ("parent_states", "several_bobs"):  # the merged Bob's moment matrix (steerdsl.sdp.parent_bounds)
        level = "1+AB" if over == "parent_states" else _level(options, "1+AB")
        sizes.append(sdp_size.moment_size(scenario, level, scenario.dim, task="parent-state bound"))
    if over == "seesaw" or (over in ("almost_quantum", "quantum", "npa", "moments") and "dims" in options):
        sizes.append(sdp_size.seesaw_size(scenario, options.get("dims"), options.get("restarts", 10)))
    return max(sizes, key=lambda s: s.variables, default=None)


def check_task_size(size: sdp_size.SDPSize | None, options: dict) -> None:
    """Refuse the task (:class:`~steerdsl.sdp.size.SDPTooLarge`) when its estimate is above the limit
    ``options["max_sdp_size"]`` (default :data:`~steerdsl.sdp.size.DEFAULT_MAX_VARIABLES`) or its memory
    above ``options["max_sdp_memory"]`` GiB (default :data:`~steerdsl.sdp.size.DEFAULT_MAX_MEMORY`)."""
    if size is not None:
        sdp_size.check_size(size, options.get("max_sdp_size"), options.get("max_sdp_memory"))


def solve_task(sigma: Assemblage, task: str, options: dict) -> Any:
    """Run ``solve sigma : task [options]`` (refused before it is built when its SDP is too large;
    ``certify``: an exact certificate where one exists)."""
    check_task_size(task_size(sigma.scenario, task, options), options)
    return note_no_certificate(_solve_task(sigma, task, options), options)


def _solve_task(sigma: Assemblage, task: str, options: dict) -> Any:
    lhs_tasks = _lhs_tasks()
    if task in lhs_tasks:
        return lhs_tasks[task](sigma, options)
    if task == "visibility":
        against = options.get("against", "lhs")
        noise = options.get("noise_value", options.get("noise", "white"))
        if against == "lhs":
            return _fn("steerdsl.sdp.lhs", "visibility")(sigma, noise=noise, solver=options.get("solver"))
        return quantum_visibility(sigma, against, noise, options)
    if task in QUANTUM_TASKS:
        return quantum_membership(sigma, task, options)
    if task in NOSIGNALLING_TASKS:
        if sigma.scenario.kind != "instrumental":
            raise TaskError(f"no-signalling is a finite set of exact identities in a {sigma.scenario.kind} "
                            "scenario", f"check {sigma.name} : valid decides it exactly")
        return _fn("steerdsl.sdp.bwi_hierarchy", "instrumental_membership")(sigma, nosignalling=True,
                                                                             solver=options.get("solver"))
    if task in NEGATIVITY_TASKS:
        return _fn("steerdsl.sdp.negativity", "steering_negativity")(
            sigma, level=_level(options, "1+AB"), dims=options.get("dims"), restarts=options.get("restarts", 2),
            seed=options.get("seed", 0), solver=options.get("solver"))
    if task == "realisation":
        return _fn("steerdsl.inner.search", "realisation")(
            sigma, dims=options.get("dims"), restarts=options.get("restarts", 5), seed=options.get("seed", 0),
            certify=bool(options.get("certify")), **({"tolerance": float(options["tol"])} if "tol" in options else {}))
    if task == "planar_local":
        return _fn("steerdsl.sdp.bell", "planar_locality")(sigma, plane=options.get("plane", "XZ"),
                                                           solver=options.get("solver"))
    known = sorted(list(lhs_tasks) + ["visibility", "planar_local", "realisation"] + list(QUANTUM_TASKS)
                   + list(NEGATIVITY_TASKS) + list(NOSIGNALLING_TASKS))
    raise TaskError(f"unknown task {task!r}", f"tasks: {', '.join(known)}")


def _seesaw(functional: Functional, sense: str, options: dict) -> Any:
    return _fn("steerdsl.sdp.seesaw", "seesaw")(functional, sense=sense, dims=options.get("dims"),
                                                restarts=options.get("restarts", 10), seed=options.get("seed", 0),
                                                solver=options.get("solver"))


BOUND_SETS = ("seesaw", "lhs", "almost_quantum", "quantum", "npa", "moments", "nosignalling", "no_signalling",
              "parent_states", "several_bobs")


def bound_task(functional: Functional, sense: str, over: str, options: dict) -> Any:
    """Run ``bound max|min F over SET [options]`` (refused before it is built when too large; solved on
    ``F`` scaled to unit size, :mod:`steerdsl.sdp.scaling`, except with ``certify``: a certificate is
    about ``F`` as written; ``certify``: an exact certificate over relaxations)."""
    check_task_size(bound_size(functional.scenario, over, options), options)
    if over not in BOUND_SETS:
        raise TaskError(f"unknown set {over!r} to bound over", f"sets: {', '.join(BOUND_SETS)}")
    if options.get("certify"):
        return note_no_certificate(_bound(functional, sense, over, options), options)
    from steerdsl.sdp.scaling import solve_scaled

    return solve_scaled(functional, lambda f: _bound(f, sense, over, options))


def _bound(functional: Functional, sense: str, over: str, options: dict) -> Any:
    solver = options.get("solver")
    if over == "lhs":
        return _fn("steerdsl.sdp.lhs", "lhs_bound")(functional, sense=sense, solver=solver)
    if over in ("nosignalling", "no_signalling"):
        return _fn("steerdsl.sdp.relaxation", "nosignalling_bound")(functional, sense=sense, solver=solver)
    if over == "seesaw":
        return _seesaw(functional, sense, options)
    if over in ("parent_states", "several_bobs") or functional.scenario.kind == "several_bobs":
        quantum_test_for(functional.scenario, over if over in ("parent_states", "several_bobs") else "quantum", {})
        level = None if over == "parent_states" else "1+AB" if over == "almost_quantum" else _level(options, "1+AB")
        return _fn("steerdsl.sdp.parent_bounds", "several_bobs_bound")(functional, sense=sense, level=level,
                                                                       solver=solver)
    # the moment-matrix sets: almost_quantum, quantum, npa, moments
    if functional.scenario.kind == "sequential":
        return _fn("steerdsl.sdp.sequential", "sequential_quantum_bound")(functional, sense=sense, solver=solver)
    if functional.scenario.kind in ("bwi", "instrumental"):
        if "dims" in options:
            raise TaskError(f"see-saw brackets of bounds are not available in the {functional.scenario.kind} "
                            "scenario yet", "drop 'dims'")
        if over in ("quantum", "npa", "moments"):
            options = {**default_quantum_task(functional.scenario)[1], **options}
        level = "1+AB" if over == "almost_quantum" else _hierarchy_level(options)
        outer = _fn("steerdsl.sdp.bwi_hierarchy", "hierarchy_bound")(functional, sense=sense, level=level,
                                                                      solver=solver)
        if options.get("certify"):
            outer = _fn("steerdsl.sdp.certify_hierarchy", "certify_hierarchy_bound")(functional, sense, outer)
        return outer
    level = "1+AB" if over == "almost_quantum" else _level(options, "1+AB")
    outer = _fn("steerdsl.sdp.relaxation", "bound")(functional, sense=sense, level=level, solver=solver)
    if options.get("certify"):
        outer = _fn("steerdsl.sdp.certify", "certify_bound")(functional, sense, outer)
    if "dims" in options and outer.value is not None:
        inner = _seesaw(functional, sense, options)
        bracket = (inner.value, outer.value) if sense == "max" else (outer.value, inner.value)
        outer.details["bracket"], mended = ordered_bracket(*bracket, outer.tolerance)
        if mended:
            outer.details["bracket_note"] = mended
        outer.details["inner_bound"] = inner.value
    return outer

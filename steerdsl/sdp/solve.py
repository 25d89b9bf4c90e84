"""Running a picos problem robustly.

Every SDP in steerdsl is solved through :func:`run`.  It caps iterations,
tries cvxopt's KKT solvers in order (``chol`` is fastest on every benchmark —
LHS, almost-quantum, level 2: 1.3–1.7× faster than ``qr``, 2–7× faster than
``ldl``, see docs/benchmarks.md — but refuses rank-deficient systems; ``qr``
comes next; ``ldl`` is the reliable fallback), and turns every solver failure (cvxopt's ``ArithmeticError``,
"Rank(A) < p", an unknown status) into either a recovered solution or a
:class:`SolverError` naming the task and every attempt — never a traceback.

Time limits: inside ``with time_limit(seconds):`` (``steer run --time-limit``) everything stops when
the block's time is up — building the problem, every solve, an exact certificate — with
:class:`SolverTimeLimit`.  cvxopt has no time option, so the limit is a ``SIGALRM`` timer (main thread,
POSIX), which interrupts Python code (picos building a problem, cvxopt's iterations); one call into
compiled code (a LAPACK factorisation) finishes first, which the memory guard of
:mod:`steerdsl.sdp.size` keeps to seconds.  Outside the main thread the limit is checked between
strategies.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import picos

from steerdsl.alarm import Alarm as _Alarm
from steerdsl.alarm import alarm as _alarm

DEFAULT_SOLVER = "cvxopt"
KKT_ORDER = ("chol", "qr", "ldl")
FALLBACK_SOLVERS = ("qics",)
"""Tried, when installed, after every cvxopt strategy failed and no solver was asked for (first, for problems
whose :func:`cvxopt_work` exceeds :data:`QICS_ABOVE`): an interior-point
method of another family often gets through problems without a strictly feasible point (Slater fails,
e.g. a visibility against noise on the boundary of the set) where cvxopt divides by zero."""
MAX_ITERATIONS = 200
QICS_ABOVE = 5e10
"""cvxopt's work per iteration grows like ``n² Σ_b N_b²`` (its dense Schur complement from the scaled constraint
columns, for ``n`` scalar variables and LMI blocks of real size ``N_b``; a complex block of size N counts 2N).
Above this estimate, and when no solver was asked for, qics is tried first when installed.  Measured: the
2-Alice, 3-input, 3-outcome, d = 2 almost-quantum visibility (n = 3,649, one block of 196; estimate 5e11):
cvxopt 256 s, qics 13.5 s; below, cvxopt is 2–10× faster (E5's membership, estimate 3e8: 1.3 s vs 11 s;
LHS visibility d = 4, m = 6 with 64 blocks of 8, estimate 4e9: qics slower than cvxopt)."""
QICS_ABOVE_COMPLEX = 1.2e10
"""The same threshold for problems with a complex PSD block (qics handles Hermitian blocks natively, cvxopt as
real blocks of twice the side). Fitted by ``python -m benchmarks.solvers`` (docs/benchmarks.md, solvers section):
with complex data qics won every problem above 4.2e10 and the grid total is least at 1.2e10; with real data cvxopt
won every measured problem (up to 3.7e10), so :data:`QICS_ABOVE` stays."""


class SolverError(Exception):
    """A task whose SDP no solver strategy could solve."""

    def __init__(self, task: str, attempts: list[str]):
        self.task = task
        self.attempts = attempts
        super().__init__(f"{task}: the solver failed ({'; '.join(attempts)})")


class SolverTimeLimit(SolverError):
    """The time limit of the enclosing :func:`time_limit` block ran out while solving."""


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("steerdsl_solve_deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: float | None, task: str = "this line") -> Iterator[None]:
    """The block stops after ``seconds`` in all (None: no limit): every :func:`run` inside with
    :class:`SolverTimeLimit` naming its task, any other work (building a problem, certifying) with
    :class:`SolverTimeLimit` naming ``task``."""
    if seconds is None:
        yield
        return
    start = time.monotonic()
    token = _DEADLINE.set(start + float(seconds))
    try:
        with _alarm(float(seconds)):
            yield
    except _Alarm:
        raise SolverTimeLimit(task, [f"stopped by the time limit after {time.monotonic() - start:.2f} s, "
                                     "outside a solve (building the problem or certifying it)"]) from None
    finally:
        _DEADLINE.reset(token)


@dataclass
class SolveOutcome:
    """What a solve produced: status, objective value, and how it got there."""

    status: str
    value: float | None
    solver: str
    seconds: float
    strategy: str = ""
    attempts: list[str] = field(default_factory=list)


def available_solvers() -> list[str]:
    """Solvers picos can drive on this machine."""
    return list(picos.available_solvers())


def scalar_variables(problem: picos.Problem) -> int:
    """The number of real scalar variables of ``problem`` (a Hermitian d×d block counts d²)."""
    return sum(v.dim for v in problem.variables.values())


def cvxopt_work(problem: picos.Problem) -> float:
    """``n² Σ_b N_b²``: the size of cvxopt's Schur-complement work per iteration (see :data:`QICS_ABOVE`)."""
    blocks = 0
    for constraint in problem.constraints.values():
        if isinstance(constraint, picos.constraints.ComplexLMIConstraint):
            blocks += (2 * constraint.size[0]) ** 2
        elif isinstance(constraint, picos.constraints.LMIConstraint):
            blocks += constraint.size[0] ** 2
    return float(scalar_variables(problem)) ** 2 * blocks


def qics_first(problem: picos.Problem) -> bool:
    """Whether qics is tried before cvxopt: :func:`cvxopt_work` above :data:`QICS_ABOVE`, or above
    :data:`QICS_ABOVE_COMPLEX` when a PSD block is complex (thresholds measured by ``python -m
    benchmarks.solvers``, docs/benchmarks.md)."""
    complex_ = any(isinstance(c, picos.constraints.ComplexLMIConstraint) for c in problem.constraints.values())
    return cvxopt_work(problem) > (QICS_ABOVE_COMPLEX if complex_ else QICS_ABOVE)


def _strategies(solver: str, fallback: bool = False, qics: bool = False) -> list[dict]:
    if solver == "cvxopt":
        strategies = [{"solver": "cvxopt", "cvxopt_kktsolver": kkt} for kkt in KKT_ORDER]
    else:
        strategies = [{"solver": solver}]
    if fallback:
        installed = available_solvers()
        others = [{"solver": other} for other in FALLBACK_SOLVERS if other != solver and other in installed]
        strategies = others + strategies if qics and solver == "cvxopt" else strategies + others
    return strategies


def run(
    problem: picos.Problem,
    task: str,
    solver: str | None = None,
    max_iterations: int = MAX_ITERATIONS,
    timelimit: float | None = None,
    tolerance: float = 1e-8,
) -> SolveOutcome:
    """Solve ``problem``; recover from solver failures or raise :class:`SolverError`
    (:class:`SolverTimeLimit` when ``timelimit`` seconds, or the enclosing :func:`time_limit`, run out).

    The outcome's ``status`` is picos' claimed status (``optimal``,
    ``infeasible``, ``unbounded``, ``unknown``…); ``value`` is the objective
    value when a primal solution was applied."""
    name = solver or DEFAULT_SOLVER
    if name not in available_solvers():
        raise SolverError(task, [f"solver {name!r} is not installed (available: {', '.join(available_solvers())})"])
    attempts: list[str] = []
    start = time.perf_counter()
    deadline = _DEADLINE.get()
    if timelimit is not None:
        own = time.monotonic() + timelimit
        deadline = own if deadline is None else min(deadline, own)
    for options in _strategies(name, fallback=solver is None, qics=solver is None and qics_first(problem)):
        label = ", ".join(f"{k}={v}" for k, v in options.items())
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise SolverTimeLimit(task, attempts + [f"{label}: not tried, the time limit was reached"])
        try:
            with _alarm(remaining):
                solution = problem.solve(
                    primals=None,
                    duals=None,
                    max_iterations=max_iterations,
                    abs_prim_fsb_tol=tolerance,
                    abs_dual_fsb_tol=tolerance,
                    abs_ipm_opt_tol=tolerance,
                    rel_ipm_opt_tol=tolerance,
                    verbosity=-1,
                    **options,
                )
        except _Alarm:
            raise SolverTimeLimit(task, attempts + [f"{label}: stopped by the time limit after "
                                                    f"{time.perf_counter() - start:.2f} s"]) from None
        except (ArithmeticError, ValueError, picos.SolutionFailure, RuntimeError, TypeError) as exc:
            attempts.append(f"{label}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            continue
        status = solution.claimedStatus
        if status in ("optimal", "infeasible", "unbounded"):
            value = None
            if status == "optimal":
                try:
                    value = float(problem.value) if problem.objective.function is not None else 0.0
                except (TypeError, ValueError, AttributeError):
                    value = None
            return SolveOutcome(status, value, options["solver"], time.perf_counter() - start, label, attempts)
        attempts.append(f"{label}: status {status} ({solution.problemStatus})")
    raise SolverError(task, attempts)

"""Where sweep tasks run: in this process, in a local process pool, or on a Dask cluster.

All three call the same pure :func:`steerdsl.sweeps.task.run_task` on the same
task dicts and hand each record to ``on_result`` as soon as it arrives (in
completion order), so results are saved incrementally whatever the backend.
The pool uses the ``spawn`` start method: workers import steerdsl afresh and
share nothing with the parent, and die with it (:func:`die_with_parent`: even a parent killed by
SIGKILL leaves no worker computing on).  Dask futures are keyed by the task key, so a
task submitted twice to one cluster is computed once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from steerdsl.diagnostics import error
from steerdsl.sweeps.task import run_task

CONNECT_TIMEOUT = "15s"
"""How long to wait for a Dask scheduler before giving up."""
OnResult = Callable[[dict], None]
TaskFunction = Callable[[dict], dict]


def run_serial(tasks: Iterable[dict], on_result: OnResult, function: TaskFunction | None = None) -> None:
    """Run the tasks one after another in this process."""
    function = function or run_task
    for task in tasks:
        on_result(function(task))


PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal a process gets when the thread that created it ends."""


def die_with_parent(parent: int) -> None:
    """Pool worker initializer: end this worker when ``parent`` (the sweep) ends.  On Linux the kernel
    sends SIGKILL at once (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread checks every second
    that the parent is still ours (a worker whose parent died is adopted by another process)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="steer-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def run_pool(tasks: list[dict], jobs: int, on_result: OnResult, function: TaskFunction | None = None) -> None:
    """Run the tasks on ``jobs`` local worker processes (at most ``2·jobs`` queued at a time)."""
    function = function or run_task
    pending = iter(tasks)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        running = set()
        try:
            for task in pending:
                running.add(pool.submit(function, task))
                if len(running) >= 2 * jobs:
                    break
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    on_result(future.result())
                    task = next(pending, None)
                    if task is not None:
                        running.add(pool.submit(function, task))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _distributed():
    try:
        import distributed
    except ImportError:
        raise error("E164", "--scheduler needs Dask's distributed scheduler, which is not installed", None,
                    "pip install 'steerdsl[dask]'") from None
    return distributed


def run_dask(tasks: list[dict], scheduler, on_result: OnResult, function: TaskFunction | None = None) -> None:
    """Run the tasks on a Dask cluster: ``scheduler`` is an address (``tcp://host:8786``) or a Client."""
    function = function or run_task
    distributed = _distributed()
    own = not isinstance(scheduler, distributed.Client)
    try:
        client = distributed.Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT) if own else scheduler
    except OSError as exc:
        raise error("E164", f"cannot reach the Dask scheduler at {scheduler}: {exc}", None,
                    "start one with 'dask scheduler' (and workers with 'dask worker ADDRESS') or check the "
                    "address") from None
    try:
        futures = client.map(function, tasks, key=[f"steer-task-{t['key']}" for t in tasks], pure=False)
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                on_result(future.result())
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()


def execute(tasks: list[dict], on_result: OnResult, jobs: int = 1, scheduler=None,
            function: TaskFunction | None = None) -> None:
    """Run the tasks serially (``jobs = 1``), on a local pool (``jobs > 1``) or on Dask (``scheduler``).

    ``function`` (default :func:`~steerdsl.sweeps.task.run_task`) maps a task dict to a JSON record with
    the task's ``key``; it must be importable by name in the workers (a module-level function)."""
    if scheduler is not None:
        run_dask(tasks, scheduler, on_result, function)
    elif jobs > 1 and len(tasks) > 1:
        run_pool(tasks, jobs, on_result, function)
    else:
        run_serial(tasks, on_result, function)

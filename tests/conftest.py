"""Guards of the whole test session: bounded memory, derandomized property tests.

* Memory: the test process (and every process it starts) runs under an address-space limit
  (``RLIMIT_AS``), 8 GiB by default, a third of the 24 GiB machine; ``STEERDSL_TEST_MEMORY_GIB``
  changes it (``0`` lifts it).  A runaway allocation then raises ``MemoryError`` inside its test, which
  pytest reports as that test's failure, instead of the kernel killing the whole run with no summary.
* Time: pytest-timeout stops any test after ``timeout`` seconds (pyproject.toml) and reports it failed.
* Hypothesis: the ``ci`` profile (default) is derandomized, so every run draws the same examples and
  writes no example database; ``pytest --hypothesis-profile explore`` draws new random examples on
  every run, for exploratory runs.
"""

from __future__ import annotations

import os
import resource

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile("ci")

MEMORY_GIB = float(os.environ.get("STEERDSL_TEST_MEMORY_GIB", "8"))


def pytest_configure(config: object) -> None:
    """Lower the soft address-space limit of this process to ``MEMORY_GIB`` (never raise it)."""
    if MEMORY_GIB <= 0:
        return
    cap = int(MEMORY_GIB * 2**30)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

"""Size estimates of SDPs, made before building them, and the limit that refuses oversized ones.

Every estimate is combinatorial — deterministic strategies are counted as ``Π_j k_j^{m_j}``
(:meth:`Scenario.strategy_count`) and moment-matrix words by generating functions
(:func:`~steerdsl.sdp.npa_words.word_count`) — so an absurd request (the LHS program of 8 inputs ×
8 outcomes has 8⁸ ≈ 1.7·10⁷ hidden states; NPA level 12) is refused in milliseconds, without
listing strategies or words.

The size is the number of real scalar variables ``n`` (a d×d Hermitian block has d² of them).  The
memory estimate is :data:`BASE_MEMORY` plus :data:`BYTES_PER_VARIABLE_PAIR` ``· n²``: cvxopt keeps
dense ``n × n`` matrices (the Schur complement it factorises at every step and its factor), so the
peak grows like n².  Moment matrices count every entry ``Γ(u, v)`` as its own variable (equal words
share one, so their estimate is an upper bound).  An SDP is refused (E182) before it is built when
its variables exceed ``max_sdp_size`` or its memory ``max_sdp_memory``.

Calibration (peak RSS of ``steer run -q`` measured with ``/usr/bin/time -v`` on this 2-core machine,
cvxopt, December 2026; the run of E11 alone, with everything imported, peaks at 74 MiB):

=================================================  ======  =========  ===========  ==========
problem                                                 n  peak RSS   above base   per n²
=================================================  ======  =========  ===========  ==========
``solve s : lhs``, 1 Alice, 8 inputs × 2, qubit     1,024    89 MiB      16 MB      15.2 B
same, 9 inputs                                      2,048   140 MiB      68 MB      16.2 B
same, 10 inputs (30 s)                              4,096   333 MiB     266 MB      15.9 B
``bound max F over lhs``, 7 inputs × 2, qutrit      1,152    85 MiB      12 MB       9.0 B
same, 8 inputs                                      2,304   129 MiB      58 MB      10.9 B
same, 9 inputs (27 s)                               4,608   298 MiB     236 MB      11.1 B
``bound … over npa level 2``, 2 Alices 3×2, qubit   1,624    87 MiB      14 MB       5.3 B
=================================================  ======  =========  ===========  ==========

so 16 bytes per n² above a 128 MiB base bounds every case measured.  The reported cases of issue 18
are refused by it at the default limit of 2 GiB: ``solve s : lhs`` with 13 inputs (n = 32,768,
estimate 16 GiB; it used 3.7 GB and crashed) and ``bound max F over lhs`` with 11 inputs and a qutrit
Bob (n = 18,432, estimate 5.2 GiB; 3 GB after 20 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from steerdsl.diagnostics import Diagnostic, Span
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import word_count

DEFAULT_MAX_VARIABLES = 50_000
"""Default largest SDP, in real scalar variables: its Schur complement (8 n² bytes, 20 GB at the limit)
still fits a 24 GB machine.  The largest SDP of the bundled models has 2,024 (E3's instrumental level 2,
docs/reliability.md); ``steer run --max-sdp-size N`` or ``run_model(…, max_sdp_size=N)`` changes it."""


BASE_MEMORY = 128 * 2**20
"""Bytes of a ``steer`` process with picos and cvxopt loaded, rounded up (measured: 74 MiB)."""

BYTES_PER_VARIABLE_PAIR = 16
"""Peak bytes per n² of cvxopt's dense matrices (measured: 5–16, module docstring)."""

DEFAULT_MAX_MEMORY = 2 * 2**30
"""Default memory limit of one SDP, in bytes of the estimate (``steer run --max-sdp-memory GIB``,
``run_model(…, max_sdp_memory=GIB)``): n ≈ 11,000 variables, already minutes of cvxopt."""


class SDPTooLarge(ValueError):
    """An SDP refused before it was built; ``size`` is its estimate, ``limit`` the variable limit and
    ``memory_limit`` the memory limit in bytes (one of them was exceeded)."""

    def __init__(self, size: SDPSize, limit: int, memory_limit: int | None = None):
        self.size = size
        self.limit = limit
        self.memory_limit = memory_limit
        if memory_limit is not None and size.memory_bytes > memory_limit:
            over = (f"more than the memory limit of {_gib(memory_limit)} (raise it with --max-sdp-memory GIB "
                    "if the machine has the memory)")
        else:
            over = f"more than the limit of {limit:,} variables"
        super().__init__(f"the {size.task} SDP would have {size.describe()}, {over}")


def _gib(n: float) -> str:
    gib = n / 2**30
    return f"{gib:.3g} GiB" if gib < 1e6 else f"{gib:.1e} GiB"


@dataclass(frozen=True)
class SDPSize:
    """An SDP's size: PSD ``blocks`` of side up to ``block_dim`` and ``variables`` real unknowns."""

    task: str
    blocks: int
    block_dim: int
    variables: int

    @property
    def memory_bytes(self) -> int:
        """The peak memory of solving it: :data:`BASE_MEMORY` + :data:`BYTES_PER_VARIABLE_PAIR` · n²."""
        return BASE_MEMORY + BYTES_PER_VARIABLE_PAIR * self.variables**2

    def describe(self) -> str:
        return (f"about {self.variables:,} scalar variables in {self.blocks:,} PSD blocks of side up to "
                f"{self.block_dim:,} (estimated memory {_gib(self.memory_bytes)})")


def _hermitian(d: int) -> int:
    return d * d


def lhs_size(scenario: Scenario, task: str = "LHS") -> SDPSize:
    """One hidden state per deterministic strategy and Bob block (physics.md §3.1): several Bobs have a
    block each, a Bob with input one per input, the instrumental Bob one per Alice outcome."""
    strategies = scenario.strategy_count()
    kind = scenario.kind
    if kind == "several_bobs":
        dims = scenario.bob_dims
    elif kind == "bwi":
        dims = (scenario.dim,) * prod(scenario.bob_inputs)
    elif kind == "instrumental":
        dims = (scenario.dim,) * max(scenario.slots[0].outputs)
    else:
        dims = (scenario.dim,)
    return SDPSize(task, strategies * len(dims), max(dims), strategies * sum(_hermitian(d) for d in dims))


def moment_size(scenario: Scenario, level: str | int, dim: int, copies: int = 1, task: str = "moment") -> SDPSize:
    """``copies`` moment matrices over the words of ``level`` with ``dim``×``dim`` blocks: side
    ``W·dim`` and at most ``W(W+1)/2`` distinct blocks each."""
    words = word_count(scenario, level)
    return SDPSize(f"{task} level {level}", copies, words * dim, copies * words * (words + 1) // 2 * _hermitian(dim))


def parents_size(scenario: Scenario, level: str | None) -> SDPSize:
    """A parent operator on ``⊗_k H_k`` (side ``D = Π d_k``) per Collins–Gisin data word, plus the
    moment matrix of ``level`` over them."""
    D = prod(scenario.bob_dims)
    merged = Scenario(scenario.alices, (scenario.bobs[0],))
    data = word_count(merged, "1+AB")
    size = SDPSize("parent states", data, D, data * _hermitian(D))
    if level is None or len(scenario.alices) < 2:
        return size
    mm = moment_size(merged, level, D)
    return SDPSize(f"parent states level {level}", size.blocks + 1, max(D, mm.block_dim),
                   size.variables + mm.variables)


def seesaw_size(scenario: Scenario, dims: tuple[int, ...] | None, restarts: int) -> SDPSize:
    """See-saw over realisations with Alice dimensions ``dims``: each step optimises a state on
    ``(Π dims)·d_B`` dimensions (or one POVM), in each of ``restarts`` runs; the variables of all
    restarts' state SDPs are added, as the runs are paid one after the other."""
    dims = tuple(dims) if dims else (2,) * len(scenario.slots)
    side = prod(dims) * (scenario.dim if len(dims) == len(scenario.slots) else 1)  # else dims holds Bob's own
    runs = max(1, restarts)
    return SDPSize(f"see-saw ({runs} restarts)", runs, side, runs * _hermitian(side))


def decomposable_size(din: int, dout: int) -> SDPSize:
    """``J = P + Q^Γ`` with ``P, Q ⪰ 0`` on ``din·dout`` dimensions."""
    side = din * dout
    return SDPSize("decomposability", 2, side, 2 * _hermitian(side))


def quantum_size(scenario: Scenario, test: str, options: dict) -> SDPSize:
    """The size of a quantum test: ``npa``, ``bwi``, ``instrumental``, ``parent_states`` or ``several_bobs``
    (the moment sets of :mod:`steerdsl.sets.registry`) with its ``level``."""
    level = options.get("level")
    if test == "npa":
        return moment_size(scenario, level or "1+AB", scenario.dim, task="NPA")
    if test in ("bwi", "instrumental"):
        alices = Scenario(scenario.alices, (scenario.bobs[0],))
        copies = prod(scenario.bob_inputs) if test == "bwi" else max(scenario.slots[0].outputs)
        return moment_size(alices, level or 1, scenario.dim, copies, task=test.upper())
    if test == "parent_states":
        return parents_size(scenario, None)
    return parents_size(scenario, str(level or "1+AB"))


def too_large_diagnostic(exc: SDPTooLarge, span: Span | None) -> Diagnostic:
    """The diagnostic (E182) of a refused SDP, naming its estimate and how to raise the limit."""
    return Diagnostic("E182", str(exc), span, "ask for a lower level or a smaller scenario, or raise the "
                      "limits: steer run --max-sdp-size N --max-sdp-memory GIB, run_model(model, max_sdp_size=N, "
                      "max_sdp_memory=GIB)")


def check_size(size: SDPSize, limit: int | None, memory_gib: float | None = None) -> SDPSize:
    """``size``, or :class:`SDPTooLarge` when it has more than ``limit`` variables
    (:data:`DEFAULT_MAX_VARIABLES` when None) or an estimated memory above ``memory_gib`` GiB
    (:data:`DEFAULT_MAX_MEMORY` when None)."""
    limit = DEFAULT_MAX_VARIABLES if limit is None else int(limit)
    memory = DEFAULT_MAX_MEMORY if memory_gib is None else int(float(memory_gib) * 2**30)
    if size.variables > limit or size.memory_bytes > memory:
        raise SDPTooLarge(size, limit, memory)
    return size

"""Size estimates of SDPs, made before building them, and the limit that refuses oversized ones.

Every estimate is combinatorial — deterministic strategies are counted as ``Π_j k_j^{m_j}``
(:meth:`Scenario.strategy_count`) and moment-matrix words by generating functions
(:func:`~steerdsl.sdp.npa_words.word_count`) — so an absurd request (the LHS program of 8 inputs ×
8 outcomes has 8⁸ ≈ 1.7·10⁷ hidden states; NPA level 12) is refused in milliseconds, without
listing strategies or words.

The size is the number of real scalar variables ``n`` (a d×d Hermitian block has d² of them) and the
PSD blocks.  Moment matrices count every entry ``Γ(u, v)`` as its own variable (equal words share one, so
their estimate is an upper bound).  An SDP is refused (E182) before it is built when its variables exceed
``max_sdp_size`` or its memory ``max_sdp_memory``.

Memory is estimated for the solver :func:`steerdsl.sdp.solve.qics_first` will pick, from what each
solver stores (``S = Σ_b N_b²`` over the blocks' real sides ``N_b``, a complex block of side N counting
2N, since the data are not known before building and complex data are the larger case):

* cvxopt (``misc.kkt_chol``): the scaled constraint matrix ``Gs = W^{-T} G`` as a dense ``S × n`` array
  of doubles (``8 n S`` bytes) and the Schur complement ``K = Gs^T Gs`` with its Cholesky factor
  (``2 · 8 n²``): :data:`CVXOPT_BASE_MEMORY` ``+ 8 n S + 16 n²``.
* qics (``_stepper/kktsolver.update_lhs``): the Schur complement ``GHG`` (``n × n``), each cone's term
  added to it, and the copy ``scipy.linalg.cho_factor`` factors (``3 · 8 n²``); the constraint data stay
  sparse: :data:`QICS_BASE_MEMORY` ``+ 24 n²``.  Except where a cone's data fill more than 1 % of its view
  of ``G`` (``qics.Model._preprocess`` then makes the view dense, and ``congr_aux`` keeps a dense matrix per
  variable with its work copy): the symmetry-reduced problems, whose blocks' coefficients are spread by the
  symmetry-adapted basis.  :func:`reduced_size` counts those blocks from the coefficients as built
  (:attr:`SDPSize.dense_entries`), and each costs :data:`QICS_BYTES_PER_DENSE_ENTRY` per variable and real
  entry.

The choice uses the estimate's work ``n² S`` against :data:`~steerdsl.sdp.solve.QICS_ABOVE_COMPLEX`, so an
estimate that picks cvxopt is right (the built problem's work is smaller); one that picks qics while
cvxopt runs (real data: ``n`` and ``S`` smaller) still bounds it, as ``S ≤ 8 n`` for every family here.

Calibration (``python -m benchmarks.solvers``: peak ``ru_maxrss`` of a spawned worker per problem and
solver, docs/benchmarks/solvers.json, December 2026; n and S of the built problem): the cvxopt model is
within 0.94–1.07 of the measured peak on every problem with one block size (120–886 MiB; the
several-Bobs problems have blocks of different sizes and their ``S`` here is smaller than the model's
largest-block bound), the qics model within 0.72–1.07 (180–589 MiB; the 5.0 GiB of the 2-Alice 3×3 d = 4
problem, n = 14,593, of issue 20 is 260 MiB + 24 n² = 5.0 GiB).  The estimate from the scenario (before
building) is compared with every measured peak in the benchmark's ratio column.  The reported cases of
issue 18 are refused by it at the default limit of 2 GiB: ``solve s : lhs`` with 13 inputs (n = 32,768;
it used 3.7 GB and crashed) and ``bound max F over lhs`` with 11 inputs and a qutrit Bob (n = 18,432;
3 GB after 20 s).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import prod

from steerdsl.diagnostics import Diagnostic, Span
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import word_count
from steerdsl.sdp.solve import QICS_ABOVE_COMPLEX

DEFAULT_MAX_VARIABLES = 50_000
"""Default largest SDP, in real scalar variables: its Schur complement (8 n² bytes, 20 GB at the limit)
still fits a 24 GB machine.  The largest SDP of the bundled models has 2,024 (E3's instrumental level 3,
docs/reliability.md); ``steer run --max-sdp-size N`` or ``run_model(…, max_sdp_size=N)`` changes it."""


CVXOPT_BASE_MEMORY = 128 * 2**20
"""Bytes of a process with steerdsl, picos and cvxopt loaded (measured: 120–122 MiB for the smallest
problems of the solver benchmark, 74 MiB for ``steer run`` of E11)."""

QICS_BASE_MEMORY = 264 * 2**20
"""The same with qics loaded and its numba kernels compiled (measured: 180–258 MiB for the smallest)."""

CVXOPT_BYTES_PER_ENTRY = 8
"""Bytes per (block entry, variable) pair: cvxopt's dense scaled constraint matrix ``Gs``."""

CVXOPT_BYTES_PER_VARIABLE_PAIR = 16
"""Bytes per n²: cvxopt's Schur complement and its Cholesky factor."""

QICS_BYTES_PER_VARIABLE_PAIR = 24
"""Bytes per n²: qics' Schur complement, a cone's term of it and the factored copy."""

QICS_BYTES_PER_DENSE_ENTRY = 24
"""Bytes per (variable, real entry of a cone) that qics holds densely: a cone whose constraint data are more
than :data:`QICS_DENSE_ABOVE` full is kept as a dense view of ``G``, dense coefficient matrices and their work
copy (measured on the 3-Alice 3×3 qubit symmetry-reduced bound: 2.84 GiB above the rest of the model for
n = 2,260 and 52,424 real cone entries, 25.7 bytes each)."""

QICS_DENSE_ABOVE = 0.01
"""qics' own threshold (``qics.Model._preprocess``): a cone's data denser than this are made dense."""

DATA_BYTES_PER_ENTRY = 48
"""Bytes per dense constraint-data entry: the complex coefficient and its indices as built (cvxopt ``spmatrix``,
16 + 8 bytes), and the real copy the solver interface makes (values and indices, 16 + 8 bytes)."""

REDUCIBLE_VARIABLES = 250_000
"""Largest unreduced estimate (:func:`moment_size`) of a bound that may be symmetry-reduced before it is
guarded on its reduced size (the 3-Alice 3×3 qubit almost-quantum bound: 235,984 by that estimate)."""

MODELLED_SOLVERS = ("cvxopt", "qics")
"""The solvers whose memory is modelled; for any other the estimate is that of the default choice."""

DEFAULT_MAX_MEMORY = 2 * 2**30
"""Default memory limit of one SDP, in bytes of the estimate (``steer run --max-sdp-memory GIB``,
``run_model(…, max_sdp_memory=GIB)``): n ≈ 9,000 variables with qics, minutes of solving."""


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
    """An SDP's size: PSD ``blocks`` of side up to ``block_dim``, ``variables`` real unknowns, and
    ``block_entries`` = Σ_b N_b² over the blocks' complex sides (None: ``blocks · block_dim²``);
    ``chosen`` the solver asked for (None: the one :func:`~steerdsl.sdp.solve.qics_first` would pick);
    ``data_entries`` the dense constraint data's nonzeros (:data:`DATA_BYTES_PER_ENTRY` each)."""

    task: str
    blocks: int
    block_dim: int
    variables: int
    block_entries: int | None = None
    chosen: str | None = None
    data_entries: int | None = None
    """Nonzeros of the constraint data when they are built in memory beyond the base (a symmetry-reduced
    problem's block coefficients); None: sparse, inside the base memory."""
    dense_entries: int = 0
    """Real entries ``Σ 2N_b²`` of the PSD blocks whose data qics will hold densely (:data:`QICS_DENSE_ABOVE`;
    0: sparse data, as the moment matrices' are)."""

    @property
    def real_entries(self) -> int:
        """``S = Σ_b (2 N_b)²``: the entries of the blocks as real blocks (complex data assumed)."""
        entries = self.blocks * self.block_dim**2 if self.block_entries is None else self.block_entries
        return 4 * entries

    @property
    def work(self) -> float:
        """``n² S``, the estimate of :func:`steerdsl.sdp.solve.cvxopt_work` for the built problem."""
        return float(self.variables) ** 2 * self.real_entries

    @property
    def solver(self) -> str:
        """The solver asked for (:attr:`chosen`, when it is cvxopt or qics), else the one
        :func:`steerdsl.sdp.solve.qics_first` would try first: ``qics`` when :attr:`work` exceeds
        :data:`~steerdsl.sdp.solve.QICS_ABOVE_COMPLEX`, else ``cvxopt``."""
        if self.chosen in MODELLED_SOLVERS:
            return self.chosen
        return "qics" if self.work > QICS_ABOVE_COMPLEX else "cvxopt"

    def memory_for(self, solver: str) -> int:
        """Peak bytes of solving it with ``solver`` (module docstring): cvxopt
        ``B_c + 8 n S + 16 n²``, qics ``B_q + 24 n² + 24 n D`` (``D`` the :attr:`dense_entries`), each plus
        :data:`DATA_BYTES_PER_ENTRY` per built data entry."""
        n = self.variables
        data = DATA_BYTES_PER_ENTRY * (self.data_entries or 0)
        if solver == "qics":
            return (QICS_BASE_MEMORY + QICS_BYTES_PER_VARIABLE_PAIR * n * n
                    + QICS_BYTES_PER_DENSE_ENTRY * n * self.dense_entries + data)
        return (CVXOPT_BASE_MEMORY + CVXOPT_BYTES_PER_ENTRY * n * self.real_entries
                + CVXOPT_BYTES_PER_VARIABLE_PAIR * n * n + data)

    @property
    def memory_bytes(self) -> int:
        """The peak memory of solving it with the solver that will be chosen: ``memory_for(solver)``."""
        return self.memory_for(self.solver)

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
    hermitian = strategies * sum(_hermitian(d) for d in dims)
    return SDPSize(task, strategies * len(dims), max(dims), hermitian, hermitian)


def moment_size(scenario: Scenario, level: str | int, dim: int, copies: int = 1, task: str = "moment") -> SDPSize:
    """``copies`` moment matrices over the words of ``level`` with ``dim``×``dim`` blocks: side
    ``W·dim`` and at most ``W(W+1)/2`` distinct blocks each."""
    words = word_count(scenario, level)
    return SDPSize(f"{task} level {level}", copies, words * dim, copies * words * (words + 1) // 2 * _hermitian(dim))


def parents_size(scenario: Scenario, level: str | None) -> SDPSize:
    """A parent operator on ``⊗_k H_k`` (side ``D = Π d_k``) per Collins–Gisin data word, one PSD block
    of side D per assemblage element (``Π_slots Σ_x k_x`` of them), plus the moment matrix of ``level``
    over the parents."""
    D = prod(scenario.bob_dims)
    merged = Scenario(scenario.alices, (scenario.bobs[0],))
    data = word_count(merged, "1+AB")
    elements = prod(sum(slot.outputs) for slot in merged.slots)
    size = SDPSize("parent states", elements, D, data * _hermitian(D))
    if level is None or len(scenario.alices) < 2:
        return size
    mm = moment_size(merged, level, D)
    return SDPSize(f"parent states level {level}", size.blocks + 1, max(D, mm.block_dim),
                   size.variables + mm.variables, elements * D * D + mm.block_dim**2)


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


def reduced_size(variables: int, blocks: list[int], task: str = "symmetry-reduced",
                 nonzeros: list[int] | None = None) -> SDPSize:
    """A symmetry-reduced SDP as built: ``variables`` scalars, PSD blocks of the complex sides ``blocks``
    whose coefficients have ``nonzeros[b]`` complex entries (None: dense, ``n · N_b²``), each four real
    data entries as built (the real and imaginary parts, mirrored); a block whose real nonzeros (at most
    two per complex one) exceed :data:`QICS_DENSE_ABOVE` of its ``n · 2N_b²`` is dense for qics."""
    counts = [variables * b * b for b in blocks] if nonzeros is None else list(nonzeros)
    dense = sum(2 * b * b for b, c in zip(blocks, counts, strict=True)
                if 2 * c > QICS_DENSE_ABOVE * variables * 2 * b * b)
    return SDPSize(task, len(blocks), max(blocks, default=0), variables, sum(b * b for b in blocks),
                   data_entries=4 * sum(counts), dense_entries=dense)


def too_large_diagnostic(exc: SDPTooLarge, span: Span | None) -> Diagnostic:
    """The diagnostic (E182) of a refused SDP, naming its estimate and how to raise the limit."""
    return Diagnostic("E182", str(exc), span, "ask for a lower level or a smaller scenario, or raise the "
                      "limits: steer run --max-sdp-size N --max-sdp-memory GIB, run_model(model, max_sdp_size=N, "
                      "max_sdp_memory=GIB)")


def check_size(size: SDPSize, limit: int | None, memory_gib: float | None = None,
               solver: str | None = None) -> SDPSize:
    """``size`` (for ``solver`` when one is asked for), or :class:`SDPTooLarge` when it has more than
    ``limit`` variables (:data:`DEFAULT_MAX_VARIABLES` when None) or an estimated memory above
    ``memory_gib`` GiB (:data:`DEFAULT_MAX_MEMORY` when None)."""
    if solver is not None:
        size = replace(size, chosen=solver)
    limit = DEFAULT_MAX_VARIABLES if limit is None else int(limit)
    memory = DEFAULT_MAX_MEMORY if memory_gib is None else int(float(memory_gib) * 2**30)
    if size.variables > limit or size.memory_bytes > memory:
        raise SDPTooLarge(size, limit, memory)
    return size

"""Explicit quantum realisations of an assemblage, in every scenario kind (physics.md §8).

A realisation is one piece of data for every kind: a state ``ρ`` on ``H_A1 ⊗ … ⊗ H_An ⊗ H_B'``, each
Alice slot's POVMs ``M^{(j)}_{a|x}``, and a CPTP channel ``E_c : B' → B`` per channel label ``c`` (a Choi
matrix ``J_c = Σ_ij |i⟩⟨j| ⊗ E_c(|i⟩⟨j|)``, input first, ``J_c ⪰ 0``, ``tr_out J_c = I``).  Its
*base assemblage* is ``τ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ]`` and its assemblage is

- standard, multipartite, Bell (``B' = B``, no channel): ``σ_{a|x} = τ_{a|x}``;
- Bob with input: ``σ_{a|xy} = E_y(τ_{a|x})`` (PRL 125, 050404 (2020), Def. 1);
- instrumental: ``σ_{a|x} = E_{a_j}(τ_{a|x})`` with ``a_j`` the outcome of the Alice feeding Bob's input;
- several Bobs (``B' = H_1 ⊗ … ⊗ H_N``, no channel): ``σ^(k)_{a|x} = tr_{¬k} τ_{a|x}`` (Sainz 2026).

The Choi convention gives ``E(X) = tr_in[(Xᵀ ⊗ I) J]`` and ``E†(F) = (tr_out[J (I ⊗ F)])ᵀ``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Key, Scenario

INNER_KINDS = ("standard", "multipartite", "bell", "bwi", "instrumental", "several_bobs")
"""The scenario kinds with an inner side (see-saw, realisation search)."""


class InnerError(ValueError):
    """The inner side cannot do what was asked (``code`` is the diagnostic code, E350–E369)."""

    def __init__(self, message: str, code: str = "E350"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Shape:
    """The dimensions of a realisation of a scenario: one per Alice slot, and Bob's internal system."""

    scenario: Scenario
    alice_dims: tuple[int, ...]
    internal_dim: int

    @property
    def kind(self) -> str:
        return self.scenario.kind

    @property
    def dims(self) -> tuple[int, ...]:
        """The subsystems of the state: the Alices', then Bob's internal one."""
        return self.alice_dims + (self.internal_dim,)

    def channel_labels(self) -> list[Hashable]:
        """The labels ``c`` of the channels: Bob's inputs ``y`` (BWI), the feeding Alice's outcomes
        (instrumental), none otherwise."""
        sc = self.scenario
        if self.kind == "bwi":
            return list(sc.bob_input_tuples())
        if self.kind == "instrumental":
            slot = sc.slots[_feeding_slot(sc)]
            return list(range(max(slot.outputs)))
        return []

    def channel_of(self, key: Key) -> Hashable | None:
        """The channel that acts on key ``(a, x, y)``'s base state (None: no channel)."""
        a, _, y = key
        if self.kind == "bwi":
            return y
        if self.kind == "instrumental":
            return a[_feeding_slot(self.scenario)]
        return None


def _feeding_slot(sc: Scenario) -> int:
    """The slot whose outcome is Bob's input (instrumental scenario)."""
    name = sc.bobs[0].input_from
    return next(j for j, s in enumerate(sc.slots) if s.alice == name)


def shape_for(scenario: Scenario, dims: tuple[int, ...] | list[int] | None) -> Shape:
    """Read ``dims``: one dimension per Alice slot (default: one Alice as large as Bob's system, which GHJW
    shows is always enough for her; several Alices 2 each), then optionally Bob's internal dimension (BWI
    and instrumental only; default Bob's dimension)."""
    kind = scenario.kind
    if kind not in INNER_KINDS:
        raise InnerError(f"the inner side (see-saw, realisation search) is not implemented for a {kind} "
                         "scenario", "E350")
    n = len(scenario.slots)
    dims = tuple(int(d) for d in dims) if dims else ()
    alice = dims[:n] if dims else (max(2, scenario.dim),) * n if n == 1 else (2,) * n
    if len(alice) != n or len(dims) > n + 1:
        raise InnerError(f"give one dimension per Alice ({n}), then optionally Bob's internal dimension; "
                         f"got {len(dims)}", "E351")
    internal = scenario.dim
    if len(dims) == n + 1:
        if kind not in ("bwi", "instrumental") and dims[n] != scenario.dim:
            raise InnerError(f"an internal dimension applies where Bob has channels (bwi, instrumental), not "
                             f"to a {kind} scenario", "E351")
        internal = dims[n]
    if min(alice + (internal,)) < 1:
        raise InnerError("dimensions must be positive", "E351")
    return Shape(scenario, alice, internal)


@dataclass
class Realisation:
    """State, POVMs and channels (physics.md §8); ``povms[j][x][a]``, ``channels[c]`` Choi matrices."""

    shape: Shape
    state: np.ndarray
    povms: list[list[list[np.ndarray]]]
    channels: dict[Hashable, np.ndarray] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        return self.shape.scenario


def label_offsets(shape: Shape) -> list[list[int]]:
    """``offsets[j][x]``: where input x's outcomes start in slot j's flat list of ``(x, a)`` labels."""
    out = []
    for slot in shape.scenario.slots:
        starts, at = [], 0
        for x in range(slot.inputs):
            starts.append(at)
            at += slot.outputs[x]
        out.append(starts)
    return out


def base_tensor(real: Realisation) -> np.ndarray:
    """``τ[l_1, …, l_n] = tr_A[(⊗_j M^{(j)}_{l_j} ⊗ I) ρ]`` for every flat label ``l_j = (x_j, a_j)`` of each
    slot (:func:`label_offsets`), in one contraction (:func:`contract_base`)."""
    stacks = [np.stack([m for povm in povms for m in povm]) for povms in real.povms]
    return contract_base(stacks, real.state, real.shape.dims)


def contract_base(stacks: list[np.ndarray], rho: np.ndarray, dims: tuple[int, ...],
                  batched: int | None = None) -> np.ndarray:
    """``Σ M^{(1)}[l_1, c_1, r_1] ⋯ M^{(n)}[l_n, c_n, r_n] ρ[r…, b; c…, b']``: the base tensor of slot ``j``'s
    stacked POVM elements ``stacks[j]`` and the state (:func:`base_tensor`).  ``batched``: the operand (``j``
    for ``stacks[j]``, ``n`` for ``rho``) that carries a leading batch axis, kept first in the result (it is
    linear in each operand, so a batch of tangents gives the tangents of τ)."""
    n = len(dims) - 1
    rho = rho.reshape(rho.shape[:-2] + dims + dims)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows, cols, labels = letters[:n], letters[n:2 * n], letters[2 * n:3 * n]
    spec = [f"{labels[j]}{cols[j]}{rows[j]}" for j in range(n)] + [f"{rows}Y{cols}Z"]
    lead = ""
    if batched is not None:
        spec[batched], lead = "P" + spec[batched], "P"
    return np.einsum(",".join(spec) + f"->{lead}{labels}YZ", *stacks, rho)


def base_assemblage(real: Realisation) -> dict[tuple, np.ndarray]:
    """``τ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ]`` for every ``(a, x)``, on Bob's internal system."""
    tensor = base_tensor(real)
    offsets = label_offsets(real.shape)
    out = {}
    for x in real.scenario.input_tuples():
        for a in real.scenario.output_tuples(x):
            out[(a, x)] = tensor[tuple(offsets[j][xj] + aj for j, (aj, xj) in enumerate(zip(a, x, strict=True)))]
    return out


def apply_channel(choi: np.ndarray, din: int, x: np.ndarray) -> np.ndarray:
    """``E(X) = tr_in[(Xᵀ ⊗ I) J]``."""
    dout = choi.shape[0] // din
    return np.einsum("ij,iajb->ab", x, choi.reshape(din, dout, din, dout))


def adjoint_channel(choi: np.ndarray, din: int, f: np.ndarray) -> np.ndarray:
    """``E†(F) = (tr_out[J (I ⊗ F)])ᵀ``, so that ``tr(F E(X)) = tr(E†(F) X)``."""
    dout = choi.shape[0] // din
    return np.einsum("iajb,ba->ji", choi.reshape(din, dout, din, dout), f)


def marginals(joint: np.ndarray, dims: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Each Bob's reduced state ``tr_{¬k} X`` of a joint operator on ``H_1 ⊗ … ⊗ H_N`` (leading axes of
    ``joint`` are kept: a stack of operators gives stacks of marginals)."""
    n = len(dims)
    t = joint.reshape(joint.shape[:-2] + tuple(dims) + tuple(dims))
    letters = "abcdefghij"
    out = []
    for k in range(n):
        rows = [letters[i] if i != k else "y" for i in range(n)]
        cols = [letters[i] if i != k else "z" for i in range(n)]
        out.append(np.einsum("..." + "".join(rows) + "".join(cols) + "->...yz", t))
    return tuple(out)


def element_of(shape: Shape, key: Key, tau: np.ndarray, channels: dict) -> np.ndarray | tuple:
    """``σ_key`` from the base state ``τ_{a|x}`` of the key (see the module docstring)."""
    c = shape.channel_of(key)
    if c is not None:
        return apply_channel(channels[c], shape.internal_dim, tau)
    if shape.kind == "several_bobs":
        return marginals(tau, shape.scenario.bob_dims)
    return tau


def assemblage_of(real: Realisation, name: str = "realised") -> Assemblage:
    """The assemblage a realisation produces, recomputed from its data (never from an optimiser's
    bookkeeping)."""
    tau = base_assemblage(real)
    elements = {key: element_of(real.shape, key, tau[(key[0], key[1])], real.channels)
                for key in real.scenario.keys()}
    if real.shape.kind not in ("several_bobs",):
        elements = {k: np.atleast_2d(v) for k, v in elements.items()}
    return Assemblage(real.scenario, elements, exact=False, name=name)


def distance(sigma: Assemblage, other: Assemblage) -> float:
    """``max_key ‖σ_key − σ'_key‖_max``: the largest entry of any difference (each Bob's, for several)."""
    worst = 0.0
    for key, s in sigma.to_numeric().elements.items():
        o = other.elements[key]
        pairs = zip(s, o, strict=True) if isinstance(s, tuple) else [(s, o)]
        for p, q in pairs:
            worst = max(worst, float(np.max(np.abs(np.asarray(p) - np.asarray(q)))))
    return worst


def describe(real: Realisation) -> str:
    """A one-line summary: dimensions and what the data are."""
    sh = real.shape
    n, c = len(sh.alice_dims), len(real.channels)
    parts = [f"state on {' ⊗ '.join(f'C^{d}' for d in sh.dims if d > 1)}",
             "Alice's POVMs" if n == 1 else f"POVMs of {n} Alices"]
    if c:
        parts.append(f"{c} channel{'s' if c > 1 else ''} C^{sh.internal_dim} → C^{sh.scenario.dim}")
    return ", ".join(parts)

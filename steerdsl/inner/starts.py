"""Realisations built from the assemblage itself, one Alice: GHJW on a base assemblage (physics.md §3.2).

- :func:`ghjw_realisation`: a valid base assemblage τ on Bob's internal system is realised by the GHJW
  state and POVMs (Alice's dimension ``rank ρ_B' ≤ d'``), padded to the stated Alice dimension.
- :func:`direct_start`: the standard scenario's σ is its own base assemblage (GHJW outright); with Bob's
  input (``d' ≥ d``) take ``E_{y0} = id`` (a compression when ``d' > d``) and ``τ = σ_{·|·,y0}`` (a valid
  standard assemblage), then fit every other channel exactly (:mod:`steerdsl.inner.channel_fit`).  Convex
  once y0 is chosen; it finds every realisation in which one of Bob's channels is unitary.
"""

from __future__ import annotations

import numpy as np

from steerdsl.inner.channel_fit import refit_channels
from steerdsl.inner.realisation import Realisation, Shape
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Bob, Scenario


def ghjw_realisation(shape: Shape, tau: dict[tuple, np.ndarray], channels: dict) -> Realisation | None:
    """State and POVMs of dimension ``shape.alice_dims[0]`` that give the base assemblage
    ``tau[(a, x)]`` (tuples a, x), with ``channels``; None when GHJW needs a larger Alice than stated."""
    from steerdsl.exact.ghjw import _numeric_realisation

    alice = shape.scenario.alices[0]
    sc = Scenario((alice,), (Bob("B'", shape.internal_dim),))
    g = _numeric_realisation(Assemblage(sc, {(a, x, ()): t for (a, x), t in tau.items()}, exact=False))
    r, dA = g.dims[0], shape.alice_dims[0]
    if r > dA:
        return None
    psi = np.zeros((dA, shape.internal_dim), dtype=complex)
    psi[:r] = np.asarray(g.psi).reshape(r, shape.internal_dim)
    povms = []
    for x in range(alice.inputs):
        k = alice.outputs[x]
        row = []
        for a in range(k):
            m = np.zeros((dA, dA), dtype=complex)
            m[:r, :r] = g.povms[(a, x)]
            if a == k - 1:
                m[r:, r:] = np.eye(dA - r)
            row.append((m + m.conj().T) / 2)
        povms.append(row)
    return Realisation(shape, np.outer(psi.ravel(), psi.ravel().conj()), [povms], dict(channels))


def direct_start(shape: Shape, target: dict, y0: tuple = (), solver: str | None = None) -> Realisation | None:
    """Standard: GHJW of σ.  BWI (one Alice, ``d' ≥ d``): ``E_{y0}`` the compression of
    :func:`compression_choi`, ``τ_{a|x} = σ_{a|x,y0}`` on the first d levels, the other channels fitted.
    None for other kinds or when GHJW needs a larger Alice than stated."""
    d, din = shape.scenario.dim, shape.internal_dim
    if shape.kind not in ("standard", "bwi") or len(shape.alice_dims) != 1 or din < d \
            or (shape.kind == "standard" and din != d):
        return None
    tau = {(a, x): _embed(target[(a, x, y)], din) for a, x, y in shape.scenario.keys() if y == y0}
    compress = compression_choi(din, d)
    real = ghjw_realisation(shape, tau, {c: compress for c in shape.channel_labels()})
    if real is None:
        return None
    refit_channels(real, {k: v for k, v in target.items() if k[2] != y0}, solver)
    return real


def parent_start(shape: Shape, target: dict, solver: str | None = None) -> Realisation | None:
    """Several Bobs, one Alice: the parents of :func:`parent_assemblage` realised by GHJW."""
    if shape.kind != "several_bobs" or len(shape.alice_dims) != 1:
        return None
    return ghjw_realisation(shape, parent_assemblage(shape.scenario, target, solver), {})


def parent_assemblage(sc: Scenario, target: dict, solver: str | None = None) -> dict[tuple, np.ndarray]:
    """Several Bobs, one Alice: the parent assemblage τ on ``H_1 ⊗ … ⊗ H_N`` (PSD, no-signalling, unit
    trace) whose partial traces are nearest the Bobs' ``σ^(k)`` (one SDP; Sainz 2026 Thm 6: σ is quantum
    iff exact parents exist), keyed ``((a,), (x,))``."""
    import picos

    from steerdsl.inner.steps import hermitian_equals
    from steerdsl.sdp.solve import run

    slot, dims, D = sc.slots[0], sc.bob_dims, sc.dim
    tau = {(a, x): picos.HermitianVariable(f"t{x}_{a}", D) for x in range(slot.inputs) for a in range(slot.outputs[x])}
    problem = picos.Problem()
    problem.add_list_of_constraints([t >> 0 for t in tau.values()])
    rho = picos.sum([tau[(a, 0)] for a in range(slot.outputs[0])])
    problem.add_constraint(picos.trace(rho).real == 1)
    for x in range(1, slot.inputs):
        problem.add_list_of_constraints(
            hermitian_equals(picos.sum([tau[(a, x)] for a in range(slot.outputs[x])]) - rho, np.zeros((D, D))))
    gaps = []
    for (a, x, _), parts in target.items():
        for k, part in enumerate(parts):
            reduced = tau[(a[0], x[0])].partial_trace([i for i in range(len(dims)) if i != k], dimensions=dims)
            gaps.append(abs(reduced - picos.Constant(np.asarray(part, dtype=complex))))
    problem.set_objective("min", picos.sum(gaps))
    run(problem, "realisation search: parent states", solver=solver)
    values = {((a,), (x,)): np.atleast_2d(np.asarray(t.value, dtype=complex)) for (a, x), t in tau.items()}
    return {k: (v + v.conj().T) / 2 for k, v in values.items()}


def _embed(m: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, n), dtype=complex)
    out[: m.shape[0], : m.shape[1]] = m
    return out


def compression_choi(din: int, dout: int) -> np.ndarray:
    """The Choi matrix of ``E(X) = ΠXΠ + tr((I − Π)X) |0⟩⟨0|`` (Π the first ``dout`` levels of ``C^din``):
    the identity when ``din = dout``, CPTP always."""
    J = np.zeros((din * dout, din * dout), dtype=complex)
    for i in range(din):
        for j in range(din):
            if i < dout and j < dout:
                J[i * dout + i, j * dout + j] = 1  # |i⟩⟨j| ↦ |i⟩⟨j|
            elif i == j:
                J[i * dout, j * dout] = 1  # |i⟩⟨i| ↦ |0⟩⟨0| beyond the first dout levels
    return J

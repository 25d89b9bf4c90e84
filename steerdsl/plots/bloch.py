"""What a Bloch-sphere picture of a qubit assemblage shows, as plain numbers.

Each conditional state ``σ_{a|x}`` of a qubit Bob is drawn as the Bloch
vector of its normalised state ``ρ = σ/tr σ``,
``r = (tr ρX, tr ρY, tr ρZ)`` (Nielsen & Chuang, §4.2), with weight
``p(a|x) = tr σ_{a|x}``.  One panel per input tuple (Alices' inputs ``x``,
then a Bob's input ``y``); a last panel holds Bob's reduced state(s)
``ρ_B = Σ_a σ_{a|x}`` (per ``y`` for a Bob with input, per Bob for several
Bobs) and, with several Alices, each Alice's marginal assemblage
``σ_{a_j|x_j}`` (physics.md §1–2).  Elements with ``tr σ = 0`` have no
direction and are counted, not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from steerdsl.diagnostics import Diagnostic, SteerError
from steerdsl.model.assemblage import Assemblage, to_complex
from steerdsl.model.marginals import marginal

PAULIS = (np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
          np.array([[1, 0], [0, -1]], dtype=complex))
ZERO_WEIGHT = 1e-12
"""Weights ``tr σ`` at or below this are zero elements (no direction to draw)."""


@dataclass(frozen=True)
class BlochPoint:
    """One drawn state: ``vector`` = Bloch vector of ``σ/tr σ``, ``weight`` = ``tr σ``."""

    label: str
    bob: str
    vector: tuple[float, float, float]
    weight: float
    outcome: int = 0


@dataclass
class BlochPanel:
    """One panel: the states of one input tuple, or the marginals."""

    title: str
    points: list[BlochPoint] = field(default_factory=list)
    zero_elements: int = 0


def bloch_vector(matrix: np.ndarray) -> tuple[tuple[float, float, float], float]:
    """``(r, tr σ)`` for a 2×2 positive matrix σ: ``r_i = tr(σ P_i)/tr σ`` with ``P = X, Y, Z``."""
    m = to_complex(np.asarray(matrix))
    weight = float(np.trace(m).real)
    if weight <= ZERO_WEIGHT:
        return (0.0, 0.0, 0.0), weight
    r = tuple(float(np.trace(m @ p).real) / weight for p in PAULIS)
    return r, weight  # type: ignore[return-value]


def _require_qubits(sigma: Assemblage) -> None:
    dims = sigma.scenario.bob_dims
    if any(d != 2 for d in dims):
        raise SteerError(Diagnostic(
            "E170", f"{sigma.name} has Bob dimension {' × '.join(map(str, dims))}; the Bloch sphere shows "
            "qubits only", hint="plot the outcome probabilities instead: steer plot FILE NAME --kind "
            "probabilities (or steerdsl.plot_probabilities)"))


def _add(panel: BlochPanel, element, label: str, bobs: list[str], outcome: int) -> None:
    parts = element if isinstance(element, tuple) else (element,)
    for bob, m in zip(bobs, parts, strict=True):
        vector, weight = bloch_vector(m)
        if weight <= ZERO_WEIGHT:
            panel.zero_elements += 1
        else:
            panel.points.append(BlochPoint(label, bob, vector, weight, outcome))


def _joined(values) -> str:
    return " ".join(str(v) for v in values)


def bloch_panels(sigma: Assemblage) -> list[BlochPanel]:
    """The panels of :func:`steerdsl.plot_assemblage`: one per input tuple ``(x, y)``, then the marginals."""
    _require_qubits(sigma)
    sc = sigma.scenario
    bobs = [b.name for b in sc.bobs]
    slots = sc.slots
    xname = "x" if len(slots) == 1 else " ".join(f"x{j + 1}" for j in range(len(slots)))
    panels = []
    for y in sc.bob_input_tuples():
        for x in sc.input_tuples():
            title = f"{xname} = {_joined(x)}" + (f", y = {_joined(y)}" if y else "")
            panel = BlochPanel(title)
            for k, a in enumerate(sc.output_tuples(x)):
                _add(panel, sigma.elements[(a, x, y)], f"a = {_joined(a)}", bobs, k)
            panels.append(panel)
    panels.append(_marginal_panel(sigma, bobs))
    return panels


def _marginal_panel(sigma: Assemblage, bobs: list[str]) -> BlochPanel:
    sc = sigma.scenario
    slots = sc.slots
    panel = BlochPanel("marginals" if len(slots) > 1 else ("Bobs' reduced states" if len(bobs) > 1 else
                                                           "Bob's reduced state"))
    none = (None,) * len(slots)
    for y in sc.bob_input_tuples():
        rho = marginal(sigma, (none, none, y))
        _add(panel, rho, "ρ_B" + (f" (y = {_joined(y)})" if y else ""), bobs, -1)
    if len(slots) > 1:
        y0 = next(iter(sc.bob_input_tuples()))
        for j, s in enumerate(slots):
            for x in range(s.inputs):
                for a in range(s.outputs[x]):
                    key = tuple(a if i == j else None for i in range(len(slots)))
                    xs = tuple(x if i == j else None for i in range(len(slots)))
                    _add(panel, marginal(sigma, (key, xs, y0)), f"{s.label}: {a}|{x}", bobs, a)
    return panel


def outcome_probabilities(sigma: Assemblage) -> dict[str, list[tuple[str, float]]]:
    """``p(a|x) = tr σ_{a|x}`` (first Bob's trace with several Bobs: all Bobs agree in a valid assemblage),
    grouped by input tuple: ``{"x = 0": [("a = 0", 0.5), …], …}``.  Any Bob dimension."""
    sc = sigma.scenario
    slots = sc.slots
    xname = "x" if len(slots) == 1 else " ".join(f"x{j + 1}" for j in range(len(slots)))
    groups: dict[str, list[tuple[str, float]]] = {}
    for y in sc.bob_input_tuples():
        for x in sc.input_tuples():
            title = f"{xname} = {_joined(x)}" + (f", y = {_joined(y)}" if y else "")
            rows = []
            for a in sc.output_tuples(x):
                element = sigma.elements[(a, x, y)]
                first = element[0] if isinstance(element, tuple) else element
                rows.append((f"a = {_joined(a)}", float(np.trace(to_complex(np.asarray(first))).real)))
            groups[title] = rows
    return groups

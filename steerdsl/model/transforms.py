"""Transforms of assemblages (physics.md §6): noise, the qutrit lift, Bob's local filters,
relabellings and mixtures.

- Noisy measurement: ``σ(μ)_{a|x} = μ σ_{a|x} + (1 − μ) tr(σ_{a|x}) I/d`` — what Bob sees when
  his measurements are mixed with white noise of weight ``1 − μ``.
- Qutrit lift of a qubit assemblage: ``σ'_{a|x} = σ_{a|x}/3 + (2/3) tr(σ_{a|x}) |2⟩⟨2|``.
- Bob's local filter ``F``: ``σ'_{a|x} = F σ_{a|x} F† / tr(F ρ_B F†)`` (a stochastic local
  operation on Bob; the normalisation is the same for every element, so no signalling is kept).
- Relabellings of outcomes (per input), inputs and Alices, and convex mixtures.

Each returns a new :class:`Assemblage`, exact when its inputs are.  In a ``.steer`` file
relabellings are written as indexed formulas, e.g. ``assemblage t[a|x] = sigma[(a xor x)|x]``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Bob, Scenario


class TransformError(ValueError):
    """A transform asked of an assemblage it does not apply to (the message says why)."""


def _packaged(sigma: Assemblage, elements: dict, scenario: Scenario | None = None, name: str | None = None,
              exact: bool | None = None) -> Assemblage:
    exact = sigma.exact if exact is None else exact
    if not exact:
        elements = {k: (tuple(alg.to_numeric(m) for m in v) if isinstance(v, tuple) else alg.to_numeric(v))
                    for k, v in elements.items()}
    return Assemblage(scenario or sigma.scenario, elements, exact, name or sigma.name)


def _per_bob(element, fn):
    return tuple(fn(m) for m in element) if isinstance(element, tuple) else fn(element)


def noisy(sigma: Assemblage, mu) -> Assemblage:
    """``σ(μ) = μσ + (1 − μ) tr(σ) I/d`` on every element (each Bob with his own d)."""
    if alg.is_matrix(mu):
        raise TransformError("the noise parameter μ must be a number")

    def fn(m: np.ndarray):
        d = m.shape[0]
        eye = alg.identity(d) if alg.is_exact(m) and alg.is_exact(mu) else np.eye(d, dtype=complex)
        rest = alg.binary("/", alg.binary("*", alg.binary("-", 1, mu), alg.trace(m)), d)
        return alg.binary("+", alg.binary("*", mu, m), alg.binary("*", rest, eye))

    elements = {k: _per_bob(v, fn) for k, v in sigma.elements.items()}
    return _packaged(sigma, elements, exact=sigma.exact and alg.is_exact(mu))


def qutrit_lift(sigma: Assemblage) -> Assemblage:
    """``σ' = σ/3 + (2/3) tr(σ) |2⟩⟨2|``: a qubit Bob's assemblage embedded in a qutrit (Bob's
    dimension becomes 3; the scenario is otherwise the same)."""
    sc = sigma.scenario
    if len(sc.bobs) != 1 or sc.bobs[0].dim != 2:
        raise TransformError(f"the qutrit lift takes an assemblage of one qubit Bob, not {sc.describe()}")
    third, two_thirds = Cyclo(Fraction(1, 3)), Cyclo(Fraction(2, 3))

    def fn(m: np.ndarray) -> np.ndarray:
        out = alg.zeros(3, 3) if sigma.exact else np.zeros((3, 3), dtype=complex)
        out[:2, :2] = m * (third if sigma.exact else 1 / 3)
        out[2, 2] = alg.trace(m) * (two_thirds if sigma.exact else 2 / 3)
        return out

    bob = sc.bobs[0]
    lifted = Scenario(sc.alices, (Bob(bob.name, 3, bob.inputs, bob.input_from),))
    return _packaged(sigma, {k: fn(v) for k, v in sigma.elements.items()}, lifted)


def bob_filter(sigma: Assemblage, f: np.ndarray) -> Assemblage:
    """``σ'_{a|x} = F σ_{a|x} F† / tr(F ρ_B F†)`` with ``ρ_B = Σ_a σ_{a|x}`` (one Bob, no input)."""
    sc = sigma.scenario
    if len(sc.bobs) != 1 or sc.bob_inputs or sc.kind == "instrumental":
        raise TransformError("a local filter on Bob needs one Bob without input (with an input the "
                             "normalisation could depend on it)")
    if not alg.is_matrix(f) or f.shape != (sc.dim, sc.dim):
        got = alg.shape_text(f) if alg.is_matrix(f) else "a number"
        raise TransformError(f"Bob's filter must be a {sc.dim}×{sc.dim} matrix, got {got}")
    exact = sigma.exact and alg.is_exact(f)
    fd = alg.dagger(f)
    x0 = next(iter(sc.input_tuples()))
    rho = None
    for a in sc.output_tuples(x0):
        m = sigma.elements[(a, x0, ())]
        rho = m if rho is None else alg.binary("+", rho, m)
    norm = alg.trace(alg.binary("*", alg.binary("*", f, rho), fd))
    if (norm.is_zero if isinstance(norm, Cyclo) else abs(complex(norm)) < 1e-12):
        raise TransformError("the filter annihilates Bob's reduced state: tr(F ρ_B F†) = 0")
    elements = {k: alg.binary("/", alg.binary("*", alg.binary("*", f, v), fd), norm) for k, v in sigma.elements.items()}
    return _packaged(sigma, elements, exact=exact)


def mixture(weights: list, assemblages: list[Assemblage]) -> Assemblage:
    """``Σ_k w_k σ^(k)`` over assemblages of one scenario (a convex mixture when ``w_k ≥ 0``, ``Σ w_k = 1``)."""
    if not assemblages or len(weights) != len(assemblages):
        raise TransformError("give one weight per assemblage")
    sc = assemblages[0].scenario
    if any(s.scenario != sc for s in assemblages):
        raise TransformError("a mixture needs assemblages of one scenario")
    exact = all(s.exact for s in assemblages) and all(alg.is_exact(w) for w in weights)
    elements = {}
    for key in assemblages[0].elements:
        parts = [_per_bob(s.elements[key], lambda m, w=w: alg.binary("*", w, m)) for w, s in zip(weights, assemblages)]
        total = parts[0]
        for p in parts[1:]:
            total = tuple(alg.binary("+", u, v) for u, v in zip(total, p)) if isinstance(total, tuple) \
                else alg.binary("+", total, p)
        elements[key] = total
    return _packaged(assemblages[0], elements, exact=exact)


def relabel_outcomes(sigma: Assemblage, slot: int, x: int, permutation: list[int]) -> Assemblage:
    """``σ'_{a|x} = σ_{a'|x}`` with ``a'_slot = π(a_slot)`` when ``x_slot = x`` (other inputs untouched)."""
    sc = sigma.scenario
    k = sc.slots[slot].outputs[x]
    if sorted(permutation) != list(range(k)):
        raise TransformError(f"{permutation} is not a permutation of the {k} outcomes of input {x}")
    out = {}
    for (a, xs, y), v in sigma.elements.items():
        if xs[slot] == x:
            a = a[:slot] + (permutation[a[slot]],) + a[slot + 1:]
        out[(a, xs, y)] = v
    return _packaged(sigma, {key: out[key] for key in sigma.elements})


def relabel_inputs(sigma: Assemblage, slot: int, permutation: list[int]) -> Assemblage:
    """``σ'_{a|x} = σ_{a|x'}`` with ``x'_slot = π(x_slot)`` (the outcome counts must agree)."""
    sc = sigma.scenario
    s = sc.slots[slot]
    if sorted(permutation) != list(range(s.inputs)):
        raise TransformError(f"{permutation} is not a permutation of the {s.inputs} inputs of slot {slot}")
    if any(s.outputs[permutation[x]] != s.outputs[x] for x in range(s.inputs)):
        raise TransformError("inputs with different numbers of outcomes cannot be exchanged")
    elements = {}
    for (a, xs, y) in sigma.elements:
        src = xs[:slot] + (permutation[xs[slot]],) + xs[slot + 1:]
        elements[(a, xs, y)] = sigma.elements[(a, src, y)]
    return _packaged(sigma, elements)


def permute_alices(sigma: Assemblage, order: list[int]) -> Assemblage:
    """The same assemblage with the Alices listed in ``order`` (one round each)."""
    sc = sigma.scenario
    if sorted(order) != list(range(len(sc.alices))) or any(al.rounds > 1 for al in sc.alices):
        raise TransformError(f"{order} is not a permutation of the {len(sc.alices)} (single-round) Alices")
    new = Scenario(tuple(sc.alices[j] for j in order), sc.bobs)
    elements = {}
    for (a, xs, y), v in sigma.elements.items():
        elements[(tuple(a[j] for j in order), tuple(xs[j] for j in order), y)] = v
    return _packaged(sigma, {key: elements[key] for key in new.keys()}, new)

"""Certified membership of an instrumental assemblage (one Alice, two outcomes) with one of Bob's channels
the identity (physics.md §8; PRL 125, 050404 (2020)).

``σ_{a|x} = E_a(τ_{a|x})`` with τ a valid standard assemblage.  Fix ``E_{c} = id`` for one outcome c: then
``τ_{c|x} = σ_{c|x}`` and, with two outcomes, ``τ_{c̄|x} = ρ_B − σ_{c|x}``, so the realisation is decided by
Bob's reduced state ``ρ_B ⪰ σ_{c|x}`` and the other channel ``E = E_{c̄}`` with
``E(ρ_B − σ_{c|x}) = σ_{c̄|x}`` for every x.  Numerically (:mod:`steerdsl.inner.instrumental_numeric`):
alternating convex fits, linearised joint steps, a polish.

Exactly, ρ_B is not rounded first: those equations are ``E(σ_{c|x} − σ_{c|0}) = σ_{c̄|0} − σ_{c̄|x}`` (x ≥ 1),
which do not involve ρ_B, and ``E(ρ_B) = σ_{c̄|0} + E(σ_{c|0})``.  E is made exact on the first set alone — a
unitary channel from a rational rotation for a qubit Bob, else rounded
(:func:`steerdsl.inner.exact_channel.exact_channel`) on a set of CPTP maps larger than the one through a fixed
ρ_B, whose interior is usually not empty even where the true channel is on the boundary (a rank-deficient
Choi matrix): the numeric channel is moved a little toward the most interior one of that set before
rounding.  ρ_B is then solved exactly from the last equation (least-norm correction from the numeric ρ_B,
trace 1); rounding ρ_B first is the last resort (:func:`_exact_pairs`).  ``ρ_B − σ_{c|x} ⪰ 0`` is tested
exactly, τ realised by exact GHJW and every ``E_a(τ_{a|x})`` recomputed and compared with σ.  Every
realisation in which one of Bob's channels is unitary is of this form (the unitary absorbed into the state),
none other is tried.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo, NotExact
from steerdsl.inner.channel_fit import interior_channel
from steerdsl.inner.exact_channel import exact_channel, identity_choi
from steerdsl.inner.instrumental_numeric import numeric_pairs, numeric_reduced_state
from steerdsl.inner.rotation_channel import bloch, rational_rotation, rotation_choi
from steerdsl.inner.rounding import hermitian_correction, rational
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.constructs import apply_choi, contract_party
from steerdsl.model.scenario import Bob, Scenario

TOWARD_INTERIOR = (0.0, 0.01, 0.1, 0.5, 1.0)
"""Weights ε of the most interior channel in ``(1 − ε) E + ε E_int``, tried in turn before rounding (0 first:
the numeric channel itself when it is already inside)."""
DENOMINATORS = (10**4, 10**6, 10**9)
"""Rounding denominators of the channel, coarse first (smaller numbers in ρ_B and GHJW's factor); ρ_B is solved
through the channel, so an ill-conditioned one needs a finer one."""


def certify_instrumental(sigma: Assemblage, solver: str | None = None) -> tuple[dict | None, str]:
    """An exact realisation (GHJW state, Alice's POVMs, ``E_c = id`` and an exact ``E_{c̄}``) reproducing σ
    exactly, or ``(None, reason)`` (module docstring)."""
    sc = sigma.scenario
    slot = sc.slots[0]
    if len(sc.slots) != 1 or set(slot.outputs) != {2} or sc.bobs[0].dim != sc.dim:
        return None, "certification is implemented for one Alice with two outcomes"
    reasons = []
    for c in (0, 1):
        numeric = numeric_reduced_state(sigma, c, solver)
        if numeric is None:
            reasons.append(f"E_{c} = id: no numeric reduced state")
            continue
        found, why = _certify_with_identity(sigma, c, *numeric, solver)
        if found is not None:
            return found, why
        reasons.append(f"E_{c} = id: {why}")
    return None, "; ".join(reasons)


def _certify_with_identity(sigma: Assemblage, c: int, rho_num: np.ndarray, E_num: np.ndarray,
                           solver: str | None) -> tuple[dict | None, str]:
    """The exact realisation with ``E_c = id`` from the numeric ``(ρ_B, E_{c̄})`` (module docstring): each
    exact pair ``(ρ_B, E_{c̄})`` of :func:`_exact_pairs` in turn, ``ρ_B ⪰ σ_{c|x}`` tested exactly, then GHJW
    and σ recomputed."""
    d = sigma.scenario.dim
    own = [sigma.elements[((c,), (x,), ())] for x in range(sigma.scenario.slots[0].inputs)]
    why = "no channel"
    for rho, J, why in _exact_pairs(sigma, c, rho_num, E_num, solver):
        if rho is None:
            continue
        if any(linalg.psd(rho - m).decided is not True for m in own):
            why = f"ρ_B is not above every σ_{c}|x exactly"
            continue
        try:
            found = _realise(sigma, c, rho, J)
        except NotExact as exc:  # GHJW's sums of squares of too large numbers: a smaller denominator may do
            why = str(exc)
            continue
        if found is not None:
            return found, (f"exact realisation: GHJW state on C^{found['dims'][0]} ⊗ C^{d}, E_{c} = id, E_{1 - c} "
                           "a rational Choi matrix checked PSD and trace preserving; σ recomputed exactly")
        why = "the exact realisation does not reproduce σ"
    return None, why


def _exact_pairs(sigma: Assemblage, c: int, rho_num: np.ndarray, E_num: np.ndarray, solver: str | None
                 ) -> Iterator[tuple[np.ndarray | None, np.ndarray | None, str]]:
    """Exact candidates ``(ρ_B, E_{c̄}, "")`` (or ``(None, None, reason)``) satisfying every channel equation,
    in turn:

    1. for a qubit Bob, a unitary channel, from a rational rotation of the Bloch vectors of the ρ_B-free pairs
       (:mod:`steerdsl.inner.rotation_channel`); with two inputs any such rotation W gives
       ``ρ_B − σ_{c|x} = W†σ_{c̄|x}W ⪰ 0``, so the continuum of realisations left when both channels are
       unitary (an irrational face of the ρ_B-free set) is no obstacle;
    2. the channel rounded on the ρ_B-free equations, moved toward their most interior channel by each ε of
       :data:`TOWARD_INTERIOR`, and ρ_B solved through it;
    3. ρ_B rounded to rationals (trace 1) and the channel rounded through ``(ρ_B − σ_{c|x}, σ_{c̄|x})``."""
    d, inputs = sigma.scenario.dim, sigma.scenario.slots[0].inputs
    own = {x: sigma.elements[((c,), (x,), ())] for x in range(inputs)}
    other = {x: sigma.elements[((1 - c,), (x,), ())] for x in range(inputs)}
    pairs = [(own[x] - own[0], other[0] - other[x]) for x in range(1, inputs)]
    if d == 2:  # a unitary channel through the pairs: a rational rotation of the Bloch vectors
        R = rational_rotation([(bloch(t), bloch(u)) for t, u in pairs])
        J = rotation_choi(R) if R is not None else None
        if J is not None:
            rho, why = _state_through(J, own[0], other[0], rho_num)
            yield rho, J, why
    sig = numeric_pairs(sigma, c)
    inner = interior_channel([(sig[x][0] - sig[0][0], sig[0][1] - sig[x][1]) for x in range(1, inputs)], d, d,
                             solver)
    for eps, denominator in product(TOWARD_INTERIOR if inner is not None else (0.0,), DENOMINATORS):
        start = E_num if eps == 0 else (1 - eps) * E_num + eps * inner[0]
        J, why = exact_channel(pairs, d, d, [start], (denominator,))
        if J is None:
            yield None, None, why
            continue
        rho, why = _state_through(J, own[0], other[0], rho_num)
        yield rho, J, why
    for denominator in DENOMINATORS:
        rho = _rational_state(rho_num, denominator)
        J, why = exact_channel([(rho - own[x], other[x]) for x in range(inputs)], d, d)
        yield (rho, J, "") if J is not None else (None, None, why)


def _state_through(J: np.ndarray, own0: np.ndarray, other0: np.ndarray, rho_num: np.ndarray
                   ) -> tuple[np.ndarray | None, str]:
    """The exact Hermitian ρ with ``tr ρ = 1`` and ``E_J(ρ) = σ_{c̄|0} + E_J(σ_{c|0})``, the least-norm
    correction of the rationals nearest ``rho_num`` (:func:`steerdsl.inner.rounding.least_norm_correction`),
    or ``(None, reason)``."""
    d = own0.shape[0]
    blocks = J.reshape(d, d, d, d)  # blocks[i, a, j, c] = E(|i⟩⟨j|)[a, c]
    target = other0 + apply_choi(J, d, d, own0)
    rows = [[blocks[i, a, j, cc] for i in range(d) for j in range(d)] for a in range(d) for cc in range(d)]
    rows.append([Cyclo(int(i == j)) for i in range(d) for j in range(d)])
    A = np.array(rows, dtype=object)
    b = np.array([target[a, cc] for a in range(d) for cc in range(d)] + [Cyclo(1)], dtype=object).reshape(-1, 1)
    start = np.array([rational(complex(v), 10**6) for v in rho_num.ravel()], dtype=object).reshape(-1, 1)
    rho, why = hermitian_correction(A, b, start, d)
    return (rho, "") if rho is not None else (None, f"ρ_B through the exact channel: {why}")


def _realise(sigma: Assemblage, c: int, rho: np.ndarray, J: np.ndarray) -> dict | None:
    """The GHJW realisation of ``τ_{c|x} = σ_{c|x}``, ``τ_{c̄|x} = ρ − σ_{c|x}`` with channels
    ``{c: id, c̄: J}``, when it reproduces σ exactly; else None."""
    from steerdsl.exact.ghjw import ghjw

    sc = sigma.scenario
    d = sc.dim
    tau = {}
    for x in range(sc.slots[0].inputs):
        own = sigma.elements[((c,), (x,), ())]
        tau[((c,), (x,), ())], tau[((1 - c,), (x,), ())] = own, rho - own
    real = ghjw(Assemblage(Scenario(sc.alices, (Bob("B", d),)), tau))
    if not (real.exact and real.verified):
        return None
    channels = {c: identity_choi(d), 1 - c: J}
    state = real.psi @ alg.dagger(real.psi)
    base = {(a, x): contract_party(state, real.dims, 0, real.povms[(a[0], x[0])]) for a, x, _ in sigma.elements}
    if all(alg.equal(apply_choi(channels[a[0]], d, d, base[(a, x)]), target)
           for (a, x, _), target in sigma.elements.items()):
        return {"state": real.psi, "dims": real.dims, "povms": real.povms, "channels": channels}
    return None


def _rational_state(numeric: np.ndarray, denominator: int) -> np.ndarray:
    """A Hermitian matrix of rationals near ``numeric`` with trace exactly 1 (the trace defect on the
    diagonal, spread evenly)."""
    d = numeric.shape[0]
    m = alg.zeros(d, d)
    for i in range(d):
        for j in range(i, d):
            m[i, j] = rational(complex(numeric[i, j]) if i != j else complex(numeric[i, i].real), denominator)
            m[j, i] = m[i, j].conjugate()
    defect = (Cyclo(1) - alg.trace(m)) / Cyclo(d)
    for i in range(d):
        m[i, i] = m[i, i] + defect
    return m

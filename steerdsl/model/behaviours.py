"""Bell correlations read off an assemblage: ``p(a b|x y) = tr(N_{b|y} σ_{a|x})`` (physics.md §6),
and the CHSH value of a behaviour.

With a Bob-with-input assemblage Bob's input is his Bell input: ``p(a b|x y) = tr(N_{b|y} σ_{a|xy})``
(``N`` with one input is measured for every ``y``; PRL 125, 050404 (2020) eq. 5 with ``N = Z`` gives
the PR box).
"""

from __future__ import annotations

from steerdsl.diagnostics import Span, error
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.model.values import Behaviour, Measurement


def bell_scenario(scenario: Scenario, bob_measurement: Measurement, bob_name: str) -> Scenario:
    """The Bell scenario in which the (single) Bob becomes an uncharacterised party."""
    bob = scenario.bobs[0]
    if bob.inputs and bob_measurement.inputs == 1:
        extra = Alice(bob_name, bob.inputs, tuple(bob_measurement.outputs) * bob.inputs)
    else:
        extra = Alice(bob_name, bob_measurement.inputs, tuple(bob_measurement.outputs))
    return Scenario(scenario.alices + (extra,), (Bob("_", 1),))


def behaviour_from_assemblage(sigma: Assemblage, pairs: list, span: Span | None) -> Behaviour:
    """``p(a b|x y) = tr(N_{b|y} σ_{a|x})`` for Bob's POVMs ``N`` (``σ_{a|xy}`` with a Bob input)."""
    sc = sigma.scenario
    if len(sc.bobs) > 1:
        raise error("E103", "an assemblage of several Bobs does not fix the Bobs' joint correlations", span,
                    "the several-Bobs assemblage holds only each Bob's local states (Sainz 2026)")
    if sc.kind == "instrumental":
        raise error("E103", "Bob's measurements on an instrumental assemblage: define the behaviour by formula",
                    span)
    if len(pairs) != 1:
        raise error("E103", "measure an assemblage with one measurement for Bob: measure sigma with B: N", span)
    bob_name, meas = pairs[0]
    bob = sc.bobs[0]
    if bob_name != bob.name:
        raise error("E123", f"{bob_name!r} is not the Bob of this scenario ({bob.name})", span)
    if not isinstance(meas, Measurement):
        raise error("E103", f"{bob_name}: expected a measurement", span)
    if meas.dim != sc.dim:
        raise error("E104", f"measurement {meas.name} acts on dimension {meas.dim}, Bob's is {sc.dim}", span)
    if bob.inputs and meas.inputs not in (1, bob.inputs):
        raise error("E104", f"bob {bob.name} has {bob.inputs} inputs, but {meas.name} has {meas.inputs}", span,
                    f"give {meas.name} one input (measured for every y) or {bob.inputs} (N[b|y] after input y)")
    bell = bell_scenario(sc, meas, bob_name)
    exact = sigma.exact and meas.exact
    probs = {}
    for (a, x, y), el in sigma.elements.items():
        for (b, yb), n in meas.elements.items():
            if y and meas.inputs != 1 and yb != y[0]:
                continue
            setting = y[0] if y else yb
            n_, el_ = (n, el) if exact else (alg.to_numeric(n), alg.to_numeric(el))
            probs[(a + (b,), x + (setting,))] = alg.trace(n_ @ el_)
    return Behaviour(f"{sigma.name}_bell", bell, probs, exact, span)


def chsh_value(p: Behaviour):
    """``CHSH = Σ_{xy} (−1)^{xy} E_{xy}``, ``E_{xy} = Σ_{ab} (−1)^{a+b} p(ab|xy)``, for a behaviour of two
    parties with two inputs and two outcomes each (Clauser, Horne, Shimony, Holt, PRL 23, 880 (1969)):
    at most 2 if local, 2√2 if quantum (Tsirelson), 4 if no-signalling.  Exact when ``p`` is."""
    slots = p.scenario.slots
    if len(slots) != 2 or any(s.inputs != 2 or tuple(s.outputs) != (2, 2) for s in slots):
        raise ValueError("CHSH needs a behaviour of two parties with 2 inputs and 2 outcomes each, not "
                         + p.scenario.describe())
    total = 0
    for x in (0, 1):
        for y in (0, 1):
            for a in (0, 1):
                for b in (0, 1):
                    sign = (-1) ** (x * y + a + b)
                    total = alg.binary("+" if sign > 0 else "-", total, p.probabilities[((a, b), (x, y))])
    return total

"""Bell correlations read off an assemblage: ``p(a b|x y) = tr(N_{b|y} σ_{a|x})`` (physics.md §6)."""

from __future__ import annotations

from steerdsl.diagnostics import Span, error
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.model.values import Behaviour, Measurement


def bell_scenario(scenario: Scenario, bob_measurement: Measurement, bob_name: str) -> Scenario:
    """The Bell scenario in which the (single) Bob becomes an uncharacterised party."""
    extra = Alice(bob_name, bob_measurement.inputs, tuple(bob_measurement.outputs))
    return Scenario(scenario.alices + (extra,), (Bob("_", 1),))


def behaviour_from_assemblage(sigma: Assemblage, pairs: list, span: Span | None) -> Behaviour:
    """``p(a b|x y) = tr(N_{b|y} σ_{a|x})`` for Bob's POVMs ``N``."""
    sc = sigma.scenario
    if len(sc.bobs) > 1:
        raise error("E103", "an assemblage of several Bobs does not fix the Bobs' joint correlations", span,
                    "the several-Bobs assemblage holds only each Bob's local states (Sainz 2026)")
    if sc.bob_inputs or sc.kind == "instrumental":
        raise error("E103", "Bob's measurements on a Bob-with-input assemblage: define the behaviour by formula",
                    span)
    if len(pairs) != 1:
        raise error("E103", "measure an assemblage with one measurement for Bob: measure sigma with B: N", span)
    bob_name, meas = pairs[0]
    if bob_name != sc.bobs[0].name:
        raise error("E123", f"{bob_name!r} is not the Bob of this scenario ({sc.bobs[0].name})", span)
    if not isinstance(meas, Measurement):
        raise error("E103", f"{bob_name}: expected a measurement", span)
    if meas.dim != sc.dim:
        raise error("E104", f"measurement {meas.name} acts on dimension {meas.dim}, Bob's is {sc.dim}", span)
    bell = bell_scenario(sc, meas, bob_name)
    exact = sigma.exact and meas.exact
    probs = {}
    for (a, x, _y), el in sigma.elements.items():
        for (b, yb), n in meas.elements.items():
            n_, el_ = (n, el) if exact else (alg.to_numeric(n), alg.to_numeric(el))
            probs[(a + (b,), x + (yb,))] = alg.trace(n_ @ el_)
    return Behaviour(f"{sigma.name}_bell", bell, probs, exact, span)

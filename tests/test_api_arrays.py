"""numpy in, numpy out (steerdsl.layout, steerdsl.answer, the question functions of steerdsl.api).

The Cavalcanti–Skrzypczyk workflow from arrays alone: the Werner assemblage with Z and X is LHS
exactly up to visibility 1/√2 (two mutually unbiased qubit measurements, Cavalcanti, Jones, Wiseman,
Reid, PRA 80, 032112 (2009)), and every witness that comes back, in the layout that went in, reproduces
its quantity: ``value = β_F(σ) − bound``, with ``bound`` recomputed as F's maximum over LHS models by a
separate task.  The same calls on a tripartite, a Bob-with-input and a several-Bobs array.
"""

from __future__ import annotations

import numpy as np
import pytest
import random_instances as ri

import steerdsl as sd
from steerdsl.layout import Layout, infer_layout

Z = np.diag([1.0, -1.0]).astype(complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)


def werner(v: float) -> np.ndarray:
    """``σ_{a|x} = (I + (−1)^a v P_xᵀ)/4`` for P = Z, X, in the C–S layout ``sigma[:, :, a, x]``."""
    sigma = np.zeros((2, 2, 2, 2), dtype=complex)
    for x, p in enumerate((Z, X)):
        for a in range(2):
            sigma[:, :, a, x] = (np.eye(2) + (-1) ** a * v * p.T) / 4
    return sigma


def beta(F, sigma) -> float:
    """``Σ_{a,x} tr(F_{a|x} σ_{a|x})`` in any array layout (lists: summed over Bobs)."""
    if isinstance(F, list):
        return sum(beta(f, s) for f, s in zip(F, sigma))
    return float(np.sum(np.einsum("ij...,ji...->...", F, sigma)).real)


@pytest.mark.parametrize("v", [0.6, 0.8])
def test_the_matlab_workflow_on_werner_arrays(v):
    sigma = werner(v)
    steerable = v > 2**-0.5
    membership = sd.lhs(sigma)
    assert membership.verdict == ("excluded" if steerable else "member")
    assert membership.value == pytest.approx(2**-0.5 / v, abs=1e-6)  # the critical visibility v* = 1/(√2 v)
    value, F = sd.steering_robustness(sigma)
    weight = sd.steering_weight(sigma)
    assert F.shape == sigma.shape and weight.witness.shape == sigma.shape
    for answer in (sd.steering_robustness(sigma), weight):
        # 0 on the whole LHS set, so at 0 they take the lhs verdict (docs/tolerance.md, one verdict rule)
        assert answer.verdict == ("excluded" if steerable else "member")
        assert (answer.value > 1e-4) is steerable and answer.value > -1e-6
        assert beta(answer.witness, sigma) - answer.bound == pytest.approx(answer.value, abs=1e-6)
    # F's bound over LHS models, recomputed by the bound task from the array alone
    assert sd.bound(F, "max", over="lhs").value == pytest.approx(sd.steering_robustness(sigma).bound, abs=1e-6)
    assert value == pytest.approx(sd.steering_robustness(sigma).value)


def test_assemblage_round_trips_through_its_layout():
    sigma = werner(0.7)
    assemblage = sd.assemblage(sigma)
    assert assemblage.scenario.kind == "standard"
    assert np.array_equal(infer_layout(sigma).assemblage_array(assemblage), sigma)
    as_dict = {(a, x): sigma[:, :, a, x] for a in range(2) for x in range(2)}
    from_dict = sd.assemblage(as_dict)
    assert from_dict.scenario == assemblage.scenario
    assert all(np.array_equal(from_dict[k], assemblage[k]) for k in assemblage.elements)


def test_invalid_and_malformed_arrays_are_clear_errors():
    sigma = werner(0.7)
    sigma[:, :, 0, 1] += np.eye(2) / 10  # Alice now signals through the trace of x = 1
    with pytest.raises(ValueError, match="not a valid assemblage"):
        sd.assemblage(sigma)
    with pytest.raises(ValueError, match=r"shape \(d, d, k…, m…\)"):
        sd.assemblage(np.zeros((2, 3, 2, 2)))
    with pytest.raises(ValueError, match="outcome axes"):
        sd.assemblage(np.zeros((2, 2, 2, 2, 2)))
    with pytest.raises(ValueError, match="dict keys"):
        sd.assemblage({0: np.eye(2)})


def test_alice_takes_one_outcome_count_as_the_language_does():
    assert sd.Alice("A", 3, 2).outputs == (2, 2, 2)
    with pytest.raises(ValueError, match="one outcome count"):
        sd.Alice("A", 2, (2, 2, 2))


KINDS = {"several_alices": {}, "bob_with_input": {"bob_inputs": True}, "several_bobs": {}}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_same_calls_on_other_scenario_kinds(kind):
    """A random quantum assemblage of the kind, mixed with white noise, as arrays: it goes in, its layout
    comes back, and the robustness witness reproduces the robustness in that layout."""
    rng = np.random.default_rng(7)
    quantum = ri.quantum_assemblage(kind, rng)
    layout = Layout(quantum.scenario, "list" if kind == "several_bobs" else "array")
    data = layout.assemblage_array(quantum)
    sigma = sd.assemblage(data, **KINDS[kind])
    shape = lambda sc: (sc.kind, [(s.inputs, s.outputs) for s in sc.slots], sc.bob_dims, sc.bob_inputs)  # noqa: E731
    assert shape(sigma.scenario) == shape(quantum.scenario)  # the parties' names are the layout's own
    robustness = sd.steering_robustness(data, **KINDS[kind])
    assert type(robustness.witness) is type(data)
    assert beta(robustness.witness, data) - robustness.bound == pytest.approx(robustness.value, abs=1e-5)
    membership = sd.lhs(data, **KINDS[kind])
    assert membership.verdict in ("member", "excluded", "undecided")
    if membership.verdict == "excluded":
        assert robustness.value > -1e-6


def test_answers_read_well_and_serialise():
    answer = sd.steering_robustness(werner(0.8))
    text = repr(answer)
    assert text.startswith("Answer[generalised_robustness, numeric](value=0.0544") and "witness=(2, 2, 2, 2)" in text
    data = answer.to_dict()
    assert data["verdict"] == "excluded" and len(data["witness"]["real"]) == 2
    assert sd.lhs(werner(0.706), tol=0.01).verdict == "undecided"  # the margin −0.0015 is within 0.01
    assert {"assemblage", "lhs", "steering_robustness", "bound"} <= set(dir(sd))

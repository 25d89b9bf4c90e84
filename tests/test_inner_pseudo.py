"""Pseudo-state realisations (issue 16 item 5; NJP 2018 Thms 5–6): every no-signalling assemblage is
reproduced exactly by a Hermitian unit-trace ρ̃ and projective measurements.  Re-checked here with the full
matrices (``tr_A[(⊗M ⊗ I)ρ̃]`` by partial contraction), and ``tr ρ̃₋`` never below the SDP lower bound on the
steering negativity."""

from __future__ import annotations

from pathlib import Path

import pytest

import steerdsl as sd
from steerdsl.diagnostics import Refusal
from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.pseudo import pseudo_realisation, pseudo_result
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import contract_party
from steerdsl.sdp.negativity import negativity_lower_bound

MODELS = Path(__file__).resolve().parent.parent / "models"


def _recheck(sigma, real) -> bool:
    """ρ̃ Hermitian with trace 1, every ``{M_{a|x}}_a`` PSD summing to I, and σ recomputed exactly by
    contracting each Alice's measurement into the full ρ̃."""
    rho = real.state()
    if not alg.equal(rho, alg.dagger(rho)) or not alg.equal(alg.trace(rho), Cyclo(1)):
        return False
    sc = sigma.scenario
    for j, slot in enumerate(sc.slots):
        n = len(real.labels[j])
        for x in range(slot.inputs):
            elements = [real.povm(j, a, x) for a in range(slot.outputs[x])]
            if any(linalg.psd(m).decided is not True for m in elements):
                return False
            if not alg.equal(sum(elements[1:], elements[0]), alg.identity(n)):
                return False
    for (a, x, _), target in sigma.elements.items():
        state, dims = rho, [len(lab) for lab in real.labels] + [sc.dim]
        for j in range(len(sc.slots)):
            state = contract_party(state, tuple(dims), 0, real.povm(j, a[j], x[j]))
            dims = dims[1:]
        if not alg.equal(state, alg.as_matrix(target)):
            return False
    return True


@pytest.mark.parametrize("path, name", [("e12_ghjw.steer", "sigma"), ("e04_pr_box_tripartite.steer", "sigma"),
                                        ("e04_pr_box_tripartite.steer", "antiPR")])
def test_no_signalling_assemblages_have_exact_pseudo_state_realisations(path, name):
    sigma = sd.load(MODELS / path)[name]
    result = pseudo_result(sigma)
    assert result.verdict == "member" and result.exactness == "certified"
    assert _recheck(sigma, result.details["pseudo_realisation"])


def test_pr_box_needs_a_non_psd_pseudo_state_and_bounds_the_negativity_from_above():
    """The tripartite PR box is post-quantum, so every ρ̃ reproducing it has a negative part: the
    construction's tr ρ̃₋ is positive and at least the almost-quantum lower bound on ν."""
    sigma = sd.load(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    upper = pseudo_realisation(sigma).negative_trace()
    lower = negativity_lower_bound(sigma).value
    assert lower > 1e-3
    assert upper >= lower - 1e-6


def test_signalling_assemblage_is_not_reproduced():
    """Bob's reduced state depends on x (I/2, then |0⟩⟨0|): no pseudo-state realisation exists, and the
    construction says it does not reproduce σ."""
    m = sd.loads("""scenario { alice A : inputs 2, outputs 2
      bob B : dim 2 }
    assemblage s[a|x] = proj(ket(a)) / 2 if x == 0 else [a == 0] * proj(ket(0))
    """)
    result = pseudo_result(m["s"])
    assert result.verdict == "undecided" and result.exactness == "numeric"


def test_language_line_and_python_give_the_pseudo_state_realisation():
    """``solve σ : pseudo_realisation`` (alias ``pseudo_state``) in a model and ``sd.membership(σ,
    "pseudo_realisation")`` give the construction's result: certified member, value tr ρ̃₋ at least the
    almost-quantum lower bound on the negativity; a Bob-with-input scenario is refused with E371."""
    from steerdsl.run import run_model

    text = (MODELS / "e04_pr_box_tripartite.steer").read_text().split("# Almost-quantum")[0]
    report = run_model(sd.loads(text + "solve sigma : pseudo_realisation expect certified\n"
                                       "solve sigma : pseudo_state expect member\n"))
    assert [a.ok for a in report.answers] == [True, True]
    sigma = sd.load(MODELS / "e04_pr_box_tripartite.steer")["sigma"]
    answer = sd.membership(sigma, "pseudo_realisation")
    assert answer.verdict == "member" and answer.exactness == "certified"
    assert answer.value == report.answers[0].result.value == pseudo_realisation(sigma).negative_trace()
    assert answer.value >= negativity_lower_bound(sigma).value - 1e-6
    assert _recheck(sigma, answer.details["pseudo_realisation"])
    bwi = sd.load(MODELS / "e01_bwi_pr_box.steer")["sigma"]
    with pytest.raises(Refusal) as refused:
        sd.membership(bwi, "pseudo_realisation")
    assert refused.value.code == "E371"

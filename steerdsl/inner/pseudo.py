"""Pseudo-state realisations of any no-signalling assemblage, exactly (NJP 2018 Thms 5–6; physics.md §3.3).

Sainz, Aolita, Piani, Hoban, Skrzypczyk, NJP 20, 083040 (2018): every no-signalling σ (one Bob without
input, n Alices) has a pseudo-LHS model, hence ``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ̃]`` with a
Hermitian unit-trace ρ̃.  The constructive proof, written out here: each Alice j has hidden labels
``λ_j ∈ {[a', x']} ∪ {ξ}`` and answers

    D_j(a|x, [a', x']) = δ_{a a'} if x' = x, else [a = 0];   D_j(a|x, ξ) = [a = 0];

the hidden "state" of ``λ`` with measured set ``S = {j : λ_j ≠ ξ}`` is
``σ̃_λ = Π_{j ∉ S} (1 − m_j) · σ_{a'_S|x'_S}`` (the marginal of the parties in S; ρ_B for S = ∅).  For Alice j
with ``a_j = 0`` the labels ``[·, x' ≠ x_j]`` (m_j − 1 inputs, summed over a': the marginal without j, by
no-signalling) and ξ (weight 1 − m_j) cancel, so only ``λ_j = [a_j, x_j]`` survives for every j: the model
gives σ.  Then ``ρ̃ = Σ_λ (⊗_j |λ_j⟩⟨λ_j|) ⊗ σ̃_λ`` (block diagonal, ``tr ρ̃ = Π_j (m_j + 1 − m_j) = 1``) and
``M^{(j)}_{a|x} = Σ_{λ_j} D_j(a|x, λ_j) |λ_j⟩⟨λ_j|`` (diagonal 0/1 projectors): exact whenever σ is.
ρ̃ ⪰ 0 iff every σ̃_λ ⪰ 0; ``tr ρ̃₋ = Σ_λ tr (σ̃_λ)₋`` bounds the steering negativity from above.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.model import algebra as alg
from steerdsl.model.assemblage import Assemblage
from steerdsl.model.marginals import marginal
from steerdsl.model.scenario import Scenario
from steerdsl.sdp.result import MEMBER, SDPResult

KINDS = ("standard", "multipartite", "bell")
XI = "xi"
"""The label of the hidden value ξ (the Alice's own marginal is not used)."""


@dataclass
class PseudoRealisation:
    """``labels[j]``: Alice j's hidden labels (``(a', x')`` pairs, then :data:`XI`); ``blocks[λ]``: σ̃_λ for
    every tuple λ of labels (the diagonal blocks of ρ̃, in the order of ``itertools.product(*labels)``)."""

    scenario: Scenario
    labels: list[list]
    blocks: dict[tuple, np.ndarray]

    def response(self, j: int, a: int, x: int, label) -> int:
        """``D_j(a|x, λ_j)`` (module docstring)."""
        if label != XI and label[1] == x:
            return int(label[0] == a)
        return int(a == 0)

    def povm(self, j: int, a: int, x: int) -> np.ndarray:
        """``M^{(j)}_{a|x} = Σ_{λ_j} D_j(a|x, λ_j) |λ_j⟩⟨λ_j|``, exact."""
        n = len(self.labels[j])
        m = alg.zeros(n, n)
        for i, label in enumerate(self.labels[j]):
            m[i, i] = Cyclo(self.response(j, a, x, label))
        return m

    def state(self) -> np.ndarray:
        """The full ρ̃ on ``⊗_j C^{L_j} ⊗ C^d`` (block diagonal; exact when σ is)."""
        d = self.scenario.dim
        sizes = [len(lab) for lab in self.labels]
        n = int(np.prod(sizes)) * d
        rho = alg.zeros(n, n)
        for index, lam in enumerate(itertools.product(*self.labels)):
            rho[index * d:(index + 1) * d, index * d:(index + 1) * d] = self.blocks[lam]
        return rho

    def negative_trace(self) -> float:
        """``tr ρ̃₋ = Σ_λ tr (σ̃_λ)₋`` (numeric eigenvalues): an upper bound on the steering negativity."""
        return float(sum(-w for m in self.blocks.values()
                         for w in np.linalg.eigvalsh(alg.to_numeric(m)) if w < 0))


def pseudo_realisation(sigma: Assemblage) -> PseudoRealisation:
    """The explicit pseudo-state realisation of a no-signalling σ (module docstring); the result is what σ's
    marginals give, so a signalling σ is not reproduced (:func:`reproduces` says so)."""
    sc = sigma.scenario
    if sc.kind not in KINDS:
        raise ValueError(f"pseudo-state realisations are built for one Bob without input, not a {sc.kind} "
                         "scenario")
    labels = [[(a, x) for x in range(s.inputs) for a in range(s.outputs[x])] + [XI] for s in sc.slots]
    blocks = {}
    for lam in itertools.product(*labels):
        weight = 1
        for j, label in enumerate(lam):
            if label == XI:
                weight *= 1 - sc.slots[j].inputs
        a = tuple(None if label == XI else label[0] for label in lam)
        x = tuple(None if label == XI else label[1] for label in lam)
        block = alg.as_matrix(marginal(sigma, (a, x, ())))
        blocks[lam] = block * (Cyclo(weight) if sigma.exact else weight)
    return PseudoRealisation(sc, labels, blocks)


def realised(real: PseudoRealisation, key) -> np.ndarray:
    """``Σ_λ Π_j D_j(a_j|x_j, λ_j) σ̃_λ`` = ``tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ̃]`` for block-diagonal ρ̃."""
    a, x, _ = key
    terms = [m for lam, m in real.blocks.items()
             if all(real.response(j, a[j], x[j], label) for j, label in enumerate(lam))]
    return sum(terms[1:], terms[0])


def reproduces(real: PseudoRealisation, sigma: Assemblage) -> bool:
    """Every element recomputed and compared with σ's (exactly when σ is exact, else to 1e-9)."""
    for key, value in sigma.elements.items():
        got, want = realised(real, key), alg.as_matrix(value)
        if sigma.exact and not alg.equal(got, want):
            return False
        if not sigma.exact and np.abs(alg.to_numeric(got) - alg.to_numeric(want)).max() > 1e-9:
            return False
    return True


def pseudo_result(sigma: Assemblage) -> SDPResult:
    """The pseudo-state realisation as a result: ``member`` of the no-signalling set when it reproduces σ
    (``certified`` when σ is exact), ``value`` its ``tr ρ̃₋``, ``details["pseudo_realisation"]``."""
    real = pseudo_realisation(sigma)
    ok = reproduces(real, sigma)
    dims = " ⊗ ".join(f"C^{len(lab)}" for lab in real.labels) + f" ⊗ C^{sigma.scenario.dim}"
    note = (f"pseudo-state ρ̃ on {dims} (Hermitian, unit trace, {len(real.blocks)} diagonal blocks) and 0/1 "
            f"projective measurements reproduce σ {'exactly' if sigma.exact else 'to 1e-9'}; tr ρ̃₋ = "
            f"{real.negative_trace():.6g} bounds the steering negativity from above"
            if ok else "the construction does not reproduce σ: σ is signalling")
    return SDPResult(task="pseudo-state realisation", value=real.negative_trace(), status="optimal",
                     tolerance=0.0 if sigma.exact else 1e-9, verdict=MEMBER if ok else "undecided",
                     exactness="certified" if ok and sigma.exact else "numeric",
                     details={"pseudo_realisation": real, "note": note})

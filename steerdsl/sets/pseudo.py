"""``pseudo_realisation``: assemblages reproduced by a pseudo-state — a Hermitian unit-trace ρ̃ (not
necessarily PSD) and projective measurements, ``σ_{a|x} = tr_A[(⊗_j M^{(j)}_{a_j|x_j} ⊗ I) ρ̃]`` — which is the
whole no-signalling set of one Bob without input (Sainz, Aolita, Piani, Hoban, Skrzypczyk, NJP 20, 083040
(2018), Thms 5–6; physics.md §3.3).  ``solve σ : pseudo_realisation`` builds the explicit realisation
(:func:`steerdsl.inner.pseudo.pseudo_result`): ``member`` when it reproduces σ (``certified`` when σ is exact
and the comparison exact), else ``undecided`` (σ signalling); ``value`` is ``tr ρ̃₋``, an upper bound on the
steering negativity read off a realisation the user can print (``details["pseudo_realisation"]``)."""

from __future__ import annotations

from typing import Any

from steerdsl.inner.pseudo import KINDS, pseudo_result
from steerdsl.model.assemblage import Assemblage
from steerdsl.sdp.result import SDPResult
from steerdsl.sets.spec import Question, SetSpec


def membership(sigma: Assemblage, options: dict[str, Any]) -> SDPResult:
    """The pseudo-state realisation of σ (NJP 2018 Thms 5–6), checked by recomputing every σ_{a|x}."""
    return pseudo_result(sigma)


SET = SetSpec("pseudo_realisation", KINDS, aliases=("pseudo_state",),
              doc="pseudo-state realisations: Hermitian unit-trace ρ̃ (= no-signalling; NJP 2018 Thms 5–6)",
              questions={"membership": Question("membership", membership)})

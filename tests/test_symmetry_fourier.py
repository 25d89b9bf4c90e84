"""The symmetry reduction in Fourier letters (steerdsl/sdp/symmetry_fourier.py): the letters' algebra and the
relabellings' action against explicit operators, the invariant subspace against the centred path's, and the
reduced bound against the unreduced one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import unitary_group

from benchmarks.symmetry import relabelling_generators, symmetric_functional
from steerdsl.sdp import symmetry_fourier as fourier
from steerdsl.sdp import symmetry_reduction
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound
from steerdsl.sdp.symmetry import REYNOLDS_LIMIT, Symmetry, classes
from steerdsl.sdp.symmetry_orbits import elements, orbit_fixed_space
from tests.test_symmetry_orbits import _scenario


def _measurement(k: int, seed: int) -> list[np.ndarray]:
    """A random projective measurement with ``k`` outcomes (rank-2 projectors on ``C^{2k}``)."""
    u = unitary_group.rvs(2 * k, random_state=seed)
    return [u[:, 2 * a:2 * a + 2] @ u[:, 2 * a:2 * a + 2].conj().T for a in range(k)]


def _fourier_operators(projectors: list[np.ndarray]) -> list[np.ndarray]:
    """``F_s = Σ_a ω^{sa} P_a``."""
    k = len(projectors)
    return [sum(np.exp(2j * np.pi * s * a / k) * projectors[a] for a in range(k)) for s in range(k)]


@pytest.mark.parametrize("k", [2, 3, 4])
def test_fourier_letters_multiply_like_their_labels(k):
    """``F_s F_t = F_{s+t}``, ``F_0 = I``, ``F_s† = F_{−s}`` on explicit operators, and fourier_reduce /
    fourier_adjoint do the same on words (one slot, one input)."""
    f = _fourier_operators(_measurement(k, k))
    sc = _scenario(1, 1, k, 2)
    assert np.allclose(f[0], np.eye(2 * k))
    for s in range(k):
        assert np.allclose(f[s].conj().T, f[-s % k])
        assert fourier.fourier_adjoint(sc, ((0, 0, s),)) == (((0, 0, -s % k),) if s else ((0, 0, 0),))
        for t in range(k):
            assert np.allclose(f[s] @ f[t], f[(s + t) % k])
            if s and t:
                merged = fourier.fourier_reduce(sc, ((0, 0, s), (0, 0, t)))
                assert merged == (((0, 0, (s + t) % k),) if (s + t) % k else ())


@pytest.mark.parametrize(("k", "sigma", "affine"), [(3, (1, 2, 0), True), (3, (0, 2, 1), True), (3, (1, 0, 2), True),
                                                   (4, (3, 2, 1, 0), True), (4, (1, 0, 2, 3), False)])
def test_letter_image_is_the_relabelled_operator(k, sigma, affine):
    """``g(F_s) = Σ_a ω^{sa} P_{σ(a)}`` equals ``λ F_t`` with the (t, λ) letter_image gives, for affine
    permutations; a transposition of 4 outcomes is not affine and is refused (applies is False)."""
    projectors = _measurement(k, 7)
    f = _fourier_operators(projectors)
    sc = _scenario(1, 1, k, 2)
    g = Symmetry((0,), ((0,),), ((tuple(sigma),),))
    assert fourier.applies(sc, [g]) is affine
    for s in range(1, k):
        image = _fourier_operators([projectors[sigma[a]] for a in range(k)])[s]
        found = fourier.letter_image(sc, g, (0, 0, s))
        if not affine:
            continue
        (_, _, t), phase = found
        assert np.allclose(image, phase * f[t])


@pytest.mark.parametrize(("alices", "inputs", "outcomes"), [(2, 2, 3), (2, 3, 2), (3, 2, 2)])
def test_invariant_subspace_has_the_centred_dimension(alices, inputs, outcomes):
    """The Fourier invariant basis has as many vectors as the centred orbit basis of the same group (the same
    subspace in another basis) and passes its own check."""
    sc = _scenario(alices, inputs, outcomes, 2)
    words = level_words(sc, "1+AB")
    generators = relabelling_generators(sc)
    rows = fourier.fourier_words(words)
    reps = fourier.fourier_classes(sc, rows)
    basis = fourier.invariant_basis(sc, reps, elements(sc, generators, REYNOLDS_LIMIT))
    assert fourier.check(sc, reps, generators, basis)
    centred = orbit_fixed_space(sc, classes(words), generators, False, REYNOLDS_LIMIT)
    assert basis.shape[1] == centred.shape[1]
    assert np.linalg.matrix_rank(basis.toarray()) == basis.shape[1]


@pytest.mark.parametrize(("alices", "inputs", "outcomes", "seed"), [(2, 2, 3, 1), (2, 3, 2, 2), (3, 2, 2, 3)])
def test_fourier_reduced_bound_equals_unreduced(alices, inputs, outcomes, seed, monkeypatch):
    """A random complex functional averaged over the relabelling group: the bound with symmetry takes the
    Fourier path and equals the unreduced bound to 1e-7."""
    sc = _scenario(alices, inputs, outcomes, 2)
    F = symmetric_functional(sc, seed)
    taken = []
    original = symmetry_reduction._fourier
    monkeypatch.setattr(symmetry_reduction, "_fourier", lambda *a: taken.append(original(*a)) or taken[-1])
    on = bound(F, "max", "1+AB", symmetry=True)
    assert taken and taken[0] is not None
    off = bound(F, "max", "1+AB", symmetry=False)
    assert on.value == pytest.approx(off.value, abs=1e-7)


def test_real_data_and_unitaries_keep_the_centred_path(monkeypatch):
    """Real data keep the real centred path (the Fourier letters are complex); a Bob unitary is declined."""
    sc = _scenario(2, 2, 2, 2)
    words = level_words(sc, "1+AB")
    g = relabelling_generators(sc)[0]
    assert fourier.applies(sc, [g])
    assert not fourier.applies(sc, [Symmetry(g.slots, g.inputs, g.outcomes, np.diag([1.0, -1.0]))])
    F = symmetric_functional(sc, 4)
    real = {w: m.real for w, m in _per_word(F).items()}
    assert symmetry_reduction._fourier(sc, words, classes(words), [g], 2, 0) is not None
    taken = []
    original = symmetry_reduction._fourier
    monkeypatch.setattr(symmetry_reduction, "_fourier", lambda *a: taken.append(a) or original(*a))
    reduction = symmetry_reduction.reduce(sc, words, real, True, [g])
    assert reduction is not None and reduction.gamma is not None and not taken  # the real centred path
    assert symmetry_reduction.reduce(sc, words, _per_word(F), False, [g]) is not None and taken


@pytest.mark.slow
def test_three_alices_three_by_three_solves_within_the_default_limits():
    """Issue 20's large case: the symmetric 3-Alice 3×3 qubit almost-quantum bound (119,164 scalars
    unreduced, refused by the default limits) is answered with the default limits (50,000 variables, 2 GiB
    of estimated memory) once reduced (about 75 s), with the plain problem still refused; its value is
    below the no-signalling bound of the same functional (the relaxation is inside no-signalling)."""
    from steerdsl.sdp.size import SDPTooLarge
    from steerdsl.sets import registry

    sc = _scenario(3, 3, 3, 2)
    F = symmetric_functional(sc, 7)
    answer = registry.ask("bound", "npa", F, {}, sense="max")
    assert answer.details["symmetry"]["scalars_after"] == 2260
    with pytest.raises(SDPTooLarge):
        registry.ask("bound", "npa", F, {"symmetry": False}, sense="max")
    assert answer.value <= registry.ask("bound", "nosignalling", F, {}, sense="max").value + 1e-7

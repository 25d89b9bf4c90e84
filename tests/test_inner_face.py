"""Exact channels on the boundary: the kernel of a rank-deficient numeric Choi matrix is recovered exactly
when it is rational (:mod:`steerdsl.inner.face`), so a Bob-with-input assemblage whose second channel is a
rank-2 Choi matrix fixed by the data is certified; a rational rotation gives an exact unitary channel
(:mod:`steerdsl.inner.rotation_channel`), so an instrumental assemblage with two unitary channels is too.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from steerdsl.exact import linalg
from steerdsl.exact.cyclotomic import Cyclo
from steerdsl.inner.face import numeric_rank, rational_kernel
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import choi_from_kraus
from tests.test_inner_property import recheck, searched


def _unitary(a: int, b1: int, b2: int, b3: int, m: int, weight: Fraction) -> np.ndarray:
    """``weight · (aI + i(b·σ))/m`` exactly (a rational unitary when ``a² + |b|² = m²``)."""
    i = Cyclo.I
    u = np.array([[Cyclo(a) + i * Cyclo(b3), i * Cyclo(b1) + Cyclo(b2)],
                  [i * Cyclo(b1) - Cyclo(b2), Cyclo(a) - i * Cyclo(b3)]], dtype=object)
    return u * Cyclo(weight / m)


def test_rational_kernel_of_a_mixed_unitary_channel_is_exact():
    """Kraus operators 3/5·U₁ and 4/5·U₂: rank 2, and the two rounded kernel vectors are exact kernel
    vectors of the exact Choi matrix (from a numeric copy perturbed by 1e-13)."""
    J = choi_from_kraus(2, [_unitary(1, 2, 2, 0, 3, Fraction(3, 5)), _unitary(2, 4, 5, 6, 9, Fraction(4, 5))])
    noisy = alg.to_numeric(J).astype(complex) + 1e-13 * np.random.default_rng(0).normal(size=(4, 4))
    noisy = (noisy + noisy.conj().T) / 2
    assert numeric_rank(noisy) == 2
    vectors = rational_kernel(noisy, 2, 10**6)
    assert vectors is not None and len(vectors) == 2
    for v in vectors:
        assert linalg.is_zero_matrix(linalg.matmul(J, v.reshape(-1, 1)))


def test_rational_kernel_refuses_a_wrong_rank():
    """Asking for a kernel larger than the true one: the extra vector is not a kernel vector (None)."""
    J = choi_from_kraus(2, [_unitary(1, 2, 2, 0, 3, Fraction(3, 5)), _unitary(2, 4, 5, 6, 9, Fraction(4, 5))])
    assert rational_kernel(alg.to_numeric(J).astype(complex), 1, 10**6) is None


def test_boundary_channel_is_certified_through_its_face():
    """Seed 102 of the property test's Bob-with-input family: its second channel is rank 2 and fixed by the
    data; it was not certified before face reduction (the rounded Choi matrix was not PSD exactly)."""
    sigma, result = searched("bwi", 102)
    assert result.exactness == "certified"
    assert recheck(sigma, result.details["exact_realisation"])


def test_rational_rotation_maps_each_vector_and_gives_a_unitary_channel():
    """``Rδ = δ'`` exactly for rational vectors of equal length (|(1, 2, 2)| = |(3, 0, 0)| = 3), and the
    Choi matrix is rank 1, PSD and trace preserving (checked exactly inside rotation_choi)."""
    from steerdsl.inner.rotation_channel import rational_rotation, rotation_choi

    C = Cyclo
    d, e = (C(1), C(2), C(2)), (C(3), C(0), C(0))
    R = rational_rotation([(d, e)])
    assert R is not None
    image = linalg.matmul(R, np.array([[c] for c in d], dtype=object))
    assert all(alg.equal(image[i, 0], e[i]) for i in range(3))
    assert alg.equal(linalg.matmul(R.T, R), alg.identity(3))
    J = rotation_choi(R)
    assert J is not None and np.linalg.matrix_rank(alg.to_numeric(J).astype(complex)) == 1
    assert rational_rotation([(d, (C(1), C(0), C(0)))]) is None  # lengths differ: no rotation


def test_instrumental_with_two_unitary_channels_is_certified():
    """Seed 114 of the property test's instrumental family: both channels unitary, two inputs — the
    realisations form a continuum whose numeric point is irrational; the rotation route certifies it."""
    sigma, result = searched("instrumental", 114)
    assert result.exactness == "certified"
    assert recheck(sigma, result.details["exact_realisation"])


def test_instrumental_with_the_reduced_state_on_the_boundary_is_certified():
    """σ_{0|x} = ½|x⟩⟨x|, σ_{1|x} = ½|1−x⟩⟨1−x| (Alice measures Z, relabelled on x = 1; both channels the
    identity): ``ρ_B ⪰ σ_{0|x}`` for both x with tr ρ_B = 1 leaves only ρ_B = I/2, so no ρ_B lies strictly
    above them — the numeric stage must not require a margin there."""
    import steerdsl as sd

    sigma = sd.loads("""scenario { alice A : inputs 2, outputs 2
  bob B : dim 2, input = outcome of A }
assemblage flipped[a|x] = 1/2 * proj(ket(x)) if a == 0 else 1/2 * proj(ket(1 - x))
""")["flipped"]
    result = sd.realisation(sigma, restarts=1, certify=True)
    assert result.exactness == "certified", result.details
    assert recheck(sigma, result.details["exact_realisation"])

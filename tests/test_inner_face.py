"""Face reduction for exact rounding (:mod:`steerdsl.inner.face`): the kernel of a rank-deficient numeric
Choi matrix is recovered exactly when it is rational, and a Bob-with-input assemblage whose second channel
is a rank-2 Choi matrix fixed by the data (on the boundary of the PSD cone) is certified through it."""

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

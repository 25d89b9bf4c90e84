"""The realisation search's exact Jacobian (inner/residual.py, inner/tangents.py) against central finite
differences of the residual itself, in every kind and with a larger internal dimension; and the
Levenberg–Marquardt step in both of its forms (fewer residuals than parameters, and more)."""

from __future__ import annotations

import numpy as np
import pytest

from steerdsl.inner import parametrise
from steerdsl.inner.least_squares import levenberg_marquardt
from steerdsl.inner.realisation import shape_for
from steerdsl.inner.residual import flat_labels, realised_jacobian, realised_vector
from steerdsl.inner.tangents import inv_sqrt_derivative, inv_sqrt_with_derivative
from tests.test_inner_search import SCENARIOS

CASES = [(kind, None) for kind in sorted(SCENARIOS)] + [("bwi", (2, 3)), ("instrumental", (3, 3))]


def _layout(shape):
    keys = list(shape.scenario.keys())
    index = {c: i for i, c in enumerate(shape.channel_labels())}
    return flat_labels(shape, keys), np.array([index.get(shape.channel_of(k), 0) for k in keys])


@pytest.mark.parametrize(("kind", "dims"), CASES)
def test_jacobian_matches_central_differences(kind, dims):
    """``(r(p + h e_i) − r(p − h e_i)) / 2h`` has error O(h²) ≈ 1e-12 relative at h = 1e-6 (plus rounding
    ≈ 1e-10), so the analytic Jacobian must agree to 1e-6 relative at random parameters (3 seeds)."""
    shape = shape_for(SCENARIOS[kind], dims)
    flat, per_key = _layout(shape)

    def vector(q):
        return realised_vector(shape, parametrise.realisation_of(shape, q), flat, per_key)

    for seed in range(3):
        p = np.random.default_rng(seed).normal(size=parametrise.size(shape))
        J = realised_jacobian(shape, p, flat, per_key)
        h = 1e-6
        numeric = np.stack([(vector(p + h * e) - vector(p - h * e)) / (2 * h) for e in np.eye(p.size)], axis=1)
        assert J.shape == numeric.shape == (vector(p).size, p.size)
        assert np.max(np.abs(J - numeric)) <= 1e-6 * np.max(np.abs(numeric))


def test_inverse_square_root_derivative_is_daleckii_krein():
    """``d(S^{-1/2})[E]`` satisfies the derivative of ``T S T = I``: ``dT S T + T E T + T S dT = 0``, for a
    random positive definite S with a repeated eigenvalue (the diagonal limit of Γ) and Hermitian E."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    s = (q * np.array([0.5, 0.5, 2.0])) @ q.conj().T
    g = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    e = g + g.conj().T
    t, u, gamma = inv_sqrt_with_derivative(s)
    dt = inv_sqrt_derivative(u, gamma, e)
    assert np.allclose(t @ s @ t, np.eye(3), atol=1e-12)
    assert np.allclose(dt @ s @ t + t @ e @ t + t @ s @ dt, 0, atol=1e-12)


@pytest.mark.parametrize(("rows", "cols"), [(5, 12), (12, 5)])
def test_levenberg_marquardt_solves_consistent_linear_systems_in_both_forms(rows, cols):
    """``r(p) = Jp − b`` with b in J's range: the cost reaches the target with the m × m (rows < cols) and the
    n × n step, given the Jacobian or by forward differences."""
    rng = np.random.default_rng(1)
    J = rng.normal(size=(rows, cols))
    b = J @ rng.normal(size=cols)
    for jac in (lambda p: J, None):
        p, cost = levenberg_marquardt(lambda p: J @ p - b, np.zeros(cols), iterations=100, target=1e-20, jac=jac)
        assert cost <= 1e-20 and np.allclose(J @ p, b, atol=1e-9)

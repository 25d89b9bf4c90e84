"""The parent parametrisation of steerdsl.sdp.parents (issue 20 item 5): the particular parent has the Bobs'
marginals, the correlation basis is orthonormal with vanishing marginals and has the dimension count
D² − 1 − Σ(d_k² − 1); and the marked sections of docs/benchmarks.md survive a rewrite."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.sections import marked_sections, replace_section
from steerdsl.sdp.parents import correlation_basis, particular_parent


def _ptrace(X: np.ndarray, dims: tuple[int, ...], keep: int) -> np.ndarray:
    t = X.reshape(dims + dims)
    n = len(dims)
    letters = "abcdefgh"
    rows = [letters[k] if k != keep else "x" for k in range(n)]
    cols = [letters[k] if k != keep else "y" for k in range(n)]
    return np.einsum("".join(rows) + "".join(cols) + "->xy", t)


@pytest.mark.parametrize("dims", [(2, 2), (2, 3), (2, 2, 2)])
@pytest.mark.parametrize("real", [False, True])
def test_correlation_basis_spans_the_operators_with_zero_marginals(dims, real):
    basis = correlation_basis(dims, real)
    D = int(np.prod(dims))
    gram = np.einsum("iab,jba->ij", basis, basis)
    assert np.allclose(gram, np.eye(len(basis)))
    for K in basis:
        assert np.allclose(K, K.conj().T) and (not real or np.allclose(K.imag, 0))
        for k in range(len(dims)):
            assert np.allclose(_ptrace(K, dims, k), 0)
    full = D * D - 1 - sum(d * d - 1 for d in dims)
    if not real:
        assert len(basis) == full
    else:  # real symmetric operators with zero marginals: count by the rank of the partial-trace map
        sym = [M for M in (np.eye(D)[:, [i]] @ np.eye(D)[[j], :] + np.eye(D)[:, [j]] @ np.eye(D)[[i], :]
                           for i in range(D) for j in range(i, D))]
        maps = np.array([np.concatenate([_ptrace(M, dims, k).ravel() for k in range(len(dims))]) for M in sym])
        assert len(basis) == len(sym) - np.linalg.matrix_rank(maps)


@pytest.mark.parametrize("dims", [(2, 2), (2, 3)])
def test_particular_parent_has_the_marginals(dims):
    rng = np.random.default_rng(0)
    targets = []
    for d in dims:
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        h = g @ g.conj().T
        targets.append(h / np.trace(h).real * 0.3)
    X = particular_parent(targets, dims)
    for k, t in enumerate(targets):
        assert np.allclose(_ptrace(X, dims, k), t)


def test_marked_sections_are_kept():
    page = "# B\n\n<!-- inner -->\ninner text\n<!-- /inner -->\n\n<!-- solvers -->\nold\n<!-- /solvers -->\n"
    assert marked_sections(page) == ["<!-- inner -->\ninner text\n<!-- /inner -->",
                                     "<!-- solvers -->\nold\n<!-- /solvers -->"]
    new = replace_section(page, "<!-- solvers -->", "<!-- /solvers -->", "<!-- solvers -->\nnew\n<!-- /solvers -->\n")
    assert "new" in new and "old" not in new and "<!-- inner -->\ninner text\n<!-- /inner -->" in new

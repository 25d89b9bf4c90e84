"""The orbit-by-orbit invariant subspace in the centred basis (issue 20, the large symmetric cases): the centred
product rule against explicit projectors, the group law of the composed elements, the orbit basis against the
kernel of the defining equations, and the reduced bound against the unreduced one on three Alices."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import unitary_group

from benchmarks.symmetry import relabelling_generators, symmetric_functional
from steerdsl.model.scenario import Alice, Bob, Scenario
from steerdsl.sdp import symmetry, symmetry_orbits, symmetry_reduction
from steerdsl.sdp.centred_moments import centred_product, closed_under_subwords
from steerdsl.sdp.npa_words import level_words
from steerdsl.sdp.relaxation import _per_word, bound
from steerdsl.sdp.size import (
    DATA_BYTES_PER_ENTRY,
    QICS_BYTES_PER_DENSE_ENTRY,
    SDPSize,
    SDPTooLarge,
    moment_size,
    reduced_size,
)
from steerdsl.sdp.symmetry_reduction import reduce
from steerdsl.sets import registry


def _scenario(alices: int, inputs: int, outcomes: int, d: int) -> Scenario:
    return Scenario(tuple(Alice(c, inputs, (outcomes,) * inputs) for c in "ACD"[:alices]), (Bob("B", d),))


def _projectors(rng, slots: int, inputs: int, k: int, dim: int) -> dict:
    """Random projective measurements ``P^{(j)}_{a|x}`` on ``(C^dim)^{⊗ slots}`` (rank-one and identity parts
    of a random basis, so outcomes of one input are orthogonal and sum to I)."""
    out = {}
    for j in range(slots):
        for x in range(inputs):
            u = unitary_group.rvs(dim, random_state=rng)
            cuts = np.array_split(np.arange(dim), k)
            for a, cols in enumerate(cuts):
                local = u[:, cols] @ u[:, cols].conj().T
                out[(j, x, a)] = np.kron(np.kron(np.eye(dim ** j), local), np.eye(dim ** (slots - j - 1)))
    return out


def test_centred_product_is_the_operator_product():
    """``Q_{a|x} = P_{a|x} − I/k`` multiplied as matrices equals the expansion on reduced centred words."""
    rng = np.random.default_rng(5)
    sc = _scenario(2, 2, 3, 2)
    proj = _projectors(rng, 2, 2, 3, 3)
    eye = np.eye(9)

    def q(letter):
        return proj[letter] - eye / 3

    def word_op(w):
        out = eye
        for letter in w:
            out = out @ q(letter)
        return out

    letters = [(j, x, a) for j in range(2) for x in range(2) for a in range(2)]
    cache: dict = {}
    for _ in range(200):
        seq = tuple(letters[i] for i in rng.integers(len(letters), size=rng.integers(1, 6)))
        expanded = sum(c * word_op(w) for w, c in centred_product(sc, seq, cache).items())
        assert np.abs(expanded - word_op(seq)).max() < 1e-12
        for w in centred_product(sc, seq, cache):  # reduced: no two adjacent letters of one input in a slot
            assert all(w[i][:2] != w[i + 1][:2] for i in range(len(w) - 1))


def test_composed_elements_act_as_the_product():
    """``A_{g·h} = A_g A_h`` and ``A_{g⁻¹} A_g = I`` on structured vectors, in both bases, with a Bob unitary."""
    sc = _scenario(2, 2, 3, 2)
    reps = symmetry.classes(level_words(sc, "1+AB"))
    gens = relabelling_generators(sc)
    s = symmetry.Symmetry(gens[0].slots, gens[0].inputs, gens[0].outcomes, unitary_group.rvs(2, random_state=3))
    g, h = s, gens[2]
    project = symmetry.structure_projector(reps, sc.dim, False)
    for image in (symmetry.word_image, symmetry_orbits.centred_image):
        def a(e, image=image):
            return symmetry.action_matrix(sc, reps, e, image)
        product = a(symmetry_orbits.compose(g, h)) @ project - a(g) @ a(h) @ project
        assert abs(product).max() < 1e-12
        back = a(symmetry_orbits.inverse(g)) @ a(g) @ project - project
        assert abs(back).max() < 1e-12


@pytest.mark.parametrize("shape", [(2, 2, 2, 2), (3, 2, 2, 2), (2, 2, 3, 2)])
def test_orbit_basis_spans_the_fixed_space(shape):
    """The orbit basis has the dimension of the kernel of ``S y = 0``, ``A_g y = y`` (centred action, every
    generator) and lies in it: the same invariant subspace as the stacked equations give."""
    sc = _scenario(*shape)
    reps = symmetry.classes(level_words(sc, "1+AB"))
    assert closed_under_subwords(reps)
    gens = relabelling_generators(sc)
    basis = symmetry_orbits.orbit_fixed_space(sc, reps, gens, False, 5000)
    n = basis.shape[0]
    equations = sp.vstack([symmetry.structure_rows(reps, sc.dim, False)]
                          + [symmetry.action_matrix(sc, reps, g, symmetry_orbits.centred_image)
                             - sp.identity(n) for g in gens])
    kernel = symmetry.invariant_basis(equations)
    assert basis.shape[1] == kernel.shape[1] > 0
    assert abs(equations @ basis).max() < 1e-9
    assert np.linalg.matrix_rank(sp.hstack([basis, kernel]).toarray(), tol=1e-8) == kernel.shape[1]


def test_group_elements_close():
    """The closure of the combined relabellings of two Alices with 3 inputs and 3 outcomes has the order
    sympy's Schreier–Sims gives (:func:`steerdsl.sdp.symmetry.group_order`)."""
    sc = _scenario(2, 3, 3, 2)
    gens = relabelling_generators(sc)
    assert len(symmetry_orbits.elements(sc, gens, 5000)) == symmetry.group_order(sc, gens) == 36
    assert symmetry_orbits.elements(sc, gens, 10) is None
    ident = symmetry.identity(sc)
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    cliffords = [symmetry.Symmetry(ident.slots, ident.inputs, ident.outcomes, u) for u in (h, np.diag([1, 1j]))]
    assert len(symmetry_orbits.elements(sc, cliffords, 5000)) == symmetry.group_order(sc, cliffords) == 24


def test_three_alices_reduced_bound_uses_the_centred_path_and_equals_unreduced(monkeypatch):
    """3 Alices, 2 inputs, 2 outcomes, qubit Bob: the centred reduction (Γ' = TΓT†; the Fourier path, which
    these complex data would take, switched off) gives the unreduced optimum to 1e-7."""
    monkeypatch.setattr(symmetry_reduction, "_fourier", lambda *args: None)
    sc = _scenario(3, 2, 2, 2)
    F = symmetric_functional(sc, 7)
    words = level_words(sc, "1+AB")
    reduction = reduce(sc, words, _per_word(F), False)
    assert reduction.gamma is not None and reduction.scalars_after < reduction.scalars_before / 10
    on = bound(F, "max", "1+AB", symmetry=True)
    off = bound(F, "max", "1+AB", symmetry=False)
    assert on.details["symmetry"]["scalars_after"] == reduction.scalars_after
    assert on.value == pytest.approx(off.value, abs=1e-7)


def test_size_guard_takes_the_reduced_problem():
    """A symmetric bound above the variable limit unreduced but below it reduced is answered; the same bound
    with symmetry off is refused before building (E182's SDPTooLarge), and a limit below the reduced size
    refuses it with the reduced estimate."""
    sc = _scenario(3, 2, 2, 2)
    F = symmetric_functional(sc, 7)
    plain = moment_size(sc, "1+AB", sc.dim, task="NPA bound")
    reduced = reduce(sc, level_words(sc, "1+AB"), _per_word(F), False).scalars_after
    limit = {"max_sdp_size": plain.variables // 4}
    assert reduced < limit["max_sdp_size"]
    answer = registry.ask("bound", "npa", F, dict(limit), sense="max")
    assert answer.details["symmetry"]["scalars_after"] == reduced
    assert answer.value == pytest.approx(bound(F, "max", "1+AB").value, abs=1e-7)
    with pytest.raises(SDPTooLarge) as refused:
        registry.ask("bound", "npa", F, dict(limit, symmetry=False), sense="max")
    assert refused.value.size.variables == plain.variables
    with pytest.raises(SDPTooLarge) as refused:
        registry.ask("bound", "npa", F, {"max_sdp_size": reduced - 1}, sense="max")
    assert refused.value.size.variables == reduced
    assert refused.value.size.data_entries > 0


def test_reduced_size_counts_dense_block_data():
    """The reduced estimate charges every block coefficient to memory, for either solver: all of them when
    the count is not known (dense), else the given nonzeros (four real entries each)."""
    size = reduced_size(1000, [40, 40, 20])
    assert size.block_entries == 3600 and size.data_entries == 4 * 1000 * 3600
    assert reduced_size(1000, [40, 40, 20], nonzeros=[12345, 0, 1]).data_entries == 4 * 12346
    # qics holds a block densely above 1 % of its n · 2N² real entries: all three dense, then only the first
    assert size.dense_entries == 2 * 3600
    assert reduced_size(1000, [40, 40, 20], nonzeros=[40_000, 0, 1]).dense_entries == 2 * 1600
    bare = SDPSize("t", 3, 40, 1000, 3600)
    assert size.memory_for("cvxopt") - bare.memory_for("cvxopt") == DATA_BYTES_PER_ENTRY * size.data_entries
    assert (size.memory_for("qics") - bare.memory_for("qics")
            == DATA_BYTES_PER_ENTRY * size.data_entries + QICS_BYTES_PER_DENSE_ENTRY * 1000 * 2 * 3600)


def test_sparsified_blocks_are_a_congruence_of_the_orthonormal_ones():
    """Block.sparsified on the 2-Alice 2×2 qubit bound's blocks: the same span (so Γ ⪰ 0 is unchanged), no
    coupling between blocks of a generic Γ(z), equal blocks on every copy, and fewer nonzeros in the basis
    and in the block coefficients than the orthonormal eigenvectors give."""
    from steerdsl.sdp.symmetry_blocks import block_coefficients, decompose

    sc = _scenario(2, 2, 2, 2)
    F = symmetric_functional(sc, 3)
    words = level_words(sc, "1+AB")
    reduction = reduce(sc, words, _per_word(F), False)
    coefs, size = reduction.gamma, len(words) * sc.dim
    blocks = decompose(coefs, size)
    sparse = [b.sparsified() for b in blocks]
    gamma = (coefs @ np.random.default_rng(1).normal(size=coefs.shape[1])).reshape(size, size, order="F")
    everything = np.hstack([c for b in sparse for c in b.copies])
    assert np.linalg.matrix_rank(everything) == size
    for i, b in enumerate(sparse):
        assert np.linalg.matrix_rank(np.hstack([b.basis, blocks[i].basis]), tol=1e-8) == b.side
        for c in b.copies:
            assert np.allclose(c.conj().T @ gamma @ c, b.basis.conj().T @ gamma @ b.basis, atol=1e-9)
            for other in sparse[i + 1:]:
                assert np.abs(c.conj().T @ gamma @ other.basis).max() < 1e-9
    dense = sum(c.nnz for c in block_coefficients(coefs, size, [b.basis for b in blocks]))
    assert sum(np.count_nonzero(b.basis) for b in sparse) < sum(np.count_nonzero(b.basis) for b in blocks)
    assert sum(c.nnz for c in block_coefficients(coefs, size, [b.basis for b in sparse])) < dense

"""Real forms of symmetry-reduced moment matrices: an antiunitary symmetry makes the complex PSD constraint a
real one of the same size.

An antiunitary group element ``J`` (a relabelling ``g`` with Bob's ``U`` and complex conjugation,
:class:`steerdsl.sdp.symmetry.Symmetry` with ``conjugate``) leaves every invariant moment matrix fixed:
``X_w = U conj(X_{g(w)}) U†``.  With ``g(u) = Σ_v M_{uv} v`` on the row words (``M`` real; ``g`` is a
*-automorphism, so ``g(u†v) = g(u)† g(v)``) this reads ``Γ = W conj(Γ) W†`` with ``W = M ⊗ U`` (rows word
major, Bob minor, as :func:`steerdsl.sdp.moment_matrix.build` lays them out).  ``M`` is not orthogonal on
Collins–Gisin words (a last outcome maps to ``I − Σ P_b``), so first ``P = Σ_{h∈G} M_hᵀ M_h`` (the group's
invariant inner product, ``M_hᵀ P M_h = P``) makes ``N = P^{1/2} M P^{-1/2}`` orthogonal, and
``Γ̃ = (P^{1/2} ⊗ I) Γ (P^{1/2} ⊗ I) = W̃ conj(Γ̃) W̃†`` with ``W̃ = N ⊗ U`` unitary.  When ``J`` is an
involution of real type (``M² = I``, ``U conj(U) = +I``; ``−I`` would be a quaternionic structure),
``W̃ conj(W̃) = I`` and the antilinear map ``K v = W̃ conj(v)`` is an involution whose fixed vectors form a real
subspace with an orthonormal basis ``V`` that is a unitary matrix; since ``conj(v) = W̃† v`` there,
``conj(v_i† Γ̃ v_j) = v_i† W̃ conj(Γ̃) W̃† v_j = v_i† Γ̃ v_j``: ``S† Γ S`` is real symmetric for
``S = (P^{1/2} ⊗ I) V`` (invertible), and ``Γ ⪰ 0 ⇔ S† Γ S ⪰ 0`` (congruence).  The complex Hermitian
``n × n`` constraint becomes a real symmetric ``n × n`` one (Dyson's threefold way; real forms of group-
invariant SDPs: Gatermann & Parrilo, J. Pure Appl. Algebra 192, 95 (2004), §5).  Every step is checked
numerically (:func:`is_real_form`); without an element of real type there is no real form (never wrong).
"""

from __future__ import annotations

import hashlib

import numpy as np
import scipy.sparse as sp

from steerdsl.model.scenario import Scenario
from steerdsl.sdp.npa_words import Word
from steerdsl.sdp.symmetry import REYNOLDS_LIMIT, GroupTooLarge, Symmetry, closure, word_image

REAL_FORM_TOLERANCE = 1e-9
"""Relative size of an imaginary part (or a defect of ``W̃ conj(W̃) = I``) still counted as zero."""

PROJECTION_ENTRIES = 2 ** 25
"""The real form is used when the dense coefficients of its largest block, ``b² × K`` complex entries (about
twice that in memory while projecting, :func:`steerdsl.sdp.symmetry_blocks.block_expressions`), stay below
this (512 MiB); otherwise the complex reduction is kept (a split that failed leaves one dense block of side n)."""

Element = tuple[np.ndarray, np.ndarray, bool]
"""A group element on the rows: ``(M, U, conjugate)``, acting by ``Γ ↦ W conj^c(Γ) W†``, ``W = M ⊗ U``."""


def row_map(scenario: Scenario, words: list[Word], g: Symmetry) -> np.ndarray:
    """``M`` with ``g(u) = Σ_v M_{uv} v`` for the row words ``u`` (:func:`steerdsl.sdp.symmetry.word_image`);
    ValueError when an image leaves their span."""
    index = {w: i for i, w in enumerate(words)}
    m = np.zeros((len(words), len(words)))
    for i, u in enumerate(words):
        for v, c in word_image(scenario, g, u).items():
            if v not in index:
                raise ValueError(f"the row words are not closed under the symmetry (image word {v})")
            m[i, index[v]] += c
    return m


def compose(first: Element, second: Element) -> Element:
    """``first ∘ second``: ``W₁ conj^{c₁}(W₂ conj^{c₂}(Γ) W₂†) W₁† = (W₁ conj^{c₁}(W₂)) conj^{c₁⊕c₂}(Γ) (…)†``,
    so ``M = M₁M₂``, ``U = U₁ conj^{c₁}(U₂)``."""
    m1, u1, c1 = first
    m2, u2, c2 = second
    return m1 @ m2, u1 @ (u2.conj() if c1 else u2), c1 != c2


def _digest(element: Element) -> bytes:
    """A key of the element, ``U`` taken modulo phase (its first entry of modulus > 1e-6 made positive)."""
    m, u, c = element
    flat = u.ravel()
    lead = flat[np.flatnonzero(np.abs(flat) > 1e-6)[0]]
    h = hashlib.sha256(np.round(m, 8).tobytes())
    h.update(np.round(u * abs(lead) / lead, 8).tobytes())
    h.update(bytes([c]))
    return h.digest()


def _real_type(element: Element, tolerance: float = REAL_FORM_TOLERANCE) -> bool:
    """An antiunitary involution of real type: ``c``, ``M² = I`` and ``U conj(U) = +I``."""
    m, u, c = element
    return bool(c and np.abs(m @ m - np.eye(len(m))).max() <= tolerance
                and np.abs(u @ u.conj() - np.eye(len(u))).max() <= tolerance)


def invariant_metric(generators: list[Element],
                     limit: int = REYNOLDS_LIMIT) -> tuple[np.ndarray, Element | None] | None:
    """``P = Σ_{h∈G} M_hᵀ M_h`` over the group closed from ``generators`` (breadth first, keeping only the
    frontier and a digest of each element), and its first antiunitary element of real type (None if none);
    None when the group has more than ``limit`` elements."""
    r, d = len(generators[0][0]), len(generators[0][1])
    start: Element = (np.eye(r), np.eye(d, dtype=complex), False)
    metric = np.zeros((r, r))
    found: Element | None = None
    try:
        for e in closure(start, generators, compose, _digest, limit):
            metric += e[0].T @ e[0]
            if found is None and _real_type(e):
                found = e
    except GroupTooLarge:
        return None
    return metric, found


def real_congruence(scenario: Scenario, words: list[Word], generators: list[Symmetry]) -> np.ndarray | None:
    """``S = (P^{1/2} ⊗ I) V`` with ``S† Γ S`` real for every moment matrix invariant under ``generators``
    (module docstring), or None (no antiunitary element of real type, the row words not closed, or a group
    beyond :data:`steerdsl.sdp.symmetry.REYNOLDS_LIMIT`)."""
    if not any(g.conjugate for g in generators):
        return None
    d = scenario.dim
    try:
        elements = [(row_map(scenario, words, g), np.eye(d, dtype=complex) if g.unitary is None
                     else np.asarray(g.unitary, dtype=complex), g.conjugate) for g in generators]
    except ValueError:
        return None
    closed = invariant_metric(elements)
    if closed is None or closed[1] is None:
        return None
    metric, (m, u, _) = closed
    values, basis = np.linalg.eigh(metric)
    root = (basis * np.sqrt(values)) @ basis.T
    w = np.kron(root @ m @ np.linalg.inv(root), u)
    if np.abs(w @ w.conj() - np.eye(len(w))).max() > 1e3 * REAL_FORM_TOLERANCE:
        return None
    # v ↦ W conj(v) on [Re v; Im v]: a real orthogonal involution; its +1 eigenvectors are the real subspace
    k = np.block([[w.real, w.imag], [w.imag, -w.real]])
    values, vectors = np.linalg.eigh((k + k.T) / 2)
    fixed = vectors[:, values > 0]
    n = len(w)
    if fixed.shape[1] != n:
        return None
    return np.kron(root, np.eye(d)) @ (fixed[:n] + 1j * fixed[n:])


def is_real_form(coefs: sp.spmatrix, size: int, congruence: np.ndarray, seed: int = 0) -> bool:
    """``S† Γ(z) S`` real for every ``z``: checked on a random combination ``Γ = Σ r_k A_k`` (``coefs`` columns
    ``vec A_k``, column-major; linear, so one generic combination decides with probability one)."""
    rng = np.random.default_rng(seed)
    a = (sp.csc_matrix(coefs) @ rng.normal(size=coefs.shape[1])).reshape(size, size, order="F")
    image = congruence.conj().T @ a @ congruence
    scale = max(1.0, float(np.abs(image).max(initial=0.0)))
    return bool(np.abs(image.imag).max(initial=0.0) <= 1e3 * REAL_FORM_TOLERANCE * scale)


def projection_fits(sizes: list[int], terms: int) -> bool:
    """Whether projecting ``terms`` coefficient matrices on blocks of these sizes stays within
    :data:`PROJECTION_ENTRIES` (``max b² × terms``)."""
    return max(sizes, default=0) ** 2 * terms <= PROJECTION_ENTRIES

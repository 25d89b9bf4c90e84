"""Property (issue 16 acceptance): a random *exact* quantum assemblage of each kind with a certifier — a
rational full-rank state, rational projective measurements, Bob's channels a rational unitary for y = 0 (or
outcome 0) and a rational mixture of rational unitaries for the other — is found ``member`` by the
realisation search in the stated dimensions, and every ``certified`` verdict re-checks exactly here, from
the certificate's own data (state, POVMs, channels), with exact arithmetic.  The numeric property (random
states, POVMs, channels in every kind) is in test_inner_search.py."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import steerdsl as sd
from steerdsl.exact import linalg
from steerdsl.model import algebra as alg
from steerdsl.model.constructs import apply_choi, contract_party

KINDS = ("standard", "bwi", "instrumental", "several_bobs")

UNIT = [(3, 4, 0, 5), (1, 2, 2, 3), (2, 3, 6, 7), (1, 4, 8, 9), (4, 4, 7, 9), (2, 6, 9, 11)]
"""Integer (b1, b2, b3, m) with b1² + b2² + b3² = m²: rational unit Bloch vectors after signs and order."""
QUATERNIONS = [(1, 2, 2, 0, 3), (2, 3, 6, 0, 7), (1, 4, 8, 0, 9), (2, 4, 5, 6, 9), (2, 2, 4, 5, 7), (1, 2, 2, 4, 5)]
"""Integer (a, b1, b2, b3, m) with a² + |b|² = m²: ``(aI + i b·σ)/m`` is a rational unitary."""
WEIGHTS = [(3, 4, 5), (5, 12, 13), (8, 15, 17)]
"""Pythagorean triples (c1, c2, m): Kraus weights c1/m, c2/m with squares summing to 1."""


def _signed(rng, numbers) -> list[int]:
    return [int(v) * int(rng.choice([-1, 1])) for v in rng.permutation(numbers)]


def _bloch(rng) -> str:
    *b, m = UNIT[rng.integers(len(UNIT))]
    b1, b2, b3 = _signed(rng, b)
    return f"({b1} * X + {b2} * Y + {b3} * Z) / {m}"


def _unitary(rng) -> str:
    *c, m = QUATERNIONS[rng.integers(len(QUATERNIONS))]
    a, b1, b2, b3 = _signed(rng, c)
    return f"({a} * I + i * ({b1} * X + {b2} * Y + {b3} * Z)) / {m}"


def _channel(rng, name: str, unitary: bool = False) -> str:
    """A mixture of two rational unitaries with Pythagorean weights (a unitary one time in four, or when
    asked)."""
    if unitary or rng.random() < 0.25:
        return f"map {name} : 2 -> 2 kraus {{ {_unitary(rng)} }}"
    c1, c2, m = WEIGHTS[rng.integers(len(WEIGHTS))]
    return f"map {name} : 2 -> 2 kraus {{ {c1}/{m} * {_unitary(rng)}, {c2}/{m} * {_unitary(rng)} }}"


def _state(rng, qubits: int) -> str:
    """``G/tr G`` with G = Σ c_i |v_i⟩⟨v_i| + I over three Gaussian-integer vectors (full rank)."""
    n = 2**qubits

    def vector() -> str:
        return "[" + ", ".join(f"[{int(rng.integers(-3, 4))} + {int(rng.integers(-3, 4))}*i]" for _ in range(n)) + "]"

    return " + ".join(f"{int(rng.integers(1, 5))} * proj({vector()})" for _ in range(3)) + f" + I({n})"


def exact_model(kind: str, seed: int) -> str:
    """A random exact quantum assemblage ``sigma`` of the kind: one Alice with 2 or 3 binary inputs."""
    rng = np.random.default_rng(seed)
    inputs = int(rng.integers(2, 4))
    bob = {"standard": "bob B : dim 2", "bwi": "bob B : dim 2, inputs 2",
           "instrumental": "bob B : dim 2, input = outcome of A",
           "several_bobs": "bob B1 : dim 2\n  bob B2 : dim 2"}[kind]
    parties = "A B1 B2" if kind == "several_bobs" else "A B"
    lines = [f"scenario {{ alice A : inputs {inputs}, outputs 2\n  {bob} }}",
             f"let G = {_state(rng, 3 if kind == 'several_bobs' else 2)}",
             f"state rho on {parties} = G / tr(G)",
             "measurement M[a|x] on A {",
             *(f"  x = {x} : (I + (-1)^a * {_bloch(rng)}) / 2" for x in range(inputs)),
             "}", "assemblage base = measure rho with A: M",
             _channel(rng, "E0", unitary=True), _channel(rng, "E1")]
    lines.append({"standard": "assemblage sigma = base", "several_bobs": "assemblage sigma = base",
                  "bwi": "assemblage sigma[a|x y] = E0(base[a|x 0]) if y == 0 else E1(base[a|x 0])",
                  "instrumental": "assemblage sigma[a|x] = E0(base[a|x]) if a == 0 else E1(base[a|x])"}[kind])
    return "\n".join(lines) + "\n"


def recheck(sigma: sd.Assemblage, data: dict) -> bool:
    """``σ_key = E_c(tr_A[(M_{a|x} ⊗ I) ΨΨ†])`` exactly (``c = y`` with Bob's input, ``c = a`` instrumental;
    each Bob's marginal with several), every ``{M_{a|x}}_a`` PSD summing to I and every channel's Choi matrix
    PSD and trace preserving, exactly.  (The POVM check matters: a change of M inside the kernel of Alice's
    reduced state leaves every σ_key as it is.)"""
    sc = sigma.scenario
    state = data["state"] @ alg.dagger(data["state"])
    for J in data.get("channels", {}).values():
        if linalg.psd(J).decided is not True or not alg.equal(linalg.partial_trace(J, (2, 2), [1]), alg.identity(2)):
            return False
    m = data["dims"][0]
    for x in {x for _, x in data["povms"]}:
        elements = [M for (_, xx), M in data["povms"].items() if xx == x]
        if (not alg.equal(sum(elements[1:], elements[0]), alg.identity(m))
                or any(linalg.psd(M).decided is not True for M in elements)):
            return False
    for (a, x, y), target in sigma.elements.items():
        tau = contract_party(state, data["dims"], 0, data["povms"][(a[0], x[0])])
        if sc.kind in ("bwi", "instrumental"):
            tau = apply_choi(data["channels"][y if sc.kind == "bwi" else a[0]], 2, 2, tau)
        if sc.kind == "several_bobs":
            if not all(alg.equal(linalg.partial_trace(tau, (2, 2), [1 - k]), part) for k, part in enumerate(target)):
                return False
        elif not alg.equal(tau, target):
            return False
    return True


@functools.cache
def searched(kind: str, seed: int) -> tuple[sd.Assemblage, object]:
    """σ of :func:`exact_model` and its realisation search with ``certify`` (cached: the tampering test reuses
    the default test's certificates; callers copy before changing anything)."""
    sigma = sd.loads(exact_model(kind, seed))["sigma"]
    assert sigma.exact
    return sigma, sd.realisation(sigma, seed=seed, certify=True)


def rates(kind: str, seeds: range) -> tuple[float, float]:
    """(fraction found ``member``, fraction ``certified``); asserts on the way that nothing is ``excluded``
    and that every certified verdict re-checks exactly."""
    member = certified = 0
    for seed in seeds:
        sigma, result = searched(kind, seed)
        assert result.verdict in ("member", "undecided")
        member += result.verdict == "member"
        if result.exactness == "certified":
            assert recheck(sigma, result.details["exact_realisation"]), (kind, seed)
            certified += 1
    return member / len(seeds), certified / len(seeds)


TARGET = 0.8
"""Certified fraction required in every kind (issue 16, certification rates): measured on seeds 100–124,
100 % in every kind (before: standard 100 %, Bob with input 88 %, instrumental 8 %, several Bobs 0 %;
docs/benchmarks.md)."""


@pytest.mark.parametrize("kind", KINDS)
def test_random_exact_assemblages_are_found_and_certified(kind):
    """3 seeds per kind in the default suite: all found member, at least 80 % certified (so all three), every
    certificate re-checked exactly."""
    found, certified = rates(kind, range(3))
    assert found == 1.0 and certified >= TARGET


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_random_exact_assemblages_many_seeds(kind):
    found, certified = rates(kind, range(100, 125))
    assert found >= 0.95 and certified >= TARGET


def _tampered(data: dict) -> list[tuple[str, dict]]:
    """Copies of a certificate with one entry changed by 1/1000: the state's first entry, a diagonal entry
    of Alice's first POVM element, a diagonal entry of each channel's Choi matrix (diagonal entries keep
    the matrices Hermitian, so every check runs)."""
    from fractions import Fraction

    from steerdsl.exact.cyclotomic import Cyclo

    bump = Cyclo(Fraction(1, 1000))
    out = []
    state = data["state"].copy()
    state[0, 0] = state[0, 0] + bump
    out.append(("state", {**data, "state": state}))
    key = next(iter(data["povms"]))
    M = data["povms"][key].copy()
    M[0, 0] = M[0, 0] + bump
    out.append((f"POVM {key}", {**data, "povms": {**data["povms"], key: M}}))
    for c, J in data.get("channels", {}).items():
        J = J.copy()
        J[0, 0] = J[0, 0] + bump
        out.append((f"channel {c}", {**data, "channels": {**data["channels"], c: J}}))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_a_tampered_certificate_is_rejected(kind):
    """The independent re-check accepts the certificate as produced and rejects every copy with one entry
    changed."""
    sigma, result = searched(kind, 0)
    assert result.exactness == "certified"
    assert recheck(sigma, result.details["exact_realisation"])
    for what, data in _tampered(result.details["exact_realisation"]):
        assert not recheck(sigma, data), what

"""Words in the Alices' projectors, their reduction, and the word sets of each level.

A letter ``(j, x, a)`` is the projector ``P^{(j)}_{a|x}`` of slot ``j``; only
the first ``k−1`` outcomes appear (Collins–Gisin: the last is ``I − Σ_a P``).
Reduction (physics.md §4; Navascués, Pironio, Acín, NJP 10, 073013 (2008)):
projectors of different parties commute, so a word is a tuple of per-party
subwords in party order; within a party ``P_{a|x}P_{a|x} = P_{a|x}`` and
``P_{a|x}P_{a'|x} = 0`` for ``a ≠ a'``.  A reduced word is canonical: equal
operators (in the free algebra with these relations) have equal words.
"""

from __future__ import annotations

import itertools
import re
from math import prod

from steerdsl.model.scenario import Scenario

Letter = tuple[int, int, int]
Word = tuple[Letter, ...]
EMPTY: Word = ()


def reduce_word(letters: tuple[Letter, ...] | list[Letter]) -> Word | None:
    """The canonical form of a product of letters, or None when it is the zero operator."""
    by_party: dict[int, list[tuple[int, int]]] = {}
    for j, x, a in letters:
        sub = by_party.setdefault(j, [])
        if sub and sub[-1][0] == x:
            if sub[-1][1] != a:
                return None
            continue
        sub.append((x, a))
    return tuple((j, x, a) for j in sorted(by_party) for x, a in by_party[j])


def adjoint(word: Word) -> Word:
    """``w†``: each party's subword reversed (parties commute)."""
    by_party: dict[int, list[Letter]] = {}
    for letter in word:
        by_party.setdefault(letter[0], []).append(letter)
    return tuple(letter for j in sorted(by_party) for letter in reversed(by_party[j]))


def product(u: Word, v: Word) -> Word | None:
    """The reduced word of ``u† v`` (the label of the moment-matrix entry ``Γ(u, v)``)."""
    return reduce_word(adjoint(u) + v)


def is_data_word(word: Word) -> bool:
    """At most one letter per party: ``tr_A[(w ⊗ I)ρ]`` is a marginal assemblage element."""
    parties = [letter[0] for letter in word]
    return len(parties) == len(set(parties))


def letters(scenario: Scenario) -> list[list[Letter]]:
    """The Collins–Gisin letters of each slot."""
    return [[(j, x, a) for x in range(s.inputs) for a in range(s.outputs[x] - 1)]
            for j, s in enumerate(scenario.slots)]


def almost_quantum_words(scenario: Scenario) -> list[Word]:
    """Level "1+AB": every product of at most one letter per party (all subsets of parties)."""
    per_party = letters(scenario)
    out: list[Word] = []
    for r in range(len(per_party) + 1):
        for parties in itertools.combinations(range(len(per_party)), r):
            for combo in itertools.product(*(per_party[j] for j in parties)):
                out.append(tuple(combo))
    return out


def length_words(scenario: Scenario, n: int) -> list[Word]:
    """Level ``n``: every reduced word of length ≤ n."""
    alphabet = [letter for party in letters(scenario) for letter in party]
    seen: dict[Word, None] = {EMPTY: None}
    frontier = [EMPTY]
    for _ in range(n):
        nxt = []
        for w in frontier:
            for letter in alphabet:
                r = reduce_word(w + (letter,))
                if r is not None and len(r) == len(w) + 1 and r not in seen:
                    seen[r] = None
                    nxt.append(r)
        frontier = nxt
    return list(seen)


def pattern_words(scenario: Scenario, pattern: str) -> list[Word]:
    """Words whose letters follow a party pattern such as ``AB`` or ``AAB`` (distinct letters are
    distinct parties, repeated letters the same party)."""
    per_party = letters(scenario)
    names = sorted(set(pattern), key=pattern.index)
    out: list[Word] = []
    for parties in itertools.permutations(range(len(per_party)), len(names)):
        assign = dict(zip(names, parties))
        choices = [per_party[assign[ch]] for ch in pattern]
        for combo in itertools.product(*choices):
            r = reduce_word(combo)
            if r is not None and len(r) == len(pattern):
                out.append(r)
    return out


def level_words(scenario: Scenario, level: str | int) -> list[Word]:
    """The word set of a level: ``"1+AB"`` (almost quantum), an integer ``n``, or a union such as
    ``"1+AB+AAB"`` of integers and party patterns."""
    text = str(level).replace(" ", "")
    if text in ("1+AB", "almost_quantum", "aq"):
        return almost_quantum_words(scenario)
    words: dict[Word, None] = {EMPTY: None}
    for term in text.split("+"):
        if re.fullmatch(r"\d+", term):
            new = length_words(scenario, int(term))
        elif re.fullmatch(r"[A-Z]+", term):
            if len(set(term)) > len(scenario.slots):
                raise ValueError(f"level term {term!r} needs {len(set(term))} parties; the scenario has "
                                 f"{len(scenario.slots)}")
            new = pattern_words(scenario, term)
        else:
            raise ValueError(f"cannot read the level {level!r}: use an integer, '1+AB', or a union like '1+AB+AAB'")
        for w in new:
            words.setdefault(w, None)
    return list(words)


COUNT_LENGTH_CAP = 10_000
"""Word lengths counted by :func:`word_count`; a level above it is counted at this length (a lower bound,
already far above any solvable size when words of that length exist)."""


def subword_counts(scenario: Scenario, longest: int) -> list[list[int]]:
    """``c[j][ℓ]``: the number of reduced words of length ℓ ≤ ``longest`` in slot ``j``'s letters alone.

    Consecutive letters must have different inputs (``P_{a|x}P_{a'|x}`` is 0 or ``P_{a|x}``), so with
    ``g_x = k_x − 1`` letters per input, ``v_1[x] = g_x`` and ``v_ℓ[x] = g_x (Σ_x' v_{ℓ−1}[x'] − v_{ℓ−1}[x])``
    counts words ending in input x; ``c[j][ℓ] = Σ_x v_ℓ[x]``."""
    out = []
    for s in scenario.slots:
        g = [k - 1 for k in s.outputs]
        counts, v = [1], g
        for _ in range(longest):
            total = sum(v)
            counts.append(total)
            if total == 0:
                break
            v = [gx * (total - vx) for gx, vx in zip(g, v)]
        counts += [0] * (longest + 1 - len(counts))
        out.append(counts)
    return out


def _profiles_count(c: list[list[int]], profiles: set[tuple[int, ...]]) -> int:
    return sum(prod(c[j][ell] for j, ell in enumerate(p)) for p in profiles)


def word_count(scenario: Scenario, level: str | int) -> int:
    """``len(level_words(scenario, level))`` without listing the words (for size estimates).

    A word is a tuple of per-slot subwords; the word set of a level is a union of length profiles
    ``(ℓ_1, …, ℓ_J)``: ``1+AB`` takes ℓ_j ≤ 1, an integer n takes Σℓ_j ≤ n, a pattern such as ``AAB``
    the profiles with one party twice and another once.  The count is ``Σ_profiles Π_j c[j][ℓ_j]``
    (:func:`subword_counts`); an integer part is summed by a truncated product of generating
    functions."""
    text = str(level).replace(" ", "")
    n_slots = len(scenario.slots)
    if text in ("1+AB", "almost_quantum", "aq"):
        return prod(1 + c[1] for c in subword_counts(scenario, 1))
    terms = text.split("+")
    lengths = [min(int(t), COUNT_LENGTH_CAP) for t in terms if re.fullmatch(r"\d+", t)]
    patterns = [t for t in terms if re.fullmatch(r"[A-Z]+", t)]
    if len(lengths) + len(patterns) != len(terms):
        raise ValueError(f"cannot read the level {level!r}: use an integer, '1+AB', or a union like '1+AB+AAB'")
    n = max(lengths, default=0)
    longest = max([n] + [len(p) for p in patterns])
    c = subword_counts(scenario, longest)
    poly = [1] + [0] * n  # Π_j Σ_ℓ c[j][ℓ] z^ℓ, truncated at degree n
    for cj in c:
        poly = [sum(poly[i] * cj[t - i] for i in range(t + 1)) for t in range(n + 1)]
    extra: set[tuple[int, ...]] = set()
    for pattern in patterns:
        mult = [pattern.count(ch) for ch in sorted(set(pattern), key=pattern.index)]
        if len(mult) > n_slots:
            raise ValueError(f"level term {pattern!r} needs {len(mult)} parties; the scenario has {n_slots}")
        for parties in itertools.permutations(range(n_slots), len(mult)):
            profile = [0] * n_slots
            for j, m in zip(parties, mult):
                profile[j] = m
            if sum(profile) > n:
                extra.add(tuple(profile))
    return sum(poly) + _profiles_count(c, extra)

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

"""The sides an operator's topic file names, and the sentences where they meet.

Used only when the topic file lists `[actors]`: a story that is the contact
between parties (a call between two leaders, an envoy's visits) is the
meeting of those sides in the same sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

Sides = tuple[tuple[str, frozenset[str]], ...]


def sides_in(sides: Sides, lowered_words: Sequence[str]) -> set[str]:
    """Which sides a run of words names (aliases of up to three words)."""
    grams = set(lowered_words)
    grams.update(" ".join(lowered_words[i : i + 2]) for i in range(len(lowered_words) - 1))
    grams.update(" ".join(lowered_words[i : i + 3]) for i in range(len(lowered_words) - 2))
    return {side for side, aliases in sides if grams & aliases}


def joint_sentences(sides: Sides, sentence_words: Sequence[Sequence[str]]) -> int:
    """Sentences naming a side that, with the sentence before, name two sides.

    News writes "China's envoy met Kuleba. Li said..." : the second sentence is
    still about both sides, so a two-sentence window is used.
    """
    count = 0
    previous: set[str] = set()
    for words in sentence_words:
        found = sides_in(sides, words)
        if found and len(found | previous) >= 2:
            count += 1
        previous = found
    return count

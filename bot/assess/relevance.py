"""Relevance: is this article about the watched story, or does it only share words?

Two signals, as TREC found (relevance was the bottleneck, simple signals the
strongest). First, core-actor co-occurrence: the story is the meeting of its
sides, so the share of sentences where two sides appear together separates
"China's envoy meets Kuleba" from "Xi hosts a Central Asia summit" or
"Zelensky tours Europe for weapons", which mention one side at length and the
other in passing. Second, idf-weighted overlap of the article's words with
the corpus (and the topic's terms), which keeps unrelated texts that happen
to name both sides once from passing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.assess.thresholds import Thresholds
from bot.assess.topic import Topic


@dataclass(frozen=True, slots=True)
class Relevance:
    """The relevance evidence for one article and the verdict drawn from it."""

    score: float
    cooccurrence: float
    lead_sides: int
    overlap: float
    relevant: bool
    reason: str


class StoryProfile:
    """The corpus's word profile and the topic's actor groups, ready for matching."""

    def __init__(self, topic: Topic, corpus_terms: Sequence[Sequence[str]]) -> None:
        self.topic = topic
        self._doc_share: Counter[str] = Counter()
        for doc_terms in corpus_terms:
            self._doc_share.update(set(doc_terms))
        total = max(len(corpus_terms), 1)
        self._share = {t: n / total for t, n in self._doc_share.items()}
        for term in topic.terms:
            self._share[term] = max(self._share.get(term, 0.0), 1.0)
        self._aliases = [(side, frozenset(aliases)) for side, aliases in topic.actors]

    def sides_in(self, lowered_words: Sequence[str]) -> set[str]:
        """Which sides a sentence names (aliases of up to three words)."""
        grams = set(lowered_words)
        grams.update(" ".join(lowered_words[i : i + 2]) for i in range(len(lowered_words) - 1))
        grams.update(" ".join(lowered_words[i : i + 3]) for i in range(len(lowered_words) - 2))
        return {side for side, aliases in self._aliases if grams & aliases}

    def overlap(self, doc_terms: set[str], idf: dict[str, float]) -> float:
        """Idf-weighted share of the article's vocabulary that belongs to the story."""
        total = sum(idf[t] for t in doc_terms)
        if not total:
            return 0.0
        return sum(idf[t] * self._share.get(t, 0.0) for t in doc_terms) / total

    @property
    def side_count(self) -> int:
        return len(self._aliases)


def judge_relevance(
    profile: StoryProfile,
    sentence_words: Sequence[Sequence[str]],
    lead_words: Sequence[str],
    opening_words: Sequence[str],
    doc_terms: set[str],
    idf: dict[str, float],
    thresholds: Thresholds,
) -> Relevance:
    """Combine side co-occurrence and story-word overlap into one verdict with a reason."""
    needed = min(2, profile.side_count)
    together = _joint_sentences(profile, sentence_words, needed)
    cooccurrence = together / max(len(sentence_words), 1) if needed else 0.0
    lead_sides = len(profile.sides_in(lead_words))
    overlap = profile.overlap(doc_terms, idf)
    score = _combine(cooccurrence, lead_sides >= needed, overlap, thresholds)
    opening_joint = len(profile.sides_in(opening_words)) >= needed
    needed_joint = _joint_needed(len(sentence_words), opening_joint, thresholds)
    relevant = score >= thresholds.relevance_min and together >= needed_joint
    reason = _reason(relevant, together, lead_sides, needed, overlap)
    return Relevance(score, cooccurrence, lead_sides, overlap, relevant, reason)


def _joint_needed(sentences: int, opening_joint: bool, thresholds: Thresholds) -> int:
    """In a flash whose headline and first sentence name both sides, that is the story."""
    if opening_joint and sentences <= thresholds.short_article_sentences:
        return 1
    return thresholds.min_joint_sentences


def _joint_sentences(
    profile: StoryProfile, sentence_words: Sequence[Sequence[str]], needed: int
) -> int:
    """Sentences naming a side that, with the sentence before, name all needed sides.

    News writes "China's envoy met Kuleba. Li said..." : the second sentence is
    still about both sides, so a two-sentence window is used.
    """
    count = 0
    previous: set[str] = set()
    for words in sentence_words:
        sides = profile.sides_in(words)
        if sides and len(sides | previous) >= needed:
            count += 1
        previous = sides
    return count


def _combine(
    cooccurrence: float, lead_joint: bool, overlap: float, thresholds: Thresholds
) -> float:
    """Each signal saturates at the level typical of on-story articles, then they are averaged."""
    joint = min(1.0, cooccurrence / thresholds.cooccurrence_full)
    words = min(1.0, overlap / thresholds.overlap_full)
    lead = 1.0 if lead_joint else 0.0
    return round((joint + words + lead) / 3, 4) if not math.isnan(overlap) else 0.0


def _reason(relevant: bool, together: int, lead_sides: int, needed: int, overlap: float) -> str:
    detail = (
        f"{together} sentence(s) name the story's sides together, story-word overlap {overlap:.2f}"
    )
    if relevant:
        return f"relevant: {detail}"
    if together == 0:
        return f"not relevant: the story's sides never appear together ({overlap:.2f} overlap)"
    return f"not relevant: {detail}" + ("" if lead_sides >= needed else ", lead is off-story")

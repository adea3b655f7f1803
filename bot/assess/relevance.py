"""Relevance: is this article about the watched story, or does it only share words?

The story is learned from the corpus, for any story and with no topic file:
its subject words (the common nouns and verbs its texts keep returning to:
"grain", "ship", "deal"), its phrases (word pairs several texts use: "grain
deal", "coordination centre") and its names (people and places the corpus
repeats). An article is on the story when its headline and lead are about
that subject: news puts what happened first, so background mentions further
down ("the war in Ukraine" in a trade item) do not make a piece on-story, and
a story whose news is one party acting (a suspension, a ship leaving port)
needs no second party. Words every news story uses ("official", "week") are
background, never evidence.

An operator's topic file may name the story's sides (`[actors]`); then the
story is the meeting of those sides and the share of sentences where they
appear together decides, as TREC found simple co-occurrence signals the
strongest for such stories. In both modes, the idf-weighted overlap of the
article's vocabulary with the corpus is reported and adds to the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.assess.analysis import Analysis
from bot.assess.sides import joint_sentences, sides_in
from bot.assess.story import StoryVocabulary, lead_bar, lead_terms
from bot.assess.thresholds import Thresholds
from bot.assess.topic import Topic


@dataclass(frozen=True, slots=True)
class Relevance:
    """The relevance evidence for one article and the verdict drawn from it."""

    score: float
    overlap: float
    relevant: bool
    reason: str


class StoryProfile:
    """The corpus's word profile, the story's derived vocabulary and the topic's sides."""

    def __init__(self, topic: Topic, corpus: Sequence[Analysis], thresholds: Thresholds) -> None:
        self.topic = topic
        self.vocabulary = StoryVocabulary.derive(corpus, topic.terms)
        self.lead_bar = lead_bar(
            corpus, thresholds.lead_sentences, thresholds.lead_bar_share, thresholds.lead_bar_floor
        )
        shares: dict[str, int] = {}
        for analysis in corpus:
            for term in analysis.doc_terms:
                shares[term] = shares.get(term, 0) + 1
        total = max(len(corpus), 1)
        self._share = {t: n / total for t, n in shares.items()}
        for term in topic.terms:
            self._share[term] = 1.0
        self.sides = tuple((side, frozenset(aliases)) for side, aliases in topic.actors)

    @property
    def name(self) -> str:
        return self.topic.name or self.vocabulary.describe()

    def overlap(self, doc_terms: set[str], idf: dict[str, float]) -> float:
        """Idf-weighted share of the article's vocabulary that belongs to the story."""
        total = sum(idf[t] for t in doc_terms)
        if not total:
            return 0.0
        return sum(idf[t] * self._share.get(t, 0.0) for t in doc_terms) / total


def judge_relevance(
    profile: StoryProfile, analysis: Analysis, idf: dict[str, float], thresholds: Thresholds
) -> Relevance:
    """The sides' meeting when the topic names sides, else the lead's story subject."""
    overlap = profile.overlap(analysis.doc_terms, idf)
    if len(profile.sides) >= 2:
        return _by_sides(profile, analysis, overlap, thresholds)
    return _by_subject(profile, analysis, overlap, thresholds)


def _by_subject(
    profile: StoryProfile, analysis: Analysis, overlap: float, thresholds: Thresholds
) -> Relevance:
    evidence = profile.vocabulary.evidence(lead_terms(analysis, thresholds.lead_sentences))
    lead = min(1.0, evidence.weight / (2 * profile.lead_bar))
    words = min(1.0, overlap / thresholds.overlap_full)
    score = round((2 * lead + words) / 3, 4)
    relevant = evidence.weight >= profile.lead_bar
    listed = ", ".join(evidence.found[:6]) or "none of its words"
    detail = (
        f"lead carries the story's {listed} ({evidence.weight:.1f} of {profile.lead_bar:.1f} "
        f"needed), overlap {overlap:.2f}"
    )
    reason = f"relevant: {detail}" if relevant else f"not relevant: lead is off-story: {detail}"
    return Relevance(score, overlap, relevant, reason)


def _by_sides(
    profile: StoryProfile, analysis: Analysis, overlap: float, thresholds: Thresholds
) -> Relevance:
    sentence_words = [s.lowered for s in analysis.sentences]
    lead = analysis.title_words + [w for s in analysis.sentences[:2] for w in s.lowered]
    opening = analysis.title_words + [w for s in analysis.sentences[:1] for w in s.lowered]
    together = joint_sentences(profile.sides, sentence_words)
    cooccurrence = together / max(len(sentence_words), 1)
    lead_joint = len(sides_in(profile.sides, lead)) >= 2
    joint = min(1.0, cooccurrence / thresholds.cooccurrence_full)
    words = min(1.0, overlap / thresholds.overlap_full)
    score = round((joint + words + (1.0 if lead_joint else 0.0)) / 3, 4)
    opening_joint = len(sides_in(profile.sides, opening)) >= 2
    short = opening_joint and len(sentence_words) <= thresholds.short_article_sentences
    needed = 1 if short else thresholds.min_joint_sentences
    # The story is the sides' contact, and news says what it is about first: a lead
    # (headline and two sentences) that names one side has the other as background.
    relevant = score >= thresholds.relevance_min and together >= needed and lead_joint
    detail = (
        f"{together} sentence(s) name the story's sides together, story-word overlap {overlap:.2f}"
    )
    if relevant:
        return Relevance(score, overlap, True, f"relevant: {detail}")
    if together == 0:
        reason = f"not relevant: the story's sides never appear together ({overlap:.2f} overlap)"
    else:
        reason = f"not relevant: {detail}" + ("" if lead_joint else ", lead is off-story")
    return Relevance(score, overlap, False, reason)

"""Novelty: does the article report a development the knowledge base does not hold?

Similarity alone cannot tell a rehash from a development (a paraphrase of a
known fact can look less similar than a genuinely new sentence), so two
signals are combined per sentence: coverage (the idf cosine to the closest
known sentence) and new facts (dates, names, places, numbers, quoted
statements never mentioned before). A sentence contributes its new facts
only when it is not already covered; a development buried in paragraph four
counts as much as one in the lead. Comment pieces (opinion, analysis,
explainers) argue about developments, so only strong evidence counts for
them (new dates, officials, numbers, statements) and they need more of it.
Quoted opinions of analysts weigh nothing: only parties' statements are news.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.assess.analysis import Analysis, Sentence
from bot.assess.events import retold_development
from bot.assess.facts import KIND_RULES, Fact, FactKind
from bot.assess.knowledge import KnowledgeIndex, Match
from bot.assess.speakers import colour_positions
from bot.assess.thresholds import Thresholds

# Facts checked as words said: known when one known sentence holds all their terms.
SPOKEN = frozenset({FactKind.QUOTE, FactKind.REMARK, FactKind.STATEMENT})


@dataclass(frozen=True, slots=True)
class SentenceNovelty:
    """One sentence's new facts and its closest known sentence."""

    sentence: Sentence
    new_facts: tuple[Fact, ...]
    nearest: Match | None

    @property
    def weight(self) -> float:
        return sum(f.weight for f in self.new_facts)


@dataclass(frozen=True, slots=True)
class Novelty:
    """The novelty verdict: score, new facts, the sentences carrying them, and why."""

    novel: bool
    score: float
    new_facts: tuple[Fact, ...]
    carriers: tuple[SentenceNovelty, ...]
    reason: str
    repeats: str | None


def judge_novelty(
    analysis: Analysis,
    index: KnowledgeIndex,
    thresholds: Thresholds,
    argument: frozenset[int] = frozenset(),
) -> Novelty:
    """Score new facts in uncovered sentences; decide and explain.

    `argument` holds the positions of a comment piece's sentences that argue
    rather than report (commentators, hedges, history): their facts never count.
    An article whose lead re-tells a known development (see `events`) counts
    only new dates, numbers and officials.
    """
    nearest_known = [index.nearest(s.terms) for s in analysis.sentences]
    retold = retold_development(analysis, index, thresholds, nearest_known)
    colour = colour_positions(analysis.sentences)
    seen: set[str] = set()
    carriers: list[SentenceNovelty] = []
    known_sources: Counter[str] = Counter()
    for sentence, nearest in zip(analysis.sentences, nearest_known, strict=True):
        covered = nearest is not None and nearest.similarity >= thresholds.covered_similarity
        # Words said on a point already known restate it: a reworded readout is no news.
        restated = nearest is not None and nearest.similarity >= thresholds.restated_similarity
        if nearest is not None and nearest.similarity >= thresholds.same_point_similarity:
            known_sources[nearest.doc_key] += 1
        fresh = []
        for fact in sentence.facts:
            if fact.key in seen:
                continue
            seen.add(fact.key)
            if _is_known(fact, index):
                source = index.fact_source(fact)
                if source:
                    known_sources[source] += 1
            elif not (covered or sentence.position in colour) and not (
                fact.kind in SPOKEN and restated
            ):
                fresh.append(fact)
        if fresh:
            carriers.append(SentenceNovelty(sentence, tuple(fresh), nearest))
    new_facts = tuple(f for c in carriers for f in c.new_facts)
    flash = len(analysis.sentences) <= thresholds.short_article_sentences
    counted = [
        _weight(f, c.sentence.position, flash)
        for c in carriers
        for f in c.new_facts
        if (not analysis.is_comment or (f.comment_evidence and c.sentence.position not in argument))
        and (retold is None or retold.counts(f.kind, c.sentence))
    ]
    score = round(sum(counted), 3)
    needed = thresholds.novelty_min * (
        thresholds.comment_novelty_factor if analysis.is_comment else 1.0
    )
    novel = score >= needed
    reason = _reason(novel, score, new_facts, analysis.is_comment)
    if retold is not None and not novel:
        reason += f"; its lead re-tells {retold.doc_key}"
    repeats = None if novel else _repeated(known_sources, index, thresholds)
    if repeats is None and retold is not None and not novel:
        repeats = None if index.is_baseline(retold.doc_key) else retold.doc_key
    return Novelty(novel, score, new_facts, tuple(carriers), reason, repeats)


def _weight(fact: Fact, position: int, flash: bool) -> float:
    """A fact's weight; in a wire flash, a new day in the first sentence dates the news.

    "FLASH: Russia says on Monday it suspends..." : a flash is one development, and
    its lead's day is when it happened, as much a date as "July 17". In longer
    pieces the lead's day is as often scene-setting ("woke up on Thursday to...").
    """
    if flash and fact.kind is FactKind.DAY and position == 0:
        return KIND_RULES[FactKind.DATE].weight
    return fact.weight


def _is_known(fact: Fact, index: KnowledgeIndex) -> bool:
    if fact.kind in SPOKEN:
        # quote:<terms> or statement:<speaker>|<terms>: the words said are the last part.
        return index.contains_all(fact.key.split(":", 1)[1].rsplit("|", 1)[-1].split())
    return index.knows(fact)


def _repeated(sources: Counter[str], index: KnowledgeIndex, thresholds: Thresholds) -> str | None:
    """The alerted article most known facts and matching sentences came from (not the corpus)."""
    for key, count in sources.most_common():
        if count < thresholds.repeats_min_evidence:
            return None
        if not index.is_baseline(key):
            return key
    return None


def _reason(novel: bool, score: float, facts: tuple[Fact, ...], is_comment: bool) -> str:
    listed = ", ".join(f.text for f in facts[:6])
    if novel:
        return f"new development: {listed} (novelty {score:.2f})"
    if is_comment and facts:
        return f"nothing new: comment piece; unreported details ({listed}) are not enough"
    if facts:
        return f"nothing new: only minor unreported details ({listed}, novelty {score:.2f})"
    return "nothing new: every date, name and number was already reported"

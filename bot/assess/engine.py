"""The Assessor: relevance, copy, novelty and summary for each article, in stream order.

`assess` is pure with respect to the knowledge base, so the same article can
be assessed twice (preview, `talkwatch assess`) without side effects; `learn`
is the only mutation, deterministic and cheap, so a restart rebuilds the base
by replaying stored (document, verdict) pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.assess.analysis import Analysis, analyse
from bot.assess.asked import analyse_asking
from bot.assess.comment import comment_signs, commentary_positions
from bot.assess.copies import Copied, copy_anchors, find_copy
from bot.assess.facts import Fact, FactKind
from bot.assess.knowledge import KnowledgeIndex
from bot.assess.novelty import Novelty, judge_novelty
from bot.assess.pool import FeaturePool
from bot.assess.relevance import Relevance, StoryProfile, judge_relevance
from bot.assess.shingles import CopyIndex
from bot.assess.summary import sentence_names, summarise
from bot.assess.thresholds import DEFAULT_THRESHOLDS, Thresholds
from bot.assess.topic import Topic
from bot.domain import Assessment, Document, VerdictKind


class Assessor:
    """Decides, for each new document, whether it is a fresh development of the story."""

    def __init__(
        self,
        topic: Topic,
        corpus: Sequence[Document],
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        pool: FeaturePool | None = None,
    ) -> None:
        """`pool` is shared by the stories of one process: what they learn in common is
        kept once (see `pool`); without one, the story keeps its own."""
        self.thresholds = thresholds
        self.topic = topic
        self.pool = pool if pool is not None else FeaturePool()
        self._index = KnowledgeIndex(self.pool)
        self._copies = CopyIndex(self.pool)
        self._last: tuple[Document, Analysis] | None = None
        # A corpus text's first line is its title, and part of what the corpus says.
        # One by one, so each text's names fold onto those of the texts before it.
        analyses = []
        for doc in corpus:
            analysis = self._analyse_new(replace(doc, text=f"{doc.title}\n\n{doc.text}"))
            self._observe(doc, analysis)
            self._add_knowledge(doc, analysis, baseline=True)
            analyses.append(analysis)
        self._profile = StoryProfile(topic, analyses, thresholds)

    @property
    def size(self) -> int:
        """Known sentences (corpus plus alerted articles): the knowledge base's size."""
        return self._index.sentence_count

    def assess(self, doc: Document) -> Assessment:
        """The verdict on one document against what is known now; learns nothing.

        Time comes from the document itself: relative dates resolve against its
        `published_at`, so a replay and a live run give the same verdict.
        """
        analysis = self._analyse(doc)
        if not analysis.sentences:
            return _empty_verdict(analysis)
        relevance = self._relevance(analysis)
        copy = find_copy(self._copies, analysis, self.thresholds)
        if copy is not None:
            return _copy_verdict(analysis, relevance, copy)
        if not relevance.relevant:
            return _irrelevant_verdict(analysis, relevance)
        analysis, comment = self._as_comment(analysis, doc)
        argument = (
            commentary_positions([s.text for s in analysis.sentences], doc.published_at)
            if analysis.is_comment
            else frozenset()
        )
        novelty = judge_novelty(analysis, self._index, self.thresholds, argument)
        return self._full_verdict(analysis, relevance, novelty, comment)

    def adopt(self, pool: FeaturePool) -> None:
        """Share `pool`'s copies of everything known (a snapshot loads values of its own)."""
        self.pool = pool
        self._index.adopt(pool)
        self._copies.adopt(pool)

    def learn(self, doc: Document, verdict: Assessment) -> None:
        """Remember a document: always as seen (for copies), and its facts when alerted."""
        analysis = self._analyse(doc)
        self._observe(doc, analysis)
        if verdict.is_alert:
            self._add_knowledge(doc, analysis, baseline=False)

    def _analyse(self, doc: Document) -> Analysis:
        if self._last is not None and self._last[0] == doc:
            return self._last[1]
        analysis = self._analyse_shared(doc)
        self._last = (doc, analysis)
        return analysis

    def _analyse_shared(self, doc: Document) -> Analysis:
        """Another story's analysis of this article when this story's knowledge answers
        every question it asked alike (see `asked`); else its own, offered to the others."""
        lowercase, names = self._index.lowercase_words, self._index.known_names
        for earlier in self.pool.analysed(doc):
            if earlier.questions.answered_alike(lowercase, names):
                return earlier.analysis
        asked = analyse_asking(doc, lowercase, names)
        self.pool.remember(doc, asked)
        return asked.analysis

    def _analyse_new(self, doc: Document) -> Analysis:
        """Analyse with what the base knows: lowercase words and names for spelling folds."""
        return analyse(doc, self._index.lowercase_words, self._index.known_names)

    def _observe(self, doc: Document, analysis: Analysis) -> None:
        self._index.observe(analysis.doc_terms, analysis.lowercase)
        self._copies.add(doc.key, analysis.prints, copy_anchors(analysis))

    def _add_knowledge(self, doc: Document, analysis: Analysis, baseline: bool) -> None:
        sentences = [(s.text, s.terms) for s in analysis.sentences]
        facts = [f for s in analysis.sentences for f in s.facts]
        if doc.published_at is not None:
            # An alert's development happened by its publication day, even when the text
            # only says "today" or "on Monday": a rewrite dating it "July 17" is not news.
            day = doc.published_at.date().isoformat()
            facts.append(Fact(FactKind.DATE, f"date:{day}", day))
        names = [sentence_names(s) for s in analysis.sentences]
        self._index.add(
            doc.key, sentences, facts, baseline=baseline, names=names, published=doc.published_at
        )

    def _relevance(self, analysis: Analysis) -> Relevance:
        idf = {t: self._index.idf(t) for t in analysis.doc_terms}
        return judge_relevance(self._profile, analysis, idf, self.thresholds)

    def _as_comment(self, analysis: Analysis, doc: Document) -> tuple[Analysis, tuple[str, ...]]:
        """Mark an unlabelled piece that reads as comment, with the reason why."""
        if analysis.is_comment:
            return analysis, ()
        texts = [s.text for s in analysis.sentences]
        signs = comment_signs(analysis.headline, texts, doc.published_at)
        if signs.score < self.thresholds.comment_score_min:
            return analysis, ()
        note = f"reads as comment ({signs.score:.2f}): {signs.describe()}"
        return replace(analysis, is_comment=True), (note,)

    def _full_verdict(
        self, analysis: Analysis, relevance: Relevance, novelty: Novelty, notes: tuple[str, ...]
    ) -> Assessment:
        summary = summarise(analysis, novelty, self.thresholds, self._index)
        reasons = [relevance.reason, *notes, novelty.reason]
        if novelty.repeats:
            reasons.append(f"re-reports {novelty.repeats}")
        return Assessment(
            relevant=True,
            relevance=relevance.score,
            copy_of=None,
            novel=novelty.novel,
            novelty=novelty.score,
            new_facts=tuple(f.text for f in novelty.new_facts) if novelty.novel else (),
            headline=summary.headline,
            summary=summary.text,
            before=summary.before if novelty.novel else None,
            reasons=tuple(reasons) + _notes(analysis),
            repeats=novelty.repeats,
            kind=VerdictKind.ALERT if novelty.novel else VerdictKind.KNOWN,
            before_key=summary.before_key if novelty.novel else None,
        )


def _notes(analysis: Analysis) -> tuple[str, ...]:
    return (
        ("text truncated: only the first 200,000 characters were read",)
        if analysis.truncated
        else ()
    )


def _lead(analysis: Analysis) -> str:
    return analysis.sentences[0].text[:300] if analysis.sentences else ""


def _empty_verdict(analysis: Analysis) -> Assessment:
    return Assessment.silent(
        "not relevant: no readable sentences in the text",
        *_notes(analysis),
        kind=VerdictKind.OFF_STORY,
        headline=analysis.headline[:140],
    )


def _copy_verdict(analysis: Analysis, relevance: Relevance, copy: Copied) -> Assessment:
    reason = copy.reason
    return Assessment(
        relevant=relevance.relevant,
        relevance=relevance.score,
        copy_of=copy.doc_key,
        novel=False,
        novelty=0.0,
        headline=analysis.headline[:140],
        summary=_lead(analysis),
        reasons=(reason, relevance.reason, *_notes(analysis)),
        kind=VerdictKind.COPY,
    )


def _irrelevant_verdict(analysis: Analysis, relevance: Relevance) -> Assessment:
    return Assessment(
        relevant=False,
        relevance=relevance.score,
        copy_of=None,
        novel=False,
        novelty=0.0,
        headline=analysis.headline[:140],
        summary=_lead(analysis),
        reasons=(relevance.reason, *_notes(analysis)),
        kind=VerdictKind.OFF_STORY,
    )

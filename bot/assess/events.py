"""Event memory: does an article's lead re-tell a development already known?

A development is who did what, where and when. News puts it in the lead; a
re-report, an independent rewrite of the same announcement or a piece adding
readout quotes leads with the same people, places, dates and numbers, all of
which the knowledge base already holds, in a sentence close to a sentence of
an earlier alert.
Such an article joins the development it re-tells: its quotes, reported
statements and colour are not a development, and only a new date, number or
named official can still make it one. A new meeting of known people, a new
date for a known trip or a new decision brings a fact the base lacks into the
lead (a date, a place, a number), so it is not a re-telling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.assess.analysis import Analysis, Sentence
from bot.assess.facts import KIND_RULES, Fact, FactKind
from bot.assess.knowledge import KnowledgeIndex, Match
from bot.assess.thresholds import Thresholds

# The facts that identify an event: who, where, when, how many.
EVENT_KINDS = frozenset(
    {
        FactKind.PERSON,
        FactKind.PLACE,
        FactKind.ENTITY,
        FactKind.DATE,
        FactKind.DAY,
        FactKind.NUMBER,
    }
)
# What can still make a re-telling news: a new date, number or named official.
RETOLD_EVIDENCE = frozenset({FactKind.DATE, FactKind.NUMBER, FactKind.PERSON})
# Words said: quotations, reported statements, remarks.
SPOKEN = frozenset({FactKind.QUOTE, FactKind.REMARK, FactKind.STATEMENT})


@dataclass(frozen=True, slots=True)
class Retold:
    """The known development an article's lead re-tells, and the closest known sentence.

    `participants`: when the lead names the development by facts a recent alert brought,
    in its own words (no close sentence), the name words of that alert; then words said
    by those participants (or by no one named) are not news, and all else still counts.
    """

    doc_key: str
    nearest: Match | None
    participants: frozenset[str] | None = None

    def counts(self, kind: FactKind, sentence: Sentence) -> bool:
        """Whether a new fact of this kind, in this sentence, can still make the re-telling
        a development: words said count only when the sentence names someone new."""
        if self.participants is None:
            return kind in RETOLD_EVIDENCE
        if kind not in SPOKEN:
            return True
        return any(
            token not in self.participants
            for fact in sentence.facts
            if KIND_RULES[fact.kind].by_word and fact.kind is not FactKind.PLACE
            for token in fact.tokens
        )


def _closeness(
    match: Match, index: KnowledgeIndex, published: date | None, limits: Thresholds
) -> float:
    """The match's similarity over the bar it must reach (1.0 or more re-tells).

    In the same news cycle as the alert (a rewrite of the day's announcement) a
    sentence on the same point is enough; later, it must repeat the alert closely.
    """
    alerted = index.published(match.doc_key)
    same_cycle = (
        published is not None
        and alerted is not None
        and abs((published - alerted.date()).days) <= limits.news_cycle_days
    )
    bar = limits.same_point_similarity if same_cycle else limits.retold_similarity
    return match.similarity / bar


def retold_development(
    analysis: Analysis,
    index: KnowledgeIndex,
    thresholds: Thresholds,
    nearest: Sequence[Match | None],
) -> Retold | None:
    """The known development the lead re-tells: every event fact known, a known sentence close.

    `nearest` holds each sentence's closest known sentence (novelty finds them anyway).
    """
    lead = analysis.sentences[: thresholds.lead_sentences]
    published = analysis.published
    facts = [f for s in lead for f in s.facts if f.kind in EVENT_KINDS]
    if not facts or not all(index.knows(f) for f in facts):
        return None
    matches = [m for m in nearest[: len(lead)] if m is not None]
    # The corpus describes what was planned or possible ("can be renewed"); only an
    # earlier alert reports a development that has happened and can be re-told.
    matches = [m for m in matches if not index.is_baseline(m.doc_key)]
    best = max(matches, key=lambda m: _closeness(m, index, published, thresholds), default=None)
    if best is None or _closeness(best, index, published, thresholds) < 1.0:
        return _told_by_facts(facts, index, published, thresholds)
    return Retold(best.doc_key, best)


def _told_by_facts(
    facts: Sequence[Fact], index: KnowledgeIndex, published: date | None, limits: Thresholds
) -> Retold | None:
    """The recent alert that first reported a fact the lead names the event by.

    A follow-up names the development it re-tells by what the alert brought ("Friday's
    briefing in Beijing", "the meeting in Jeddah", "the 87 ships"), however it words the
    rest. When every lead fact is known and one of them was first reported by an alert
    of the last few days (not by the corpus), the lead is about that alert's event.
    """
    if published is None:
        return None
    for fact in facts:
        source = index.fact_source(fact)
        if source is None or index.is_baseline(source):
            continue
        alerted = index.published(source)
        if alerted is not None and 0 <= (published - alerted.date()).days <= limits.event_days:
            return Retold(source, None, index.doc_names(source))
    return None

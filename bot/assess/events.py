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

from bot.assess.analysis import Analysis
from bot.assess.facts import FactKind
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


@dataclass(frozen=True, slots=True)
class Retold:
    """The known development an article's lead re-tells, and the closest known sentence."""

    doc_key: str
    nearest: Match


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
    facts = [f for s in lead for f in s.facts if f.kind in EVENT_KINDS]
    if not facts or not all(index.knows(f) for f in facts):
        return None
    published = analysis.published
    matches = [m for m in nearest[: len(lead)] if m is not None]
    # The corpus describes what was planned or possible ("can be renewed"); only an
    # earlier alert reports a development that has happened and can be re-told.
    matches = [m for m in matches if not index.is_baseline(m.doc_key)]
    best = max(matches, key=lambda m: _closeness(m, index, published, thresholds), default=None)
    if best is None or _closeness(best, index, published, thresholds) < 1.0:
        return None
    return Retold(best.doc_key, best)
